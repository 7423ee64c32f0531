"""Hostile identifier patterns that no blocklist foresaw, planted in a few persons with their ground truth (issue 20).

Each chunk plants incidents; an incident is one hostile value (or one chain) written by several unrelated persons:

- `shared_business_phone`: a company's phone on the CRM rows of 15-25 employees (each has their own email).
- `role_address`: `noreply@`, `orders@` or `info@` a real-looking shop or company domain, the only email 6-10
  guests (no account) ever type, on orders, sign-ups and CRM rows; each keeps their own phone and devices.
- `made_up_email`: `none@gmail.com`, `asdf@asdf.com` ... typed now and then by 4-8 persons instead of their email.
- `placeholder_email`: a template placeholder (`{{email}}`) written as the email of 4-8 persons, now and then.
- `placeholder_user_id`: a broken integration sends one placeholder `userId` (`{{user_id}}`, `-1`, `guest`, and
  values no pattern foresees such as `customer` or `1`) on the anonymous calls of 6-12 unrelated persons' devices.
- `device_chain`: 2-5 registered persons; each after the first identifies once, with a second email of their own,
  on the previous one's device; that email is on their CRM row, whose phone they also gave on their account.
  Followed naively, the chain joins every member's user id into one profile.
- `fictional_phone` (North American 555-0100..0199) and `invalid_phone` (possible but not valid: a US exchange
  starting with 0 or 1, a German `0100` number), typed now and then by 4-8 persons instead of their phone.

Shared values a person owns (the business phone, the role address) are listed in `identities.csv` under everyone
who wrote them; junk and placeholders are nobody's identifier and are left out. Every hostile value written, with
its person, goes to `hostile.csv` (see `ground_truth.py`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from demo_store.locales import ascii_fold
from demo_store.persons import Person

if TYPE_CHECKING:
    from demo_store.segment_lines import Device

# About 1.2% of persons take part, so the bench still measures the ordinary store while every attack shows up.
# The first chunk plants at least `FIRST_CHUNK_MINIMUM` incidents of each class, so a store of a few thousand
# persons (a test's) holds them all (at 2,500 persons about 3% take part, at 40,000 per chunk 1.2%).
HOSTILE_PERSON_SHARE = {
    "shared_business_phone": 0.0025,
    "role_address": 0.0015,
    "made_up_email": 0.0015,
    "placeholder_email": 0.0005,
    "placeholder_user_id": 0.0020,
    "device_chain": 0.0015,
    "fictional_phone": 0.0010,
    "invalid_phone": 0.0010,
}
MEMBERS = {
    "shared_business_phone": (15, 25),
    "role_address": (6, 10),
    "made_up_email": (4, 8),
    "placeholder_email": (4, 8),
    "placeholder_user_id": (6, 12),
    "device_chain": (2, 5),
    "fictional_phone": (4, 8),
    "invalid_phone": (4, 8),
}
FIRST_CHUNK_MINIMUM = {"placeholder_user_id": 2, "device_chain": 2}
MAX_SHARE_OF_CHUNK = 0.03  # a store of a few hundred persons keeps a few roles, at random, not all the minimums
# How often a member of a made-up email or phone incident types the decoy instead of their own: phones are
# written less often than emails, so more often a decoy, or some members would never show theirs.
P_DECOY_EMAIL = 0.5
P_DECOY_PHONE = 0.7
MADE_UP_EMAILS = ("none@gmail.com", "asdf@asdf.com", "no@no.com", "a@a.com", "nomail@gmail.com", "xxx@xxx.com")
PLACEHOLDER_EMAILS = ("{{email}}", "{{ customer.email }}", "*|EMAIL|*")
# Placeholders a pattern list would catch, then ones no list foresees; a chunk's incidents alternate the two.
PATTERN_PLACEHOLDER_USER_IDS = (
    "{{user_id}}",
    "${userId}",
    "%USER_ID%",
    "00000000-0000-0000-0000-000000000000",
    "-1",
    "guest",
)
UNFORESEEN_PLACEHOLDER_USER_IDS = ("customer", "1", "user", "visitor")
ROLE_LOCALS = ("noreply", "orders", "info")
_DOMAIN_WORDS = ("northwind", "bluebird", "brightleaf", "kaffee-kontor", "lumen", "fjord", "alder", "copperline")
_DOMAIN_KINDS = ("coffee", "studio", "supply", "haus", "works", "goods")
# Company phones use area codes no person's phone has (persons get locales.US_AREA_CODES, German mobiles).
_BUSINESS_AREA_CODES = ("408", "303", "404", "702")
# With `+` only: the employee's CRM row names the employee's country, whose exit code (00, 011) may not be the one
# typed, and a phone read in the wrong region is another number.
_US_INTERNATIONAL = ("+1 ({a}) {e}-{l}", "+1{a}{e}{l}", "+1 {a} {e} {l}", "+1-{a}-{e}-{l}")
_DE_LANDLINE_INTERNATIONAL = ("+49 30 {s}", "+4930{s}", "+49 (0)30 {s}", "+49-30-{s}")


@dataclass
class DeviceChain:
    """A chain incident's state as its members arrive: the device the next member will borrow."""

    incident: str
    last_device: Device | None = None


@dataclass
class Incident:
    """One hostile value (or chain) and the persons that will write it."""

    attack: str
    incident: str
    value: str = ""
    phone: tuple[str, str] = ("", "")  # (country code, national digits) for phone attacks
    chain: DeviceChain | None = None
    recruited: int = 0


def _qualifies(attack: str, person: Person) -> bool:
    if attack == "placeholder_user_id":
        return person.is_web
    if not person.is_known or person.household_id:
        return False  # a household shares its email already; its members stay out of hostile incidents
    if attack == "shared_business_phone":
        return bool(person.crm_ids)
    if attack == "role_address":
        guest = person.buyer and not person.has_account and not person.woo_customer_id
        return guest and (person.is_web or bool(person.phone_national))  # a phone or a device of their own
    if attack == "device_chain":
        return person.is_web and person.has_account and bool(person.crm_ids) and bool(person.phone_national)
    if attack == "fictional_phone":
        return person.country == "US" and bool(person.phone_national)
    if attack == "invalid_phone":
        return bool(person.phone_national)
    return True


def _new_incident(attack: str, incident_id: str, index: int, rng: random.Random) -> Incident:
    incident = Incident(attack, incident_id)
    if attack == "shared_business_phone":
        if rng.random() < 0.6:
            area = rng.choice(_BUSINESS_AREA_CODES)
            incident.phone = ("1", f"{area}{rng.randint(2, 9)}{rng.randint(0, 999_999):06d}")
        else:
            incident.phone = ("49", f"30{rng.randint(10_000_000, 99_999_999)}")  # a Berlin switchboard
    elif attack == "role_address":
        tld = rng.choice(("com", "de"))
        incident.value = f"{rng.choice(ROLE_LOCALS)}@{rng.choice(_DOMAIN_WORDS)}-{rng.choice(_DOMAIN_KINDS)}.{tld}"
    elif attack == "made_up_email":
        incident.value = rng.choice(MADE_UP_EMAILS)
    elif attack == "placeholder_email":
        incident.value = rng.choice(PLACEHOLDER_EMAILS)
    elif attack == "placeholder_user_id":
        pool = PATTERN_PLACEHOLDER_USER_IDS if index % 2 == 0 else UNFORESEEN_PLACEHOLDER_USER_IDS
        incident.value = rng.choice(pool)
    elif attack == "device_chain":
        incident.chain = DeviceChain(incident_id)
    elif attack == "fictional_phone":
        incident.phone = ("1", f"{rng.choice(('212', '415', '312', '617'))}55501{rng.randint(0, 99):02d}")
    elif attack == "invalid_phone":
        if rng.random() < 0.6:
            area = rng.choice(("212", "305", "512"))
            incident.phone = ("1", f"{area}{rng.randint(0, 1)}{rng.randint(0, 999_999):06d}")  # exchange 0xx, 1xx
        else:
            incident.phone = ("49", f"100{rng.randint(1_000_000, 9_999_999)}")
    return incident


def incident_count(attack: str, chunk: int, persons: int, rng: random.Random) -> int:
    """How many incidents of `attack` a chunk of `persons` plants: the share's expectation, rounded at random."""
    low, high = MEMBERS[attack]
    expected = persons * HOSTILE_PERSON_SHARE[attack] / ((low + high) / 2)
    count = int(expected) + (rng.random() < expected - int(expected))
    if chunk == 0:
        count = max(count, FIRST_CHUNK_MINIMUM.get(attack, 1))
    return count


class HostilePlan:
    """A chunk's incidents and the person numbers where their members are recruited (spread over the chunk)."""

    def __init__(self, rng: random.Random, chunk: int, first_pid: int, persons: int) -> None:
        self.incidents: list[Incident] = []
        slots: list[Incident] = []
        for attack in HOSTILE_PERSON_SHARE:
            for index in range(incident_count(attack, chunk, persons, rng)):
                incident = _new_incident(attack, f"{chunk:05d}-{len(self.incidents):03d}", index, rng)
                self.incidents.append(incident)
                # Chains take every length in turn (2, 3, 4, 5 persons), so a chunk's first two hold 2 and 3.
                members = 2 + index % 4 if attack == "device_chain" else rng.randint(*MEMBERS[attack])
                slots.extend([incident] * members)
        rng.shuffle(slots)
        slots = slots[: int(persons * MAX_SHARE_OF_CHUNK)]
        self.roles = len(slots)
        starts = sorted(rng.sample(range(first_pid, first_pid + persons), len(slots)))
        self._due = list(zip(starts, slots, strict=True))
        self._due.reverse()  # popped from the end, in person order
        self._waiting: list[Incident] = []

    def recruit(self, person: Person) -> Incident | None:
        """Give the person the first waiting role they qualify for (a role waits until someone does)."""
        while self._due and self._due[-1][0] <= person.pid:
            self._waiting.append(self._due.pop()[1])
        for position, incident in enumerate(self._waiting):
            if _qualifies(incident.attack, person):
                del self._waiting[position]
                _apply(incident, person)
                return incident
        return None


def _apply(incident: Incident, person: Person) -> None:
    person.hostile_attack = incident.attack
    person.hostile_incident = incident.incident
    attack = incident.attack
    if attack == "shared_business_phone":
        person.crm_phone = incident.phone
    elif attack == "role_address":
        person.decoy_email, person.decoy_rate, person.decoy_is_identifier = incident.value, 1.0, True
    elif attack in ("made_up_email", "placeholder_email"):
        person.decoy_email, person.decoy_rate = incident.value, P_DECOY_EMAIL
    elif attack == "placeholder_user_id":
        person.placeholder_user_id = incident.value
    elif attack in ("fictional_phone", "invalid_phone"):
        person.decoy_phone, person.decoy_rate = incident.phone, P_DECOY_PHONE
    elif attack == "device_chain":
        person.device_chain = incident.chain
        if incident.recruited:  # the first member lends a device; the others borrow one with this address
            person.crm_email = _second_email(person)
    incident.recruited += 1


def _second_email(person: Person) -> str:
    # Another provider than any personal email of the store, so it is nobody else's address.
    first = ascii_fold(person.first_name).lower()
    return f"{first}{person.pid}.private@posteo.de" if person.country == "DE" else f"{first}{person.pid}@proton.me"


def written_business_phone(phone: tuple[str, str], rng: random.Random) -> str:
    """A company phone as an employee types it on their CRM row: always international (the CRM row's country is
    the employee's, not the company's)."""
    country_code, digits = phone
    if country_code == "1":
        return rng.choice(_US_INTERNATIONAL).format(a=digits[:3], e=digits[3:6], l=digits[6:])
    return rng.choice(_DE_LANDLINE_INTERNATIONAL).format(s=digits[2:])
