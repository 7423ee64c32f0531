{#- One row per identifier of a profile and source: every identifier of every profile, linking or not. -#}
with

observations as (
    select * from {{ ref('int_identity_observations') }}
    where identifier_type <> 'source_record'
),

observation_profiles as (
    select * from {{ ref('int_identity_observation_profiles') }}
),

identifiers as (
    select * from {{ ref('int_identifiers_classified') }}
),

per_profile as (
    select
        observation_profiles.profile_id,
        observations.identifier_type,
        observations.identifier_value,
        observations.source_label,
        min(observations.first_seen_at) as first_seen_at,
        max(observations.last_seen_at) as last_seen_at
    from observations
    inner join observation_profiles on observations.observation_key = observation_profiles.observation_key
    group by 1, 2, 3, 4
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            "per_profile.profile_id", "'|'", "per_profile.identifier_type", "'|'", "per_profile.identifier_value",
            "'|'", "per_profile.source_label"
        ])) }} as profile_identity_key,
        per_profile.profile_id,
        per_profile.identifier_type,
        per_profile.identifier_value,
        per_profile.source_label,
        per_profile.first_seen_at,
        per_profile.last_seen_at,
        identifiers.is_link
    from per_profile
    inner join identifiers
        on
            per_profile.identifier_type = identifiers.identifier_type
            and per_profile.identifier_value = identifiers.identifier_value
)

select * from final
