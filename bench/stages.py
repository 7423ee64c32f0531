"""Our pipeline's stages, through the code paths the nightly run uses: generate, ingest per source, dbt per layer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from assets.dbt_models.bridge import dbt_executable
from assets.dbt_models.dbt_vars import build_dbt_vars
from assets.dbt_models.invocation import dbt_invocation
from assets.ingest.batch_loader import IngestCounts, ingest_source
from assets.ingest.raw_tables import create_raw_tables
from assets.ingest.sources_config import Source, SourceFormat, load_sources_config
from bench.measurements import BenchRun, StageClock, StageGroup
from connectors.warehouse.duckdb_file import open_warehouse, qualified, table_exists
from core.settings import DBT_PROJECT_DIR, PROJECT_ROOT, load_settings
from demo_store import generate_store

CONFIG_DIR = PROJECT_ROOT / "config"
EVENT_AND_ORDER_FORMATS = (SourceFormat.SEGMENT_EVENTS, SourceFormat.SHOPIFY_ORDERS, SourceFormat.STORE_ORDERS)
# The dbt layers in run order, each one `dbt build --select <layer>`, so each is timed on its own.
IDENTITY_STAGE = "dbt intermediate (identity resolution, attributes)"
MARTS_STAGE = "dbt marts"
DBT_LAYERS = (("dbt staging", "staging"), (IDENTITY_STAGE, "intermediate"), (MARTS_STAGE, "marts"))


@dataclass(frozen=True)
class ScratchPaths:
    """Where one scale's run keeps its files: `<workdir>/<scale>/`."""

    root: Path

    @property
    def landing_dir(self) -> Path:
        return self.root / "landing"

    @property
    def identities_csv(self) -> Path:
        return self.root / "ground_truth" / "identities.csv.gz"

    @property
    def orders_csv(self) -> Path:
        return self.root / "ground_truth" / "orders.csv.gz"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def reference_warehouse(self) -> Path:
        return self.root / "reference.duckdb"

    @property
    def dbt_target_dir(self) -> Path:
        return self.root / "dbt_target"


def remove_duckdb_file(path: Path) -> None:
    """Delete a DuckDB file and its write-ahead log, so the next stage starts from an empty warehouse."""
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)


BENCH_SEED = 7


def _generated_records(paths: ScratchPaths, profiles: int) -> int | None:
    """Records of a store already generated in `paths.root` for these profiles and the bench seed, else None."""
    summary_path = paths.root / "ground_truth" / "summary.json"
    if not summary_path.exists():
        return None
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    if summary.get("persons") != profiles or summary.get("seed") != BENCH_SEED:
        return None
    return sum(kind["records"] for kind in summary["kinds"].values())


def record_ingest_counts(run: BenchRun, source: Source, counts: IngestCounts) -> None:
    """One source's ingest counts into the run; a Segment source's reads are also the run's events."""
    run.ingest_counts[source.name] = counts
    if source.format == SourceFormat.SEGMENT_EVENTS:
        run.events_read += counts.read


class BenchSetupError(Exception):
    """A run of some stages lacks what an earlier run should have left in the scratch folder."""


def require_generated_store(paths: ScratchPaths, profiles: int) -> None:
    """For a run without the generate stage: the store must already be in `paths.root`, for these profiles."""
    if _generated_records(paths, profiles) is None:
        raise BenchSetupError(
            f"no store of {profiles:,} profiles (seed {BENCH_SEED}) in {paths.root}: include the generate stage, or "
            f"generate it with `python -m demo_store --out {paths.root} --profiles {profiles} "
            f"--seed {BENCH_SEED}`"
        )


def read_ingest_counts(run: BenchRun, paths: ScratchPaths) -> None:
    """For a run of dbt without ingest: what the kept warehouse's ingest loaded, from `raw.ingested_files`."""
    if not paths.warehouse.exists():
        raise BenchSetupError(f"no warehouse at {paths.warehouse}: run the ingest stage first, with --keep")
    with open_warehouse(paths.warehouse) as con:
        rows = [] if not table_exists(con, "raw", "ingested_files") else con.execute(
            "select source_name, count(*), sum(rows_read), sum(rows_loaded), sum(rows_duplicate), "
            "sum(rows_quarantined) from raw.ingested_files group by source_name"
        ).fetchall()
    if not rows:
        raise BenchSetupError(
            f"{paths.warehouse} holds no ingest (raw.ingested_files is missing or empty): run the ingest stage first, "
            "with --keep"
        )
    loaded = {name: IngestCounts(files, 0, read, loaded, duplicates, quarantined)
              for name, files, read, loaded, duplicates, quarantined in rows}
    for source in load_sources_config(CONFIG_DIR).sources:
        if source.name in loaded:
            record_ingest_counts(run, source, loaded[source.name])


def drop_dbt_schemas(paths: ScratchPaths) -> None:
    """Drop what an earlier dbt run built (each layer's schema is named as its selector), keeping the raw tables.

    A run of dbt alone then builds from scratch like a whole run does: the incremental phone table, for one, would
    otherwise only normalize numbers it has not seen, and the run would time less work than the nightly first build.
    """
    with open_warehouse(paths.warehouse) as con:
        for _, schema in DBT_LAYERS:
            con.execute(f"drop schema if exists {schema} cascade")


def run_generate(clock: StageClock, run: BenchRun, paths: ScratchPaths, *, reuse: bool = False) -> None:
    """The demo store at `run.profiles` persons into `paths.root` (landing zone plus ground truth).

    With `reuse`, a store a kept run (or the generator's CLI) already wrote there for the same profiles and seed is
    used as it is, and the stage says so instead of timing a generation.
    """
    existing = _generated_records(paths, run.profiles) if reuse else None
    with clock.stage("generate", StageGroup.GENERATE) as timing:
        if existing is not None:
            timing.rows = existing
            timing.status = "reused (generated before this run)"
            return
        summary = generate_store(paths.root, run.profiles, seed=BENCH_SEED)
        timing.rows = sum(counts.records for counts in summary.kinds.values())


def run_ingest(clock: StageClock, run: BenchRun, paths: ScratchPaths) -> None:
    """Every configured source through `ingest_source` into a fresh warehouse, one timed stage per source."""
    config = load_sources_config(CONFIG_DIR)
    remove_duckdb_file(paths.warehouse)
    with open_warehouse(paths.warehouse, memory_limit=load_settings().duckdb_memory_limit) as con:
        create_raw_tables(con)
        for source in config.sources:
            is_compared = source.format in EVENT_AND_ORDER_FORMATS
            stage = clock.stage(f"ingest {source.name}", StageGroup.INGEST, is_event_or_order_ingest=is_compared)
            with stage as timing:
                counts = ingest_source(con, source, paths.landing_dir, config)
                timing.rows = counts.read
            record_ingest_counts(run, source, counts)


def _dbt_failure_summary(target_dir: Path, log_path: Path, returncode: int) -> str:
    """One line naming what failed in a dbt invocation, from its run_results.json (or its log when there is none)."""
    results_path = target_dir / "run_results.json"
    if not results_path.exists():
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        return f"FAILED (exit {returncode}, no run_results.json): {' | '.join(tail)}; log: {log_path}"
    results = json.loads(results_path.read_text(encoding="utf-8"))["results"]
    failed = [result for result in results if result["status"] in ("error", "fail", "runtime error")]
    skipped = sum(1 for result in results if result["status"] == "skipped")
    named = "; ".join(
        f"{result['unique_id']}: {' '.join((result.get('message') or '').split())[:160]}" for result in failed[:3]
    )
    return f"FAILED: {len(failed)} failed, {skipped} skipped ({named}); log: {log_path}"


def run_dbt_layer(selector: str, paths: ScratchPaths, dbt_vars: dict) -> str:
    """`dbt build --select <selector>` as the nightly run calls it; 'ok' or a one-line failure summary.

    Arguments and environment come from `dbt_invocation`, as the Dagster dbt assets' do, with the warehouse and
    memory limit of the bench's ingest. dbt writes its target and logs under the scratch folder, so a bench never
    touches `dbt_project/target`.
    """
    log_path = paths.root / f"dbt_{selector}.log"
    invocation = dbt_invocation(
        "build",
        warehouse_path=paths.warehouse.resolve(),
        memory_limit=load_settings().duckdb_memory_limit,
        dbt_vars=dbt_vars,
        select=(selector,),
    )
    command = [
        dbt_executable(), *invocation.args,
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(paths.dbt_target_dir), "--log-path", str(paths.root / "dbt_logs"),
    ]
    env = {**os.environ, **invocation.env}
    with log_path.open("w", encoding="utf-8") as log:
        completed = subprocess.run(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False
        )
    if completed.returncode == 0:
        return "ok"
    return _dbt_failure_summary(paths.dbt_target_dir, log_path, completed.returncode)


def _count_rows(paths: ScratchPaths, schema: str, table: str) -> int | None:
    """Rows in `schema.table` of the warehouse, or None when dbt has not built it."""
    with open_warehouse(paths.warehouse) as con:
        if not table_exists(con, schema, table):
            return None
        return con.execute(f"select count(*) from {qualified(schema, table)}").fetchone()[0]


def run_dbt(clock: StageClock, run: BenchRun, paths: ScratchPaths) -> None:
    """The dbt layers in order, each timed; a failing layer is recorded with what failed, and the next still runs."""
    dbt_vars = build_dbt_vars(CONFIG_DIR)
    shutil.rmtree(paths.dbt_target_dir, ignore_errors=True)
    for stage_name, selector in DBT_LAYERS:
        with clock.stage(stage_name, StageGroup.DBT) as timing:
            timing.status = run_dbt_layer(selector, paths, dbt_vars)
        # Rows each layer took in: staging reads the raw rows loaded; marts are measured by the profiles they made.
        if selector == "staging":
            timing.rows = sum(counts.loaded for counts in run.ingest_counts.values())
        elif selector == "marts":
            timing.rows = _count_rows(paths, "marts", "profiles")
