{#- Raw tables keep every version of a record; rank 1 is the latest: loaded last, and within one load the last in
    file order. The one rule every staging model uses to pick the current version. -#}
{% macro latest_version_rank(partition_by) -%}
    row_number() over (partition by {{ partition_by }} order by _loaded_at desc, _file desc, _line desc)
{%- endmacro %}
