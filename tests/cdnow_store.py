"""The published CDNOW sample (Fader, Hardie and Lee) as a store's one-row-per-order export, for tests that need a
real purchase history with known answers: 6,919 purchases of 2,357 customers, January 1997 to June 1998.

Plain helpers, not fixtures, beside the root conftest.py so every test folder imports them. The sample ships in
the `lifetimes` package folder; it is read as a file, since `lifetimes.datasets` imports `pkg_resources`, gone from
current setuptools (FACTS.md).
"""

from __future__ import annotations

import csv
import importlib.resources
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from assets.ingest.sources_config import Source, SourceFormat

CDNOW_FILE = "cdnow/orders.csv"
CDNOW_SOURCE_NAME = "cdnow_orders"
CDNOW_SOURCE_LABEL = "cdnow"
# The order file's header; the store_orders mapping below names each column.
CDNOW_HEADER = ("order_id", "customer_id", "email", "ordered_at", "order_total", "cd_count")


@dataclass(frozen=True)
class CdnowPurchase:
    """One line of CDNOW_sample.txt: customer id (as written, zero-padded), date, number of CDs, dollar value."""

    customer_id: str
    date: str  # YYYYMMDD
    cd_count: int
    dollars: Decimal


def cdnow_sample_path() -> Path:
    """Where lifetimes keeps CDNOW_sample.txt."""
    return Path(str(importlib.resources.files("lifetimes") / "datasets" / "CDNOW_sample.txt"))


def read_cdnow_purchases() -> list[CdnowPurchase]:
    """The sample's purchases in file order; its columns are customer id, customer index, date, CDs, dollars."""
    purchases = []
    for number, line in enumerate(cdnow_sample_path().read_text(encoding="ascii").splitlines(), start=1):
        fields = line.split()
        if len(fields) != 5:
            raise ValueError(f"{cdnow_sample_path()}: line {number}: expected 5 fields, got {fields!r}")
        customer_id, _index, date, cd_count, dollars = fields
        purchases.append(CdnowPurchase(customer_id, date, int(cd_count), Decimal(dollars)))
    return purchases


def cdnow_email(customer_id: str) -> str:
    """The made-up email each CDNOW customer gets, so its orders link into one profile."""
    return f"cdnow-{customer_id}@example.com"


def write_cdnow_store_orders(landing_dir: Path) -> Source:
    """Write CDNOW as `cdnow/orders.csv` under `landing_dir`, one row per purchase (order id = its 1-based row
    number, ordered at noon UTC of its date, total = its dollar value), and return its `store_orders` source: no
    line columns, so each purchase is an order without line items."""
    path = landing_dir / CDNOW_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CDNOW_HEADER)
        for order_id, purchase in enumerate(read_cdnow_purchases(), start=1):
            day = f"{purchase.date[:4]}-{purchase.date[4:6]}-{purchase.date[6:]}"
            writer.writerow([order_id, purchase.customer_id, cdnow_email(purchase.customer_id),
                             f"{day}T12:00:00Z", purchase.dollars, purchase.cd_count])
    return Source(
        name=CDNOW_SOURCE_NAME,
        format=SourceFormat.STORE_ORDERS,
        path=CDNOW_FILE,
        source_label=CDNOW_SOURCE_LABEL,
        columns={"order_id": "order_id", "customer_id": "customer_id", "email": "email",
                 "ordered_at": "ordered_at", "order_total": "order_total"},
        description="CDNOW sample: one row per purchase, no line items.",
    )
