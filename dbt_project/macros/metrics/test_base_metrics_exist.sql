{#-
    Fails with one row per configured base metric that names no metric of `events`, giving the config file and
    field, so a typo in config/metrics.yaml surfaces as a failing asset check. Unknowable on an empty warehouse, so
    it only judges once `events` has rows.
-#}
{% test base_metrics_exist(model, events) %}
{%- set metrics = var('cdp_metrics') -%}

with configured as (
    {%- for metric in metrics %}
    {%- set metric_index = loop.index0 %}
    {%- for base_metric in metric['base_metrics'] %}
    select
        {{ cdp.sql_literal(metric['name']) }} as metric_name,
        {{ cdp.sql_literal(base_metric) }} as base_metric_name,
        {{ cdp.sql_literal(metric.get('base_metric_fields', [])[loop.index0]
            | default('metrics[' ~ metric_index ~ '].base_metrics[' ~ loop.index0 ~ ']')) }} as config_field
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
