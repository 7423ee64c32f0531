"""The product catalog from JSON lines: id, SKU, title, category, price, checked inside DuckDB."""

from __future__ import annotations

from contextlib import AbstractContextManager

import duckdb

from assets.ingest.file_readers import BLANK_LINE_SQL, LINES_VIEW, stage_lines
from assets.ingest.stager_contract import STAGED_TABLE, StagingBatch

_FIELDS = ["$.product_id", "$.sku", "$.title", "$.category", "$.price", "$.currency", "$.vendor"]
_PATHS = "[" + ", ".join(f"'{path}'" for path in _FIELDS) + "]"


def stage_product_catalog(con: duckdb.DuckDBPyConnection, batch: StagingBatch) -> AbstractContextManager[str]:
    """Catalog lines into view `ingest_staged`: raw.catalog_products columns, _file, _line, reason, quarantine text."""
    return stage_lines(
        con,
        batch.files,
        STAGED_TABLE,
        f"""
        with lines as (
            select filename, raw_text, json_valid(raw_text) as is_json from {LINES_VIEW}
        ),
        extracted as (
            select *, case when is_json then json_type(raw_text) end as root_type,
                   case when is_json then json_extract_string(raw_text, {_PATHS}) end as strings,
                   case when is_json then json_type(raw_text, {_PATHS}) end as kinds
            from lines
        ),
        checked as (
            select *,
                case
                    when not is_json then 'not valid JSON'
                    when root_type <> 'OBJECT' then 'not a JSON object: got ' || root_type
                    when coalesce(trim(strings[1]), '') = '' then 'product_id: missing'
                    when kinds[1] not in ('VARCHAR', 'BIGINT', 'UBIGINT')
                        then 'product_id: expected a string, got ' || kinds[1]
                    when kinds[5] is not null and kinds[5] <> 'NULL'
                         and try_cast(strings[5] as decimal(18, 2)) is null
                        then 'price: expected a number, got ''' || strings[5] || ''''
                end as reason
            from extracted
        )
        select filename,
            {BLANK_LINE_SQL} as is_blank,
            md5(raw_text) as _row_hash,
            reason,
            strings[1] as product_id,
            strings[2] as sku,
            strings[3] as title,
            strings[4] as category,
            try_cast(strings[5] as decimal(18, 2)) as price,
            strings[6] as currency,
            strings[7] as vendor,
            case when root_type = 'OBJECT' then cast(raw_text as json) end as attributes,
            case when reason is not null then raw_text end as raw_text
        from checked
        """,
    )
