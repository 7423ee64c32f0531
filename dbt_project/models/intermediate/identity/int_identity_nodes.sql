{#- One row per node of the identity graph: every linking identifier, and every observation without one (type
    `source_record`), which stands for a profile of its own. `node_id` is a dense integer for this run only (ids
    across runs are profile_ids, kept by int_identifier_profile_history). -#}
with

identifiers as (
    select * from {{ ref('int_identifiers_classified') }}
    where is_link
),

anchors as (
    select * from {{ ref('int_identity_observation_anchors') }}
    where not anchor_is_link
),

nodes as (
    select
        identifier_type,
        identifier_value,
        priority,
        is_link,
        first_seen_at,
        last_seen_at
    from identifiers
    union all
    select
        anchor_type,
        anchor_value,
        1000000,
        false,
        first_seen_at,
        last_seen_at
    from anchors
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
