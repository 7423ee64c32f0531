{#- One row per CRM profile: the latest version per crm_id (greatest _loaded_at, _file, _line). -#}
with

source as (
    select * from {{ source('raw', 'crm_profiles') }}
),

versions as (
    select
        *,
        {{ cdp.latest_version_rank("coalesce(crm_id, _file || ':' || cast(_line as varchar))") }} as version_rank
    from source
),

final as (
    select
        nullif(trim(crm_id), '') as crm_id,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        lower(trim(email)) as email,
        nullif(trim(phone), '') as phone_raw,
        coalesce(
            case when length(trim(country)) = 2 then upper(trim(country)) end,
            {{ cdp.default_phone_region('source_name') }}
        ) as phone_region,
        nullif(trim(birthday), '') as birthday,
        nullif(trim(street), '') as street,
        nullif(trim(city), '') as city,
        nullif(trim(state), '') as state,
        nullif(trim(postal_code), '') as postal_code,
        nullif(trim(country), '') as country,
        {%- for channel in ['email', 'sms', 'push'] %}
        case
            when lower(trim({{ channel }}_consent)) in ('subscribed', 'unsubscribed', 'never_subscribed')
                then lower(trim({{ channel }}_consent))
        end as {{ channel }}_consent,
        {%- endfor %}
        consent_updated_at,
        updated_at,
        custom_properties,
        source_name,
        source_label,
        _file,
        _line,
        _loaded_at,
        _row_hash
    from versions
    where version_rank = 1
)

select * from final
