"""Loading a source's new files into its raw table: all of them or none, each record exactly once.

Per source and run, in one transaction: new files (by content hash) are staged, each record is classified as
loaded, duplicate (key already in the table or earlier in the batch) or quarantined, and the files are entered in
`raw.ingested_files`. A crash anywhere rolls everything back, so the next run loads exactly the same rows.
Every record read is counted in exactly one class: read = loaded + duplicates + quarantined.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from assets.ingest.product_catalog import stage_product_catalog
from assets.ingest.segment_events import stage_segment_events
from assets.ingest.sources_config import Source, SourceFormat, SourcesConfig
from assets.ingest.tabular_sources import stage_mapped_rows, stage_shopify_orders
from connectors.sources.landing_zone import LandingFile, content_sha256, list_files
from connectors.warehouse.duckdb_file import quote_ident

STAGED_TABLE = "ingest_staged"
CLASSIFIED_TABLE = "ingest_classified"
_TEMP_TABLES = (STAGED_TABLE, CLASSIFIED_TABLE, "ingest_files", "ingest_lines", "ingest_rows", "ingest_file_names")
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


def _dedup_key(source: Source) -> list[str]:
    # Segment's messageId identifies a call across retries and sources; other records are versions of a keyed
    # entity, so only a byte-for-byte identical record (same hash) from the same source is a duplicate.
    if source.format == SourceFormat.SEGMENT_EVENTS:
        return ["message_id"]
    return ["source_name", "_row_hash"]


def _stage(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    files: Sequence[LandingFile],
    config: SourcesConfig,
    loaded_at: datetime,
) -> None:
    stagers: dict[SourceFormat, Callable[[], None]] = {
        SourceFormat.SEGMENT_EVENTS: lambda: stage_segment_events(
            con, files, earliest=datetime.fromisoformat(config.earliest_valid_timestamp),
            loaded_at=loaded_at, max_future_skew_hours=config.max_future_skew_hours,
        ),
        SourceFormat.SHOPIFY_ORDERS: lambda: stage_shopify_orders(con, source, files),
        SourceFormat.STORE_ORDERS: lambda: stage_mapped_rows(con, source, files),
        SourceFormat.CRM_PROFILES: lambda: stage_mapped_rows(con, source, files),
        SourceFormat.PRODUCT_CATALOG: lambda: stage_product_catalog(con, files),
    }
    stagers[source.format]()


def _raw_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
        "order by ordinal_position",
        [table],
    ).fetchall()
    return [row[0] for row in rows]


def _classify(con: duckdb.DuckDBPyConnection, source: Source, business_columns: list[str]) -> None:
    """`ingest_classified`: the staged records with `_row_hash`, `source_name` and `_outcome`."""
    key = _dedup_key(source)
    key_sql = ", ".join(quote_ident(column) for column in key)
    hashed = [column for column in business_columns if column != "_row_hash"]
    row_hash = "md5(to_json(struct_pack(" + ", ".join(f"{quote_ident(c)} := {quote_ident(c)}" for c in hashed) + ")))"
    target = f"raw.{quote_ident(source.raw_table)}"
    con.execute(f"drop table if exists {CLASSIFIED_TABLE}")
    con.execute(
        f"""
        create temp table {CLASSIFIED_TABLE} as
        with staged as (
            select *, cast($source_name as varchar) as source_name, {row_hash} as _row_hash from {STAGED_TABLE}
        ),
        ranked as (
            select *, case when reason is null
                           then row_number() over (partition by {key_sql} order by _file, _line) end as key_rank
            from staged
        ),
        already_loaded as (
            select distinct {key_sql}, true as is_loaded
            from {target}
            where {" and ".join(f"{quote_ident(c)} in (select {quote_ident(c)} from staged)" for c in key)}
        )
        select ranked.*,
               case when ranked.reason is not null then 'quarantined'
                    when ranked.key_rank > 1 or already_loaded.is_loaded then 'duplicate'
                    else 'loaded' end as _outcome
        from ranked left join already_loaded using ({key_sql})
        """,
        {"source_name": source.name},
    )


def _write(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    files: Sequence[tuple[LandingFile, str]],
    business_columns: list[str],
    loaded_at: datetime,
) -> IngestCounts:
    target = f"raw.{quote_ident(source.raw_table)}"
    columns = ", ".join(quote_ident(column) for column in [*business_columns, *_LINEAGE])
    selected = ", ".join(quote_ident(column) for column in business_columns)
    lineage = {"source_name": source.name, "source_label": source.source_label, "loaded_at": loaded_at}
    con.execute(
        f"""
        insert into {target} ({columns})
        select {selected}, $source_name, $source_label, _file, _line, $loaded_at
        from {CLASSIFIED_TABLE} where _outcome = 'loaded'
        order by _file, _line
        """,
        lineage,
    )
    con.execute(
        """
        insert into raw.quarantine
        select $source_name, $source_label, _file, _line, raw_text, reason, $loaded_at
        from ingest_classified where _outcome = 'quarantined'
        order by _file, _line
        """,
        lineage,
    )
    file_rows = [
        (landing_file.relative_path, sha256, landing_file.size_bytes) for landing_file, sha256 in files
    ]
    con.execute("create or replace temp table ingest_files (_file varchar, content_sha256 varchar, size_bytes bigint)")
    con.executemany("insert into ingest_files values (?, ?, ?)", file_rows)
    con.execute(
        """
        insert into raw.ingested_files
        select $source_name, f._file, f.content_sha256, f.size_bytes,
               coalesce(c.rows_read, 0), coalesce(c.rows_loaded, 0), coalesce(c.rows_quarantined, 0),
               coalesce(c.rows_duplicate, 0), $loaded_at
        from ingest_files as f
        left join (
            select _file, count(*) as rows_read,
                   count(*) filter (where _outcome = 'loaded') as rows_loaded,
                   count(*) filter (where _outcome = 'quarantined') as rows_quarantined,
                   count(*) filter (where _outcome = 'duplicate') as rows_duplicate
            from ingest_classified group by _file
        ) as c using (_file)
        """,
        {"source_name": source.name, "loaded_at": loaded_at},
    )
    read, loaded, duplicates, quarantined = con.execute(
        """
        select count(*), count(*) filter (where _outcome = 'loaded'),
               count(*) filter (where _outcome = 'duplicate'), count(*) filter (where _outcome = 'quarantined')
        from ingest_classified
        """
    ).fetchone()
    return IngestCounts(files_new=len(files), read=read, loaded=loaded, duplicates=duplicates, quarantined=quarantined)


def ingest_source(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    landing_dir: Path,
    config: SourcesConfig,
    loaded_at: datetime | None = None,
) -> IngestCounts:
    """Load the source's files not loaded before (by content hash) into its raw table, atomically."""
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
    skipped = len(files) - len(new_files)
    if not new_files:
        return IngestCounts(files_skipped=skipped)
    business_columns = [column for column in _raw_columns(con, source.raw_table) if column not in _LINEAGE]
    con.execute("begin transaction")
    try:
        _stage(con, source, [landing_file for landing_file, _ in new_files], config, loaded_at)
        _classify(con, source, business_columns)
        counts = _write(con, source, new_files, business_columns, loaded_at)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        for table in _TEMP_TABLES:
            con.execute(f"drop table if exists {table}")
    counts.files_skipped = skipped
    return counts
