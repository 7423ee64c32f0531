{#- One row per identifier per observation: a set of identifiers seen together in one source record (an order,
    a CRM profile) or in Segment calls (each distinct combination of ids in events is one observation).
    A Shopify order also holds the anonymous and user ids of the Segment order events that name it
    (`properties.order_id`, Segment's e-commerce spec): the device that checked out, also as a guest.
    `record_count` is how many records the observation stands for (events of one combination of ids; an order or
    a CRM row is one), the support of the links it makes. Identifiers are normalized and junk values removed; an
    observation left without any identifier keeps one row of type `source_record` so it still gets a profile. -#}
{%- set linkable = cdp.identity_types() -%}
{%- set order_event_names = ['Order Completed', 'Order Updated', 'Order Refunded', 'Order Cancelled'] -%}
with

phones as (
    select * from {{ ref('int_phone_numbers_normalized') }}
    where not {{ cdp.phone_is_junk('phone_e164') }}
),

shopify_lines as (
    select * from {{ ref('stg_shopify__order_lines') }}
),

store_lines as (
    select * from {{ ref('stg_stores__order_lines') }}
),

crm_profiles as (
    select * from {{ ref('stg_crm__profiles') }}
),

event_id_sets as (
    select
        anonymous_id,
        user_id,
        previous_id,
        email,
        phone_raw,
        phone_region,
        source_label,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at,
        count(*) as record_count
    from {{ ref('stg_segment__events') }}
    group by 1, 2, 3, 4, 5, 6, 7
),

event_observations as (
    select
        {{ cdp.segment_observation_key() }} as observation_key,
        event_id_sets.*
    from event_id_sets
),

{# One row per (order id, id): an order's Completed and Updated events often name the same device, and each id
    joins the order's observation once. #}
order_events as (
    select distinct
        {{ cdp.json_text('properties', '$.order_id') }} as shopify_order_id,
        anonymous_id,
        user_id
    from {{ ref('stg_segment__events') }}
    where event_name in {{ cdp.sql_literal_list(order_event_names) }}
),

order_event_ids as (
    select distinct shopify_order_id, identifier_type, identifier_value
    from (
        select shopify_order_id, 'anonymous_id' as identifier_type, anonymous_id as identifier_value
        from order_events
        union all
        select shopify_order_id, 'user_id', user_id from order_events
    ) as ids
),

shopify_orders as (
    select
        {{ dbt.concat(["source_name", "':order:'", "order_name"]) }} as observation_key,
        source_label,
        max(shopify_order_id) as shopify_order_id,
        max(shopify_customer_id) as shopify_customer_id,
        max(email) as email,
        max(phone_raw) as phone_raw,
        max(phone_region) as phone_region,
        min(ordered_at) as first_seen_at,
        max(ordered_at) as last_seen_at,
        cast(1 as bigint) as record_count
    from shopify_lines
    group by source_name, order_name, source_label
),

store_orders as (
    select
        {{ dbt.concat(["source_name", "':order:'", "order_id"]) }} as observation_key,
        source_label,
        max(store_customer_id) as store_customer_id,
        max(email) as email,
        max(phone_raw) as phone_raw,
        max(phone_region) as phone_region,
        min(ordered_at) as first_seen_at,
        max(ordered_at) as last_seen_at,
        cast(1 as bigint) as record_count
    from store_lines
    group by source_name, order_id, source_label
),

crm_records as (
    select
        {{ dbt.concat(["source_name", "':crm:'", "coalesce(crm_id, _file || ':' || cast(_line as varchar))"]) }}
            as observation_key,
        source_label,
        crm_id,
        email,
        phone_raw,
        phone_region,
        coalesce(updated_at, _loaded_at) as first_seen_at,
        coalesce(updated_at, _loaded_at) as last_seen_at,
        cast(1 as bigint) as record_count
    from crm_profiles
),

phone_observations as (
    select observation_key, source_label, phone_raw, phone_region, first_seen_at, last_seen_at, record_count
    from event_observations
    union all
    select observation_key, source_label, phone_raw, phone_region, first_seen_at, last_seen_at, record_count
    from shopify_orders
    union all
    select observation_key, source_label, phone_raw, phone_region, first_seen_at, last_seen_at, record_count
    from store_orders
    union all
    select observation_key, source_label, phone_raw, phone_region, first_seen_at, last_seen_at, record_count
    from crm_records
),

identifiers as (
    select observation_key, source_label, 'anonymous_id' as identifier_type, anonymous_id as identifier_value,
        first_seen_at, last_seen_at, record_count
    from event_observations
    union all
    {#- alias: previousId is the anonymous id being tied to the user (Segment's usual alias call). #}
    select observation_key, source_label, 'anonymous_id', previous_id, first_seen_at, last_seen_at, record_count
    from event_observations
    where previous_id <> anonymous_id or anonymous_id is null
    union all
    select observation_key, source_label, 'user_id', user_id, first_seen_at, last_seen_at, record_count
    from event_observations
    union all
    select observation_key, source_label, 'email', email, first_seen_at, last_seen_at, record_count
    from event_observations
    union all
    select observation_key, source_label, 'shopify_customer_id', shopify_customer_id, first_seen_at, last_seen_at,
        record_count
    from shopify_orders
    union all
    select observation_key, source_label, 'email', email, first_seen_at, last_seen_at, record_count from shopify_orders
    union all
    select shopify_orders.observation_key, shopify_orders.source_label, order_event_ids.identifier_type,
        order_event_ids.identifier_value, shopify_orders.first_seen_at, shopify_orders.last_seen_at,
        shopify_orders.record_count
    from shopify_orders
    inner join order_event_ids on shopify_orders.shopify_order_id = order_event_ids.shopify_order_id
    union all
    select observation_key, source_label, {{ dbt.concat(["source_label", "'_customer_id'"]) }}, store_customer_id,
        first_seen_at, last_seen_at, record_count
    from store_orders
    union all
    select observation_key, source_label, 'email', email, first_seen_at, last_seen_at, record_count from store_orders
    union all
    select observation_key, source_label, 'crm_id', crm_id, first_seen_at, last_seen_at, record_count from crm_records
    union all
    select observation_key, source_label, 'email', email, first_seen_at, last_seen_at, record_count from crm_records
    union all
    select phone_observations.observation_key, phone_observations.source_label, 'phone', phones.phone_e164,
        phone_observations.first_seen_at, phone_observations.last_seen_at, phone_observations.record_count
    from phone_observations
    inner join phones
        on phone_observations.phone_raw = phones.phone_raw and phone_observations.phone_region = phones.phone_region
),

{# No distinct over all rows: each branch above gives an identifier once per observation (an alias whose
    previousId is its own anonymousId is skipped, order events are de-duplicated per order), and a distinct would
    hash every identifier row (at 10 M profiles, about 100 M). #}
kept as (
    select *
    from identifiers
    where identifier_type in {{ cdp.sql_literal_list(linkable) }}
        and not {{ cdp.identifier_is_junk('identifier_type', 'identifier_value') }}
),

all_observations as (
    select observation_key, source_label, first_seen_at, last_seen_at, record_count from event_observations
    union all
    select observation_key, source_label, first_seen_at, last_seen_at, record_count from shopify_orders
    union all
    select observation_key, source_label, first_seen_at, last_seen_at, record_count from store_orders
    union all
    select observation_key, source_label, first_seen_at, last_seen_at, record_count from crm_records
),

observations_with_identifiers as (
    select distinct observation_key from kept
),

without_identifiers as (
    select
        all_observations.observation_key,
        all_observations.source_label,
        'source_record' as identifier_type,
        all_observations.observation_key as identifier_value,
        all_observations.first_seen_at,
        all_observations.last_seen_at,
        all_observations.record_count
    from all_observations
    left join observations_with_identifiers as with_identifiers
        on all_observations.observation_key = with_identifiers.observation_key
    where with_identifiers.observation_key is null
),

final as (
    select * from kept
    union all
    select * from without_identifiers
)

select * from final
