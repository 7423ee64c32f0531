{#-
    One row per profile and channel (email, sms, push): the consent status after the latest change, with its time and
    source, across CRM consent fields (int_profile_records) and subscribe / unsubscribe events (events). Every profile
    of the spine (int_profiles_resolved) has its three rows, evidence or not, so a sync sends every profile's state
    and no reader has to guess what a missing row means: no evidence for a channel is never_subscribed. Evidence
    of a profile_id the spine does not hold is left out. On equal times unsubscribed wins, the conservative reading.
-#}
{%- set consent = cdp.profile_attribute_settings(['consent'])['consent'] -%}
{#- `| list`: when parsing without vars, consent reads as empty (profile_attribute_settings). -#}
{%- set consent_metrics = (consent['subscribe_metrics'] | list) + (consent['unsubscribe_metrics'] | list) -%}

with profiles as (

    select * from {{ ref('int_profiles_resolved') }}

),

records as (

    select * from {{ ref('int_profile_records') }}

),

consent_events as (

    select * from {{ ref('events') }}
    where metric_name in {{ cdp.sql_literal_list(consent_metrics) }}

),

channels as (

    select 'email' as channel
    union all
    select 'sms' as channel
    union all
    select 'push' as channel

),

record_changes as (
    {%- for channel in ['email', 'sms', 'push'] %}

        select
            profile_id,
            '{{ channel }}' as channel,
            lower(trim({{ channel }}_consent)) as status,
            coalesce(consent_updated_at, observed_at) as status_changed_at,
            source_label,
            cast(null as {{ dbt.type_string() }}) as source_event_id,
            record_key as source_record_key
        from records
        where lower(trim({{ channel }}_consent)) in ('subscribed', 'unsubscribed', 'never_subscribed')
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

event_changes as (

    select
        profile_id,
        lower(trim({{ cdp.json_text('properties', '$.' ~ consent['channel_property']) }})) as channel,
        case
            when metric_name in {{ cdp.sql_literal_list(consent['unsubscribe_metrics']) }} then 'unsubscribed'
            else 'subscribed'
        end as status,
        event_at as status_changed_at,
        source_label,
        event_id as source_event_id,
        cast(null as {{ dbt.type_string() }}) as source_record_key
    from consent_events

),

changes as (

    select * from record_changes
    where profile_id is not null
    union all
    select * from event_changes
    where profile_id is not null and channel in ('email', 'sms', 'push')

),

ranked as (

    select
        *,
        row_number() over (
            partition by profile_id, channel
            order by
                status_changed_at desc nulls last,
                case status when 'unsubscribed' then 0 when 'never_subscribed' then 1 else 2 end,
                coalesce(source_event_id, source_record_key) desc
        ) as change_rank
    from changes

),

latest as (

    select * from ranked
    where change_rank = 1

),

final as (

    select
        profiles.profile_id,
        channels.channel,
        coalesce(latest.status, 'never_subscribed') as status,
        latest.status_changed_at,
        latest.source_label,
        latest.source_event_id,
        latest.source_record_key
    from profiles
    cross join channels
    left join latest
        on
            profiles.profile_id = latest.profile_id
            and channels.channel = latest.channel

)

select * from final
