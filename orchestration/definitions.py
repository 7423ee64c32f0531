"""The one Dagster code location: every domain's assets, checks and sensors, with the shared resources."""

import dagster as dg

import assets.ingest
import assets.profiles
from assets.profiles.dbt_bridge import dbt_resource
from connectors.warehouse.resource import WarehouseResource
from orchestration.schedules import JOBS, SCHEDULES

defs = dg.Definitions(
    assets=[*assets.ingest.ASSETS, *assets.profiles.ASSETS],
    sensors=[*assets.ingest.SENSORS],
    jobs=JOBS,
    schedules=SCHEDULES,
    resources={"warehouse": WarehouseResource(), "dbt": dbt_resource()},
)
