"""Custom metrics from config/metrics.yaml: base metrics combined and filtered by event properties.

Validated here so a bad definition fails before dbt runs, naming the file and the field; `as_dbt_var()` hands the
result to dbt as var `cdp_metrics`, which `marts/metric_events` and `marts/metric_daily` compile into SQL. A model
run without the var fails naming it (`dbt_project/macros/metrics/custom_metrics.sql`), rather than building with no
metrics as if none were configured.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import pydantic
from pydantic import StrictBool, StrictFloat, StrictInt, StrictStr

from core.config_files import load_config

METRICS_FILE = "metrics.yaml"

# A property path is dotted names only (`total`, `shipping.country`): it becomes a JSON path in SQL, never a literal,
# so nothing outside this pattern can reach the query text.
PROPERTY_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,7}$")

Operator = Literal["equals", "not_equals", "contains", "greater_than", "less_than", "is_set", "is_not_set"]
FilterValue = StrictBool | StrictInt | StrictFloat | StrictStr


class PropertyFilter(pydantic.BaseModel):
    """One condition on an event property; every condition of a metric must hold."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    property: Annotated[str, pydantic.Field(min_length=1)]
    operator: Operator
    value: FilterValue | None = None

    @pydantic.field_validator("property")
    @classmethod
    def _property_is_a_path(cls, name: str) -> str:
        if not PROPERTY_PATH.match(name):
            raise ValueError(
                f"{name!r} is not a property name: expected letters, digits and underscores, "
                "dotted for nested properties (e.g. `total`, `shipping.country`)"
            )
        return name

    @pydantic.model_validator(mode="after")
    def _value_fits_operator(self) -> PropertyFilter:
        value = self.value
        if self.operator in ("is_set", "is_not_set"):
            if value is not None:
                raise ValueError(f"operator {self.operator} takes no value, got {value!r}")
        elif value is None:
            raise ValueError(f"operator {self.operator} needs a value")
        elif self.operator in ("greater_than", "less_than"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"operator {self.operator} needs a number, got {value!r}")
        elif self.operator == "contains" and not isinstance(value, str):
            raise ValueError(f"operator contains needs text, got {value!r}")
        return self

    @property
    def value_type(self) -> str:
        """How SQL compares the property: as boolean, number or text (`none` for is_set / is_not_set)."""
        if self.value is None:
            return "none"
        if isinstance(self.value, bool):
            return "boolean"
        if isinstance(self.value, int | float):
            return "number"
        return "text"

    def as_dbt_var(self) -> dict:
        return {
            "property": self.property,
            "json_path": "$." + self.property,
            "operator": self.operator,
            "value": self.value,
            "value_type": self.value_type,
        }


class CustomMetric(pydantic.BaseModel):
    """A named metric: events of any of `base_metrics` for which every filter holds."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, pydantic.Field(min_length=1, max_length=200)]
    description: str = ""
    base_metrics: Annotated[list[Annotated[str, pydantic.Field(min_length=1)]], pydantic.Field(min_length=1)]
    filters: list[PropertyFilter] = []

    @pydantic.field_validator("name")
    @classmethod
    def _name_is_printable(cls, name: str) -> str:
        if name != name.strip() or any(not ch.isprintable() for ch in name):
            raise ValueError(f"{name!r}: a metric name has no leading/trailing spaces or control characters")
        return name

    @pydantic.field_validator("base_metrics")
    @classmethod
    def _base_metrics_distinct(cls, names: list[str]) -> list[str]:
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"base metric listed twice: {', '.join(repeated)}")
        return names


class MetricsConfig(pydantic.BaseModel):
    """config/metrics.yaml: the custom metrics, usable by name in every model downstream."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    metrics: list[CustomMetric] = []
    source_file: str = pydantic.Field(default="", exclude=True)

    @pydantic.field_validator("metrics")
    @classmethod
    def _names_unique(cls, metrics: list[CustomMetric]) -> list[CustomMetric]:
        seen: set[str] = set()
        for metric in metrics:
            if metric.name.casefold() in seen:
                raise ValueError(f"metric name {metric.name!r} is defined twice (names compare case-insensitively)")
            seen.add(metric.name.casefold())
        return metrics

    def as_dbt_var(self) -> list[dict]:
        """Var `cdp_metrics`: plain lists and dicts, each base metric carrying the file and field it came from."""
        return [
            {
                "name": metric.name,
                "base_metrics": metric.base_metrics,
                "base_metric_fields": [
                    f"{self.source_file} metrics[{index}].base_metrics[{position}]"
                    for position in range(len(metric.base_metrics))
                ],
                "filters": [condition.as_dbt_var() for condition in metric.filters],
            }
            for index, metric in enumerate(self.metrics)
        ]


def load_metrics_config(config_dir: Path) -> MetricsConfig:
    """Read and validate `config_dir/metrics.yaml`; a ConfigError names the file and the field."""
    path = config_dir / METRICS_FILE
    return load_config(path, MetricsConfig).model_copy(update={"source_file": str(path)})
