{#- One row per node of the identity graph: every linking identifier, and every identifier that anchors an
    observation without linking ones. `node_id` is a dense integer for this run only (ids across runs are
    profile_ids, kept by int_identifier_profile_history). -#}
with

identifiers as (
    select * from {{ ref('int_identifiers_classified') }}
),

anchors as (
    select distinct
        anchor_type,
        anchor_value
    from {{ ref('int_identity_observation_anchors') }}
),

nodes as (
    select identifiers.*
    from identifiers
    left join anchors
        on
            identifiers.identifier_type = anchors.anchor_type
            and identifiers.identifier_value = anchors.anchor_value
    where identifiers.is_link or anchors.anchor_type is not null
),

final as (
    select
        row_number() over (order by identifier_type, identifier_value) as node_id,
        identifier_type,
        identifier_value,
        priority,
        is_link,
        first_seen_at,
        last_seen_at
    from nodes
)

select * from final
