{#-
    Var `cdp_attributes` (built by assets/profiles/attributes_config.py) with defaults filled in, so `dbt parse` and
    a run without configuration still compile: every standard attribute most recent, nothing else configured.
-#}
{% macro profile_attribute_settings(configured) -%}
    {%- set standard = ['first_name', 'last_name', 'email', 'phone', 'birthday',
                        'street', 'city', 'state', 'postal_code', 'country'] -%}
    {%- set defaults = {
        'attributes': [],
        'custom_properties': [],
        'transformations': [],
        'consent': {'subscribe_metrics': ['Subscribed'], 'unsubscribe_metrics': ['Unsubscribed'],
                    'channel_property': 'channel'},
        'suppression': {'identifiers': [], 'events': []},
        'active_window_days': 365,
    } -%}
    {%- for name in standard -%}
        {%- do defaults['attributes'].append({'name': name, 'rule': 'most_recent', 'sources': []}) -%}
    {%- endfor -%}
    {%- set settings = {} -%}
    {%- for key, value in defaults.items() -%}
        {%- do settings.update({key: (configured or {}).get(key, value)}) -%}
    {%- endfor -%}
    {{ return(settings) }}
{%- endmacro %}

{#- (key, `relation.column`) pairs for json_object_of, one per configured item with a `name`. -#}
{% macro prefixed_property_pairs(relation, items) -%}
    {%- set pairs = [] -%}
    {%- for item in items -%}
        {%- do pairs.append((item['name'], relation ~ '.' ~ cdp.property_column(item['name']))) -%}
    {%- endfor -%}
    {{ return(pairs) }}
{%- endmacro %}
