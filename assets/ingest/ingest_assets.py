"""Ingest assets: one per raw table, each loading every configured source of its format from the landing zone."""


from dataclasses import asdict

import dagster as dg

from assets.ingest.batch_loader import IngestCounts, ingest_source
from assets.ingest.raw_tables import create_raw_tables
from assets.ingest.sources_config import RAW_TABLE_BY_FORMAT, SourceFormat, load_sources_config
from connectors.warehouse.resource import WAREHOUSE_POOL, WarehouseResource
from core.settings import load_settings

OWNERS = ["team:data-platform"]
LEDGER_CHECK = "ledger_reconciles"

DESCRIPTIONS: dict[SourceFormat, str] = {
    SourceFormat.SEGMENT_EVENTS: "Segment-spec calls (identify, track, page, screen, alias), one row per messageId.",
    SourceFormat.SHOPIFY_ORDERS: "Shopify 'Export orders' CSV lines, typed; versions kept by row hash.",
    SourceFormat.STORE_ORDERS: (
        "Order lines of other stores (WooCommerce, BigCommerce, POS) through a column mapping; a file of one row "
        "per order (no line columns) gives one row per order."
    ),
    SourceFormat.CRM_PROFILES: "CRM profile rows; unmapped columns kept as custom properties.",
    SourceFormat.PRODUCT_CATALOG: "Product catalog records; versions kept by row hash.",
}


def ingest_asset_key(source_format: SourceFormat) -> dg.AssetKey:
    return dg.AssetKey(["raw", RAW_TABLE_BY_FORMAT[source_format]])


def _reconcile(con, source_names: list[str], table: str) -> dg.AssetCheckResult:
    """Every row of the raw table is accounted for by the file ledger, and every file's counts balance."""
    rows, ledger_loaded, unbalanced, quarantined = con.execute(
        f"""
        select
            (select count(*) from raw.{table} where source_name in (select unnest($names))),
            (select coalesce(sum(rows_loaded), 0) from raw.ingested_files
             where source_name in (select unnest($names))),
            (select count(*) from raw.ingested_files where source_name in (select unnest($names))
             and rows_read <> rows_loaded + rows_duplicate + rows_quarantined),
            (select count(*) from raw.quarantine where source_name in (select unnest($names)))
        """,
        {"names": source_names},
    ).fetchone()
    return dg.AssetCheckResult(
        check_name=LEDGER_CHECK,
        passed=bool(rows == ledger_loaded and unbalanced == 0),
        metadata={
            "raw_rows": rows,
            "ledger_rows_loaded": int(ledger_loaded),
            "files_unbalanced": unbalanced,
            "rows_in_quarantine": quarantined,
        },
    )


def build_ingest_asset(source_format: SourceFormat) -> dg.AssetsDefinition:
    """The asset loading every source of `source_format` into its raw table, with reconciliation metadata.

    The ledger check runs inside the asset's own op, on its connection: DuckDB allows one writer per file.
    """
    table = RAW_TABLE_BY_FORMAT[source_format]
    key = ingest_asset_key(source_format)

    @dg.asset(
        key=key,
        group_name="ingest",
        description=DESCRIPTIONS[source_format] + " New files only (by content hash); bad records to raw.quarantine.",
        kinds={"python", "duckdb"},
        owners=OWNERS,
        pool=WAREHOUSE_POOL,
        tags={"domain": "ingest"},
        check_specs=[
            dg.AssetCheckSpec(
                LEDGER_CHECK,
                asset=key,
                blocking=True,
                description="raw rows = loaded rows in raw.ingested_files; read = loaded + duplicates + quarantined.",
            )
        ],
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        settings = load_settings()
        config = load_sources_config(settings.config_dir)
        sources = config.of_format(source_format)
        total = IngestCounts()
        per_source: dict[str, dict[str, int]] = {}
        with warehouse.connect() as con:
            create_raw_tables(con)
            for source in sources:
                counts = ingest_source(con, source, settings.landing_dir, config)
                context.log.info(f"{source.name}: {counts}")
                per_source[source.name] = asdict(counts)
                total += counts
            row_count = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
            check = _reconcile(con, [source.name for source in sources], table)
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": row_count,
                "files_new": total.files_new,
                "files_skipped": total.files_skipped,
                "records_read": total.read,
                "records_loaded": total.loaded,
                "records_duplicate": total.duplicates,
                "records_quarantined": total.quarantined,
                "read_equals_loaded_plus_duplicates_plus_quarantined": total.balances(),
                "per_source": dg.MetadataValue.json(per_source),
                "landing_dir": str(settings.landing_dir),
            },
            check_results=[check],
        )

    return _ingest


INGEST_ASSETS = [build_ingest_asset(source_format) for source_format in SourceFormat]
