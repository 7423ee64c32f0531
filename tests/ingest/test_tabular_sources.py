"""Shopify's export, a mapped second store and CRM profiles: typing, quarantine and line numbers."""

import csv
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assets.ingest.batch_loader import ingest_source
from assets.ingest.sources_config import load_sources_config
from assets.ingest.tabular_sources import SHOPIFY_HEADER
from connectors.warehouse.duckdb_file import open_warehouse
from core.settings import PROJECT_ROOT

CONFIG = load_sources_config(PROJECT_ROOT / "config")
SOURCES = {source.name: source for source in CONFIG.sources}
LOADED_AT = datetime(2026, 11, 2, tzinfo=UTC)


def shopify_row(**values: str) -> list[str]:
    return [values.get(column, "") for column in SHOPIFY_HEADER]


def write_shopify(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(SHOPIFY_HEADER)
        writer.writerows(rows)


def first_line(name, created="2026-03-07 09:50:26 +0100", **values):
    return shopify_row(**{"Name": name, "Email": "Ann@Example.com", "Created at": created, "Total": "30.00",
                          "Id": "5001", "Source": "web", "Lineitem quantity": "1", "Lineitem price": "10.00",
                          "Lineitem name": "Coffee", **values})


def next_line(name, **values):
    return shopify_row(**{"Name": name, "Lineitem quantity": "2", "Lineitem price": "10.00",
                          "Lineitem name": "Mug", **values})


def test_shopify_export_is_typed_with_order_names_that_start_with_a_hash(tmp_path, warehouse_path):
    write_shopify(tmp_path / "landing/shopify/orders_export_1.csv",
                  [first_line("#1001", Notes="line one\nline two"), next_line("#1001")])
    with open_warehouse(warehouse_path) as con:
        counts = ingest_source(con, SOURCES["shopify_orders"], tmp_path / "landing", CONFIG, LOADED_AT)
        rows = con.execute(
            "select name, lineitem_index, created_at, total, lineitem_quantity, id, notes, _line "
            "from raw.shopify_order_lines order by lineitem_index"
        ).fetchall()
    assert counts.loaded == 2 and counts.quarantined == 0
    assert rows[0][:6] == ("#1001", 1, datetime(2026, 3, 7, 8, 50, 26, tzinfo=UTC), 30, 1, 5001)
    assert rows[0][6] == "line one\nline two"
    assert rows[1][:3] == ("#1001", 2, None)


def test_bad_shopify_line_quarantines_its_whole_order_and_nothing_else(tmp_path, warehouse_path):
    write_shopify(tmp_path / "landing/shopify/orders_export_1.csv", [
        first_line("#1001"), next_line("#1001"),
        first_line("#1002", Id="5002"), next_line("#1002", **{"Lineitem price": "ten"}),
        first_line("#1003", created="31/02/2026", Id="5003"),
    ])
    with open_warehouse(warehouse_path) as con:
        counts = ingest_source(con, SOURCES["shopify_orders"], tmp_path / "landing", CONFIG, LOADED_AT)
        loaded = con.execute("select distinct name from raw.shopify_order_lines").fetchall()
        quarantined = con.execute("select _line, reason from raw.quarantine order by _line").fetchall()
    assert loaded == [("#1001",)]
    assert quarantined == [
        (4, "order #1002: its line 5 was quarantined"),
        (5, "Lineitem price: expected a number, got 'ten'"),
        (6, "Created at: expected a timestamp (ISO-8601 or 'YYYY-MM-DD HH:MM:SS +HHMM'), got '31/02/2026'"),
    ]
    assert counts.read == 5 and counts.balances()


def test_unsplittable_csv_records_are_quarantined_and_later_lines_keep_their_numbers(tmp_path, warehouse_path):
    path = tmp_path / "landing/crm/profiles_1.csv"
    path.parent.mkdir(parents=True)
    mapped = list(SOURCES["crm_profiles"].columns.values())
    columns = ["crm_id", "email", "phone", "updated_at"] + [c for c in mapped if c not in
                                                               ("crm_id", "email", "phone", "updated_at")]
    header = ",".join([*columns, "shoe_size"])
    empty = "," * (len(columns) - 4)
    path.write_text(
        header + "\n"
        f"c1,a@example.com,,2026-01-01T00:00:00Z{empty},42\n"
        f"c2,b@example.com,,2026-01-01T00:00:00Z{empty},41,surplus,fields\n"
        f"c3,c@example.com,,2026-01-01T00:00:00Z{empty},40\n"
        f",,,2026-01-01T00:00:00Z{empty},39\n"
        f"c5,e@example.com,,last tuesday{empty},38\n"
        f"c6,f@example.com,,2026-01-01T00:00:00Z{empty},37\n"
    )
    with open_warehouse(warehouse_path) as con:
        counts = ingest_source(con, SOURCES["crm_profiles"], tmp_path / "landing", CONFIG, LOADED_AT)
        loaded = con.execute(
            "select crm_id, _line, custom_properties ->> '$.shoe_size' from raw.crm_profiles order by _line"
        ).fetchall()
        quarantined = con.execute("select _line, reason, raw_text from raw.quarantine order by _line").fetchall()
    assert loaded == [("c1", 2, "42"), ("c3", 4, "40"), ("c6", 7, "37")]
    assert [(line, reason.split(":")[0]) for line, reason, _ in quarantined] == [
        (3, "not a well-formed CSV record"), (5, "missing every identifier"), (6, "updated_at"),
    ]
    assert "surplus" in quarantined[0][2]
    assert counts.read == 6 and counts.balances()


def test_line_numbers_hold_across_files_headers_and_runs_of_rejected_records(tmp_path, warehouse_path):
    """Three CRM files in one batch, two of them sharing a header and one with an extra column: every loaded and
    quarantined record keeps its own file's line, rejected records at the start, in a run, or at the end."""
    landing = tmp_path / "landing"
    (landing / "crm").mkdir(parents=True)
    mapped = list(SOURCES["crm_profiles"].columns.values())
    columns = ["crm_id", "email", "phone", "updated_at"] + [c for c in mapped if c not in
                                                               ("crm_id", "email", "phone", "updated_at")]
    empty = "," * (len(columns) - 4)

    def good(crm_id, extra=""):
        return f"{crm_id},{crm_id}@example.com,,2026-01-01T00:00:00Z{empty}{extra}\n"

    def unsplittable(crm_id, extra=""):
        return good(crm_id, extra + ",surplus,fields")

    header = ",".join(columns) + "\n"
    (landing / "crm/profiles_1.csv").write_text(
        header + unsplittable("a1") + good("a2") + unsplittable("a3") + unsplittable("a4") + good("a5")
    )
    (landing / "crm/profiles_2.csv").write_text(header + good("b1") + good("b2") + good("b3"))
    (landing / "crm/profiles_3.csv").write_text(
        header.rstrip("\n") + ",shoe_size\n" + good("c1", ",40") + good("c2", ",41") + unsplittable("c3", ",42")
    )
    with open_warehouse(warehouse_path) as con:
        counts = ingest_source(con, SOURCES["crm_profiles"], landing, CONFIG, LOADED_AT)
        loaded = con.execute("select _file, _line, crm_id from raw.crm_profiles order by all").fetchall()
        quarantined = con.execute(
            "select _file, _line, split_part(reason, ':', 1) from raw.quarantine order by all"
        ).fetchall()
        left_behind = con.execute(
            "select table_name from information_schema.tables where starts_with(table_name, 'ingest_')"
        ).fetchall()
    assert loaded == [
        ("crm/profiles_1.csv", 3, "a2"), ("crm/profiles_1.csv", 6, "a5"),
        ("crm/profiles_2.csv", 2, "b1"), ("crm/profiles_2.csv", 3, "b2"), ("crm/profiles_2.csv", 4, "b3"),
        ("crm/profiles_3.csv", 2, "c1"), ("crm/profiles_3.csv", 3, "c2"),
    ]
    assert quarantined == [
        ("crm/profiles_1.csv", line, "not a well-formed CSV record") for line in (2, 4, 5)
    ] + [("crm/profiles_3.csv", 4, "not a well-formed CSV record")]
    assert counts.read == 11 and counts.balances()
    assert left_behind == []


def test_mapped_parquet_store_orders_are_typed_and_bad_rows_quarantined(tmp_path, warehouse_path):
    path = tmp_path / "landing/woocommerce/orders_00001.parquet"
    path.parent.mkdir(parents=True)
    table = pa.table({
        "order_id": [10, 10, 11, 12], "order_number": ["10", "10", "11", "12"], "line_item_id": [1, 2, 3, 4],
        "customer_id": [7, 7, 0, 8], "billing_email": ["x@y.com", "x@y.com", None, "z@y.com"],
        "billing_phone": [None] * 4, "billing_first_name": ["X"] * 4, "billing_last_name": ["Y"] * 4,
        "date_created": ["2026-03-07T09:50:26+01:00", "2026-03-07T09:50:26+01:00", "soon",
                         "2026-03-08T10:00:00+00:00"],
        "status": ["completed"] * 4, "product_id": ["p1", "p2", "p1", "p3"], "sku": ["S1", "S2", "S1", "S3"],
        "item_name": ["A", "B", "A", "C"], "quantity": [1, 2, 1, -1], "line_total": [10.0, 20.0, 10.0, 5.0],
        "order_total": [30.0, 30.0, 10.0, 5.0], "currency": ["EUR"] * 4, "refund_total": [0.0] * 4,
    })
    pq.write_table(table, path)
    with open_warehouse(warehouse_path) as con:
        counts = ingest_source(con, SOURCES["woocommerce_orders"], tmp_path / "landing", CONFIG, LOADED_AT)
        loaded = con.execute(
            "select order_id, line_id, customer_id, ordered_at, quantity, line_total, _line "
            "from raw.store_order_lines order by _line"
        ).fetchall()
        quarantined = con.execute("select _line, reason from raw.quarantine order by _line").fetchall()
    assert loaded[0] == ("10", "1", "7", datetime(2026, 3, 7, 8, 50, 26, tzinfo=UTC), 1, 10, 1)
    assert [row[6] for row in loaded] == [1, 2]
    assert quarantined == [
        (3, "date_created: expected a timestamp (ISO-8601 or 'YYYY-MM-DD HH:MM:SS +HHMM'), got 'soon'"),
        (4, "quantity: expected a non-negative whole number, got -1"),
    ]
    assert counts.balances()


def test_mapping_to_a_column_the_files_do_not_have_names_source_and_column(tmp_path, warehouse_path):
    path = tmp_path / "landing/crm/profiles_1.csv"
    path.parent.mkdir(parents=True)
    path.write_text("crm_id,mail\nc1,a@example.com\n")
    with open_warehouse(warehouse_path) as con, pytest.raises(ValueError, match=r"crm_profiles.*'email'"):
        ingest_source(con, SOURCES["crm_profiles"], tmp_path / "landing", CONFIG, LOADED_AT)


def test_shopify_lines_after_a_note_spanning_lines_keep_their_physical_line(tmp_path, warehouse_path):
    """Regression: after an order note with a newline, every line was numbered one line too early."""
    write_shopify(tmp_path / "landing/shopify/orders_export_1.csv", [
        first_line("#1001", Notes="leave it\nat the door"), next_line("#1001"),
        first_line("#1002", Id="5002"), next_line("#1002", **{"Lineitem price": "ten"}),
    ])
    with open_warehouse(warehouse_path) as con:
        ingest_source(con, SOURCES["shopify_orders"], tmp_path / "landing", CONFIG, LOADED_AT)
        loaded = con.execute("select name, lineitem_index, _line from raw.shopify_order_lines order by all").fetchall()
        quarantined = con.execute("select _line, reason from raw.quarantine order by _line").fetchall()
    # line 1 the header, lines 2-3 the first line of #1001 with its note, line 4 its second line
    assert loaded == [("#1001", 1, 2), ("#1001", 2, 4)]
    assert quarantined == [
        (5, "order #1002: its line 6 was quarantined"), (6, "Lineitem price: expected a number, got 'ten'"),
    ]
