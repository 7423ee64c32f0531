{#- THE record-level input of profile attributes: one row per identity-bearing source record (CRM profile,
    Shopify and WooCommerce order, identify call) with its profile_id and the attributes it states, normalized
    like the identifiers (emails lower-case, phones E.164, junk values null). -#}
{%- set trait_keys = ['email', 'phone', 'firstName', 'lastName', 'first_name', 'last_name', 'birthday', 'address'] -%}
with

crm_profiles as (
    select * from {{ ref('stg_crm__profiles') }}
),

shopify_lines as (
    select * from {{ ref('stg_shopify__order_lines') }}
),

store_lines as (
    select * from {{ ref('stg_stores__order_lines') }}
),

identify_calls as (
    select * from {{ ref('stg_segment__events') }}
    where call_type = 'identify'
),

phones as (
    select * from {{ ref('int_phone_numbers_normalized') }}
    where not {{ cdp.phone_is_junk('phone_e164') }}
),

observation_profiles as (
    select * from {{ ref('int_identity_observation_profiles') }}
),

crm_records as (
    select
        {{ dbt.concat(["source_name", "':crm:'", "coalesce(crm_id, _file || ':' || cast(_line as varchar))"]) }}
            as observation_key,
        source_name, source_label, coalesce(updated_at, _loaded_at) as observed_at,
        email, phone_raw, phone_region, first_name, last_name, birthday, street, city, state, postal_code, country,
        email_consent, sms_consent, push_consent, consent_updated_at, custom_properties, _file, _line
    from crm_profiles
),

shopify_first_lines as (
    {#- Every order has its line 1, the one with the order's fields (tested on the staging model): a filter,
        not a window over every wide line. #}
    select * from shopify_lines
    where line_index = 1
),

shopify_records as (
    select
        {{ dbt.concat(["source_name", "':order:'", "order_name"]) }} as observation_key,
        source_name, source_label, ordered_at as observed_at,
        email, phone_raw, phone_region,
        nullif({{ dbt.split_part('billing_name', "' '", 1) }}, '') as first_name,
        nullif(trim(substr(billing_name, length({{ dbt.split_part('billing_name', "' '", 1) }}) + 2)), '')
            as last_name,
        cast(null as varchar) as birthday,
        billing_street as street, billing_city as city, billing_state as state,
        billing_postal_code as postal_code, billing_country as country,
        cast(null as varchar) as email_consent, cast(null as varchar) as sms_consent,
        cast(null as varchar) as push_consent, cast(null as timestamp with time zone) as consent_updated_at,
        cast(null as json) as custom_properties, _file, _line
    from shopify_first_lines
),

store_first_lines as (
    select *
    from (
        select *, row_number() over (partition by source_name, order_id order by _file, _line) as line_rank
        from store_lines
    ) as ranked
    where line_rank = 1
),

store_records as (
    select
        {{ dbt.concat(["source_name", "':order:'", "order_id"]) }} as observation_key,
        source_name, source_label, ordered_at as observed_at,
        email, phone_raw, phone_region, first_name, last_name,
        cast(null as varchar) as birthday, cast(null as varchar) as street, cast(null as varchar) as city,
        cast(null as varchar) as state, cast(null as varchar) as postal_code, cast(null as varchar) as country,
        cast(null as varchar) as email_consent, cast(null as varchar) as sms_consent,
        cast(null as varchar) as push_consent, cast(null as timestamp with time zone) as consent_updated_at,
        cast(null as json) as custom_properties, _file, _line
    from store_first_lines
),

identify_records as (
    select
        identify_calls.source_name,
        identify_calls.source_label,
        identify_calls.event_at as observed_at,
        identify_calls.email,
        identify_calls.phone_raw,
        identify_calls.phone_region,
        nullif(trim(coalesce(
            {{ cdp.json_text('traits', '$.firstName') }}, {{ cdp.json_text('traits', '$.first_name') }}
        )), '') as first_name,
        nullif(trim(coalesce(
            {{ cdp.json_text('traits', '$.lastName') }}, {{ cdp.json_text('traits', '$.last_name') }}
        )), '') as last_name,
        nullif(trim({{ cdp.json_text('traits', '$.birthday') }}), '') as birthday,
        nullif(trim({{ cdp.json_text('traits', '$.address.street') }}), '') as street,
        nullif(trim({{ cdp.json_text('traits', '$.address.city') }}), '') as city,
        nullif(trim({{ cdp.json_text('traits', '$.address.state') }}), '') as state,
        nullif(trim({{ cdp.json_text('traits', '$.address.postalCode') }}), '') as postal_code,
        nullif(trim({{ cdp.json_text('traits', '$.address.country') }}), '') as country,
        cast(null as varchar) as email_consent, cast(null as varchar) as sms_consent,
        cast(null as varchar) as push_consent, cast(null as timestamp with time zone) as consent_updated_at,
        {{ cdp.json_without_keys('traits', trait_keys) }} as custom_properties,
        identify_calls._file,
        identify_calls._line,
        identify_profiles.profile_id
    from identify_calls
    {#- The call's profile is its observation's (its combination of ids): the profile of its strongest linking id,
        or one of its own when none links; where the over-merge guard cut the link between a shared device and an
        email, a sign-up with that email is the email's person's, not the device owner's. #}
    left join {{ ref('int_identity_observation_profiles') }} as identify_profiles
        on identify_profiles.observation_key = {{ cdp.segment_observation_key() }}
),

keyed_records as (
    select records.*, observation_profiles.profile_id
    from (
        select * from crm_records
        union all
        select * from shopify_records
        union all
        select * from store_records
    ) as records
    left join observation_profiles on records.observation_key = observation_profiles.observation_key
),

all_records as (
    select
        source_name, source_label, observed_at, email, phone_raw, phone_region, first_name, last_name, birthday,
        street, city, state, postal_code, country, email_consent, sms_consent, push_consent, consent_updated_at,
        custom_properties, _file, _line, profile_id
    from keyed_records
    union all
    select * from identify_records
),

final as (
    select
        {{ dbt.concat([
            "all_records.source_name", "':'", "all_records._file", "':'", "cast(all_records._line as varchar)"
        ]) }} as record_key,
        all_records.profile_id,
        all_records.source_name,
        all_records.source_label,
        all_records.observed_at,
        case when not {{ cdp.identifier_is_junk("'email'", 'all_records.email') }} then all_records.email end
            as email,
        phones.phone_e164 as phone,
        all_records.first_name,
        all_records.last_name,
        all_records.birthday,
        all_records.street,
        all_records.city,
        all_records.state,
        all_records.postal_code,
        all_records.country,
        all_records.email_consent,
        all_records.sms_consent,
        all_records.push_consent,
        all_records.consent_updated_at,
        all_records.custom_properties,
        all_records._file,
        all_records._line
    from all_records
    left join phones
        on all_records.phone_raw = phones.phone_raw and all_records.phone_region = phones.phone_region
)

select * from final
