{#-
    One row per person (profile_id): survived attributes, custom and transformed properties as JSON, consent per
    channel, suppression, activity and counts. The profiles are the spine's (int_profiles_resolved): every profile
    identity resolution gives out, even one known only from an alias call; one known only by anonymous ids (a
    browser that never identified) is kept for its events but is not `is_identified`.
    Activity is measured back from the newest event in the warehouse, never from now(), so re-runs agree.
-#}
{%- set settings = cdp.profile_attribute_settings(
    ['attributes', 'custom_properties', 'transformations', 'suppression', 'active_window_days']
) -%}
{%- set suppression = settings['suppression'] -%}

with resolved_profiles as (

    select * from {{ ref('int_profiles_resolved') }}

),

consent as (

    select * from {{ ref('consent') }}

),

attributes as (

    select * from {{ ref('int_profile_attributes_transformed') }}

),

{# Each use of the events mart reads it on its own: a CTE read more than once is materialized whole. #}
events as (

    select * from {{ ref('events') }}

),

suppression_events as (

    select * from {{ ref('events') }}
    where metric_name in {{ cdp.sql_literal_list(suppression['events'] | map(attribute='metric') | list) }}

),

consent_by_profile as (

    select
        profile_id,
        max(case when channel = 'email' then status end) as email_consent,
        max(case when channel = 'sms' then status end) as sms_consent,
        max(case when channel = 'push' then status end) as push_consent
    from consent
    group by profile_id

),

event_activity as (

    select
        profile_id,
        count(*) as event_count,
        count(case when metric_name = 'Placed Order' then 1 end) as order_count,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at
    from events
    where profile_id is not null
    group by profile_id

),

newest_event as (

    select max(event_at) as newest_event_at from {{ ref('events') }}

),

{# Identifier sightings cover every Segment call (alias and identify too, which are no events), every order and
    CRM row: a profile seen only through an alias call still has a first and last sighting. #}
identities_by_profile as (

    select
        profile_id,
        count(*) as identifier_count,
        count(case when identifier_type <> 'anonymous_id' then 1 end) as known_identifier_count,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at
    from {{ ref('profile_identities') }}
    group by profile_id

),

suppression_evidence as (
    {%- for identifier in suppression['identifiers'] %}

    select
        profile_id,
        cast(null as timestamp with time zone) as suppressed_at,
        {{ cdp.sql_literal(identifier['reason']) }} as suppression_reason
    from {{ ref('profile_identities') }}
    where identifier_type = {{ cdp.sql_literal(identifier['type']) }}
        and identifier_value = {{ cdp.sql_literal(identifier['value']) }}

    union all
    {%- endfor %}
    {%- for suppression_event in suppression['events'] %}

    select
        profile_id,
        event_at as suppressed_at,
        {{ cdp.sql_literal(suppression_event['reason']) }} as suppression_reason
    from suppression_events
    where metric_name = {{ cdp.sql_literal(suppression_event['metric']) }}
        and {{ cdp.property_filters_condition('properties', suppression_event['filters']) }}

    union all
    {%- endfor %}

    select
        cast(null as {{ dbt.type_string() }}) as profile_id,
        cast(null as timestamp with time zone) as suppressed_at,
        cast(null as {{ dbt.type_string() }}) as suppression_reason
    where 1 = 0

),

suppressions as (

    select
        profile_id,
        suppressed_at,
        suppression_reason
    from (
        select
            *,
            row_number() over (
                partition by profile_id order by suppressed_at asc nulls last, suppression_reason asc
            ) as evidence_rank
        from suppression_evidence
        where profile_id is not null
    ) as ranked
    where evidence_rank = 1

),

final as (

    select
        resolved_profiles.profile_id,
        {%- for attribute in settings['attributes'] %}
            attributes.{{ cdp.property_column(attribute['name']) }},
        {%- endfor %}
        {{ cdp.json_object(cdp.prefixed_property_pairs('attributes', settings['custom_properties'])) }}
            as custom_properties,
        {{ cdp.json_object(cdp.prefixed_property_pairs('attributes', settings['transformations'])) }}
            as transformed_properties,
        consent_by_profile.email_consent,
        consent_by_profile.sms_consent,
        consent_by_profile.push_consent,
        coalesce(identities_by_profile.known_identifier_count, 0) > 0 as is_identified,
        suppressions.profile_id is not null as is_suppressed,
        suppressions.suppressed_at,
        suppressions.suppression_reason,
        coalesce(
            event_activity.last_event_at
            >= {{ dbt.dateadd('day', -1 * settings['active_window_days'], 'newest_event.newest_event_at') }},
            false
        ) as is_active,
        {#- Each argument falls back on the others, so a missing one is skipped on any engine. #}
        least(
            coalesce(attributes.first_observed_at, event_activity.first_event_at, identities_by_profile.first_seen_at),
            coalesce(event_activity.first_event_at, identities_by_profile.first_seen_at, attributes.first_observed_at),
            coalesce(identities_by_profile.first_seen_at, attributes.first_observed_at, event_activity.first_event_at)
        ) as first_seen_at,
        greatest(
            coalesce(attributes.last_observed_at, event_activity.last_event_at, identities_by_profile.last_seen_at),
            coalesce(event_activity.last_event_at, identities_by_profile.last_seen_at, attributes.last_observed_at),
            coalesce(identities_by_profile.last_seen_at, attributes.last_observed_at, event_activity.last_event_at)
        ) as last_seen_at,
        resolved_profiles.profile_created_at,
        event_activity.last_event_at,
        coalesce(attributes.record_count, 0) as record_count,
        coalesce(identities_by_profile.identifier_count, 0) as identifier_count,
        coalesce(event_activity.order_count, 0) as order_count,
        coalesce(event_activity.event_count, 0) as event_count
    from resolved_profiles
    cross join newest_event
    {#- consent has every profile of the spine (three rows each), so its columns are never null here. #}
    left join consent_by_profile on resolved_profiles.profile_id = consent_by_profile.profile_id
    left join attributes on resolved_profiles.profile_id = attributes.profile_id
    left join event_activity on resolved_profiles.profile_id = event_activity.profile_id
    left join identities_by_profile on resolved_profiles.profile_id = identities_by_profile.profile_id
    left join suppressions on resolved_profiles.profile_id = suppressions.profile_id

)

select * from final
