{#- Fails with every group of `group_by` whose smallest `column_name` is not 1: positions numbered from one. -#}
{% test numbered_from_one(model, column_name, group_by) %}
select {{ group_by }}, min({{ column_name }}) as first_position
from {{ model }}
group by {{ group_by }}
having min({{ column_name }}) <> 1
{% endtest %}
