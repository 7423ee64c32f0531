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

{# Conflicts are found in two steps. First, candidates: every identifier against the values of each strong type
    seen in its observations, all as 64-bit hashes, so the join and the aggregate over every observation row
    (134 M at 10 M profiles) hold integers, not strings; min <> max of the value hashes keeps the few identifiers
    that meet several values. Then, only for those, the values are counted exactly against max_per_profile. #}
strong_observations as (
    select
        hash(observations.observation_key) as observation_hash,
        observations.identifier_type as strong_type,
        hash(observations.identifier_value) as strong_value_hash
    from {{ ref('int_identity_observations') }} as observations
    inner join rules on observations.identifier_type = rules.identifier_type
    where rules.max_per_profile is not null
),

candidate_hashes as (
    select
        hash(observations.identifier_type, observations.identifier_value) as identifier_hash,
        strong_observations.strong_type
    from {{ ref('int_identity_observations') }} as observations
    inner join strong_observations
        on hash(observations.observation_key) = strong_observations.observation_hash
        and observations.identifier_type <> strong_observations.strong_type
    group by hash(observations.identifier_type, observations.identifier_value), strong_observations.strong_type
    having min(strong_observations.strong_value_hash) <> max(strong_observations.strong_value_hash)
),

candidate_rows as (
    select
        observations.observation_key,
        observations.identifier_type,
        observations.identifier_value,
        candidate_hashes.strong_type
    from {{ ref('int_identity_observations') }} as observations
    inner join candidate_hashes
        on hash(observations.identifier_type, observations.identifier_value) = candidate_hashes.identifier_hash
),

conflicts as (
    select
        candidate_rows.identifier_type,
        candidate_rows.identifier_value,
        candidate_rows.strong_type as conflicting_type
    from candidate_rows
    inner join {{ ref('int_identity_observations') }} as strong
        on candidate_rows.observation_key = strong.observation_key
        and candidate_rows.strong_type = strong.identifier_type
    inner join rules on strong.identifier_type = rules.identifier_type
    group by candidate_rows.identifier_type, candidate_rows.identifier_value, candidate_rows.strong_type
    having count(distinct strong.identifier_value) > max(rules.max_per_profile)
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
