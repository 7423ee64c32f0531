"""The demo store's people get phone numbers that phonenumbers says are valid, outside the fictional 555-01xx lines,
one per person: a real person's phone that identity resolution rejects as junk would lower its recall."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from demo_store.persons import _phone_number

# Persons are numbered into 80 M US phone slots: (pid * 7919 + 12345) mod 80 M, 8 M lines from 200-0000 in each
# of ten area codes. The pids whose slot is one of the 100 lines 555-0100..0199 of an area code, solved directly.
SLOTS = 80_000_000
FICTIONAL_PIDS = [
    ((area * 8_000_000 + 5_550_100 - 2_000_000 + line - 12345) * pow(7919, -1, SLOTS)) % SLOTS
    for area in range(10)
    for line in range(100)
]


def _e164(pid: int, country: str) -> str:
    country_code, national = _phone_number(pid, random.Random(pid), country)
    return f"+{country_code}{national}"


def _is_fictional(e164: str) -> bool:
    return e164.startswith("+1") and e164[5:10] == "55501"


@pytest.mark.parametrize("country", ["US", "DE"])
def test_every_persons_phone_is_valid_and_not_fictional(country: str) -> None:
    pids = FICTIONAL_PIDS + list(range(0, 10_000_000, 997))
    phones = [_e164(pid, country) for pid in pids]
    assert [phone for phone in phones if not phonenumbers.is_valid_number(phonenumbers.parse(phone))] == []
    assert [phone for phone in phones if _is_fictional(phone)] == []


def test_us_phones_stay_one_per_person_where_the_fictional_lines_were_skipped() -> None:
    pids = FICTIONAL_PIDS + list(range(200_000))
    assert len(set(FICTIONAL_PIDS)) == 1000
    assert len({_e164(pid, "US") for pid in pids}) == len(set(pids))
