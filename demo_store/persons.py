"""The people of the store, drawn one by one, and how their identifiers get written in each source.

A person is anonymous-only (browses, never identifies) or known. Known persons may have a Shopify account
(`userId` on the web), buy on the web, at the till (POS) and in the WooCommerce store, sit in the CRM, share a
family email with a household, and follow a BG/NBD purchase process (rate from a gamma, dropout from a beta).
Every identifier value a source writes is noted on the person, exactly as written, for the ground truth.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import TYPE_CHECKING

from demo_store import locales
from demo_store.catalog import CATEGORY_BY_NAME, Catalog, Product
from demo_store.locales import UTC, Place, Zone
from demo_store.timestamps import AS_OF_EPOCH, HISTORY_DAYS, START_EPOCH

if TYPE_CHECKING:
    from demo_store.hostile import DeviceChain

P_ANONYMOUS_ONLY = 0.20
P_WEB_GIVEN_KNOWN = 0.85
P_ACCOUNT_GIVEN_WEB = 0.80
P_BUYER = 0.85
P_HAS_PHONE = 0.85
P_CRM_GIVEN_KNOWN = 0.75
P_CRM_DUPLICATE = 0.03
P_HOUSEHOLD_START = 0.03
P_JUNK_IDENTIFIER = 0.02
JUNK_EMAILS = ("test@test.com", "noemail@example.com", "n/a", "", "none@none.com", "x@x.x")
JUNK_PHONES = ("000-000-0000", "1234567890", "n/a", "", "0000000000")
CONSENT_SUBSCRIBED = "subscribed"
CONSENT_UNSUBSCRIBED = "unsubscribed"
CONSENT_NEVER = "never_subscribed"


class Person:
    """One person and everything the sources will say about them; `identifiers` is the ground truth."""

    __slots__ = (
        "pid",
        "person_id",
        "household_id",
        "country",
        "zone",
        "place",
        "first_name",
        "last_name",
        "email",
        "phone_cc",
        "phone_national",
        "birthday",
        "street",
        "address2",
        "is_known",
        "is_web",
        "has_account",
        "shopify_customer_id",
        "woo_customer_id",
        "crm_ids",
        "email_consent",
        "sms_consent",
        "push_consent",
        "consent_at",
        "hub_user",
        "app_user",
        "first_seen",
        "buyer",
        "orders_per_year",
        "dropout_probability",
        "channel_weights",
        "favorite_categories",
        "staple",
        "subscriber",
        "open_rate",
        "click_rate",
        "identifiers",
        "hostile_attack",
        "hostile_incident",
        "hostile_values",
        "decoy_email",
        "decoy_phone",
        "decoy_rate",
        "decoy_is_identifier",
        "crm_email",
        "crm_phone",
        "placeholder_user_id",
        "device_chain",
    )

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.person_id = f"P{pid:08d}"
        self.household_id = ""
        self.email: str | None = None
        self.phone_cc = ""
        self.phone_national = ""
        self.is_known = False
        self.is_web = True
        self.has_account = False
        self.shopify_customer_id = ""
        self.woo_customer_id = 0
        self.crm_ids: list[str] = []
        self.email_consent = CONSENT_NEVER
        self.sms_consent = CONSENT_NEVER
        self.push_consent = CONSENT_NEVER
        self.consent_at = 0.0
        self.hub_user = False
        self.app_user = False
        self.buyer = False
        self.orders_per_year = 0.0
        self.dropout_probability = 0.0
        self.channel_weights = (1.0, 0.0, 0.0)
        self.favorite_categories: tuple[str, ...] = ()
        self.staple: Product | None = None
        self.subscriber = False
        self.identifiers: dict[tuple[str, str], None] = {}
        # A role in a hostile incident (hostile.py), and the hostile values written: none for most persons.
        self.hostile_attack = ""
        self.hostile_incident = ""
        self.hostile_values: dict[tuple[str, str], None] = {}
        self.decoy_email = ""
        self.decoy_phone = ("", "")
        self.decoy_rate = 0.0
        self.decoy_is_identifier = False
        self.crm_email = ""
        self.crm_phone = ("", "")
        self.placeholder_user_id = ""
        self.device_chain: DeviceChain | None = None

    def note_identifier(self, id_type: str, value: str) -> None:
        """Record an identifier value exactly as a source wrote it (deduplicated, in first-seen order)."""
        self.identifiers[(id_type, value)] = None

    def note_hostile(self, id_type: str, value: str) -> None:
        """Record a hostile value the person wrote, for `ground_truth/hostile.csv.gz`."""
        self.hostile_values[(id_type, value)] = None


def _phone_number(pid: int, rng: random.Random, country: str) -> tuple[str, str]:
    # A bijective scramble of the person number keeps every phone unique without a lookup table.
    scrambled = (pid * 7919 + 12345) % 80_000_000
    if country == "US":
        area_index, line = divmod(scrambled, 8_000_000)
        line += 2_000_000
        if line in locales.US_FICTIONAL_LINES:
            # Nobody's number: the slot moves to the spare area code, at a line no other slot takes there.
            spare_line = 2_000_000 + area_index * len(locales.US_FICTIONAL_LINES) + line - locales.US_FICTIONAL_LINES[0]
            return "1", f"{locales.US_SPARE_AREA_CODE}{spare_line:07d}"
        return "1", f"{locales.US_AREA_CODES[area_index]}{line:07d}"
    prefix = rng.choice(locales.DE_MOBILE_PREFIXES)
    return "49", f"{prefix}{(pid * 7919 + 12345) % 100_000_000:08d}"


def _personal_email(pid: int, first: str, last: str, rng: random.Random, country: str) -> str:
    first_ascii, last_ascii = locales.ascii_fold(first).lower(), locales.ascii_fold(last).lower()
    domains = locales.PERSONAL_EMAIL_DOMAINS_US if country == "US" else locales.PERSONAL_EMAIL_DOMAINS_DE
    style = rng.random()
    if style < 0.5:
        local = f"{first_ascii}.{last_ascii}{pid}"
    elif style < 0.8:
        local = f"{first_ascii}_{last_ascii}{pid}"
    else:
        local = f"{first_ascii[0]}{last_ascii}.{pid}"
    return f"{local}@{rng.choice(domains)}"


def _crm_id(pid: int, copy: int) -> str:
    return f"CRM-{((pid * 2 + copy) * 48271) % 10_000_000_000:010d}"


def _draw_consent(rng: random.Random, subscribed: float, unsubscribed: float) -> str:
    draw = rng.random()
    if draw < subscribed:
        return CONSENT_SUBSCRIBED
    if draw < subscribed + unsubscribed:
        return CONSENT_UNSUBSCRIBED
    return CONSENT_NEVER


def _draw_address(person: Person, rng: random.Random, place: Place) -> None:
    person.place = place
    if person.country == "US":
        person.street = f"{rng.randint(1, 9999)} {rng.choice(locales.US_STREETS)}"
        person.address2 = f"Apt {rng.randint(1, 40)}{rng.choice('ABCD')}" if rng.random() < 0.2 else ""
    else:
        person.street = f"{rng.choice(locales.DE_STREETS)} {rng.randint(1, 120)}"
        person.address2 = ""


def _draw_buying(person: Person, rng: random.Random, catalog: Catalog) -> None:
    person.buyer = rng.random() < P_BUYER
    person.orders_per_year = rng.gammavariate(0.9, 2.2)
    person.dropout_probability = rng.betavariate(1.2, 3.5)
    web = 0.7 if person.is_web else 0.0
    pos = 0.3 if rng.random() < 0.3 else 0.0
    woo = 0.5 if rng.random() < 0.25 else 0.0
    if web + pos + woo == 0.0:
        pos = 1.0
    person.channel_weights = (web, pos, woo)
    favorites = tuple(dict.fromkeys(catalog.pick_category(rng) for _ in range(2)))
    person.favorite_categories = favorites
    repeatable = [name for name in favorites if CATEGORY_BY_NAME[name].repeat_days]
    person.staple = catalog.pick_product(rng, repeatable[0]) if repeatable else None
    person.subscriber = (
        person.buyer and person.has_account and person.staple is not None and web > 0 and rng.random() < 0.12
    )
    if woo and rng.random() < 0.7:
        person.woo_customer_id = 10_000 + person.pid


def draw_persons(rng: random.Random, first_pid: int, count: int, catalog: Catalog) -> Iterator[Person]:
    """Persons `first_pid ..` one at a time; households (2-4 people sharing one email) stay contiguous."""
    household_left = 0
    head: Person | None = None
    last_pid = first_pid + count - 1
    for pid in range(first_pid, last_pid + 1):
        person = Person(pid)
        if household_left > 0 and head is not None:
            household_left -= 1
            person.is_known = True
            person.household_id = head.household_id
            person.country, person.zone, person.last_name = head.country, head.zone, head.last_name
            person.email = head.email
            first_names = locales.US_FIRST_NAMES if person.country == "US" else locales.DE_FIRST_NAMES
            person.first_name = rng.choice(first_names)
            person.place, person.street, person.address2 = head.place, head.street, head.address2
        else:
            household_left = 0
            person.is_known = rng.random() >= P_ANONYMOUS_ONLY
            person.country = "US" if rng.random() < 0.65 else "DE"
            us = person.country == "US"
            place = rng.choice(locales.US_PLACES if us else locales.DE_PLACES)
            person.zone = place.zone
            person.first_name = rng.choice(locales.US_FIRST_NAMES if us else locales.DE_FIRST_NAMES)
            person.last_name = rng.choice(locales.US_LAST_NAMES if us else locales.DE_LAST_NAMES)
            _draw_address(person, rng, place)
            if person.is_known:
                if rng.random() < P_HOUSEHOLD_START and pid < last_pid:
                    household_left = min(rng.randint(1, 3), last_pid - pid)
                    person.household_id = f"H{pid:08d}"
                    last = locales.ascii_fold(person.last_name).lower()
                    domain = rng.choice(
                        locales.PERSONAL_EMAIL_DOMAINS_US if us else locales.PERSONAL_EMAIL_DOMAINS_DE
                    )
                    person.email = f"the{last}s.{pid}@{domain}"
                    head = person
                else:
                    person.email = _personal_email(
                        pid, person.first_name, person.last_name, rng, person.country
                    )
        _draw_details(person, rng, catalog)
        yield person


def _draw_details(person: Person, rng: random.Random, catalog: Catalog) -> None:
    person.first_seen = START_EPOCH + HISTORY_DAYS * 86400 * (rng.random() ** 0.7)
    person.birthday = (rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))
    person.open_rate = 0.05 + 0.5 * rng.random()
    person.click_rate = 0.02 + 0.2 * rng.random() ** 2
    if not person.is_known:
        return
    if rng.random() < P_HAS_PHONE or person.household_id:
        person.phone_cc, person.phone_national = _phone_number(person.pid, rng, person.country)
    # Household members each keep their own phone and Shopify account behind the shared family email.
    person.is_web = bool(person.household_id) or rng.random() < P_WEB_GIVEN_KNOWN
    person.has_account = bool(person.household_id) or (person.is_web and rng.random() < P_ACCOUNT_GIVEN_WEB)
    _draw_buying(person, rng, catalog)
    if not person.has_account and person.channel_weights[1] > 0 and rng.random() < 0.3:
        person.has_account = True  # a customer record created at the till
    if person.has_account:
        person.shopify_customer_id = f"shopify_c_{1_000_000 + person.pid}"
        person.hub_user = person.is_web and rng.random() < 0.3
        person.app_user = person.is_web and rng.random() < 0.2
    if rng.random() < P_CRM_GIVEN_KNOWN:
        person.crm_ids.append(_crm_id(person.pid, 0))
        if rng.random() < P_CRM_DUPLICATE:
            person.crm_ids.append(_crm_id(person.pid, 1))
    person.email_consent = _draw_consent(rng, 0.45, 0.15)
    if person.phone_national:
        person.sms_consent = _draw_consent(rng, 0.20, 0.08)
    if person.app_user:
        person.push_consent = _draw_consent(rng, 0.6, 0.1)
    person.consent_at = person.first_seen + rng.uniform(0, max(1.0, AS_OF_EPOCH - person.first_seen))


def written_email(person: Person, rng: random.Random) -> str:
    """The person's email as one source writes it: mostly clean, sometimes upper case, padded or junk; a member
    of a hostile incident may type its decoy instead."""
    if person.decoy_email and rng.random() < person.decoy_rate:
        person.note_hostile("email", person.decoy_email)
        if person.decoy_is_identifier:
            person.note_identifier("email", person.decoy_email)
        return person.decoy_email
    email = person.email
    draw = rng.random()
    if email is None or draw < P_JUNK_IDENTIFIER:
        return rng.choice(JUNK_EMAILS)
    if draw < 0.72:
        written = email
    elif draw < 0.82:
        written = email.capitalize()
    elif draw < 0.88:
        written = email.upper()
    elif draw < 0.95:
        written = f" {email} "
    else:
        written = f"  {email.title()}"
    person.note_identifier("email", written)
    return written


_US_NATIONAL = ("({a}) {e}-{l}", "{a}.{e}.{l}", "{a}-{e}-{l}", "{a}{e}{l}")
_US_INTERNATIONAL = ("+1 ({a}) {e}-{l}", "+1{a}{e}{l}", "001 {a} {e} {l}", "+1-{a}-{e}-{l}")
_DE_NATIONAL = ("0{p} {s}", "0{p}/{s}", "0{p}{s}")
_DE_INTERNATIONAL = ("+49 {p} {s}", "0049{p}{s}", "+49{p}{s}")


def written_phone(person: Person, rng: random.Random, country_on_record: bool) -> str:
    """The phone as one source writes it; national formats only where the record also carries a country. A member
    of a hostile incident may type its decoy (a fictional or invalid number, nobody's identifier) instead."""
    if person.decoy_phone[1] and rng.random() < person.decoy_rate:
        country_code, digits = person.decoy_phone
        written = _formatted_phone(country_code, digits, country_on_record and rng.random() < 0.55, rng)
        person.note_hostile("phone", written)
        return written
    draw = rng.random()
    if not person.phone_national:
        return rng.choice(JUNK_PHONES) if draw < 0.1 else ""
    if draw < P_JUNK_IDENTIFIER:
        return rng.choice(JUNK_PHONES)
    written = _formatted_phone(person.phone_cc, person.phone_national, country_on_record and draw < 0.55, rng)
    person.note_identifier("phone", written)
    return written


def exact_phone(person: Person, rng: random.Random, national: bool) -> str:
    """The person's own phone, never junk: national (the record carries the country) or with `+` and the
    country code; for a link that must hold as written (a device chain's, hostile.py)."""
    if national:
        written = _formatted_phone(person.phone_cc, person.phone_national, True, rng)
    else:
        written = f"+{person.phone_cc}{person.phone_national}"
    person.note_identifier("phone", written)
    return written


def _formatted_phone(country_code: str, digits: str, national: bool, rng: random.Random) -> str:
    if country_code == "1":
        pattern = rng.choice(_US_NATIONAL if national else _US_INTERNATIONAL)
        return pattern.format(a=digits[:3], e=digits[3:6], l=digits[6:])
    pattern = rng.choice(_DE_NATIONAL if national else _DE_INTERNATIONAL)
    return pattern.format(p=digits[:3], s=digits[3:])


def birthday_iso(person: Person) -> str:
    """Birthday as `YYYY-MM-DD`."""
    year, month, day = person.birthday
    return f"{year:04d}-{month:02d}-{day:02d}"


def event_zone(person: Person, rng: random.Random) -> Zone:
    """The offset a device of this person writes: its local one or UTC (`Z`), about half each."""
    return person.zone if rng.random() < 0.5 else UTC
