"""Every dbt model of the profiles domain as Dagster assets; dbt tests become asset checks.

One `dbt build` per run over the selected models, with the validated config/ as vars, against the file of the
`warehouse` resource that ingest writes through (never a second route through the environment).
"""


from collections.abc import Iterator

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from assets.dbt_models.bridge import DBT_PROJECT, CdpDbtTranslator
from assets.dbt_models.dbt_vars import build_dbt_vars
from assets.dbt_models.invocation import dbt_invocation, environment_overrides
from connectors.warehouse.resource import WAREHOUSE_POOL, WarehouseResource
from core.settings import load_settings


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=CdpDbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def cdp_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[object]:
    """`dbt build` of the selected models: staging, identity resolution, profiles and marts, with their tests."""
    invocation = dbt_invocation(
        "build",
        warehouse_path=warehouse.warehouse_path(),
        memory_limit=warehouse.duckdb_memory_limit(),
        dbt_vars=build_dbt_vars(load_settings().config_dir),
    )
    # dbt starts inside cli(); the selection of the run comes from the context.
    with environment_overrides(invocation.env):
        running = dbt.cli(invocation.args, context=context)
    yield from running.stream()
