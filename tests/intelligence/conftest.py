"""Fixtures of the intelligence tests: the marts written by hand in the shape of their dbt contracts, and dbt run
over them for the analytics models only.

`stand_in(con, "marts.orders", rows)` creates the table with exactly the columns and types its contract in
dbt_project/models/marts/*.yml declares (a row leaves out what it does not care about: null), so a test of an
analytics model reads what the real mart would hold, and a contract change shows up here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import yaml

from assets.dbt_models.dbt_vars import build_dbt_vars
from core.settings import DBT_PROJECT_DIR, PROJECT_ROOT


def _contract_columns() -> dict[str, dict[str, str]]:
    """`marts.<model>` -> {column: data_type}, from every model file under models/marts."""
    tables: dict[str, dict[str, str]] = {}
    for path in sorted((DBT_PROJECT_DIR / "models" / "marts").glob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            columns = {column["name"]: column["data_type"] for column in model.get("columns", [])
                       if "data_type" in column}
            if columns:
                tables[f"marts.{model['name']}"] = columns
    return tables


MART_COLUMNS = _contract_columns()


def write_stand_in(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict]) -> None:
    """Create `marts.<model>` from its contract and insert `rows`; a column a row leaves out is null, a column the
    contract does not have fails here, naming it."""
    columns = MART_COLUMNS[name]
    unknown = sorted({key for row in rows for key in row} - set(columns))
    if unknown:
        raise KeyError(f"{name} has no column {', '.join(unknown)} in its contract")
    con.execute(f"create schema if not exists {name.split('.')[0]}")
    con.execute(f"create or replace table {name} ({', '.join(f'{c} {t}' for c, t in columns.items())})")
    if rows:
        con.executemany(
            f"insert into {name} values ({', '.join('?' * len(columns))})",
            [[row.get(column) for column in columns] for row in rows],
        )


@pytest.fixture
def stand_in() -> Callable[[duckdb.DuckDBPyConnection, str, list[dict]], None]:
    """`write_stand_in` as a fixture."""
    return write_stand_in


@pytest.fixture
def build_analytics(
    warehouse_path: Path, run_dbt: Callable[..., object]
) -> Callable[..., object]:
    """`dbt build --select <selectors>` over the stand-in marts of `warehouse_path`, with the vars of a config
    folder (config/ unless given): only the selected models run, so the marts are the hand-made ones."""

    def build(*selectors: str, config_dir: Path | None = None) -> object:
        dbt_vars = build_dbt_vars(config_dir or PROJECT_ROOT / "config")
        return run_dbt("build", "--select", *selectors, dbt_vars=dbt_vars)

    return build
