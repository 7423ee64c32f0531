{#-
    The back-test's data: the CLV summaries as of the calibration end (the as-of date minus backtest_holdout_days of
    config/clv.yaml), one row per profile with an order in the historic range ending then, and what each of them
    bought in the hold-out that follows (after the calibration end, up to and including the as-of date).
-#}
{%- set settings = cdp.clv_settings() -%}
{%- set holdout_days = settings['backtest_holdout_days'] | int -%}

with calibration as (

    {{ cdp.clv_summaries(settings, holdout_days) }}

),

holdout_orders as (

    select
        profile_id,
        {{ cdp.utc_date('ordered_at') }} as order_date,
        order_value
    from ({{ cdp.customer_orders(settings['order_metric']) }}) as metric_orders
    where profile_id is not null

),

holdout as (

    select
        calibration.profile_id,
        count(distinct holdout_orders.order_date) as holdout_purchase_days,
        count(*) as holdout_orders,
        sum(holdout_orders.order_value) as holdout_revenue
    from calibration
    inner join holdout_orders
        on
            calibration.profile_id = holdout_orders.profile_id
            and calibration.as_of_date < holdout_orders.order_date
            and cast({{ dbt.dateadd('day', holdout_days, 'calibration.as_of_date') }} as date)
            >= holdout_orders.order_date
    group by calibration.profile_id

),

final as (

    select
        calibration.profile_id,
        calibration.first_purchase_date,
        calibration.last_purchase_date,
        calibration.purchase_days,
        calibration.frequency,
        calibration.recency_days,
        calibration.t_days,
        calibration.monetary_value,
        calibration.historic_clv,
        calibration.historic_orders,
        calibration.as_of_date as calibration_end_date,
        cast({{ dbt.dateadd('day', holdout_days, 'calibration.as_of_date') }} as date) as holdout_end_date,
        cast(coalesce(holdout.holdout_purchase_days, 0) as bigint) as holdout_purchase_days,
        cast(coalesce(holdout.holdout_orders, 0) as bigint) as holdout_orders,
        cast(coalesce(holdout.holdout_revenue, 0) as {{ cdp.type_double() }}) as holdout_revenue,
        calibration.order_metric,
        calibration.historic_range_days,
        cast({{ holdout_days }} as integer) as backtest_holdout_days
    from calibration
    left join holdout
        on calibration.profile_id = holdout.profile_id

)

select * from final
