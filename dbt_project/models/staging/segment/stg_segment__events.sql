{#- One row per Segment call: renamed and typed, identifiers trimmed, identify emails normalized. -#}
with

source as (
    select * from {{ source('raw', 'events') }}
),

final as (
    select
        message_id,
        type as call_type,
        event as event_name,
        name as screen_name,
        nullif(trim(user_id), '') as user_id,
        nullif(trim(anonymous_id), '') as anonymous_id,
        nullif(trim(previous_id), '') as previous_id,
        lower(trim(coalesce(
            {{ cdp.json_text('traits', '$.email') }}, {{ cdp.json_text('context_traits', '$.email') }}
        ))) as email,
        nullif(trim(coalesce(
            {{ cdp.json_text('traits', '$.phone') }}, {{ cdp.json_text('context_traits', '$.phone') }}
        )), '') as phone_raw,
        coalesce(
            case when length(trim({{ cdp.json_text('traits', '$.address.country') }})) = 2
                then upper(trim({{ cdp.json_text('traits', '$.address.country') }})) end,
            {{ cdp.default_phone_region('source_name') }}
        ) as phone_region,
        traits,
        context_traits,
        properties,
        context,
        event_timestamp as event_at,
        timestamp_field,
        sent_at,
        received_at,
        source_name,
        source_label,
        _file,
        _line,
        _loaded_at
    from source
)

select * from final
