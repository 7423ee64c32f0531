"""The demo store's legacy till export: one row per order, before the web history, and honest ground truth."""

from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assets.ingest.batch_loader import IngestCounts, ingest_source
from assets.ingest.sources_config import load_sources_config
from connectors.warehouse.duckdb_file import open_warehouse
from core.settings import PROJECT_ROOT
from demo_store import generate_store
from demo_store.legacy_pos import LEGACY_HEADER
from demo_store.timestamps import START_EPOCH

PROFILES = 2_000


def _gzip_csv(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("legacy_store")
    generate_store(out, PROFILES, seed=7, persons_per_chunk=800, workers=1)
    return out


def _legacy_rows(store: Path) -> list[tuple[str, int, dict[str, str]]]:
    rows = []
    for path in sorted((store / "landing" / "legacy_pos").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert tuple(reader.fieldnames or ()) == LEGACY_HEADER
            rows += [(f"legacy_pos/{path.name}", line, row) for line, row in enumerate(reader, start=2)]
    return rows


def test_a_few_percent_of_orders_are_legacy_receipts_of_buyers_before_the_web_history(store: Path) -> None:
    summary = json.loads((store / "ground_truth" / "summary.json").read_text())["kinds"]["legacy_pos"]
    rows = _legacy_rows(store)
    truth = _gzip_csv(store / "ground_truth" / "orders.csv.gz")
    legacy = [row for row in truth if row["source"] == "legacy_pos"]
    assert summary["files"] == 3 and summary["records"] == len(rows)
    assert 0.005 <= len(legacy) / len(truth) <= 0.05
    assert summary["malformed"] > 0 and summary["duplicates"] > 0
    buyers = {row["person_id"] for row in _gzip_csv(store / "ground_truth" / "persons.csv.gz")
              if row["is_buyer"] == "1"}
    assert {row["person_id"] for row in legacy} <= buyers
    web_start = datetime.fromtimestamp(START_EPOCH, UTC)
    valid = [row for _, _, row in rows if row["sold_at"].endswith("Z")]
    assert valid and all(datetime.fromisoformat(row["sold_at"]) < web_start for row in valid)


def test_ground_truth_lists_each_valid_receipt_once_and_its_contacts_under_its_person(store: Path) -> None:
    malformed = {(row["file"], int(row["line"])) for row in _gzip_csv(store / "ground_truth" / "malformed.csv.gz")}
    rows = _legacy_rows(store)
    valid = {row["receipt_no"]: row for file, line, row in rows if (file, line) not in malformed}
    bad = [row for file, line, row in rows if (file, line) in malformed]
    assert bad and all(not row["sold_at"].endswith("Z") for row in bad)
    truth = {row["order_id"]: row["person_id"] for row in _gzip_csv(store / "ground_truth" / "orders.csv.gz")
             if row["source"] == "legacy_pos"}
    assert set(truth) == set(valid)
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in _gzip_csv(store / "ground_truth" / "identities.csv.gz"):
        owners[(row["id_type"], row["id_value"])].add(row["person_id"])
    for receipt, row in valid.items():
        contacts = [(kind, row[column]) for kind, column in (("email", "customer_email"), ("phone", "customer_phone"))
                    if row[column]]
        assert contacts, receipt
        assert all(truth[receipt] in owners[contact] for contact in contacts), receipt


def test_the_configured_source_loads_the_export_nothing_lost_nothing_twice(store: Path, warehouse_path) -> None:
    summary = json.loads((store / "ground_truth" / "summary.json").read_text())["kinds"]["legacy_pos"]
    config = load_sources_config(PROJECT_ROOT / "config")
    source = next(source for source in config.sources if source.name == "legacy_pos_orders")
    with open_warehouse(warehouse_path) as con:
        counts = ingest_source(con, source, store / "landing", config)
        loaded = {row[0] for row in con.execute("select order_id from raw.store_order_lines").fetchall()}
    assert counts == IngestCounts(files_new=summary["files"], read=summary["records"],
                                  loaded=summary["records"] - summary["malformed"] - summary["duplicates"],
                                  duplicates=summary["duplicates"], quarantined=summary["malformed"])
    truth = {row["order_id"] for row in _gzip_csv(store / "ground_truth" / "orders.csv.gz")
             if row["source"] == "legacy_pos"}
    assert loaded == truth
