"""Core marts: one order shape for every store and the POS, synthesized order events, incremental and full refresh."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest

from assets.ingest.raw_tables import create_raw_tables
from assets.profiles.identity_config import load_identity_config
from core.settings import PROJECT_ROOT

AT = datetime(2026, 2, 1, 12, tzinfo=UTC)  # the load time of every record, and when #1, #2 and 77 were placed
OLD = datetime(2024, 1, 10, 9, tzinfo=UTC)  # #3, #4 and 78 were placed two years before they were loaded
CORE_MODELS = (
    "path:models/staging path:models/intermediate/identity int_phone_numbers_normalized int_profile_records "
    "events orders order_lines products profile_identities identity_merges"
)
RUN_LOG = "intermediate.int_identity_resolution_runs"


def insert(con: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    row = {"_file": f"{table}.csv", "_loaded_at": AT, **({} if table == "events" else {"_row_hash": "h"}), **row}
    con.execute(f"insert into raw.{table} ({', '.join(row)}) values ({', '.join('?' * len(row))})",
                list(row.values()))


def build(invoke_dbt: Callable[..., object], path: Path, target: Path, *extra: str) -> object:
    """The core models built and tested; dbt's run results."""
    dbt_vars = {"cdp_identity": load_identity_config(PROJECT_ROOT / "config").as_dbt_var()}
    # Cautious: a test that also reads a model outside these (profile_identities against profiles) is not run here.
    return invoke_dbt(path, target, "build", *extra, "--select", *CORE_MODELS.split(), "--indirect-selection",
                      "cautious", dbt_vars=dbt_vars)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A partly refunded web order, a cancelled POS order, a WooCommerce order and a page view, placed when they
    were loaded; old orders: refunded, voided, cancelled and refunded, a cancelled WooCommerce one; not built yet."""
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
    insert(con, "shopify_order_lines", {**shop, "name": "#3", "lineitem_index": 1, "_line": 5, "created_at": OLD,
           "paid_at": OLD + timedelta(minutes=5), "fulfilled_at": OLD + timedelta(days=2, hours=6),
           "email": "c@example.com", "total": 40, "refunded_amount": 40, "financial_status": "refunded",
           "source": "web", "lineitem_quantity": 1, "lineitem_price": 40})
    insert(con, "shopify_order_lines", {**shop, "name": "#4", "lineitem_index": 1, "_line": 6, "created_at": OLD,
           "cancelled_at": OLD + timedelta(hours=1), "email": "d@example.com", "total": 60, "refunded_amount": 0,
           "financial_status": "voided", "source": "web", "lineitem_quantity": 2, "lineitem_price": 30})
    insert(con, "shopify_order_lines", {**shop, "name": "#5", "lineitem_index": 1, "_line": 7, "created_at": OLD,
           "cancelled_at": OLD + timedelta(hours=2), "email": "e@example.com", "total": 50, "refunded_amount": 50,
           "financial_status": "refunded", "source": "web", "lineitem_quantity": 1, "lineitem_price": 50})
    insert(con, "store_order_lines", {"source_name": "woocommerce_orders", "source_label": "woocommerce",
           "_line": 3, "order_id": "78", "line_id": "1", "customer_id": "10", "ordered_at": OLD,
           "order_total": 20, "line_total": 20, "quantity": 1, "status": "cancelled"})
    insert(con, "catalog_products", {"source_name": "catalog", "source_label": "catalog", "_line": 2,
           "product_id": "p1", "sku": "S1", "category": "Mugs", "price": 10})
    insert(con, "events", {"source_name": "segment_events", "source_label": "web", "_line": 1, "message_id": "e1",
           "type": "page", "anonymous_id": "an", "event_timestamp": AT})
    con.close()
    return path, root / "target"


def incremental_tables(run_results: object) -> list[str]:
    """`schema.table` of every incremental model a build ran."""
    nodes = [result.node for result in run_results.results]
    return sorted(f"{node.schema}.{node.alias}" for node in nodes if node.config.materialized == "incremental")


def table_contents(path: Path, tables: list[str]) -> dict[str, tuple]:
    """Per table its row count and the sum of its rows' hashes: equal for equal contents, in any row order."""
    return {table: tuple(query(path, f"select count(*), sum(hash(t)) from {table} as t")[0]) for table in tables}


class TwoBuilds(NamedTuple):
    """The incremental tables each build ran, their contents after each, and the run log after the second."""

    incremental: tuple[list[str], list[str]]
    after_first: dict[str, tuple]
    after_second: dict[str, tuple]
    run_log: list[tuple]


@pytest.fixture(scope="module")
def built_twice(loaded: tuple[Path, Path], invoke_dbt: Callable[..., object]) -> TwoBuilds:
    """Built, then built again with nothing new."""
    path, target = loaded
    first = incremental_tables(build(invoke_dbt, path, target))
    after_first = table_contents(path, first)
    second = incremental_tables(build(invoke_dbt, path, target))
    run_log = query(path, "select node_count, edge_count, component_count, identifiers_demoted, components_split,"
                          f" links_cut from {RUN_LOG} order by run_started_at")
    return TwoBuilds((first, second), after_first, table_contents(path, first), run_log)


@pytest.fixture(scope="module")
def marts(loaded: tuple[Path, Path], built_twice: TwoBuilds) -> tuple[Path, Path]:
    """The warehouse and dbt target of the marts, built twice."""
    return loaded


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
        ("#3", "web", 40.0, 0.0, 40.0, False, False, False, 1),
        ("#4", "web", 60.0, 0.0, 0.0, True, False, False, 2),
        ("#5", "web", 50.0, 0.0, 50.0, True, False, False, 1),
        ("77", "woocommerce", 12.0, 12.0, 0.0, False, False, False, 3),
        ("78", "woocommerce", 20.0, 0.0, 0.0, True, False, False, 1),
    ]
    lines = query(marts[0], "select order_line_key, product_id, category, line_total from marts.order_lines"
                            " order by 1")
    assert [(key, product, category, float(total)) for key, product, category, total in lines] == [
        ("shopify_orders:order:#1:line:1", "p1", "Mugs", 20.0),
        ("shopify_orders:order:#1:line:2", None, None, 5.0),
        ("shopify_orders:order:#2:line:1", None, None, 0.0),
        ("shopify_orders:order:#3:line:1", None, None, 40.0),
        ("shopify_orders:order:#4:line:1", None, None, 60.0),
        ("shopify_orders:order:#5:line:1", None, None, 50.0),
        ("woocommerce_orders:order:77:line:1", "p1", "Mugs", 12.0),
        ("woocommerce_orders:order:78:line:1", None, None, 20.0),
    ]


def test_order_events_are_synthesized_once_with_deterministic_ids(marts: tuple[Path, Path]) -> None:
    counts = dict(query(marts[0], "select metric_name, count(*) from marts.events group by 1"))
    assert counts == {"Viewed Page": 1, "Placed Order": 7, "Ordered Product": 8, "Refunded Order": 3,
                      "Cancelled Order": 4}
    placed = query(
        marts[0],
        "select event_id, value, properties->>'$.source', properties->>'$.discount_code' from marts.events"
        " where metric_name = 'Placed Order' and properties->>'$.order_id' = '#1'",
    )
    assert placed == [(
        query(marts[0], "select md5('shopify_orders:order:#1:placed')")[0][0], 25.0, "web", "WELCOME"
    )]
    # A cancelled order keeps its Placed Order, which says so for metrics that leave cancelled orders out.
    cancelled = query(marts[0], "select properties->>'$.order_id', properties->>'$.is_cancelled' from marts.events"
                                " where metric_name = 'Placed Order' order by 1")
    assert cancelled == [("#1", "false"), ("#2", "true"), ("#3", "false"), ("#4", "true"), ("#5", "true"),
                         ("77", "false"), ("78", "true")]


def test_refund_and_cancellation_events_take_the_source_times_never_the_load_time(
    marts: tuple[Path, Path],
) -> None:
    """Regression: a refund's event time was its load time, so a two-year-old order's refund looked like today's."""
    rows = query(marts[0], "select properties->>'$.order_id', metric_name, event_at from marts.events"
                           " where metric_name in ('Refunded Order', 'Cancelled Order') order by 1, 2")
    assert rows == [
        ("#1", "Refunded Order", AT),  # placed at AT: no later time in the export
        ("#2", "Cancelled Order", AT),
        ("#3", "Refunded Order", OLD + timedelta(days=2, hours=6)),  # its fulfilment, the latest time it carries
        ("#4", "Cancelled Order", OLD + timedelta(hours=1)),  # its Cancelled at
        ("#5", "Cancelled Order", OLD + timedelta(hours=2)),
        ("#5", "Refunded Order", OLD + timedelta(hours=2)),  # cancelled and refunded: its last time is the cancel
        ("78", "Cancelled Order", OLD),  # WooCommerce's mapping carries only the order's time
    ]


def test_order_events_of_each_order_add_up_to_its_net_total(marts: tuple[Path, Path]) -> None:
    """Placed - Refunded - Cancelled per order is the net_total historic value sums; totals by hand from the fixture."""
    signed = query(marts[0], """
        select properties->>'$.order_id',
            sum(case metric_name when 'Placed Order' then value else -value end)
        from marts.events where metric_name in ('Placed Order', 'Refunded Order', 'Cancelled Order')
        group by 1 order by 1""")
    # #1 25 - 5; #2 0 - 0; #3 40 - 40 refunded; #4 60 - 60 voided; #5 50 - 50 refunded - 0 left to cancel;
    # 77 12; 78 20 - 20 cancelled.
    assert signed == [
        ("#1", 20.0), ("#2", 0.0), ("#3", 0.0), ("#4", 0.0), ("#5", 0.0), ("77", 12.0), ("78", 0.0),
    ]
    net = query(marts[0], "select order_id, cast(net_total as double) from marts.orders order by 1")
    assert net == signed


def test_an_incremental_run_with_nothing_new_changes_nothing(built_twice: TwoBuilds) -> None:
    first, second = built_twice.incremental
    # Both builds ran every incremental model of the core: the profile-id history, the run log, phones, events.
    assert first == second
    assert {"intermediate.int_identifier_profile_history", RUN_LOG, "intermediate.int_phone_numbers_normalized",
            "marts.events"} <= set(first)
    # The run log is the one that grows, by design: a row per run; the second saw the same graph and did the same.
    assert (built_twice.after_first[RUN_LOG][0], built_twice.after_second[RUN_LOG][0]) == (1, 2)
    assert built_twice.run_log[0] == built_twice.run_log[1]
    # Nothing else moved: no new history row, no event or phone added, removed or changed.
    unchanged = {table: contents for table, contents in built_twice.after_first.items() if table != RUN_LOG}
    assert {table: built_twice.after_second[table] for table in unchanged} == unchanged
    assert unchanged["intermediate.int_identifier_profile_history"][0] > 0 and unchanged["marts.events"][0] > 0


def test_full_refresh_rebuilds_the_same_marts(marts: tuple[Path, Path], invoke_dbt: Callable[..., object]) -> None:
    path, target = marts
    before = query(path, "select event_id, metric_name, value from marts.events order by 1")
    build(invoke_dbt, path, target, "--full-refresh")
    assert query(path, "select event_id, metric_name, value from marts.events order by 1") == before
    assert query(path, "select count(*) from intermediate.int_identity_resolution_runs") == [(1,)]
