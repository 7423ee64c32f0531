"""The spine of profiles (intermediate.int_profiles_resolved): every profile identity resolution gives out is in
marts.profiles, marts.consent and marts.profile_counts, whatever kind of data named it.

From raw Segment calls through identity resolution; the expected profiles and identifiers are written out by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from raw_warehouse import DAY, Warehouse, event

from assets.dbt_models.dbt_vars import build_dbt_vars
from core.settings import PROJECT_ROOT

# A person seen only through an identify call, one seen only through an alias call (no track, page or screen, no
# order, no CRM row), and a browser that never identified, the control that is listed but not billed.
IDENTIFY_AT = DAY + timedelta(days=1)
ALIAS_AT = DAY + timedelta(days=2)
CALLS = [
    event("m1", "identify", IDENTIFY_AT, anonymous_id="anon-ida", user_id="u-ida",
          traits={"email": " Ida@Example.com", "firstName": "Ida"}),
    event("m2", "alias", ALIAS_AT, user_id="u-al", previous_id="anon-al"),
    event("m3", "page", DAY, anonymous_id="anon-browser", name="Home"),
]
EXPECTED_IDENTIFIERS = {
    "ida": {("user_id", "u-ida"), ("anonymous_id", "anon-ida"), ("email", "ida@example.com")},
    "al": {("user_id", "u-al"), ("anonymous_id", "anon-al")},
    "browser": {("anonymous_id", "anon-browser")},
}


@pytest.fixture(scope="module")
def built(new_warehouse: Callable[[str], Warehouse], invoke_dbt) -> Warehouse:
    """The raw calls loaded, then every model up to the profile marts built and tested, once for the module."""
    warehouse = new_warehouse("profile_spine")
    warehouse.insert("events", CALLS)
    # Cautious: the tests of models downstream of profiles (metric_events) are not built here.
    invoke_dbt(warehouse.path, warehouse.target, "build", "--select", "+profile_counts", "+profile_identities",
               "--indirect-selection", "cautious", dbt_vars=build_dbt_vars(PROJECT_ROOT / "config"))
    return warehouse


def test_people_known_only_by_identify_or_alias_are_profiles_with_their_identifiers(built: Warehouse) -> None:
    identities: dict[str, set[tuple[str, str]]] = {}
    for profile_id, identifier_type, identifier_value in built.query(
        "select profile_id, identifier_type, identifier_value from marts.profile_identities"
    ):
        identities.setdefault(profile_id, set()).add((identifier_type, identifier_value))
    profile_of = {person: profile for profile, held in identities.items()
                  for person, expected in EXPECTED_IDENTIFIERS.items() if held == expected}
    profiles = {row[0]: row[1:] for row in built.query(
        "select profile_id, is_identified, identifier_count, first_seen_at, first_name, email from marts.profiles",
    )}

    # Three people, three profiles, each holding exactly the identifiers written above.
    assert sorted(identities.values(), key=sorted) == sorted(EXPECTED_IDENTIFIERS.values(), key=sorted)
    assert set(profiles) == set(identities) == set(profile_of.values())
    assert profiles[profile_of["ida"]] == (True, 3, IDENTIFY_AT, "Ida", "ida@example.com")
    # The alias call is its only sighting: no record and no event, yet it is seen, at the call's time.
    assert profiles[profile_of["al"]] == (True, 2, ALIAS_AT, None, None)
    assert profiles[profile_of["browser"]] == (False, 1, DAY, None, None)


def test_every_profile_has_consent_rows_and_the_identified_ones_are_billed(built: Warehouse) -> None:
    profile_ids = {row[0] for row in built.query("select profile_id from marts.profiles")}
    consent = built.query("select profile_id, channel, status from marts.consent")

    assert sorted(consent) == sorted(
        (profile_id, channel, "never_subscribed") for profile_id in profile_ids for channel in ("email", "sms", "push")
    )
    # Ida and Al are billed; the browser is reported apart.
    counts = built.query("select total_profiles, activatable_profiles, anonymous_profiles from marts.profile_counts")
    assert counts == [(2, 2, 1)]
