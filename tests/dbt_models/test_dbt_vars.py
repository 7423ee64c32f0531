"""Config said once: dbt takes profile attributes and custom metrics only from the vars of dbt_vars.py.

The SQL carries no defaults of its own: a model run without its var fails with a compiler error naming the var and
how to pass it, `dbt parse` still builds the manifest without vars, and the dbt unit tests give every setting their
model reads themselves.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner

from assets.profiles.attributes_config import ProfilesConfig
from core.settings import DBT_PROJECT_DIR

# Every model that reads var cdp_attributes, with the settings it reads (written out here, not read from the SQL).
ATTRIBUTE_MODELS = {
    "int_profile_attributes_survived": {"attributes", "custom_properties"},
    "int_profile_attributes_transformed": {"transformations"},
    "consent": {"consent"},
    "profiles": {"attributes", "custom_properties", "transformations", "suppression", "active_window_days"},
    "profile_counts": {"active_window_days"},
}
METRIC_MODELS = ("metric_events", "metric_daily")
# One model per intelligence var, with the config file it comes from.
ANALYTICS_MODELS = {
    "clv_customer_summaries": ("cdp_clv", "clv.yaml"),
    "rfm_customer_spans": ("cdp_rfm", "rfm.yaml"),
    "product_same_cart": ("cdp_catalog", "catalog.yaml"),
}
HOW_TO_PASS = "pass --vars from `python -m assets.dbt_models.dbt_vars`"


@pytest.fixture(scope="module")
def dbt_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One warehouse and target for the module, so the compiles after the first parse partially."""
    return tmp_path_factory.mktemp("dbt_vars")


def failure_of(invoke_dbt, dbt_dir: Path, *args: str, dbt_vars: dict | None) -> str:
    """dbt's failure text for the command, which must fail (a compile stops at the first error)."""
    with pytest.raises(AssertionError) as failed:
        invoke_dbt(dbt_dir / "warehouse.duckdb", dbt_dir / "target", *args, dbt_vars=dbt_vars)
    return str(failed.value)


@pytest.mark.parametrize("model", ATTRIBUTE_MODELS)
def test_every_attribute_model_without_the_var_fails_naming_it(invoke_dbt, dbt_dir: Path, model: str) -> None:
    """Regression: without var cdp_attributes the models compiled with a copy of the defaults kept in the SQL."""
    failure = failure_of(invoke_dbt, dbt_dir, "compile", "--select", model, dbt_vars={})

    assert f"var cdp_attributes is empty (read by {model}): {HOW_TO_PASS} (config/profiles.yaml)" in failure


def test_a_var_without_a_setting_a_model_reads_fails_naming_the_setting(invoke_dbt, dbt_dir: Path) -> None:
    consent_only = {"cdp_attributes": {"consent": ProfilesConfig().as_dbt_var()["consent"]}}
    invoke_dbt(dbt_dir / "warehouse.duckdb", dbt_dir / "target", "compile", "--select", "consent",
               dbt_vars=consent_only)

    failure = failure_of(invoke_dbt, dbt_dir, "compile", "--select", "profile_counts", dbt_vars=consent_only)

    assert "var cdp_attributes has no active_window_days (read by profile_counts)" in failure


@pytest.mark.parametrize("model", ANALYTICS_MODELS)
def test_every_intelligence_var_is_required_by_its_models(invoke_dbt, dbt_dir: Path, model: str) -> None:
    var_name, config_file = ANALYTICS_MODELS[model]
    failure = failure_of(invoke_dbt, dbt_dir, "compile", "--select", model, dbt_vars={})

    assert f"var {var_name} is empty (read by {model}): {HOW_TO_PASS} (config/{config_file})" in failure


def test_a_clv_var_without_its_settings_fails_naming_each(invoke_dbt, dbt_dir: Path) -> None:
    failure = failure_of(invoke_dbt, dbt_dir, "compile", "--select", "clv_customer_summaries",
                         dbt_vars={"cdp_clv": {"order_metric": "Placed Order (net)"}})

    assert "var cdp_clv has no as_of, historic_range_days, backtest_holdout_days (read by clv_customer_summaries)" in (
        failure)


@pytest.mark.parametrize("model", METRIC_MODELS)
def test_metric_models_without_the_var_fail_naming_it(invoke_dbt, dbt_dir: Path, model: str) -> None:
    """Regression: without var cdp_metrics the metric marts built empty, as if config/metrics.yaml had none."""
    failure = failure_of(invoke_dbt, dbt_dir, "compile", "--select", model, dbt_vars={})

    assert f"var cdp_metrics is not set (read by {model}): {HOW_TO_PASS} (config/metrics.yaml)" in failure


def test_base_metric_check_takes_config_fields_from_the_var_only(invoke_dbt, dbt_dir: Path) -> None:
    """Regression: a var without base_metric_fields got field names made up in SQL, without the file."""
    by_hand = [{"name": "Typed by hand", "base_metrics": ["Placed Order"], "filters": []}]

    failure = failure_of(invoke_dbt, dbt_dir, "compile", "--select", "test_name:base_metrics_exist",
                         dbt_vars={"cdp_metrics": by_hand})

    assert "var cdp_metrics: metric Typed by hand has no base_metric_fields" in failure
    assert HOW_TO_PASS in failure


def test_parse_builds_the_manifest_without_vars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `make dbt-manifest` runs; a runner of its own, since invoke_dbt may reuse a parsed manifest."""
    monkeypatch.setenv("CDP_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    result = dbtRunner().invoke([
        "parse", "--no-partial-parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
    ])

    assert result.success, result.exception
    nodes = json.loads((tmp_path / "target" / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    assert {f"model.cdp.{name}" for name in (*ATTRIBUTE_MODELS, *METRIC_MODELS)} <= set(nodes)


def test_profile_and_metric_unit_tests_give_every_setting_they_read(invoke_dbt, tmp_path: Path) -> None:
    """No cdp_attributes or cdp_metrics var: each unit test's overrides must hold what its model reads."""
    result = invoke_dbt(
        tmp_path / "warehouse.duckdb", tmp_path / "target", "test", "--select",
        "path:models/marts/_profiles__unit_tests.yml,test_type:unit",
        "path:models/intermediate/_profile_attributes__models.yml,test_type:unit",
    )

    tested = {node_result.node.name for node_result in result.results}
    assert {"consent_latest_change_wins_across_crm_and_events",
            "profiles_combine_attributes_consent_suppression_and_activity",
            "profile_counts_count_every_identified_profile_whatever_its_consent",
            "survivorship_rules_pick_the_configured_record",
            "metric_events_apply_every_operator"} <= tested


def test_models_ask_for_the_settings_they_read() -> None:
    """Each attribute model names its settings to profile_attribute_settings, and no model reads the var itself."""
    asked = {}
    for path in (DBT_PROJECT_DIR / "models").rglob("*.sql"):
        sql = path.read_text(encoding="utf-8")
        assert "var('cdp_attributes')" not in sql and "var('cdp_metrics')" not in sql, path
        call = re.search(r"profile_attribute_settings\(\s*\[([^\]]*)\]\s*\)", sql)
        if call:
            asked[path.stem] = set(re.findall(r"'(\w+)'", call.group(1)))

    assert asked == ATTRIBUTE_MODELS
    assert set().union(*asked.values()) <= set(ProfilesConfig().as_dbt_var())
