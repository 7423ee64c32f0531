{{ config(materialized='incremental', incremental_strategy='append') }}
{#- One row per distinct raw phone value and region ever seen, with its E.164 form: null unless phonenumbers reads
    it as a valid number of its country (a possible but unassigned number links nobody and is no profile's phone).
    Incremental: each run normalizes only values not seen before, so the Python UDF never runs per event; values
    that differ only in punctuation share a lookup key and are normalized once. -#}
with

crm_phones as (
    select
        phone_raw,
        phone_region
    from {{ ref('stg_crm__profiles') }}
),

shopify_phones as (
    select
        phone_raw,
        phone_region
    from {{ ref('stg_shopify__order_lines') }}
),

store_phones as (
    select
        phone_raw,
        phone_region
    from {{ ref('stg_stores__order_lines') }}
),

event_phones as (
    select
        phone_raw,
        phone_region
    from {{ ref('stg_segment__events') }}
    where traits is not null or context_traits is not null
),

raw_phones as (
    select distinct
        phone_raw,
        phone_region
    from (
        select * from crm_phones
        union all
        select * from shopify_phones
        union all
        select * from store_phones
        union all
        select * from event_phones
    ) as all_phones
    where phone_raw is not null
),

new_phones as (
    select
        raw_phones.phone_raw,
        raw_phones.phone_region
    from raw_phones
    {%- if is_incremental() %}
    left join {{ this }} as known
        on raw_phones.phone_raw = known.phone_raw and raw_phones.phone_region = known.phone_region
    where known.phone_raw is null
    {%- endif %}
),

keyed_phones as (
    select
        phone_raw,
        phone_region,
        {{ cdp.phone_lookup_key('phone_raw') }} as phone_key
    from new_phones
),

normalized_keys as (
    select
        phone_key,
        phone_region,
        {{ cdp.normalize_phone('phone_key', 'phone_region') }} as phone_e164
    from (select distinct phone_key, phone_region from keyed_phones) as distinct_keys
),

final as (
    select
        keyed_phones.phone_raw,
        keyed_phones.phone_region,
        normalized_keys.phone_e164,
        {{ dbt.current_timestamp() }} as normalized_at
    from keyed_phones
    inner join normalized_keys
        on keyed_phones.phone_key = normalized_keys.phone_key
        and keyed_phones.phone_region = normalized_keys.phone_region
)

select * from final
