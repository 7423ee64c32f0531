"""The phone UDFs split a chunk across worker processes: each value must still get exactly its own reading, in place."""

from __future__ import annotations

import duckdb
import pytest

from connectors.warehouse import dbt_duckdb_plugin
from connectors.warehouse.dbt_duckdb_plugin import PARALLEL_FROM, map_in_workers, register_phone_functions
from connectors.warehouse.phone_numbers import format_phone, normalize_phone, normalize_phones

# Numbers, numbers in other regions' forms, and no numbers at all, so that a value read in the wrong place or with
# the wrong region shows: every third value reads differently in each of its regions.
FORMS = ["(415) 555-{:04d}", "0151 1234{:04d}", "020 7946 {:04d}", "not a phone {}", "+49 151 1234{:04d}", None]
REGIONS = ["US", "DE", "GB"]


def _pairs(count: int) -> list[tuple[str | None, str | None]]:
    pairs = []
    for index in range(count):
        form = FORMS[index % len(FORMS)]
        pairs.append((form.format(index % 10_000) if form else None, REGIONS[index % len(REGIONS)]))
    return pairs


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers even on a one-core runner, so the split is what is tested."""
    monkeypatch.setattr(dbt_duckdb_plugin, "worker_count", lambda: 2)


def test_a_chunk_split_across_workers_reads_every_value_alone_and_in_order(two_workers) -> None:
    pairs = _pairs(3 * PARALLEL_FROM + 7)
    expected = [normalize_phone(raw, region) for raw, region in pairs]
    assert len({value for value in expected if value}) > PARALLEL_FROM  # distinct readings: misplacing one shows
    assert map_in_workers(normalize_phones, pairs) == expected


def test_duckdb_calls_on_whole_chunks_give_each_row_its_own_number(two_workers) -> None:
    pairs = _pairs(5_000)
    with duckdb.connect() as con:
        register_phone_functions(con)
        con.execute("create table phones (line integer, raw varchar, region varchar)")
        con.executemany("insert into phones values (?, ?, ?)", [(line, *pair) for line, pair in enumerate(pairs)])
        rows = con.execute(
            "select line, cdp_normalize_phone(raw, region),"
            " cdp_format_phone(cdp_normalize_phone(raw, region), 'national') from phones order by line"
        ).fetchall()
    assert [(e164, national) for _, e164, national in rows] == [
        (normalize_phone(raw, region), format_phone(normalize_phone(raw, region), "national")) for raw, region in pairs
    ]


def test_a_small_chunk_is_read_without_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool() -> None:
        raise AssertionError("a chunk below PARALLEL_FROM must not start the worker pool")

    monkeypatch.setattr(dbt_duckdb_plugin, "_phone_pool", no_pool)
    monkeypatch.setattr(dbt_duckdb_plugin, "worker_count", lambda: 2)
    pairs = _pairs(PARALLEL_FROM - 1)
    assert map_in_workers(normalize_phones, pairs) == [normalize_phone(raw, region) for raw, region in pairs]
