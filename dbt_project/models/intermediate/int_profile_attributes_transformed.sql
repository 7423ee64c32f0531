{#-
    One row per profile: the survived attributes and, next to them, one new column per configured transformation
    (format, standardize, merge). Originals are never overwritten.
-#}
{%- set settings = cdp.profile_attribute_settings(['transformations']) -%}

with survived as (

    select * from {{ ref('int_profile_attributes_survived') }}

),

transformed as (

    -- one target when no transformation is configured, one per transformation otherwise
    select  -- noqa: LT09
        survived.*
    {%- for transformation in settings['transformations'] %},
        {{ cdp.transformed_property(transformation) }} as {{ cdp.property_column(transformation['name']) }}
        {%- endfor %}
    from survived

),

final as (

    select * from transformed

)

select * from final
