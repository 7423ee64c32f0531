"""Nothing lost, nothing twice: re-ingestion, rewritten files, duplicates, and a crash half way."""

import json
import signal
import subprocess
import sys
from datetime import UTC, datetime

import pytest

import assets.ingest.batch_loader as batch_loader
from assets.ingest.batch_loader import ingest_source
from assets.ingest.sources_config import Source, SourcesConfig
from connectors.warehouse.duckdb_file import open_warehouse
from core.settings import PROJECT_ROOT

EVENTS = Source(name="segment_events", format="segment_events", path="events/*.jsonl", source_label="web")
CATALOG = Source(name="product_catalog", format="product_catalog", path="catalog/*.jsonl", source_label="catalog")
CONFIG = SourcesConfig(sources=[EVENTS, CATALOG])
LOADED_AT = datetime(2026, 11, 2, tzinfo=UTC)
TABLES = ("events", "catalog_products", "quarantine", "ingested_files")


def event(message_id: str, user: str = "u1") -> str:
    return json.dumps({"messageId": message_id, "type": "track", "event": "Viewed", "userId": user,
                       "timestamp": "2026-03-01T12:00:00Z"})


def write(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def snapshot(con):
    return {table: con.execute(f"select * from raw.{table} order by all").fetchall() for table in TABLES}


def ingest_all(con, landing):
    return [ingest_source(con, source, landing, CONFIG, LOADED_AT) for source in CONFIG.sources]


def test_same_landing_zone_twice_changes_nothing(tmp_path, warehouse_path):
    landing = tmp_path / "landing"
    write(landing / "events/a.jsonl", [event("m1"), event("m2"), "{bad"])
    write(landing / "catalog/products.jsonl", ['{"product_id": "p1", "price": 9.5}', '{"product_id": "p2"}'])
    with open_warehouse(warehouse_path) as con:
        first = ingest_all(con, landing)
        before = snapshot(con)
        second = ingest_all(con, landing)
        after = snapshot(con)
    assert before == after
    assert [c.loaded for c in first] == [2, 2] and [c.files_skipped for c in second] == [1, 1]
    assert all(c.read == 0 for c in second)


def test_rewritten_file_with_same_name_loads_only_what_is_new(tmp_path, warehouse_path):
    landing = tmp_path / "landing"
    write(landing / "events/a.jsonl", [event("m1"), event("m2")])
    with open_warehouse(warehouse_path) as con:
        ingest_source(con, EVENTS, landing, CONFIG, LOADED_AT)
        write(landing / "events/a.jsonl", [event("m1"), event("m2"), event("m3")])
        counts = ingest_source(con, EVENTS, landing, CONFIG, LOADED_AT)
        ids = [row[0] for row in con.execute("select message_id from raw.events order by 1").fetchall()]
        ledger = con.execute(
            "select rows_read, rows_loaded, rows_duplicate from raw.ingested_files order by 2"
        ).fetchall()
    assert (counts.read, counts.loaded, counts.duplicates) == (3, 1, 2)
    assert ids == ["m1", "m2", "m3"]
    assert ledger == [(3, 1, 2), (2, 2, 0)]


def test_duplicate_message_ids_load_once_keeping_the_first_in_file_order(tmp_path, warehouse_path):
    landing = tmp_path / "landing"
    write(landing / "events/a.jsonl", [event("m1", "first"), event("m1", "second")])
    write(landing / "events/b.jsonl", [event("m1", "third"), event("m2")])
    with open_warehouse(warehouse_path) as con:
        counts = ingest_source(con, EVENTS, landing, CONFIG, LOADED_AT)
        rows = con.execute("select message_id, user_id, _file, _line from raw.events order by 1").fetchall()
    assert rows == [("m1", "first", "events/a.jsonl", 1), ("m2", "u1", "events/b.jsonl", 2)]
    assert (counts.read, counts.loaded, counts.duplicates, counts.quarantined) == (4, 2, 2, 0)
    assert counts.balances()


def test_changed_version_of_a_product_is_kept_as_a_new_version(tmp_path, warehouse_path):
    landing = tmp_path / "landing"
    write(landing / "catalog/v1.jsonl", ['{"product_id": "p1", "price": 9.5}'])
    with open_warehouse(warehouse_path) as con:
        ingest_source(con, CATALOG, landing, CONFIG, LOADED_AT)
        write(landing / "catalog/v2.jsonl", ['{"product_id": "p1", "price": 9.5}', '{"product_id": "p1", "price": 11}'])
        counts = ingest_source(con, CATALOG, landing, CONFIG, LOADED_AT)
        prices = [float(row[0]) for row in con.execute("select price from raw.catalog_products order by 1").fetchall()]
    assert prices == [9.5, 11.0]
    assert (counts.loaded, counts.duplicates) == (1, 1)


def test_crash_half_way_leaves_nothing_and_the_rerun_loads_exactly_once(tmp_path, warehouse_path, monkeypatch):
    landing = tmp_path / "landing"
    write(landing / "events/a.jsonl", [event("m1"), event("m2"), "{bad"])
    write(landing / "events/b.jsonl", [event("m3")])
    real_write = batch_loader._write

    def write_then_crash(con, *args, **kwargs):
        real_write(con, *args, **kwargs)  # every insert has happened inside the transaction ...
        raise RuntimeError("killed before commit")  # ... and the process dies before the commit

    with open_warehouse(warehouse_path) as con:
        monkeypatch.setattr(batch_loader, "_write", write_then_crash)
        with pytest.raises(RuntimeError, match="killed before commit"):
            ingest_source(con, EVENTS, landing, CONFIG, LOADED_AT)
        assert all(rows == [] for rows in snapshot(con).values())
        # the stager and the loader dropped what they made: nothing of the failed batch is left on the connection
        temp = con.execute("select count(*) from information_schema.tables where table_catalog = 'temp'").fetchone()
        assert temp == (0,)
        monkeypatch.setattr(batch_loader, "_write", real_write)
        counts = ingest_source(con, EVENTS, landing, CONFIG, LOADED_AT)
        again = ingest_source(con, EVENTS, landing, CONFIG, LOADED_AT)
        ids = [row[0] for row in con.execute("select message_id from raw.events order by 1").fetchall()]
        quarantined = con.execute("select count(*) from raw.quarantine").fetchone()[0]
    assert ids == ["m1", "m2", "m3"] and quarantined == 1
    assert (counts.loaded, again.loaded, again.files_skipped) == (3, 0, 2)


KILLED_INGEST = """
import os, signal, sys
from datetime import UTC, datetime
from pathlib import Path
import assets.ingest.batch_loader as batch_loader
from assets.ingest.sources_config import Source, SourcesConfig
from connectors.warehouse.duckdb_file import open_warehouse

source = Source(name="segment_events", format="segment_events", path="events/*.jsonl", source_label="web")
real_write = batch_loader._write

def write_then_die(con, *args, **kwargs):
    real_write(con, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

batch_loader._write = write_then_die
with open_warehouse(Path(sys.argv[1])) as con:
    batch_loader.ingest_source(con, source, Path(sys.argv[2]), SourcesConfig(sources=[source]))
"""


def test_process_killed_before_commit_leaves_no_rows_and_rerun_loads_exactly_once(tmp_path, warehouse_path):
    landing = tmp_path / "landing"
    write(landing / "events/a.jsonl", [event(f"m{n}") for n in range(5000)] + ["{bad"])
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_INGEST, str(warehouse_path), str(landing)], cwd=PROJECT_ROOT, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    with open_warehouse(warehouse_path) as con:
        assert all(rows == [] for rows in snapshot(con).values())
        counts = ingest_source(con, EVENTS, landing, CONFIG, LOADED_AT)
        events, distinct = con.execute("select count(*), count(distinct message_id) from raw.events").fetchone()
    assert (counts.loaded, counts.quarantined, events, distinct) == (5000, 1, 5000, 5000)


def test_batches_commit_one_by_one_and_a_crash_redoes_only_the_unfinished_batch(tmp_path, warehouse_path,
                                                                                 monkeypatch):
    landing = tmp_path / "landing"
    write(landing / "events/a.jsonl", [event("m1"), event("m2")])
    write(landing / "events/b.jsonl", [event("m2"), event("m3")])  # m2 again, in the next batch
    write(landing / "events/c.jsonl", [event("m4")])
    real_write = batch_loader._write
    calls = []

    def crash_on_second_batch(con, source, files, *args, **kwargs):
        calls.append([landing_file.relative_path for landing_file, _ in files])
        if len(calls) == 2:
            raise RuntimeError("killed in batch two")
        return real_write(con, source, files, *args, **kwargs)

    with open_warehouse(warehouse_path) as con:
        monkeypatch.setattr(batch_loader, "_write", crash_on_second_batch)
        with pytest.raises(RuntimeError, match="batch two"):
            ingest_source(con, EVENTS, landing, CONFIG, LOADED_AT, batch_bytes=1)
        assert con.execute("select _file from raw.ingested_files").fetchall() == [("events/a.jsonl",)]
        monkeypatch.setattr(batch_loader, "_write", real_write)
        counts = ingest_source(con, EVENTS, landing, CONFIG, LOADED_AT, batch_bytes=1)
        ids = [row[0] for row in con.execute("select message_id from raw.events order by 1").fetchall()]
    assert calls[:2] == [["events/a.jsonl"], ["events/b.jsonl"]]
    assert ids == ["m1", "m2", "m3", "m4"]
    assert (counts.files_new, counts.files_skipped, counts.loaded, counts.duplicates) == (2, 1, 2, 1)
