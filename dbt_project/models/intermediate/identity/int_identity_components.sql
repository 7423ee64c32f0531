{#- One row per node: its profile's component once the over-merge guard has split components that held more values
    of a type than `max_per_profile` allows (int_identity_component_splits); every other component is as linked.
    The rounds of the connected-components run are kept on every row for the run log. -#}
with

unguarded as (
    select * from {{ ref('int_identity_components_unguarded') }}
),

splits as (
    select * from {{ ref('int_identity_component_splits') }}
),

final as (
    select
        unguarded.node_id,
        coalesce(splits.component_id, unguarded.component_id) as component_id,
        unguarded.component_id as unguarded_component_id,
        unguarded.resolution_rounds,
        unguarded.resolution_jump_steps,
        unguarded.resolution_edge_count,
        unguarded.resolution_seconds
    from unguarded
    left join splits on unguarded.node_id = splits.node_id
)

select * from final
