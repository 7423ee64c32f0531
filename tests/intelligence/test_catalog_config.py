"""config/catalog.yaml and its pydantic model (assets/intelligence/catalog_config.py), and how dbt reads it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from assets.intelligence.catalog_config import CatalogConfig, load_catalog_config
from core.config_files import ConfigError
from core.settings import PROJECT_ROOT


def test_shipped_file_sets_the_defaults() -> None:
    # The file documents every default: it must say what the code does when a setting is left out.
    assert load_catalog_config(PROJECT_ROOT / "config") == CatalogConfig()
    assert CatalogConfig().as_dbt_var() == {
        "same_cart_min_orders": 3,
        "next_order_min_orders": 2,
        "replenishable_min_repeat_customers": 10,
    }


def test_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text("# nothing set\n")
    assert load_catalog_config(tmp_path) == CatalogConfig()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("same_cart_min_orders: 0\n", "same_cart_min_orders"),
        ("next_order_min_orders: '2'\n", "next_order_min_orders"),
        ("replenishable_min_repeat_customers: 2.5\n", "replenishable_min_repeat_customers"),
        ("min_lift: 1\n", "min_lift"),
    ],
)
def test_bad_setting_names_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    (tmp_path / "catalog.yaml").write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_catalog_config(tmp_path)
    message = str(raised.value)
    assert str(tmp_path / "catalog.yaml") in message
    assert f"  {field}:" in message


def test_models_without_the_var_fail_naming_it(warehouse_path: Path, stand_in, run_dbt) -> None:
    con = duckdb.connect(str(warehouse_path))
    for name in ("marts.orders", "marts.order_lines", "marts.products"):
        stand_in(con, name, [])
    con.close()
    # vars of every other config, cdp_catalog left at dbt_project.yml's empty placeholder
    with pytest.raises(AssertionError, match=r"var cdp_catalog is empty \(read by product_same_cart\)"):
        run_dbt("run", "--select", "product_same_cart", dbt_vars={})
