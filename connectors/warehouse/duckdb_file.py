"""The embedded DuckDB warehouse: opening it the same way everywhere, quoting identifiers, finding tables."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

_SAFE_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote_ident(name: str) -> str:
    """Quote one SQL identifier; the only way identifiers built from config reach SQL."""
    if not name or "\x00" in name:
        raise ValueError(f"invalid SQL identifier: {name!r}")
    if _SAFE_IDENTIFIER.match(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, table: str) -> str:
    """`schema.table`, each part quoted."""
    return f"{quote_ident(schema)}.{quote_ident(table)}"


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether `schema.table` is a table or view of the warehouse."""
    return con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()[0] > 0


@contextmanager
def open_warehouse(path: Path, *, memory_limit: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse file (created if missing) with settings that keep results in file order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        # Line numbers are derived from scan order, so insertion order must be preserved (DuckDB's default).
        con.execute("set preserve_insertion_order = true")
        # Timestamps without an offset are read as UTC, never as the machine's local time.
        con.execute("set TimeZone = 'UTC'")
        # Nothing is fetched from the network at run time.
        con.execute("set autoinstall_known_extensions = false")
        con.execute("set autoload_known_extensions = true")
        if memory_limit:
            con.execute("set memory_limit = ?", [memory_limit])
        yield con
    finally:
        con.close()


def quote_text(text: str) -> str:
    """A SQL string literal for names taken from config or file headers (messages, struct keys).

    Record values never pass through here: they reach SQL only as parameters or as column references.
    """
    if "\x00" in text:
        raise ValueError(f"invalid text for SQL: {text!r}")
    return "'" + text.replace("'", "''") + "'"
