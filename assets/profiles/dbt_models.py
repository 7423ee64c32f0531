"""Every dbt model of the profiles domain as Dagster assets; dbt tests become asset checks.

One `dbt build` per run over the selected models, with the validated config/ as vars and the warehouse path
made absolute, because dbt runs from dbt_project/ and the profile reads CDP_WAREHOUSE.
"""


import json
import os
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from assets.profiles.dbt_vars import build_dbt_vars
from orchestration.dbt import DBT_PROJECT, CdpDbtTranslator
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import PROJECT_ROOT, load_settings


@contextmanager
def dbt_environment() -> Iterator[None]:
    """CDP_WAREHOUSE absolute and CDP_PROJECT_ROOT set while the dbt subprocess starts; restored afterwards."""
    settings = load_settings()
    wanted = {"CDP_WAREHOUSE": str(settings.warehouse_path.resolve()), "CDP_PROJECT_ROOT": str(PROJECT_ROOT)}
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=CdpDbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def cdp_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[object]:
    """`dbt build` of the selected models: staging, identity resolution, profiles and marts, with their tests."""
    dbt_vars = build_dbt_vars(load_settings().config_dir)
    with dbt_environment():
        invocation = dbt.cli(["build", "--vars", json.dumps(dbt_vars)], context=context)
    yield from invocation.stream()
