{#-
    One row: how many profiles there are, how many are active and how many suppressed, which is what a CDP is billed
    on. Every identified profile counts, whatever its consent; profiles known only by anonymous ids are reported
    apart and not billed. `counted_as_of_at` is the newest event the activity is measured from.
    It counts marts.profiles, one row per profile of the spine (int_profiles_resolved), and not the spine itself:
    what it counts by (identified, active, suppressed) is decided in profiles, so one route gives both.
-#}
{%- set settings = cdp.profile_attribute_settings(['active_window_days']) -%}

with profiles as (

    select * from {{ ref('profiles') }}

),

events as (

    select * from {{ ref('events') }}

),

newest_event as (

    select max(event_at) as counted_as_of_at from events

),

counts as (

    select
        count(case when is_identified then 1 end) as total_profiles,
        count(case when is_identified and is_active then 1 end) as active_profiles,
        count(case when is_identified and is_suppressed then 1 end) as suppressed_profiles,
        count(case when is_identified and not is_suppressed then 1 end) as activatable_profiles,
        count(case when not is_identified then 1 end) as anonymous_profiles
    from profiles

),

final as (

    select
        counts.total_profiles,
        counts.active_profiles,
        counts.suppressed_profiles,
        counts.activatable_profiles,
        counts.anonymous_profiles,
        {{ settings['active_window_days'] | int }} as active_window_days,
        newest_event.counted_as_of_at
    from counts
    cross join newest_event

)

select * from final
