"""The whole landing zone of a generated store: exactly the deliberately malformed records are quarantined."""

import dagster as dg
import pytest

from assets.ingest import ASSETS
from assets.ingest.batch_loader import IngestCounts, ingest_source
from assets.ingest.quarantine_rules import listed_reasons, reason_pattern
from assets.ingest.sources_config import load_sources_config
from connectors.warehouse.duckdb_file import open_warehouse
from connectors.warehouse.resource import WarehouseResource
from core.settings import PROJECT_ROOT
from demo_store import generate_store

TABLES = ("events", "shopify_order_lines", "store_order_lines", "crm_profiles", "catalog_products", "quarantine",
          "ingested_files")


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo_store")
    summary = generate_store(out, profiles=1500, seed=11)
    return out, summary


def test_quarantine_holds_exactly_the_generators_malformed_records(demo_store, warehouse_path):
    out, summary = demo_store
    config = load_sources_config(PROJECT_ROOT / "config")
    total = IngestCounts()
    with open_warehouse(warehouse_path) as con:
        for source in config.sources:
            total += ingest_source(con, source, out / "landing", config)
        truth = f"read_csv('{out / 'ground_truth/malformed.csv.gz'}', header = true)"
        missed = con.execute(f"select count(*) from {truth} as t anti join raw.quarantine as q "
                             "on q._file = t.file and q._line = t.line").fetchone()[0]
        extra = con.execute(f"select count(*) from raw.quarantine as q anti join {truth} as t "
                            "on q._file = t.file and q._line = t.line").fetchone()[0]
        reasons = con.execute("select distinct source_name, reason from raw.quarantine order by all").fetchall()
        before = {table: con.execute(f"select count(*) from raw.{table}").fetchone()[0] for table in TABLES}
        for source in config.sources:
            ingest_source(con, source, out / "landing", config)
        after = {table: con.execute(f"select count(*) from raw.{table}").fetchone()[0] for table in TABLES}
    kinds = summary.kinds.values()
    assert (missed, extra) == (0, 0)
    assert total.read == sum(kind.records for kind in kinds)
    assert total.quarantined == sum(kind.malformed for kind in kinds)
    assert total.duplicates == sum(kind.duplicates for kind in kinds)
    assert total.balances() and before == after
    # every reason the generator's malformed records get is one quarantine_rules lists for their format
    formats = {source.name: source.format for source in config.sources}
    unlisted = [
        (name, reason) for name, reason in reasons
        if not any(reason_pattern(listed).fullmatch(reason) for listed in listed_reasons()[formats[name]])
    ]
    assert len(reasons) > 10 and unlisted == []


def test_ingest_assets_materialize_with_reconciliation_metadata_and_passing_checks(demo_store, warehouse_path,
                                                                                   monkeypatch):
    out, summary = demo_store
    monkeypatch.setenv("CDP_LANDING_DIR", str(out / "landing"))
    result = dg.materialize(
        ASSETS, resources={"warehouse": WarehouseResource(path=str(warehouse_path))}
    )
    assert result.success
    events = result.asset_materializations_for_node("raw__events")[0].metadata
    assert events["records_read"].value == summary.kinds["events"].records
    assert events["read_equals_loaded_plus_duplicates_plus_quarantined"].value is True
    checks = result.get_asset_check_evaluations()
    assert len(checks) == len(ASSETS) and all(check.passed for check in checks)
