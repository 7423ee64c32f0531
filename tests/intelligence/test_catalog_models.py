"""The catalog models (dbt_project/models/analytics/catalog) over hand-made marts: every figure is worked out here
by hand from the orders below, the quartiles with Python's statistics module (method 'inclusive' is the
interpolation of quantile_cont).

Four customers. A cancelled order (o10, o13) and a line without product (in o11, and o14 holding nothing else)
count in no figure; o7 and o8 are placed at the same moment; o12's product is missing from the catalog.
"""

from __future__ import annotations

import datetime
import statistics
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

UTC = datetime.UTC

PRODUCTS = [
    {"product_id": "P1", "product_name": "Coffee Beans", "category": "coffee"},
    {"product_id": "P2", "product_name": "Paper Filters", "category": "coffee"},
    {"product_id": "P3", "product_name": "Mug", "category": "home"},
    {"product_id": "P4", "product_name": "Green Tea", "category": "tea"},
]

# order_key: (profile, ordered_at, cancelled, currency, [(product_id, quantity, line_total)])
ORDERS = {
    "o1": ("a", "2026-01-01 10:00", False, "USD", [("P1", 2, "20.00"), ("P2", 1, "5.00")]),
    "o2": ("a", "2026-01-31 10:00", False, "USD", [("P1", 1, "10.00")]),
    "o3": ("a", "2026-03-03 10:00", False, "USD", [("P1", 1, "10.00"), ("P3", 1, "15.00")]),
    "o4": ("b", "2026-01-05 09:00", False, "USD", [("P1", 1, "10.00"), ("P2", 2, "10.00")]),
    "o5": ("b", "2026-01-05 18:00", False, "USD", [("P1", 1, "10.00")]),
    "o6": ("b", "2026-02-15 09:00", False, "USD", [("P1", 1, "10.00"), ("P2", 1, "5.00")]),
    "o7": ("c", "2026-01-10 12:00", False, "USD", [("P1", 1, "10.00"), ("P2", 1, "5.00")]),
    "o8": ("c", "2026-01-10 12:00", False, "USD", [("P3", 1, "15.00")]),
    "o9": ("c", "2026-02-01 12:00", False, "EUR", [("P1", 1, "10.00"), ("P4", 1, "8.00")]),
    "o10": ("d", "2026-02-01 08:00", True, "USD", [("P1", 1, "10.00"), ("P2", 1, "5.00")]),
    "o11": ("d", "2026-02-20 08:00", False, "USD", [("P2", 1, "5.00"), (None, 1, "7.00")]),
    "o12": ("c", "2026-03-10 12:00", False, "USD", [("P5", 1, "12.00")]),
    "o13": ("d", "2026-03-20 08:00", True, "USD", [("P1", 1, "10.00")]),
    "o14": ("d", "2026-02-25 08:00", False, "USD", [(None, 3, "30.00")]),
}

SETTINGS = {"same_cart_min_orders": 2, "next_order_min_orders": 2, "replenishable_min_repeat_customers": 2}


def _at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def built(warehouse_path: Path, stand_in, build_analytics, copy_config) -> dict[str, list[dict]]:
    """Every catalog table built over the hand-made marts with SETTINGS, as lists of dicts."""
    con = duckdb.connect(str(warehouse_path))
    stand_in(con, "marts.products", PRODUCTS)
    stand_in(con, "marts.orders", [
        {"order_key": key, "order_id": key, "profile_id": profile, "ordered_at": _at(at), "is_cancelled": cancelled,
         "currency": currency, "source": "web"}
        for key, (profile, at, cancelled, currency, _) in ORDERS.items()
    ])
    stand_in(con, "marts.order_lines", [
        {"order_line_key": f"{key}:line:{index}", "order_key": key, "profile_id": profile, "ordered_at": _at(at),
         "product_id": product, "quantity": quantity, "line_total": Decimal(total),
         # the lines' own names and categories lose to the catalog's; P5 has only these
         "product_name": "Mystery Item" if product == "P5" else "name on the line",
         "category": None if product == "P5" else "category on the line"}
        for key, (profile, at, _, _, lines) in ORDERS.items()
        for index, (product, quantity, total) in enumerate(lines, start=1)
    ])
    con.close()
    config_dir = copy_config()
    (config_dir / "catalog.yaml").write_text(yaml.safe_dump(SETTINGS))
    build_analytics("path:models/analytics/catalog", config_dir=config_dir)
    con = duckdb.connect(str(warehouse_path))
    tables = {}
    for name in ("product_performance", "product_repeat_timing", "product_next_order", "product_same_cart",
                 "customer_next_product"):
        cursor = con.execute(f"select * from analytics.{name}")
        columns = [column[0] for column in cursor.description]
        tables[name] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    con.close()
    return tables


def test_catalog_tables(built: dict[str, list[dict]]) -> None:
    """One dbt build (about 6 s) checked table by table below."""
    _check_performance(built["product_performance"])
    _check_repeat_timing(built["product_repeat_timing"])
    _check_next_order(built["product_next_order"])
    _check_same_cart(built["product_same_cart"])
    _check_customer_next_product(built["customer_next_product"])


def _check_performance(rows: list[dict]) -> None:
    # Kept lines only: o10 and o13 are cancelled, the lines without product of o11 and o14 are nobody's.
    # P1: o1 (2 units, 20), o2, o3, o4, o5, o6, o7, o9 (1 unit, 10 each); customers a, b, c; o9 is in EUR.
    expected = {
        ("product", "P1"): ("Coffee Beans", "coffee", 8, 9, Decimal("90.00"), 3, 2),
        ("product", "P2"): ("Paper Filters", "coffee", 5, 6, Decimal("30.00"), 4, 1),  # o1, o4 (2), o6, o7, o11
        ("product", "P3"): ("Mug", "home", 2, 2, Decimal("30.00"), 2, 1),
        ("product", "P4"): ("Green Tea", "tea", 1, 1, Decimal("8.00"), 1, 1),
        ("product", "P5"): ("Mystery Item", None, 1, 1, Decimal("12.00"), 1, 1),
        # coffee: the orders holding P1 or P2 (o1-o7 but o8, o9, o11) once each, customers a, b, c, d
        ("category", "coffee"): (None, "coffee", 9, 15, Decimal("120.00"), 4, 2),
        ("category", "home"): (None, "home", 2, 2, Decimal("30.00"), 2, 1),
        ("category", "tea"): (None, "tea", 1, 1, Decimal("8.00"), 1, 1),
        ("category", None): (None, None, 1, 1, Decimal("12.00"), 1, 1),
    }
    got = {
        (row["grain"], row["product_id"] if row["grain"] == "product" else row["category"]): (
            row["product_name"], row["category"], row["orders"], row["units"], row["revenue"], row["customers"],
            row["currency_count"],
        )
        for row in rows
    }
    assert len(rows) == len(expected)
    assert got == expected
    p1 = next(row for row in rows if row["product_id"] == "P1")
    assert (p1["first_ordered_at"], p1["last_ordered_at"]) == (_at("2026-01-01 10:00"), _at("2026-03-03 10:00"))


# Purchase days of P1 (cancelled o13 of d left out): a 01-01, 01-31, 03-03 (gaps 30, 31); b 01-05 twice (o4, o5:
# one day), 02-15 (gap 41); c 01-10, 02-01 (gap 22). P2: only b buys it on two days (01-05, 02-15: 41).
P1_GAPS = [30, 31, 41, 22]


def _check_repeat_timing(rows: list[dict]) -> None:
    by_product = {row["product_id"]: row for row in rows}
    assert set(by_product) == {"P1", "P2"}  # P3, P4, P5 were never bought again
    p25, median, p75 = statistics.quantiles(P1_GAPS, n=4, method="inclusive")
    assert (p25, median, p75) == (28.0, 30.5, 33.5)
    p1 = by_product["P1"]
    assert (p1["customers"], p1["repeat_customers"], p1["repeat_gaps"]) == (3, 3, 4)
    assert p1["repeat_customer_share"] == 1.0
    assert (p1["min_days"], p1["p25_days"], p1["median_days"], p1["p75_days"], p1["max_days"]) == (
        22, p25, median, p75, 41
    )
    assert (p1["product_name"], p1["category"], p1["is_replenishable"]) == ("Coffee Beans", "coffee", True)
    p2 = by_product["P2"]
    assert (p2["customers"], p2["repeat_customers"], p2["repeat_gaps"]) == (4, 1, 1)  # a, b, c, d bought it
    assert p2["repeat_customer_share"] == 0.25
    assert (p2["p25_days"], p2["median_days"], p2["p75_days"]) == (41.0, 41.0, 41.0)
    assert p2["is_replenishable"] is False  # one repeat customer, the setting asks for 2


def _check_next_order(rows: list[dict]) -> None:
    # Each profile's kept orders with products in time order; o7 and o8 (c) are one moment, both followed by o9.
    # a: o1 {P1,P2} -> o2 {P1} -> o3 {P1,P3}.  b: o4 {P1,P2} -> o5 {P1} -> o6 {P1,P2}.
    # c: o7 {P1,P2} + o8 {P3} -> o9 {P1,P4} -> o12 {P5}.  d: o11 {P2} alone (o14 holds no product).
    # P1 orders: o1, o2, o3, o4, o5, o6, o7, o9 (8); followed: all but o3 and o6 (6); next holds P1 after o1, o2,
    # o4, o5, o7 (5); P3 only after o2, P2 only after o5, P4 only after o7, P5 only after o9: under 2, left out.
    # P2 orders: o1, o4, o6, o7, o11 (5); followed: o1, o4, o7 (3), each next holding P1; P4 once (o7).
    expected = {
        ("P1", "P1"): ("Coffee Beans", "Coffee Beans", True, 8, 6, 5, 5 / 6),
        ("P2", "P1"): ("Paper Filters", "Coffee Beans", False, 5, 3, 3, 1.0),
    }
    got = {
        (row["product_id"], row["next_product_id"]): (
            row["product_name"], row["next_product_name"], row["is_same_product"], row["orders_with_product"],
            row["orders_followed"], row["next_orders_with_product"], row["share"],
        )
        for row in rows
    }
    assert len(rows) == len(expected)
    assert got.keys() == expected.keys()
    for key, values in expected.items():
        assert got[key][:-1] == values[:-1]
        assert got[key][-1] == pytest.approx(values[-1])


def _check_same_cart(rows: list[dict]) -> None:
    # Orders with products: o1-o9, o11, o12 (11; not o10, o13 cancelled, nor o14 without product).
    # P1 and P2 together in o1, o4, o6, o7 (4); P1 in 8 orders, P2 in 5. P1-P3 (o3) and P1-P4 (o9) once: left out.
    orders, both, with_p1, with_p2 = 11, 4, 8, 5
    expected = {
        ("P1", "P2"): (both, with_p1, with_p2, both / orders, both / with_p1, (both / with_p1) / (with_p2 / orders)),
        ("P2", "P1"): (both, with_p2, with_p1, both / orders, both / with_p2, (both / with_p2) / (with_p1 / orders)),
    }
    assert expected[("P1", "P2")][4:] == (0.5, pytest.approx(1.1))
    assert expected[("P2", "P1")][4:] == (0.8, pytest.approx(1.1))
    assert len(rows) == 2
    for row in rows:
        assert row["orders_with_products"] == orders
        want = expected[(row["product_id"], row["paired_product_id"])]
        assert (row["orders_with_both"], row["orders_with_product"], row["orders_with_paired_product"]) == want[:3]
        assert (row["support"], row["confidence"], row["lift"]) == pytest.approx(want[3:])
    names = {(row["product_name"], row["paired_product_name"]) for row in rows}
    assert names == {("Coffee Beans", "Paper Filters"), ("Paper Filters", "Coffee Beans")}


def _check_customer_next_product(rows: list[dict]) -> None:
    # Only P1 is replenishable (3 repeat customers, P2 has 1); its median 30.5 days rounds (halves up) to 31.
    # As of the newest order in marts.orders: o13 on 2026-03-20 (cancelled, but the data runs to that day).
    as_of = datetime.date(2026, 3, 20)
    gap = int(statistics.median(P1_GAPS) + 0.5)
    assert gap == 31
    last = {"a": (datetime.date(2026, 3, 3), 3), "b": (datetime.date(2026, 2, 15), 2),
            "c": (datetime.date(2026, 2, 1), 2)}  # d bought P1 only in cancelled orders
    expected = {}
    for profile, (last_date, days) in last.items():
        next_date = last_date + datetime.timedelta(days=gap)
        expected[(profile, "P1")] = (days, last_date, next_date, (next_date - as_of).days, next_date < as_of)
    assert [expected[(p, "P1")][3] for p in "abc"] == [14, -2, -16]
    got = {
        (row["profile_id"], row["product_id"]): (
            row["purchase_days"], row["last_purchase_date"], row["expected_next_purchase_date"],
            row["days_until_expected"], row["is_overdue"],
        )
        for row in rows
    }
    assert got == expected
    assert {(row["product_name"], row["median_days"], row["as_of_date"]) for row in rows} == {
        ("Coffee Beans", 30.5, as_of)
    }
