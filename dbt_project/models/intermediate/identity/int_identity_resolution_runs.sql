{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns') }}
{#- One row per identity-resolution run: graph size, rounds of the connected-components algorithm, time, and what the
    over-merge guards did: identifiers a value limit demoted, components a profile limit split, links it cut. -#}
with

components as (
    select * from {{ ref('int_identity_components') }}
),

demoted as (
    select count(*) as identifiers_demoted
    from {{ ref('int_identifiers_classified') }}
    where not is_link and not_linking_reason like 'value limit:%'
),

cut as (
    select count(*) as links_cut from {{ ref('int_identity_links_cut') }}
),

graph as (
    select
        count(*) as node_count,
        max(resolution_edge_count) as edge_count,
        count(distinct component_id) as component_count,
        count(distinct case when component_id <> unguarded_component_id then unguarded_component_id end)
            as components_split,
        max(resolution_rounds) as rounds,
        max(resolution_jump_steps) as jump_steps,
        max(resolution_seconds) as seconds
    from components
),

final as (
    select
        cast({{ cdp.sql_literal(invocation_id) }} as varchar) as invocation_id,
        cast({{ cdp.sql_literal(run_started_at.isoformat()) }} as timestamp with time zone) as run_started_at,
        graph.node_count,
        graph.edge_count,
        graph.component_count,
        graph.rounds,
        graph.jump_steps,
        graph.seconds,
        demoted.identifiers_demoted,
        graph.components_split,
        cut.links_cut
    from graph
    cross join demoted
    cross join cut
)

select * from final
