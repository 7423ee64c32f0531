{#-
    Var `cdp_rfm`, built from config/rfm.yaml by assets/intelligence/rfm_config.py (every default is there). A run
    without it fails naming the var (macro cdp.config_var); parsing (no vars, nothing run) reads it as empty.
-#}
{% macro rfm_settings() -%}
    {{ return(cdp.config_var('cdp_rfm', 'rfm.yaml')) }}
{%- endmacro %}

{#-
    Fails the model, before it writes anything, when the store is too small or too young for meaningful groups at
    its latest snapshot (the as-of date): the message names each minimum not met, the figure found and the setting.
    The figures are the model's own at that snapshot: customers with an order of the metric, and days from the
    first order to the newest. Earlier snapshots below the minimums are left out by the model, not failed.
-#}
{% macro rfm_check_minimums(rfm) -%}
    {#- Only when the model is built: `dbt compile` (and SQLFluff's dbt templater) may run over an empty warehouse. -#}
    {%- if execute and flags.WHICH in ['run', 'build'] -%}
        {%- set order_date = cdp.utc_date('ordered_at') -%}
        {%- set figures_sql -%}
            with metric_orders as (
                {{ cdp.customer_orders(rfm.order_metric) }}
            )

            select
                count(distinct profile_id) as customers,
                coalesce({{ dbt.datediff('min(' ~ order_date ~ ')', 'max(' ~ order_date ~ ')', 'day') }}, 0)
                    as history_days,
                max({{ order_date }}) as as_of_date
            from metric_orders
            where profile_id is not null
        {%- endset -%}
        {%- set row = run_query(figures_sql).rows[0] -%}
        {%- set found = {'customers': row[0] | int, 'history_days': row[1] | int} -%}
        {%- set descriptions = {
            'customers': 'customers with an order',
            'history_days': 'days of order history',
        } -%}
        {%- set problems = [] -%}
        {%- for name in ['customers', 'history_days'] -%}
            {%- set minimum = rfm.minimums[name] | int -%}
            {%- if found[name] < minimum -%}
                {%- do problems.append(
                    descriptions[name] ~ ": " ~ found[name] ~ ", below the minimum of " ~ minimum
                    ~ " (" ~ rfm.source_file ~ " minimums." ~ name ~ ")"
                ) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if problems -%}
            {{ exceptions.raise_compiler_error(
                "RFM: the store is too small or too young for meaningful groups, so " ~ this
                ~ " is not built. At the latest snapshot (the newest order of '" ~ rfm.order_metric ~ "', "
                ~ (row[2] or "no orders") ~ "): " ~ problems | join("; ")
            ) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
