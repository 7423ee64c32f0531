"""Fixtures shared by every test: a throwaway warehouse with the raw tables, and dbt run against it, the project
parsed once per session."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt.contracts.graph.manifest import Manifest

from assets.ingest.raw_tables import create_raw_tables
from core.settings import DBT_PROJECT_DIR, PROJECT_ROOT

# dbt names every relation after the warehouse file's stem when it parses ("warehouse"."marts"."events"): the session's
# one parse holds for every test warehouse with this name, each in its own folder.
WAREHOUSE_FILE = "warehouse.duckdb"


@pytest.fixture
def warehouse_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty warehouse file with schema `raw` created; CDP_* variables point at tmp_path."""
    path = tmp_path / WAREHOUSE_FILE
    con = duckdb.connect(str(path))
    create_raw_tables(con)
    con.close()
    monkeypatch.setenv("CDP_WAREHOUSE", str(path))
    monkeypatch.setenv("CDP_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("CDP_CONFIG_DIR", str(PROJECT_ROOT / "config"))
    return path


@pytest.fixture(scope="session")
def dbt_target_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One dbt target folder per test session, so tests never write into dbt_project/target."""
    return tmp_path_factory.mktemp("dbt_target")


def _project_args(target_dir: Path) -> list[str]:
    return [
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(target_dir),
        "--log-path", str(target_dir / "logs"),
    ]


def _raise_for_failure(result: dbtRunnerResult, args: tuple[str, ...]) -> None:
    if result.success:
        return
    failures = []
    for node_result in getattr(result.result, "results", None) or []:
        if str(node_result.status) not in ("success", "pass", "skipped"):
            failures.append(f"{node_result.node.unique_id}: {node_result.status}: {node_result.message}")
    raise AssertionError(f"dbt {' '.join(args)} failed: {result.exception or ''}\n" + "\n".join(failures))


@pytest.fixture(scope="session")
def dbt_manifest(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    """The dbt project parsed once per session (about 5 s a parse), without vars: a run's `--vars` reach the models
    when they compile, so every run reuses this manifest with vars of its own (tests/test_conftest.py proves it)."""
    root = tmp_path_factory.mktemp("dbt_parse")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CDP_WAREHOUSE", str(root / WAREHOUSE_FILE))
        result = dbtRunner().invoke(["parse", *_project_args(root)])
    _raise_for_failure(result, ("parse",))
    return result.result


@pytest.fixture(scope="session")
def invoke_dbt(dbt_manifest: Manifest) -> Callable[..., object]:
    """Run a dbt command in-process against a given warehouse file and target folder, for fixtures of any scope,
    with the session's parsed manifest; raises with dbt's own message when it fails."""
    runner = dbtRunner(manifest=dbt_manifest)

    def run(warehouse: Path, target_dir: Path, *args: str, dbt_vars: dict | None = None) -> object:
        if warehouse.name != WAREHOUSE_FILE:
            raise ValueError(f"{warehouse}: name a test warehouse {WAREHOUSE_FILE}, the name the session's dbt "
                             "manifest was parsed with (dbt names relations after the file's stem)")
        cli = [*args, *_project_args(target_dir)]
        if dbt_vars is not None:
            cli += ["--vars", json.dumps(dbt_vars)]
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("CDP_WAREHOUSE", str(warehouse))
            result = runner.invoke(cli)
        _raise_for_failure(result, args)
        return result.result

    return run


@pytest.fixture
def run_dbt(
    warehouse_path: Path, dbt_target_dir: Path, invoke_dbt: Callable[..., object]
) -> Callable[..., object]:
    """Run a dbt command in-process against `warehouse_path`; raises with dbt's own message when it fails."""

    def run(*args: str, dbt_vars: dict | None = None) -> object:
        return invoke_dbt(warehouse_path, dbt_target_dir, *args, dbt_vars=dbt_vars)

    return run


@pytest.fixture
def copy_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], Path]:
    """A writable copy of config/ that CDP_CONFIG_DIR points at, for tests that change configuration."""

    def copy() -> Path:
        target = tmp_path / "config"
        shutil.copytree(PROJECT_ROOT / "config", target, dirs_exist_ok=True)
        monkeypatch.setenv("CDP_CONFIG_DIR", str(target))
        return target

    return copy
