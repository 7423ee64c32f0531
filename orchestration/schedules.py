"""The nightly refresh: every asset, ingest through marts, in dependency order."""

import dagster as dg

nightly_refresh_job = dg.define_asset_job(
    name="nightly_refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest new landing files, then rebuild the unified profiles and everything downstream.",
)

nightly_refresh_schedule = dg.ScheduleDefinition(
    name="nightly_refresh_schedule",
    job=nightly_refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

JOBS = [nightly_refresh_job]
SCHEDULES = [nightly_refresh_schedule]
