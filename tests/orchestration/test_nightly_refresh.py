"""The nightly refresh end to end through Dagster: ingest, dbt, checks and the intelligence tables; and a second run
that changes nothing."""

import dagster as dg
import duckdb
import pytest

import assets.dbt_models
import assets.ingest
import assets.intelligence
from assets.dbt_models.bridge import dbt_resource
from connectors.warehouse.resource import WarehouseResource
from demo_store import generate_store

MARTS = ("profiles", "profile_identities", "events", "orders", "order_lines", "products", "consent")
# Every table of schema analytics, from the dbt models and the Python assets of the intelligence group.
ANALYTICS = (
    "clv_customer_summaries", "clv_backtest_summaries", "customer_clv", "clv_model", "clv_example_profiles",
    "customer_rfm", "rfm_group_sizes", "rfm_transitions", "customer_rfm_current",
    "product_performance", "product_repeat_timing", "product_next_order", "product_same_cart", "customer_next_product",
    "segment_membership", "segment_membership_history", "segment_clv_attributes",
)


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    out = tmp_path_factory.mktemp("store")
    generate_store(out, profiles=600, seed=3)
    return out / "landing"


def materialize_everything(warehouse_path):
    return dg.materialize(
        [*assets.ingest.ASSETS, *assets.dbt_models.ASSETS, *assets.intelligence.ASSETS],
        resources={"warehouse": WarehouseResource(path=str(warehouse_path)), "dbt": dbt_resource()},
    )


def counts(warehouse_path):
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        return {
            f"{schema}.{table}": con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
            for schema, tables in (("marts", MARTS), ("analytics", ANALYTICS)) for table in tables
        }


def test_nightly_refresh_builds_every_mart_and_analytics_table_and_a_rerun_changes_nothing(
    landing, warehouse_path, small_store_config, monkeypatch
):
    monkeypatch.setenv("CDP_LANDING_DIR", str(landing))
    first = materialize_everything(warehouse_path)
    assert first.success
    checks = first.get_asset_check_evaluations()
    assert checks and all(check.passed for check in checks if check.severity == dg.AssetCheckSeverity.ERROR)
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        # Every behavioural call that was loaded is in marts.events exactly once, at its own file and line.
        missing, doubled = con.execute(
            """
            with loaded as (
                select _file, _line from raw.events where type in ('track', 'page', 'screen')
            ),
            in_mart as (
                select _file, _line, count(*) as copies from marts.events
                where source_name = 'segment_events' group by all
            )
            select
                (select count(*) from loaded anti join in_mart using (_file, _line)),
                (select count(*) from in_mart where copies > 1)
            """
        ).fetchone()
        orders_without_profile = con.execute("select count(*) from marts.orders where profile_id is null").fetchone()
    assert (missing, doubled) == (0, 0)
    assert orders_without_profile == (0,)
    before = counts(warehouse_path)
    assert [table for table, rows in before.items() if rows == 0] == []

    second = materialize_everything(warehouse_path)
    assert second.success
    assert counts(warehouse_path) == before
