"""The one function that says how dbt is called: arguments and environment from its inputs alone."""

import json
import os
from pathlib import Path

import pytest

from assets.dbt_models.invocation import dbt_invocation, environment_overrides


def test_build_of_a_layer_gets_selector_vars_and_the_given_warehouse_limit_and_root():
    invocation = dbt_invocation(
        "build",
        warehouse_path=Path("/srv/cdp/warehouse.duckdb"),
        memory_limit="2GB",
        dbt_vars={"cdp_identity": {"rules": [1, 2]}, "cdp_metrics": []},
        select=("staging",),
        project_root=Path("/srv/cdp"),
    )
    assert invocation.args == [
        "build", "--select", "staging", "--vars", '{"cdp_identity": {"rules": [1, 2]}, "cdp_metrics": []}',
    ]
    assert invocation.env == {
        "CDP_WAREHOUSE": "/srv/cdp/warehouse.duckdb",
        "CDP_DUCKDB_MEMORY_LIMIT": "2GB",
        "CDP_PROJECT_ROOT": "/srv/cdp",
    }


def test_without_a_selector_the_arguments_are_the_command_and_vars_only():
    args, _ = dbt_invocation(
        "build", warehouse_path=Path("/w.duckdb"), memory_limit="3GB", dbt_vars={}, project_root=Path("/p")
    )
    assert args == ["build", "--vars", "{}"]


def test_a_relative_warehouse_path_is_refused_since_dbt_runs_from_another_folder():
    with pytest.raises(ValueError, match="absolute"):
        dbt_invocation("build", warehouse_path=Path("data/warehouse.duckdb"), memory_limit="3GB", dbt_vars={})


def test_the_vars_argument_is_the_json_dbt_reads_back():
    dbt_vars = {"cdp_attributes": {"email": {"rule": "most_recent", "sources": ["crm", "shopify"]}}}
    args, _ = dbt_invocation("build", warehouse_path=Path("/w.duckdb"), memory_limit="1GB", dbt_vars=dbt_vars)
    assert json.loads(args[args.index("--vars") + 1]) == dbt_vars


def test_environment_overrides_hold_inside_the_block_and_restore_set_and_unset_variables(monkeypatch):
    monkeypatch.setenv("CDP_WAREHOUSE", "/elsewhere.duckdb")
    monkeypatch.delenv("CDP_PROJECT_ROOT", raising=False)
    with environment_overrides({"CDP_WAREHOUSE": "/here.duckdb", "CDP_PROJECT_ROOT": "/root"}):
        assert (os.environ["CDP_WAREHOUSE"], os.environ["CDP_PROJECT_ROOT"]) == ("/here.duckdb", "/root")
    assert os.environ["CDP_WAREHOUSE"] == "/elsewhere.duckdb"
    assert "CDP_PROJECT_ROOT" not in os.environ


def test_environment_overrides_restore_even_when_the_block_raises(monkeypatch):
    monkeypatch.setenv("CDP_DUCKDB_MEMORY_LIMIT", "3GB")
    with pytest.raises(RuntimeError), environment_overrides({"CDP_DUCKDB_MEMORY_LIMIT": "1GB"}):
        raise RuntimeError("dbt failed to start")
    assert os.environ["CDP_DUCKDB_MEMORY_LIMIT"] == "3GB"
