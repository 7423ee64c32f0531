{#- One row per merged profile: the older profile it now lives in, when, and the identifier that linked them. -#}
with

history as (
    select * from {{ ref('int_identifier_profile_history') }}
    where change_kind = 'merge'
),

final as (
    select
        previous_profile_id as merged_profile_id,
        min(profile_id) as surviving_profile_id,
        min(assigned_at) as merged_at,
        {{ dbt.concat(["'linked by '", "coalesce(min(linking_identifier_type), 'unknown')"]) }} as reason,
        min(linking_identifier_type) as linking_identifier_type,
        min(linking_identifier_value) as linking_identifier_value
    from history
    group by previous_profile_id
)

select * from final
