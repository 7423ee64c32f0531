"""The dbt vars built from config/: identity rules, profile attributes and custom metrics, validated first.

`python -m assets.dbt_models.dbt_vars [config_dir]` prints them as JSON, for `dbt build --vars "$(...)"` by hand.
Every default is the pydantic models'; the dbt models have none of their own and fail, naming the var, without them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assets.intelligence.catalog_config import load_catalog_config
from assets.intelligence.clv_config import load_clv_config
from assets.intelligence.rfm_config import load_rfm_config
from assets.profiles.attributes_config import load_attributes_config
from assets.profiles.identity_config import load_identity_config
from assets.profiles.metrics_config import load_metrics_config
from core.settings import load_settings


def build_dbt_vars(config_dir: Path) -> dict:
    """Vars `cdp_identity`, `cdp_attributes` and `cdp_metrics`; raises ConfigError naming file and field."""
    return {
        "cdp_identity": load_identity_config(config_dir).as_dbt_var(),
        "cdp_attributes": load_attributes_config(config_dir).as_dbt_var(),
        "cdp_metrics": load_metrics_config(config_dir).as_dbt_var(),
        "cdp_rfm": load_rfm_config(config_dir).as_dbt_var(),
        "cdp_catalog": load_catalog_config(config_dir).as_dbt_var(),
        "cdp_clv": load_clv_config(config_dir).as_dbt_var(),
    }


def main(argv: list[str]) -> None:
    """Write the vars as one line of JSON to stdout."""
    config_dir = Path(argv[0]) if argv else load_settings().config_dir
    sys.stdout.write(json.dumps(build_dbt_vars(config_dir)) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
