"""Each reader and stager drops every temp table and view it made: after its block, and when it fails half way,
with or without a transaction around it."""

import gzip
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assets.ingest.batch_loader import STAGERS, ingest_source
from assets.ingest.file_readers import ROWS_TABLE, read_rows
from assets.ingest.sources_config import Source, SourceFormat, SourcesConfig, load_sources_config
from assets.ingest.stager_contract import STAGED_TABLE, StagingBatch
from assets.ingest.tabular_sources import SHOPIFY_HEADER
from connectors.sources.landing_zone import LandingFile
from connectors.warehouse.duckdb_file import open_warehouse
from core.settings import PROJECT_ROOT

CONFIG = load_sources_config(PROJECT_ROOT / "config")
SOURCE_BY_FORMAT = {source.format: source for source in CONFIG.sources}
LOADED_AT = datetime(2026, 11, 2, tzinfo=UTC)
EVENT = '{"messageId": "m1", "type": "track", "event": "Viewed", "userId": "u1", "timestamp": "2026-03-01T12:00:00Z"}'


class Interrupted(Exception):
    """Raised inside a reader's block, as a failure of whatever the caller does with what was read."""


def landing_file(path: Path, data: bytes, truncate: bool = False) -> LandingFile:
    """`data` written to `path`, gzipped when the name says so; `truncate` cuts the gzip stream in half, so the
    first lines still read but the file as a whole does not."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
        data = data[: len(data) // 2] if truncate else data
    path.write_bytes(data)
    return LandingFile(path=path, relative_path=path.name, size_bytes=path.stat().st_size)


def many_lines(first: str, line: str, count: int = 20_000) -> bytes:
    return (first + "\n" + "".join(f"{line}\n" for _ in range(count))).encode()


def temp_relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'temp' order by 1"
        ).fetchall()
    ]


def begin(con: duckdb.DuckDBPyConnection, in_transaction: bool) -> None:
    if in_transaction:
        con.execute("begin transaction")


def roll_back(con: duckdb.DuckDBPyConnection, in_transaction: bool) -> None:
    if in_transaction:
        con.execute("rollback")


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.mark.parametrize("in_transaction", [False, True], ids=["autocommit", "transaction"])
def test_csv_reader_failing_in_its_second_group_drops_the_first(tmp_path, con, in_transaction):
    files = [
        landing_file(tmp_path / "a.csv", b"id,note\n1,x\n2,y,surplus\n3,z\n"),
        landing_file(tmp_path / "b.csv.gz", many_lines("id,note,city", "4,w,Oslo"), truncate=True),
    ]
    begin(con, in_transaction)
    with pytest.raises(duckdb.IOException, match="GZIP"), read_rows(con, files):
        pass
    roll_back(con, in_transaction)
    assert temp_relations(con) == []


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_rows_live_for_the_block_and_are_dropped_when_it_fails(tmp_path, con, suffix):
    if suffix == "csv":
        file = landing_file(tmp_path / "a.csv", b'id,note\n1,"two\nlines"\n2,y,surplus\n3,z\n')
    else:
        pq.write_table(pa.table({"id": [1, 2, 3]}), tmp_path / "a.parquet")
        file = LandingFile(path=tmp_path / "a.parquet", relative_path="a.parquet", size_bytes=1)
    with pytest.raises(Interrupted), read_rows(con, [file]) as columns:
        assert con.execute(f"select count(*) from {ROWS_TABLE}").fetchone()[0] == 3
        assert columns[0] == "id"
        raise Interrupted
    assert temp_relations(con) == []


@pytest.mark.parametrize("in_transaction", [False, True], ids=["autocommit", "transaction"])
def test_parquet_reader_failing_on_a_broken_file_drops_what_it_made(tmp_path, con, in_transaction):
    pq.write_table(pa.table({"id": [1]}), tmp_path / "a.parquet")
    (tmp_path / "b.parquet").write_bytes(b"PAR1 not really")
    files = [LandingFile(path=tmp_path / name, relative_path=name, size_bytes=1) for name in ("a.parquet", "b.parquet")]
    begin(con, in_transaction)
    with pytest.raises(duckdb.Error), read_rows(con, files):
        pass
    roll_back(con, in_transaction)
    assert temp_relations(con) == []


# One batch each format stages without error, and one its stager fails on half way (after reading began).
GOOD_BATCHES = {
    SourceFormat.SEGMENT_EVENTS: ("events/a.jsonl", f"{EVENT}\n{{bad\n".encode()),
    SourceFormat.SHOPIFY_ORDERS: ("shopify/a.csv", (",".join(SHOPIFY_HEADER) + "\n#1" + "," * (len(SHOPIFY_HEADER) - 1)
                                                    + "\n").encode()),
    SourceFormat.STORE_ORDERS: ("woocommerce/a.csv", None),
    SourceFormat.CRM_PROFILES: ("crm/a.csv", None),
    SourceFormat.PRODUCT_CATALOG: ("catalog/a.jsonl", b'{"product_id": "p1"}\n[]\n'),
}
FAILING_BATCHES = {
    SourceFormat.SEGMENT_EVENTS: ("events/a.jsonl.gz", many_lines(EVENT, EVENT), True),
    SourceFormat.SHOPIFY_ORDERS: ("shopify/a.csv", b"Name,Email\n#1,a@b.com\n", False),  # no `Created at`
    SourceFormat.STORE_ORDERS: ("woocommerce/a.csv", b"order_id\n1\n", False),  # mapped columns missing
    SourceFormat.CRM_PROFILES: ("crm/a.csv.gz", None, True),
    SourceFormat.PRODUCT_CATALOG: ("catalog/a.jsonl.gz", many_lines('{"product_id": "p1"}', "{}"), True),
}


def mapped_csv(source: Source) -> bytes:
    columns = list(dict.fromkeys(source.columns.values()))  # a file column may stand for two (line id = order id)
    return (",".join(columns) + "\n" + ",".join("1" for _ in columns) + "\n").encode()


def test_every_format_has_one_stager():
    assert set(STAGERS) == set(SourceFormat)


@pytest.mark.parametrize("source_format", list(SourceFormat))
def test_a_stager_drops_what_it_made_when_the_callers_block_ends_or_fails(tmp_path, con, source_format):
    source = SOURCE_BY_FORMAT[source_format]
    name, data = GOOD_BATCHES[source_format]
    batch = StagingBatch(source, [landing_file(tmp_path / name, data or mapped_csv(source))], CONFIG, LOADED_AT)
    with STAGERS[source_format](con, batch) as staged:
        assert staged == STAGED_TABLE
        assert con.execute(f"select count(*) from {staged}").fetchone()[0] > 0
    assert temp_relations(con) == []
    with pytest.raises(Interrupted), STAGERS[source_format](con, batch):
        raise Interrupted
    assert temp_relations(con) == []


@pytest.mark.parametrize("in_transaction", [False, True], ids=["autocommit", "transaction"])
@pytest.mark.parametrize("source_format", list(SourceFormat))
def test_a_stager_failing_half_way_drops_what_it_made(tmp_path, con, source_format, in_transaction):
    source = SOURCE_BY_FORMAT[source_format]
    name, data, truncate = FAILING_BATCHES[source_format]
    if data is None:
        data = many_lines(*mapped_csv(source).decode().splitlines())
    batch = StagingBatch(source, [landing_file(tmp_path / name, data, truncate)], CONFIG, LOADED_AT)
    begin(con, in_transaction)
    with pytest.raises((duckdb.IOException, ValueError)), STAGERS[source_format](con, batch):
        pass
    roll_back(con, in_transaction)
    assert temp_relations(con) == []


def test_an_ingest_failing_inside_duckdb_raises_that_error_and_leaves_nothing(tmp_path, warehouse_path):
    """The batch's transaction is aborted by the failed scan: the cleanup does not mask the error, the rollback
    discards what was made, and the connection goes on working."""
    source = Source(name="segment_events", format="segment_events", path="events/*", source_label="web")
    landing_file(tmp_path / "landing/events/a.jsonl.gz", many_lines(EVENT, EVENT), truncate=True)
    with open_warehouse(warehouse_path) as warehouse:
        with pytest.raises(duckdb.IOException, match="GZIP"):
            ingest_source(warehouse, source, tmp_path / "landing", SourcesConfig(sources=[source]), LOADED_AT)
        assert temp_relations(warehouse) == []
        assert warehouse.execute("select count(*) from raw.ingested_files").fetchone()[0] == 0
