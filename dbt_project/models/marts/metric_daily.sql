{#-
    One row per custom metric and UTC day, from the first day any custom metric has an event to the newest event
    in the warehouse, days without events included as zeros so series and alerts see gaps.
-#}
{%- set metrics = cdp.custom_metrics() -%}

with metric_events as (

    select * from {{ ref('metric_events') }}

),

events as (

    select * from {{ ref('events') }}

),

configured_metrics as (
    {%- for metric in metrics %}

    select {{ cdp.sql_literal(metric['name']) }} as metric_name
    union all
    {%- endfor %}

    select cast(null as {{ dbt.type_string() }}) as metric_name
    where 1 = 0

),

bounds as (

    select
        (select min({{ cdp.utc_date('event_at') }}) from metric_events) as first_date,
        (select max({{ cdp.utc_date('event_at') }}) from events) as last_date

),

days as (

    {{ cdp.day_series('(select first_date from bounds)', '(select last_date from bounds)') }}

),

daily as (

    select
        metric_name,
        {{ cdp.utc_date('event_at') }} as metric_date,
        count(*) as event_count,
        sum(value) as value_sum,
        count(distinct profile_id) as unique_profiles
    from metric_events
    group by metric_name, {{ cdp.utc_date('event_at') }}

),

final as (

    select
        configured_metrics.metric_name,
        days.metric_date,
        coalesce(daily.event_count, 0) as event_count,
        coalesce(daily.value_sum, 0) as value_sum,
        coalesce(daily.unique_profiles, 0) as unique_profiles
    from configured_metrics
    cross join days
    left join daily
        on
            configured_metrics.metric_name = daily.metric_name
            and days.metric_date = daily.metric_date

)

select * from final
