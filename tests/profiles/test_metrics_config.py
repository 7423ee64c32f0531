"""config/metrics.yaml: the shipped metrics load, values keep their types, and bad definitions name file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assets.profiles.metrics_config import load_metrics_config
from core.config_files import ConfigError
from core.settings import PROJECT_ROOT


def write_metrics(config_dir: Path, metrics: list[dict]) -> Path:
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / "metrics.yaml"
    path.write_text(yaml.safe_dump({"metrics": metrics}), encoding="utf-8")
    return path


def test_shipped_metrics_include_revenue_without_pos_subscriptions_and_free_orders() -> None:
    by_name = {item["name"]: item for item in load_metrics_config(PROJECT_ROOT / "config").as_dbt_var()}

    assert by_name["Placed Order (all revenue)"]["filters"] == []
    filters = by_name["Placed Order excl. POS, subscriptions and $0"]["filters"]
    assert [(f["property"], f["operator"], f["value"], f["value_type"]) for f in filters] == [
        ("is_pos", "not_equals", True, "boolean"),
        ("is_subscription", "not_equals", True, "boolean"),
        ("total", "greater_than", 0, "number"),
        ("is_cancelled", "not_equals", True, "boolean"),
    ]


def test_dbt_var_points_each_base_metric_at_its_file_and_field(tmp_path: Path) -> None:
    path = write_metrics(tmp_path, [{"name": "Revenue", "base_metrics": ["Placed Order", "Store Purchase"]}])

    metric = load_metrics_config(tmp_path).as_dbt_var()[0]

    assert metric["base_metric_fields"] == [
        f"{path} metrics[0].base_metrics[0]",
        f"{path} metrics[0].base_metrics[1]",
    ]


def test_nested_property_becomes_a_json_path(tmp_path: Path) -> None:
    write_metrics(tmp_path, [{"name": "US", "base_metrics": ["Placed Order"],
                              "filters": [{"property": "shipping.country", "operator": "equals", "value": "US"}]}])

    condition = load_metrics_config(tmp_path).as_dbt_var()[0]["filters"][0]

    assert condition["json_path"] == "$.shipping.country"
    assert condition["value_type"] == "text"


def test_quote_in_a_value_is_kept_as_text(tmp_path: Path) -> None:
    write_metrics(tmp_path, [{"name": "Quoted", "base_metrics": ["Placed Order"],
                              "filters": [{"property": "note", "operator": "equals", "value": "it's'; drop --"}]}])

    assert load_metrics_config(tmp_path).as_dbt_var()[0]["filters"][0]["value"] == "it's'; drop --"


@pytest.mark.parametrize(
    ("metric", "field", "expected"),
    [
        ({"name": "M", "base_metrics": ["Placed Order"],
          "filters": [{"property": "total", "operator": "between", "value": 1}]},
         "metrics[0].filters[0].operator", "'equals', 'not_equals', 'contains'"),
        ({"name": "M", "base_metrics": ["Placed Order"],
          "filters": [{"property": "total", "operator": "greater_than", "value": "0"}]},
         "metrics[0].filters[0]", "needs a number"),
        ({"name": "M", "base_metrics": ["Placed Order"],
          "filters": [{"property": "total", "operator": "less_than", "value": True}]},
         "metrics[0].filters[0]", "needs a number"),
        ({"name": "M", "base_metrics": ["Placed Order"],
          "filters": [{"property": "tags", "operator": "contains", "value": 3}]},
         "metrics[0].filters[0]", "needs text"),
        ({"name": "M", "base_metrics": ["Placed Order"],
          "filters": [{"property": "discount_code", "operator": "is_set", "value": "x"}]},
         "metrics[0].filters[0]", "takes no value"),
        ({"name": "M", "base_metrics": ["Placed Order"],
          "filters": [{"property": "source", "operator": "equals"}]},
         "metrics[0].filters[0]", "needs a value"),
        ({"name": "M", "base_metrics": ["Placed Order"],
          "filters": [{"property": "total') or 1=1 --", "operator": "is_set"}]},
         "metrics[0].filters[0].property", "not a property name"),
        ({"name": "M", "base_metrics": ["Placed Order"],
          "filters": [{"property": "items[0].sku", "operator": "is_set"}]},
         "metrics[0].filters[0].property", "not a property name"),
        ({"name": "M", "base_metrics": []}, "metrics[0].base_metrics", "at least 1"),
        ({"name": "M", "base_metrics": ["Placed Order", "Placed Order"]}, "metrics[0].base_metrics", "listed twice"),
        ({"name": "M", "base_metric": ["Placed Order"]}, "metrics[0].base_metric", "Extra inputs"),
    ],
)
def test_bad_definition_names_file_and_field(tmp_path: Path, metric: dict, field: str, expected: str) -> None:
    path = write_metrics(tmp_path, [metric])

    with pytest.raises(ConfigError) as error:
        load_metrics_config(tmp_path)

    message = str(error.value)
    assert str(path) in message
    assert f"  {field}" in message
    assert expected in message


def test_two_metrics_with_one_name_are_rejected(tmp_path: Path) -> None:
    write_metrics(tmp_path, [{"name": "Revenue", "base_metrics": ["Placed Order"]},
                             {"name": "revenue", "base_metrics": ["Store Purchase"]}])

    with pytest.raises(ConfigError, match=r"metrics: .*defined twice"):
        load_metrics_config(tmp_path)
