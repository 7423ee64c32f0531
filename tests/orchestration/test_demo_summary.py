"""`make demo`'s summary: what it prints points at the warehouse it read, wherever CDP_WAREHOUSE puts it."""

import duckdb

from orchestration import demo_summary


def test_the_query_hint_names_the_warehouse_summarized_not_a_fixed_path(warehouse_path, capsys):
    # Regression: the hint named data/warehouse.duckdb whatever file the summary had read.
    with duckdb.connect(str(warehouse_path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.profiles as select 'p1' as profile_id")

    demo_summary.main()

    out = capsys.readouterr().out
    assert f"Warehouse: {warehouse_path}" in out
    [hint] = [line for line in out.splitlines() if line.startswith("Query it:")]
    assert f"duckdb.connect({str(warehouse_path)!r}, read_only=True)" in hint
    assert "data/warehouse.duckdb" not in hint


def test_the_intelligence_lines_give_the_back_test_rfm_groups_and_segment_sizes(warehouse_path):
    with duckdb.connect(str(warehouse_path)) as con:
        con.execute("create schema analytics")
        con.execute(
            "create table analytics.clv_model as select 'modified_bgnbd' as frequency_model, "
            "date '2026-10-31' as as_of_date, 1983 as customers, 896 as repeat_buyers, 90 as backtest_holdout_days, "
            "372.4 as backtest_predicted_orders, 384 as backtest_actual_orders, 456.7 as backtest_baseline_orders, "
            "26507.1 as backtest_predicted_revenue, 25395.8 as backtest_actual_revenue, "
            "31115.8 as backtest_baseline_revenue, now() as fitted_at"
        )
        con.execute("create table analytics.customer_rfm_current as select * from "
                    "(values ('a', 'Loyal'), ('b', 'Loyal'), ('c', 'Champions')) t(profile_id, rfm_group)")
        con.execute("create table analytics.segment_membership as select * from (values "
                    "('VIP', 'a', true), ('VIP', 'b', false)) t(segment_name, profile_id, is_activatable)")
        lines = demo_summary.intelligence_overview(con)

    assert lines == [
        "  CLV (analytics.customer_clv): modified_bgnbd + Gamma-Gamma as of 2026-10-31, 1,983 customers, "
        "896 repeat buyers",
        "    back-test over the last 90 days: orders predicted 372, actual 384, naive baseline 457; revenue predicted "
        "26,507, actual 25,396, baseline 31,116",
        "  RFM groups (analytics.customer_rfm_current): Loyal 2, Champions 1",
        "  Segments and lists (analytics.segment_membership): VIP 2 (1 activatable)",
    ]


def test_a_warehouse_without_analytics_prints_no_intelligence_lines(warehouse_path):
    with duckdb.connect(str(warehouse_path)) as con:
        assert demo_summary.intelligence_overview(con) == []
