"""What `make demo` built and where to find it: table counts per schema and the quarantine, read from the warehouse."""

import duckdb

from connectors.warehouse.duckdb_file import qualified
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


def main() -> None:
    settings = load_settings()
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        rows = warehouse_overview(con)
        reasons = con.execute(
            "select source_name, split_part(reason, ':', 1) as rule, count(*) from raw.quarantine "
            "group by all order by 1, 3 desc"
        ).fetchall()
    finally:
        con.close()
    print(f"\nWarehouse: {settings.warehouse_path}")
    for schema, table, count in rows:
        print(f"  {schema}.{table:<40} {count:>12,}")
    print("\nQuarantined records (raw.quarantine, with file, line and reason):")
    for source, rule, count in reasons:
        print(f"  {source:<22} {rule:<45} {count:>8,}")
    print(f"\nLanding zone: {settings.landing_dir}")
    print(f"Ground truth: {settings.landing_dir.parent / 'ground_truth'}")
    # The file just summarized, never a fixed path: CDP_WAREHOUSE may point elsewhere.
    print(f"Query it:     .venv/bin/python -c \"import duckdb; print(duckdb.connect({str(settings.warehouse_path)!r}, "
          "read_only=True).sql('select * from marts.profiles limit 5'))\"")
    print("Dagster UI:   make dev, then open http://127.0.0.1:3000")


if __name__ == "__main__":
    main()
