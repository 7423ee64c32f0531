{#- One row per identifier (type, value): when it was seen, and whether it links records. An identifier seen
    together with more values of a strong type than `max_per_profile` allows (a family email on two Shopify
    customers, a shared device under two user ids) stays an attribute and never links. -#}
with

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
    from {{ ref('int_identity_observations') }}
    group by identifier_type, identifier_value
),

strong_observations as (
    select observations.observation_key, observations.identifier_type, observations.identifier_value,
        rules.max_per_profile
    from {{ ref('int_identity_observations') }} as observations
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
    from {{ ref('int_identity_observations') }} as observations
    inner join strong_observations
        on observations.observation_key = strong_observations.observation_key
        and observations.identifier_type <> strong_observations.identifier_type
),

{# One pass over the co-observed pairs: nearly every identifier meets one value of each strong type, and min <> max
    of the values' hashes finds the few that meet several. With one value allowed (max_per_profile 1) that alone is a
    conflict; only for types allowing more are the pairs counted exactly, and only for those few identifiers. The
    pairs are not kept for a second read: at 10 M profiles that copy alone spilled tens of GB. #}
strong_value_ranges as (
    select
        identifier_type,
        identifier_value,
        strong_type,
        max(max_per_profile) as max_per_profile
    from co_observed
    group by identifier_type, identifier_value, strong_type
    having min(hash(strong_value)) <> max(hash(strong_value))
),

one_value_conflicts as (
    select identifier_type, identifier_value, strong_type as conflicting_type
    from strong_value_ranges
    where max_per_profile <= 1
),

several_values_allowed as (
    select identifier_type, identifier_value, strong_type, max_per_profile
    from strong_value_ranges
    where max_per_profile > 1
),

counted_conflicts as (
    select
        several_values_allowed.identifier_type,
        several_values_allowed.identifier_value,
        several_values_allowed.strong_type as conflicting_type
    from several_values_allowed
    inner join {{ ref('int_identity_observations') }} as observations
        on several_values_allowed.identifier_type = observations.identifier_type
        and several_values_allowed.identifier_value = observations.identifier_value
    inner join {{ ref('int_identity_observations') }} as strong
        on observations.observation_key = strong.observation_key
        and several_values_allowed.strong_type = strong.identifier_type
    group by several_values_allowed.identifier_type, several_values_allowed.identifier_value,
        several_values_allowed.strong_type
    having count(distinct strong.identifier_value) > max(several_values_allowed.max_per_profile)
),

conflicts as (
    select * from one_value_conflicts
    union all
    select * from counted_conflicts
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
