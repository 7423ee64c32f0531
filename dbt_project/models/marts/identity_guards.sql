{#- One row per decision of an over-merge guard, so every link the resolver refused explains itself beside the merge
    log (identity_merges): an identifier demoted to an attribute by a value limit (seen with too many values of
    another type), and a link cut by a profile limit (it would have joined more values of a strong type than
    `max_per_profile` allows). Blocklisted junk never reaches the graph and is not listed here. -#}
{%- set run_at = "cast(" ~ cdp.sql_literal(run_started_at.isoformat()) ~ " as timestamp with time zone)" -%}
with

classified as (
    select * from {{ ref('int_identifiers_classified') }}
    where not is_link and not_linking_reason like 'value limit:%'
),

links_cut as (
    select * from {{ ref('int_identity_links_cut') }}
),

identifier_profiles as (
    select * from {{ ref('int_identifier_profiles') }}
),

demoted as (
    select
        'value_limit' as guard,
        identifier_type,
        identifier_value,
        cast(null as varchar) as other_identifier_type,
        cast(null as varchar) as other_identifier_value,
        cast(null as varchar) as profile_id,
        cast(null as varchar) as other_profile_id,
        not_linking_reason as reason
    from classified
),

cut as (
    select
        'profile_limit' as guard,
        links_cut.identifier_type,
        links_cut.identifier_value,
        links_cut.other_identifier_type,
        links_cut.other_identifier_value,
        identifier_profiles.profile_id,
        other_profiles.profile_id as other_profile_id,
        links_cut.reason
    from links_cut
    left join identifier_profiles
        on links_cut.identifier_type = identifier_profiles.identifier_type
        and links_cut.identifier_value = identifier_profiles.identifier_value
    left join {{ ref('int_identifier_profiles') }} as other_profiles
        on links_cut.other_identifier_type = other_profiles.identifier_type
        and links_cut.other_identifier_value = other_profiles.identifier_value
),

final as (
    select
        *,
        {{ run_at }} as decided_at
    from (
        select * from demoted
        union all
        select * from cut
    ) as decisions
)

select * from final
