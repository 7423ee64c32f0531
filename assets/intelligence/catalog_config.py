"""Catalog insight settings from config/catalog.yaml: the minimum evidence behind a pair and a replenishable product.

Validated here so a bad setting fails before dbt runs, naming the file and the field. The defaults live only in this
model; `as_dbt_var()` hands them to dbt as var `cdp_catalog`, which the models of
dbt_project/models/analytics/catalog read through macro `cdp.catalog_settings` (no defaults of their own).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pydantic

from core.config_files import load_config

CATALOG_FILE = "catalog.yaml"

OrderCount = Annotated[int, pydantic.Field(ge=1, strict=True)]


class CatalogConfig(pydantic.BaseModel):
    """config/catalog.yaml; see the file's comments for what each setting does and why its default."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    same_cart_min_orders: OrderCount = 3
    next_order_min_orders: OrderCount = 2
    replenishable_min_repeat_customers: OrderCount = 10

    def as_dbt_var(self) -> dict:
        """Var `cdp_catalog`: every setting, by name."""
        return self.model_dump()


def load_catalog_config(config_dir: Path) -> CatalogConfig:
    """Read and validate `config_dir/catalog.yaml`; a ConfigError names the file and the field."""
    return load_config(config_dir / CATALOG_FILE, CatalogConfig)
