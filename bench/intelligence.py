"""The intelligence stage of the bench: the analytics dbt models, the CLV fit and the segments through the code the
nightly run uses, then a hand-written DuckDB query for each SQL figure over the same marts.

Each SQL figure is reported as the ratio of its dbt model's execution time (dbt's run_results.json, so dbt's fixed
start-up cost is not counted against a model) to the reference's time in the same run, on the same warehouse.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

from assets.dbt_models.dbt_vars import build_dbt_vars
from assets.intelligence.catalog_config import load_catalog_config
from assets.intelligence.clv_config import load_clv_config
from assets.intelligence.clv_tables import build_clv_tables
from assets.intelligence.rfm_config import load_rfm_config
from assets.intelligence.segments.membership import refresh_segments
from assets.intelligence.segments.segments_config import load_segments_config
from bench.intelligence_reference import FigureReference, catalog_references, clv_references, rfm_reference
from bench.measurements import BenchRun, FigureRatio, StageClock, StageGroup
from bench.stages import CONFIG_DIR, ScratchPaths, run_dbt_layer
from connectors.warehouse.duckdb_file import open_warehouse

ANALYTICS_STAGE = "dbt analytics (CLV summaries, RFM, catalog)"
CLV_STAGE = "CLV fits, predictions and back-test"
SEGMENTS_STAGE = "segments and lists"
REFERENCE_STAGE = "hand-written references of the analytics figures"


def model_seconds(paths: ScratchPaths) -> dict[str, float]:
    """Execution seconds of each model of the last dbt build in the scratch target, by model name."""
    results_path = paths.dbt_target_dir / "run_results.json"
    if not results_path.exists():
        return {}
    results = json.loads(results_path.read_text(encoding="utf-8"))["results"]
    return {
        result["unique_id"].split(".")[-1]: result["execution_time"]
        for result in results
        if result["unique_id"].startswith("model.") and result["status"] == "success"
    }


def _references() -> list[FigureReference]:
    return [
        *clv_references(load_clv_config(CONFIG_DIR)),
        *rfm_reference(load_rfm_config(CONFIG_DIR)),
        *catalog_references(load_catalog_config(CONFIG_DIR)),
    ]


def _time_references(paths: ScratchPaths, references: list[FigureReference]) -> dict[str, tuple[float, int]]:
    """Seconds and rows of each reference, each materialized into a temporary table as a model is."""
    measured = {}
    with open_warehouse(paths.warehouse) as con:
        for reference in references:
            started = time.perf_counter()
            con.execute(f"create or replace temp table bench_reference as {reference.sql}")
            seconds = time.perf_counter() - started
            measured[reference.model] = (seconds, con.execute("select count(*) from bench_reference").fetchone()[0])
            con.execute("drop table bench_reference")
    return measured


def _model_rows(paths: ScratchPaths, models: list[str]) -> dict[str, int]:
    with open_warehouse(paths.warehouse) as con:
        return {model: con.execute(f"select count(*) from analytics.{model}").fetchone()[0] for model in models}


def run_intelligence(clock: StageClock, run: BenchRun, paths: ScratchPaths) -> None:
    """The analytics models, CLV and segments, each timed; then the references, and a ratio per SQL figure."""
    with clock.stage(ANALYTICS_STAGE, StageGroup.INTELLIGENCE) as timing:
        timing.status = run_dbt_layer("analytics", paths, build_dbt_vars(CONFIG_DIR))
    seconds = model_seconds(paths)
    with clock.stage(CLV_STAGE, StageGroup.INTELLIGENCE) as timing, open_warehouse(paths.warehouse) as con:
        clv = build_clv_tables(con, load_clv_config(CONFIG_DIR))
        timing.rows = int(clv.model["customers"])
    with clock.stage(SEGMENTS_STAGE, StageGroup.INTELLIGENCE) as timing, open_warehouse(paths.warehouse) as con:
        segments = refresh_segments(con, load_segments_config(CONFIG_DIR), CONFIG_DIR, datetime.now(UTC))
        timing.rows = sum(segments.members.values())
    references = [reference for reference in _references() if reference.model in seconds]
    with clock.stage(REFERENCE_STAGE, StageGroup.INTELLIGENCE):
        measured = _time_references(paths, references)
    rows = _model_rows(paths, [reference.model for reference in references])
    run.figure_ratios = [
        FigureRatio(
            figure=reference.figure, model=reference.model, model_s=seconds[reference.model],
            reference_s=measured[reference.model][0], model_rows=rows[reference.model],
            reference_rows=measured[reference.model][1],
        )
        for reference in references
    ]
    run.clv_model_s = sum(seconds.get(model, 0.0) for model in ("clv_customer_summaries", "clv_backtest_summaries"))
