"""The intelligence stage of the bench: the analytics dbt models, the CLV fit and the segments through the code the
nightly run uses, then a hand-written DuckDB query for each SQL figure over the same marts.

Each SQL figure is reported as the ratio of its model's compiled SQL to the reference, both run the same way on the
same warehouse in the same minutes (materialized into a temporary table, the better of two runs each, alternating), so
the ratio compares the SQL and nothing else; dbt's own execution time of the model (run_results.json) is reported
beside it, with what dbt adds per model (contract checks, DDL, two models at a time on two cores).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import duckdb

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
REFERENCE_STAGE = "analytics figures side by side with hand-written references"


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


TIMED_RUNS = 2


def compiled_sql(paths: ScratchPaths, model: str) -> str:
    """The SQL dbt ran for an analytics model, as compiled into the scratch target."""
    [path] = (paths.dbt_target_dir / "compiled" / "cdp" / "models" / "analytics").glob(f"*/{model}.sql")
    return path.read_text(encoding="utf-8")


def _time_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[float, int]:
    """Seconds to materialize `sql` into a temporary table, and its rows."""
    started = time.perf_counter()
    con.execute(f"create or replace temp table bench_figure as {sql}")
    seconds = time.perf_counter() - started
    rows = con.execute("select count(*) from bench_figure").fetchone()[0]
    con.execute("drop table bench_figure")
    return seconds, rows


def time_side_by_side(
    paths: ScratchPaths, references: list[FigureReference]
) -> dict[str, tuple[float, int, float, int]]:
    """Per figure: (the seconds of its models' compiled SQL, upstream analytics models included, and the figure's
    rows; the reference's seconds and rows), the best of TIMED_RUNS runs of each, model and reference alternating."""
    measured = {}
    with open_warehouse(paths.warehouse) as con:
        for reference in references:
            ours_sql = [compiled_sql(paths, model) for model in reference.models]
            ours, theirs = [], []
            for _ in range(TIMED_RUNS):
                runs = [_time_query(con, sql) for sql in ours_sql]
                ours.append((sum(seconds for seconds, _ in runs), runs[-1][1]))
                theirs.append(_time_query(con, reference.sql))
            (ours_s, ours_rows), (reference_s, reference_rows) = min(ours), min(theirs)
            measured[reference.model] = (ours_s, ours_rows, reference_s, reference_rows)
    return measured


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
        measured = time_side_by_side(paths, references)
    run.figure_ratios = [
        FigureRatio(
            figure=reference.figure, model=reference.model,
            dbt_s=sum(seconds.get(model, 0.0) for model in reference.models),
            model_s=measured[reference.model][0], model_rows=measured[reference.model][1],
            reference_s=measured[reference.model][2], reference_rows=measured[reference.model][3],
        )
        for reference in references
    ]
    run.clv_model_s = sum(seconds.get(model, 0.0) for model in ("clv_customer_summaries", "clv_backtest_summaries"))
