{#- One row per edge of the identity graph: each observation links its linking identifiers to its anchor
    (a star, so an observation with k linking identifiers gives k - 1 edges), and a value of a type links the same
    value of the type it is `same_value_as` (a Segment userId that is the Shopify customer id). Distinct, no
    self-loops. Each edge carries its strength, by which the over-merge guard keeps the strongest links of a
    component and cuts the weakest: `bridge_priority`, the priority of the weaker identifier it joins (an equal
    value of two types naming one account is 0, the strongest), and `support`, the records behind it. -#}
with

observations as (
    select * from {{ ref('int_identity_observations') }}
),

anchors as (
    select * from {{ ref('int_identity_observation_anchors') }}
    where anchor_is_link
),

rules as (
    {{ cdp.identity_rules_relation() }}
),

linking_members as (
    select
        observations.observation_key,
        observations.record_count,
        nodes.node_id,
        nodes.priority
    from observations
    inner join {{ ref('int_identity_nodes') }} as nodes
        on
            observations.identifier_type = nodes.identifier_type
            and observations.identifier_value = nodes.identifier_value
    where nodes.is_link
),

anchor_nodes as (
    select
        anchors.observation_key,
        nodes.node_id,
        nodes.priority
    from anchors
    inner join {{ ref('int_identity_nodes') }} as nodes
        on
            anchors.anchor_type = nodes.identifier_type
            and anchors.anchor_value = nodes.identifier_value
),

observation_edges as (
    select
        anchor_nodes.node_id as src,
        linking_members.node_id as dst,
        greatest(anchor_nodes.priority, linking_members.priority) as bridge_priority,
        linking_members.record_count as support
    from linking_members
    inner join anchor_nodes on linking_members.observation_key = anchor_nodes.observation_key
    where linking_members.node_id <> anchor_nodes.node_id
),

same_value_edges as (
    select
        nodes.node_id as src,
        same_value.node_id as dst,
        0 as bridge_priority,
        cast(1 as bigint) as support
    from {{ ref('int_identity_nodes') }} as nodes
    inner join rules on nodes.identifier_type = rules.identifier_type
    inner join {{ ref('int_identity_nodes') }} as same_value
        on
            rules.same_value_as = same_value.identifier_type
            and nodes.identifier_value = same_value.identifier_value
    where nodes.is_link and same_value.is_link
),

final as (
    select
        src,
        dst,
        min(bridge_priority) as bridge_priority,
        sum(support) as support
    from (
        select * from observation_edges
        union all
        select * from same_value_edges
    ) as all_edges
    group by src, dst
)

select * from final
