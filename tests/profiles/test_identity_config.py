"""config/identity.yaml's validation (assets/profiles/identity_config.py): identifier rules and value limits; errors
name the file and the field. The blocklist's patterns are tested in test_identity_blocklist.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from assets.profiles.identity_config import load_identity_config
from core.config_files import ConfigError

RULES = """
identifiers:
  user_id: {links: true, max_per_profile: 1, priority: 1}
  crm_id: {links: true, max_per_profile: 3, priority: 2}
  email: {links: true, priority: 3}
  anonymous_id: {links: true, priority: 4}
  phone: {links: false, priority: 5}
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "identity.yaml").write_text(text)
    return tmp_path


def test_value_limits_expand_to_every_pair_of_linking_types(tmp_path: Path) -> None:
    limits = "value_limits:\n  any: {email: 5}\n  user_id: {anonymous_id: 4, email: 2}\n"
    config = load_identity_config(write(tmp_path, RULES + limits))
    pairs = {(pair["type"], pair["seen_with"]): pair["max_values"] for pair in config.value_limit_pairs()}
    # Own type first, then `any`, then the type seen with's max_per_profile; phone links nothing, so it is absent.
    assert pairs == {
        ("user_id", "crm_id"): 3, ("user_id", "email"): 2, ("user_id", "anonymous_id"): 4,
        ("crm_id", "user_id"): 1, ("crm_id", "email"): 5,
        ("email", "user_id"): 1, ("email", "crm_id"): 3,
        ("anonymous_id", "user_id"): 1, ("anonymous_id", "crm_id"): 3, ("anonymous_id", "email"): 5,
    }
    assert config.as_dbt_var()["value_limits"] == config.value_limit_pairs()


def test_the_shipped_defaults_limit_a_user_id_to_five_devices_and_any_value_to_five_emails() -> None:
    config = load_identity_config(Path(__file__).parents[2] / "config")
    pairs = {(pair["type"], pair["seen_with"]): pair["max_values"] for pair in config.value_limit_pairs()}
    assert pairs[("user_id", "anonymous_id")] == 5
    assert pairs[("phone", "email")] == 5
    assert pairs[("email", "shopify_customer_id")] == 1
    assert pairs[("phone", "crm_id")] == 3


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ("value_limits:\n  phone: {email: 2}\n", "value_limits.phone: not a linking identifier type"),
        ("value_limits:\n  email: {phone: 2}\n", "value_limits.email.phone: expected another linking identifier type"),
        ("value_limits:\n  email: {email: 2}\n", "value_limits.email.email: expected another linking identifier type"),
        ("value_limits:\n  any: {email: 0}\n", "value_limits.any.email"),
    ],
)
def test_a_bad_value_limit_is_refused_naming_file_and_field(tmp_path: Path, limits: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_identity_config(write(tmp_path, RULES + limits))
    assert str(tmp_path / "identity.yaml") in str(raised.value)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("identifiers:\n  user_id: {priority: 1}\n  email: {priority: 1}\n",
         "each identifier type needs its own priority"),
        ("identifiers:\n  fax: {priority: 1}\n", "unknown identifier type 'fax'"),
        ("identifiers:\n  user_id: {priority: 1, max_per_profile: 0}\n", "identifiers.user_id.max_per_profile"),
        ("identifiers:\n  user_id: {priority: 1, same_value_as: email}\n  email: {links: false, priority: 2}\n",
         "both user_id and email must link records"),
        ("identifiers:\n  user_id: {links: false, priority: 1}\n", "at least one identifier type must link records"),
    ],
)
def test_a_bad_identifier_rule_is_refused_naming_file_and_field(tmp_path: Path, rules: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_identity_config(write(tmp_path, rules))
    assert message in str(raised.value)
