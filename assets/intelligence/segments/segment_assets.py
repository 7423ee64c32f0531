"""The segments asset: config/segments.yaml evaluated over the warehouse into membership, history and CLV usage.

A Python asset because conditions are a tree and history is state across runs; the work itself is one SQL select
in DuckDB (condition_sql.py) and one transaction of writes (membership.py).
"""

import datetime as dt

import dagster as dg

from assets.intelligence.asset_specs import table_specs
from assets.intelligence.segments.membership import CLV_ATTRIBUTES, HISTORY, MEMBERSHIP, refresh_segments
from assets.intelligence.segments.segments_config import load_segments_config
from connectors.warehouse.resource import WAREHOUSE_POOL, WarehouseResource
from core.settings import load_settings

MEMBERSHIP_KEY = dg.AssetKey(["analytics", "segment_membership"])
HISTORY_KEY = dg.AssetKey(["analytics", "segment_membership_history"])
CLV_ATTRIBUTES_KEY = dg.AssetKey(["analytics", "segment_clv_attributes"])
DEPS = [
    dg.AssetKey(["marts", name]) for name in (
        "profiles", "consent", "events", "metric_events", "profile_identities", "identity_merges",
    )
] + [dg.AssetKey(["analytics", "customer_clv"]), dg.AssetKey(["analytics", "customer_rfm_current"])]

_DESCRIPTIONS = {
    MEMBERSHIP_KEY: "Current members of every segment and list of config/segments.yaml, one row per segment and "
                    "profile; is_activatable false for suppressed profiles.",
    HISTORY_KEY: "One row per stay of a profile in a segment or list: entered_at, left_at (null while a member), "
                 "at the start of the run that saw the change.",
    CLV_ATTRIBUTES_KEY: "Segments reading CLV attributes (directly or through other segments), with their size and "
                        "latest entry or exit.",
}


def _run_started_at(context: dg.AssetExecutionContext) -> dt.datetime:
    """The run's start (UTC), the time of every entry and exit it records."""
    record = context.instance.get_run_record_by_id(context.run_id)
    if record is None or record.start_time is None:
        raise RuntimeError(f"run {context.run_id} has no start time in the Dagster instance")
    return dt.datetime.fromtimestamp(record.start_time, tz=dt.UTC)


@dg.multi_asset(
    specs=table_specs(_DESCRIPTIONS, DEPS),
    pool=WAREHOUSE_POOL,
)
def segments(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Evaluate every segment and list, then write the three tables in one transaction."""
    config_dir = load_settings().config_dir
    config = load_segments_config(config_dir)
    run_started_at = _run_started_at(context)
    with warehouse.connect() as con:
        run = refresh_segments(con, config, config_dir, run_started_at)
    names = sorted(run.members)
    per_segment = {
        name: {"members": run.members[name], "activatable": run.activatable[name],
               "entered": run.entered.get(name, 0), "left": run.left.get(name, 0)}
        for name in names
    }
    yield dg.MaterializeResult(asset_key=MEMBERSHIP_KEY, metadata={
        "dagster/row_count": run.table_rows[MEMBERSHIP],
        "as_of_date": str(run.as_of) if run.as_of else "no events",
        "run_started_at": run_started_at.isoformat(),
        "segments": len(config.segments),
        "lists": len(config.lists),
        "per_segment": dg.MetadataValue.json(per_segment),
        "list_lines_read": dg.MetadataValue.json(run.lists.lines_read),
        "list_lines_unmatched": dg.MetadataValue.json(run.lists.unmatched_count),
        "list_lines_unmatched_first": dg.MetadataValue.json(run.lists.unmatched_lines),
    })
    yield dg.MaterializeResult(asset_key=HISTORY_KEY, metadata={
        "dagster/row_count": run.table_rows[HISTORY],
        "entered_this_run": sum(run.entered.values()),
        "left_this_run": sum(run.left.values()),
        "entered_per_segment": dg.MetadataValue.json(run.entered),
        "left_per_segment": dg.MetadataValue.json(run.left),
    })
    yield dg.MaterializeResult(asset_key=CLV_ATTRIBUTES_KEY, metadata={
        "dagster/row_count": run.table_rows[CLV_ATTRIBUTES],
    })
