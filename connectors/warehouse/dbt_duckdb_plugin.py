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

from connectors.warehouse.phone_numbers import format_phones, normalize_phones, reader_version

# Below this many values a chunk is parsed in this process: a round trip to the workers costs more than it saves.
PARALLEL_FROM = 256

Pairs = list[tuple[str | None, str | None]]

_pool_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def worker_count() -> int:
    """The cores this process may run on: one phone worker per core."""
    return len(os.sched_getaffinity(0))


def _phone_pool() -> ProcessPoolExecutor:
    """The process's one pool of phone workers, started on first use (spawned: forking a threaded DuckDB is unsafe)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(worker_count(), mp_context=multiprocessing.get_context("spawn"))
        return _pool


def map_in_workers(function: Callable[[Pairs], list[str | None]], pairs: Pairs) -> list[str | None]:
    """`function(pairs)`, with the pairs split across the phone workers when there are enough of them, in order."""
    workers = worker_count()
    if workers < 2 or len(pairs) < PARALLEL_FROM:
        return function(pairs)
    size = -(-len(pairs) // workers)
    chunks = [pairs[start:start + size] for start in range(0, len(pairs), size)]
    return [value for chunk in _phone_pool().map(function, chunks) for value in chunk]


def _arrow_udf(read_pairs: Callable[[Pairs], list[str | None]]) -> Callable[[pa.Array, pa.Array], pa.Array]:
    """A two-argument Arrow UDF that reads each chunk's (first, second) pairs with `read_pairs`, in the workers."""

    def udf(first: pa.Array, second: pa.Array) -> pa.Array:
        pairs = list(zip(first.to_pylist(), second.to_pylist(), strict=True))
        return pa.array(map_in_workers(read_pairs, pairs), pa.string())

    return udf


def register_phone_functions(conn: DuckDBPyConnection) -> None:
    """Create `cdp_normalize_phone(raw, region)`, `cdp_format_phone(e164, style)` and `cdp_phone_reader_version()`
    on one connection."""
    for name, function in (
        ("cdp_normalize_phone", _arrow_udf(normalize_phones)),
        ("cdp_format_phone", _arrow_udf(format_phones)),
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
    conn.create_function("cdp_phone_reader_version", reader_version, [], "VARCHAR", side_effects=False)


class Plugin(BasePlugin):
    """The plugin dbt-duckdb loads by module name; it only adds functions to the connection."""

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        register_phone_functions(conn)
