{{ config(materialized='incremental', incremental_strategy='append') }}
{#- One row per identity-resolution run: graph size, rounds of the connected-components algorithm, time. -#}
with

components as (
    select * from {{ ref('int_identity_components') }}
),

final as (
    select
        cast({{ cdp.sql_literal(invocation_id) }} as varchar) as invocation_id,
        cast({{ cdp.sql_literal(run_started_at.isoformat()) }} as timestamp with time zone) as run_started_at,
        count(*) as node_count,
        max(resolution_edge_count) as edge_count,
        count(distinct component_id) as component_count,
        max(resolution_rounds) as rounds,
        max(resolution_jump_steps) as jump_steps,
        max(resolution_seconds) as seconds
    from components
)

select * from final
