"""The hand-written DuckDB reference: what a DuckDB expert would write to load the same events and orders.

One statement per source into a separate warehouse file, de-duplicated on `messageId` and on order and line ids,
bad records simply skipped (`ignore_errors`). No lineage, quarantine, counts or idempotency: the gap between this
and our ingest is the cost of those guarantees.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from assets.ingest.sources_config import Source, SourceFormat, load_sources_config
from bench.measurements import BenchRun, StageClock, StageGroup
from bench.stages import CONFIG_DIR, EVENT_AND_ORDER_FORMATS, ScratchPaths, remove_duckdb_file
from connectors.warehouse.duckdb_file import quote_ident

_EVENT_COLUMNS = {
    "messageId": "VARCHAR", "type": "VARCHAR", "event": "VARCHAR", "name": "VARCHAR", "userId": "VARCHAR",
    "anonymousId": "VARCHAR", "previousId": "VARCHAR", "traits": "JSON", "properties": "JSON", "context": "JSON",
    "timestamp": "TIMESTAMPTZ", "sentAt": "TIMESTAMPTZ", "receivedAt": "TIMESTAMPTZ",
}


def _events_sql(table: str) -> str:
    return f"""
        create table {table} as
        select distinct on (messageId) *
        from read_json($glob, format = 'newline_delimited', ignore_errors = true, columns = $columns)
        where messageId is not null
    """


def _shopify_sql(table: str) -> str:
    # Shopify's export has no line id: a line is its order name and SKU.
    return f"""
        create table {table} as
        select distinct on ("Name", "Lineitem sku") *
        from read_csv($glob, header = true, all_varchar = true, ignore_errors = true)
        where "Name" is not null
    """


def _store_orders_sql(table: str, source: Source) -> str:
    order_id = quote_ident(source.columns["order_id"])
    line_id = quote_ident(source.columns["line_id"])
    reader = (
        "read_parquet($glob)" if source.path.endswith(".parquet")
        else "read_csv($glob, header = true, all_varchar = true, ignore_errors = true)"
    )
    return f"""
        create table {table} as
        select distinct on ({order_id}, {line_id}) *
        from {reader}
        where {order_id} is not null and {line_id} is not null
    """


def _load_statement(source: Source) -> tuple[str, dict[str, object]]:
    table = quote_ident(source.name)
    if source.format == SourceFormat.SEGMENT_EVENTS:
        return _events_sql(table), {"columns": _EVENT_COLUMNS}
    if source.format == SourceFormat.SHOPIFY_ORDERS:
        return _shopify_sql(table), {}
    return _store_orders_sql(table, source), {}


def run_reference(clock: StageClock, run: BenchRun, paths: ScratchPaths) -> None:
    """Each event and order source loaded by hand into `paths.reference_warehouse`, one timed stage per source.

    Nothing reads the reference's tables afterwards, so its file is deleted at the end: at 10m it is tens of GB
    that the ingest and dbt stages need on the same disk.
    """
    config = load_sources_config(CONFIG_DIR)
    remove_duckdb_file(paths.reference_warehouse)
    con = duckdb.connect(str(paths.reference_warehouse))
    try:
        con.execute("set TimeZone = 'UTC'")
        for source in config.sources:
            if source.format not in EVENT_AND_ORDER_FORMATS:
                continue
            statement, parameters = _load_statement(source)
            glob = str(Path(paths.landing_dir, source.path))
            with clock.stage(f"reference {source.name}", StageGroup.REFERENCE) as timing:
                con.execute(statement, {"glob": glob, **parameters})
                timing.rows = con.execute(f"select count(*) from {quote_ident(source.name)}").fetchone()[0]
            run.reference_rows[source.name] = timing.rows
    finally:
        con.close()
        remove_duckdb_file(paths.reference_warehouse)
