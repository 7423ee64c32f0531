"""Tests of the CLV asset (assets/intelligence/clv_assets.py) on the published CDNOW sample that lifetimes ships,
fed as marts.orders through the summaries SQL, and on a store too small for CLV."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
import yaml

from assets.intelligence.clv_assets import CLV_MODEL_KEY, CUSTOMER_CLV_KEY, customer_clv
from connectors.warehouse.resource import WarehouseResource

# Fader, Hardie & Lee (2005), BG/NBD on CDNOW's 39-week calibration, in weeks; Gamma-Gamma from lifetimes' docs.
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "v": 15.44}


def _cdnow_orders() -> pd.DataFrame:
    """CDNOW_sample.txt (customer id, customer index, YYYYMMDD, CDs, dollars): one order per transaction."""
    path = importlib.resources.files("lifetimes") / "datasets" / "CDNOW_sample.txt"
    frame = pd.read_csv(path, sep=r"\s+", header=None, names=["customer", "index", "day", "cds", "dollars"],
                        dtype={"customer": str, "day": str})
    return frame


def _write_config(config_dir: Path, **settings: object) -> None:
    path = config_dir / "clv.yaml"
    path.write_text(yaml.safe_dump({**yaml.safe_load(path.read_text()), **settings}))


def _materialize(warehouse_path: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize([customer_clv], resources={"warehouse": WarehouseResource(path=str(warehouse_path))},
                          raise_on_error=False)


def test_cdnow_through_the_summaries_gives_the_published_parameters(warehouse_path, stand_in, build_analytics,
                                                                     copy_config):
    con = duckdb.connect(str(warehouse_path))
    stand_in(con, "marts.orders", [])
    stand_in(con, "marts.metric_events", [])
    con.register("cdnow", _cdnow_orders())
    con.execute("insert into marts.orders by name select 'cdnow-' || row_number() over () as order_key, "
                "customer as profile_id, strptime(day || ' 12:00 +0000', '%Y%m%d %H:%M %z') as ordered_at, "
                "dollars as total, dollars as net_total from cdnow")
    stand_in(con, "marts.profiles", [])
    con.execute("insert into marts.profiles (profile_id) select distinct customer from cdnow")
    con.close()
    config_dir = copy_config()
    _write_config(config_dir, as_of="1997-09-30", time_unit="week", frequency_model="bgnbd")
    build_analytics("path:models/analytics/clv", config_dir=config_dir)

    result = _materialize(warehouse_path)
    assert result.success
    metadata = result.asset_materializations_for_node("customer_clv")
    model = next(event.metadata for event in metadata if event.asset_key == CLV_MODEL_KEY)
    fitted = {name: model[name].value for name in PUBLISHED}
    assert fitted == {name: pytest.approx(value, rel=0.01) for name, value in PUBLISHED.items()}
    # Seen: r 0.2439, alpha 4.422, a 0.7925, b 2.423, p 6.2496, q 3.7442, v 15.444. The sample's 8 transactions
    # of $0 (each its customer's only one) are not orders of the net metric: 2349 of its 2357 customers are fitted.
    orders = _cdnow_orders()
    positive = orders[(orders["dollars"] > 0) & (orders["day"] <= "19970930")]["customer"].nunique()
    assert positive == 2349 and model["customers"].value == positive
    assert model["as_of_date"].value == "1997-09-30"
    assert model["frequency_log_likelihood"].value == pytest.approx(-9582.4, rel=0.001)  # published, 2357 customers
    rows = next(event.metadata for event in metadata if event.asset_key == CUSTOMER_CLV_KEY)
    assert rows["dagster/row_count"].value == 2357  # every profile, the 8 without an order included


def test_a_store_too_small_fails_the_asset_naming_the_minimums(warehouse_path, stand_in, build_analytics):
    con = duckdb.connect(str(warehouse_path))
    stand_in(con, "marts.orders", [{"order_key": "1", "profile_id": "only", "ordered_at": "2024-05-01 10:00:00+00",
                                    "total": 20, "net_total": 20}])
    stand_in(con, "marts.metric_events", [])
    stand_in(con, "marts.profiles", [{"profile_id": "only"}])
    con.close()
    build_analytics("path:models/analytics/clv")
    result = _materialize(warehouse_path)
    assert not result.success
    failure = result.failure_data_for_node("customer_clv").error
    assert "customers with orders in the historic range: 1 found, 500 needed" in failure.message
    assert "customers with 3 or more orders: 0 found, 1 needed" in failure.message
    con = duckdb.connect(str(warehouse_path))
    assert con.execute("select count(*) from information_schema.tables where table_name in "
                       "('customer_clv', 'clv_model', 'clv_example_profiles')").fetchone()[0] == 0
    con.close()
