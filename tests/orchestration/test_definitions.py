"""The code location loads, and its asset graph (keys, groups, dependencies) matches the reviewed snapshot.

A change to the graph fails here until the snapshot is regenerated on purpose: `UPDATE_SNAPSHOTS=1 make test`.
"""

import json
import os
from pathlib import Path

import dagster as dg

from connectors.warehouse.resource import WAREHOUSE_POOL
from orchestration.definitions import defs

SNAPSHOT = Path(__file__).with_name("asset_graph.json")
GROUPS = {"ingest", "profiles", "intelligence", "reports", "sync", "activation"}


def materializable_specs() -> list[dg.AssetSpec]:
    """Specs of the assets this location materializes (dbt sources are external, not materialized here)."""
    keys = {key for assets_def in defs.assets for key in getattr(assets_def, "keys", [])}
    return [spec for spec in defs.resolve_all_asset_specs() if spec.key in keys]


def asset_graph() -> dict[str, dict[str, object]]:
    return {
        spec.key.to_user_string(): {
            "group": spec.group_name,
            "deps": sorted(dep.asset_key.to_user_string() for dep in spec.deps),
        }
        for spec in sorted(materializable_specs(), key=lambda spec: spec.key.to_user_string())
    }


def test_definitions_load_with_jobs_schedules_and_sensors():
    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("nightly_refresh") is not None
    assert defs.resolve_schedule_def("nightly_refresh_schedule").cron_schedule == "0 2 * * *"
    assert defs.resolve_sensor_def("landing_zone_sensor") is not None


def test_asset_graph_matches_the_snapshot():
    current = asset_graph()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    assert current == json.loads(SNAPSHOT.read_text())


def test_every_asset_is_grouped_described_owned_and_writes_through_the_warehouse_pool():
    for spec in materializable_specs():
        assert spec.group_name in GROUPS, spec.key
        assert spec.description, spec.key
        assert spec.owners, spec.key
        assert spec.kinds, spec.key
        assert defs.resolve_assets_def(spec.key).op.pool == WAREHOUSE_POOL, spec.key


def test_dbt_sources_are_the_ingest_assets():
    graph = asset_graph()
    staging = {key: node for key, node in graph.items() if key.startswith("staging/")}
    upstream = {dep for node in staging.values() for dep in node["deps"] if not dep.startswith("staging/")}
    assert upstream <= {key for key, node in graph.items() if node["group"] == "ingest"}
    assert "raw/events" in upstream
