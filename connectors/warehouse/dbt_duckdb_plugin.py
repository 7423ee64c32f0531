"""dbt-duckdb plugin: registers the scalar UDFs the dbt models call on DuckDB (phone numbers via `phonenumbers`).

Listed under `plugins:` in dbt_project/profiles.yml. Both UDFs are Arrow-vectorized: DuckDB hands over a column
chunk at a time, so Python is entered once per ~2,048 values, and the models call them on distinct values only.
"""

from __future__ import annotations

import phonenumbers
import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.func import PythonUDFType

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
    # Possible (right length for its country) rather than valid: demo and test data use unassigned ranges,
    # and junk such as all-zero numbers is removed by the identity blocklist, not here.
    return number if phonenumbers.is_possible_number(number) else None


def normalize_phone(raw: str | None, region: str | None) -> str | None:
    """E.164 form of one phone number, or None when it cannot be a phone number."""
    number = _parse(raw, region)
    return phonenumbers.format_number(number, _FORMATS["e164"]) if number is not None else None


def format_phone(phone: str | None, style: str | None) -> str | None:
    """An E.164 number written as e164, international or national; None for anything else."""
    number = _parse(phone, None)
    if number is None or style not in _FORMATS:
        return None
    return phonenumbers.format_number(number, _FORMATS[style])


def _normalize_phone_arrow(raw: pa.Array, region: pa.Array) -> pa.Array:
    return pa.array(
        [normalize_phone(value, reg) for value, reg in zip(raw.to_pylist(), region.to_pylist(), strict=True)],
        pa.string(),
    )


def _format_phone_arrow(phone: pa.Array, style: pa.Array) -> pa.Array:
    return pa.array(
        [format_phone(value, kind) for value, kind in zip(phone.to_pylist(), style.to_pylist(), strict=True)],
        pa.string(),
    )


def register_phone_functions(conn: DuckDBPyConnection) -> None:
    """Create `cdp_normalize_phone(raw, region)` and `cdp_format_phone(e164, style)` on one connection."""
    for name, function in (
        ("cdp_normalize_phone", _normalize_phone_arrow),
        ("cdp_format_phone", _format_phone_arrow),
    ):
        conn.create_function(
            name,
            function,
            ["VARCHAR", "VARCHAR"],
            "VARCHAR",
            type=PythonUDFType.ARROW,
            null_handling="special",
            side_effects=False,
        )


class Plugin(BasePlugin):
    """The plugin dbt-duckdb loads by module name; it only adds functions to the connection."""

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        register_phone_functions(conn)
