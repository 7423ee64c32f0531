"""The identity blocklist's patterns and the phone validity rule: junk shared by strangers links nobody.

Each case is two records of different people whose only shared identifier is one junk value; without the rule
that value would join them. Expected groupings are written out by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
import yaml
from raw_warehouse import Warehouse, event

from assets.profiles.identity_config import IDENTITY_FILE, load_identity_config
from core.config_files import ConfigError
from core.settings import PROJECT_ROOT

DAY = datetime(2026, 1, 1, tzinfo=UTC)

# (case, identifier written on both records of the pair): Segment identify calls from two devices.
USER_ID_PAIRS = [
    ("template", "{{ customer.id }}"),
    ("dollar_template", "${userId}"),
    ("percent_template", "%USER_ID%"),
    ("minus_one", "-1"),
    ("guest", "Guest"),
    ("object", "[object Object]"),
    ("merge_tag", "*|USER_ID|*"),
    ("listed_value_any_case", "UNDEFINED"),
]
ANONYMOUS_ID_PAIRS = [("nil_uuid", "00000000-0000-0000-0000-000000000000")]
EMAIL_PAIRS = [
    ("no_email", "noemail@gmail.com"),
    ("reserved_domain", "shopper@store.test"),
]
# CRM rows of two people, each with an email of their own, sharing one phone as typed (US CRM rows).
PHONE_PAIRS = {
    "not_valid_area_code": "(199) 234-5678",  # area codes never start with 1: possible, not valid
    "german_mobile_one_digit_short": "+49 151 2345678",  # the right length for Germany, no such mobile number
    "fictional_555_01xx": "(415) 555-0123",  # valid to phonenumbers, reserved for fiction
    "valid": "(212) 736-5000",
}


def _identify(case: str, person: int, **fields: object) -> dict:
    return event(f"{case}-{person}", "identify", DAY, anonymous_id=f"anon-{case}-{person}", **fields)


@pytest.fixture(scope="module")
def store(new_warehouse: Callable[[str], Warehouse]) -> Iterator[Warehouse]:
    """Pairs of strangers, each pair sharing one junk value (and one pair a valid phone, which must still link)."""
    warehouse = new_warehouse("blocklist")
    events = []
    for case, user_id in USER_ID_PAIRS:
        events += [_identify(case, person, user_id=user_id) for person in (1, 2)]
    for case, anonymous_id in ANONYMOUS_ID_PAIRS:
        # Each with a user id of its own: every event needs one id that is not junk to find its profile.
        events += [
            event(f"{case}-{person}", "identify", DAY, anonymous_id=anonymous_id, user_id=f"u-{case}-{person}")
            for person in (1, 2)
        ]
    for case, email in EMAIL_PAIRS:
        events += [_identify(case, person, traits={"email": email}) for person in (1, 2)]
    warehouse.insert("events", events)
    warehouse.insert("crm_profiles", [
        {"crm_id": f"crm-{case}-{person}", "email": f"{case}.{person}@gmail.com", "phone": phone, "country": "US",
         "updated_at": DAY, "source_name": "crm_profiles", "source_label": "crm"}
        for case, phone in PHONE_PAIRS.items() for person in (1, 2)
    ])
    warehouse.insert("store_order_lines", [
        {"order_id": f"zeros-{person}", "line_id": "1", "customer_id": "000", "email": f"zeros.{person}@gmail.com",
         "ordered_at": DAY, "source_name": "woocommerce_orders", "source_label": "woocommerce", "order_total": 5,
         "line_total": 5, "quantity": 1}
        for person in (1, 2)
    ])
    warehouse.build()
    yield warehouse


def _profiles_of(store: Warehouse, identifier_type: str, values: list[str]) -> list[str | None]:
    return [store.profile_of(identifier_type, value) for value in values]


def _times_held(store: Warehouse, value: str) -> int:
    """How many profiles hold `value` as an identifier, linking or not: junk is held by none."""
    return store.query("select count(*) from marts.profile_identities where identifier_value = ?", [value])[0][0]


@pytest.mark.parametrize(("case", "user_id"), USER_ID_PAIRS)
def test_placeholder_user_ids_link_nobody(store: Warehouse, case: str, user_id: str) -> None:
    first, second = _profiles_of(store, "anonymous_id", [f"anon-{case}-1", f"anon-{case}-2"])
    assert first is not None and second is not None and first != second
    assert _times_held(store, user_id) == 0


def test_the_all_zero_uuid_as_anonymous_id_is_no_identifier(store: Warehouse) -> None:
    first, second = _profiles_of(store, "user_id", ["u-nil_uuid-1", "u-nil_uuid-2"])
    assert first is not None and second is not None and first != second
    assert _times_held(store, ANONYMOUS_ID_PAIRS[0][1]) == 0


@pytest.mark.parametrize(("case", "email"), EMAIL_PAIRS)
def test_placeholder_emails_link_nobody(store: Warehouse, case: str, email: str) -> None:
    first, second = _profiles_of(store, "anonymous_id", [f"anon-{case}-1", f"anon-{case}-2"])
    assert first is not None and second is not None and first != second
    assert _times_held(store, email) == 0


def test_any_patterns_hold_for_store_customer_ids(store: Warehouse) -> None:
    orders = store.query("select count(distinct profile_id) from marts.orders where order_id like 'zeros-%'")
    assert orders == [(2,)]
    assert _times_held(store, "000") == 0


@pytest.mark.parametrize("case", ["not_valid_area_code", "german_mobile_one_digit_short", "fictional_555_01xx"])
def test_invalid_and_fictional_phones_link_nobody(store: Warehouse, case: str) -> None:
    first, second = _profiles_of(store, "crm_id", [f"crm-{case}-1", f"crm-{case}-2"])
    assert first is not None and second is not None and first != second
    holders = store.query(
        "select count(*) from marts.profile_identities where identifier_type = 'phone' and profile_id in (?, ?)",
        [first, second],
    )
    assert holders == [(0,)]


def test_invalid_and_fictional_phones_are_no_profiles_phone_but_a_valid_one_is(store: Warehouse) -> None:
    phones = dict(store.query(
        "select _line, phone from intermediate.int_profile_records where source_name = 'crm_profiles'"
    ))
    # CRM lines in PHONE_PAIRS order, two per case.
    assert phones == {1: None, 2: None, 3: None, 4: None, 5: None, 6: None, 7: "+12127365000", 8: "+12127365000"}


def test_a_valid_phone_still_links(store: Warehouse) -> None:
    first, second = _profiles_of(store, "crm_id", ["crm-valid-1", "crm-valid-2"])
    assert first is not None and first == second == store.profile_of("phone", "+12127365000")


def _config_with_patterns(config_dir: Path, patterns: object) -> Path:
    """A copy of the project's identity.yaml in `config_dir` with these blocklist patterns."""
    data = yaml.safe_load((PROJECT_ROOT / "config" / IDENTITY_FILE).read_text(encoding="utf-8"))
    data["blocklist"]["patterns"] = patterns
    (config_dir / IDENTITY_FILE).write_text(yaml.safe_dump(data), encoding="utf-8")
    return config_dir


@pytest.mark.parametrize(
    ("patterns", "field", "reason"),
    [
        ({"email": ["a", "b", "(?=lookahead)"]}, "blocklist.patterns.email[2]", "invalid perl operator: (?="),
        ({"user_id": [r"(a)\1"]}, "blocklist.patterns.user_id[0]", r"invalid escape sequence: \1"),
        ({"any": [r"(?<!x)y"]}, "blocklist.patterns.any[0]", "invalid perl operator: (?<"),
        ({"phone": ["[0-9"]}, "blocklist.patterns.phone[0]", "missing ]"),
        ({"shoe_size": ["4[0-9]"]}, "blocklist.patterns", "unknown identifier type 'shoe_size'"),
    ],
)
def test_a_pattern_duckdb_cannot_match_fails_at_load_naming_file_and_field(
    tmp_path: Path, patterns: dict, field: str, reason: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_identity_config(_config_with_patterns(tmp_path, patterns))
    message = str(error.value)
    assert str(tmp_path / IDENTITY_FILE) in message
    assert f"  {field}: " in message and reason in message


def test_listed_values_match_as_written_in_any_case_and_patterns_match_whole_values(tmp_path: Path) -> None:
    config = load_identity_config(_config_with_patterns(tmp_path, {"user_id": ["visitor-[0-9]+"]}))
    regex_by_type = config.as_dbt_var()["blocklist"]["regex_by_type"]
    values = ["N/A", " n/a ", "nxa", "visitor-12", "VISITOR-7", "visitor-12-real-id", "real-visitor-12", "u-123"]
    with duckdb.connect() as con:
        matched = {
            value for value in values
            if con.execute("select regexp_full_match(?, ?)", [value, regex_by_type["user_id"]]).fetchone()[0]
        }
    assert matched == {"N/A", " n/a ", "visitor-12", "VISITOR-7"}
