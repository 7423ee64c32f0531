"""`python -m bench.run --scale 100k|1m|10m|20k [--workdir bench/scratch] [--keep]`: the scale benchmark (issue 10).

Generates the demo store, times the hand-written DuckDB reference over its files, ingests it, builds the dbt
profile models and then the intelligence tables (each SQL figure beside a hand-written query) through the nightly
run's code paths, and writes `bench/results/<scale>.md`, again after every stage,
so a run that is stopped still leaves what it measured. `--stages` runs some stages only (a 10m run in two parts:
`--stages generate,reference,ingest --keep`, then `--stages dbt`), reported in `<scale>-<stages>.md`.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench.identity import measure_quality, read_identity_run
from bench.intelligence import run_intelligence
from bench.measurements import ALL_STAGE_GROUPS, BenchRun, StageClock, StageGroup
from bench.memory import ProcessTreeRssSampler
from bench.reference import run_reference
from bench.report import render_report, write_report
from bench.stages import (
    BenchSetupError,
    ScratchPaths,
    drop_dbt_schemas,
    read_ingest_counts,
    require_generated_store,
    run_dbt,
    run_generate,
    run_ingest,
)
from core.settings import PROJECT_ROOT

RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
DEFAULT_WORKDIR = PROJECT_ROOT / "bench" / "scratch"
_SCALE_PATTERN = re.compile(r"^(\d+)([km]?)$")
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000}


def parse_scale(scale: str) -> int:
    """Profiles for a scale label: `20k` -> 20,000; `1m` -> 1,000,000; a plain number as is."""
    match = _SCALE_PATTERN.match(scale.strip().lower())
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"--scale: expected a positive count such as 20k, 100k, 1m or 10m, got {scale!r}")
    return int(match.group(1)) * _MULTIPLIERS[match.group(2)]


def parse_stages(text: str) -> tuple[StageGroup, ...]:
    """`--stages generate,ingest` -> the stage groups in run order; every name must be a stage group."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    known = [group.value for group in ALL_STAGE_GROUPS]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise ValueError(f"--stages: expected a comma-separated list of {', '.join(known)}, got {text!r}")
    return tuple(group for group in ALL_STAGE_GROUPS if group.value in names)


def run_bench(
    scale: str,
    workdir: Path,
    results_dir: Path,
    *,
    keep: bool,
    command: str,
    reuse: bool = False,
    stage_groups: tuple[StageGroup, ...] = ALL_STAGE_GROUPS,
) -> tuple[BenchRun, Path]:
    """Run `stage_groups` at `scale` under `workdir/<scale>/`, write the report into `results_dir`, return both.

    The report is also written after each stage. The scratch folder is deleted afterwards unless `keep`; with
    `reuse`, a store already generated there is used. Without the generate stage, the store must be there already;
    dbt without ingest builds on the warehouse a kept ingest left.
    """
    run = BenchRun(
        scale=scale, profiles=parse_scale(scale), command=command, started_at=datetime.now(UTC),
        stage_groups=stage_groups,
    )
    paths = ScratchPaths(workdir.resolve() / scale)
    paths.root.mkdir(parents=True, exist_ok=True)
    try:
        if not run.ran(StageGroup.GENERATE):
            require_generated_store(paths, run.profiles)
        if run.ran(StageGroup.DBT) and not run.ran(StageGroup.INGEST):
            read_ingest_counts(run, paths)
            drop_dbt_schemas(paths)
        with ProcessTreeRssSampler() as sampler:
            clock = StageClock(run, sampler, on_stage_end=lambda: write_report(run, results_dir))
            if run.ran(StageGroup.GENERATE):
                run_generate(clock, run, paths, reuse=reuse)
            if run.ran(StageGroup.REFERENCE):
                run_reference(clock, run, paths)
            if run.ran(StageGroup.INGEST):
                run_ingest(clock, run, paths)
            if run.ran(StageGroup.DBT):
                run_dbt(clock, run, paths)
            if run.ran(StageGroup.INTELLIGENCE):
                run_intelligence(clock, run, paths)
        if run.ran(StageGroup.DBT):
            read_identity_run(run, paths.warehouse)
            measure_quality(run, paths.warehouse, paths.identities_csv, paths.orders_csv)
        else:
            run.identity_run_note = run.quality_note = "not measured: this run did not include the dbt stage"
        run.finished = True
        report_path = write_report(run, results_dir)
    finally:
        if not keep:
            shutil.rmtree(paths.root, ignore_errors=True)
    return run, report_path


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, run the bench, print the report."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", required=True, help="profiles: 20k, 100k, 1m, 10m (or any count like 250k)")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="scratch folder (default bench/scratch)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where <scale>.md goes")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and warehouses afterwards")
    parser.add_argument(
        "--reuse", action="store_true",
        help="use the store a kept run (or `python -m demo_store --seed 7`) left in the scratch "
        "folder for this scale, instead of generating it again",
    )
    parser.add_argument(
        "--stages", default=",".join(ALL_STAGE_GROUPS),
        help="comma-separated stages to run, in this order: generate, reference, ingest, dbt, intelligence "
        "(default: all)",
    )
    args = parser.parse_args(argv)
    try:
        parse_scale(args.scale)
        stage_groups = parse_stages(args.stages)
    except ValueError as error:
        parser.error(str(error))
    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    try:
        run, report_path = run_bench(
            args.scale, args.workdir, args.results_dir, keep=args.keep, command=command, reuse=args.reuse,
            stage_groups=stage_groups,
        )
    except BenchSetupError as error:
        parser.error(str(error))
    print(render_report(run, args.results_dir))
    print(f"written to {report_path}")


if __name__ == "__main__":
    main()
