{#-
    One row per custom metric and event: the events of the metric's base metrics for which every configured filter
    holds (config/metrics.yaml, var cdp_metrics). CLV, RFM, funnels and segments select a metric here by name.
-#}
{%- set metrics = cdp.custom_metrics() -%}

with events as (

    select * from {{ ref('events') }}

),

metric_events as (
    {%- for metric in metrics %}

    select
        {{ cdp.sql_literal(metric['name']) }} as metric_name,
        event_id,
        profile_id,
        metric_name as base_metric_name,
        event_at,
        cast(value as {{ cdp.type_double() }}) as value,
        source_label
    from events
    where metric_name in {{ cdp.sql_literal_list(metric['base_metrics']) }}
        and {{ cdp.property_filters_condition('properties', metric['filters']) }}

    union all
    {%- endfor %}

    select
        cast(null as {{ dbt.type_string() }}) as metric_name,
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_string() }}) as profile_id,
        cast(null as {{ dbt.type_string() }}) as base_metric_name,
        cast(null as timestamp with time zone) as event_at,
        cast(null as {{ cdp.type_double() }}) as value,
        cast(null as {{ dbt.type_string() }}) as source_label
    where 1 = 0

),

final as (

    select * from metric_events

)

select * from final
