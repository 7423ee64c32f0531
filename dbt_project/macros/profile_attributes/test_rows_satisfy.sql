{#- Fails with every row of `model` for which `condition` (SQL over its columns) is not true. -#}
{% test rows_satisfy(model, condition) %}
select * from {{ model }} where not coalesce({{ condition }}, false)
{% endtest %}
