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

# Canonical columns a column mapping must (required) or may name, per mapped format.
MAPPED_COLUMNS: dict[SourceFormat, dict[str, bool]] = {
    SourceFormat.STORE_ORDERS: {
        "order_id": True, "line_id": True, "ordered_at": True, "order_number": False, "customer_id": False,
        "email": False, "phone": False, "first_name": False, "last_name": False, "status": False,
        "product_id": False, "sku": False, "product_name": False, "quantity": False, "line_total": False,
        "order_total": False, "currency": False, "refund_total": False,
    },
    SourceFormat.CRM_PROFILES: {
        "crm_id": False, "first_name": False, "last_name": False, "email": False, "phone": False,
        "birthday": False, "street": False, "city": False, "state": False, "postal_code": False,
        "country": False, "email_consent": False, "sms_consent": False, "push_consent": False,
        "consent_updated_at": False, "updated_at": False,
    },
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
        return self

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
