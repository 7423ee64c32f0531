"""Issue 10's targets, checked against one run: PASS, FAIL, or n/a when a target is about another scale."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bench.intelligence import CLV_STAGE, REFERENCE_STAGE
from bench.measurements import BenchRun, StageGroup, StageTiming

GIB = 1024**3
MAX_REFERENCE_RATIO = 2.0
MIN_PRECISION = 0.99
MIN_RECALL = 0.97
MAX_PER_EVENT_GROWTH = 1.5
# Per scale (profiles): ingest + unified profiles must finish within these seconds and this peak memory.
PIPELINE_LIMITS = {1_000_000: (180.0, 4 * GIB), 10_000_000: (1200.0, 12 * GIB)}
LINEAR_BASE_SCALE, LINEAR_CHECKED_SCALE = "1m", "10m"
# Issue 22, at 1m profiles: CLV (summaries, fits, predictions, back-test) and the whole intelligence group.
INTELLIGENCE_SCALE = 1_000_000
MAX_CLV_S = 60.0
MAX_INTELLIGENCE_S = 180.0
MAX_FIGURE_RATIO = 2.0


@dataclass(frozen=True)
class TargetCheck:
    """One target: what the issue asks, what was measured, and PASS / FAIL / n/a."""

    target: str
    measured: str
    verdict: str


def reference_ratio(run: BenchRun) -> float | None:
    ours, reference = run.ours_vs_reference
    return ours / reference if reference > 0 else None


def seconds_per_event(run: BenchRun) -> float | None:
    return run.pipeline_wall_s / run.events_read if run.events_read else None


def _verdict(passed: bool, *, complete: bool = True) -> str:
    if not complete:
        return "FAIL (a dbt layer failed, so the run is incomplete)"
    return "PASS" if passed else "FAIL"


def _not_in_run(run: BenchRun, *groups: StageGroup) -> str | None:
    """'n/a (...)' when the run lacks a stage group the target needs (or has not finished them), else None."""
    missing = [group.value for group in groups if not run.ran(group)]
    if missing:
        return f"n/a (this run did not include {' and '.join(missing)})"
    if not run.completed(*groups):
        return "n/a (not measured yet: the run has not finished)"
    return None


def _pipeline_checks(run: BenchRun) -> list[TargetCheck]:
    absent = _not_in_run(run, StageGroup.INGEST, StageGroup.DBT)
    if absent is not None:
        return [TargetCheck("ingest + unified profiles: time and peak memory", "-", absent)]
    seconds = run.pipeline_wall_s
    peak_gib = run.pipeline_peak_rss_bytes / GIB
    checks = []
    for profiles, (limit_s, limit_bytes) in PIPELINE_LIMITS.items():
        label = f"{profiles // 1_000_000}m"
        if run.profiles != profiles:
            checks.append(TargetCheck(f"{label}: ingest + unified profiles < {limit_s / 60:.0f} min",
                                      f"{seconds:.1f} s at {run.scale}", f"n/a (target is at {label})"))
            checks.append(TargetCheck(f"{label}: peak memory < {limit_bytes / GIB:.0f} GiB",
                                      f"{peak_gib:.2f} GiB at {run.scale}", f"n/a (target is at {label})"))
            continue
        checks.append(TargetCheck(f"{label}: ingest + unified profiles < {limit_s / 60:.0f} min", f"{seconds:.1f} s",
                                  _verdict(seconds < limit_s, complete=run.pipeline_succeeded)))
        checks.append(TargetCheck(f"{label}: peak memory < {limit_bytes / GIB:.0f} GiB", f"{peak_gib:.2f} GiB",
                                  _verdict(run.pipeline_peak_rss_bytes < limit_bytes, complete=run.pipeline_succeeded)))
    return checks


def _linear_growth_check(run: BenchRun, results_dir: Path) -> TargetCheck:
    target = f"time per event at 10m within {MAX_PER_EVENT_GROWTH}x of 1m"
    if run.scale != LINEAR_CHECKED_SCALE:
        return TargetCheck(target, "-", "n/a (checked by the 10m run)")
    absent = _not_in_run(run, StageGroup.INGEST, StageGroup.DBT)
    if absent is not None:
        return TargetCheck(target, "-", absent)
    base_path = results_dir / f"{LINEAR_BASE_SCALE}.json"
    ours = seconds_per_event(run)
    if not base_path.exists() or ours is None:
        return TargetCheck(target, f"no {base_path.name} to compare with", "FAIL (run 1m first)")
    base = json.loads(base_path.read_text(encoding="utf-8"))["seconds_per_event"]
    growth = ours / base
    return TargetCheck(target, f"{ours * 1e6:.2f} µs vs {base * 1e6:.2f} µs: {growth:.2f}x",
                       _verdict(growth <= MAX_PER_EVENT_GROWTH, complete=run.pipeline_succeeded))


def intelligence_stages(run: BenchRun) -> list[StageTiming]:
    """The stages the intelligence group's time is made of: every intelligence stage but the references."""
    return [stage for stage in run.stages_in(StageGroup.INTELLIGENCE) if stage.name != REFERENCE_STAGE]


def clv_seconds(run: BenchRun) -> float | None:
    """CLV end to end: the summaries' dbt models plus the fits, predictions and back-test."""
    fit = run.stage_named(CLV_STAGE)
    return None if fit is None else run.clv_model_s + fit.wall_s


def _intelligence_checks(run: BenchRun) -> list[TargetCheck]:
    absent = _not_in_run(run, StageGroup.INTELLIGENCE)
    if absent is not None:
        return [TargetCheck("intelligence: CLV, the group, each SQL figure", "-", absent)]
    complete = all(stage.status == "ok" for stage in run.stages_in(StageGroup.INTELLIGENCE))
    at_scale = run.profiles == INTELLIGENCE_SCALE
    scale_note = "" if at_scale else f" at {run.scale}"
    checks = []
    clv = clv_seconds(run)
    total = sum(stage.wall_s for stage in intelligence_stages(run))
    for target, seconds, limit in (
        (f"1m: CLV (summaries, fits, predictions, back-test) < {MAX_CLV_S:.0f} s", clv, MAX_CLV_S),
        (f"1m: the intelligence group < {MAX_INTELLIGENCE_S / 60:.0f} min", total, MAX_INTELLIGENCE_S),
    ):
        measured = "-" if seconds is None else f"{seconds:.1f} s{scale_note}"
        verdict = _verdict(seconds is not None and seconds < limit, complete=complete) if at_scale else \
            "n/a (target is at 1m)"
        checks.append(TargetCheck(target, measured, verdict))
    ratios = [figure.ratio for figure in run.figure_ratios if figure.ratio is not None]
    worst = max(run.figure_ratios, key=lambda figure: figure.ratio or 0.0, default=None)
    checks.append(TargetCheck(
        f"each SQL figure <= {MAX_FIGURE_RATIO:.0f}x its hand-written DuckDB query",
        "-" if worst is None else f"worst {worst.ratio:.2f}x ({worst.model}), {len(ratios)} figures",
        _verdict(bool(ratios) and max(ratios) <= MAX_FIGURE_RATIO, complete=complete),
    ))
    return checks


def check_targets(run: BenchRun, results_dir: Path) -> list[TargetCheck]:
    """Every target of issue 10 for this run, in the issue's order."""
    checks = _pipeline_checks(run)
    ratio = reference_ratio(run)
    ratio_target = f"ingest (events + orders) <= {MAX_REFERENCE_RATIO:.0f}x the hand-written reference"
    absent = _not_in_run(run, StageGroup.REFERENCE, StageGroup.INGEST)
    if absent is not None:
        checks.append(TargetCheck(ratio_target, "-", absent))
    else:
        checks.append(TargetCheck(ratio_target, f"{ratio:.2f}x" if ratio is not None else "no reference time",
                                  _verdict(ratio is not None and ratio <= MAX_REFERENCE_RATIO)))
    checks.append(_linear_growth_check(run, results_dir))
    quality_target = f"identity precision >= {MIN_PRECISION} and recall >= {MIN_RECALL} (issue: at 1m)"
    absent = _not_in_run(run, StageGroup.DBT)
    if absent is not None:
        checks.append(TargetCheck(quality_target, "-", absent))
    elif run.quality is None:
        checks.append(TargetCheck(quality_target, run.quality_note, "FAIL (not measured)"))
    else:
        checks.append(TargetCheck(
            quality_target, f"precision {run.quality.precision:.4f}, recall {run.quality.recall:.4f}",
            _verdict(run.quality.precision >= MIN_PRECISION and run.quality.recall >= MIN_RECALL),
        ))
    return checks + _intelligence_checks(run)


def summary_numbers(run: BenchRun) -> dict[str, object]:
    """The headline numbers as JSON-ready values (`<scale>.json`), so a later scale can compare with this one."""
    return {
        "scale": run.scale,
        "profiles": run.profiles,
        "started_at": run.started_at.isoformat(),
        "stages": [group.value for group in run.stage_groups],
        "finished": run.finished,
        "events_read": run.events_read,
        "pipeline_wall_s": run.pipeline_wall_s,
        "pipeline_peak_rss_bytes": run.pipeline_peak_rss_bytes,
        "pipeline_succeeded": run.pipeline_succeeded,
        "seconds_per_event": seconds_per_event(run),
        "reference_ratio": reference_ratio(run),
        "precision": run.quality.precision if run.quality else None,
        "recall": run.quality.recall if run.quality else None,
        "identity_rounds": run.identity_run.rounds if run.identity_run else None,
        "clv_s": clv_seconds(run),
        "figure_ratios": {figure.model: figure.ratio for figure in run.figure_ratios},
    }
