"""Store orders that come as one row per order (a legacy store, a POS export): the `store_orders` mapping without
line columns loads them, nothing lost or twice, and each is one order with its events and no order line."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cdnow_store import CDNOW_SOURCE_NAME, cdnow_email, read_cdnow_purchases, write_cdnow_store_orders

from assets.ingest.batch_loader import IngestCounts, ingest_source
from assets.ingest.raw_tables import create_raw_tables
from assets.ingest.sources_config import Source, SourceFormat, SourcesConfig
from assets.profiles.identity_config import load_identity_config
from connectors.warehouse.duckdb_file import open_warehouse
from core.settings import PROJECT_ROOT

LOADED_AT = datetime(2026, 11, 2, tzinfo=UTC)
# The core models from staging to the order and event marts, built with their tests.
CORE_MODELS = (
    "path:models/staging path:models/intermediate/identity int_phone_numbers_normalized int_profile_records "
    "events orders order_lines"
)
LEGACY = Source(
    name="legacy_orders", format=SourceFormat.STORE_ORDERS, path="legacy/*.csv", source_label="legacy",
    columns={"order_id": "order_ref", "email": "customer_email", "phone": "customer_phone",
             "ordered_at": "order_date", "order_total": "total", "currency": "currency",
             "refund_total": "refunded", "status": "state"},
)
POS = Source(
    name="pos_receipts", format=SourceFormat.STORE_ORDERS, path="pos/*.parquet", source_label="pos_export",
    columns={"order_id": "receipt", "line_id": "receipt", "customer_id": "member", "email": "mail",
             "ordered_at": "sold_at", "order_total": "amount"},
)
LEGACY_HEADER = ["order_ref", "customer_email", "customer_phone", "order_date", "total", "currency", "refunded",
                 "state"]
# legacy/orders_1.csv, lines 2.. : L3 appears twice (an export that appends status changes), L2 is repeated
# unchanged, and two rows are bad.
LEGACY_ROWS_1 = [
    ["L1", "Ann@Example.com", "", "2025-01-05T10:00:00Z", "40.00", "eur", "0", "completed"],
    ["L2", "ann@example.com", "", "2025-02-01 09:30:00 +0100", "25.50", "EUR", "5.50", "completed"],
    ["L3", "bob@example.com", "", "2025-03-01T08:00:00Z", "30.00", "EUR", "", "processing"],
    ["L2", "ann@example.com", "", "2025-02-01 09:30:00 +0100", "25.50", "EUR", "5.50", "completed"],
    ["L4", "", "+1 415 555 2671", "2025-03-02T08:00:00Z", "19.99", "USD", "", "completed"],
    ["L5", "carl@example.com", "", "soon", "10.00", "EUR", "", "completed"],
    ["", "dora@example.com", "", "2025-03-03T08:00:00Z", "10.00", "EUR", "", "completed"],
    ["L3", "bob@example.com", "", "2025-03-01T08:00:00Z", "30.00", "EUR", "", "cancelled"],
]
# legacy/orders_2.csv, a later export: L1 was refunded in part since.
LEGACY_ROWS_2 = [["L1", "ann@example.com", "", "2025-01-05T10:00:00Z", "40.00", "EUR", "12.00", "completed"]]


def write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_pos(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({
        "receipt": [100, 101, 100], "member": ["m1", "m1", "m1"],
        "mail": ["cleo@example.com", "cleo@example.com", "cleo@example.com"],
        "sold_at": ["2025-04-01T12:00:00Z", "2025-04-09T12:00:00Z", "2025-04-01T12:00:00Z"],
        "amount": [12.0, 8.25, 12.0],
    }), path)


@pytest.fixture(scope="module")
def built(tmp_path_factory, invoke_dbt):
    """One warehouse holding a lineless CSV store, a lineless Parquet POS and CDNOW, ingested and built once."""
    root = tmp_path_factory.mktemp("store_orders_without_lines")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    write_csv(landing / "legacy/orders_1.csv", LEGACY_HEADER, LEGACY_ROWS_1)
    write_csv(landing / "legacy/orders_2.csv", LEGACY_HEADER, LEGACY_ROWS_2)
    write_pos(landing / "pos/receipts.parquet")
    cdnow = write_cdnow_store_orders(landing)
    config = SourcesConfig(sources=[LEGACY, POS, cdnow])
    with open_warehouse(warehouse) as con:
        create_raw_tables(con)
        counts = {source.name: ingest_source(con, source, landing, config, LOADED_AT) for source in config.sources}
    identity = load_identity_config(PROJECT_ROOT / "config").as_dbt_var()
    invoke_dbt(warehouse, root / "target", "build", "--select", *CORE_MODELS.split(),
               "--indirect-selection", "cautious", dbt_vars={"cdp_identity": identity})
    return warehouse, counts


def query(warehouse, sql, params=None):
    con = duckdb.connect(str(warehouse))
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_a_csv_without_line_ids_loads_each_row_once_with_the_order_id_as_line_id(built):
    warehouse, counts = built
    # 9 rows read; L2's repeat is a duplicate; L5 (bad date) and the row without order id are quarantined; L3's
    # second row is a changed version and loads beside the first.
    assert counts["legacy_orders"] == IngestCounts(files_new=2, read=9, loaded=6, duplicates=1, quarantined=2)
    loaded = query(warehouse, "select order_id, line_id, _file, _line from raw.store_order_lines "
                              "where source_name = 'legacy_orders' order by _file, _line")
    assert loaded == [
        ("L1", "L1", "legacy/orders_1.csv", 2), ("L2", "L2", "legacy/orders_1.csv", 3),
        ("L3", "L3", "legacy/orders_1.csv", 4), ("L4", "L4", "legacy/orders_1.csv", 6),
        ("L3", "L3", "legacy/orders_1.csv", 9), ("L1", "L1", "legacy/orders_2.csv", 2),
    ]
    assert query(warehouse, "select _line, reason from raw.quarantine where source_name = 'legacy_orders' "
                            "order by _line") == [
        (7, "order_date: expected a timestamp (ISO-8601 or 'YYYY-MM-DD HH:MM:SS +HHMM'), got 'soon'"),
        (8, "order_ref: missing required value"),
    ]


def test_a_parquet_file_mapping_the_line_id_to_the_order_id_loads(built):
    warehouse, counts = built
    assert counts["pos_receipts"] == IngestCounts(files_new=1, read=3, loaded=2, duplicates=1, quarantined=0)
    assert query(warehouse, "select order_id, line_id, order_total from raw.store_order_lines "
                            "where source_name = 'pos_receipts' order by _line") == [
        ("100", "100", Decimal("12.00")), ("101", "101", Decimal("8.25")),
    ]


def test_each_row_is_one_order_with_its_latest_total_refunds_and_status(built):
    warehouse, _ = built
    orders = query(warehouse, """
        select order_id, source, status, currency, total, refunded_amount, net_total, is_cancelled, item_count
        from marts.orders where source_name in ('legacy_orders', 'pos_receipts') order by order_id""")
    assert orders == [
        ("100", "pos_export", None, None, Decimal("12.00"), Decimal("0.00"), Decimal("12.00"), False, None),
        ("101", "pos_export", None, None, Decimal("8.25"), Decimal("0.00"), Decimal("8.25"), False, None),
        # the later export's version: refunded 12 of 40
        ("L1", "legacy", "completed", "EUR", Decimal("40.00"), Decimal("12.00"), Decimal("28.00"), False, None),
        ("L2", "legacy", "completed", "EUR", Decimal("25.50"), Decimal("5.50"), Decimal("20.00"), False, None),
        # the later row of the same file: cancelled, worth nothing
        ("L3", "legacy", "cancelled", "EUR", Decimal("30.00"), Decimal("0.00"), Decimal("0.00"), True, None),
        ("L4", "legacy", "completed", "USD", Decimal("19.99"), Decimal("0.00"), Decimal("19.99"), False, None),
    ]
    ordered_at = query(warehouse, "select order_id, ordered_at from marts.orders "
                                  "where order_id = 'L2' and source_name = 'legacy_orders'")
    assert ordered_at[0][1] == datetime(2025, 2, 1, 8, 30, tzinfo=UTC)


def test_orders_of_one_email_or_customer_share_a_profile_and_a_phone_alone_makes_one(built):
    warehouse, _ = built
    profiles = dict(query(warehouse, "select order_id, profile_id from marts.orders "
                                     "where source_name in ('legacy_orders', 'pos_receipts')"))
    assert None not in profiles.values()
    assert profiles["L1"] == profiles["L2"] and profiles["100"] == profiles["101"]
    assert len({profiles["L1"], profiles["L3"], profiles["L4"], profiles["100"]}) == 4


def test_lineless_orders_have_their_order_events_and_no_line_or_product_event(built):
    warehouse, _ = built
    events = query(warehouse, """
        select properties ->> '$.order_id', metric_name, value, event_at
        from marts.events where source_name in ('legacy_orders', 'pos_receipts') order by all""")
    day = {"L1": datetime(2025, 1, 5, 10, tzinfo=UTC), "L2": datetime(2025, 2, 1, 8, 30, tzinfo=UTC),
           "L3": datetime(2025, 3, 1, 8, tzinfo=UTC), "L4": datetime(2025, 3, 2, 8, tzinfo=UTC),
           "100": datetime(2025, 4, 1, 12, tzinfo=UTC), "101": datetime(2025, 4, 9, 12, tzinfo=UTC)}
    assert events == sorted([
        ("100", "Placed Order", 12.0, day["100"]), ("101", "Placed Order", 8.25, day["101"]),
        ("L1", "Placed Order", 40.0, day["L1"]), ("L1", "Refunded Order", 12.0, day["L1"]),
        ("L2", "Placed Order", 25.5, day["L2"]), ("L2", "Refunded Order", 5.5, day["L2"]),
        ("L3", "Cancelled Order", 30.0, day["L3"]), ("L3", "Placed Order", 30.0, day["L3"]),
        ("L4", "Placed Order", 19.99, day["L4"]),
    ])
    assert query(warehouse, "select count(*) from marts.order_lines "
                            "where source_name in ('legacy_orders', 'pos_receipts')") == [(0,)]


def test_cdnow_loads_as_its_6919_orders_of_2357_customers_with_the_files_total(built):
    warehouse, counts = built
    purchases = read_cdnow_purchases()
    customers = {purchase.customer_id for purchase in purchases}
    assert (len(purchases), len(customers)) == (6919, 2357)
    assert counts[CDNOW_SOURCE_NAME] == IngestCounts(files_new=1, read=6919, loaded=6919)
    orders, profiles, total = query(warehouse, "select count(*), count(distinct profile_id), sum(total) "
                                               "from marts.orders where source_name = ?", [CDNOW_SOURCE_NAME])[0]
    assert (orders, profiles, total) == (6919, 2357, sum(purchase.dollars for purchase in purchases))
    # each customer's orders are one profile: the profile of a customer's email holds exactly their orders
    per_customer = {}
    for purchase in purchases:
        per_customer[cdnow_email(purchase.customer_id)] = per_customer.get(cdnow_email(purchase.customer_id), 0) + 1
    per_profile = sorted(row[0] for row in query(warehouse, "select count(*) from marts.orders "
                                                            "where source_name = ? group by profile_id",
                                                 [CDNOW_SOURCE_NAME]))
    assert per_profile == sorted(per_customer.values())
    assert query(warehouse, "select metric_name, count(*), sum(value) from marts.events where source_name = ? "
                            "group by all", [CDNOW_SOURCE_NAME]) == [
        ("Placed Order", 6919, pytest.approx(float(total))),
    ]
    assert query(warehouse, "select count(*) from marts.order_lines where source_name = ?",
                 [CDNOW_SOURCE_NAME]) == [(0,)]


def test_a_lineless_mapping_naming_a_column_the_file_lacks_fails_naming_source_and_column(tmp_path, warehouse_path):
    write_csv(tmp_path / "landing/legacy/orders_1.csv", [c for c in LEGACY_HEADER if c != "total"],
              [["L1", "a@example.com", "", "2025-01-05T10:00:00Z", "EUR", "0", "completed"]])
    with open_warehouse(warehouse_path) as con, pytest.raises(ValueError, match=r"legacy_orders.*\['total'\]"):
        ingest_source(con, LEGACY, tmp_path / "landing", SourcesConfig(sources=[LEGACY]), LOADED_AT)
