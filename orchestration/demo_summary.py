"""What `make demo` built and where to find it: table counts per schema and the quarantine, read from the warehouse."""

import duckdb

from connectors.warehouse.duckdb_file import qualified, table_exists
from core.settings import load_settings


def warehouse_overview(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    """(schema, table, rows) for every base table in the warehouse, schema by schema."""
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_type = 'BASE TABLE' and table_schema not in ('information_schema', 'pg_catalog') "
        "order by table_schema, table_name"
    ).fetchall()
    return [
        (schema, table, con.execute(f"select count(*) from {qualified(schema, table)}").fetchone()[0])
        for schema, table in tables
    ]


def intelligence_overview(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The CLV fit with its back-test, the RFM groups and the segments' sizes, as lines; none for a table not built."""
    lines = []
    if table_exists(con, "analytics", "clv_model"):
        (model, as_of, customers, repeat, holdout, predicted, actual, baseline, predicted_revenue, actual_revenue,
         baseline_revenue) = con.execute(
            "select frequency_model, as_of_date, customers, repeat_buyers, backtest_holdout_days, "
            "backtest_predicted_orders, backtest_actual_orders, backtest_baseline_orders, "
            "backtest_predicted_revenue, backtest_actual_revenue, backtest_baseline_revenue "
            "from analytics.clv_model order by fitted_at desc limit 1"
        ).fetchone()
        lines += [
            f"  CLV (analytics.customer_clv): {model} + Gamma-Gamma as of {as_of:%Y-%m-%d}, {customers:,} customers, "
            f"{repeat:,} repeat buyers",
            f"    back-test over the last {holdout} days: orders predicted {predicted:,.0f}, actual {actual:,.0f}, "
            f"naive baseline {baseline:,.0f}; revenue predicted {predicted_revenue:,.0f}, actual "
            f"{actual_revenue:,.0f}, baseline {baseline_revenue:,.0f}",
        ]
    if table_exists(con, "analytics", "customer_rfm_current"):
        groups = con.execute(
            "select rfm_group, count(*) from analytics.customer_rfm_current group by 1 order by 2 desc"
        ).fetchall()
        lines.append("  RFM groups (analytics.customer_rfm_current): "
                     + ", ".join(f"{group} {count:,}" for group, count in groups))
    if table_exists(con, "analytics", "segment_membership"):
        segments = con.execute(
            "select segment_name, count(*), count(*) filter (where is_activatable) "
            "from analytics.segment_membership group by 1 order by 1"
        ).fetchall()
        lines.append("  Segments and lists (analytics.segment_membership): "
                     + "; ".join(f"{name} {members:,} ({activatable:,} activatable)"
                                 for name, members, activatable in segments))
    return lines


def main() -> None:
    settings = load_settings()
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        rows = warehouse_overview(con)
        reasons = con.execute(
            "select source_name, split_part(reason, ':', 1) as rule, count(*) from raw.quarantine "
            "group by all order by 1, 3 desc"
        ).fetchall()
        intelligence = intelligence_overview(con)
    finally:
        con.close()
    print(f"\nWarehouse: {settings.warehouse_path}")
    for schema, table, count in rows:
        print(f"  {schema}.{table:<40} {count:>12,}")
    print("\nQuarantined records (raw.quarantine, with file, line and reason):")
    for source, rule, count in reasons:
        print(f"  {source:<22} {rule:<45} {count:>8,}")
    if intelligence:
        print("\nCustomer intelligence (schema analytics):")
        print("\n".join(intelligence))
    print(f"\nLanding zone: {settings.landing_dir}")
    print(f"Ground truth: {settings.landing_dir.parent / 'ground_truth'}")
    # The file just summarized, never a fixed path: CDP_WAREHOUSE may point elsewhere.
    print(f"Query it:     .venv/bin/python -c \"import duckdb; print(duckdb.connect({str(settings.warehouse_path)!r}, "
          "read_only=True).sql('select * from marts.profiles limit 5'))\"")
    print("Dagster UI:   make dev, then open http://127.0.0.1:3000")


if __name__ == "__main__":
    main()
