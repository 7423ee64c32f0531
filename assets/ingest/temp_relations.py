"""Temporary tables and views of the ingest: dropping them, and a block after which they are dropped, also on error.

Every reader and stager drops what it creates (the caller never needs to know the names): a relation the caller
reads lives as long as the caller's `with` block, and the relations under it are dropped with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

import duckdb

from connectors.warehouse.duckdb_file import quote_ident


def drop_temp_relations(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Drop each temp table or view of these names that exists, in order (DuckDB's DROP must name the right kind,
    and a view must go before the tables under it)."""
    for name in names:
        kinds = con.execute(
            "select table_type from information_schema.tables where table_catalog = 'temp' and table_name = ?",
            [name],
        ).fetchall()
        for (kind,) in kinds:
            con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} if exists temp.main.{quote_ident(name)}")


@contextmanager
def dropped_on_exit(con: duckdb.DuckDBPyConnection, *names: str) -> Iterator[None]:
    """Run the block, then drop the temp relations `names` (views first), whether the block succeeds or fails.

    When a statement failed inside a transaction, DuckDB runs nothing more until the rollback, and the rollback
    discards the relations the transaction created: then nothing is left to drop here, and the block's error is
    the one raised.
    """
    try:
        yield
    except BaseException:
        with suppress(duckdb.TransactionException):
            drop_temp_relations(con, *names)
        raise
    drop_temp_relations(con, *names)
