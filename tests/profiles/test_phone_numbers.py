"""Phone normalization: values that differ only in punctuation are read once, and every raw value still gets exactly
what phonenumbers makes of it on its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from assets.ingest.raw_tables import create_raw_tables
from assets.profiles.identity_config import load_identity_config
from connectors.warehouse.phone_numbers import normalize_phone, reader_version
from core.settings import PROJECT_ROOT

# Each written as people and stores write them: punctuation variants of one number, international prefixes,
# and text that is more than punctuation (letters, an extension, a second number), which must keep its own reading.
RAW_PHONES = [
    "(415) 555-0199", "415.555.0199", "415-555-0199", "4155550199", " 415 555 0199 ", "+1 (415) 555-0199",
    "+14155550199", "+1-415-555-0199", "001 415 555 0199", "0014155550199", "0151 12345678", "0151/12345678",
    "015112345678", "+49 151 12345678", "0049151 12345678", "+49151/12345678", "1-800-FLOWERS",
    "415-555-0199 ext. 12", "415-555-0199 x12", "415 555 0199 / 415 555 0100", "+", "()", "12", "++1 415 555 0199",
    "1+415 555 0199", "+44 20 7946 0958", "020 7946 0958", "(199) 234-5678", "+49 151 2345678",
]
REGIONS = ["US", "DE"]


def _crm_phones_warehouse(path: Path, phones: list[str]) -> None:
    """A warehouse whose CRM holds one US row per phone."""
    con = duckdb.connect(str(path))
    create_raw_tables(con)
    for line, raw in enumerate(phones, start=1):
        con.execute(
            "insert into raw.crm_profiles (crm_id, phone, country, source_name, source_label, _file, _line,"
            " _loaded_at, _row_hash) values (?, ?, 'US', 'crm', 'crm', 'f', ?, ?, ?)",
            [f"c{line}", raw, line, datetime(2026, 1, 1, tzinfo=UTC), f"h{line}"],
        )
    con.close()


@pytest.fixture(scope="module")
def normalized(
    tmp_path_factory: pytest.TempPathFactory, invoke_dbt: Callable[..., object]
) -> dict[tuple[str, str], str | None]:
    """`int_phone_numbers_normalized` built over CRM rows carrying every raw phone in every region."""
    root = tmp_path_factory.mktemp("phones")
    path = root / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    create_raw_tables(con)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    line = 0
    for region in REGIONS:
        for raw in RAW_PHONES:
            line += 1
            con.execute(
                "insert into raw.crm_profiles (crm_id, phone, country, source_name, source_label, _file, _line,"
                " _loaded_at, _row_hash) values (?, ?, ?, 'crm', 'crm', 'f', ?, ?, ?)",
                [f"c{line}", raw, region, line, at, f"h{line}"],
            )
    con.close()
    dbt_vars = {"cdp_identity": load_identity_config(PROJECT_ROOT / "config").as_dbt_var()}
    invoke_dbt(path, root / "target", "build", "--select", "path:models/staging", "int_phone_numbers_normalized",
               dbt_vars=dbt_vars)
    # dbt ran in this process and may still hold the file open: connect with the same (default) configuration.
    with duckdb.connect(str(path)) as con:
        rows = con.execute(
            "select phone_raw, phone_region, phone_e164 from intermediate.int_phone_numbers_normalized"
        ).fetchall()
    return {(raw, region): e164 for raw, region, e164 in rows}


def test_every_raw_phone_gets_what_phonenumbers_reads_from_it_alone(normalized) -> None:
    staged_raw = {raw.strip() for raw in RAW_PHONES if raw.strip()}
    assert {raw for raw, _ in normalized} == staged_raw
    for (raw, region), e164 in normalized.items():
        direct = normalize_phone(raw, region) or (
            normalize_phone("+" + raw.lstrip()[2:], region) if raw.lstrip().startswith("00") else None
        )
        assert e164 == direct, (raw, region)


def test_punctuation_variants_of_one_number_meet_in_one_e164(normalized) -> None:
    variants = ["(415) 555-0199", "415.555.0199", "4155550199", "+1-415-555-0199", "001 415 555 0199"]
    assert {normalized[(raw, "US")] for raw in variants} == {"+14155550199"}
    assert {normalized[(raw, "DE")] for raw in ["0151/12345678", "0049151 12345678", "+49 151 12345678"]} == {
        "+4915112345678"
    }


def test_a_possible_number_that_is_not_valid_reads_as_no_number(normalized) -> None:
    # The right length, but area codes never start with 1, and German mobile numbers after 0151 have 8 digits.
    for region in REGIONS:
        assert normalized[("(199) 234-5678", region)] is None
        assert normalized[("+49 151 2345678", region)] is None
    assert normalized[("+49 151 12345678", "US")] == "+4915112345678"


def test_normalize_phone_keeps_valid_numbers_only() -> None:
    assert normalize_phone("(199) 234-5678", "US") is None
    assert normalize_phone("+1 000 000 0000", "US") is None
    assert normalize_phone("0151 2345678", "DE") is None
    assert normalize_phone("0151 23456789", "DE") == "+4915123456789"
    assert normalize_phone("(212) 736-5000", "US") == "+12127365000"
    # Valid to phonenumbers; the identity blocklist's phone pattern makes the fictional range junk.
    assert normalize_phone("(415) 555-0123", "US") == "+14155550123"


@pytest.fixture
def build_phones(
    tmp_path: Path, invoke_dbt: Callable[..., object]
) -> tuple[Path, Callable[[], dict[str, tuple]]]:
    """A warehouse of CRM phones, and a build of int_phone_numbers_normalized over it giving raw -> (E.164,
    read_by)."""
    path = tmp_path / "warehouse.duckdb"
    _crm_phones_warehouse(path, ["(199) 234-5678", "(212) 736-5000"])
    dbt_vars = {"cdp_identity": load_identity_config(PROJECT_ROOT / "config").as_dbt_var()}

    def build() -> dict[str, tuple]:
        invoke_dbt(path, tmp_path / "target", "build", "--select", "path:models/staging",
                   "int_phone_numbers_normalized", dbt_vars=dbt_vars)
        with duckdb.connect(str(path)) as con:
            rows = con.execute(
                "select phone_raw, phone_e164, read_by from intermediate.int_phone_numbers_normalized"
            ).fetchall()
        assert len(rows) == len({raw for raw, _, _ in rows})  # one row per raw value: replaced, never duplicated
        return {raw: (e164, read_by) for raw, e164, read_by in rows}

    return path, build


def test_a_value_read_by_another_phonenumbers_release_is_read_again(build_phones) -> None:
    path, build = build_phones
    current = reader_version()
    assert build() == {"(199) 234-5678": (None, current), "(212) 736-5000": ("+12127365000", current)}
    with duckdb.connect(str(path)) as con:
        # What an older release might have made of them; only the row it read is read again.
        con.execute("update intermediate.int_phone_numbers_normalized set phone_e164 = '+11992345678',"
                    " read_by = 'phonenumbers 8.0.0' where phone_raw = '(199) 234-5678'")
        con.execute("update intermediate.int_phone_numbers_normalized set phone_e164 = '+10000000000'"
                    " where phone_raw = '(212) 736-5000'")
    assert build() == {"(199) 234-5678": (None, current), "(212) 736-5000": ("+10000000000", current)}


def test_a_table_from_before_read_by_is_read_again_whole(build_phones) -> None:
    path, build = build_phones
    build()
    with duckdb.connect(str(path)) as con:
        # The table as it was when possible numbers were kept, without the column.
        con.execute("alter table intermediate.int_phone_numbers_normalized drop column read_by")
        con.execute("update intermediate.int_phone_numbers_normalized set phone_e164 = '+11992345678'"
                    " where phone_raw = '(199) 234-5678'")
    current = reader_version()
    assert build() == {"(199) 234-5678": (None, current), "(212) 736-5000": ("+12127365000", current)}
