"""The raw tables: created on every run, and a warehouse made before a column existed gets it."""

from datetime import UTC, datetime

import duckdb
import pytest

from assets.ingest.raw_tables import create_raw_tables

EVENT = {
    "message_id": "m1", "type": "track", "event": "Order Completed", "user_id": "u1",
    "event_timestamp": datetime(2026, 3, 1, tzinfo=UTC), "source_name": "segment_events", "source_label": "web",
    "_file": "events/a.jsonl", "_line": 1, "_loaded_at": datetime(2026, 3, 2, tzinfo=UTC),
}


def insert_event(con: duckdb.DuckDBPyConnection, **values: object) -> None:
    row = {**EVENT, **values}
    con.execute(f"insert into raw.events ({', '.join(row)}) values ({', '.join('?' * len(row))})", list(row.values()))


def test_events_loaded_before_timestamp_field_existed_get_timestamp_and_the_column_stays_not_null(tmp_path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        create_raw_tables(con)
        con.execute("alter table raw.events drop column timestamp_field")  # as a warehouse made before it was
        insert_event(con)
        create_raw_tables(con)
        create_raw_tables(con)  # idempotent
        insert_event(con, message_id="m2", timestamp_field="sentAt")
        rows = con.execute("select message_id, timestamp_field from raw.events order by 1").fetchall()
        with pytest.raises(duckdb.ConstraintException):
            insert_event(con, message_id="m3", timestamp_field=None)
    assert rows == [("m1", "timestamp"), ("m2", "sentAt")]
