"""Loading a source's new files into its raw table: all of them or none, each record exactly once.

Per batch of new files (by content hash), in one transaction: the files are staged, each record is loaded,
skipped as a duplicate (key already in the table or earlier in the batch) or quarantined, and the files are entered
in `raw.ingested_files`. A crash rolls the batch back, so the next run loads exactly the same rows.
Every record read is counted in exactly one class: read = loaded + duplicates + quarantined.
Each format's stager (one signature, see `stager_contract`) stages the batch and drops what it made; the loader
drops only its own tables.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from assets.ingest.product_catalog import stage_product_catalog
from assets.ingest.segment_events import stage_segment_events
from assets.ingest.sources_config import Source, SourceFormat, SourcesConfig
from assets.ingest.stager_contract import Stager, StagingBatch
from assets.ingest.tabular_sources import stage_mapped_rows, stage_shopify_orders
from assets.ingest.temp_relations import dropped_on_exit
from connectors.sources.landing_zone import LandingFile, content_sha256, list_files
from connectors.warehouse.duckdb_file import quote_ident

TO_LOAD_TABLE = "ingest_to_load"
FILES_TABLE = "ingest_files"
FILE_COUNTS_TABLE = "ingest_file_counts"
STAGERS: dict[SourceFormat, Stager] = {
    SourceFormat.SEGMENT_EVENTS: stage_segment_events,
    SourceFormat.SHOPIFY_ORDERS: stage_shopify_orders,
    SourceFormat.STORE_ORDERS: stage_mapped_rows,
    SourceFormat.CRM_PROFILES: stage_mapped_rows,
    SourceFormat.PRODUCT_CATALOG: stage_product_catalog,
}
# About 1.6 million gzipped Segment calls, about 3 GiB while staged: the 4 GiB target at 1m profiles holds.
DEFAULT_BATCH_BYTES = 128 * 1024 * 1024
_LINEAGE = ("source_name", "source_label", "_file", "_line", "_loaded_at")


@dataclass
class IngestCounts:
    """What one ingest did; read = loaded + duplicates + quarantined."""

    files_new: int = 0
    files_skipped: int = 0
    read: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0

    def __iadd__(self, other: IngestCounts) -> IngestCounts:
        for field, value in asdict(other).items():
            setattr(self, field, getattr(self, field) + value)
        return self

    def balances(self) -> bool:
        return self.read == self.loaded + self.duplicates + self.quarantined


def _dedup_key(source: Source) -> str:
    # Segment's messageId identifies a call across retries and sources; other records are versions of a keyed
    # entity, so only an identical record (same `_row_hash`) from the same source is a duplicate.
    return "message_id" if source.format == SourceFormat.SEGMENT_EVENTS else "_row_hash"


def _raw_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
        "order by ordinal_position",
        [table],
    ).fetchall()
    return [row[0] for row in rows]


def _select_rows_to_load(con: duckdb.DuckDBPyConnection, source: Source, staged: str) -> None:
    """`ingest_to_load(_file, _line)`: valid records whose key is neither earlier in the batch nor in the table.

    Works on a narrow projection (key, file, line), so the wide records are never sorted or copied to decide.
    """
    key = _dedup_key(source)
    target = f"raw.{quote_ident(source.raw_table)}"
    same_source = "" if key == "message_id" else "and source_name = $source_name"
    con.execute(
        f"""
        create or replace temp table {TO_LOAD_TABLE} as
        with valid as (
            select {key}, _file, _line from {staged} where reason is null
        ),
        first_in_batch as (
            select {key}, _file, _line from valid
            qualify row_number() over (partition by {key} order by _file, _line) = 1
        ),
        already_loaded as (
            select distinct {key} from {target}
            where {key} in (select {key} from valid) {same_source}
        )
        select _file, _line from first_in_batch anti join already_loaded using ({key})
        """,
        {"source_name": source.name} if same_source else {},
    )


def _write(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    files: Sequence[tuple[LandingFile, str]],
    business_columns: list[str],
    loaded_at: datetime,
    staged: str,
) -> IngestCounts:
    """Insert the batch's loaded rows, its quarantine and its ledger entries from relation `staged`; return what
    happened."""
    target = f"raw.{quote_ident(source.raw_table)}"
    columns = ", ".join(quote_ident(column) for column in [*business_columns, *_LINEAGE])
    selected = ", ".join(f"staged.{quote_ident(column)}" for column in business_columns)
    lineage = {"source_name": source.name, "source_label": source.source_label, "loaded_at": loaded_at}
    _select_rows_to_load(con, source, staged)
    con.execute(
        f"""
        insert into {target} ({columns})
        select {selected}, $source_name, $source_label, staged._file, staged._line, $loaded_at
        from {staged} as staged semi join {TO_LOAD_TABLE} using (_file, _line)
        """,
        lineage,
    )
    con.execute(
        f"""
        insert into raw.quarantine
        select $source_name, $source_label, _file, _line, raw_text, reason, $loaded_at
        from {staged} where reason is not null
        """,
        lineage,
    )
    con.execute(
        f"create or replace temp table {FILES_TABLE} (_file varchar, content_sha256 varchar, size_bytes bigint)"
    )
    con.executemany(
        f"insert into {FILES_TABLE} values (?, ?, ?)",
        [(landing_file.relative_path, sha256, landing_file.size_bytes) for landing_file, sha256 in files],
    )
    con.execute(
        f"""
        create or replace temp table {FILE_COUNTS_TABLE} as
        with read_counts as (
            select _file, count(*) as rows_read, count(reason) as rows_quarantined
            from {staged} group by _file
        ),
        loaded_counts as (
            select _file, count(*) as rows_loaded from {TO_LOAD_TABLE} group by _file
        )
        select files._file, files.content_sha256, files.size_bytes,
               coalesce(read_counts.rows_read, 0) as rows_read,
               coalesce(loaded_counts.rows_loaded, 0) as rows_loaded,
               coalesce(read_counts.rows_quarantined, 0) as rows_quarantined
        from {FILES_TABLE} as files
        left join read_counts using (_file)
        left join loaded_counts using (_file)
        """
    )
    con.execute(
        f"""
        insert into raw.ingested_files
        select $source_name, _file, content_sha256, size_bytes, rows_read, rows_loaded, rows_quarantined,
               rows_read - rows_loaded - rows_quarantined, $loaded_at
        from {FILE_COUNTS_TABLE}
        """,
        {"source_name": source.name, "loaded_at": loaded_at},
    )
    read, loaded, quarantined = con.execute(
        f"select sum(rows_read), sum(rows_loaded), sum(rows_quarantined) from {FILE_COUNTS_TABLE}"
    ).fetchone()
    return IngestCounts(
        files_new=len(files), read=int(read), loaded=int(loaded), quarantined=int(quarantined),
        duplicates=int(read - loaded - quarantined),
    )


def _batches(
    files: Sequence[tuple[LandingFile, str]], batch_bytes: int
) -> Iterator[list[tuple[LandingFile, str]]]:
    """Consecutive whole files of at most `batch_bytes` together (a bigger file is a batch of its own)."""
    batch: list[tuple[LandingFile, str]] = []
    size = 0
    for entry in files:
        if batch and size + entry[0].size_bytes > batch_bytes:
            yield batch
            batch, size = [], 0
        batch.append(entry)
        size += entry[0].size_bytes
    if batch:
        yield batch


def _ingest_batch(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    files: list[tuple[LandingFile, str]],
    config: SourcesConfig,
    loaded_at: datetime,
    business_columns: list[str],
) -> IngestCounts:
    """One batch of files in one transaction: all of its rows, quarantine and ledger entries, or none."""
    batch = StagingBatch(source, [landing_file for landing_file, _ in files], config, loaded_at)
    con.execute("begin transaction")
    try:
        with (
            STAGERS[source.format](con, batch) as staged,
            dropped_on_exit(con, TO_LOAD_TABLE, FILES_TABLE, FILE_COUNTS_TABLE),
        ):
            counts = _write(con, source, files, business_columns, loaded_at, staged)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return counts


def ingest_source(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    landing_dir: Path,
    config: SourcesConfig,
    loaded_at: datetime | None = None,
    batch_bytes: int = DEFAULT_BATCH_BYTES,
) -> IngestCounts:
    """Load the source's files not loaded before (by content hash) into its raw table.

    Files load in batches of about `batch_bytes` on disk, each batch in one transaction, so memory stays bounded
    and a crash loses at most the batch under way, which the next run loads again whole.
    """
    loaded_at = loaded_at or datetime.now(UTC)
    files = list_files(landing_dir, source.path)
    known = {
        row[0]
        for row in con.execute(
            "select content_sha256 from raw.ingested_files where source_name = ?", [source.name]
        ).fetchall()
    }
    new_files: list[tuple[LandingFile, str]] = []
    for landing_file in files:
        sha256 = content_sha256(landing_file.path)
        if sha256 not in known:
            new_files.append((landing_file, sha256))
            known.add(sha256)
    business_columns = [column for column in _raw_columns(con, source.raw_table) if column not in _LINEAGE]
    total = IngestCounts(files_skipped=len(files) - len(new_files))
    for batch in _batches(new_files, batch_bytes):
        total += _ingest_batch(con, source, batch, config, loaded_at, business_columns)
    return total
