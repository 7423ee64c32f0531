"""Names, places and streets the demo store's people are drawn from (US and German customers)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Zone:
    """A UTC offset as the sources write it: `+02:00` in ISO-8601, `+0200` in Shopify exports."""

    offset_minutes: int
    iso_suffix: str
    compact_suffix: str


UTC = Zone(0, "Z", "+0000")
US_EASTERN = Zone(-300, "-05:00", "-0500")
US_CENTRAL = Zone(-360, "-06:00", "-0600")
US_MOUNTAIN = Zone(-420, "-07:00", "-0700")
US_PACIFIC = Zone(-480, "-08:00", "-0800")
CET = Zone(60, "+01:00", "+0100")
CEST = Zone(120, "+02:00", "+0200")


@dataclass(frozen=True, slots=True)
class Place:
    """A city with its state written every way CRMs write it (`CA`, `Calif.`, `California`, `ca `)."""

    city: str
    state_code: str
    state_name: str
    state_variants: tuple[str, ...]
    zip_prefix: str
    zone: Zone


US_PLACES = (
    Place(
        "San Francisco", "CA", "California", ("CA", "Calif.", "California", "ca ", "Ca"), "941", US_PACIFIC
    ),
    Place("Los Angeles", "CA", "California", ("CA", "Calif.", "California", "ca "), "900", US_PACIFIC),
    Place("New York", "NY", "New York", ("NY", "N.Y.", "New York", "ny", "new york"), "100", US_EASTERN),
    Place("Brooklyn", "NY", "New York", ("NY", "N.Y.", "New York", "ny "), "112", US_EASTERN),
    Place("Austin", "TX", "Texas", ("TX", "Tex.", "Texas", "tx"), "787", US_CENTRAL),
    Place("Chicago", "IL", "Illinois", ("IL", "Ill.", "Illinois", "il "), "606", US_CENTRAL),
    Place("Seattle", "WA", "Washington", ("WA", "Wash.", "Washington", "wa"), "981", US_PACIFIC),
    Place("Boston", "MA", "Massachusetts", ("MA", "Mass.", "Massachusetts", "ma "), "021", US_EASTERN),
    Place("Denver", "CO", "Colorado", ("CO", "Colo.", "Colorado", "co"), "802", US_MOUNTAIN),
    Place("Miami", "FL", "Florida", ("FL", "Fla.", "Florida", "fl "), "331", US_EASTERN),
)
DE_PLACES = (
    Place("Berlin", "BE", "Berlin", ("BE", "Berlin", "berlin", "BE "), "10", CET),
    Place("München", "BY", "Bayern", ("BY", "Bayern", "Bavaria", "Bay."), "80", CEST),
    Place("Hamburg", "HH", "Hamburg", ("HH", "Hamburg", "hamburg"), "20", CET),
    Place("Köln", "NW", "Nordrhein-Westfalen", ("NW", "NRW", "Nordrhein-Westfalen", "nrw "), "50", CEST),
    Place("Frankfurt am Main", "HE", "Hessen", ("HE", "Hessen", "Hesse"), "60", CET),
)

US_FIRST_NAMES = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Chris",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Steven",
    "Ashley",
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Ethan",
    "Sophia",
    "Mason",
    "Mia",
    "Lucas",
)
US_LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
)
DE_FIRST_NAMES = (
    "Lukas",
    "Anna",
    "Leon",
    "Lena",
    "Finn",
    "Marie",
    "Jonas",
    "Sophie",
    "Paul",
    "Laura",
    "Felix",
    "Julia",
    "Maximilian",
    "Hannah",
    "Elias",
    "Lea",
    "Noah",
    "Emilia",
    "Ben",
    "Clara",
    "Jürgen",
    "Sabine",
    "Thomas",
    "Petra",
    "Stefan",
    "Katrin",
    "Andreas",
    "Birgit",
    "Uwe",
    "Jörg",
)
DE_LAST_NAMES = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
)
US_STREETS = (
    "Main St",
    "Oak Ave",
    "Maple Dr",
    "Cedar Ln",
    "Pine St",
    "Elm St",
    "Washington Ave",
    "Lake Rd",
    "Hill St",
    "Park Ave",
    "Sunset Blvd",
    "Mission St",
    "Broadway",
    "2nd Ave",
    "Valencia St",
)
DE_STREETS = (
    "Hauptstraße",
    "Bahnhofstraße",
    "Gartenweg",
    "Schillerstraße",
    "Goethestraße",
    "Lindenallee",
    "Bergstraße",
    "Kirchplatz",
    "Friedrichstraße",
    "Rosenweg",
)
US_AREA_CODES = ("212", "305", "312", "415", "512", "617", "646", "720", "206", "213")
# Lines 555-0100..0199 are kept for fiction in every North American area code: valid to phonenumbers, but the
# identity blocklist rejects them, so a person's phone never falls there; such a slot takes a line of the spare
# area code, which no other person's phone and no company phone of hostile.py uses.
US_FICTIONAL_LINES = range(5_550_100, 5_550_200)
US_SPARE_AREA_CODE = "347"
DE_MOBILE_PREFIXES = ("151", "152", "157")
PERSONAL_EMAIL_DOMAINS_US = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com")
PERSONAL_EMAIL_DOMAINS_DE = ("gmail.com", "web.de", "gmx.de", "t-online.de", "outlook.de", "icloud.com")
COMPANIES = ("Acme Corp", "Globex GmbH", "Initech", "Umbrella LLC", "Hooli")

_ASCII_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def ascii_fold(text: str) -> str:
    """German umlauts spelled out, as people write them in email addresses (`Müller` -> `Mueller`)."""
    return text.translate(_ASCII_FOLD)
