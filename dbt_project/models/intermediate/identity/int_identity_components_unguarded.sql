{{ config(
    pre_hook="{{ cdp.connected_components(ref('int_identity_nodes'), ref('int_identity_edges')) }}",
    post_hook="{{ cdp.drop_connected_components_work() }}",
) }}
{#- One row per node: its connected component over every link (transitive linking), computed set-based in SQL by
    the connected_components macro in the pre_hook; the rounds it took are kept on every row for the run log.
    A component may still hold more values of a type than `max_per_profile` allows; int_identity_components
    splits those. -#}
-- depends_on: {{ ref('int_identity_nodes') }}
-- depends_on: {{ ref('int_identity_edges') }}
with

labels as (
    select * from {{ cdp.connected_components_work_relation('labels') }}
),

stats as (
    select * from {{ cdp.connected_components_work_relation('stats') }}
),

final as (
    select
        labels.node_id,
        labels.component_id,
        stats.rounds as resolution_rounds,
        stats.jump_steps as resolution_jump_steps,
        stats.edge_count as resolution_edge_count,
        stats.seconds as resolution_seconds
    from labels
    cross join stats
)

select * from final
