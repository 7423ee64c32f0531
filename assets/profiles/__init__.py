"""Profiles domain: dbt staging, identity resolution, unified profiles and marts, as Dagster assets."""

from assets.profiles.dbt_models import cdp_dbt_assets

ASSETS = [cdp_dbt_assets]
