{#-
    One row per profile: each standard attribute and each configured custom property survived by its rule
    (config/profiles.yaml, var cdp_attributes), in a single group-by over the profile's records, numbered by time
    first so each rule compares one integer. Null values never win: int_profile_records already nulls blank
    attributes, and blank custom properties are nulled here.
-#}
{%- set settings = cdp.profile_attribute_settings(['attributes', 'custom_properties']) -%}

with records as (

    select
        *,
        {{ cdp.survivorship_record_order() }} as record_order
    from {{ ref('int_profile_records') }}
    where profile_id is not null

),

survived as (

    select
        profile_id,
        {%- for attribute in settings['attributes'] %}
            {{ cdp.survived_attribute(cdp.property_column(attribute['name']), attribute) }}
                as {{ cdp.property_column(attribute['name']) }},
        {%- endfor %}
        {%- for property in settings['custom_properties'] %}
        {%- set property_text = cdp.json_text('custom_properties', '$.' ~ property['name']) %}
        {{ cdp.survived_attribute("nullif(trim(" ~ property_text ~ "), '')", property) }}
            as {{ cdp.property_column(property['name']) }},
        {%- endfor %}
        count(*) as record_count,
        min(observed_at) as first_observed_at,
        max(observed_at) as last_observed_at
    from records
    group by profile_id

),

final as (

    select * from survived

)

select * from final
