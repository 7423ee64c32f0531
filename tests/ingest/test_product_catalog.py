"""Staging the product catalog: typed products, the first broken rule per bad line, file, line and version hash."""

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from assets.ingest.product_catalog import stage_product_catalog
from assets.ingest.sources_config import Source, SourceFormat, SourcesConfig
from assets.ingest.stager_contract import STAGED_TABLE, StagingBatch
from connectors.sources.landing_zone import list_files
from connectors.warehouse.duckdb_file import open_warehouse

CATALOG = Source(name="product_catalog", format=SourceFormat.PRODUCT_CATALOG, path="catalog/*.jsonl",
                 source_label="catalog")
CONFIG = SourcesConfig(sources=[CATALOG])
LOADED_AT = datetime(2026, 11, 2, tzinfo=UTC)
COLUMNS = "_file, _line, reason, product_id, sku, title, category, price, currency, vendor"


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "catalog.duckdb") as connection:
        yield connection


def write_lines(landing, name: str, lines: list[str]) -> None:
    path = landing / "catalog" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def staged_rows(con, landing, columns: str = COLUMNS) -> list[tuple]:
    batch = StagingBatch(CATALOG, list_files(landing, CATALOG.path), CONFIG, LOADED_AT)
    with stage_product_catalog(con, batch) as staged:
        assert staged == STAGED_TABLE
        return con.execute(f"select {columns} from {staged} order by _file, _line").fetchall()


def test_good_products_are_typed_with_file_line_and_the_whole_record(con, tmp_path):
    landing = tmp_path / "landing"
    coffee = {"product_id": "p1", "sku": "S-1", "title": "Coffee", "category": "drinks", "price": 9.5,
              "currency": "EUR", "vendor": "Roastery", "roast": "dark"}
    write_lines(landing, "products.jsonl", [
        json.dumps(coffee),
        "",                                          # a blank line is no record but keeps its number
        '{"product_id": 42, "price": "12.50"}',       # a whole-number id and a price written as text
        '{"product_id": -7, "price": null}',
    ])
    assert staged_rows(con, landing) == [
        ("catalog/products.jsonl", 1, None, "p1", "S-1", "Coffee", "drinks", Decimal("9.50"), "EUR", "Roastery"),
        ("catalog/products.jsonl", 3, None, "42", None, None, None, Decimal("12.50"), None, None),
        ("catalog/products.jsonl", 4, None, "-7", None, None, None, None, None, None),
    ]
    kept = staged_rows(con, landing, "attributes ->> '$.roast', attributes ->> '$.title', raw_text")
    assert kept == [("dark", "Coffee", None), (None, None, None), (None, None, None)]


BAD_LINES = [
    ('{"product_id": "p1"', "not valid JSON"),
    ("[1]", "not a JSON object: got ARRAY"),
    ('"p1"', "not a JSON object: got VARCHAR"),
    ("null", "not a JSON object: got NULL"),
    ('{"sku": "S1"}', "product_id: missing"),
    ('{"product_id": null}', "product_id: missing"),
    ('{"product_id": "  "}', "product_id: missing"),
    ('{"product_id": true}', "product_id: expected a string, got BOOLEAN"),
    ('{"product_id": 4.5}', "product_id: expected a string, got DOUBLE"),
    ('{"product_id": {"id": "p1"}}', "product_id: expected a string, got OBJECT"),
    ('{"product_id": "p1", "price": "ten"}', "price: expected a number, got 'ten'"),
    ('{"product_id": "p1", "price": true}', "price: expected a number, got 'true'"),
    ('{"product_id": "p1", "price": "9,50"}', "price: expected a number, got '9,50'"),
]


def test_each_bad_line_gets_its_reason_its_line_and_its_text(con, tmp_path):
    landing = tmp_path / "landing"
    write_lines(landing, "products.jsonl", ['{"product_id": "good"}'] + [line for line, _ in BAD_LINES])
    rows = staged_rows(con, landing, "_file, _line, reason, raw_text")
    assert rows[0] == ("catalog/products.jsonl", 1, None, None)
    assert rows[1:] == [
        ("catalog/products.jsonl", number, reason, line) for number, (line, reason) in enumerate(BAD_LINES, 2)
    ]


def test_only_the_first_broken_rule_is_the_reason(con, tmp_path):
    landing = tmp_path / "landing"
    write_lines(landing, "products.jsonl", [
        '{"sku": "S1", "price": "ten"}',
        '{"product_id": true, "price": "ten"}',
        '{"product_id": "", "price": "ten"}',
    ])
    assert [row[0] for row in staged_rows(con, landing, "reason")] == [
        "product_id: missing", "product_id: expected a string, got BOOLEAN", "product_id: missing",
    ]


def test_lines_are_numbered_per_file_across_files_and_blank_lines(con, tmp_path):
    landing = tmp_path / "landing"
    write_lines(landing, "a.jsonl", ['{"product_id": "a1"}', "   ", '{"product_id": "a3"}'])
    write_lines(landing, "b.jsonl", ["", '{"product_id": "b2"}', "{bad"])
    assert staged_rows(con, landing, "_file, _line, product_id, reason") == [
        ("catalog/a.jsonl", 1, "a1", None),
        ("catalog/a.jsonl", 3, "a3", None),
        ("catalog/b.jsonl", 2, "b2", None),
        ("catalog/b.jsonl", 3, None, "not valid JSON"),
    ]


def test_a_redelivered_line_keeps_its_hash_and_a_changed_version_gets_a_new_one(con, tmp_path):
    landing = tmp_path / "landing"
    first = '{"product_id": "p1", "price": 9.5}'
    changed = '{"product_id": "p1", "price": 11}'
    write_lines(landing, "v1.jsonl", [first])
    write_lines(landing, "v2.jsonl", [first, changed])
    rows = staged_rows(con, landing, "_file, _line, price, _row_hash")
    assert rows == [
        ("catalog/v1.jsonl", 1, Decimal("9.50"), hashlib.md5(first.encode()).hexdigest()),
        ("catalog/v2.jsonl", 1, Decimal("9.50"), hashlib.md5(first.encode()).hexdigest()),
        ("catalog/v2.jsonl", 2, Decimal("11.00"), hashlib.md5(changed.encode()).hexdigest()),
    ]


def test_staged_relations_are_dropped_when_the_block_ends(con, tmp_path):
    landing = tmp_path / "landing"
    write_lines(landing, "products.jsonl", ['{"product_id": "p1"}'])
    staged_rows(con, landing)
    left = con.execute("select table_name from information_schema.tables where table_catalog = 'temp'").fetchall()
    assert left == []
