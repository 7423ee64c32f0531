"""The CLV asset: fits the CLV models on the dbt summaries and writes analytics.customer_clv, analytics.clv_model
and analytics.clv_example_profiles in one transaction (assets/intelligence/clv_tables.py does the work)."""

import dagster as dg

from assets.intelligence.asset_specs import table_specs
from assets.intelligence.clv_config import load_clv_config
from assets.intelligence.clv_fit import ClvFitError
from assets.intelligence.clv_tables import CLV_MODEL, CUSTOMER_CLV, EXAMPLE_PROFILES, build_clv_tables
from connectors.warehouse.resource import WAREHOUSE_POOL, WarehouseResource
from core.settings import load_settings

CUSTOMER_CLV_KEY = dg.AssetKey(["analytics", "customer_clv"])
CLV_MODEL_KEY = dg.AssetKey(["analytics", "clv_model"])
EXAMPLE_PROFILES_KEY = dg.AssetKey(["analytics", "clv_example_profiles"])
DEPS = [dg.AssetKey(["analytics", "clv_customer_summaries"]), dg.AssetKey(["analytics", "clv_backtest_summaries"]),
        dg.AssetKey(["marts", "profiles"])]
TABLES = {CUSTOMER_CLV_KEY: CUSTOMER_CLV, CLV_MODEL_KEY: CLV_MODEL, EXAMPLE_PROFILES_KEY: EXAMPLE_PROFILES}

_DESCRIPTIONS = {
    CUSTOMER_CLV_KEY: "One row per profile: historic, predicted (over config/clv.yaml prediction_range_days) and "
                      "total CLV, orders, average order value and days between orders, expected next order date, "
                      "churn risk and the fit it came from.",
    CLV_MODEL_KEY: "One row per fit: the BG/NBD-type and Gamma-Gamma parameters in the configured time unit, "
                   "log-likelihoods, customers, ranges, and the back-test against a naive baseline.",
    EXAMPLE_PROFILES_KEY: "The five example profiles of the CLV dashboard, one per rule.",
}


def _metadata_value(value: object) -> object:
    """Metadata takes numbers and text; dates and other values become text, missing figures 'none'."""
    if value is None:
        return "none"
    return value if isinstance(value, int | float | str) else str(value)


@dg.multi_asset(
    specs=table_specs(_DESCRIPTIONS, DEPS),
    pool=WAREHOUSE_POOL,
)
def customer_clv(warehouse: WarehouseResource):
    """Check the minimums, fit, back-test and write the three CLV tables; a dg.Failure names what is missing."""
    config = load_clv_config(load_settings().config_dir)
    with warehouse.connect() as con:
        try:
            run = build_clv_tables(con, config)
        except ClvFitError as exc:
            raise dg.Failure(description=str(exc)) from exc
    model = {name: _metadata_value(value) for name, value in run.model.items()}
    for key, table in TABLES.items():
        metadata = {"dagster/row_count": run.row_counts[table], "fit_id": model["fit_id"]}
        if key == CLV_MODEL_KEY:
            metadata.update(model)
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)
