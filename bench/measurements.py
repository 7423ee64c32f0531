"""What one bench run measured: a timing per stage, the ingest counts, identity resolution and its quality."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from assets.ingest.batch_loader import IngestCounts
from bench.memory import ProcessTreeRssSampler


class StageGroup(StrEnum):
    """Which total a stage counts toward; also what `--stages` names, listed here in run order."""

    GENERATE = "generate"
    REFERENCE = "reference"
    INGEST = "ingest"
    DBT = "dbt"
    INTELLIGENCE = "intelligence"


ALL_STAGE_GROUPS = tuple(StageGroup)


@dataclass
class StageTiming:
    """One stage: wall seconds, peak RSS of the process tree, rows it took in, and whether it succeeded.

    `is_event_or_order_ingest` marks the stages compared with the hand-written reference (events and orders).
    """

    name: str
    group: StageGroup
    wall_s: float = 0.0
    peak_rss_bytes: int = 0
    rows: int | None = None
    status: str = "ok"
    is_event_or_order_ingest: bool = False

    @property
    def rows_per_s(self) -> float | None:
        """Throughput of a stage that ran and succeeded (none for a failed or reused one)."""
        if self.rows is None or self.wall_s <= 0 or self.status != "ok":
            return None
        return self.rows / self.wall_s


@dataclass
class IdentityResolutionRun:
    """The latest row of `int_identity_resolution_runs`: graph size and rounds of connected components."""

    node_count: int
    edge_count: int
    component_count: int
    rounds: int
    jump_steps: int | None
    seconds: float | None
    identifiers_demoted: int | None = None
    components_split: int | None = None
    links_cut: int | None = None


@dataclass
class GuardCount:
    """How often one over-merge guard acted on one identifier type, for one limited type (`marts.identity_guards`)."""

    guard: str
    identifier_type: str
    limited_type: str
    decisions: int


@dataclass
class IdentityQuality:
    """Identity-resolution precision and recall against the generator's ground truth."""

    precision: float
    recall: float
    detail: str = ""


_DBT_NOT_FINISHED = "not measured yet: the dbt stage has not finished"


@dataclass(frozen=True)
class FigureRatio:
    """One SQL figure of the intelligence stage: its model's compiled SQL against the hand-written query, run the same
    way in the same minutes, and dbt's execution time of the model in the build."""

    figure: str
    model: str
    dbt_s: float
    model_s: float
    reference_s: float
    model_rows: int
    reference_rows: int

    @property
    def ratio(self) -> float | None:
        return self.model_s / self.reference_s if self.reference_s > 0 else None


@dataclass
class BenchRun:
    """Everything one `python -m bench.run` measured, in stage order."""

    scale: str
    profiles: int
    command: str
    started_at: datetime
    stage_groups: tuple[StageGroup, ...] = ALL_STAGE_GROUPS
    stages: list[StageTiming] = field(default_factory=list)
    ingest_counts: dict[str, IngestCounts] = field(default_factory=dict)
    events_read: int = 0
    reference_rows: dict[str, int] = field(default_factory=dict)
    identity_run: IdentityResolutionRun | None = None
    identity_run_note: str = _DBT_NOT_FINISHED
    guard_counts: list[GuardCount] = field(default_factory=list)
    quality: IdentityQuality | None = None
    quality_note: str = _DBT_NOT_FINISHED
    figure_ratios: list[FigureRatio] = field(default_factory=list)
    clv_model_s: float = 0.0
    finished: bool = False

    @property
    def report_name(self) -> str:
        """`<scale>` for a whole run; `<scale>-<groups>` for a run of some stages only (`10m-dbt`)."""
        measured = [group for group in self.stage_groups if group != StageGroup.GENERATE]
        if measured == [group for group in ALL_STAGE_GROUPS if group != StageGroup.GENERATE]:
            return self.scale
        return "-".join([self.scale, *measured])

    def ran(self, *groups: StageGroup) -> bool:
        """Whether this run includes every one of `groups`."""
        return all(group in self.stage_groups for group in groups)

    def completed(self, *groups: StageGroup) -> bool:
        """Whether every one of `groups` is in this run and has run all its stages: the run finished, or a later group
        has started."""
        if not self.ran(*groups):
            return False
        if self.finished:
            return True
        started = {stage.group for stage in self.stages}
        return all(
            any(later in started for later in ALL_STAGE_GROUPS[ALL_STAGE_GROUPS.index(group) + 1:]) for group in groups
        )

    def stages_in(self, group: StageGroup) -> list[StageTiming]:
        return [stage for stage in self.stages if stage.group == group]

    def stage_named(self, name: str) -> StageTiming | None:
        return next((stage for stage in self.stages if stage.name == name), None)

    @property
    def pipeline_wall_s(self) -> float:
        """Ingest plus unified profiles (every dbt stage): the time the issue's targets are about."""
        return sum(stage.wall_s for stage in self.stages if stage.group in (StageGroup.INGEST, StageGroup.DBT))

    @property
    def pipeline_peak_rss_bytes(self) -> int:
        pipeline = [stage for stage in self.stages if stage.group in (StageGroup.INGEST, StageGroup.DBT)]
        return max((stage.peak_rss_bytes for stage in pipeline), default=0)

    @property
    def pipeline_succeeded(self) -> bool:
        """Every ingest and dbt stage of this run succeeded."""
        pipeline = (StageGroup.INGEST, StageGroup.DBT)
        return all(stage.status == "ok" for stage in self.stages if stage.group in pipeline)

    @property
    def ours_vs_reference(self) -> tuple[float, float]:
        """(our event and order ingest seconds, the reference's seconds over the same files)."""
        ours = sum(stage.wall_s for stage in self.stages if stage.is_event_or_order_ingest)
        reference = sum(stage.wall_s for stage in self.stages_in(StageGroup.REFERENCE))
        return ours, reference


class StageClock:
    """Times stages and records each one's peak tree RSS into `run.stages`.

    `on_stage_end` is called after every stage, so a long run can write what it has measured so far.
    """

    def __init__(
        self, run: BenchRun, sampler: ProcessTreeRssSampler, on_stage_end: Callable[[], None] | None = None
    ) -> None:
        self._run = run
        self._sampler = sampler
        self._on_stage_end = on_stage_end

    @contextmanager
    def stage(self, name: str, group: StageGroup, *, is_event_or_order_ingest: bool = False) -> Iterator[StageTiming]:
        """Measure the block; the caller may set `rows` and `status` on the yielded timing."""
        timing = StageTiming(name=name, group=group, is_event_or_order_ingest=is_event_or_order_ingest)
        self._sampler.reset_peak()
        started = time.perf_counter()
        try:
            yield timing
        except BaseException as error:
            timing.status = f"FAILED: {type(error).__name__}: {' '.join(str(error).split())[:200]}"
            raise
        finally:
            timing.wall_s = time.perf_counter() - started
            timing.peak_rss_bytes = self._sampler.peak_bytes
            self._run.stages.append(timing)
            if self._on_stage_end is not None:
                self._on_stage_end()
