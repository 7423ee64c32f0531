"""Phone numbers read and written with `phonenumbers`, one value or a list of them.

Kept apart from the dbt plugin: the worker processes that parse phone numbers in parallel (see
dbt_duckdb_plugin.py) look up the function they are sent by its module, and this one needs only `phonenumbers`.
"""

from __future__ import annotations

import phonenumbers

_FORMATS = {
    "e164": phonenumbers.PhoneNumberFormat.E164,
    "international": phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    "national": phonenumbers.PhoneNumberFormat.NATIONAL,
}


def _parse(raw: str | None, region: str | None) -> phonenumbers.PhoneNumber | None:
    """The number in `raw` read with `region` for numbers without a country code; None when it is no number."""
    if raw is None or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def normalize_phone(raw: str | None, region: str | None) -> str | None:
    """E.164 form of one phone number, or None unless phonenumbers reads it as a valid number of its country."""
    number = _parse(raw, region)
    # Valid (in a range assigned in its country), not merely possible (the right length): a possible number such
    # as +1 000 000 0000 or a German mobile one digit short is nobody's, and would link strangers who typed it.
    # The ranges kept for fiction (555-01xx) are valid here; the identity blocklist removes them.
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, _FORMATS["e164"])


def reader_version() -> str:
    """The phonenumbers release: its metadata decides which numbers are valid."""
    return f"phonenumbers {phonenumbers.__version__}"


def format_phone(phone: str | None, style: str | None) -> str | None:
    """An E.164 number written as e164, international or national; None for anything else."""
    number = _parse(phone, None)
    if number is None or style not in _FORMATS:
        return None
    return phonenumbers.format_number(number, _FORMATS[style])


def normalize_phones(pairs: list[tuple[str | None, str | None]]) -> list[str | None]:
    """`normalize_phone` of each (raw, region) pair, in order."""
    return [normalize_phone(raw, region) for raw, region in pairs]


def format_phones(pairs: list[tuple[str | None, str | None]]) -> list[str | None]:
    """`format_phone` of each (phone, style) pair, in order."""
    return [format_phone(phone, style) for phone, style in pairs]
