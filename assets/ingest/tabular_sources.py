"""Order lines and CRM profiles from CSV or Parquet: Shopify's fixed export layout, or a configured column mapping."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb

from assets.ingest.file_readers import ROWS_TABLE, read_rows, record_hash_sql, record_text_sql
from assets.ingest.sources_config import MAPPED_COLUMNS, Source, SourceFormat
from assets.ingest.stager_contract import STAGED_TABLE, StagingBatch
from assets.ingest.temp_relations import dropped_on_exit
from assets.ingest.typed_columns import TypedColumn, casts, reason_whens
from connectors.sources.landing_zone import LandingFile
from connectors.warehouse.duckdb_file import quote_ident

_SHOPIFY_TYPES = {
    "Paid at": "timestamptz", "Fulfilled at": "timestamptz", "Created at": "timestamptz",
    "Cancelled at": "timestamptz", "Subtotal": "decimal(18, 2)", "Shipping": "decimal(18, 2)",
    "Taxes": "decimal(18, 2)", "Total": "decimal(18, 2)", "Discount Amount": "decimal(18, 2)",
    "Lineitem quantity": "integer", "Lineitem price": "decimal(18, 2)",
    "Lineitem compare at price": "decimal(18, 2)", "Refunded Amount": "decimal(18, 2)",
    "Outstanding Balance": "decimal(18, 2)", "Id": "bigint", "Lineitem discount": "decimal(18, 2)",
    **{f"Tax {n} Value": "decimal(18, 2)" for n in range(1, 6)},
}
# Shopify's documented "Export orders" header, in order; each lands in the snake_case column of raw.shopify_order_lines.
SHOPIFY_HEADER = (  # noqa: SIM905 - one line per stretch of Shopify's header reads closer to the docs
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,"
    "Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,"
    "Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,"
    "Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,"
    "Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,"
    "Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,"
    "Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,"
    "Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,"
    "Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,"
    "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
).split(",")
SHOPIFY_REQUIRED_HEADER = ("Name", "Created at", "Lineitem quantity", "Lineitem price")

STORE_ORDER_TYPES = {
    "ordered_at": "timestamptz", "quantity": "integer", "line_total": "decimal(18, 2)",
    "order_total": "decimal(18, 2)", "refund_total": "decimal(18, 2)",
}
CRM_TYPES = {"consent_updated_at": "timestamptz", "updated_at": "timestamptz"}


def shopify_column_name(header: str) -> str:
    """`Lineitem compare at price` -> `lineitem_compare_at_price`."""
    return re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")


def _require_columns(source: Source, files: Sequence[LandingFile], present: list[str], needed: list[str]) -> None:
    missing = [name for name in needed if name not in present]
    if missing:
        raise ValueError(
            f"source '{source.name}' ({source.path}): files {[f.relative_path for f in files]} have no column(s) "
            f"{missing}; columns found: {present}"
        )


def _null_column(name: str) -> TypedColumn:
    return TypedColumn(name=name, source=name)


@contextmanager
def stage_shopify_orders(con: duckdb.DuckDBPyConnection, batch: StagingBatch) -> Iterator[str]:
    """Shopify export rows into table `ingest_staged`; a bad line quarantines its whole order, since order fields
    sit on the first line only."""
    with dropped_on_exit(con, STAGED_TABLE):
        with read_rows(con, batch.files) as present:
            _require_columns(batch.source, batch.files, present, list(SHOPIFY_REQUIRED_HEADER))
            con.execute(f"create temp table {STAGED_TABLE} as {_shopify_staging_sql(present)}")
        yield STAGED_TABLE


def _shopify_staging_sql(present: list[str]) -> str:
    """The staged rows of `ingest_rows` holding Shopify's columns `present`."""
    columns = [
        TypedColumn(shopify_column_name(header), header, _SHOPIFY_TYPES.get(header, "varchar"), header == "Name")
        for header in SHOPIFY_HEADER
        if header in present
    ]
    absent = [shopify_column_name(header) for header in SHOPIFY_HEADER if header not in present]
    absent_sql = "".join(f", cast(null as varchar) as {quote_ident(name)}" for name in absent)
    return f"""
        with checked as (
            -- narrow: the per-order windows sort only what they need, never the wide rows
            select _file, _line, "Name",
                   case when _reject_reason is not null then _reject_reason
                        {" ".join(reason_whens(columns))} end as line_reason
            from {ROWS_TABLE}
        ),
        positions as (
            select _file, _line, line_reason,
                   row_number() over (partition by _file, "Name" order by _line) as lineitem_index,
                   min(case when line_reason is not null then _line end)
                       over (partition by _file, "Name") as first_bad_line
            from checked
        ),
        per_order as (
            select file_rows.*, positions.line_reason, positions.lineitem_index, positions.first_bad_line
            from {ROWS_TABLE} as file_rows join positions using (_file, _line)
        ),
        reasoned as (
            select *,
                   case when line_reason is not null then line_reason
                        when first_bad_line is not null
                        then 'order ' || "Name" || ': its line ' || first_bad_line || ' was quarantined'
                   end as reason
            from per_order
        )
        select _file, _line, reason,
               -- the record's text travels on only where it is needed: into the quarantine
               case when reason is not null then {record_text_sql(present)} end as raw_text,
               {casts(columns)}{absent_sql},
               cast(lineitem_index as integer) as lineitem_index,
               -- two identical lines of one order are two lines: the position is part of the version
               {record_hash_sql(present, "lineitem_index")} as _row_hash
        from reasoned
        """


@contextmanager
def stage_mapped_rows(con: duckdb.DuckDBPyConnection, batch: StagingBatch) -> Iterator[str]:
    """Store order lines or CRM profiles into table `ingest_staged` through the source's column mapping."""
    with dropped_on_exit(con, STAGED_TABLE):
        with read_rows(con, batch.files) as present:
            _require_columns(batch.source, batch.files, present, list(batch.source.columns.values()))
            con.execute(f"create temp table {STAGED_TABLE} as {_mapped_staging_sql(batch.source, present)}")
        yield STAGED_TABLE


def _mapped_staging_sql(source: Source, present: list[str]) -> str:
    """The staged rows of `ingest_rows`, whose columns are `present`, through the mapping of `source`."""
    mapping = dict(source.columns)
    if source.format == SourceFormat.STORE_ORDERS:
        # a file of one row per order has no line id: the order id stands in (raw.store_order_lines keys versions
        # on order and line id), and the row names no product, so it is an order without line items downstream
        mapping["line_id"] = source.order_line_id_column
        types = STORE_ORDER_TYPES
        required = {"order_id", "line_id", "ordered_at"}
        extra_whens = [
            "when quantity_value < 0 then 'quantity: expected a non-negative whole number, got ' || quantity_value"
        ]
    elif source.format == SourceFormat.CRM_PROFILES:
        types = CRM_TYPES
        required = set()
        extra_whens = []
    else:
        raise ValueError(f"source '{source.name}': format {source.format} is not a mapped format")
    columns = [
        TypedColumn(name, file_column, types.get(name, "varchar"), name in required)
        for name, file_column in mapping.items()
    ]
    unmapped_targets = [name for name in MAPPED_COLUMNS[source.format] if name not in mapping]
    typed = casts(columns) + "".join(
        f",\ncast(null as {types.get(name, 'varchar')}) as {quote_ident(name)}" for name in unmapped_targets
    )
    if source.format == SourceFormat.CRM_PROFILES:
        identifiers = [
            quote_ident(source.columns[name]) for name in ("crm_id", "email", "phone") if name in source.columns
        ]
        extra_whens.append(
            "when " + " and ".join(f"nullif(trim({column}), '') is null" for column in identifiers or ["null"])
            + " then 'missing every identifier: no crm_id, email or phone'"
        )
        custom = [name for name in present if name not in source.columns.values()]
        struct = ", ".join(f"{quote_ident(name)} := {quote_ident(name)}" for name in custom)
        typed += f",\n{'cast(to_json(struct_pack(' + struct + ')) as json)' if custom else 'cast(null as json)'}"
        typed += " as custom_properties"
    quantity = (
        f"try_cast(nullif(trim({quote_ident(source.columns['quantity'])}), '') as integer)"
        if "quantity" in source.columns
        else "cast(null as integer)"
    )
    return f"""
        with rows as (select *, {quantity} as quantity_value from {ROWS_TABLE}),
        reasoned as (
            select *,
                   case when _reject_reason is not null then _reject_reason
                        {" ".join(reason_whens(columns))}
                        {" ".join(extra_whens)}
                   end as reason
            from rows
        )
        select _file, _line, reason,
               -- the record's text travels on only where it is needed: into the quarantine
               case when reason is not null then {record_text_sql(present)} end as raw_text,
               {typed},
               {record_hash_sql(present)} as _row_hash
        from reasoned
        """

