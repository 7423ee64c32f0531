"""Where ingest spends its time: every SQL statement `ingest_source` runs, timed, slowest first.

`python -m bench.ingest_profile <scratch>/<scale> [--source segment_events]` ingests a kept bench landing zone
(`--keep`) into a fresh `profile.duckdb` beside it and prints one line per statement.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assets.ingest.batch_loader import ingest_source
from assets.ingest.raw_tables import create_raw_tables
from assets.ingest.sources_config import load_sources_config
from bench.stages import CONFIG_DIR, remove_duckdb_file
from connectors.warehouse.duckdb_file import open_warehouse


@dataclass
class StatementTiming:
    """One statement as executed, and its wall seconds."""

    sql: str
    wall_s: float


class TimedConnection:
    """A DuckDB connection that records the wall time of every `execute` and `executemany`; all else passes on."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.timings: list[StatementTiming] = []

    def _timed(self, method: str, sql: str, *args: object) -> duckdb.DuckDBPyConnection:
        started = time.perf_counter()
        result = getattr(self._con, method)(sql, *args)
        self.timings.append(StatementTiming(" ".join(sql.split()), time.perf_counter() - started))
        return result

    def execute(self, sql: str, *args: object) -> duckdb.DuckDBPyConnection:
        return self._timed("execute", sql, *args)

    def executemany(self, sql: str, *args: object) -> duckdb.DuckDBPyConnection:
        return self._timed("executemany", sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


def profile_ingest(scale_dir: Path, source_names: list[str] | None) -> dict[str, list[StatementTiming]]:
    """Statement timings per source, ingesting `scale_dir/landing` into a fresh `scale_dir/profile.duckdb`."""
    config = load_sources_config(CONFIG_DIR)
    warehouse = scale_dir / "profile.duckdb"
    remove_duckdb_file(warehouse)
    timings: dict[str, list[StatementTiming]] = {}
    try:
        with open_warehouse(warehouse) as con:
            create_raw_tables(con)
            for source in config.sources:
                if source_names and source.name not in source_names:
                    continue
                timed = TimedConnection(con)
                started = time.perf_counter()
                ingest_source(timed, source, scale_dir / "landing", config)
                outside_sql_s = time.perf_counter() - started - sum(timing.wall_s for timing in timed.timings)
                # Time not spent in a statement: listing and hashing the files, Python between statements.
                timed.timings.append(StatementTiming("(outside SQL: listing, content hashing, Python)", outside_sql_s))
                timings[source.name] = timed.timings
    finally:
        remove_duckdb_file(warehouse)
    return timings


def main() -> None:
    """Print each source's statements, slowest first, with the share of the source's time."""
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_profile", description=__doc__.splitlines()[0])
    parser.add_argument("scale_dir", type=Path, help="a kept bench scratch folder, e.g. bench/scratch/100k")
    parser.add_argument("--source", action="append", help="only this source (repeatable)")
    parser.add_argument("--sql-chars", type=int, default=160, help="how much of each statement to print")
    args = parser.parse_args()
    for source, statements in profile_ingest(args.scale_dir, args.source).items():
        total = sum(statement.wall_s for statement in statements)
        print(f"\n{source}: {total:.2f} s in {len(statements)} statements")
        for statement in sorted(statements, key=lambda timing: timing.wall_s, reverse=True)[:8]:
            print(f"  {statement.wall_s:7.2f} s {statement.wall_s / total:5.1%}  {statement.sql[:args.sql_chars]}")


if __name__ == "__main__":
    main()
