"""Where the platform keeps its files, from the environment with sane defaults.

Read at call time, never at import time, so tests and the Dagster UI can point the same code elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


@dataclass(frozen=True)
class Settings:
    """The locations every asset agrees on, and how much memory the warehouse may take."""

    landing_dir: Path
    warehouse_path: Path
    config_dir: Path
    duckdb_memory_limit: str = "3GB"


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name, "").strip()
    path = Path(value) if value else default
    return path if path.is_absolute() else (PROJECT_ROOT / path)


def load_settings() -> Settings:
    """Settings from CDP_LANDING_DIR, CDP_WAREHOUSE and CDP_CONFIG_DIR (relative paths are from the project root)."""
    return Settings(
        landing_dir=_path_from_env("CDP_LANDING_DIR", Path("data/landing")),
        warehouse_path=_path_from_env("CDP_WAREHOUSE", Path("data/warehouse.duckdb")),
        config_dir=_path_from_env("CDP_CONFIG_DIR", Path("config")),
        # DuckDB caches up to 80 % of RAM by default; bounded, it spills to disk instead (dbt reads the same variable).
        duckdb_memory_limit=os.environ.get("CDP_DUCKDB_MEMORY_LIMIT", "").strip() or "3GB",
    )
