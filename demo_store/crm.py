"""CRM export `crm/profiles_<chunk>.csv` for about 60% of persons, with messy values to standardize.

`state` comes in variants (`CA`, `Calif.`, `California`, `ca `). `birthday` is in one of three formats told
apart by the separator: `1985-04-12` (ISO, year-month-day), `04/12/1985` (US, month/day/year) and
`12.04.1985` (German, day.month.year). `updated_at` is ISO-8601 with an offset. About 3% of CRM persons appear
twice under different `crm_id`s (an older duplicate record). A CRM record nearly always holds an email (99%;
some of those are junk), 80% a phone; an employee in a `shared_business_phone` incident always has the company's
phone there, and a `device_chain` member their second email (hostile.py). Defects: `missing_all_identifiers` (no crm_id,
email or phone), `unparseable_updated_at`.
"""

from __future__ import annotations

import random
from pathlib import Path

from demo_store.hostile import written_business_phone
from demo_store.persons import Person, exact_phone, written_email, written_phone
from demo_store.timestamps import AS_OF_EPOCH, iso_seconds
from demo_store.writers import CsvFile, DefectLog

P_CRM_EMAIL = 0.99
CRM_HEADER = (
    "crm_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "birthday",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "email_consent",
    "sms_consent",
    "push_consent",
    "consent_updated_at",
    "loyalty_tier",
    "favorite_color",
    "shoe_size",
    "preferred_store",
    "updated_at",
)
_TIERS = ("bronze", "bronze", "silver", "gold", "platinum")
_COLORS = ("black", "blue", "green", "red", "white", "beige", "")
_STORES = {
    "US": ("online", "San Francisco Union Square", "New York SoHo"),
    "DE": ("online", "Berlin Mitte", "München Maxvorstadt"),
}


def _birthday(person: Person, rng: random.Random) -> str:
    year, month, day = person.birthday
    draw = rng.random()
    if draw < 0.6:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if draw < 0.85 if person.country == "US" else draw < 0.7:
        return f"{month:02d}/{day:02d}/{year:04d}"
    return f"{day:02d}.{month:02d}.{year:04d}"


class CrmProfiles:
    """One chunk's CRM CSV; rows of the same person (duplicates) are written next to each other."""

    def __init__(
        self, landing_dir: Path, chunk: int, rng: random.Random, malformed_rate: float, defects: DefectLog
    ) -> None:
        self.relative_file = f"crm/profiles_{chunk:05d}.csv"
        self._file = CsvFile(landing_dir / self.relative_file, CRM_HEADER)
        self._rng = rng
        self._malformed_rate = malformed_rate
        self._defects = defects
        self.records = 0
        self.malformed = 0

    def _row(self, person: Person, crm_id: str, updated_at: float, with_contacts: bool = True) -> list[str]:
        rng = self._rng
        place = person.place
        zip_digits = 5 - len(place.zip_prefix)
        us = person.country == "US"
        return [
            crm_id,
            person.first_name,
            person.last_name,
            self._email(person) if with_contacts and rng.random() < P_CRM_EMAIL else "",
            self._phone(person) if with_contacts and (rng.random() < 0.8 or person.crm_phone[1]) else "",
            _birthday(person, rng) if rng.random() < 0.7 else "",
            person.street,
            place.city,
            rng.choice(place.state_variants),
            f"{place.zip_prefix}{person.pid % (10**zip_digits):0{zip_digits}d}",
            person.country,
            person.email_consent,
            person.sms_consent,
            person.push_consent,
            iso_seconds(person.consent_at, person.zone),
            rng.choice(_TIERS),
            rng.choice(_COLORS),
            str(rng.randint(6, 13) if us else rng.randint(36, 46)) if rng.random() < 0.5 else "",
            rng.choice(_STORES[person.country]),
            iso_seconds(updated_at, person.zone),
        ]

    def _email(self, person: Person) -> str:
        if person.crm_email:  # a second address of the person's, kept in the CRM only (a device chain's link)
            person.note_identifier("email", person.crm_email)
            person.note_hostile("email", person.crm_email)
            return person.crm_email
        return written_email(person, self._rng)

    def _phone(self, person: Person) -> str:
        if person.crm_phone[1]:  # the employer's switchboard, shared by every employee's CRM row
            written = written_business_phone(person.crm_phone, self._rng)
            person.note_identifier("phone", written)
            person.note_hostile("phone", written)
            return written
        if person.crm_email:  # a device chain's member: their own phone, as typed at the counter
            return exact_phone(person, self._rng, national=True)
        return written_phone(person, self._rng, country_on_record=True)

    def _write_malformed(self, person: Person) -> None:
        rng = self._rng
        if rng.random() < 0.5:
            defect = "missing_all_identifiers"
            row = self._row(person, "", person.consent_at, with_contacts=False)
        else:
            defect = "unparseable_updated_at"
            row = self._row(person, person.crm_ids[0], person.consent_at)
            row[-1] = rng.choice(("not-a-date", "yesterday", "2026-13-45T99:00:00+01:00"))
        self._file.write_row(row)
        self.records += 1
        self.malformed += 1
        self._defects.record(self.relative_file, self.records + 1, defect)

    def write_person(self, person: Person) -> None:
        """Write the person's CRM record(s), if they are in the CRM."""
        if not person.crm_ids:
            return
        rng = self._rng
        if rng.random() < self._malformed_rate:
            self._write_malformed(person)
        updated = person.consent_at + rng.random() * (AS_OF_EPOCH - person.consent_at)
        for copy, crm_id in enumerate(person.crm_ids):
            person.note_identifier("crm_id", crm_id)
            self._file.write_row(self._row(person, crm_id, updated - copy * 200 * 86400))
            self.records += 1

    def close(self) -> None:
        """Close the CSV file."""
        self._file.close()
