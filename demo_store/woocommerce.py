"""The second store (WooCommerce): `woocommerce/orders_<chunk>.parquet`, one row per line item.

Order-level columns repeat on every line. Status: completed | processing | refunded | cancelled (a partial
refund stays `completed` with `refund_total` > 0). The store is German: a phone without a country code is
German, and US customers' phones always carry their `+1`/`001` prefix. Defects (extra one-line orders, never
in the ground truth orders): `unparseable_date_created`, `negative_quantity`.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from demo_store.orders import (
    STATUS_PARTIALLY_REFUNDED,
    STATUS_PENDING,
    STATUS_REFUNDED,
    STATUS_VOIDED,
    LineItem,
    Order,
)
from demo_store.persons import Person, written_email, written_phone
from demo_store.timestamps import iso_seconds
from demo_store.writers import DefectLog

WOO_SCHEMA = pa.schema(
    [
        ("order_id", pa.int64()),
        ("order_number", pa.string()),
        ("line_item_id", pa.int64()),
        ("customer_id", pa.int64()),
        ("billing_email", pa.string()),
        ("billing_phone", pa.string()),
        ("billing_first_name", pa.string()),
        ("billing_last_name", pa.string()),
        ("date_created", pa.string()),
        ("status", pa.string()),
        ("product_id", pa.string()),
        ("sku", pa.string()),
        ("item_name", pa.string()),
        ("quantity", pa.int64()),
        ("line_total", pa.float64()),
        ("order_total", pa.float64()),
        ("currency", pa.string()),
        ("refund_total", pa.float64()),
    ]
)
WOO_ORDER_ID_BASE = 100_000
ORDERS_PER_CHUNK_LIMIT = 1_000_000
LINES_PER_CHUNK_LIMIT = 4_000_000
ROW_GROUP_ROWS = 100_000
_STATUS = {
    STATUS_REFUNDED: "refunded",
    STATUS_VOIDED: "cancelled",
    STATUS_PENDING: "processing",
    STATUS_PARTIALLY_REFUNDED: "completed",
}


class WooOrders:
    """A streaming Parquet writer of one chunk's WooCommerce orders, flushed in row groups."""

    def __init__(
        self, landing_dir: Path, chunk: int, rng: random.Random, malformed_rate: float, defects: DefectLog
    ) -> None:
        self.relative_file = f"woocommerce/orders_{chunk:05d}.parquet"
        path = landing_dir / self.relative_file
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = pq.ParquetWriter(path, WOO_SCHEMA, compression="snappy")
        self._columns: dict[str, list] = {name: [] for name in WOO_SCHEMA.names}
        self._chunk = chunk
        self._next_order = 0
        self._next_line = 0
        self._rng = rng
        self._malformed_rate = malformed_rate
        self._defects = defects
        self.records = 0
        self.malformed = 0

    def number_order(self, order: Order) -> None:
        """Give the order its WooCommerce `order_id`."""
        if self._next_order >= ORDERS_PER_CHUNK_LIMIT:
            raise ValueError(f"chunk {self._chunk}: more than {ORDERS_PER_CHUNK_LIMIT} WooCommerce orders")
        order.woo_id = WOO_ORDER_ID_BASE + self._chunk * ORDERS_PER_CHUNK_LIMIT + self._next_order
        self._next_order += 1

    def _append(self, person: Person, order: Order, date_created: str, quantity_sign: int) -> None:
        rng = self._rng
        email = written_email(person, rng) if rng.random() < 0.97 else ""
        phone = (
            written_phone(person, rng, country_on_record=person.country == "DE") if rng.random() < 0.6 else ""
        )
        if person.woo_customer_id and order.attached:
            person.note_identifier("woocommerce_customer_id", str(person.woo_customer_id))
        subtotal = order.subtotal_cents
        keep = 1.0 - (order.discount_cents / subtotal if subtotal else 0.0)
        refund = order.refund_cents / 100
        status = _STATUS.get(order.status, "completed")
        columns = self._columns
        for line in order.lines:
            if self._next_line >= LINES_PER_CHUNK_LIMIT:
                raise ValueError(f"chunk {self._chunk}: more than {LINES_PER_CHUNK_LIMIT} WooCommerce lines")
            columns["order_id"].append(order.woo_id)
            columns["order_number"].append(f"WC-{order.woo_id}")
            columns["line_item_id"].append(self._chunk * LINES_PER_CHUNK_LIMIT + self._next_line + 1)
            columns["customer_id"].append(person.woo_customer_id if order.attached else 0)
            columns["billing_email"].append(email)
            columns["billing_phone"].append(phone)
            columns["billing_first_name"].append(person.first_name)
            columns["billing_last_name"].append(person.last_name)
            columns["date_created"].append(date_created)
            columns["status"].append(status)
            columns["product_id"].append(line.product.product_id)
            columns["sku"].append(line.product.sku)
            columns["item_name"].append(line.product.title)
            columns["quantity"].append(line.quantity * quantity_sign)
            columns["line_total"].append(round(line.price_cents * line.quantity * keep / 100, 2))
            columns["order_total"].append(order.total_cents / 100)
            columns["currency"].append(order.currency)
            columns["refund_total"].append(refund)
            self._next_line += 1
            self.records += 1
        if len(columns["order_id"]) >= ROW_GROUP_ROWS:
            self._flush()

    def write_order(self, person: Person, order: Order) -> None:
        """Write the order's line rows, maybe after a malformed one-line order."""
        rng = self._rng
        if rng.random() < self._malformed_rate:
            bad = Order(
                order.t,
                "woo",
                [LineItem(order.lines[0].product, 1, order.lines[0].price_cents)],
                order.currency,
            )
            self.number_order(bad)
            if rng.random() < 0.5:
                defect, date_created, sign = (
                    "unparseable_date_created",
                    rng.choice(("not-a-date", "31/02/2026 25:61", "2026-13-01T00:00:00+01:00")),
                    1,
                )
            else:
                defect, date_created, sign = "negative_quantity", iso_seconds(order.t, person.zone), -1
            self._append(person, bad, date_created, sign)
            self.malformed += 1
            self._defects.record(self.relative_file, self.records, defect)
        self._append(person, order, iso_seconds(order.t, person.zone), 1)

    def _flush(self) -> None:
        if self._columns["order_id"]:
            self._writer.write_table(
                pa.table(self._columns, schema=WOO_SCHEMA), row_group_size=ROW_GROUP_ROWS
            )
            for values in self._columns.values():
                values.clear()

    def close(self) -> None:
        """Write the last row group and the Parquet footer."""
        self._flush()
        self._writer.close()
