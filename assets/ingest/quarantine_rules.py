"""Every quarantine rule, with the reason it writes to `raw.quarantine.reason`: the one list of them.

A record that breaks a rule goes to `raw.quarantine` with its file, line, raw text and the reason of the first rule
it breaks, in the order listed under its format. In a reason, `<...>` stands for what varies (a field, a JSON
type, a value as the file wrote it); everything else is the exact text. `tests/ingest/test_quarantine_rules.py`
feeds one bad record per rule and holds the reasons to this list, and the demo-store test holds every reason its
malformed records get to it.

Segment calls, format `segment_events` (`segment_events._reason_sql`):

- the line is not JSON: ``not valid JSON``
- it is JSON but no object: ``not a JSON object: got <JSON type>``
- no call type: ``type: missing``
- a call type that is no string: ``type: expected a string, got <JSON type>``
- a call type Segment does not define:
  ``type: unknown call type '<type>', expected one of identify, track, page, screen, alias``
- an id that is neither string nor whole number:
  ``<messageId, userId, anonymousId or previousId>: expected a string, got <JSON type>``
- none of the four timestamps: ``timestamp: missing, and no originalTimestamp, sentAt, receivedAt either``
- the time taken (the first of timestamp, originalTimestamp, sentAt, receivedAt the call has) is no string:
  ``<time field>: expected an ISO-8601 string, got <JSON type>``
- the time taken does not parse: ``<time field>: not an ISO-8601 timestamp: '<value>'``
- the time taken is impossible, before `earliest_valid_timestamp` or more than `max_future_skew_hours` after the
  load: ``<time field>: impossible value <value>, outside <earliest_valid_timestamp> .. load time + <hours> h``
- a `sentAt` or `receivedAt` not taken as the time, present but no timestamp:
  ``<sentAt or receivedAt>: expected an ISO-8601 timestamp``
- traits, context.traits, properties or context present but no object:
  ``<traits, context.traits, properties or context>: expected an object, got <JSON type>``
- an alias without the id it aliases: ``alias: missing previousId``
- neither userId nor anonymousId (blank counts as missing):
  ``missing every identifier: neither userId nor anonymousId``
- a track call without an event name: ``track: missing event name``

Products, format `product_catalog` (`product_catalog.stage_product_catalog`):

- the line is not JSON: ``not valid JSON``
- it is JSON but no object: ``not a JSON object: got <JSON type>``
- no product id (blank counts as missing): ``product_id: missing``
- a product id that is neither string nor whole number: ``product_id: expected a string, got <JSON type>``
- a price that is no number: ``price: expected a number, got '<value>'``

Order lines and CRM rows, formats `shopify_orders`, `store_orders` and `crm_profiles` (CSV: `csv_line_numbers`;
values: `typed_columns.reason_whens`, `<column>` being the file's column), first these, in this order:

- a CSV row DuckDB's reader cannot split (an unterminated quote, too many fields), DuckDB's errors joined by `; `:
  ``not a well-formed CSV record: <DuckDB error type>: <DuckDB message>``
- a required value missing (Shopify's `Name`; the columns mapped to a store's `order_id`,
  `ordered_at` and, when mapped, `line_id`):
  ``<column>: missing required value``
- then, column by column, a value present that does not cast to its column's type:
  ``<column>: expected a whole number, got '<value>'``,
  ``<column>: expected a number, got '<value>'``,
  ``<column>: expected a timestamp (ISO-8601 or 'YYYY-MM-DD HH:MM:SS +HHMM'), got '<value>'``

then the format's own (`tabular_sources`):

- format `store_orders`, a negative quantity: ``quantity: expected a non-negative whole number, got <value>``
- format `crm_profiles`, none of the columns mapped to crm_id, email and phone holds a value:
  ``missing every identifier: no crm_id, email or phone``
- format `shopify_orders`, every other line of an order one of whose lines is quarantined (its order fields sit on
  its first line only): ``order <Name>: its line <line> was quarantined``

Refused, not quarantined (the ingest fails, naming the file and what is wrong): a CSV header without a name for
every column or repeating one, a mapped or required Shopify column missing from the files, a source mixing file
types or of a type other than CSV and Parquet (`file_readers`, `tabular_sources`).
"""

from __future__ import annotations

import re

from assets.ingest.sources_config import SourceFormat

_FORMATS_HEADING = re.compile(r"\bformats? ((?:`[a-z_]+`(?:,? and |, )?)+)")
_REASON = re.compile(r"``(.+?)``")
_PLACEHOLDER = re.compile(r"<[^<>]+>")


def listed_reasons() -> dict[SourceFormat, list[str]]:
    """The reasons listed above, per format, in the listed order: what tests hold the ingest to."""
    listed: dict[SourceFormat, list[str]] = {source_format: [] for source_format in SourceFormat}
    heading_formats: list[SourceFormat] = []
    for paragraph in re.split(r"\n(?=- |\S)", __doc__ or ""):
        item_formats = heading_formats
        heading = _FORMATS_HEADING.search(paragraph)
        if heading:
            named = [SourceFormat(name) for name in re.findall(r"`([a-z_]+)`", heading.group(1))]
            if paragraph.startswith("- "):
                item_formats = named
            else:
                heading_formats = item_formats = named
        for reason in _REASON.findall(re.sub(r"\s+", " ", paragraph)):
            for source_format in item_formats:
                listed[source_format].append(reason)
    return listed


def reason_pattern(reason: str) -> re.Pattern[str]:
    """A listed reason as a pattern a produced reason must match in full: each `<...>` stands for any text."""
    fixed = _PLACEHOLDER.split(reason)
    return re.compile(".+".join(re.escape(part) for part in fixed), re.DOTALL)
