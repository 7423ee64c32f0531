"""CLV settings from config/clv.yaml: the order metric, the days read and predicted, the models and the minimums.

Validated here so a bad setting fails before dbt runs, naming the file and the field. The defaults live only in
this model; `as_dbt_var()` hands dbt what the summaries need as var `cdp_clv` (the SQL has no defaults of its
own), the rest is read by the fit (assets/intelligence/clv_fit.py) and the table writer (clv_tables.py).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated, Literal

import pydantic

from assets.intelligence.order_metric import NET_ORDERS, check_order_metric
from core.config_files import ConfigError, load_config

CLV_FILE = "clv.yaml"


class ClvMinimums(pydantic.BaseModel):
    """What a store needs before CLV is fitted; Klaviyo's requirements are the defaults."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    # Two customers at least: a store of one customer has no population to fit.
    customers_with_orders: Annotated[int, pydantic.Field(ge=2)] = 500
    history_days: Annotated[int, pydantic.Field(ge=0)] = 180
    recent_order_days: Annotated[int, pydantic.Field(ge=1)] = 30
    customers_with_3_orders: Annotated[int, pydantic.Field(ge=1)] = 1


class ClvConfig(pydantic.BaseModel):
    """config/clv.yaml; see the file's comments for what each setting does and why its default."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    order_metric: Annotated[str, pydantic.Field(min_length=1)] = NET_ORDERS
    as_of: datetime.date | None = None
    historic_range_days: Annotated[int, pydantic.Field(ge=1)] = 1500
    prediction_range_days: Annotated[int, pydantic.Field(ge=1)] = 365
    time_unit: Literal["day", "week"] = "day"
    frequency_model: Literal["modified_bgnbd", "bgnbd"] = "modified_bgnbd"
    penalizer_coef: Annotated[float, pydantic.Field(ge=0)] = 0.0
    gamma_gamma_tolerance: Annotated[float, pydantic.Field(gt=0)] = 1e-6
    backtest_holdout_days: Annotated[int, pydantic.Field(ge=1)] = 90
    next_order_horizon_days: Annotated[int, pydantic.Field(ge=1)] = 365
    minimums: ClvMinimums = ClvMinimums()
    source_file: str = pydantic.Field(default="", exclude=True)

    @pydantic.model_validator(mode="after")
    def _holdout_inside_history(self) -> ClvConfig:
        if self.backtest_holdout_days >= self.historic_range_days:
            raise ValueError(
                f"backtest_holdout_days ({self.backtest_holdout_days}) must be shorter than historic_range_days "
                f"({self.historic_range_days}): the back-test fits on the days before the hold-out"
            )
        return self

    @property
    def days_per_unit(self) -> float:
        """Days in one time unit of the fitted parameters."""
        return 7.0 if self.time_unit == "week" else 1.0

    def as_dbt_var(self) -> dict:
        """Var `cdp_clv`: what the summaries SQL reads (as_of null means the newest order of the metric)."""
        return {
            "order_metric": self.order_metric,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "historic_range_days": self.historic_range_days,
            "backtest_holdout_days": self.backtest_holdout_days,
        }


def load_clv_config(config_dir: Path) -> ClvConfig:
    """Read and validate `config_dir/clv.yaml`; a ConfigError names the file and the field."""
    path = config_dir / CLV_FILE
    config = load_config(path, ClvConfig).model_copy(update={"source_file": str(path)})
    try:
        check_order_metric(config.order_metric, config_dir, f"{CLV_FILE} order_metric")
    except ValueError as exc:
        raise ConfigError(f"{path}: invalid configuration\n  order_metric: {exc}") from exc
    return config
