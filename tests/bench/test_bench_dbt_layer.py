"""The bench calls dbt as the Dagster dbt assets do: its scratch warehouse, and the memory limit its ingest used."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import bench.stages
from bench.stages import ScratchPaths, run_dbt_layer
from core.settings import PROJECT_ROOT, load_settings


def test_a_dbt_layer_gets_the_scratch_warehouse_and_the_ingest_memory_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: dbt was not given the limit ingest used and fell back to a default of its own in profiles.yml.
    monkeypatch.setenv("CDP_WAREHOUSE", str(tmp_path / "not-the-bench.duckdb"))
    monkeypatch.delenv("CDP_DUCKDB_MEMORY_LIMIT", raising=False)
    calls: list[tuple[list[str], dict[str, str]]] = []

    def fake_run(command, *, env, **_):
        calls.append((command, env))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(bench.stages.subprocess, "run", fake_run)
    paths = ScratchPaths(tmp_path / "5k")
    paths.root.mkdir()
    dbt_vars = {"cdp_metrics": [{"name": "revenue"}]}

    assert run_dbt_layer("staging", paths, dbt_vars) == "ok"

    [(command, env)] = calls
    assert command[1:5] == ["build", "--select", "staging", "--vars"]
    assert json.loads(command[5]) == dbt_vars
    assert env["CDP_WAREHOUSE"] == str(tmp_path / "5k" / "warehouse.duckdb")
    assert env["CDP_DUCKDB_MEMORY_LIMIT"] == load_settings().duckdb_memory_limit
    assert env["CDP_PROJECT_ROOT"] == str(PROJECT_ROOT)
