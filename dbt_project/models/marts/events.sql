{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}
{#- One row per event: Segment track/page/screen calls and the order events synthesized from the stores
    (Placed Order, Ordered Product, Refunded Order, Cancelled Order), each with its profile. Incremental: a run
    adds what was loaded since the last one per source, and rewrites the events of identifiers and profiles
    the latest identity resolution moved, so no event keeps a merged profile_id.
    An order's events add up to its net_total: Placed Order is worth the total (kept when the order is later
    cancelled, as Klaviyo keeps it), Refunded Order the refunds, and Cancelled Order what the cancellation takes
    off beyond them (total less refunds), so Placed - Refunded - Cancelled is what the customer kept paying.
    A refund has no date in the exports: it takes the order's updated_at, the latest time the source records for
    the order, never the load time, which would make an old order's refund look like today's activity. -#}
{%- set number = cdp.type_double() -%}
with

segment_events as (
    select * from {{ ref('stg_segment__events') }}
    where call_type in ('track', 'page', 'screen')
),

orders as (
    select * from {{ ref('orders') }}
),

order_lines as (
    select * from {{ ref('order_lines') }}
),

moved_identifiers as (
    select
        identifier_type,
        identifier_value,
        profile_id
    from {{ ref('int_identifier_profile_history') }}
    where
        change_kind <> 'new'
        and assigned_at = (select max(latest.assigned_at) from {{ ref('int_identifier_profile_history') }} as latest)
),

{%- if is_incremental() %}
watermarks as (
    select source_name, max(_loaded_at) as loaded_until from {{ this }} group by source_name
),
{%- endif %}

new_segment_events as (
    select segment_events.*
    from segment_events
    {%- if is_incremental() %}
    left join watermarks on segment_events.source_name = watermarks.source_name
    where watermarks.loaded_until is null
        or segment_events._loaded_at > watermarks.loaded_until
        or segment_events.user_id in (select identifier_value from moved_identifiers where identifier_type = 'user_id')
        or segment_events.anonymous_id in (
            select identifier_value from moved_identifiers where identifier_type = 'anonymous_id'
        )
    {%- endif %}
),

new_orders as (
    select orders.*
    from orders
    {%- if is_incremental() %}
    left join watermarks on orders.source_name = watermarks.source_name
    where watermarks.loaded_until is null
        or orders._loaded_at > watermarks.loaded_until
        or orders.profile_id in (select profile_id from moved_identifiers)
    {%- endif %}
),

tracked as (
    select
        new_segment_events.message_id as event_id,
        coalesce(by_user.profile_id, by_anonymous_id.profile_id, by_observation.profile_id) as profile_id,
        case new_segment_events.call_type
            when 'page' then 'Viewed Page'
            when 'screen' then 'Viewed Screen'
            else new_segment_events.event_name
        end as metric_name,
        new_segment_events.event_at,
        coalesce(
            {{ dbt.safe_cast(cdp.json_text('properties', '$.revenue'), number) }},
            {{ dbt.safe_cast(cdp.json_text('properties', '$.total'), number) }},
            {{ dbt.safe_cast(cdp.json_text('properties', '$.price'), number) }}
            * {{ dbt.safe_cast(cdp.json_text('properties', '$.quantity'), number) }}
        ) as value,
        new_segment_events.properties,
        new_segment_events.source_label,
        new_segment_events.source_name,
        new_segment_events._file,
        new_segment_events._line,
        new_segment_events._loaded_at
    from new_segment_events
    left join {{ ref('int_identifier_profiles') }} as by_user
        on by_user.identifier_type = 'user_id' and new_segment_events.user_id = by_user.identifier_value
    left join {{ ref('int_identifier_profiles') }} as by_anonymous_id
        on
            by_anonymous_id.identifier_type = 'anonymous_id'
            and new_segment_events.anonymous_id = by_anonymous_id.identifier_value
    {#- A call none of whose ids links (a device two users shared, a placeholder user id) has the profile of its
        observation, a profile of its own; its key is hashed only for those calls. #}
    left join {{ ref('int_identity_observation_profiles') }} as by_observation
        on by_observation.observation_key = case
            when by_user.profile_id is null and by_anonymous_id.profile_id is null
                then {{ cdp.segment_observation_key() }}
        end
),

{%- set order_properties = [
    ('order_id', 'order_id'), ('source', 'source'), ('is_pos', 'is_pos'), ('is_subscription', 'is_subscription'),
    ('tags', 'tags'), ('item_count', 'item_count'), ('discount_code', 'discount_code'),
    ('total', 'cast(total as ' ~ number ~ ')'), ('currency', 'currency'), ('is_cancelled', 'is_cancelled'),
] %}

order_events as (
    {%- for metric, suffix, at, amount, condition in [
        ('Placed Order', 'placed', 'ordered_at', 'total', 'true'),
        ('Refunded Order', 'refunded', 'updated_at', 'refunded_amount', 'refunded_amount > 0'),
        ('Cancelled Order', 'cancelled', 'coalesce(cancelled_at, updated_at)', 'total - refunded_amount',
            'is_cancelled'),
    ] %}
        select
            {{ dbt.hash(dbt.concat(["order_key", "':" ~ suffix ~ "'"])) }} as event_id,
            profile_id,
            {{ cdp.sql_literal(metric) }} as metric_name,
            {{ at }} as event_at,
            cast({{ amount }} as {{ number }}) as value,
            {{ cdp.json_object(order_properties) }} as properties,
            source_label,
            source_name,
            _file,
            _line,
            _loaded_at
        from new_orders
        where {{ condition }}
        {{ "union all" if not loop.last }}
    {%- endfor %}
),

product_events as (
    select
        {{ dbt.hash(dbt.concat(["order_lines.order_line_key", "':ordered'"])) }} as event_id,
        new_orders.profile_id,
        'Ordered Product' as metric_name,
        new_orders.ordered_at as event_at,
        cast(order_lines.line_total as {{ number }}) as value,
        {{ cdp.json_object([
            ('order_id', 'new_orders.order_id'), ('source', 'new_orders.source'),
            ('product_id', 'order_lines.product_id'), ('sku', 'order_lines.sku'),
            ('product_name', 'order_lines.product_name'), ('category', 'order_lines.category'),
            ('quantity', 'order_lines.quantity'), ('price', 'cast(order_lines.price as ' ~ number ~ ')'),
            ('is_pos', 'new_orders.is_pos'), ('is_subscription', 'new_orders.is_subscription'),
        ]) }} as properties,
        new_orders.source_label,
        new_orders.source_name,
        order_lines._file,
        order_lines._line,
        new_orders._loaded_at
    from new_orders
    inner join order_lines on new_orders.order_key = order_lines.order_key
),

final as (
    select * from tracked
    union all
    select * from order_events
    union all
    select * from product_events
)

select * from final
