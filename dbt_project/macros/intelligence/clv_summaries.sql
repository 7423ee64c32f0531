{#-
    Var `cdp_clv`, built from config/clv.yaml by assets/intelligence/clv_config.py: order_metric, as_of (a date or
    null for the newest order of the metric), historic_range_days and backtest_holdout_days. dbt_project.yml gives
    it empty, so a run without the var fails naming it (macro cdp.config_var); parsing (nothing run) reads nulls.
-#}
{% macro clv_settings() -%}
    {{ return(cdp.config_var('cdp_clv', 'clv.yaml',
                             ['order_metric', 'as_of', 'historic_range_days', 'backtest_holdout_days'])) }}
{%- endmacro %}

{#- SQL: the as-of date of CLV, a date: the configured `as_of`, else the UTC day of the newest order of the metric. -#}
{% macro clv_as_of_date(settings) -%}
    {%- if settings['as_of'] -%}
    cast({{ cdp.sql_literal(settings['as_of']) }} as date)
    {%- else -%}
    (select max({{ cdp.utc_date('ordered_at') }}) from ({{ cdp.customer_orders(settings['order_metric']) }}) as newest)
    {%- endif -%}
{%- endmacro %}

{#-
    A select of the per-customer summaries of the order metric as of `end_offset_days` days before the as-of date,
    over the `historic_range_days` days ending on that day (orders on the end day included), in the conventions of
    the BTYD literature (lifetimes' summary_data_from_transaction_data): a purchase is a UTC day with orders, several
    orders on one day being one purchase; frequency = purchase days - 1 (repeat purchases); recency_days = last -
    first purchase day; t_days = end day - first purchase day; monetary_value = the mean value of the repeat
    purchase days (0 for a one-time buyer, as lifetimes has it); historic_clv and historic_orders count every order;
    order_metric and historic_range_days say which settings built the row, so a fit checks it reads its own.
-#}
{% macro clv_summaries(settings, end_offset_days) -%}
    {%- set range_days = settings['historic_range_days'] | int -%}
    with bounds as (

        select
            cast({{ dbt.dateadd('day', -1 * (end_offset_days | int), cdp.clv_as_of_date(settings)) }} as date)
                as as_of_date

    ),

    ranged_orders as (

        select
            metric_orders.profile_id,
            {{ cdp.utc_date('metric_orders.ordered_at') }} as order_date,
            metric_orders.order_value,
            bounds.as_of_date
        from ({{ cdp.customer_orders(settings['order_metric']) }}) as metric_orders
        cross join bounds
        where
            metric_orders.profile_id is not null
            and {{ cdp.utc_date('metric_orders.ordered_at') }} <= bounds.as_of_date
            and {{ cdp.utc_date('metric_orders.ordered_at') }}
            > cast({{ dbt.dateadd('day', -1 * range_days, 'bounds.as_of_date') }} as date)

    ),

    purchase_days as (

        select
            profile_id,
            order_date,
            as_of_date,
            sum(order_value) as day_value,
            count(*) as day_orders,
            row_number() over (partition by profile_id order by order_date) as purchase_number
        from ranged_orders
        group by profile_id, order_date, as_of_date

    ),

    summaries as (

        select
            profile_id,
            min(order_date) as first_purchase_date,
            max(order_date) as last_purchase_date,
            count(*) as purchase_days,
            count(*) - 1 as frequency,
            {{ dbt.datediff('min(order_date)', 'max(order_date)', 'day') }} as recency_days,
            {{ dbt.datediff('min(order_date)', 'max(as_of_date)', 'day') }} as t_days,
            cast(coalesce(avg(case when purchase_number > 1 then day_value end), 0) as {{ cdp.type_double() }})
                as monetary_value,
            cast(sum(day_value) as {{ cdp.type_double() }}) as historic_clv,
            sum(day_orders) as historic_orders,
            max(as_of_date) as as_of_date
        from purchase_days
        group by profile_id

    )

    select
        profile_id,
        first_purchase_date,
        last_purchase_date,
        cast(purchase_days as bigint) as purchase_days,
        cast(frequency as bigint) as frequency,
        cast(recency_days as bigint) as recency_days,
        cast(t_days as bigint) as t_days,
        monetary_value,
        historic_clv,
        cast(historic_orders as bigint) as historic_orders,
        as_of_date,
        cast({{ cdp.sql_literal(settings['order_metric']) }} as {{ dbt.type_string() }}) as order_metric,
        cast({{ range_days }} as integer) as historic_range_days
    from summaries
{%- endmacro %}
