"""The demo store's hostile identifiers (issue 20): each attack class is in the files with the shape the issue
describes, at a small rate, and `ground_truth/hostile.csv.gz` accounts for every hostile value written.

Shapes are read back from the landing files with their own parsers (csv, json, pyarrow, phonenumbers), never
through the generator's code; persons come from the ground truth.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
import re
from collections import defaultdict
from pathlib import Path

import phonenumbers
import pyarrow.parquet as pq
import pytest

from demo_store import generate_store
from demo_store.hostile import HostilePlan

PROFILES = 4_000
# The values the issue names, written down here rather than read from the generator.
MADE_UP_EMAILS = {"none@gmail.com", "asdf@asdf.com", "no@no.com", "a@a.com"}
PATTERN_PLACEHOLDERS = {"{{user_id}}", "${userId}", "%USER_ID%", "00000000-0000-0000-0000-000000000000", "-1", "guest"}
ROLE_LOCAL_PARTS = {"noreply", "orders", "info"}


def _gzip_csv(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _e164(text: str, region: str) -> str:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Store:
    """The generated store read back: ground truth tables and the landing rows the tests look at."""

    def __init__(self, root: Path) -> None:
        truth = root / "ground_truth"
        self.hostile = _gzip_csv(truth / "hostile.csv.gz")
        self.owners: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in _gzip_csv(truth / "identities.csv.gz"):
            self.owners[(row["id_type"], row["id_value"])].add(row["person_id"])
        self.order_person = {row["order_id"]: row["person_id"] for row in _gzip_csv(truth / "orders.csv.gz")}
        self.country = {row["person_id"]: row["country"] for row in _gzip_csv(truth / "persons.csv.gz")}
        self.persons = len(self.country)
        landing = root / "landing"
        self.crm = [row for path in sorted(landing.glob("crm/*.csv")) for row in csv.DictReader(path.open())]
        self.shopify = [
            row for path in sorted(landing.glob("shopify/*.csv")) for row in csv.DictReader(path.open())
        ]
        self.woo = [
            row for path in sorted(landing.glob("woocommerce/*.parquet")) for row in pq.read_table(path).to_pylist()
        ]
        self.events = []
        for path in sorted(landing.glob("events/*/*.jsonl.gz")):
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                for line in handle:
                    try:
                        event = json.loads(line)
                    except json.JSONDecodeError:
                        continue  # a deliberately malformed line
                    if isinstance(event, dict):
                        self.events.append(event)

    def hostile_rows(self, attack: str) -> list[dict[str, str]]:
        return [row for row in self.hostile if row["attack"] == attack]

    def persons_by_value(self, attack: str) -> dict[str, set[str]]:
        """Hostile value (case-folded, trimmed) -> the persons who wrote it."""
        persons: dict[str, set[str]] = defaultdict(set)
        for row in self.hostile_rows(attack):
            persons[row["id_value"].strip().lower()].add(row["person_id"])
        return persons


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    root = tmp_path_factory.mktemp("hostile_store")
    generate_store(root, PROFILES, seed=7, workers=1)
    return Store(root)


def test_a_full_chunk_plants_about_one_percent_of_persons_and_the_plan_follows_the_seed() -> None:
    plans = [HostilePlan(random.Random(seed), 3, 120_000, 40_000) for seed in ("s", "s", "t")]
    assert 0.005 <= plans[0].roles / 40_000 <= 0.02
    values = [[(incident.attack, incident.value, incident.phone) for incident in plan.incidents] for plan in plans]
    assert values[0] == values[1] != values[2]


def test_a_store_of_a_few_hundred_persons_plants_a_few_roles_only() -> None:
    assert 0 < HostilePlan(random.Random("s"), 0, 0, 600).roles <= 18


def test_few_persons_take_part_in_a_small_store(store: Store) -> None:
    involved = {row["person_id"] for row in store.hostile}
    assert 0.005 * store.persons <= len(involved) <= 0.04 * store.persons


def test_one_business_phone_is_on_the_crm_rows_of_many_people_with_their_own_emails(store: Store) -> None:
    rows_by_phone: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in store.crm:
        if row["phone"] and row["crm_id"]:
            phone = _e164(row["phone"], row["country"])
            # A valid number (junk such as 000-000-0000 is not): no validity check can tell this one apart.
            if phone and phonenumbers.is_valid_number(phonenumbers.parse(phone)):
                rows_by_phone[phone].append(row)
    rows = max(rows_by_phone.values(), key=len)
    people = {person for row in rows for person in store.owners[("crm_id", row["crm_id"])]}
    assert len(rows) >= 15 and len(people) >= 15
    assert len({row["email"].strip().lower() for row in rows if row["email"]}) >= 12
    assert {row["id_value"] for row in store.hostile_rows("shared_business_phone")} >= {row["phone"] for row in rows}
    for row in rows:  # a shared value: listed under each person who wrote it
        assert store.owners[("phone", row["phone"])] >= store.owners[("crm_id", row["crm_id"])]


def test_a_role_address_is_on_guest_orders_of_several_people(store: Store) -> None:
    guests_by_email: dict[str, set[str]] = defaultdict(set)
    for row in store.shopify:
        if row["Email"] and row["Id"] in store.order_person and not row["Note Attributes"]:
            guests_by_email[row["Email"].strip().lower()].add(store.order_person[row["Id"]])
    for row in store.woo:
        if row["billing_email"] and row["customer_id"] == 0 and str(row["order_id"]) in store.order_person:
            guests_by_email[row["billing_email"].strip().lower()].add(store.order_person[str(row["order_id"])])
    roles = {email: people for email, people in guests_by_email.items() if email.split("@")[0] in ROLE_LOCAL_PARTS}
    email, people = max(roles.items(), key=lambda item: len(item[1]))
    assert len(people) >= 5
    assert store.persons_by_value("role_address")[email] >= people
    for person in people:  # each has records of their own that the address would join: a phone, device, CRM row
        own = [key for key, owners in store.owners.items() if owners == {person}]
        assert any(id_type in ("phone", "anonymous_id", "crm_id") for id_type, _ in own), person


def test_made_up_and_template_emails_are_typed_by_several_people_and_are_nobodys(store: Store) -> None:
    typed: dict[str, set[str]] = defaultdict(set)
    for row in store.shopify:
        if row["Id"] in store.order_person:
            typed[row["Email"].strip().lower()].add(store.order_person[row["Id"]])
    for row in store.crm:
        for person in store.owners[("crm_id", row["crm_id"])]:
            typed[row["email"].strip().lower()].add(person)
    made_up = {email: people for email, people in typed.items() if email in MADE_UP_EMAILS}
    assert max(len(people) for people in made_up.values()) >= 2
    templates = [row["id_value"] for row in store.hostile_rows("placeholder_email")]
    assert templates and all("{" in value or "|" in value for value in templates)
    for row in store.hostile_rows("made_up_email") + store.hostile_rows("placeholder_email"):
        assert not store.owners[("email", row["id_value"])], row


def test_a_placeholder_user_id_is_sent_on_many_unrelated_devices(store: Store) -> None:
    devices: dict[str, set[str]] = defaultdict(set)
    for event in store.events:
        user_id, anonymous_id = event.get("userId"), event.get("anonymousId")
        if isinstance(user_id, str) and isinstance(anonymous_id, str) and not store.owners[("user_id", user_id)]:
            devices[user_id].add(anonymous_id)
    assert devices and set(devices) == set(store.persons_by_value("placeholder_user_id"))
    for anonymous_ids in devices.values():
        people = {person for device in anonymous_ids for person in store.owners[("anonymous_id", device)]}
        assert len(people) == len(anonymous_ids)  # one device each, of different persons
    assert max(len(anonymous_ids) for anonymous_ids in devices.values()) >= 5
    assert set(devices) & PATTERN_PLACEHOLDERS and set(devices) - PATTERN_PLACEHOLDERS


def _chain_links(store: Store, members: list[tuple[str, str, str, str]]) -> int:
    """How many consecutive members (person, user id, borrowed device, second email) the files link: the member's
    identify on the previous member's device, that device's calls as the previous user, the member's second
    email on their CRM row, and that row's phone on an identify of the member's own user id."""
    linked = 0
    for previous, member in zip(members, members[1:], strict=False):
        _, previous_user, _, _ = previous
        person, user_id, borrowed, second_email = member
        on_borrowed = [event for event in store.events if event.get("anonymousId") == borrowed]
        signed_up = any(
            event["type"] == "identify" and "userId" not in event and event["traits"].get("email") == second_email
            for event in on_borrowed
        )
        lender = store.owners[("anonymous_id", borrowed)] == {previous[0]}
        as_previous = any(event.get("userId") == previous_user for event in on_borrowed)
        crm_phones = {
            _e164(row["phone"], row["country"]) for row in store.crm if row["email"] == second_email and row["phone"]
        }
        account_phones = {
            _e164(event["traits"]["phone"], event["traits"].get("address", {}).get("country", "US"))
            for event in store.events
            if event.get("userId") == user_id and event["type"] == "identify" and event["traits"].get("phone")
        }
        if signed_up and lender and as_previous and crm_phones & account_phones and person != previous[0]:
            linked += 1
    return linked


def test_device_chains_join_two_to_five_user_ids_through_weak_links(store: Store) -> None:
    chains: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for row in store.hostile_rows("device_chain"):
        chains[row["incident"]][row["person_id"]][row["id_type"]] = row["id_value"]
    fully_linked = []
    for people in chains.values():
        members = [
            (person, ids["user_id"], ids.get("anonymous_id", ""), ids.get("email", ""))
            for person, ids in sorted(people.items())
        ]
        assert 2 <= len(members) <= 5
        if _chain_links(store, members) == len(members) - 1:
            fully_linked.append(len(members))
    assert 2 in fully_linked and max(fully_linked) >= 3


def test_fictional_and_invalid_phones_are_typed_by_several_people_and_are_nobodys(store: Store) -> None:
    for attack in ("fictional_phone", "invalid_phone"):
        by_number: dict[str, set[str]] = defaultdict(set)
        for row in store.hostile_rows(attack):
            # A national number is the writer's country's; `001 ...` is dialled from Germany (00, the country code).
            value = row["id_value"]
            number = phonenumbers.parse(value, "DE" if value.startswith("00") else store.country[row["person_id"]])
            if attack == "fictional_phone":
                assert number.country_code == 1 and re.fullmatch(r"\d{3}55501\d\d", str(number.national_number))
            else:
                assert phonenumbers.is_possible_number(number) and not phonenumbers.is_valid_number(number), row
            by_number[phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)].add(row["person_id"])
            assert not store.owners[("phone", row["id_value"])], row
        assert max(len(people) for people in by_number.values()) >= 2, attack


def test_every_hostile_value_is_in_the_landing_files_and_every_planted_one_is_listed(store: Store) -> None:
    written: set[str] = set()
    for row in store.crm:
        written.update((row["email"], row["phone"]))
    for row in store.shopify:
        written.update((row["Email"], row["Phone"], row["Billing Phone"]))
    for row in store.woo:
        written.update((row["billing_email"], row["billing_phone"]))
    for event in store.events:
        traits = event.get("traits") or (event.get("context") or {}).get("traits") or {}
        written.update(str(value) for value in (event.get("userId"), event.get("anonymousId"), *traits.values()))
    assert {row["id_value"] for row in store.hostile} <= written
    listed = {row["id_value"] for row in store.hostile}
    planted = {value for value in written if value.strip().lower() in MADE_UP_EMAILS | PATTERN_PLACEHOLDERS}
    assert planted and planted <= listed
