{#- One row per observation: its anchor, the identifier that decides its profile. The strongest linking
    identifier when it has one (all its linking identifiers end in the same profile); otherwise the observation
    itself (type `source_record`, its key as the value), a profile of its own. An identifier that links nothing (a
    shared phone, a role address, a type with `links: false`) never anchors: it would gather the records of every
    person who typed it into one profile, the merge its guard refused. -#}
with

observations as (
    select * from {{ ref('int_identity_observations') }}
),

identifiers as (
    select * from {{ ref('int_identifiers_classified') }}
),

ranked as (
    select
        observations.observation_key,
        observations.identifier_type,
        observations.identifier_value,
        observations.first_seen_at,
        observations.last_seen_at,
        identifiers.is_link,
        row_number() over (
            partition by observations.observation_key
            order by
                case when identifiers.is_link then 0 else 1 end,
                identifiers.priority,
                observations.identifier_value
        ) as anchor_rank
    from observations
    inner join identifiers
        on
            observations.identifier_type = identifiers.identifier_type
            and observations.identifier_value = identifiers.identifier_value
),

final as (
    select
        observation_key,
        case when is_link then identifier_type else 'source_record' end as anchor_type,
        case when is_link then identifier_value else observation_key end as anchor_value,
        is_link as anchor_is_link,
        first_seen_at,
        last_seen_at
    from ranked
    where anchor_rank = 1
)

select * from final
