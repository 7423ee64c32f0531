{#- One row per identifier (type, value): when it was seen, and whether it links records. An identifier seen
    together with more values of a strong type than `max_per_profile` allows (a family email on two Shopify
    customers, a shared device under two user ids) stays an attribute and never links. -#}
with

observations as (
    select * from {{ ref('int_identity_observations') }}
),

rules as (
    {{ cdp.identity_rules_relation() }}
),

identifiers as (
    select
        identifier_type,
        identifier_value,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        count(*) as observation_count
    from observations
    group by identifier_type, identifier_value
),

strong_observations as (
    select observations.observation_key, observations.identifier_type, observations.identifier_value,
        rules.max_per_profile
    from observations
    inner join rules on observations.identifier_type = rules.identifier_type
    where rules.max_per_profile is not null
),

co_observed as (
    select
        observations.identifier_type,
        observations.identifier_value,
        strong_observations.identifier_type as strong_type,
        strong_observations.identifier_value as strong_value,
        strong_observations.max_per_profile
    from observations
    inner join strong_observations
        on observations.observation_key = strong_observations.observation_key
        and observations.identifier_type <> strong_observations.identifier_type
),

{# Nearly every identifier meets one value of each strong type: a cheap min <> max finds the few that meet
    several, and only those are counted exactly against max_per_profile. #}
several_strong_values as (
    select identifier_type, identifier_value, strong_type
    from co_observed
    group by identifier_type, identifier_value, strong_type
    having min(hash(strong_value)) <> max(hash(strong_value))
),

conflicts as (
    select
        co_observed.identifier_type,
        co_observed.identifier_value,
        co_observed.strong_type as conflicting_type
    from co_observed
    inner join several_strong_values
        on co_observed.identifier_type = several_strong_values.identifier_type
        and co_observed.identifier_value = several_strong_values.identifier_value
        and co_observed.strong_type = several_strong_values.strong_type
    group by co_observed.identifier_type, co_observed.identifier_value, co_observed.strong_type
    having count(distinct co_observed.strong_value) > max(co_observed.max_per_profile)
),

conflicts_per_identifier as (
    select identifier_type, identifier_value, min(conflicting_type) as conflicting_type
    from conflicts
    group by identifier_type, identifier_value
),

final as (
    select
        identifiers.identifier_type,
        identifiers.identifier_value,
        coalesce(rules.priority, 1000000) as priority,
        coalesce(rules.is_linking_type, false) and conflicts_per_identifier.identifier_type is null as is_link,
        case
            when conflicts_per_identifier.identifier_type is not null
                then {{ dbt.concat(["'shared by several '", "conflicting_type", "' values'"]) }}
            when not coalesce(rules.is_linking_type, false) then 'type does not link'
        end as not_linking_reason,
        identifiers.first_seen_at,
        identifiers.last_seen_at,
        identifiers.observation_count
    from identifiers
    left join rules on identifiers.identifier_type = rules.identifier_type
    left join conflicts_per_identifier
        on identifiers.identifier_type = conflicts_per_identifier.identifier_type
        and identifiers.identifier_value = conflicts_per_identifier.identifier_value
)

select * from final
