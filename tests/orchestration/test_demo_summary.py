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
