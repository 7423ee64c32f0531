"""The one dbt project as Dagster assets, for every domain that builds in it: profiles (staging, identity, marts)
and intelligence (schema analytics). The domains hold their config; this package hands it to dbt as vars."""

from assets.dbt_models.dbt_assets import cdp_dbt_assets

ASSETS = [cdp_dbt_assets]
