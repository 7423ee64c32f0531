"""config/sources.yaml: which files in the landing zone are which source, and how their columns map."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.config_files import load_config

SOURCES_FILE = "sources.yaml"
_NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


class SourceFormat(StrEnum):
    """The formats the platform reads; each lands in one raw table."""

    SEGMENT_EVENTS = "segment_events"
    SHOPIFY_ORDERS = "shopify_orders"
    STORE_ORDERS = "store_orders"
    CRM_PROFILES = "crm_profiles"
    PRODUCT_CATALOG = "product_catalog"


RAW_TABLE_BY_FORMAT: dict[SourceFormat, str] = {
    SourceFormat.SEGMENT_EVENTS: "events",
    SourceFormat.SHOPIFY_ORDERS: "shopify_order_lines",
    SourceFormat.STORE_ORDERS: "store_order_lines",
    SourceFormat.CRM_PROFILES: "crm_profiles",
    SourceFormat.PRODUCT_CATALOG: "catalog_products",
}

# Canonical columns a column mapping must (required) or may name, per mapped format. A store's line columns are
# optional: a file of one row per order (a legacy store, a POS export) leaves line_id out or maps it to the order
# id's column, and each of its rows is an order without line items (see `order_line_id_column`).
MAPPED_COLUMNS: dict[SourceFormat, dict[str, bool]] = {
    SourceFormat.STORE_ORDERS: {
        "order_id": True, "ordered_at": True, "order_total": True, "line_id": False, "order_number": False,
        "customer_id": False, "email": False, "phone": False, "first_name": False, "last_name": False,
        "status": False, "product_id": False, "sku": False, "product_name": False, "quantity": False,
        "line_total": False, "currency": False, "refund_total": False,
    },
    SourceFormat.CRM_PROFILES: {
        "crm_id": False, "first_name": False, "last_name": False, "email": False, "phone": False,
        "birthday": False, "street": False, "city": False, "state": False, "postal_code": False,
        "country": False, "email_consent": False, "sms_consent": False, "push_consent": False,
        "consent_updated_at": False, "updated_at": False,
    },
}
# A mapping must name at least one of these, or no record of the source could reach a profile.
IDENTIFIER_COLUMNS: dict[SourceFormat, tuple[str, ...]] = {
    SourceFormat.STORE_ORDERS: ("customer_id", "email", "phone"),
}


class Source(BaseModel):
    """One source: a name, its format, a glob under the landing zone, a label, and (if mapped) its columns."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=_NAME_PATTERN, description="Unique name, lower_snake_case.")
    format: SourceFormat
    path: str = Field(min_length=1, description="Glob relative to the landing zone, e.g. 'shopify/*.csv'.")
    source_label: str = Field(pattern=_NAME_PATTERN, description="shopify, pos, woocommerce, web, crm ...")
    columns: dict[str, str] = Field(default_factory=dict, description="canonical column -> column in the file")
    description: str = ""

    @field_validator("path")
    @classmethod
    def _path_stays_in_landing_zone(cls, value: str) -> str:
        if value.startswith("/") or ".." in Path(value).parts:
            raise ValueError("must be a glob relative to the landing zone, without '..'")
        return value

    @model_validator(mode="after")
    def _columns_fit_format(self) -> Source:
        allowed = MAPPED_COLUMNS.get(self.format)
        if allowed is None:
            if self.columns:
                raise ValueError(f"format {self.format.value} has a fixed layout and takes no 'columns' mapping")
            return self
        unknown = sorted(set(self.columns) - set(allowed))
        if unknown:
            raise ValueError(f"columns: unknown canonical column(s) {unknown}; expected some of {sorted(allowed)}")
        missing = sorted(name for name, required in allowed.items() if required and name not in self.columns)
        if missing:
            raise ValueError(f"columns: format {self.format.value} needs a mapping for {missing}")
        identifiers = IDENTIFIER_COLUMNS.get(self.format, ())
        if identifiers and not set(identifiers) & set(self.columns):
            raise ValueError(
                f"columns: format {self.format.value} needs a mapping for at least one identifier of "
                f"{list(identifiers)}"
            )
        return self

    @property
    def order_line_id_column(self) -> str:
        """The file column a store order's line id comes from: the order id's when the mapping names no line id,
        so each row of a one-row-per-order file is its order's only row (its versions keyed like any line's)."""
        return self.columns.get("line_id", self.columns["order_id"])

    @property
    def raw_table(self) -> str:
        return RAW_TABLE_BY_FORMAT[self.format]


class SourcesConfig(BaseModel):
    """The whole sources file."""

    model_config = ConfigDict(extra="forbid")

    sources: list[Source]
    earliest_valid_timestamp: str = Field(
        default="2000-01-01T00:00:00Z", description="Events before this are impossible and quarantined."
    )
    max_future_skew_hours: int = Field(
        default=24, ge=0, description="Events later than load time plus this are impossible and quarantined."
    )

    @model_validator(mode="after")
    def _names_unique(self) -> SourcesConfig:
        names = [source.name for source in self.sources]
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            raise ValueError(f"source names must be unique; repeated: {duplicated}")
        return self

    def of_format(self, source_format: SourceFormat) -> list[Source]:
        return [source for source in self.sources if source.format == source_format]


def load_sources_config(config_dir: Path) -> SourcesConfig:
    """Validated config/sources.yaml."""
    return load_config(config_dir / SOURCES_FILE, SourcesConfig)
