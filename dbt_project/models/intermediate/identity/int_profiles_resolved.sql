{#- The spine of profiles: one row per profile_id that identity resolution gives out, whatever named it (an
    alias or identify call alone makes a profile, so does an order or CRM row without any identifier). Every mart
    that lists profiles reads this model, so the set of profiles is decided here and nowhere else.
    Every observation's anchor is a node of the graph, so the nodes hold every profile: one group-by over them. -#}
with

identifier_profiles as (
    select * from {{ ref('int_identifier_profiles') }}
),

final as (
    select
        profile_id,
        {#- Every node of a profile carries that profile's created time (a merge hands the survivor's time to
            the nodes it takes over); min rather than any_value only makes it deterministic. #}
        min(profile_created_at) as profile_created_at
    from identifier_profiles
    group by profile_id
)

select * from final
