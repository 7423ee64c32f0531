{#- One row per edge of a component that holds more values of a type than its `max_per_profile` allows (two user
    ids joined through a chain of weaker links): both ends with their types and limits, the edge's strength, and
    the component. The input of int_identity_component_splits; empty when no component conflicts. -#}
with

rules as (
    {{ cdp.identity_rules_relation() }}
),

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

components as (
    select * from {{ ref('int_identity_components_unguarded') }}
),

edges as (
    select * from {{ ref('int_identity_edges') }}
),

node_limits as (
    select
        nodes.node_id,
        nodes.identifier_type,
        rules.max_per_profile,
        components.component_id
    from nodes
    inner join components on nodes.node_id = components.node_id
    left join rules on nodes.identifier_type = rules.identifier_type
),

conflicted_components as (
    select distinct component_id
    from (
        select component_id
        from node_limits
        where max_per_profile is not null
        group by component_id, identifier_type
        having count(*) > max(max_per_profile)
    ) as over_limit
),

final as (
    select
        src_nodes.component_id,
        edges.src,
        edges.dst,
        src_nodes.identifier_type as src_type,
        dst_nodes.identifier_type as dst_type,
        src_nodes.max_per_profile as src_limit,
        dst_nodes.max_per_profile as dst_limit,
        edges.bridge_priority,
        edges.support
    from edges
    inner join node_limits as src_nodes on edges.src = src_nodes.node_id
    inner join node_limits as dst_nodes on edges.dst = dst_nodes.node_id
    inner join conflicted_components on src_nodes.component_id = conflicted_components.component_id
)

select * from final
