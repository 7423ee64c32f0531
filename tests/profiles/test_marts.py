"""Core marts: one order shape for every store and the POS, synthesized order events, incremental and full refresh."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from assets.ingest.raw_tables import create_raw_tables
from assets.profiles.identity_config import load_identity_config
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT

AT = datetime(2026, 2, 1, 12, tzinfo=UTC)
CORE_MODELS = (
    "path:models/staging path:models/intermediate/identity int_phone_numbers_normalized int_profile_records "
    "events orders order_lines products profile_identities identity_merges"
)


def insert(con: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    row = {"_file": f"{table}.csv", "_loaded_at": AT, **({} if table == "events" else {"_row_hash": "h"}), **row}
    con.execute(f"insert into raw.{table} ({', '.join(row)}) values ({', '.join('?' * len(row))})",
                list(row.values()))


def build(path: Path, target: Path, *extra: str) -> None:
    dbt_vars = {"cdp_identity": load_identity_config(PROJECT_ROOT / "config").as_dbt_var()}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CDP_WAREHOUSE", str(path))
        result = dbtRunner().invoke([
            "build", *extra, "--select", *CORE_MODELS.split(), "--vars", json.dumps(dbt_vars),
            "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(target), "--log-path", str(target / "logs"),
        ])
    assert result.success, result.exception


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A refunded web order, a cancelled POS order, a WooCommerce order and a page view, built twice."""
    root = tmp_path_factory.mktemp("marts")
    path = root / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    create_raw_tables(con)
    shop = {"source_name": "shopify_orders", "source_label": "shopify", "currency": "usd"}
    insert(con, "shopify_order_lines", {**shop, "name": "#1", "lineitem_index": 1, "_line": 2, "created_at": AT,
           "email": "a@example.com", "total": 25, "refunded_amount": 5, "source": "web", "lineitem_sku": "S1",
           "lineitem_quantity": 2, "lineitem_price": 10, "discount_code": "WELCOME"})
    insert(con, "shopify_order_lines", {**shop, "name": "#1", "lineitem_index": 2, "_line": 3,
           "lineitem_sku": "S2", "lineitem_quantity": 1, "lineitem_price": 5})
    insert(con, "shopify_order_lines", {**shop, "name": "#2", "lineitem_index": 1, "_line": 4, "created_at": AT,
           "email": "b@example.com", "total": 0, "source": "pos", "cancelled_at": AT, "lineitem_quantity": 1,
           "lineitem_price": 0})
    insert(con, "store_order_lines", {"source_name": "woocommerce_orders", "source_label": "woocommerce",
           "_line": 2, "order_id": "77", "line_id": "1", "customer_id": "9", "ordered_at": AT, "order_total": 12,
           "line_total": 12, "quantity": 3, "product_id": "p1", "status": "completed"})
    insert(con, "catalog_products", {"source_name": "catalog", "source_label": "catalog", "_line": 2,
           "product_id": "p1", "sku": "S1", "category": "Mugs", "price": 10})
    insert(con, "events", {"source_name": "segment_events", "source_label": "web", "_line": 1, "message_id": "e1",
           "type": "page", "anonymous_id": "an", "event_timestamp": AT})
    con.close()
    build(path, root / "target")
    build(path, root / "target")  # an incremental run with nothing new changes nothing
    yield path, root / "target"


def query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_orders_of_every_store_in_one_shape_with_refunds_and_cancellations(marts: tuple[Path, Path]) -> None:
    rows = query(marts[0], "select order_id, source, total, net_total, refunded_amount, is_cancelled, is_pos,"
                           " is_zero_value, item_count from marts.orders order by order_id")
    assert [tuple(float(v) if hasattr(v, "as_tuple") else v for v in row) for row in rows] == [
        ("#1", "web", 25.0, 20.0, 5.0, False, False, False, 3),
        ("#2", "pos", 0.0, 0.0, 0.0, True, True, True, 1),
        ("77", "woocommerce", 12.0, 12.0, 0.0, False, False, False, 3),
    ]
    lines = query(marts[0], "select order_line_key, product_id, category, line_total from marts.order_lines"
                            " order by 1")
    assert [(key, product, category, float(total)) for key, product, category, total in lines] == [
        ("shopify_orders:order:#1:line:1", "p1", "Mugs", 20.0),
        ("shopify_orders:order:#1:line:2", None, None, 5.0),
        ("shopify_orders:order:#2:line:1", None, None, 0.0),
        ("woocommerce_orders:order:77:line:1", "p1", "Mugs", 12.0),
    ]


def test_order_events_are_synthesized_once_with_deterministic_ids(marts: tuple[Path, Path]) -> None:
    counts = dict(query(marts[0], "select metric_name, count(*) from marts.events group by 1"))
    assert counts == {"Viewed Page": 1, "Placed Order": 3, "Ordered Product": 4, "Refunded Order": 1,
                      "Cancelled Order": 1}
    placed = query(
        marts[0],
        "select event_id, value, properties->>'$.source', properties->>'$.discount_code' from marts.events"
        " where metric_name = 'Placed Order' and properties->>'$.order_id' = '#1'",
    )
    assert placed == [(
        query(marts[0], "select md5('shopify_orders:order:#1:placed')")[0][0], 25.0, "web", "WELCOME"
    )]


def test_full_refresh_rebuilds_the_same_marts(marts: tuple[Path, Path]) -> None:
    path, target = marts
    before = query(path, "select event_id, metric_name, value from marts.events order by 1")
    build(path, target, "--full-refresh")
    assert query(path, "select event_id, metric_name, value from marts.events order by 1") == before
    assert query(path, "select count(*) from intermediate.int_identity_resolution_runs") == [(1,)]
