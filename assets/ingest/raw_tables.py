"""The tables of schema `raw`: every source lands here unchanged but typed, with its file, line and load time.

Grain: one row per source record (event, order line, profile row, product). Records are never updated; a record that
arrives again unchanged is skipped, and a changed version of a keyed record (an order line, a CRM profile, a product)
is appended as a new version with its own `_row_hash`, so staging picks the latest and history is kept.
"""

from __future__ import annotations

import duckdb

from connectors.warehouse.duckdb_file import quote_ident

LINEAGE_COLUMNS = """
    source_name varchar not null,   -- the `name` of the source in config/sources.yaml
    source_label varchar not null,  -- shopify, pos, woocommerce, web, crm, catalog ...
    _file varchar not null,         -- path relative to the landing zone
    _line bigint not null,          -- 1-based line in the file (CSV header is line 1; Parquet: row number)
    _loaded_at timestamptz not null
"""

# Where events.event_timestamp came from: timestamp | originalTimestamp | sentAt | receivedAt, the first the call
# has. Ingest always says; a row written without it (before the column existed, or by hand) came from `timestamp`.
TIMESTAMP_FIELD_DEFINITION = "varchar not null default 'timestamp'"

RAW_TABLES: dict[str, str] = {
    "events": f"""
        message_id varchar not null,
        type varchar not null,            -- identify | track | page | screen | alias
        event varchar,                    -- track: the event name
        name varchar,                     -- page / screen: the page or screen name
        user_id varchar,
        anonymous_id varchar,
        previous_id varchar,              -- alias: the id being aliased
        traits json,                      -- identify: traits
        context_traits json,              -- any call: context.traits
        properties json,
        context json,
        event_timestamp timestamptz not null,
        timestamp_field {TIMESTAMP_FIELD_DEFINITION},
        sent_at timestamptz,
        received_at timestamptz,
        {LINEAGE_COLUMNS}
    """,
    "shopify_order_lines": f"""
        name varchar not null, email varchar, financial_status varchar, paid_at timestamptz,
        fulfillment_status varchar, fulfilled_at timestamptz, accepts_marketing varchar, currency varchar,
        subtotal decimal(18, 2), shipping decimal(18, 2), taxes decimal(18, 2), total decimal(18, 2),
        discount_code varchar, discount_amount decimal(18, 2), shipping_method varchar, created_at timestamptz,
        lineitem_quantity integer, lineitem_name varchar, lineitem_price decimal(18, 2),
        lineitem_compare_at_price decimal(18, 2), lineitem_sku varchar, lineitem_requires_shipping varchar,
        lineitem_taxable varchar, lineitem_fulfillment_status varchar,
        billing_name varchar, billing_street varchar, billing_address1 varchar, billing_address2 varchar,
        billing_company varchar, billing_city varchar, billing_zip varchar, billing_province varchar,
        billing_country varchar, billing_phone varchar,
        shipping_name varchar, shipping_street varchar, shipping_address1 varchar, shipping_address2 varchar,
        shipping_company varchar, shipping_city varchar, shipping_zip varchar, shipping_province varchar,
        shipping_country varchar, shipping_phone varchar,
        notes varchar, note_attributes varchar, cancelled_at timestamptz, payment_method varchar,
        payment_reference varchar, refunded_amount decimal(18, 2), vendor varchar,
        outstanding_balance decimal(18, 2), employee varchar, location varchar, device_id varchar,
        id bigint, tags varchar, risk_level varchar, source varchar, lineitem_discount decimal(18, 2),
        tax_1_name varchar, tax_1_value decimal(18, 2), tax_2_name varchar, tax_2_value decimal(18, 2),
        tax_3_name varchar, tax_3_value decimal(18, 2), tax_4_name varchar, tax_4_value decimal(18, 2),
        tax_5_name varchar, tax_5_value decimal(18, 2), phone varchar, receipt_number varchar, duties varchar,
        billing_province_name varchar, shipping_province_name varchar, payment_id varchar,
        payment_terms_name varchar, next_payment_due_at varchar, payment_references varchar,
        lineitem_index integer not null,  -- 1-based position of the line within its order in the file
        _row_hash varchar not null,
        {LINEAGE_COLUMNS}
    """,
    "store_order_lines": f"""
        order_id varchar not null,
        order_number varchar,
        line_id varchar not null,         -- the order id where the file has one row per order (no line id)
        customer_id varchar,              -- the store's customer id, as the store writes it
        email varchar,
        phone varchar,
        first_name varchar,
        last_name varchar,
        ordered_at timestamptz not null,
        status varchar,
        product_id varchar,
        sku varchar,
        product_name varchar,
        quantity integer,
        line_total decimal(18, 2),
        order_total decimal(18, 2),
        currency varchar,
        refund_total decimal(18, 2),
        _row_hash varchar not null,
        {LINEAGE_COLUMNS}
    """,
    "crm_profiles": f"""
        crm_id varchar,
        first_name varchar,
        last_name varchar,
        email varchar,
        phone varchar,
        birthday varchar,                 -- as written: formats differ, the format transformation parses it
        street varchar,
        city varchar,
        state varchar,
        postal_code varchar,
        country varchar,
        email_consent varchar,            -- subscribed | unsubscribed | never_subscribed
        sms_consent varchar,
        push_consent varchar,
        consent_updated_at timestamptz,
        updated_at timestamptz,
        custom_properties json,           -- every column the mapping does not name
        _row_hash varchar not null,
        {LINEAGE_COLUMNS}
    """,
    "catalog_products": f"""
        product_id varchar not null,
        sku varchar,
        title varchar,
        category varchar,
        price decimal(18, 2),
        currency varchar,
        vendor varchar,
        attributes json,                  -- the whole record, so keys beyond the named ones are kept
        _row_hash varchar not null,
        {LINEAGE_COLUMNS}
    """,
    "quarantine": """
        source_name varchar not null,
        source_label varchar not null,
        _file varchar not null,
        _line bigint not null,
        raw_text varchar,                 -- the record as it was in the file
        reason varchar not null,          -- what was expected, naming the field
        _loaded_at timestamptz not null
    """,
    "ingested_files": """
        source_name varchar not null,
        _file varchar not null,
        content_sha256 varchar not null,
        size_bytes bigint not null,
        rows_read bigint not null,
        rows_loaded bigint not null,
        rows_quarantined bigint not null,
        rows_duplicate bigint not null,
        _loaded_at timestamptz not null
    """,
}


# Columns added to RAW_TABLES after warehouses were first made, as (table, column, definition): an older
# warehouse gets them, its rows filled with the definition's default. Before `timestamp_field`, a call
# without `timestamp` was quarantined, so every event loaded then came from `timestamp`.
COLUMNS_ADDED_LATER = [("events", "timestamp_field", TIMESTAMP_FIELD_DEFINITION)]


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create schema `raw` and its tables if they do not exist, and add the columns an older warehouse lacks;
    safe to call on every run."""
    con.execute("create schema if not exists raw")
    for table, columns in RAW_TABLES.items():
        con.execute(f"create table if not exists raw.{table} ({columns})")
    for table, column, definition in COLUMNS_ADDED_LATER:
        exists = con.execute(
            "select count(*) > 0 from information_schema.columns "
            "where table_schema = 'raw' and table_name = ? and column_name = ?",
            [table, column],
        ).fetchone()[0]
        if not exists:
            con.execute(f"alter table raw.{quote_ident(table)} add column {quote_ident(column)} {definition}")
