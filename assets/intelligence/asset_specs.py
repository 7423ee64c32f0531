"""What every Python asset of the intelligence domain shares: its group, owners, kinds and tags, one spec per table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dagster as dg

GROUP = "intelligence"
# The team that owns every asset, as the dbt models' DBT_OWNERS (assets/dbt_models/bridge.py).
OWNERS = ("team:data-engineering",)


def table_specs(descriptions: Mapping[dg.AssetKey, str], deps: Sequence[dg.AssetKey]) -> list[dg.AssetSpec]:
    """One spec per table the asset writes, each depending on all of `deps`."""
    return [
        dg.AssetSpec(key, deps=deps, group_name=GROUP, description=description, kinds={"python", "duckdb"},
                     owners=list(OWNERS), tags={"domain": GROUP})
        for key, description in descriptions.items()
    ]
