{#-
    Fails on every combination of `columns` held by more than one row. Grouping by the columns themselves, not a
    concatenated text key: at 10 million customers (180 million rows of customer_rfm) the text key took 146 s.
-#}
{% test rfm_one_row_per(model, columns) -%}
    select
        {{ columns | join(', ') }},
        count(*) as rows_held
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{%- endtest %}
