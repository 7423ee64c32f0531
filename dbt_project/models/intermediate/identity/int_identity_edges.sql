{#- One row per edge of the identity graph: each observation links its linking identifiers to its anchor
    (a star, so an observation with k linking identifiers gives k - 1 edges). Distinct, no self-loops. -#}
with

observations as (
    select * from {{ ref('int_identity_observations') }}
),

anchors as (
    select * from {{ ref('int_identity_observation_anchors') }}
    where anchor_is_link
),

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

linking_members as (
    select
        observations.observation_key,
        nodes.node_id
    from observations
    inner join nodes
        on
            observations.identifier_type = nodes.identifier_type
            and observations.identifier_value = nodes.identifier_value
    where nodes.is_link
),

anchor_nodes as (
    select
        anchors.observation_key,
        nodes.node_id
    from anchors
    inner join nodes
        on
            anchors.anchor_type = nodes.identifier_type
            and anchors.anchor_value = nodes.identifier_value
),

final as (
    select distinct
        anchor_nodes.node_id as src,
        linking_members.node_id as dst
    from linking_members
    inner join anchor_nodes on linking_members.observation_key = anchor_nodes.observation_key
    where linking_members.node_id <> anchor_nodes.node_id
)

select * from final
