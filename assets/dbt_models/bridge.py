"""The one dbt project of the code location, its translator and its CLI resource.

The manifest (dbt_project/target/manifest.json) is built from the project, never committed: `make dbt-manifest`
(`dbt parse`) before loading definitions; in `dagster dev` `prepare_if_dev()` re-parses on every reload.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject

from core.settings import DBT_PROJECT_DIR

# The top folder of a model names its layer and its asset group: models under models/analytics are intelligence.
DBT_GROUPS = {"staging": "profiles", "intermediate": "profiles", "marts": "profiles", "analytics": "intelligence"}
DBT_OWNERS = ("team:data-engineering",)


def build_dbt_project() -> DbtProject:
    """The project under dbt_project/, its profile beside it; parsed again on reload in `dagster dev`."""
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
    project.prepare_if_dev()
    return project


class CdpDbtTranslator(DagsterDbtTranslator):
    """Edits asset specs only: keys `<folder>/<model>` (`marts/events`), group by folder, owners, kinds, dbt docs."""

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source":
            return spec
        return spec.replace_attributes(
            group_name=DBT_GROUPS[spec.key.path[0]],
            owners=list(DBT_OWNERS),
            kinds={"dbt", "duckdb"},
        )

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        # fqn is [project, folder, ..., model]: the top folder (staging, intermediate, marts) names the layer.
        layer = dbt_resource_props["fqn"][1] if len(dbt_resource_props["fqn"]) > 2 else "models"
        return dg.AssetKey([layer, dbt_resource_props["name"]])

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        return dbt_resource_props.get("description") or super().get_description(dbt_resource_props)


DBT_PROJECT = build_dbt_project()


def dbt_executable() -> str:
    """The dbt installed beside this Python (a venv run without activation has no dbt on PATH), else PATH's."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.is_file() else (shutil.which("dbt") or "dbt")


def dbt_resource() -> DbtCliResource:
    """The dbt CLI resource for the one project (key `dbt` in orchestration/definitions.py)."""
    return DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=dbt_executable())
