"""Fixtures of the orchestration tests: a config folder for the small generated stores these tests run on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

# A few hundred generated profiles are far below Klaviyo's minimums for CLV and RFM (500 customers who ordered),
# which config/clv.yaml and config/rfm.yaml keep as defaults; these tests run the whole graph on such a store.
SMALL_STORE_MINIMUMS = {"clv.yaml": {"customers_with_orders": 100}, "rfm.yaml": {"customers": 100}}


@pytest.fixture
def small_store_config(copy_config: Callable[[], Path]) -> Path:
    """config/ copied (CDP_CONFIG_DIR points at the copy) with the CLV and RFM customer minimums lowered to 100."""
    target = copy_config()
    for name, minimums in SMALL_STORE_MINIMUMS.items():
        settings = yaml.safe_load((target / name).read_text())
        settings["minimums"] = {**settings["minimums"], **minimums}
        (target / name).write_text(yaml.safe_dump(settings, sort_keys=False))
    return target
