"""`bench/results/<scale>.md` (and `<scale>.json`): the stage table, the reference ratio, quality and targets."""

from __future__ import annotations

import json
import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import psutil

from bench.measurements import BenchRun, StageGroup, StageTiming
from bench.targets import (
    check_targets,
    intelligence_stages,
    reference_ratio,
    seconds_per_event,
    summary_numbers,
)
from core.settings import load_settings

MIB = 1024**2
_PACKAGES = ("duckdb", "dbt-core", "dbt-duckdb", "dagster", "dagster-dbt")


def _number(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _stage_row(stage: StageTiming) -> str:
    return (
        f"| {stage.name} | {stage.wall_s:.2f} | {stage.peak_rss_bytes / MIB:,.0f} | {_number(stage.rows)} "
        f"| {_number(stage.rows_per_s)} | {stage.status} |"
    )


def _total_row(name: str, stages: list[StageTiming]) -> str:
    wall = sum(stage.wall_s for stage in stages)
    peak = max((stage.peak_rss_bytes for stage in stages), default=0)
    status = "ok" if all(stage.status == "ok" for stage in stages) else "incomplete"
    return f"| **{name}** | **{wall:.2f}** | **{peak / MIB:,.0f}** | | | {status} |"


def stage_table(run: BenchRun) -> list[str]:
    """The markdown table of every stage this run includes, with totals for ingest, dbt, both, and the reference."""
    ingest, dbt = run.stages_in(StageGroup.INGEST), run.stages_in(StageGroup.DBT)
    reference = run.stages_in(StageGroup.REFERENCE)
    lines = ["| stage | wall s | peak RSS MiB | rows | rows/s | status |", "|---|---:|---:|---:|---:|---|"]
    lines += [_stage_row(stage) for stage in run.stages_in(StageGroup.GENERATE)]
    if run.ran(StageGroup.REFERENCE):
        lines += [_stage_row(stage) for stage in reference]
        lines.append(_total_row("hand-written reference total", reference))
    if run.ran(StageGroup.INGEST):
        lines += [_stage_row(stage) for stage in ingest]
        lines.append(_total_row("ingest total", ingest))
    if run.ran(StageGroup.DBT):
        lines += [_stage_row(stage) for stage in dbt]
        lines.append(_total_row("unified profiles (dbt) total", dbt))
    if run.ran(StageGroup.INGEST, StageGroup.DBT):
        lines.append(_total_row("ingest + unified profiles", ingest + dbt))
    if run.ran(StageGroup.INTELLIGENCE):
        intelligence = run.stages_in(StageGroup.INTELLIGENCE)
        lines += [_stage_row(stage) for stage in intelligence]
        lines.append(_total_row("intelligence total (references excluded)", intelligence_stages(run)))
    return lines


def figure_table(run: BenchRun) -> list[str]:
    """Each SQL figure of the intelligence stage: its model's SQL against the hand-written query's, and dbt's time."""
    if not run.figure_ratios:
        return ["No intelligence figures measured in this run."]
    lines = [
        "| figure | dbt model | model SQL s | reference s | ratio | rows model / reference | in dbt's build s |",
        "|---|---|---:|---:|---:|---|---:|",
    ]
    for figure in run.figure_ratios:
        ratio = "-" if figure.ratio is None else f"{figure.ratio:.2f}x"
        lines.append(
            f"| {figure.figure} | `analytics.{figure.model}` | {figure.model_s:.2f} | {figure.reference_s:.2f} "
            f"| {ratio} | {figure.model_rows:,} / {figure.reference_rows:,} | {figure.dbt_s:.2f} |"
        )
    return lines


def _ingest_counts_table(run: BenchRun) -> list[str]:
    lines = [
        "| source | files | read | loaded | duplicates | quarantined | read = loaded + duplicates + quarantined |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, counts in run.ingest_counts.items():
        lines.append(
            f"| {name} | {counts.files_new} | {counts.read:,} | {counts.loaded:,} | {counts.duplicates:,} "
            f"| {counts.quarantined:,} | {'yes' if counts.balances() else 'NO'} |"
        )
    return lines


def _headline_lines(run: BenchRun) -> list[str]:
    ours, reference = run.ours_vs_reference
    ratio = reference_ratio(run)
    per_event = seconds_per_event(run)
    ratio_text = f"{ratio:.2f}x" if ratio is not None else "n/a"
    lines = []
    if run.completed(StageGroup.REFERENCE, StageGroup.INGEST):
        lines.append(
            f"- Ratio to the hand-written DuckDB reference (events + orders ingest): ours {ours:.2f} s / reference "
            f"{reference:.2f} s = **{ratio_text}**"
        )
    events = f"- Events: {run.events_read:,} read"
    if run.ran(StageGroup.INGEST):
        events += f"; {_number(run.events_read / ours if ours else None)} events/s in ingest"
    if run.completed(StageGroup.INGEST, StageGroup.DBT):
        events += (
            f"; {_number(run.events_read / run.pipeline_wall_s if run.pipeline_wall_s else None)} events/s through "
            f"ingest + unified profiles ({_number(per_event * 1e6 if per_event else None, 2)} µs per event)"
        )
    lines.append(events)
    if run.quality is not None:
        detail = f" ({run.quality.detail})" if run.quality.detail else ""
        lines.append(f"- Identity quality: precision **{run.quality.precision:.4f}**, recall "
                     f"**{run.quality.recall:.4f}**{detail}")
    else:
        lines.append(f"- Identity quality: {run.quality_note}")
    if run.identity_run is not None:
        resolved = run.identity_run
        lines.append(
            f"- Identity resolution: {resolved.rounds} rounds ({_number(resolved.jump_steps)} pointer-jump steps), "
            f"{resolved.node_count:,} identifiers, {resolved.edge_count:,} edges, "
            f"{resolved.component_count:,} profiles, {_number(resolved.seconds, 1)} s in the components model; "
            f"guards: {_number(resolved.identifiers_demoted)} identifiers demoted by value limits, "
            f"{_number(resolved.links_cut)} links cut in {_number(resolved.components_split)} components by "
            "profile limits"
        )
        if run.guard_counts:
            lines += ["", "Over-merge guards (`marts.identity_guards`), by guard, identifier and limited type:",
                      "", "| guard | identifier type | limited type | decisions |", "|---|---|---|---:|"]
            lines += [f"| {count.guard} | {count.identifier_type} | {count.limited_type} | {count.decisions:,} |"
                      for count in run.guard_counts]
    else:
        lines.append(f"- Identity resolution: {run.identity_run_note}")
    return lines


def _machine_lines() -> list[str]:
    versions = []
    for package in _PACKAGES:
        try:
            versions.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    memory_gib = psutil.virtual_memory().total / 1024**3
    # The machine may be shared: the load average says whether other work competed with the run.
    load_1, load_5, load_15 = os.getloadavg()
    return [
        f"- Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), {memory_gib:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}; load average when written {load_1:.1f} / {load_5:.1f} / "
        f"{load_15:.1f} (1 / 5 / 15 min)",
        f"- Versions: Python {platform.python_version()}, {', '.join(versions)}",
        f"- DuckDB memory limit of ingest and dbt: {load_settings().duckdb_memory_limit} (`CDP_DUCKDB_MEMORY_LIMIT`); "
        "the reference keeps DuckDB's default (80% of RAM)",
    ]


def _progress_lines(run: BenchRun) -> list[str]:
    if run.finished:
        return []
    last = run.stages[-1].name if run.stages else "none yet"
    return [
        f"- **Partial**: written after each stage, and this run had not finished when it was (last stage recorded: "
        f"{last}). It may still be running, or it was stopped or failed."
    ]


def render_report(run: BenchRun, results_dir: Path) -> str:
    """The whole markdown report for one run."""
    targets = check_targets(run, results_dir)
    lines = [
        f"# Bench: {run.scale} ({run.profiles:,} profiles)",
        "",
        f"- Date: {run.started_at:%Y-%m-%d %H:%M} UTC",
        f"- Command: `{run.command}`",
        f"- Stages: {', '.join(run.stage_groups)}",
        *_progress_lines(run),
        *_machine_lines(),
        "",
        "## Stages",
        "",
        *stage_table(run),
        "",
        "Rows: generate = records written; ingest = records read; dbt staging = raw rows loaded; dbt intermediate = "
        "identifiers in the identity graph; dbt marts = profiles built; reference = rows kept after de-duplication. "
        "Peak RSS is the whole process tree (dbt runs as a child process), sampled every 0.2 s. Each dbt layer is a "
        "separate `dbt build --select <layer>`, so the total carries dbt's fixed start-up cost three times.",
        "",
        *_headline_lines(run),
        "",
        "## Intelligence figures against hand-written DuckDB",
        "",
        "Each figure's model SQL (as dbt compiled it) and a hand-written DuckDB query for the same rows over the "
        "same marts (`bench/intelligence_reference.py`) are each materialized into a temporary table, alternating, "
        "the better of two runs each; the ratio is model / reference. A model that reads other analytics models "
        "(customer_rfm reads rfm_customer_spans and rfm_snapshots, customer_next_product reads "
        "product_repeat_timing) counts their SQL too, as the reference computes everything from the marts. The last "
        "column is the models' execution time in the build (run_results.json): dbt's contract check and DDL, with "
        "two models at a time on two cores.",
        "",
        *figure_table(run),
        "",
        "## Ingest counts",
        "",
        *_ingest_counts_table(run),
        "",
        "## Targets (issues 10 and 22)",
        "",
        "| target | measured | result |",
        "|---|---|---|",
        *(f"| {check.target} | {check.measured} | {check.verdict} |" for check in targets),
        "",
    ]
    return "\n".join(lines)


def write_report(run: BenchRun, results_dir: Path) -> Path:
    """Write `<results_dir>/<name>.md` and `<name>.json` (`BenchRun.report_name`); returns the markdown path."""
    results_dir.mkdir(parents=True, exist_ok=True)
    markdown_path = results_dir / f"{run.report_name}.md"
    markdown_path.write_text(render_report(run, results_dir), encoding="utf-8")
    numbers = summary_numbers(run)
    (results_dir / f"{run.report_name}.json").write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")
    return markdown_path
