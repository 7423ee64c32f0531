"""The one warehouse resource every asset writes through, ingest and dbt alike."""


from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from connectors.warehouse.duckdb_file import open_warehouse
from core.settings import PROJECT_ROOT, load_settings

WAREHOUSE_POOL = "warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The embedded DuckDB warehouse file; empty fields mean CDP_WAREHOUSE and CDP_DUCKDB_MEMORY_LIMIT.

    Ingest connects through it and the dbt assets hand its path and limit to dbt, so both use the one file.
    """

    path: str = ""
    memory_limit: str = ""

    def warehouse_path(self) -> Path:
        """The file, absolute; a relative `path` is from the project root, as CDP_WAREHOUSE's is."""
        if not self.path:
            return load_settings().warehouse_path
        path = Path(self.path)
        return path if path.is_absolute() else PROJECT_ROOT / path

    def duckdb_memory_limit(self) -> str:
        """How much memory DuckDB may take, in ingest and in dbt."""
        return self.memory_limit or load_settings().duckdb_memory_limit

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one asset; every asset that writes takes pool `warehouse`, limited to one."""
        with open_warehouse(self.warehouse_path(), memory_limit=self.duckdb_memory_limit()) as con:
            yield con
