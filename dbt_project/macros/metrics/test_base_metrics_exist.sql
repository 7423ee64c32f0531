{#-
    Fails with one row per configured base metric that names no metric of `events`, giving the config file and
    field, so a typo in config/metrics.yaml surfaces as a failing asset check. Unknowable on an empty warehouse, so
    it only judges once `events` has rows.
-#}
{% test base_metrics_exist(model, events) %}
{%- set metrics = cdp.custom_metrics() -%}

with configured as (
    {%- for metric in metrics %}
    {#- The field names are written once, by metrics_config.py, with the file's path; none is made up here. #}
    {%- set fields = metric.get('base_metric_fields', []) %}
    {%- if execute and fields | length != metric['base_metrics'] | length %}
    {{ exceptions.raise_compiler_error(
        "var cdp_metrics: metric " ~ metric['name'] ~ " has no base_metric_fields for its base_metrics:"
        ~ " pass --vars from `python -m assets.dbt_models.dbt_vars` (config/metrics.yaml)"
    ) }}
    {%- endif %}
    {%- for base_metric in metric['base_metrics'] %}
    select
        {{ cdp.sql_literal(metric['name']) }} as metric_name,
        {{ cdp.sql_literal(base_metric) }} as base_metric_name,
        {{ cdp.sql_literal(fields[loop.index0]) }} as config_field
    union all
    {%- endfor %}
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as metric_name,
        cast(null as {{ dbt.type_string() }}) as base_metric_name,
        cast(null as {{ dbt.type_string() }}) as config_field
    where 1 = 0
),

known as (
    select distinct metric_name from {{ events }}
)

select configured.*
from configured
where exists (select 1 from {{ events }})
    and configured.base_metric_name not in (select metric_name from known where metric_name is not null)
{% endtest %}
