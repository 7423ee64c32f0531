"""The list of quarantine rules in `quarantine_rules` is honest: one bad record per listed rule gets that reason."""

import csv
import json
from datetime import UTC, datetime

import pytest

from assets.ingest.batch_loader import ingest_source
from assets.ingest.quarantine_rules import listed_reasons, reason_pattern
from assets.ingest.sources_config import Source, SourceFormat, SourcesConfig, load_sources_config
from assets.ingest.tabular_sources import SHOPIFY_HEADER
from connectors.warehouse.duckdb_file import open_warehouse
from core.settings import PROJECT_ROOT

LOADED_AT = datetime(2026, 11, 2, tzinfo=UTC)
PROJECT_SOURCES = {source.name: source for source in load_sources_config(PROJECT_ROOT / "config").sources}
CSV_REASON = "not a well-formed CSV record: <DuckDB error type>: <DuckDB message>"
TIMESTAMP_REASON = "<column>: expected a timestamp (ISO-8601 or 'YYYY-MM-DD HH:MM:SS +HHMM'), got '<value>'"


def call(**fields: object) -> str:
    record = {"messageId": "m", "type": "track", "event": "Viewed", "userId": "u1",
              "timestamp": "2026-03-01T12:00:00Z"}
    record.update(fields)
    return json.dumps({key: value for key, value in record.items() if value is not ...})


# Per format: (the record's text, or its values by column, and the listed reason it must get).
SEGMENT_CASES = [
    ("{bad", "not valid JSON"),
    ("[1]", "not a JSON object: got <JSON type>"),
    (call(type=...), "type: missing"),
    (call(type=5), "type: expected a string, got <JSON type>"),
    (call(type="purchase"),
     "type: unknown call type '<type>', expected one of identify, track, page, screen, alias"),
    (call(anonymousId=[1]), "<messageId, userId, anonymousId or previousId>: expected a string, got <JSON type>"),
    (call(timestamp=...), "timestamp: missing, and no originalTimestamp, sentAt, receivedAt either"),
    (call(timestamp=..., originalTimestamp=True), "<time field>: expected an ISO-8601 string, got <JSON type>"),
    (call(timestamp="soon"), "<time field>: not an ISO-8601 timestamp: '<value>'"),
    (call(timestamp="1999-12-31T00:00:00Z"),
     "<time field>: impossible value <value>, outside <earliest_valid_timestamp> .. load time + <hours> h"),
    (call(receivedAt="later"), "<sentAt or receivedAt>: expected an ISO-8601 timestamp"),
    (call(context="web"), "<traits, context.traits, properties or context>: expected an object, got <JSON type>"),
    (call(type="alias", previousId=" "), "alias: missing previousId"),
    (call(userId=None), "missing every identifier: neither userId nor anonymousId"),
    (call(event=...), "track: missing event name"),
]
CATALOG_CASES = [
    ('{"product_id": "p1"', "not valid JSON"),
    ('"p1"', "not a JSON object: got <JSON type>"),
    ('{"sku": "S1"}', "product_id: missing"),
    ('{"product_id": true}', "product_id: expected a string, got <JSON type>"),
    ('{"product_id": "p1", "price": "ten"}', "price: expected a number, got '<value>'"),
]
SHOPIFY_GOOD = {"Created at": "2026-03-07 09:50:26 +0100", "Lineitem quantity": "1", "Lineitem price": "10.00"}
SHOPIFY_CASES = [
    ("#1" + "," * len(SHOPIFY_HEADER) + "surplus", CSV_REASON),  # a field too many
    ({**SHOPIFY_GOOD, "Name": " "}, "<column>: missing required value"),
    ({**SHOPIFY_GOOD, "Name": "#2", "Lineitem quantity": "two"}, "<column>: expected a whole number, got '<value>'"),
    ({**SHOPIFY_GOOD, "Name": "#3", "Lineitem price": "ten"}, "<column>: expected a number, got '<value>'"),
    ({**SHOPIFY_GOOD, "Name": "#4", "Created at": "31/02/2026"}, TIMESTAMP_REASON),
    ({**SHOPIFY_GOOD, "Name": "#5"}, "order <Name>: its line <line> was quarantined"),
    ({"Name": "#5", "Lineitem quantity": "1", "Lineitem price": "free"}, "<column>: expected a number, got '<value>'"),
]
STORE_GOOD = {"order_id": "o1", "line_item_id": "1", "date_created": "2026-03-07T09:50:26Z", "quantity": "1"}
STORE_CASES = [
    ({**STORE_GOOD, "order_id": ""}, "<column>: missing required value"),
    ({**STORE_GOOD, "quantity": "two"}, "<column>: expected a whole number, got '<value>'"),
    ({**STORE_GOOD, "date_created": "soon"}, TIMESTAMP_REASON),
    ({**STORE_GOOD, "line_total": "ten"}, "<column>: expected a number, got '<value>'"),
    ({**STORE_GOOD, "quantity": "-1"}, "quantity: expected a non-negative whole number, got <value>"),
]
CRM_CASES = [
    ({"email": "a@example.com", "updated_at": "last tuesday"}, TIMESTAMP_REASON),
    ({"first_name": "Ann"}, "missing every identifier: no crm_id, email or phone"),
    ('c1,"never closed', CSV_REASON),
]
CASES = {
    SourceFormat.SEGMENT_EVENTS: ("events/a.jsonl", SEGMENT_CASES),
    SourceFormat.PRODUCT_CATALOG: ("catalog/a.jsonl", CATALOG_CASES),
    SourceFormat.SHOPIFY_ORDERS: ("shopify/a.csv", SHOPIFY_CASES),
    SourceFormat.STORE_ORDERS: ("pos/a.csv", STORE_CASES),
    SourceFormat.CRM_PROFILES: ("crm/a.csv", CRM_CASES),
}


def source_of(source_format: SourceFormat, path: str) -> Source:
    mapped = {SourceFormat.STORE_ORDERS: "woocommerce_orders", SourceFormat.CRM_PROFILES: "crm_profiles"}
    columns = PROJECT_SOURCES[mapped[source_format]].columns if source_format in mapped else {}
    return Source(name="bad_records", format=source_format, path=path, source_label="test", columns=columns)


def write_records(path, header: list[str] | None, records: list[str | dict[str, str]]) -> None:
    """Text records as they are; records by column through the CSV writer, under `header`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if header:
            writer.writerow(header)
        for record in records:
            if isinstance(record, str):
                handle.write(record + "\n")
            else:
                writer.writerow([record.get(column, "") for column in header])


def header_of(source: Source) -> list[str] | None:
    if source.format == SourceFormat.SHOPIFY_ORDERS:
        return list(SHOPIFY_HEADER)
    return list(source.columns.values()) or None


@pytest.mark.parametrize("source_format", list(SourceFormat))
def test_each_listed_rule_gives_its_listed_reason(tmp_path, warehouse_path, source_format):
    path, cases = CASES[source_format]
    source = source_of(source_format, path)
    header = header_of(source)
    write_records(tmp_path / "landing" / path, header, [record for record, _ in cases])
    with open_warehouse(warehouse_path) as con:
        ingest_source(con, source, tmp_path / "landing", SourcesConfig(sources=[source]), LOADED_AT)
        reasons = dict(con.execute("select _line, reason from raw.quarantine").fetchall())
    first_line = 2 if header else 1
    listed = listed_reasons()[source_format]
    for number, (record, expected) in enumerate(cases, first_line):
        assert expected in listed, f"{expected!r} is not listed for {source_format}"
        assert reason_pattern(expected).fullmatch(reasons.get(number) or ""), (record, reasons.get(number), expected)
    assert sorted(reasons) == list(range(first_line, first_line + len(cases)))


def test_every_listed_reason_has_a_bad_record_that_gets_it():
    covered = {(source_format, reason) for source_format, (_, cases) in CASES.items() for _, reason in cases}
    for source_format, reasons in listed_reasons().items():
        for reason in reasons:
            shared = [other for other, listed in listed_reasons().items() if reason in listed]
            assert any((other, reason) in covered for other in shared), f"no case for {source_format}: {reason!r}"


def test_a_placeholder_stands_for_text_and_the_rest_is_exact():
    pattern = reason_pattern("order <Name>: its line <line> was quarantined")
    assert pattern.fullmatch("order #1002: its line 5 was quarantined")
    assert not pattern.fullmatch("order #1002: its line 5 was quarantined.")
    assert not reason_pattern("type: missing").fullmatch("type: missing value")
