{#- One row per observation: its anchor, the identifier that decides its profile. The strongest linking
    identifier when it has one (all its linking identifiers end in the same profile); otherwise its strongest
    identifier of any kind, which then stands for a profile of its own. -#}
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
        identifier_type as anchor_type,
        identifier_value as anchor_value,
        is_link as anchor_is_link
    from ranked
    where anchor_rank = 1
)

select * from final
