"""Consent per channel and suppression (marts.consent, marts.profiles, marts.profile_counts).

First on hand-made upstream tables with a Python reference for every row, then end to end from raw rows through
identity resolution: a CRM subscribe followed by an unsubscribe event ends unsubscribed at the event's time.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from assets.dbt_models.dbt_vars import build_dbt_vars
from assets.profiles.attributes_config import load_attributes_config
from core.settings import PROJECT_ROOT

PROFILE_MODELS = "int_profile_attributes_survived+ consent"
CONFIG = {
    "suppression": {
        "identifiers": [{"email": "Blocked@Example.com", "reason": "asked by support"}],
        "events": [
            {"metric": "Profile Suppressed"},
            {"metric": "Email Bounced", "reason": "hard bounce",
             "filters": [{"property": "bounce_type", "operator": "equals", "value": "hard"}]},
        ],
    },
    "activity": {"active_window_days": 30},
}
START = datetime(2025, 1, 1, tzinfo=UTC)
# The spine of profiles, as identity resolution gives it out: p6 has no record and no event (an alias call named
# it), yet it is a profile with its consent rows, and billed for its user id.
PROFILE_IDS = ["p1", "p2", "p3", "p4", "p5", "p6"]


def day(number: int) -> datetime:
    return START + timedelta(days=number)


# (record_key, profile_id, source_label, observed day, email, email/sms/push consent, consent_updated day)
RECORDS = [
    ("r1", "p1", "crm", 10, "ann@example.com", ("subscribed", "subscribed", None), 1),
    ("r2", "p2", "crm", 4, "bo@example.com", (None, "unsubscribed", None), None),
    ("r3", "p3", "shopify", 2, "cy@example.com", (None, None, None), None),
    ("r4", "p4", "crm", 3, "blocked@example.com", ("subscribed", None, None), 3),
]
# (event_id, profile_id, metric, day, properties)
EVENTS = [
    ("e1", "p1", "Unsubscribed", 5, {"channel": "email"}),
    ("e2", "p1", "Subscribed", 3, {"channel": "push"}),
    ("e3", "p2", "Subscribed", 2, {"channel": "sms"}),
    ("e4", "p3", "Placed Order", 4, {"total": 20}),
    ("e5", "p3", "Email Bounced", 6, {"bounce_type": "hard"}),
    ("e6", "p3", "Placed Order", 40, {"total": 30}),
    ("e7", "p5", "Email Bounced", 1, {"bounce_type": "soft"}),
    ("e8", "p5", "Subscribed", 1, {"channel": "EMAIL"}),
    ("e9", "p5", "Unsubscribed", 1, {"channel": "email"}),
    ("e10", "p1", "Viewed Page", 50, {}),
]


def query(warehouse_path: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(warehouse_path))
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    con.close()
    return rows


def expected_consent() -> dict[tuple[str, str], tuple]:
    """Reference: per profile and channel the change with the latest time; unsubscribed wins a tie."""
    changes: dict[tuple[str, str], list[tuple]] = {}
    for key, profile, label, observed, _, statuses, updated in RECORDS:
        for channel, status in zip(("email", "sms", "push"), statuses, strict=True):
            if status:
                when = day(updated if updated is not None else observed)
                changes.setdefault((profile, channel), []).append((when, status, label, None, key))
    for event_id, profile, metric, number, properties in EVENTS:
        channel = str(properties.get("channel", "")).strip().lower()
        if metric in ("Subscribed", "Unsubscribed") and channel in ("email", "sms", "push"):
            status = "unsubscribed" if metric == "Unsubscribed" else "subscribed"
            changes.setdefault((profile, channel), []).append((day(number), status, "web", event_id, None))
    expected = {}
    for profile in PROFILE_IDS:
        for channel in ("email", "sms", "push"):
            candidates = changes.get((profile, channel), [])
            if not candidates:
                expected[(profile, channel)] = ("never_subscribed", None, None, None, None)
                continue
            latest = max(candidates, key=lambda c: (c[0], c[1] == "unsubscribed"))
            expected[(profile, channel)] = (latest[1], latest[0], latest[2], latest[3], latest[4])
    return expected


@pytest.fixture
def built(warehouse_path: Path, run_dbt, tmp_path: Path, create_stand_in) -> Path:
    """Upstream stand-ins written, then the profile models and consent run once with CONFIG."""
    config_dir = tmp_path / "profile_config"
    config_dir.mkdir()
    (config_dir / "profiles.yaml").write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
    con = duckdb.connect(str(warehouse_path))
    create_stand_in(con, "intermediate.int_profiles_resolved", [
        {"profile_id": profile, "profile_created_at": START} for profile in PROFILE_IDS
    ])
    create_stand_in(con, "intermediate.int_profile_records", [
        {"record_key": key, "profile_id": profile, "source_name": label, "source_label": label,
         "observed_at": day(observed), "email": email, "email_consent": statuses[0], "sms_consent": statuses[1],
         "push_consent": statuses[2], "consent_updated_at": day(updated) if updated is not None else None}
        for key, profile, label, observed, email, statuses, updated in RECORDS
    ])
    create_stand_in(con, "marts.events", [
        {"event_id": event_id, "profile_id": profile, "metric_name": metric, "event_at": day(number),
         "properties": json.dumps(properties), "source_label": "web", "source_name": "segment_events"}
        for event_id, profile, metric, number, properties in EVENTS
    ])
    create_stand_in(con, "marts.profile_identities", [
        *({"profile_id": r[1], "identifier_type": "email", "identifier_value": r[4]} for r in RECORDS),
        {"profile_id": "p5", "identifier_type": "anonymous_id", "identifier_value": "anon-5"},
        {"profile_id": "p6", "identifier_type": "user_id", "identifier_value": "u-6", "first_seen_at": day(7),
         "last_seen_at": day(7)},
    ])
    con.close()
    dbt_vars = {"cdp_attributes": load_attributes_config(config_dir).as_dbt_var(), "cdp_metrics": []}
    run_dbt("run", "--select", PROFILE_MODELS, "--exclude", "path:models/analytics", dbt_vars=dbt_vars)
    return warehouse_path


def test_latest_change_per_channel_matches_the_reference(built: Path) -> None:
    rows = query(built, "select * from marts.consent")
    actual = {
        (r["profile_id"], r["channel"]): (r["status"], r["status_changed_at"], r["source_label"],
                                          r["source_event_id"], r["source_record_key"])
        for r in rows
    }

    assert len(rows) == len(actual)
    assert actual == expected_consent()
    # CRM subscribed (changed day 1, read day 10), then an unsubscribe event on day 5: the event wins.
    assert actual[("p1", "email")][:2] == ("unsubscribed", day(5))
    # An event subscribe, then a later CRM unsubscribe without a change time: the record's time.
    assert actual[("p2", "sms")] == ("unsubscribed", day(4), "crm", None, "r2")
    # Subscribe and unsubscribe at the same moment: unsubscribed.
    assert actual[("p5", "email")][0] == "unsubscribed"


def test_suppressed_profiles_keep_their_history_and_are_counted(built: Path) -> None:
    profiles = {r["profile_id"]: r for r in query(built, "select * from marts.profiles")}
    events_per_profile = {}
    for _, profile, *_ in EVENTS:
        events_per_profile[profile] = events_per_profile.get(profile, 0) + 1

    assert set(profiles) == {"p1", "p2", "p3", "p4", "p5", "p6"}
    suppressed = {p: (r["suppressed_at"], r["suppression_reason"]) for p, r in profiles.items() if r["is_suppressed"]}
    assert suppressed == {"p3": (day(6), "hard bounce"), "p4": (None, "asked by support")}
    assert {p: r["event_count"] for p, r in profiles.items() if r["event_count"]} == events_per_profile
    assert profiles["p3"]["order_count"] == 2
    newest = max(e[3] for e in EVENTS)
    active = {p for p, r in profiles.items() if r["is_active"]}
    assert active == {e[1] for e in EVENTS if e[3] >= newest - 30}
    assert profiles["p1"]["email_consent"] == "unsubscribed" and profiles["p1"]["push_consent"] == "subscribed"

    counts = query(built, "select * from marts.profile_counts")
    # p5 is known only by an anonymous id: kept with its history, reported apart, not billed. p6, known only by
    # its user id, is billed, seen when its identifier was.
    assert not profiles["p5"]["is_identified"]
    assert all(profiles[p]["is_identified"] for p in ("p1", "p2", "p3", "p4", "p6"))
    assert (profiles["p6"]["first_seen_at"], profiles["p6"]["event_count"]) == (day(7), 0)
    assert counts == [{
        "total_profiles": 5, "active_profiles": len(active - {"p5"}), "suppressed_profiles": 2,
        "activatable_profiles": 3, "anonymous_profiles": 1, "active_window_days": 30,
        "counted_as_of_at": day(newest),
    }]


def insert_raw(con: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    row = {"_file": f"{table}.test", "_line": 1, "_loaded_at": day(60), **row}
    con.execute(f"insert into raw.{table} ({', '.join(row)}) values ({', '.join('?' * len(row))})", list(row.values()))


def test_crm_subscribe_then_unsubscribe_event_from_raw_rows(warehouse_path: Path, run_dbt) -> None:
    con = duckdb.connect(str(warehouse_path))
    insert_raw(con, "crm_profiles", {
        "crm_id": "c1", "first_name": "Ann", "email": "Ann@Example.com ", "email_consent": "subscribed",
        "sms_consent": "Subscribed", "consent_updated_at": day(1), "updated_at": day(1), "source_name": "crm_profiles",
        "source_label": "crm", "_row_hash": "h1",
    })
    web = {"source_name": "segment_events", "source_label": "web", "_file": "events.test"}
    insert_raw(con, "events", {**web, "_line": 1, "message_id": "m1", "type": "identify", "user_id": "u1",
                               "traits": json.dumps({"email": "ann@example.com"}), "event_timestamp": day(2)})
    insert_raw(con, "events", {**web, "_line": 2, "message_id": "m2", "type": "track", "event": "Unsubscribed",
                               "user_id": "u1", "properties": json.dumps({"channel": "email"}),
                               "event_timestamp": day(5)})
    con.close()

    run_dbt("build", "--exclude", "path:models/analytics", dbt_vars=build_dbt_vars(PROJECT_ROOT / "config"))

    consent = {r["channel"]: r for r in query(warehouse_path, "select * from marts.consent")}
    assert (consent["email"]["status"], consent["email"]["status_changed_at"]) == ("unsubscribed", day(5))
    assert consent["email"]["source_event_id"] == "m2"
    assert (consent["sms"]["status"], consent["sms"]["status_changed_at"]) == ("subscribed", day(1))
    assert consent["push"]["status"] == "never_subscribed"
    profiles = query(warehouse_path, "select email, first_name, email_consent, is_suppressed from marts.profiles")
    assert profiles == [{"email": "ann@example.com", "first_name": "Ann", "email_consent": "unsubscribed",
                         "is_suppressed": False}]
