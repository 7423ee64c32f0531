"""Custom metrics (marts.metric_events, marts.metric_daily) against a Python reference, operator by operator.

The events table is written by hand; the metrics come from a YAML file through the same loader as production.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from assets.profiles.metrics_config import load_metrics_config
from core.settings import PROJECT_ROOT

METRIC_MODELS = "metric_events metric_daily"
INJECTION = "'); drop table marts.events; --"
QUOTED = "x' or '1'='1"
START = datetime(2025, 3, 1, tzinfo=UTC)
# (event_id, profile_id, metric, hours after START, value, properties)
EVENTS = [
    ("e1", "p1", "Placed Order", 10, 50.0,
     {"source": "web", "is_pos": False, "is_subscription": False, "total": 50, "item_count": 2,
      "tags": "VIP, summer", "discount_code": "SAVE10", "note": QUOTED}),
    ("e2", "p2", "Placed Order", 23.5, 120.0,
     {"source": "pos", "is_pos": True, "total": 120, "item_count": 1, "tags": "", "discount_code": None}),
    ("e3", "p1", "Placed Order", 50, 0.0,
     {"source": "woocommerce", "is_subscription": True, "total": 0, "item_count": "2"}),
    ("e4", "p3", "Store Purchase", 60, 10.5, {"total": 10.5, "tags": ["vip"], "note": INJECTION}),
    ("e5", "p3", "Viewed Page", 80, None, {"source": "web"}),
    ("e6", "p2", "Placed Order", 100, 75.25,
     {"source": "web", "is_pos": "false", "is_subscription": False, "total": "75.25", "discount_code": "  "}),
]
ORDERS = ["Placed Order"]
METRICS = [
    {"name": "All revenue", "base_metrics": ["Placed Order", "Store Purchase"]},
    {"name": "Orders excl. POS, subscriptions and $0", "base_metrics": ORDERS, "filters": [
        {"property": "is_pos", "operator": "not_equals", "value": True},
        {"property": "is_subscription", "operator": "not_equals", "value": True},
        {"property": "total", "operator": "greater_than", "value": 0}]},
    {"name": "Web orders", "base_metrics": ORDERS,
     "filters": [{"property": "source", "operator": "equals", "value": "web"}]},
    {"name": "Two items", "base_metrics": ORDERS,
     "filters": [{"property": "item_count", "operator": "equals", "value": 2}]},
    {"name": "POS orders", "base_metrics": ORDERS,
     "filters": [{"property": "is_pos", "operator": "equals", "value": True}]},
    {"name": "One-off orders", "base_metrics": ORDERS,
     "filters": [{"property": "is_subscription", "operator": "equals", "value": False}]},
    {"name": "VIP purchases", "base_metrics": ["Placed Order", "Store Purchase"],
     "filters": [{"property": "tags", "operator": "contains", "value": "vip"}]},
    {"name": "Under 100", "base_metrics": ["Placed Order", "Store Purchase"],
     "filters": [{"property": "total", "operator": "less_than", "value": 100}]},
    {"name": "Discounted", "base_metrics": ORDERS,
     "filters": [{"property": "discount_code", "operator": "is_set"}]},
    {"name": "Full price", "base_metrics": ORDERS,
     "filters": [{"property": "discount_code", "operator": "is_not_set"}]},
    {"name": "Quoted note", "base_metrics": ["Placed Order", "Store Purchase"],
     "filters": [{"property": "note", "operator": "equals", "value": QUOTED}]},
    {"name": "Injected note", "base_metrics": ["Placed Order", "Store Purchase"],
     "filters": [{"property": "note", "operator": "equals", "value": INJECTION}]},
]


@pytest.fixture
def events_stand_in(warehouse_path: Path, create_stand_in) -> None:
    """A hand-made stand-in for marts.events, from EVENTS."""
    con = duckdb.connect(str(warehouse_path))
    create_stand_in(con, "marts.events", [
        {"event_id": event_id, "profile_id": profile, "metric_name": metric,
         "event_at": START + timedelta(hours=hours), "value": value, "properties": json.dumps(properties)}
        for event_id, profile, metric, hours, value, properties in EVENTS
    ])
    con.close()


def metrics_var(tmp_path: Path, metrics: list[dict]) -> list[dict]:
    config_dir = tmp_path / "metric_config"
    config_dir.mkdir(exist_ok=True)
    (config_dir / "metrics.yaml").write_text(yaml.safe_dump({"metrics": metrics}), encoding="utf-8")
    return load_metrics_config(config_dir).as_dbt_var()


def query(warehouse_path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse_path))
    rows = con.execute(sql).fetchall()
    con.close()
    return rows


def as_text(value: object) -> str | None:
    """A property as JSON text extraction gives it: scalars as text, true/false, nested values as JSON."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def as_number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def holds(condition: dict, properties: dict) -> bool:
    """Reference semantics of one filter, written independently of the SQL macros."""
    text = as_text(properties.get(condition["property"]))
    operator, value = condition["operator"], condition.get("value")

    def equals() -> bool:
        if isinstance(value, bool):
            return text is not None and text.strip().lower() == ("true" if value else "false")
        if isinstance(value, int | float):
            return as_number(text) == value
        return text == value

    is_set = text is not None and text.strip() != ""
    number = as_number(text)
    return {
        "equals": equals,
        "not_equals": lambda: not equals(),
        "contains": lambda: text is not None and value.lower() in text.lower(),
        "greater_than": lambda: number is not None and number > value,
        "less_than": lambda: number is not None and number < value,
        "is_set": lambda: is_set,
        "is_not_set": lambda: not is_set,
    }[operator]()


def expected_metric_events() -> set[tuple[str, str]]:
    return {
        (metric["name"], event[0])
        for metric in METRICS
        for event in EVENTS
        if event[2] in metric["base_metrics"] and all(holds(c, event[5]) for c in metric.get("filters", []))
    }


@pytest.mark.usefixtures("events_stand_in")
def test_every_operator_matches_the_python_reference(warehouse_path: Path, run_dbt, tmp_path: Path) -> None:

    run_dbt("run", "--select", METRIC_MODELS,
            dbt_vars={"cdp_attributes": {}, "cdp_metrics": metrics_var(tmp_path, METRICS)})

    actual = set(query(warehouse_path, "select metric_name, event_id from marts.metric_events"))
    expected = expected_metric_events()
    assert actual == expected
    by_metric = {name: sorted(e for m, e in expected if m == name) for name in {m["name"] for m in METRICS}}
    assert by_metric["Orders excl. POS, subscriptions and $0"] == ["e1", "e6"]
    assert by_metric["Two items"] == ["e1", "e3"]  # the number 2 and the text "2"
    assert by_metric["Discounted"] == ["e1"]  # a blank code is not set
    # Quotes stay inside the literal: each matches only its own event, and the events table is still there.
    assert by_metric["Quoted note"] == ["e1"] and by_metric["Injected note"] == ["e4"]
    assert query(warehouse_path, "select count(*) from marts.events") == [(len(EVENTS),)]


@pytest.mark.usefixtures("events_stand_in")
def test_daily_series_matches_the_python_reference(warehouse_path: Path, run_dbt, tmp_path: Path) -> None:
    metrics = METRICS[:2]

    run_dbt("run", "--select", METRIC_MODELS,
            dbt_vars={"cdp_attributes": {}, "cdp_metrics": metrics_var(tmp_path, metrics)})

    values = {event[0]: event for event in EVENTS}
    matched = [(m, values[e]) for m, e in expected_metric_events() if m in {x["name"] for x in metrics}]
    first = min((START + timedelta(hours=event[3])).date() for _, event in matched)
    last = (START + timedelta(hours=max(event[3] for event in EVENTS))).date()
    expected = set()
    for metric in metrics:
        for offset in range((last - first).days + 1):
            current = first + timedelta(days=offset)
            today = [event for name, event in matched
                     if name == metric["name"] and (START + timedelta(hours=event[3])).date() == current]
            expected.add((metric["name"], current, len(today), sum(event[4] or 0 for event in today),
                          len({event[1] for event in today})))
    actual = set(query(warehouse_path, "select metric_name, metric_date, event_count, value_sum, unique_profiles "
                                       "from marts.metric_daily"))
    assert actual == expected
    assert first == date(2025, 3, 1) and len(actual) == 2 * 5


@pytest.mark.usefixtures("events_stand_in")
def test_unknown_base_metric_warns_naming_file_and_field(warehouse_path: Path, run_dbt, tmp_path: Path) -> None:
    metrics = [{"name": "Typo", "base_metrics": ["Placed Order", "Placed Ordr"]}]
    dbt_vars = {"cdp_attributes": {}, "cdp_metrics": metrics_var(tmp_path, metrics)}

    result = run_dbt("build", "--select", "metric_events", "--exclude", "test_name:relationships",
                     "--store-failures", dbt_vars=dbt_vars)

    checks = {r.node.name: r for r in result.results if r.node.resource_type == "test"}
    check = next(r for name, r in checks.items() if name.startswith("base_metrics_exist"))
    assert (str(check.status), check.failures) == ("warn", 1)
    rows = query(warehouse_path, f"select base_metric_name, config_field from {check.node.relation_name}")
    assert rows == [("Placed Ordr", f"{tmp_path / 'metric_config' / 'metrics.yaml'} metrics[0].base_metrics[1]")]


@pytest.mark.usefixtures("events_stand_in")
def test_quotes_and_backslashes_in_filter_values_stay_literals(warehouse_path: Path, run_dbt,
                                                               tmp_path: Path) -> None:
    probes = [INJECTION, "a\\' or 1=1 --", "\\", "' or ''='"]
    metrics = [{"name": f"Probe {index} {operator}", "base_metrics": ORDERS,
                "filters": [{"property": "note", "operator": operator, "value": value}]}
               for index, value in enumerate(probes) for operator in ("equals", "contains")]

    run_dbt("run", "--select", "metric_events",
            dbt_vars={"cdp_attributes": {}, "cdp_metrics": metrics_var(tmp_path, metrics)})

    assert query(warehouse_path, "select count(*) from marts.metric_events") == [(0,)]
    assert query(warehouse_path, "select count(*) from marts.events") == [(len(EVENTS),)]


def test_shipped_metrics_count_a_cancelled_order_as_placed_but_not_as_bought(
    warehouse_path: Path, run_dbt, create_stand_in
) -> None:
    """config/metrics.yaml: the all-revenue metric keeps every Placed Order (gross); the metric of orders a customer
    bought and kept leaves out cancelled and voided ones, whose Placed Order events say is_cancelled."""
    kept = {"source": "web", "is_pos": False, "is_subscription": False, "total": 40, "is_cancelled": False}
    con = duckdb.connect(str(warehouse_path))
    create_stand_in(con, "marts.events", [
        {"event_id": "kept", "profile_id": "p1", "metric_name": "Placed Order", "event_at": START, "value": 40.0,
         "properties": json.dumps(kept)},
        {"event_id": "voided", "profile_id": "p1", "metric_name": "Placed Order", "event_at": START, "value": 60.0,
         "properties": json.dumps({**kept, "total": 60, "is_cancelled": True})},
        {"event_id": "voided:cancelled", "profile_id": "p1", "metric_name": "Cancelled Order", "event_at": START,
         "value": 60.0, "properties": json.dumps({**kept, "total": 60, "is_cancelled": True})},
    ])
    con.close()
    shipped = load_metrics_config(PROJECT_ROOT / "config").as_dbt_var()

    run_dbt("run", "--select", "metric_events", dbt_vars={"cdp_attributes": {}, "cdp_metrics": shipped})

    rows = set(query(warehouse_path, "select metric_name, event_id, value from marts.metric_events"
                                     " where metric_name like 'Placed Order%'"))
    assert rows == {
        ("Placed Order (all revenue)", "kept", 40.0),
        ("Placed Order (all revenue)", "voided", 60.0),
        ("Placed Order excl. POS, subscriptions and $0", "kept", 40.0),
    }
