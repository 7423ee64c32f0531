{#-
    One row per profile with an order of the CLV metric (config/clv.yaml order_metric) in the historic range ending
    on the as-of date: the BTYD summaries the models are fitted on (macro cdp.clv_summaries says how each is counted).
-#}
{%- set settings = cdp.clv_settings() -%}

with summaries as (

    {{ cdp.clv_summaries(settings, 0) }}

),

final as (

    select * from summaries

)

select * from final
