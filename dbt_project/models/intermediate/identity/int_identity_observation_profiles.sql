{#- One row per observation (order, CRM profile, combination of ids in events): the profile it belongs to. -#}
with

anchors as (
    select * from {{ ref('int_identity_observation_anchors') }}
),

identifier_profiles as (
    select * from {{ ref('int_identifier_profiles') }}
),

final as (
    select
        anchors.observation_key,
        identifier_profiles.profile_id
    from anchors
    inner join identifier_profiles
        on
            anchors.anchor_type = identifier_profiles.identifier_type
            and anchors.anchor_value = identifier_profiles.identifier_value
)

select * from final
