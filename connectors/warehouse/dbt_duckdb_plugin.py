"""dbt-duckdb plugin: registers the scalar UDFs the dbt models call on DuckDB (phone numbers via `phonenumbers`).

Listed under `plugins:` in dbt_project/profiles.yml. Both UDFs are Arrow-vectorized: DuckDB hands over a column
chunk at a time, so Python is entered once per ~2,048 values, and the models call them on distinct values only.
Parsing a phone number is pure Python (~40 µs) and holds the GIL, so a chunk is split across worker processes,
one per core: at 10m profiles that is some 12 million numbers, minutes on one core.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.func import PythonUDFType

from connectors.warehouse.phone_numbers import format_phones, normalize_phones

# Below this many values a chunk is parsed in this process: a round trip to the workers costs more than it saves.
PARALLEL_FROM = 256

Pairs = list[tuple[str | None, str | None]]

_pool_lock = threading.Lock()
_pools: list[ProcessPoolExecutor] = []


def worker_count() -> int:
    """The cores this process may run on: one phone worker per core."""
    return len(os.sched_getaffinity(0))


def _phone_pool() -> ProcessPoolExecutor:
    """The process's one pool of phone workers, started on first use (spawned: forking a threaded DuckDB is unsafe)."""
    with _pool_lock:
        if not _pools:
            _pools.append(ProcessPoolExecutor(worker_count(), mp_context=multiprocessing.get_context("spawn")))
        return _pools[0]


def map_in_workers(function: Callable[[Pairs], list[str | None]], pairs: Pairs) -> list[str | None]:
    """`function(pairs)`, with the pairs split across the phone workers when there are enough of them, in order."""
    workers = worker_count()
    if workers < 2 or len(pairs) < PARALLEL_FROM:
        return function(pairs)
    size = -(-len(pairs) // workers)
    chunks = [pairs[start:start + size] for start in range(0, len(pairs), size)]
    return [value for chunk in _phone_pool().map(function, chunks) for value in chunk]


def _normalize_phone_arrow(raw: pa.Array, region: pa.Array) -> pa.Array:
    pairs = list(zip(raw.to_pylist(), region.to_pylist(), strict=True))
    return pa.array(map_in_workers(normalize_phones, pairs), pa.string())


def _format_phone_arrow(phone: pa.Array, style: pa.Array) -> pa.Array:
    pairs = list(zip(phone.to_pylist(), style.to_pylist(), strict=True))
    return pa.array(map_in_workers(format_phones, pairs), pa.string())


def register_phone_functions(conn: DuckDBPyConnection) -> None:
    """Create `cdp_normalize_phone(raw, region)` and `cdp_format_phone(e164, style)` on one connection."""
    for name, function in (
        ("cdp_normalize_phone", _normalize_phone_arrow),
        ("cdp_format_phone", _format_phone_arrow),
    ):
        conn.create_function(
            name,
            function,
            ["VARCHAR", "VARCHAR"],
            "VARCHAR",
            type=PythonUDFType.ARROW,
            null_handling="special",
            side_effects=False,
        )


class Plugin(BasePlugin):
    """The plugin dbt-duckdb loads by module name; it only adds functions to the connection."""

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        register_phone_functions(conn)
