"""One warehouse path: the `warehouse` resource decides the file (and memory limit) for ingest and dbt alike.

Regression: ingest wrote to the resource's path while dbt read CDP_WAREHOUSE, so a resource pointed elsewhere split
the warehouse over two files.
"""

import json

import dagster as dg
import duckdb
import pytest

import assets.dbt_models
import assets.ingest
import assets.intelligence
from assets.dbt_models.bridge import DBT_PROJECT, dbt_resource
from connectors.warehouse.resource import WarehouseResource
from core.settings import PROJECT_ROOT
from demo_store import generate_store

# Tables ingest creates besides the dbt sources.
RAW_BOOKKEEPING = {("raw", "quarantine"), ("raw", "ingested_files")}
# Tables the Python assets of the intelligence group write beside the dbt models: one per asset key.
PYTHON_ANALYTICS = {
    tuple(key.path) for asset in assets.intelligence.ASSETS for key in asset.keys
}


def expected_relations() -> set[tuple[str, str]]:
    """Every relation a full build makes, read from the manifest the dbt assets are built from."""
    manifest = json.loads(DBT_PROJECT.manifest_path.read_text(encoding="utf-8"))
    models = {
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] != "ephemeral"
    }
    sources = {(source["schema"], source["identifier"]) for source in manifest["sources"].values()}
    return models | sources | RAW_BOOKKEEPING | PYTHON_ANALYTICS


def relations(path) -> set[tuple[str, str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('information_schema', 'pg_catalog')"
        ).fetchall()
    return set(rows)


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    out = tmp_path_factory.mktemp("store")
    generate_store(out, profiles=600, seed=7)
    return out / "landing"


@pytest.mark.slow
def test_ingest_and_dbt_both_build_in_the_resources_file_not_the_environments(
    landing, warehouse_path, tmp_path, small_store_config, monkeypatch
):
    # The environment names another file (already holding empty raw tables) and a limit DuckDB rejects; the
    # resource names the warehouse and a valid limit. Everything must follow the resource.
    environment_file = warehouse_path
    environment_tables = relations(environment_file)
    monkeypatch.setenv("CDP_LANDING_DIR", str(landing))
    monkeypatch.setenv("CDP_DUCKDB_MEMORY_LIMIT", "not-a-size")
    resource_file = tmp_path / "resource" / "warehouse.duckdb"
    resource_file.parent.mkdir()

    result = dg.materialize(
        [*assets.ingest.ASSETS, *assets.dbt_models.ASSETS, *assets.intelligence.ASSETS],
        resources={
            "warehouse": WarehouseResource(path=str(resource_file), memory_limit="1GB"),
            "dbt": dbt_resource(),
        },
    )

    assert result.success
    wanted = expected_relations()
    assert {schema for schema, _ in wanted} >= {"raw", "staging", "intermediate", "marts", "analytics"}
    assert wanted - relations(resource_file) == set()
    assert relations(environment_file) == environment_tables, "dbt or ingest wrote into CDP_WAREHOUSE's file"
    with duckdb.connect(str(resource_file), read_only=True) as con:
        assert con.execute("select count(*) from marts.profiles").fetchone()[0] > 0


def test_a_relative_resource_path_is_from_the_project_root_like_cdp_warehouse():
    resource = WarehouseResource(path="scratch/warehouse.duckdb")
    assert resource.warehouse_path() == PROJECT_ROOT / "scratch" / "warehouse.duckdb"


def test_an_empty_resource_takes_path_and_memory_limit_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CDP_WAREHOUSE", str(tmp_path / "env.duckdb"))
    monkeypatch.setenv("CDP_DUCKDB_MEMORY_LIMIT", "2GB")
    resource = WarehouseResource()
    assert (resource.warehouse_path(), resource.duckdb_memory_limit()) == (tmp_path / "env.duckdb", "2GB")


def test_the_resources_own_memory_limit_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("CDP_DUCKDB_MEMORY_LIMIT", "2GB")
    assert WarehouseResource(memory_limit="1GB").duckdb_memory_limit() == "1GB"
