{#- One row per identifier (type, value): when it was seen, and whether it links records. An identifier seen
    together with more values of another type than its value limit allows (a family email on two Shopify
    customers, a shared device under two user ids, a shop's phone on twenty CRM rows) stays an attribute and
    never links; `not_linking_reason` says which limit. -#}
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

{# A value seen with more values of another type than its limit allows (`value_limits`, and every strong type's
    `max_per_profile`) is shared: a shop's phone on many CRM rows, a role address, a placeholder user id on many
    devices, a family email on two Shopify customers. Found in steps. First, candidates: every identifier against
    the values of each limited type seen in its observations, all as 64-bit hashes, so the join and the aggregate
    over every observation row (134 M at 10 M profiles) hold integers, not strings; min <> max of the value
    hashes keeps the identifiers that meet two values or more. Then, only for those, the values are counted
    exactly against the limit. #}
limits as (
    {{ cdp.identity_value_limits_relation() }}
),

seen_with_observations as (
    select
        hash(observations.observation_key) as observation_hash,
        observations.identifier_type as seen_with_type,
        hash(observations.identifier_value) as seen_with_value_hash
    from {{ ref('int_identity_observations') }} as observations
    where observations.identifier_type in (select limits.seen_with_type from limits)
),

candidate_hashes as (
    select
        hash(observations.identifier_type, observations.identifier_value) as identifier_hash,
        seen_with_observations.seen_with_type,
        max(limits.max_values) as max_values
    from {{ ref('int_identity_observations') }} as observations
    inner join seen_with_observations
        on hash(observations.observation_key) = seen_with_observations.observation_hash
    inner join limits
        on observations.identifier_type = limits.identifier_type
        and seen_with_observations.seen_with_type = limits.seen_with_type
    group by hash(observations.identifier_type, observations.identifier_value), seen_with_observations.seen_with_type
    having min(seen_with_observations.seen_with_value_hash) <> max(seen_with_observations.seen_with_value_hash)
),

{# Each candidate's values of the limited type, once each. #}
candidate_values as (
    select distinct
        observations.identifier_type,
        observations.identifier_value,
        candidate_hashes.seen_with_type,
        seen_with.identifier_value as seen_with_value,
        candidate_hashes.max_values
    from {{ ref('int_identity_observations') }} as observations
    inner join candidate_hashes
        on hash(observations.identifier_type, observations.identifier_value) = candidate_hashes.identifier_hash
    inner join {{ ref('int_identity_observations') }} as seen_with
        on observations.observation_key = seen_with.observation_key
        and candidate_hashes.seen_with_type = seen_with.identifier_type
),

{# A fan-out hub is seen with more values of a type than a person holds (a limit of 2 or more): a placeholder user
    id on twelve devices, a shop's phone on twenty CRM rows. #}
fan_out_hubs as (
    select
        identifier_type,
        identifier_value,
        seen_with_type,
        count(*) as seen_with_values,
        max(max_values) as max_values
    from candidate_values
    where max_values > 1
    group by identifier_type, identifier_value, seen_with_type
    having count(*) > max(max_values)
),

hub_values as (
    select distinct
        identifier_type,
        identifier_value
    from fan_out_hubs
),

{# A strong id allows one value per profile, so an identifier seen with two is ambiguous (a family email on two
    Shopify customers, a device two users logged in on). Values that are fan-out hubs themselves do not count: a
    device seen with its user's id and a placeholder user id sent for every device is that user's device. #}
strong_conflicts as (
    select
        candidate_values.identifier_type,
        candidate_values.identifier_value,
        candidate_values.seen_with_type,
        count(*) as seen_with_values,
        max(candidate_values.max_values) as max_values
    from candidate_values
    left join hub_values as hubs
        on candidate_values.seen_with_type = hubs.identifier_type
        and candidate_values.seen_with_value = hubs.identifier_value
    where candidate_values.max_values = 1 and hubs.identifier_value is null
    group by candidate_values.identifier_type, candidate_values.identifier_value, candidate_values.seen_with_type
    having count(*) > 1
),

conflicts as (
    select * from fan_out_hubs
    union all
    select * from strong_conflicts
),

{# An identifier over several limits is explained by the strongest type it conflicts with. #}
conflicts_per_identifier as (
    select
        conflicts.identifier_type,
        conflicts.identifier_value,
        arg_min(conflicts.seen_with_type, rules.priority) as conflicting_type,
        arg_min(conflicts.seen_with_values, rules.priority) as conflicting_values,
        arg_min(conflicts.max_values, rules.priority) as conflicting_limit
    from conflicts
    inner join rules on conflicts.seen_with_type = rules.identifier_type
    group by conflicts.identifier_type, conflicts.identifier_value
),

final as (
    select
        identifiers.identifier_type,
        identifiers.identifier_value,
        coalesce(rules.priority, 1000000) as priority,
        coalesce(rules.is_linking_type, false) and conflicts_per_identifier.identifier_type is null as is_link,
        case
            when conflicts_per_identifier.identifier_type is not null
                then {{ dbt.concat([
                    "'value limit: seen with '", "cast(conflicting_values as varchar)", "' '", "conflicting_type",
                    "' values (limit '", "cast(conflicting_limit as varchar)", "')'"
                ]) }}
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
