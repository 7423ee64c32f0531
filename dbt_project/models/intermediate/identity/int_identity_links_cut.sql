{#- One row per link the over-merge guard cut: both identifiers it joined, its strength, and why: the limited type
    whose values the two pieces would hold together beyond `max_per_profile`, with those values. A link is
    directed from an observation's anchor to the identifier seen with it, so `identifier` is the weaker end, the
    one that would have bridged the pieces. -#}
with

rules as (
    {{ cdp.identity_rules_relation() }}
),

conflict_edges as (
    select * from {{ ref('int_identity_conflict_edges') }}
),

cut as (
    select
        conflict_edges.src,
        conflict_edges.dst,
        conflict_edges.bridge_priority,
        conflict_edges.support,
        src_piece.component_id as src_component_id,
        dst_piece.component_id as dst_component_id
    from conflict_edges
    inner join {{ ref('int_identity_component_splits') }} as src_piece on conflict_edges.src = src_piece.node_id
    inner join {{ ref('int_identity_component_splits') }} as dst_piece on conflict_edges.dst = dst_piece.node_id
    where src_piece.component_id <> dst_piece.component_id
),

piece_values as (
    select
        splits.component_id,
        nodes.identifier_type,
        nodes.identifier_value,
        rules.max_per_profile
    from {{ ref('int_identity_component_splits') }} as splits
    inner join {{ ref('int_identity_nodes') }} as nodes on splits.node_id = nodes.node_id
    inner join rules on nodes.identifier_type = rules.identifier_type
    where rules.max_per_profile is not null
),

{# The values of each limited type the two pieces of a cut link hold together, and whether that is over the limit. #}
joined_values as (
    select
        cut.src,
        cut.dst,
        piece_values.identifier_type,
        max(piece_values.max_per_profile) as max_per_profile,
        count(*) as value_count,
        string_agg(piece_values.identifier_value, ', ' order by piece_values.identifier_value) as identifier_values,
        min(rules.priority) as priority
    from cut
    inner join piece_values on piece_values.component_id in (cut.src_component_id, cut.dst_component_id)
    inner join rules on piece_values.identifier_type = rules.identifier_type
    group by cut.src, cut.dst, piece_values.identifier_type
    having count(*) > max(piece_values.max_per_profile)
),

reasons as (
    select
        src,
        dst,
        {{ dbt.concat([
            "'profile limit: would join '", "cast(arg_min(value_count, priority) as varchar)", "' '",
            "arg_min(identifier_type, priority)", "' values (limit '",
            "cast(arg_min(max_per_profile, priority) as varchar)", "'): '", "arg_min(identifier_values, priority)"
        ]) }} as reason
    from joined_values
    group by src, dst
),

final as (
    select
        dst_nodes.identifier_type,
        dst_nodes.identifier_value,
        src_nodes.identifier_type as other_identifier_type,
        src_nodes.identifier_value as other_identifier_value,
        cut.bridge_priority,
        cut.support,
        reasons.reason
    from cut
    inner join {{ ref('int_identity_nodes') }} as src_nodes on cut.src = src_nodes.node_id
    inner join {{ ref('int_identity_nodes') }} as dst_nodes on cut.dst = dst_nodes.node_id
    left join reasons on cut.src = reasons.src and cut.dst = reasons.dst
)

select * from final
