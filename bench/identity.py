"""Identity resolution as dbt left it: the rounds it took (`int_identity_resolution_runs`) and its quality."""

from __future__ import annotations

from pathlib import Path

from assets.profiles.identity_quality import measure_identity_quality
from bench.measurements import BenchRun, GuardCount, IdentityQuality, IdentityResolutionRun
from bench.stages import IDENTITY_STAGE, MARTS_STAGE
from connectors.warehouse.duckdb_file import open_warehouse, qualified

RUNS_TABLE = "int_identity_resolution_runs"
GUARDS_TABLE = "identity_guards"
# The limited type a guard's reason names: `seen with 20 email values`, `would join 2 user_id values`.
_LIMITED_TYPE = r"(?:seen with|would join) [0-9]+ ([a-z_]+) values"


def read_identity_run(run: BenchRun, warehouse: Path) -> None:
    """The latest identity-resolution run into `run.identity_run` (else a note saying why there is none)."""
    with open_warehouse(warehouse) as con:
        schemas = con.execute(
            "select table_schema from information_schema.tables where table_name = ?", [RUNS_TABLE]
        ).fetchall()
        if not schemas:
            run.identity_run_note = f"not available: no table {RUNS_TABLE} (did dbt intermediate fail?)"
            return
        row = con.execute(
            "select node_count, edge_count, component_count, rounds, jump_steps, seconds, identifiers_demoted, "
            f"components_split, links_cut from {qualified(schemas[0][0], RUNS_TABLE)} "
            "order by run_started_at desc limit 1"
        ).fetchone()
        run.guard_counts = _guard_counts(con)
    if row is None:
        run.identity_run_note = f"not available: {RUNS_TABLE} is empty"
        return
    run.identity_run = IdentityResolutionRun(*row)
    for stage in run.stages:
        if stage.name == IDENTITY_STAGE:
            stage.rows = run.identity_run.node_count


def _guard_counts(con) -> list[GuardCount]:
    """Decisions of each over-merge guard by identifier type and limited type; none when the mart is missing."""
    schemas = con.execute(
        "select table_schema from information_schema.tables where table_name = ?", [GUARDS_TABLE]
    ).fetchall()
    if not schemas:
        return []
    rows = con.execute(
        f"select guard, identifier_type, regexp_extract(reason, ?, 1), count(*) from "
        f"{qualified(schemas[0][0], GUARDS_TABLE)} group by all order by 1, 4 desc, 2, 3",
        [_LIMITED_TYPE],
    ).fetchall()
    return [GuardCount(*row) for row in rows]


def measure_quality(run: BenchRun, warehouse: Path, identities_csv: Path, orders_csv: Path) -> None:
    """Pairwise precision and recall (identifiers and orders) against the ground truth, or a note saying why not."""
    if not any(stage.status == "ok" for stage in run.stages if stage.name == MARTS_STAGE):
        run.quality_note = "not measured: dbt marts (profile_identities, orders) failed"
        return
    with open_warehouse(warehouse) as con:
        measured = dict(measure_identity_quality(con, identities_csv, orders_csv))
        # Identifiers alone as well, so a problem with orders (their keys) shows apart from identity resolution.
        identifiers_only = measure_identity_quality(con, identities_csv)
    precision, recall = float(measured.pop("precision")), float(measured.pop("recall"))
    counts = ", ".join(f"{name.replace('_', ' ')} {value:,}" for name, value in measured.items())
    detail = (
        f"identifiers and orders; {counts}; identifiers alone: precision {identifiers_only['precision']:.4f}, "
        f"recall {identifiers_only['recall']:.4f}"
    )
    run.quality = IdentityQuality(precision=precision, recall=recall, detail=detail)
