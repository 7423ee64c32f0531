"""`python -m bench.run --scale 100k|1m|10m|20k [--workdir bench/scratch] [--keep]`: the scale benchmark (issue 10).

Generates the demo store, ingests it and builds the dbt profile models through the nightly run's code paths, times
the hand-written DuckDB reference over the same files, and writes `bench/results/<scale>.md`.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench.identity import measure_quality, read_identity_run
from bench.measurements import BenchRun, StageClock
from bench.memory import ProcessTreeRssSampler
from bench.reference import run_reference
from bench.report import render_report, write_report
from bench.stages import ScratchPaths, run_dbt, run_generate, run_ingest
from orchestration.settings import PROJECT_ROOT

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


def run_bench(
    scale: str, workdir: Path, results_dir: Path, *, keep: bool, command: str, reuse: bool = False
) -> tuple[BenchRun, Path]:
    """Run every stage at `scale` under `workdir/<scale>/`, write the report into `results_dir`, return both.

    The scratch folder is deleted afterwards unless `keep`; with `reuse`, a store already generated there is used.
    """
    run = BenchRun(scale=scale, profiles=parse_scale(scale), command=command, started_at=datetime.now(UTC))
    paths = ScratchPaths(workdir.resolve() / scale)
    paths.root.mkdir(parents=True, exist_ok=True)
    try:
        with ProcessTreeRssSampler() as sampler:
            clock = StageClock(run, sampler)
            run_generate(clock, run, paths, reuse=reuse)
            run_ingest(clock, run, paths)
            run_dbt(clock, run, paths)
            run_reference(clock, run, paths)
        read_identity_run(run, paths.warehouse)
        measure_quality(run, paths.warehouse, paths.identities_csv, paths.orders_csv)
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
        help="use the store a kept run (or `python -m connectors.sources.demo_store --seed 7`) left in the scratch "
        "folder for this scale, instead of generating it again",
    )
    args = parser.parse_args(argv)
    try:
        parse_scale(args.scale)
    except ValueError as error:
        parser.error(str(error))
    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    run, report_path = run_bench(
        args.scale, args.workdir, args.results_dir, keep=args.keep, command=command, reuse=args.reuse
    )
    print(render_report(run, args.results_dir))
    print(f"written to {report_path}")


if __name__ == "__main__":
    main()
