"""Static lists: profiles named in a CSV by email, phone or an external id, normalized as marts.profile_identities
holds them; lines matching nobody reported, malformed files failing with file and line.

The store: p1 ana@example.com, p2 +4915112345678, p3 crm_id CRM-3, p4 dan@example.com and suppressed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
import yaml

from assets.intelligence.segments.membership import refresh_segments
from assets.intelligence.segments.segments_config import load_segments_config
from core.config_files import ConfigError

RUN = dt.datetime(2026, 7, 1, 2, tzinfo=dt.UTC)
IDENTITIES = [
    ("p1", "email", "ana@example.com"), ("p2", "phone", "+4915112345678"), ("p3", "crm_id", "CRM-3"),
    ("p4", "email", "dan@example.com"),
]


@pytest.fixture
def con(warehouse_path: Path, stand_in) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(warehouse_path))
    stand_in(connection, "marts.profiles", [
        {"profile_id": profile_id, "is_suppressed": profile_id == "p4"} for profile_id in ("p1", "p2", "p3", "p4")
    ])
    stand_in(connection, "marts.profile_identities", [
        {"profile_identity_key": f"{kind}|{value}", "profile_id": profile_id, "identifier_type": kind,
         "identifier_value": value} for profile_id, kind, value in IDENTITIES
    ])
    stand_in(connection, "marts.events", [])
    stand_in(connection, "marts.identity_merges", [])
    yield connection
    connection.close()


def configure(config_dir: Path, lists: list[dict], files: dict[str, str], segments: list[dict] | None = None):
    for name, text in files.items():
        (config_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (config_dir / name).write_text(text)
    (config_dir / "segments.yaml").write_text(yaml.safe_dump({"segments": segments or [], "lists": lists}))
    return load_segments_config(config_dir)


def membership(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select segment_name, kind, profile_id, is_activatable from analytics.segment_membership order by all"
    ).fetchall()


def test_lists_match_by_email_phone_and_external_id(con, copy_config) -> None:
    config_dir = copy_config()
    config = configure(config_dir, [
        {"name": "By email", "file": "lists/emails.csv", "match_on": "email"},
        {"name": "By phone", "file": "lists/phones.csv", "match_on": "phone", "default_region": "DE"},
        {"name": "By CRM id", "file": "lists/crm.csv", "match_on": "crm_id", "column": "customer"},
    ], {
        # Line 3 names nobody; line 4 is blank and skipped; line 5 is a suppressed profile.
        "lists/emails.csv": "email,note\n  Ana@Example.COM ,trimmed and lower-cased\nnobody@example.com,x\n\n"
                            "dan@example.com,suppressed\n",
        # A national number read with default_region; a number one digit short and text are no phone numbers.
        "lists/phones.csv": "phone\n0151 12345678\n+49 151 1234567\nnot a phone\n",
        "lists/crm.csv": "name,customer\nCem,CRM-3\nDora,CRM-9\n",
    })
    run = refresh_segments(con, config, config_dir, RUN)
    assert membership(con) == [
        ("By CRM id", "list", "p3", True),
        ("By email", "list", "p1", True),
        ("By email", "list", "p4", False),
        ("By phone", "list", "p2", True),
    ]
    assert run.lists.lines_read == {"By email": 3, "By phone": 3, "By CRM id": 2}
    assert run.lists.unmatched_count == {"By email": 1, "By phone": 2, "By CRM id": 1}
    assert run.lists.unmatched_lines == {
        "By email": ["lists/emails.csv:3"],
        "By phone": ["lists/phones.csv:3", "lists/phones.csv:4"],
        "By CRM id": ["lists/crm.csv:3"],
    }


def test_a_phone_without_country_code_matches_nobody_without_a_default_region(con, copy_config) -> None:
    config_dir = copy_config()
    config = configure(config_dir, [{"name": "Phones", "file": "lists/phones.csv", "match_on": "phone"}],
                       {"lists/phones.csv": "phone\n0151 12345678\n+49 151 12345678\n"})
    run = refresh_segments(con, config, config_dir, RUN)
    assert membership(con) == [("Phones", "list", "p2", True)]
    assert run.lists.unmatched_lines == {"Phones": ["lists/phones.csv:2"]}


def test_a_list_is_usable_in_a_segment(con, copy_config) -> None:
    config_dir = copy_config()
    config = configure(
        config_dir, [{"name": "VIP", "file": "lists/vip.csv", "match_on": "email"}],
        {"lists/vip.csv": "email\nana@example.com\ndan@example.com\n"},
        segments=[{"name": "VIP not suppressed", "condition": {"all": [
            {"list": "VIP"}, {"profile": {"property": "is_suppressed", "operator": "equals", "value": False}}]}}],
    )
    refresh_segments(con, config, config_dir, RUN)
    assert [row for row in membership(con) if row[0] == "VIP not suppressed"] == [
        ("VIP not suppressed", "segment", "p1", True)
    ]


@pytest.mark.parametrize(("text", "where", "message"), [
    ("email,note\nana@example.com,a\ndan@example.com\n", "lists/bad.csv:3", "1 fields, the header has 2"),
    ("mail\nana@example.com\n", "lists/bad.csv:1", "no column 'email' in the header (found: mail)"),
    ("email,note\n,empty\n", "lists/bad.csv:2", "column 'email' is empty"),
    ("", "lists/bad.csv:1", "empty file"),
])
def test_a_malformed_list_file_fails_naming_file_and_line(con, copy_config, text, where, message) -> None:
    config_dir = copy_config()
    config = configure(config_dir, [{"name": "Bad", "file": "lists/bad.csv", "match_on": "email"}],
                       {"lists/bad.csv": text})
    with pytest.raises(ConfigError) as raised:
        refresh_segments(con, config, config_dir, RUN)
    assert f"{config_dir / where}: {message}" in str(raised.value)


def test_a_missing_list_file_fails_naming_the_field(con, copy_config) -> None:
    config_dir = copy_config()
    config = configure(config_dir, [{"name": "Gone", "file": "lists/gone.csv", "match_on": "email"}], {})
    with pytest.raises(ConfigError, match=r"segments.yaml: lists\[0\].file: list file .*gone.csv not found"):
        refresh_segments(con, config, config_dir, RUN)
