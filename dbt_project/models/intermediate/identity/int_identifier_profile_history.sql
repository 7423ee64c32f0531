{{ config(materialized='incremental', incremental_strategy='append') }}
{#- The state that keeps profile_ids stable: one row each time an identifier gets a profile_id (first seen,
    merged into an older profile, or split off). Append-only; the latest row per identifier is its profile.
    When components join profiles, the survivor is the profile created first (then seen first, then lowest id);
    a profile split by a new over-merge guard stays with the component holding most of its identifiers. -#}
{%- set run_at = "cast(" ~ cdp.sql_literal(run_started_at.isoformat()) ~ " as timestamp with time zone)" -%}
with

nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

components as (
    select * from {{ ref('int_identity_components') }}
),

edges as (
    select * from {{ ref('int_identity_edges') }}
),

previous as (
    {%- if is_incremental() %}
    select identifier_type, identifier_value, profile_id, profile_created_at, profile_first_seen_at
    from (
        select
            *,
            row_number() over (
                partition by identifier_type, identifier_value order by assigned_at desc
            ) as assignment_rank
        from {{ this }}
    ) as assignments
    where assignment_rank = 1
    {%- else %}
        select
            cast(null as varchar) as identifier_type,
            cast(null as varchar) as identifier_value,
            cast(null as varchar) as profile_id,
            cast(null as timestamp with time zone) as profile_created_at,
            cast(null as timestamp with time zone) as profile_first_seen_at
        where 1 = 0
    {%- endif %}
),

members as (
    select
        nodes.node_id,
        nodes.identifier_type,
        nodes.identifier_value,
        nodes.priority,
        nodes.first_seen_at,
        components.component_id,
        previous.profile_id as previous_profile_id,
        previous.profile_created_at,
        previous.profile_first_seen_at
    from nodes
    inner join components on nodes.node_id = components.node_id
    left join previous
        on
            nodes.identifier_type = previous.identifier_type
            and nodes.identifier_value = previous.identifier_value
),

profile_homes as (
    {#- Each existing profile lives on in the component that holds most of its identifiers. #}
    select
        previous_profile_id as profile_id,
        component_id,
        profile_created_at,
        profile_first_seen_at
    from (
        select
            previous_profile_id,
            component_id,
            min(profile_created_at) as profile_created_at,
            min(profile_first_seen_at) as profile_first_seen_at,
            row_number() over (
                partition by previous_profile_id order by count(*) desc, component_id
            ) as home_rank
        from members
        where previous_profile_id is not null
        group by previous_profile_id, component_id
    ) as homes
    where home_rank = 1
),

survivors as (
    select
        component_id,
        profile_id,
        profile_created_at,
        profile_first_seen_at
    from (
        select
            *,
            row_number() over (
                partition by component_id order by profile_created_at, profile_first_seen_at, profile_id
            ) as survivor_rank
        from profile_homes
    ) as ranked
    where survivor_rank = 1
),

component_facts as (
    select
        component_id,
        min(first_seen_at) as first_seen_at,
        min({{ dbt.concat(["identifier_type", "':'", "identifier_value"]) }}) as representative,
        max(case when previous_profile_id is not null then 1 else 0 end) = 1 as has_previous
    from members
    group by component_id
),

assigned as (
    select
        members.node_id,
        members.identifier_type,
        members.identifier_value,
        members.component_id,
        members.previous_profile_id,
        coalesce(
            survivors.profile_id,
            {#- A new profile. A piece split off an existing profile gets the run time in its seed, so its id
                never repeats the one its representative created before. #}
            {{ dbt.hash(dbt.concat([
                "'profile:'", "component_facts.representative",
                "case when component_facts.has_previous then " ~ dbt.concat(["':'", cdp.sql_literal(run_started_at.isoformat())]) ~ " else '' end"
            ])) }}
        ) as profile_id,
        coalesce(survivors.profile_created_at, {{ run_at }}) as profile_created_at,
        coalesce(survivors.profile_first_seen_at, component_facts.first_seen_at) as profile_first_seen_at,
        profile_homes.component_id = members.component_id as previous_profile_lives_here
    from members
    inner join component_facts on members.component_id = component_facts.component_id
    left join survivors on members.component_id = survivors.component_id
    left join profile_homes on members.previous_profile_id = profile_homes.profile_id
),

changes as (
    select
        *,
        case
            when previous_profile_id is null then 'new'
            when previous_profile_lives_here then 'merge'
            else 'split'
        end as change_kind
    from assigned
    where previous_profile_id is null or previous_profile_id <> profile_id
),

merged_nodes as (
    select
        changes.node_id,
        changes.previous_profile_id,
        members.component_id
    from changes
    inner join members on changes.node_id = members.node_id
    where changes.change_kind = 'merge'
),

{# The identifier that bridged a merged profile P into its survivor: the identifiers at the ends of a kept link (one
    inside the component, not cut by the over-merge guard) from an identifier of P to one outside P. #}
merged_neighbours as (
    select
        merged_nodes.previous_profile_id,
        merged.identifier_type as merged_type,
        merged.identifier_value as merged_value,
        merged.priority as merged_priority,
        neighbour.node_id,
        neighbour.identifier_type,
        neighbour.identifier_value,
        neighbour.priority,
        neighbour.previous_profile_id as neighbour_previous_profile_id,
        neighbour.component_id
    from merged_nodes
    inner join edges on merged_nodes.node_id in (edges.src, edges.dst)
    inner join members as merged on merged_nodes.node_id = merged.node_id
    inner join members as neighbour
        on neighbour.node_id = case when merged_nodes.node_id = edges.src then edges.dst else edges.src end
    where
        neighbour.component_id = merged_nodes.component_id
        and (neighbour.previous_profile_id is null or neighbour.previous_profile_id <> merged_nodes.previous_profile_id)
),

{# A new identifier next to P that is also linked to another existing profile was seen with both: the bridge. #}
new_bridges as (
    select distinct
        merged_neighbours.previous_profile_id,
        merged_neighbours.node_id
    from merged_neighbours
    inner join {{ ref('int_identity_edges') }} as far_edges
        on merged_neighbours.node_id in (far_edges.src, far_edges.dst)
    inner join members as far
        on far.node_id = case
            when merged_neighbours.node_id = far_edges.src then far_edges.dst else far_edges.src
        end
    where
        merged_neighbours.neighbour_previous_profile_id is null
        and far.component_id = merged_neighbours.component_id
        and far.previous_profile_id is not null
        and far.previous_profile_id <> merged_neighbours.previous_profile_id
),

{# Candidates, best first: (1) a link straight from P to another existing profile, named by its stronger end, both
    being already known; (2) a new identifier seen with P and with another existing profile; (3) any new identifier
    next to P, when the bridge is further along a chain of new identifiers. #}
bridge_candidates as (
    select
        previous_profile_id,
        1 as bridge_kind,
        case when merged_priority <= priority then merged_type else identifier_type end as identifier_type,
        case when merged_priority <= priority then merged_value else identifier_value end as identifier_value,
        least(merged_priority, priority) as priority
    from merged_neighbours
    where neighbour_previous_profile_id is not null
    union all
    select
        merged_neighbours.previous_profile_id,
        case when new_bridges.node_id is not null then 2 else 3 end as bridge_kind,
        merged_neighbours.identifier_type,
        merged_neighbours.identifier_value,
        merged_neighbours.priority
    from merged_neighbours
    left join new_bridges
        on merged_neighbours.previous_profile_id = new_bridges.previous_profile_id
        and merged_neighbours.node_id = new_bridges.node_id
    where merged_neighbours.neighbour_previous_profile_id is null
),

linking_identifiers as (
    select
        previous_profile_id,
        identifier_type,
        identifier_value
    from (
        select
            *,
            row_number() over (
                partition by previous_profile_id order by bridge_kind, priority, identifier_value
            ) as link_rank
        from bridge_candidates
    ) as ranked
    where link_rank = 1
),

final as (
    select
        changes.identifier_type,
        changes.identifier_value,
        changes.profile_id,
        changes.profile_created_at,
        changes.profile_first_seen_at,
        changes.change_kind,
        changes.previous_profile_id,
        linking_identifiers.identifier_type as linking_identifier_type,
        linking_identifiers.identifier_value as linking_identifier_value,
        {{ run_at }} as assigned_at,
        cast({{ cdp.sql_literal(invocation_id) }} as varchar) as invocation_id
    from changes
    left join linking_identifiers
        on changes.change_kind = 'merge' and changes.previous_profile_id = linking_identifiers.previous_profile_id
)

select * from final
