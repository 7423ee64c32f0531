"""Typing text columns in SQL: a cast per column, and the first reason a record cannot be typed.

A value that is present but does not cast is never silently nulled: the record is quarantined with the column name,
the expected type and the value.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.warehouse.duckdb_file import quote_ident, quote_text

# Shopify writes `2026-03-07 09:50:26 +0100`, which the timestamptz cast rejects (FACTS.md); ISO-8601 casts directly.
_TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z")

_EXPECTED = {
    "varchar": "text",
    "integer": "a whole number",
    "bigint": "a whole number",
    "decimal(18, 2)": "a number",
    "timestamptz": "a timestamp (ISO-8601 or 'YYYY-MM-DD HH:MM:SS +HHMM')",
}


_WHOLE_NUMBER_TYPES = ("integer", "bigint")


@dataclass(frozen=True)
class TypedColumn:
    """A target column, the file column it comes from, its SQL type, and whether a value is required."""

    name: str
    source: str
    sql_type: str = "varchar"
    required: bool = False


def cast_expression(sql_type: str, value_sql: str) -> str:
    """SQL that casts a text expression to `sql_type`, NULL when it does not cast."""
    if sql_type == "varchar":
        return value_sql
    trimmed = f"nullif(trim({value_sql}), '')"
    if sql_type == "timestamptz":
        parsers = [f"try_cast({trimmed} as timestamptz)"]
        parsers += [f"try_strptime({trimmed}, {quote_text(fmt)})" for fmt in _TIMESTAMP_FORMATS]
        return f"coalesce({', '.join(parsers)})"
    if sql_type not in _EXPECTED:
        raise ValueError(f"unsupported column type {sql_type!r}")
    if sql_type in _WHOLE_NUMBER_TYPES:
        # DuckDB's cast rounds '1.5' to 2 and reads '0x10' or '1e3': a whole number is digits, as written (a
        # Parquet float column's '2.0' included).
        whole = f"regexp_full_match({trimmed}, '[+-]?[0-9]+(\\.0*)?')"
        return f"case when {whole} then try_cast({trimmed} as {sql_type}) end"
    return f"try_cast({trimmed} as {sql_type})"


def casts(columns: list[TypedColumn]) -> str:
    """`<cast> as <name>` for every column, comma-separated."""
    return ",\n".join(
        f"{cast_expression(column.sql_type, quote_ident(column.source))} as {quote_ident(column.name)}"
        for column in columns
    )


def reason_whens(columns: list[TypedColumn]) -> list[str]:
    """`when ... then '<reason>'` branches: required values missing, then values that do not cast."""
    whens = []
    for column in columns:
        source = quote_ident(column.source)
        if column.required:
            whens.append(
                f"when nullif(trim({source}), '') is null "
                f"then {quote_text(f'{column.source}: missing required value')}"
            )
    for column in columns:
        if column.sql_type == "varchar":
            continue
        source = quote_ident(column.source)
        message = f"{column.source}: expected {_EXPECTED[column.sql_type]}, got "
        whens.append(
            f"when nullif(trim({source}), '') is not null and {cast_expression(column.sql_type, source)} is null "
            f"then {quote_text(message)} || '''' || {source} || ''''"
        )
    return whens
