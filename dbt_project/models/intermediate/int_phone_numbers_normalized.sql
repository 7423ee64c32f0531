{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['phone_raw', 'phone_region'],
    on_schema_change='append_new_columns',
) }}
{#- One row per distinct raw phone value and region ever seen, with its E.164 form: null unless phonenumbers reads
    it as a valid number of its country (a possible but unassigned number links nobody and is no profile's phone).
    Incremental: each run normalizes only values not seen before, so the Python UDF never runs per event; values
    that differ only in punctuation share a lookup key and are normalized once.
    Validity follows the numbering plans of the phonenumbers release that read a value (`read_by`), and releases
    add ranges: a value read by another release, or before `read_by` existed, is read again and its row replaced. -#}
{%- set known_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list
    if execute and is_incremental() else [] -%}
with

reader as (
    select {{ cdp.phone_reader_version() }} as read_by
),

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
    {%- if is_incremental() and 'read_by' in known_columns %}
    left join {{ this }} as known
        on raw_phones.phone_raw = known.phone_raw and raw_phones.phone_region = known.phone_region
        and known.read_by = (select reader.read_by from reader)
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
        (select reader.read_by from reader) as read_by,
        {{ dbt.current_timestamp() }} as normalized_at
    from keyed_phones
    inner join normalized_keys
        on keyed_phones.phone_key = normalized_keys.phone_key
        and keyed_phones.phone_region = normalized_keys.phone_region
)

select * from final
