"""Tests of the CLV summaries SQL (dbt_project/models/analytics/clv): each figure of a few hand-made customers is
computed here by hand from their orders."""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb
import yaml

CLV_MODELS = "path:models/analytics/clv"
SUMMARY_COLUMNS = (
    "first_purchase_date, last_purchase_date, purchase_days, frequency, recency_days, t_days, monetary_value, "
    "historic_clv, historic_orders, as_of_date"
)
D = datetime.date


def _order(profile_id: str, ordered_at: str, net_total: float, **extra: object) -> dict:
    return {"order_key": f"{profile_id}:{ordered_at}:{net_total}", "profile_id": profile_id,
            "ordered_at": ordered_at, "total": net_total, "net_total": net_total, **extra}


# p1: two orders on 2024-01-01 (one purchase of 30), then 30 on 01-11 and 40 on 02-10.
# p2: 50 net of a partial refund on 01-20; a cancelled, a $0 and a fully refunded order are not orders.
# p3: an order of 2019 (outside 1500 days), 25 at 23:30 -02:00 on 01-31 (UTC day 02-01), 35 on 03-01 (the newest).
HAND_ORDERS = [
    _order("p1", "2024-01-01 10:00:00+00", 10), _order("p1", "2024-01-01 15:00:00+00", 20),
    _order("p1", "2024-01-11 12:00:00+00", 30), _order("p1", "2024-02-10 12:00:00+00", 40),
    {**_order("p2", "2024-01-20 12:00:00+00", 50), "total": 80, "refunded_amount": 30},
    {**_order("p2", "2024-02-01 12:00:00+00", 0), "total": 70, "is_cancelled": True},
    {**_order("p2", "2024-02-05 12:00:00+00", 0), "total": 0, "is_zero_value": True},
    {**_order("p2", "2024-02-08 12:00:00+00", 0), "total": 60, "refunded_amount": 60},
    _order("p3", "2019-01-01 12:00:00+00", 99),
    _order("p3", "2024-01-31 23:30:00-02", 25), _order("p3", "2024-03-01 08:00:00+00", 35),
]


def _write_config(config_dir: Path, **settings: object) -> None:
    path = config_dir / "clv.yaml"
    data = yaml.safe_load(path.read_text())
    data.update(settings)
    path.write_text(yaml.safe_dump(data))


def _rows(warehouse_path: Path, table: str, columns: str) -> dict[str, tuple]:
    con = duckdb.connect(str(warehouse_path))
    try:
        return {row[0]: row[1:] for row in con.execute(f"select profile_id, {columns} from {table}").fetchall()}
    finally:
        con.close()


def _stand_in_orders(warehouse_path: Path, stand_in, orders: list[dict], events: list[dict] | None = None) -> None:
    con = duckdb.connect(str(warehouse_path))
    stand_in(con, "marts.orders", orders)
    stand_in(con, "marts.metric_events", events or [])
    con.close()


def test_summaries_count_purchase_days_of_net_orders_as_of_the_newest_order(warehouse_path, stand_in,
                                                                             build_analytics):
    _stand_in_orders(warehouse_path, stand_in, HAND_ORDERS)
    build_analytics(CLV_MODELS)
    as_of = D(2024, 3, 1)
    assert _rows(warehouse_path, "analytics.clv_customer_summaries", SUMMARY_COLUMNS) == {
        # purchase days 01-01 (30), 01-11 (30), 02-10 (40): repeat mean (30 + 40) / 2; T = 31 + 29 days.
        "p1": (D(2024, 1, 1), D(2024, 2, 10), 3, 2, 40, 60, 35.0, 100.0, 4, as_of),
        "p2": (D(2024, 1, 20), D(2024, 1, 20), 1, 0, 0, 41, 0.0, 50.0, 1, as_of),
        "p3": (D(2024, 2, 1), D(2024, 3, 1), 2, 1, 29, 29, 35.0, 60.0, 2, as_of),
    }
    # The default hold-out of 90 days ends the calibration on 2023-12-02, before anyone's first order.
    assert _rows(warehouse_path, "analytics.clv_backtest_summaries", "frequency") == {}


def test_backtest_summaries_stop_at_the_calibration_end_and_count_the_holdout(warehouse_path, stand_in,
                                                                             build_analytics, copy_config):
    config_dir = copy_config()
    _write_config(config_dir, backtest_holdout_days=20)
    _stand_in_orders(warehouse_path, stand_in, HAND_ORDERS)
    build_analytics(CLV_MODELS, config_dir=config_dir)
    calibration_end, holdout_end = D(2024, 2, 10), D(2024, 3, 1)
    columns = ("frequency, recency_days, t_days, monetary_value, historic_clv, calibration_end_date, "
               "holdout_end_date, holdout_purchase_days, holdout_orders, holdout_revenue")
    assert _rows(warehouse_path, "analytics.clv_backtest_summaries", columns) == {
        "p1": (2, 40, 40, 35.0, 100.0, calibration_end, holdout_end, 0, 0, 0.0),
        "p2": (0, 0, 21, 0.0, 50.0, calibration_end, holdout_end, 0, 0, 0.0),
        "p3": (0, 0, 9, 0.0, 25.0, calibration_end, holdout_end, 1, 1, 35.0),
    }


def test_a_custom_metric_by_name_with_a_set_as_of_and_a_short_historic_range(warehouse_path, stand_in,
                                                                             build_analytics, copy_config):
    config_dir = copy_config()
    _write_config(config_dir, order_metric="Orders with a discount code", as_of="2024-02-15",
                  historic_range_days=45, backtest_holdout_days=10)
    metric = "Orders with a discount code"

    def event(profile_id: str, event_at: str, value: float | None) -> dict:
        return {"metric_name": metric, "event_id": f"{profile_id}{event_at}", "profile_id": profile_id,
                "event_at": event_at, "value": value}

    events = [
        event("p1", "2024-01-01 12:00:00+00", 5),   # 45 days before as_of: outside the 45 days 01-02 .. 02-15
        event("p1", "2024-01-02 12:00:00+00", 7),   # the first day of the range
        event("p1", "2024-01-10 12:00:00+00", 8), event("p1", "2024-01-10 18:00:00+00", None),
        event("p1", "2024-02-15 12:00:00+00", 12),  # as_of itself is in
        event("p1", "2024-02-16 12:00:00+00", 100),  # after as_of: out
        {**event("p2", "2024-02-01 12:00:00+00", 9), "metric_name": "Placed Order (all revenue)"},
    ]
    _stand_in_orders(warehouse_path, stand_in, HAND_ORDERS, events)
    build_analytics(CLV_MODELS, config_dir=config_dir)
    assert _rows(warehouse_path, "analytics.clv_customer_summaries", SUMMARY_COLUMNS) == {
        # days 01-02 (7), 01-10 (8 + a null value, 0), 02-15 (12); repeat mean (8 + 12) / 2; T = 29 + 15 days.
        "p1": (D(2024, 1, 2), D(2024, 2, 15), 3, 2, 44, 44, 10.0, 27.0, 4, D(2024, 2, 15)),
    }
