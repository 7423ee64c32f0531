"""The one Dagster code location: every domain's assets, checks and sensors, with the shared resources."""

import dagster as dg

import assets.dbt_models
import assets.ingest
import assets.intelligence
from assets.dbt_models.bridge import dbt_resource
from connectors.warehouse.resource import WarehouseResource
from orchestration.schedules import JOBS, SCHEDULES

defs = dg.Definitions(
    assets=[*assets.ingest.ASSETS, *assets.dbt_models.ASSETS, *assets.intelligence.ASSETS],
    sensors=[*assets.ingest.SENSORS],
    jobs=JOBS,
    schedules=SCHEDULES,
    resources={"warehouse": WarehouseResource(), "dbt": dbt_resource()},
)
