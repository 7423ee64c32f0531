"""Fixtures of the profiles tests: hand-made stand-ins for upstream models, in the shape of their contracts, and
throwaway warehouses that build the core models."""

from collections.abc import Callable

import duckdb
import pytest
from raw_warehouse import Warehouse

from assets.profiles.attributes_config import STANDARD_ATTRIBUTES

# The columns downstream models read, as the upstream models' contracts define them.
STAND_IN_COLUMNS: dict[str, dict[str, str]] = {
    "intermediate.int_profile_records": {
        "record_key": "varchar", "profile_id": "varchar", "source_name": "varchar", "source_label": "varchar",
        "observed_at": "timestamptz", **{name: "varchar" for name in STANDARD_ATTRIBUTES},
        "email_consent": "varchar", "sms_consent": "varchar", "push_consent": "varchar",
        "consent_updated_at": "timestamptz", "custom_properties": "json", "_file": "varchar", "_line": "bigint",
    },
    "marts.events": {
        "event_id": "varchar", "profile_id": "varchar", "metric_name": "varchar", "event_at": "timestamptz",
        "value": "double", "properties": "json", "source_label": "varchar", "source_name": "varchar",
        "_file": "varchar", "_line": "bigint", "_loaded_at": "timestamptz",
    },
    "marts.profile_identities": {
        "profile_id": "varchar", "identifier_type": "varchar", "identifier_value": "varchar",
        "first_seen_at": "timestamptz", "last_seen_at": "timestamptz",
    },
    "intermediate.int_profiles_resolved": {"profile_id": "varchar", "profile_created_at": "timestamptz"},
}


@pytest.fixture
def create_stand_in() -> Callable[[duckdb.DuckDBPyConnection, str, list[dict]], None]:
    """Write `schema.table` (one of STAND_IN_COLUMNS) with these rows; a column a row leaves out is null."""

    def create(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict]) -> None:
        columns = STAND_IN_COLUMNS[name]
        con.execute(f"create schema if not exists {name.split('.')[0]}")
        con.execute(f"create or replace table {name} ({', '.join(f'{c} {t}' for c, t in columns.items())})")
        con.executemany(
            f"insert into {name} values ({', '.join('?' * len(columns))})",
            [[row.get(column) for column in columns] for row in rows],
        )

    return create


@pytest.fixture(scope="session")
def new_warehouse(
    tmp_path_factory: pytest.TempPathFactory, invoke_dbt: Callable[..., object]
) -> Callable[[str], Warehouse]:
    """A new Warehouse in a folder of its own (named after `name`), with its own dbt target, for fixtures of any
    scope; its builds reuse the session's parsed dbt project."""

    def create(name: str) -> Warehouse:
        root = tmp_path_factory.mktemp(name)
        return Warehouse(root / "warehouse.duckdb", root / "target", invoke_dbt)

    return create
