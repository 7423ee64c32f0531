"""A throwaway warehouse for the profiles tests: raw rows written by hand, and the core dbt models built over them.

Plain helpers, not fixtures: `new_warehouse` in conftest.py makes a Warehouse bound to the session's dbt runner.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from assets.ingest.raw_tables import create_raw_tables
from assets.profiles.identity_config import load_identity_config
from core.settings import PROJECT_ROOT

CORE_MODELS = (
    "path:models/staging path:models/intermediate/identity int_phone_numbers_normalized int_profile_records "
    "events orders order_lines products profile_identities identity_merges identity_guards"
)
DAY = datetime(2026, 1, 1, tzinfo=UTC)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Insert dicts into raw.<table>, filling the lineage columns the tests do not care about."""
    for number, row in enumerate(rows, start=1):
        row = {
            "source_name": table, "source_label": "web", "_file": f"{table}.test", "_line": number,
            "_loaded_at": datetime.now(UTC), **row,
        }
        if table != "events":
            row.setdefault("_row_hash", f"{row['_file']}:{row['_line']}")
        columns = ", ".join(row)
        con.execute(f"insert into raw.{table} ({columns}) values ({', '.join('?' * len(row))})", list(row.values()))


def event(message_id: str, call: str, at: datetime, **fields: object) -> dict:
    row = {"message_id": message_id, "type": call, "event_timestamp": at, "source_name": "segment_events"}
    for key in ("traits", "properties"):
        if key in fields:
            fields[key] = json.dumps(fields[key])
    return {**row, **fields}


def shopify_line(name: str, index: int, at: datetime, **fields: object) -> dict:
    return {
        "name": name, "lineitem_index": index, "source_name": "shopify_orders", "source_label": "shopify",
        "_file": "shopify/orders.csv", "_line": 100 + index + 10 * int(name.strip("#")) % 1000,
        **({"created_at": at} if index == 1 else {}), **fields,
    }


class Warehouse:
    """A throwaway warehouse with the raw tables, and `dbt build` of the core models against it through
    `invoke_dbt` (conftest.py's, which reuses the session's parsed manifest)."""

    def __init__(self, path: Path, target: Path, invoke_dbt: Callable[..., object]) -> None:
        self.path, self.target, self.invoke_dbt = path, target, invoke_dbt
        con = duckdb.connect(str(path))
        create_raw_tables(con)
        con.close()
        self.dbt_vars = {"cdp_identity": load_identity_config(PROJECT_ROOT / "config").as_dbt_var()}

    def insert(self, table: str, rows: list[dict]) -> None:
        con = duckdb.connect(str(self.path))
        try:
            insert_rows(con, table, rows)
        finally:
            con.close()

    def build(self) -> None:
        # Cautious: a test that also reads a model outside these (profile_identities against profiles) is not run here.
        self.invoke_dbt(self.path, self.target, "build", "--select", *CORE_MODELS.split(),
                        "--indirect-selection", "cautious", dbt_vars=self.dbt_vars)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.path))
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def profile_of(self, identifier_type: str, value: str) -> str | None:
        rows = self.query(
            "select profile_id from intermediate.int_identifier_profiles"
            " where identifier_type = ? and identifier_value = ?",
            [identifier_type, value],
        )
        return rows[0][0] if rows else None
