"""config/rfm.yaml: the shipped map places each of the 27 score combinations in exactly one group, and a bad map, a
bad interval or cut-offs, an unknown order metric or an unknown setting fail naming the file and the field."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from assets.intelligence.rfm_config import RFM_GROUPS, load_rfm_config
from core.config_files import ConfigError
from core.settings import PROJECT_ROOT


def write_rfm(config_dir: Path, **changes: object) -> Path:
    """config_dir/rfm.yaml as shipped, with top-level `changes`."""
    path = config_dir / "rfm.yaml"
    settings = yaml.safe_load(path.read_text())
    settings.update(changes)
    path.write_text(yaml.safe_dump(settings))
    return path


def test_shipped_map_places_every_combination_in_one_of_the_six_groups():
    score_groups = load_rfm_config(PROJECT_ROOT / "config").as_dbt_var()["score_groups"]
    combinations = {f"{r}{f}{m}" for r, f, m in itertools.product((1, 2, 3), repeat=3)}
    assert set(score_groups) == combinations
    assert set(score_groups.values()) == set(RFM_GROUPS)
    # The extremes read as the yaml's comments say.
    assert score_groups["333"] == "Champions"
    assert score_groups["311"] == "Recent"
    assert score_groups["211"] == "Needs Attention"
    assert score_groups["133"] == "At Risk"
    assert score_groups["111"] == "Inactive"
    assert score_groups["222"] == "Loyal"


def test_shipped_defaults():
    config = load_rfm_config(PROJECT_ROOT / "config")
    assert config.order_metric == "Placed Order (net)"
    assert config.snapshot_interval == "month"
    assert config.lookback_days is None
    assert config.percentile_cutoffs == (1 / 3, 2 / 3)
    assert (config.minimums.customers, config.minimums.history_days) == (500, 180)


def test_a_combination_left_out_fails_naming_groups_and_the_combination(copy_config: Callable[[], Path]):
    config_dir = copy_config()
    groups = yaml.safe_load((config_dir / "rfm.yaml").read_text())["groups"]
    groups["At Risk"] = ["12*", "13*"]
    path = write_rfm(config_dir, groups=groups)
    with pytest.raises(ConfigError) as failure:
        load_rfm_config(config_dir)
    message = str(failure.value)
    assert str(path) in message
    assert "groups:" in message
    assert "scores 113 (recency, frequency, monetary) are mapped to no group" in message


def test_a_combination_mapped_twice_fails_naming_both_patterns(copy_config: Callable[[], Path]):
    config_dir = copy_config()
    groups = yaml.safe_load((config_dir / "rfm.yaml").read_text())["groups"]
    groups["Loyal"] = [*groups["Loyal"], "3*3"]
    path = write_rfm(config_dir, groups=groups)
    with pytest.raises(ConfigError) as failure:
        load_rfm_config(config_dir)
    message = str(failure.value)
    assert str(path) in message and "groups:" in message
    assert "scores 333 are mapped more than once: by Champions '333', Loyal '3*3'" in message
    assert "scores 313 are mapped more than once: by Loyal '3*3', Recent '31*'" in message


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ({"Champions": ["***"], "Champs": []}, "groups.Champs.[key]"),
        ({"Champions": ["34*"]}, "'34*' is not a score pattern"),
        ({"Champions": ["**"]}, "'**' is not a score pattern"),
    ],
)
def test_an_unknown_group_or_a_bad_pattern_fails_naming_it(copy_config: Callable[[], Path], groups, expected):
    config_dir = copy_config()
    write_rfm(config_dir, groups=groups)
    with pytest.raises(ConfigError, match="rfm.yaml") as failure:
        load_rfm_config(config_dir)
    assert expected in str(failure.value)


def test_an_unquoted_pattern_reads_as_its_digits(copy_config: Callable[[], Path]):
    config_dir = copy_config()
    path = write_rfm(config_dir)
    path.write_text(path.read_text().replace("- '333'", "- 333"))
    assert "- 333\n" in path.read_text()
    assert load_rfm_config(config_dir).as_dbt_var()["score_groups"]["333"] == "Champions"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"snapshot_interval": "day"}, "snapshot_interval: Input should be 'week', 'month' or 'quarter'"),
        ({"percentile_cutoffs": [0.7, 0.3]}, "percentile_cutoffs: Value error, expected two percentiles"),
        ({"percentile_cutoffs": [0.5, 1.5]}, "percentile_cutoffs[1]: Input should be less than 1"),
        ({"lookback_days": 0}, "lookback_days: Input should be greater than or equal to 7"),
        ({"minimums": {"customers": 0}}, "minimums.customers: Input should be greater than or equal to 1"),
        ({"minimums": {"orders": 10}}, "minimums.orders: Extra inputs are not permitted"),
        ({"snapshots": "month"}, "snapshots: Extra inputs are not permitted"),
    ],
)
def test_a_bad_setting_fails_naming_file_and_field(copy_config: Callable[[], Path], changes, field):
    config_dir = copy_config()
    path = write_rfm(config_dir, **changes)
    with pytest.raises(ConfigError) as failure:
        load_rfm_config(config_dir)
    assert str(path) in str(failure.value)
    assert field in str(failure.value)


def test_the_map_has_no_default(copy_config: Callable[[], Path]):
    config_dir = copy_config()
    (config_dir / "rfm.yaml").write_text("snapshot_interval: month\n")
    with pytest.raises(ConfigError, match="groups: Field required"):
        load_rfm_config(config_dir)


def test_an_unknown_order_metric_fails_naming_rfm_yaml_order_metric(copy_config: Callable[[], Path]):
    config_dir = copy_config()
    write_rfm(config_dir, order_metric="Placed Order (gross)")
    with pytest.raises(ConfigError) as failure:
        load_rfm_config(config_dir)
    message = str(failure.value)
    assert "rfm.yaml order_metric: 'Placed Order (gross)' is neither 'Placed Order (net)'" in message
    assert "metrics.yaml" in message


def test_a_custom_metric_is_an_order_metric(copy_config: Callable[[], Path]):
    config_dir = copy_config()
    write_rfm(config_dir, order_metric="Placed Order (all revenue)")
    assert load_rfm_config(config_dir).as_dbt_var()["order_metric"] == "Placed Order (all revenue)"
