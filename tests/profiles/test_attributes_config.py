"""config/profiles.yaml: the shipped file loads, the dbt var is complete, and bad rules name the file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assets.profiles.attributes_config import STANDARD_ATTRIBUTES, load_attributes_config
from core.config_files import ConfigError
from core.settings import PROJECT_ROOT


def write_profiles(config_dir: Path, document: dict) -> Path:
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / "profiles.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_shipped_config_gives_every_standard_attribute_a_rule() -> None:
    dbt_var = load_attributes_config(PROJECT_ROOT / "config").as_dbt_var()

    assert [item["name"] for item in dbt_var["attributes"]] == list(STANDARD_ATTRIBUTES)
    email = next(item for item in dbt_var["attributes"] if item["name"] == "email")
    assert email["rule"] == "source_priority" and email["sources"][0] == "crm"
    assert {item["kind"] for item in dbt_var["transformations"]} == {"format", "standardize", "merge"}
    assert dbt_var["active_window_days"] == 365


def test_unconfigured_attributes_take_the_default_rule(tmp_path: Path) -> None:
    write_profiles(tmp_path, {"survivorship": {"default": {"rule": "first_seen"},
                                               "attributes": {"city": {"rule": "most_recent"}}}})

    rules = {item["name"]: item["rule"] for item in load_attributes_config(tmp_path).as_dbt_var()["attributes"]}

    assert rules["city"] == "most_recent"
    assert {rules[name] for name in STANDARD_ATTRIBUTES if name != "city"} == {"first_seen"}


def test_an_empty_file_gives_every_setting_the_models_read(tmp_path: Path) -> None:
    """The defaults live here only (the SQL kept a copy until it read everything from the var)."""
    (tmp_path / "profiles.yaml").write_text("", encoding="utf-8")

    dbt_var = load_attributes_config(tmp_path).as_dbt_var()

    assert dbt_var == {
        "attributes": [{"name": name, "rule": "most_recent", "sources": []} for name in STANDARD_ATTRIBUTES],
        "custom_properties": [],
        "transformations": [],
        "consent": {"subscribe_metrics": ["Subscribed"], "unsubscribe_metrics": ["Unsubscribed"],
                    "channel_property": "channel"},
        "suppression": {"identifiers": [], "events": []},
        "active_window_days": 365,
    }


def test_standardize_values_are_normalized_like_sql_compares_them(tmp_path: Path) -> None:
    write_profiles(tmp_path, {"transformations": [{
        "name": "state_standardized", "kind": "standardize", "source": "state",
        "rules": [{"values": ["CA", " Calif. ", "san  diego COUNTY"], "replacement": "California"}],
    }]})

    rule = load_attributes_config(tmp_path).as_dbt_var()["transformations"][0]["rules"][0]

    assert rule == {"values": ["ca", "calif.", "san diego county"], "replacement": "California"}


def test_suppressed_email_is_matched_lower_case(tmp_path: Path) -> None:
    write_profiles(tmp_path, {"suppression": {"identifiers": [{"email": " Someone@Example.COM", "reason": "gdpr"}]}})

    identifiers = load_attributes_config(tmp_path).as_dbt_var()["suppression"]["identifiers"]

    assert identifiers == [{"type": "email", "value": "someone@example.com", "reason": "gdpr"}]


@pytest.mark.parametrize(
    ("document", "field", "expected"),
    [
        ({"survivorship": {"attributes": {"email": {"rule": "newest"}}}},
         "survivorship.attributes.email.rule", "most_recent"),
        ({"survivorship": {"attributes": {"email": {"rule": "source_priority"}}}},
         "survivorship.attributes.email", "needs `sources`"),
        ({"survivorship": {"attributes": {"nickname": {"rule": "most_recent"}}}},
         "survivorship.attributes.nickname", "first_name"),
        ({"survivorship": {"custom_properties": {"Loyalty Tier": {"rule": "most_recent"}}}},
         "survivorship.custom_properties", "not a property name"),
        ({"transformations": [{"name": "first_name", "kind": "format", "source": "first_name", "case": "upper"}]},
         "transformations", "never over an original"),
        ({"transformations": [{"name": "x_upper", "kind": "format", "source": "x", "case": "upper"}]},
         "transformations", "'x' is neither a standard attribute"),
        ({"transformations": [{"name": "first_upper", "kind": "format", "source": "first_name", "case": "shout"}]},
         "transformations[0].format.case", "'upper', 'lower' or 'title'"),
        ({"transformations": [{"name": "bday", "kind": "format", "source": "birthday",
                               "date_formats": ["%Y-%m-%d'); drop table x; --"]}]},
         "transformations[0].format.date_formats", "not a date format"),
        ({"transformations": [{"name": "st", "kind": "standardize", "source": "state",
                               "rules": [{"values": ["CA"], "replacement": "California"},
                                         {"values": ["ca "], "replacement": "Canada"}]}]},
         "transformations[0].standardize.rules", "replaced by both"),
        ({"transformations": [{"name": "m", "kind": "merge", "sources": ["city"]}]},
         "transformations[0].merge.sources", "at least 2"),
        ({"transformations": [{"name": "m", "kind": "split", "source": "city"}]},
         "transformations[0]", "'format', 'standardize', 'merge'"),
        ({"suppression": {"identifiers": [{"phone": "415 555 0100"}]}},
         "suppression.identifiers[0]", "not an E.164 phone number"),
        ({"suppression": {"events": [{"metric": "Email Bounced",
                                      "filters": [{"property": "bounce_type", "operator": "like", "value": "hard"}]}]}},
         "suppression.events[0].filters[0].operator", "equals"),
        ({"activity": {"active_window_days": 0}}, "activity.active_window_days", "greater than or equal to 1"),
    ],
)
def test_bad_rule_names_file_and_field(tmp_path: Path, document: dict, field: str, expected: str) -> None:
    path = write_profiles(tmp_path, document)

    with pytest.raises(ConfigError) as error:
        load_attributes_config(tmp_path)

    message = str(error.value)
    assert str(path) in message
    assert f"  {field}" in message
    assert expected in message
