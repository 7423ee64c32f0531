{#- One row per identifier of a profile and source: every identifier of every profile, linking or not.
    A linking identifier is in exactly one profile, its own (int_identifier_profiles): every observation holding it
    is tied to it by an edge, so it is aggregated per source once and given that profile, and the observation rows
    (134 M at 10 M profiles) are never joined to their observations' profiles. Only a non-linking identifier, an
    attribute that may sit in several profiles, takes the profiles of the observations that show it. -#}
with

{# Every identifier per source; the join below keeps the linking ones. #}
identifiers_per_source as (
    select
        identifier_type,
        identifier_value,
        source_label,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at
    from {{ ref('int_identity_observations') }}
    where identifier_type <> 'source_record'
    group by identifier_type, identifier_value, source_label
),

linking as (
    select
        identifier_profiles.profile_id,
        identifiers_per_source.identifier_type,
        identifiers_per_source.identifier_value,
        identifiers_per_source.source_label,
        identifiers_per_source.first_seen_at,
        identifiers_per_source.last_seen_at,
        true as is_link
    from identifiers_per_source
    inner join {{ ref('int_identifier_profiles') }} as identifier_profiles
        on
            identifiers_per_source.identifier_type = identifier_profiles.identifier_type
            and identifiers_per_source.identifier_value = identifier_profiles.identifier_value
    where identifier_profiles.is_link
),

non_linking as (
    select
        observation_profiles.profile_id,
        observations.identifier_type,
        observations.identifier_value,
        observations.source_label,
        min(observations.first_seen_at) as first_seen_at,
        max(observations.last_seen_at) as last_seen_at,
        false as is_link
    from {{ ref('int_identity_observations') }} as observations
    inner join {{ ref('int_identifiers_classified') }} as identifiers
        on
            observations.identifier_type = identifiers.identifier_type
            and observations.identifier_value = identifiers.identifier_value
    inner join {{ ref('int_identity_observation_profiles') }} as observation_profiles
        on observations.observation_key = observation_profiles.observation_key
    where not identifiers.is_link and observations.identifier_type <> 'source_record'
    group by 1, 2, 3, 4
),

per_profile as (
    select * from linking
    union all
    select * from non_linking
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            "profile_id", "'|'", "identifier_type", "'|'", "identifier_value", "'|'", "source_label"
        ])) }} as profile_identity_key,
        profile_id,
        identifier_type,
        identifier_value,
        source_label,
        first_seen_at,
        last_seen_at,
        is_link
    from per_profile
)

select * from final
