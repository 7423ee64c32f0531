"""The one warehouse resource every asset writes through."""


from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from connectors.warehouse.duckdb_file import open_warehouse
from orchestration.settings import load_settings

WAREHOUSE_POOL = "warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The embedded DuckDB warehouse file; empty fields mean CDP_WAREHOUSE and CDP_DUCKDB_MEMORY_LIMIT."""

    path: str = ""
    memory_limit: str = ""

    def warehouse_path(self) -> Path:
        return Path(self.path) if self.path else load_settings().warehouse_path

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one asset; every asset that writes takes pool `warehouse`, limited to one."""
        memory_limit = self.memory_limit or load_settings().duckdb_memory_limit
        with open_warehouse(self.warehouse_path(), memory_limit=memory_limit) as con:
            yield con
