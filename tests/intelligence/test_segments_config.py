"""config/segments.yaml: the demo file loads, the allow-lists match the contracts, and every unknown name or cycle
fails naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assets.intelligence.segments.columns import CLV_COLUMNS, PROFILE_COLUMNS, RFM_COLUMNS
from assets.intelligence.segments.condition_sql import compile_membership
from assets.intelligence.segments.segments_config import load_segments_config
from core.config_files import ConfigError
from core.settings import DBT_PROJECT_DIR, PROJECT_ROOT

EXAMPLE = {"metric": {"name": "Placed Order", "operator": "at_least", "value": 2, "within_days": 90}}
CITY = {"profile": {"property": "city", "operator": "equals", "value": "Berlin"}}


def write(config_dir: Path, segments: list[dict], lists: list[dict] | None = None, **extra: object) -> Path:
    path = config_dir / "segments.yaml"
    path.write_text(yaml.safe_dump({**extra, "segments": segments, "lists": lists or []}, sort_keys=False))
    return path


def error_of(config_dir: Path) -> str:
    with pytest.raises(ConfigError) as raised:
        load_segments_config(config_dir)
    return str(raised.value)


def test_the_demo_config_loads_and_compiles() -> None:
    config = load_segments_config(PROJECT_ROOT / "config")
    names = [segment.name for segment in config.segments]
    assert "Repeat buyers with high predicted CLV" in names and "Champions" in names
    assert [item.name for item in config.lists] == ["VIP customers"]
    assert (PROJECT_ROOT / "config" / config.lists[0].file).is_file()
    query = compile_membership(config, None)
    assert "$p0" in query.sql and "Champions" in query.parameters.values()
    # No value of the config appears in the query text: only as a parameter.
    assert "Champions" not in query.sql and "Placed Order" not in query.sql


def test_profile_columns_are_the_contract_of_marts_profiles() -> None:
    models = yaml.safe_load((DBT_PROJECT_DIR / "models" / "marts" / "_profiles__models.yml").read_text())["models"]
    profiles = next(model for model in models if model["name"] == "profiles")
    contract = {column["name"]: column["data_type"] for column in profiles["columns"]}
    assert list(PROFILE_COLUMNS) == list(contract)
    expected = {"varchar": "text", "json": "json", "boolean": "boolean", "bigint": "number",
                "timestamp with time zone": "timestamp"}
    assert {name: expected[kind] for name, kind in contract.items()} == PROFILE_COLUMNS


def test_clv_and_rfm_attributes_are_the_columns_of_their_tables() -> None:
    assert list(CLV_COLUMNS) == [
        "historic_clv", "predicted_clv", "total_clv", "historic_orders", "predicted_orders", "average_order_value",
        "average_days_between_orders", "expected_next_order_date", "churn_risk", "probability_alive", "fit_id",
        "as_of_date",
    ]
    assert list(RFM_COLUMNS) == [
        "snapshot_date", "recency_score", "frequency_score", "monetary_score", "rfm_group", "previous_rfm_group",
        "rfm_group_changed_date",
    ]


UNKNOWN = [
    ({"all": [EXAMPLE, {"profile": {"property": "town", "operator": "equals", "value": "Berlin"}}]},
     "segments[0].condition.all[1].profile.property", "unknown profile property 'town'"),
    ({"profile": {"property": "custom_properties.hat_size", "operator": "equals", "value": "L"}},
     "segments[0].condition.profile.property", "unknown property 'custom_properties.hat_size'"),
    ({"profile": {"property": "transformed_properties.city_upper", "operator": "is_set"}},
     "segments[0].condition.profile.property", "unknown property 'transformed_properties.city_upper'"),
    ({"any": [CITY, {"clv": {"attribute": "lifetime_value", "operator": "greater_than", "value": 1}}]},
     "segments[0].condition.any[1].clv.attribute", "unknown attribute 'lifetime_value'"),
    ({"not": {"rfm": {"attribute": "segment", "operator": "equals", "value": "Champions"}}},
     "segments[0].condition.not.rfm.attribute", "unknown attribute 'segment'"),
    ({"all": [CITY, {"metric": {"name": "Placed Ordr", "operator": "at_least", "value": 1}}]},
     "segments[0].condition.all[1].metric.name", "unknown metric 'Placed Ordr'"),
    ({"all": [CITY, {"segment": "Nobody"}]}, "segments[0].condition.all[1].segment", "unknown segment 'Nobody'"),
    ({"list": "Nowhere"}, "segments[0].condition.list", "unknown list 'Nowhere'"),
    ({"consent": {"channel": "fax", "status": "subscribed"}}, "segments[0].condition.consent.channel", "email"),
    ({"clv": {"attribute": "predicted_clv", "operator": "contains", "value": "2"}},
     "segments[0].condition.clv", "operator contains does not apply to a number column"),
    ({"profile": {"property": "last_seen_at", "operator": "at_least", "value": "last week"}},
     "segments[0].condition.profile", "needs an ISO date"),
    ({"city": "Berlin"}, "segments[0].condition", "unknown condition 'city'"),
    ({"all": [CITY], "not": CITY}, "segments[0].condition", "exactly one key"),
]


@pytest.mark.parametrize(("condition", "field", "message"), UNKNOWN, ids=[field for _, field, _ in UNKNOWN])
def test_an_unknown_name_fails_naming_file_and_field(copy_config, condition, field, message) -> None:
    config_dir = copy_config()
    write(config_dir, [{"name": "Bad", "condition": condition}])
    error = error_of(config_dir)
    assert str(config_dir / "segments.yaml") in error
    assert field in error and message in error


def test_a_tracked_metric_is_known_once_listed(copy_config) -> None:
    config_dir = copy_config()
    condition = {"metric": {"name": "Hub Login", "operator": "at_least", "value": 1}}
    write(config_dir, [{"name": "Hub users", "condition": condition}])
    assert "segments[0].condition.metric.name: unknown metric 'Hub Login'" in error_of(config_dir)
    write(config_dir, [{"name": "Hub users", "condition": condition}], known_base_metrics=["Hub Login"])
    assert load_segments_config(config_dir).segments[0].condition.metric.name == "Hub Login"


def test_a_segment_referring_to_itself_through_others_fails(copy_config) -> None:
    config_dir = copy_config()
    write(config_dir, [
        {"name": "A", "condition": {"all": [CITY, {"segment": "B"}]}},
        {"name": "B", "condition": {"any": [EXAMPLE, {"not": {"segment": "C"}}]}},
        {"name": "C", "condition": {"segment": "A"}},
    ])
    error = error_of(config_dir)
    assert str(config_dir / "segments.yaml") in error
    assert "segments[2].condition: segments refer to themselves: A -> B -> C -> A" in error


def test_a_segment_referring_to_itself_directly_fails(copy_config) -> None:
    config_dir = copy_config()
    write(config_dir, [{"name": "A", "condition": {"any": [CITY, {"segment": "A"}]}}])
    assert "segments[0].condition: segments refer to themselves: A -> A" in error_of(config_dir)


def test_a_segment_and_a_list_may_not_share_a_name(copy_config) -> None:
    config_dir = copy_config()
    write(config_dir, [{"name": "VIP", "condition": CITY}],
          lists=[{"name": "vip", "file": "lists/vip.csv", "match_on": "email"}])
    assert "lists[0].name: 'vip' is also segments[0]" in error_of(config_dir)


@pytest.mark.parametrize(("entry", "field", "message"), [
    ({"match_on": "fax"}, "lists[0].match_on", "no identifier type"),
    ({"match_on": "anonymous_id"}, "lists[0].match_on", "no identifier type"),
    ({"file": "../secrets.csv"}, "lists[0].file", "inside it"),
    ({"match_on": "phone", "default_region": "de"}, "lists[0].default_region", "ISO 3166"),
])
def test_a_bad_list_entry_fails_naming_its_field(copy_config, entry, field, message) -> None:
    config_dir = copy_config()
    write(config_dir, [], lists=[{"name": "L", "file": "lists/vip.csv", "match_on": "email", **entry}])
    error = error_of(config_dir)
    assert field in error and message in error
