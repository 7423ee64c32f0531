"""Fixtures of the orchestration tests: a config folder for the small generated stores these tests run on."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.settings import PROJECT_ROOT

# A few hundred generated profiles are far below Klaviyo's minimums for CLV and RFM (500 customers who ordered),
# which config/clv.yaml and config/rfm.yaml keep as defaults; these tests run the whole graph on such a store.
SMALL_STORE_MINIMUMS = {"clv.yaml": {"customers_with_orders": 100}, "rfm.yaml": {"customers": 100}}


@pytest.fixture
def small_store_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """config/ copied with the CLV and RFM customer minimums lowered to 100; CDP_CONFIG_DIR points at it."""
    target = tmp_path / "config"
    target.mkdir()
    for path in (PROJECT_ROOT / "config").iterdir():
        if path.is_file():
            (target / path.name).write_text(path.read_text())
    (target / "lists").mkdir()
    for path in (PROJECT_ROOT / "config" / "lists").iterdir():
        (target / "lists" / path.name).write_text(path.read_text())
    for name, minimums in SMALL_STORE_MINIMUMS.items():
        settings = yaml.safe_load((target / name).read_text())
        settings["minimums"] = {**settings["minimums"], **minimums}
        (target / name).write_text(yaml.safe_dump(settings, sort_keys=False))
    monkeypatch.setenv("CDP_CONFIG_DIR", str(target))
    return target
