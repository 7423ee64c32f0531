"""Segment calls: every quarantine rule, typing, and exact line numbers deep inside big gzipped files."""

import gzip
import json
from datetime import UTC, datetime

import duckdb
import pytest

from assets.ingest.batch_loader import ingest_source
from assets.ingest.sources_config import Source, SourcesConfig
from assets.profiles.identity_config import load_identity_config
from connectors.warehouse.duckdb_file import open_warehouse
from core.settings import PROJECT_ROOT

SOURCE = Source(name="segment_events", format="segment_events", path="events/**/*.jsonl*", source_label="web")
CONFIG = SourcesConfig(sources=[SOURCE])
LOADED_AT = datetime(2026, 11, 2, tzinfo=UTC)


def call(message_id: str, **fields: object) -> str:
    record = {"messageId": message_id, "type": "track", "event": "Order Completed", "userId": "u1",
              "timestamp": "2026-03-01T12:30:00+02:00", "properties": {"total": 10}}
    record.update(fields)
    return json.dumps({key: value for key, value in record.items() if value is not ...})


# (line text, expected reason or None); the line number is the position in this list + 1.
CASES = [
    (call("m1"), None),
    ('{"messageId": "m2", "type": "track"', "not valid JSON"),
    ("[1, 2]", "not a JSON object: got ARRAY"),
    (call("m3", type=...), "type: missing"),
    (call("m4", type="purchase"), "type: unknown call type 'purchase', expected one of identify, track, page, "
                                  "screen, alias"),
    (call("m5", userId={"id": 1}), "userId: expected a string, got OBJECT"),
    (call("m6", timestamp=...), "timestamp: missing, and no originalTimestamp, sentAt, receivedAt either"),
    (call("m7", timestamp=1767225600), "timestamp: expected an ISO-8601 string, got UBIGINT"),
    (call("m8", timestamp="not-a-date"), "timestamp: not an ISO-8601 timestamp: 'not-a-date'"),
    (call("m9", timestamp="2999-01-01T00:00:00Z"), "timestamp: impossible value 2999-01-01T00:00:00Z, outside "
                                                   "2000-01-01 00:00:00+00 .. load time + 24 h"),
    (call("m10", timestamp="1900-01-01T00:00:00Z"), "timestamp: impossible value 1900-01-01T00:00:00Z, outside "
                                                    "2000-01-01 00:00:00+00 .. load time + 24 h"),
    (call("m11", properties=[1, 2]), "properties: expected an object, got ARRAY"),
    (call("m12", userId=None, anonymousId=None), "missing every identifier: neither userId nor anonymousId"),
    (call("m13", userId="  ", anonymousId=""), "missing every identifier: neither userId nor anonymousId"),
    (call("m14", type="alias", previousId=None), "alias: missing previousId"),
    (call("m15", event=""), "track: missing event name"),
    (call("m16", sentAt="yesterday"), "sentAt: expected an ISO-8601 timestamp"),
    (call("m17", type="identify", event=None, userId=None, anonymousId="a1", traits={"email": "A@b.com"}), None),
    (call("m18", type="page", event=None, name="Home", userId=None, anonymousId="a1"), None),
    (call("m19", type="alias", event=None, previousId="a1", userId="u1"), None),
    (call("m20", userId=12345), None),
    # without `timestamp`, the first of originalTimestamp, sentAt, receivedAt is taken, and checked
    (call("m21", timestamp=..., originalTimestamp="2026-03-01T12:00:00Z"), None),
    (call("m22", timestamp=None, sentAt="2026-03-01T12:00:00Z"), None),
    (call("m23", timestamp=..., receivedAt="2026-03-01T12:00:00Z"), None),
    (call("m24", timestamp=..., originalTimestamp="not-a-date", sentAt="2026-03-01T12:00:00Z"),
     "originalTimestamp: not an ISO-8601 timestamp: 'not-a-date'"),
    (call("m25", timestamp=..., originalTimestamp=1767225600),
     "originalTimestamp: expected an ISO-8601 string, got UBIGINT"),
    (call("m26", timestamp=..., sentAt="2999-01-01T00:00:00Z", receivedAt="2026-03-01T12:00:00Z"),
     "sentAt: impossible value 2999-01-01T00:00:00Z, outside 2000-01-01 00:00:00+00 .. load time + 24 h"),
]


def write_lines(path, lines, compress=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def test_every_malformed_call_is_quarantined_with_its_line_and_reason(tmp_path, warehouse_path):
    write_lines(tmp_path / "landing/events/2026-03-01/part-0.jsonl", [line for line, _ in CASES])
    with open_warehouse(warehouse_path) as con:
        counts = ingest_source(con, SOURCE, tmp_path / "landing", CONFIG, LOADED_AT)
        quarantined = dict(con.execute("select _line, reason from raw.quarantine").fetchall())
        loaded = con.execute("select _line, message_id from raw.events order by _line").fetchall()
    expected_bad = {number: reason for number, (_, reason) in enumerate(CASES, 1) if reason}
    assert quarantined == expected_bad
    assert [line for line, _ in loaded] == [n for n, (_, reason) in enumerate(CASES, 1) if reason is None]
    assert (counts.read, counts.loaded, counts.quarantined, counts.duplicates) == (len(CASES), 8, 19, 0)


def test_good_calls_are_typed_and_timestamps_converted_to_utc(tmp_path, warehouse_path):
    write_lines(tmp_path / "landing/events/a.jsonl", [call("m1"), call("m2", userId=777)])
    with open_warehouse(warehouse_path) as con:
        ingest_source(con, SOURCE, tmp_path / "landing", CONFIG, LOADED_AT)
        row = con.execute(
            "select event_timestamp, properties ->> '$.total', user_id, source_label, _file from raw.events "
            "where message_id = 'm1'"
        ).fetchone()
        numeric_user = con.execute("select user_id from raw.events where message_id = 'm2'").fetchone()[0]
    assert row[0] == datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    assert row[1:] == ("10", "u1", "web", "events/a.jsonl")
    assert numeric_user == "777"


def test_a_call_without_timestamp_takes_the_next_field_segment_defines_and_says_which(tmp_path, warehouse_path):
    write_lines(tmp_path / "landing/events/a.jsonl", [
        call("m1", originalTimestamp="2026-02-01T00:00:00Z", sentAt="2026-02-02T00:00:00Z"),
        call("m2", timestamp=..., originalTimestamp="2026-03-01T12:30:00+02:00", sentAt="2026-03-01T13:00:00Z",
             receivedAt="2026-03-01T14:00:00Z"),
        call("m3", timestamp=None, originalTimestamp=None, sentAt="2026-03-02T09:00:00-05:00",
             receivedAt="2026-03-02T15:00:00Z"),
        call("m4", timestamp=..., receivedAt="2026-03-03T08:00:00Z"),
    ])
    with open_warehouse(warehouse_path) as con:
        ingest_source(con, SOURCE, tmp_path / "landing", CONFIG, LOADED_AT)
        rows = con.execute(
            "select message_id, event_timestamp, timestamp_field from raw.events order by message_id"
        ).fetchall()
    assert rows == [
        ("m1", datetime(2026, 3, 1, 10, 30, tzinfo=UTC), "timestamp"),
        ("m2", datetime(2026, 3, 1, 10, 30, tzinfo=UTC), "originalTimestamp"),
        ("m3", datetime(2026, 3, 2, 14, 0, tzinfo=UTC), "sentAt"),
        ("m4", datetime(2026, 3, 3, 8, 0, tzinfo=UTC), "receivedAt"),
    ]


def test_call_without_message_id_gets_the_hash_of_its_line(tmp_path, warehouse_path):
    line = call(..., type="page", event=None, name="Home")
    write_lines(tmp_path / "landing/events/a.jsonl", [line])
    with open_warehouse(warehouse_path) as con:
        ingest_source(con, SOURCE, tmp_path / "landing", CONFIG, LOADED_AT)
        message_id = con.execute("select message_id from raw.events").fetchone()[0]
    assert message_id == duckdb.execute("select md5(?)", [line]).fetchone()[0]


@pytest.mark.parametrize("compress", [True, False])
def test_line_numbers_hold_deep_inside_big_files(tmp_path, warehouse_path, compress):
    bad_lines = {7, 123_457, 199_999}
    suffix = ".jsonl.gz" if compress else ".jsonl"
    for part in range(2):
        lines = [
            "{broken" if number in bad_lines else call(f"p{part}-{number}", properties={"line": number})
            for number in range(1, 200_001)
        ]
        lines[50_000] = ""  # a blank line is not a record, but still counts as a line
        write_lines(tmp_path / f"landing/events/part-{part}{suffix}", lines, compress)
    with open_warehouse(warehouse_path) as con:
        counts = ingest_source(con, SOURCE, tmp_path / "landing", CONFIG, LOADED_AT)
        misnumbered = con.execute(
            "select count(*) from raw.events where cast(properties ->> '$.line' as bigint) <> _line"
        ).fetchone()[0]
        quarantined = con.execute("select _file, _line from raw.quarantine order by all").fetchall()
    assert misnumbered == 0
    assert quarantined == [(f"events/part-{p}{suffix}", n) for p in range(2) for n in sorted(bad_lines)]
    assert counts.read == 2 * 199_999 and counts.loaded == 2 * (199_999 - 3)


def test_staging_passes_on_which_field_each_call_took_its_time_from(tmp_path, warehouse_path, invoke_dbt):
    write_lines(tmp_path / "landing/events/a.jsonl", [
        call("m1"), call("m2", timestamp=..., originalTimestamp="2026-03-01T12:00:00Z"),
        call("m3", timestamp=..., receivedAt="2026-03-01T12:00:00Z"),
    ])
    with open_warehouse(warehouse_path) as con:
        ingest_source(con, SOURCE, tmp_path / "landing", CONFIG, LOADED_AT)
    # `build` runs the model's accepted_values test on the field names too
    dbt_vars = {"cdp_identity": load_identity_config(PROJECT_ROOT / "config").as_dbt_var()}
    invoke_dbt(warehouse_path, tmp_path / "target", "build", "--select", "stg_segment__events", dbt_vars=dbt_vars)
    with duckdb.connect(str(warehouse_path)) as con:
        staged = con.execute(
            "select message_id, timestamp_field from staging.stg_segment__events order by 1"
        ).fetchall()
    assert staged == [("m1", "timestamp"), ("m2", "originalTimestamp"), ("m3", "receivedAt")]
