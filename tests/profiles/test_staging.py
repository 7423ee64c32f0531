"""Staging models: latest versions win, Shopify order fields filled onto every line, identifiers normalized."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from assets.ingest.raw_tables import create_raw_tables
from assets.profiles.identity_config import load_identity_config
from connectors.warehouse.phone_numbers import format_phone, normalize_phone
from core.settings import PROJECT_ROOT

EARLY = datetime(2026, 1, 1, tzinfo=UTC)
LATE = EARLY + timedelta(days=1)


def insert(con: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    row = {"source_name": table, "source_label": "test", "_file": "f", "_line": 1, "_loaded_at": EARLY,
           "_row_hash": "h", **row}
    con.execute(f"insert into raw.{table} ({', '.join(row)}) values ({', '.join('?' * len(row))})",
                list(row.values()))


@pytest.fixture(scope="module")
def staged(
    tmp_path_factory: pytest.TempPathFactory, invoke_dbt: Callable[..., object]
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Raw rows with several versions and a two-line Shopify order, staged and normalized by dbt."""
    root = tmp_path_factory.mktemp("staging")
    path = root / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    create_raw_tables(con)
    insert(con, "shopify_order_lines", {
        "name": "#1", "lineitem_index": 1, "email": " Ann@Example.com", "created_at": EARLY, "total": 30,
        "note_attributes": "customer_id: shopify_c_123\ngift: no", "source": "pos", "tags": "VIP, Subscription",
        "billing_phone": "(212) 555-0100", "billing_country": "US", "lineitem_sku": "A", "_line": 2,
    })
    insert(con, "shopify_order_lines", {"name": "#1", "lineitem_index": 2, "lineitem_sku": "B", "_line": 3})
    # A later version of line 2 (refund export): it wins over the first.
    insert(con, "shopify_order_lines", {"name": "#1", "lineitem_index": 2, "lineitem_sku": "B2", "_line": 9,
                                        "_loaded_at": LATE, "_file": "g"})
    insert(con, "crm_profiles", {"crm_id": "c1", "email": "old@example.com", "updated_at": EARLY,
                                 "email_consent": "Subscribed", "sms_consent": "maybe"})
    insert(con, "crm_profiles", {"crm_id": "c1", "email": "NEW@example.com ", "updated_at": LATE,
                                 "_loaded_at": LATE, "_file": "g", "phone": "+44 20 7946 0958",
                                 "email_consent": "Subscribed", "sms_consent": "maybe"})
    insert(con, "store_order_lines", {"order_id": "w1", "line_id": "1", "customer_id": "0", "ordered_at": EARLY,
                                      "phone": "020 7946 0958"})
    insert(con, "catalog_products", {"product_id": "p1", "title": "Old"})
    insert(con, "catalog_products", {"product_id": "p1", "title": "New", "_line": 2})
    con.close()
    dbt_vars = {"cdp_identity": load_identity_config(PROJECT_ROOT / "config").as_dbt_var()}
    dbt_vars["cdp_identity"]["default_phone_region"] = "GB"
    invoke_dbt(path, root / "target", "build", "--select", "path:models/staging", "int_phone_numbers_normalized",
               dbt_vars=dbt_vars)
    con = duckdb.connect(str(path))
    yield con
    con.close()


def test_shopify_order_fields_filled_onto_every_line_and_latest_line_wins(staged: duckdb.DuckDBPyConnection) -> None:
    rows = staged.execute(
        "select line_index, sku, email, shopify_customer_id, ordered_at, order_total, is_pos, is_subscription,"
        " source_label from staging.stg_shopify__order_lines order by line_index"
    ).fetchall()
    assert [row[:2] for row in rows] == [(1, "A"), (2, "B2")]
    for row in rows:
        assert row[2:] == ("ann@example.com", "shopify_c_123", EARLY, 30, True, True, "pos")


def test_latest_crm_version_wins_and_consent_values_are_checked(staged: duckdb.DuckDBPyConnection) -> None:
    rows = staged.execute("select email, email_consent, sms_consent from staging.stg_crm__profiles").fetchall()
    assert rows == [("new@example.com", "subscribed", None)]
    assert staged.execute("select product_name from staging.stg_catalog__products").fetchall() == [("New",)]


def test_guest_customer_id_zero_is_no_customer(staged: duckdb.DuckDBPyConnection) -> None:
    assert staged.execute("select store_customer_id from staging.stg_stores__order_lines").fetchall() == [(None,)]


def test_phones_normalized_once_per_distinct_value_with_phonenumbers(staged: duckdb.DuckDBPyConnection) -> None:
    phones = dict(staged.execute(
        "select phone_raw, phone_e164 from intermediate.int_phone_numbers_normalized"
    ).fetchall())
    # US number (country from the billing address), a UK number with its own code, a UK number by default region.
    assert phones == {
        "(212) 555-0100": "+12125550100", "+44 20 7946 0958": "+442079460958", "020 7946 0958": "+442079460958",
    }


def test_phone_functions_match_the_library_directly() -> None:
    assert normalize_phone("415.555.0199", "US") == "+14155550199"
    assert normalize_phone("not a phone", "US") is None
    assert normalize_phone(None, "US") is None
    assert format_phone("+14155550199", "national") == "(415) 555-0199"
    assert format_phone("+14155550199", "nonsense") is None


def test_an_order_without_its_line_1_fails_the_staging_tests(
    tmp_path, invoke_dbt: Callable[..., object]
) -> None:
    """Models read an order's fields from its line 1 without ranking lines: staging's test guards that it exists."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        create_raw_tables(con)
        insert(con, "shopify_order_lines", {"name": "#1", "lineitem_index": 1, "created_at": EARLY, "_line": 2})
        insert(con, "shopify_order_lines", {"name": "#2", "lineitem_index": 2, "created_at": EARLY, "_line": 3})
    dbt_vars = {"cdp_identity": load_identity_config(PROJECT_ROOT / "config").as_dbt_var()}
    with pytest.raises(AssertionError, match=r"numbered_from_one_stg_shopify__order_lines_line_index.*: fail"):
        invoke_dbt(path, tmp_path / "target", "build", "--select", "stg_shopify__order_lines", dbt_vars=dbt_vars)


def test_shopify_apostrophe_before_zips_phones_and_skus_is_dropped(
    tmp_path, invoke_dbt: Callable[..., object]
) -> None:
    """Regression: Shopify's export writes `'75008` so a spreadsheet keeps leading zeros; the apostrophe stayed."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        create_raw_tables(con)
        insert(con, "shopify_order_lines", {
            "name": "#1", "lineitem_index": 1, "created_at": EARLY, "billing_zip": "'02134",
            "billing_phone": "'+1 617 555 0100", "lineitem_sku": "'00123", "_line": 2,
        })
        insert(con, "shopify_order_lines", {
            "name": "#2", "lineitem_index": 1, "created_at": EARLY, "billing_zip": " '75008 ",
            "shipping_phone": "'0142685300", "lineitem_sku": "'", "_line": 3,
        })
        # A value without the apostrophe is kept as it is.
        insert(con, "shopify_order_lines", {
            "name": "#3", "lineitem_index": 1, "created_at": EARLY, "billing_zip": "SW1A 1AA",
            "phone": "+44 20 7946 0958", "lineitem_sku": "MUG-01", "_line": 4,
        })
    dbt_vars = {"cdp_identity": load_identity_config(PROJECT_ROOT / "config").as_dbt_var()}
    invoke_dbt(path, tmp_path / "target", "run", "--select", "stg_shopify__order_lines", dbt_vars=dbt_vars)
    with duckdb.connect(str(path)) as con:
        rows = con.execute(
            "select order_name, billing_postal_code, phone_raw, sku from staging.stg_shopify__order_lines"
            " order by order_name"
        ).fetchall()
    assert rows == [
        ("#1", "02134", "+1 617 555 0100", "00123"),
        ("#2", "75008", "0142685300", None),
        ("#3", "SW1A 1AA", "+44 20 7946 0958", "MUG-01"),
    ]
