"""Shopify admin "Export orders" CSV, one row per line item, for web and point-of-sale orders.

As in the real export, order-level columns are filled on the first line of an order only; later lines carry
`Name` and the line-item columns (`Lineitem *`, `Vendor`, `Lineitem discount`). The export has no customer
id column, so orders of registered customers carry `customer_id: shopify_c_...` in `Note Attributes`.
Timestamps are written `2026-03-07 09:50:26 +0100`; zips, which could pass for numbers, with the leading
apostrophe Shopify puts before them so that a spreadsheet keeps their zeros (`'02134`). A POS sale to a guest (no
customer attached) mostly takes an email or a phone for the receipt; about 5% take neither (a cash sale, no
receipt), and no data can tie those to their buyer, whom the ground truth still names. Defects (extra one-line
orders, never in the ground truth orders): `unparseable_created_at`, `non_numeric_price`, `non_numeric_quantity`.
"""

from __future__ import annotations

import random
from pathlib import Path

from demo_store.orders import (
    STATUS_PAID,
    STATUS_PENDING,
    STATUS_VOIDED,
    LineItem,
    Order,
)
from demo_store.persons import CONSENT_SUBSCRIBED, Person, written_email, written_phone
from demo_store.timestamps import AS_OF_EPOCH, shopify_time
from demo_store.writers import CsvFile, DefectLog

P_POS_GUEST_EMAIL = 0.8
P_POS_GUEST_PHONE = 0.9  # of POS guest sales without an email
SHOPIFY_HEADER_LINE = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,"
    "Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,"
    "Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,"
    "Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,"
    "Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,"
    "Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,"
    "Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,"
    "Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,"
    "Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,"
    "Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,"
    "Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,"
    "Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
)
SHOPIFY_HEADER = tuple(SHOPIFY_HEADER_LINE.split(","))
SHOPIFY_ID_BASE = 6_000_000_000_000
ORDERS_PER_CHUNK_LIMIT = 2_000_000
_COLUMN = {name: index for index, name in enumerate(SHOPIFY_HEADER)}
_POS_LOCATIONS = {
    "US": ("San Francisco Union Square", "New York SoHo"),
    "DE": ("Berlin Mitte", "München Maxvorstadt"),
}
_EMPLOYEES = ("Anna K.", "Ben T.", "Carla M.", "Deniz Y.", "Erik S.")
_TAX_NAME = {"USD": "US Sales Tax 8%", "EUR": "DE MwSt 19%"}


def _money(cents: int) -> str:
    return f"{cents / 100:.2f}"


def _line_cells(row: list[str], line: LineItem, fulfilled: bool, rng: random.Random) -> None:
    product = line.product
    row[_COLUMN["Lineitem quantity"]] = str(line.quantity)
    row[_COLUMN["Lineitem name"]] = product.title
    row[_COLUMN["Lineitem price"]] = _money(line.price_cents)
    row[_COLUMN["Lineitem compare at price"]] = (
        _money(line.price_cents * 6 // 5) if rng.random() < 0.1 else ""
    )
    row[_COLUMN["Lineitem sku"]] = product.sku
    row[_COLUMN["Lineitem requires shipping"]] = "true" if product.category.requires_shipping else "false"
    row[_COLUMN["Lineitem taxable"]] = "true"
    row[_COLUMN["Lineitem fulfillment status"]] = "fulfilled" if fulfilled else "pending"
    row[_COLUMN["Vendor"]] = product.vendor
    row[_COLUMN["Lineitem discount"]] = "0.00"


class ShopifyExport:
    """One `orders_export_<chunk>.csv`; numbers web and POS orders (`Name`, `Id`) uniquely across chunks."""

    def __init__(
        self, landing_dir: Path, chunk: int, rng: random.Random, malformed_rate: float, defects: DefectLog
    ) -> None:
        self.relative_file = f"shopify/orders_export_{chunk:05d}.csv"
        self._file = CsvFile(landing_dir / self.relative_file, SHOPIFY_HEADER)
        self._chunk = chunk
        self._next = 0
        self._rng = rng
        self._malformed_rate = malformed_rate
        self._defects = defects
        self.records = 0
        self.malformed = 0

    def number_order(self, order: Order) -> None:
        """Give the order its Shopify `Id` and `Name` (`#1001` style)."""
        if self._next >= ORDERS_PER_CHUNK_LIMIT:
            raise ValueError(f"chunk {self._chunk}: more than {ORDERS_PER_CHUNK_LIMIT} Shopify orders")
        sequence = self._chunk * ORDERS_PER_CHUNK_LIMIT + self._next
        self._next += 1
        order.shopify_id = SHOPIFY_ID_BASE + sequence
        order.shopify_name = f"#{1001 + sequence}"

    def _first_row(self, person: Person, order: Order) -> list[str]:
        rng = self._rng
        row = [""] * len(SHOPIFY_HEADER)
        row[_COLUMN["Name"]] = order.shopify_name
        web = order.channel == "web"
        zone = person.zone
        if web or (order.attached and rng.random() < 0.8) or rng.random() < P_POS_GUEST_EMAIL:
            row[_COLUMN["Email"]] = written_email(person, rng)
        paid_t = order.t + rng.uniform(1, 30)
        if order.status not in (STATUS_PENDING, STATUS_VOIDED):
            row[_COLUMN["Paid at"]] = shopify_time(paid_t, zone)
        fulfilled = order.status != STATUS_VOIDED and (not web or order.t < AS_OF_EPOCH - 3 * 86400)
        row[_COLUMN["Financial Status"]] = order.status
        row[_COLUMN["Fulfillment Status"]] = "fulfilled" if fulfilled else "unfulfilled"
        if fulfilled:
            handling = rng.uniform(3600, 3 * 86400) if web else 5.0
            row[_COLUMN["Fulfilled at"]] = shopify_time(paid_t + handling, zone)
        row[_COLUMN["Accepts Marketing"]] = "yes" if person.email_consent == CONSENT_SUBSCRIBED else "no"
        row[_COLUMN["Currency"]] = order.currency
        row[_COLUMN["Subtotal"]] = _money(order.subtotal_cents)
        row[_COLUMN["Shipping"]] = _money(order.shipping_cents)
        row[_COLUMN["Taxes"]] = _money(order.tax_cents)
        row[_COLUMN["Total"]] = _money(order.total_cents)
        row[_COLUMN["Discount Code"]] = order.discount_code
        row[_COLUMN["Discount Amount"]] = _money(order.discount_cents)
        row[_COLUMN["Created at"]] = shopify_time(order.t, zone)
        if web:
            self._address_cells(row, person, rng)
            row[_COLUMN["Shipping Method"]] = "Express" if rng.random() < 0.15 else "Standard Shipping"
            row[_COLUMN["Payment Method"]] = (
                "PayPal Express Checkout" if rng.random() < 0.25 else "Shopify Payments"
            )
        else:
            if order.attached:
                row[_COLUMN["Billing Name"]] = f"{person.first_name} {person.last_name}"
            row[_COLUMN["Payment Method"]] = "Cash" if rng.random() < 0.3 else "Shopify Payments"
            row[_COLUMN["Location"]] = rng.choice(_POS_LOCATIONS[person.country])
            row[_COLUMN["Employee"]] = rng.choice(_EMPLOYEES)
            row[_COLUMN["Device ID"]] = str(100_000 + rng.randint(1, 40))
        pos_phone = P_POS_GUEST_PHONE if not order.attached else 0.6
        if (not web and not row[_COLUMN["Email"]] and rng.random() < pos_phone) or (web and rng.random() < 0.3):
            row[_COLUMN["Phone"]] = written_phone(person, rng, country_on_record=web)
        if order.attached:
            row[_COLUMN["Note Attributes"]] = f"customer_id: {person.shopify_customer_id}"
            person.note_identifier("shopify_customer_id", person.shopify_customer_id)
        if order.status == STATUS_VOIDED:
            row[_COLUMN["Cancelled at"]] = shopify_time(order.cancel_t, zone)
        reference = f"c{order.shopify_id % 10**11}.1"
        row[_COLUMN["Payment Reference"]] = reference
        row[_COLUMN["Payment References"]] = reference
        row[_COLUMN["Payment ID"]] = reference
        row[_COLUMN["Refunded Amount"]] = _money(order.refund_cents)
        row[_COLUMN["Outstanding Balance"]] = "0.00"
        row[_COLUMN["Id"]] = str(order.shopify_id)
        tags = [order.subscription_tag] if order.subscription_tag else []
        if order.discount_code == "GIFT100":
            tags.append("gift")
        row[_COLUMN["Tags"]] = ", ".join(tags)
        row[_COLUMN["Risk Level"]] = "Low"
        row[_COLUMN["Source"]] = order.channel
        row[_COLUMN["Tax 1 Name"]] = _TAX_NAME[order.currency]
        row[_COLUMN["Tax 1 Value"]] = _money(order.tax_cents)
        return row

    def _address_cells(self, row: list[str], person: Person, rng: random.Random) -> None:
        place = person.place
        name = f"{person.first_name} {person.last_name}"
        zip_digits = 5 - len(place.zip_prefix)
        postal = f"{place.zip_prefix}{person.pid % (10**zip_digits):0{zip_digits}d}"
        written_postal = f"'{postal}" if postal.isdigit() else postal
        phone = written_phone(person, rng, country_on_record=True) if rng.random() < 0.4 else ""
        for side in ("Billing", "Shipping"):
            row[_COLUMN[f"{side} Name"]] = name
            row[_COLUMN[f"{side} Street"]] = f"{person.street} {person.address2}".strip()
            row[_COLUMN[f"{side} Address1"]] = person.street
            row[_COLUMN[f"{side} Address2"]] = person.address2
            row[_COLUMN[f"{side} City"]] = place.city
            row[_COLUMN[f"{side} Zip"]] = written_postal
            row[_COLUMN[f"{side} Province"]] = place.state_code
            row[_COLUMN[f"{side} Country"]] = person.country
            row[_COLUMN[f"{side} Phone"]] = phone
            row[_COLUMN[f"{side} Province Name"]] = place.state_name

    def _write_malformed_order(self, person: Person, order: Order) -> None:
        rng = self._rng
        bad = Order(
            order.t,
            order.channel,
            [LineItem(order.lines[0].product, 1, order.lines[0].price_cents)],
            order.currency,
        )
        bad.status = STATUS_PAID
        self.number_order(bad)
        row = self._first_row(person, bad)
        _line_cells(row, bad.lines[0], True, rng)
        defect = rng.choice(("unparseable_created_at", "non_numeric_price", "non_numeric_quantity"))
        if defect == "unparseable_created_at":
            row[_COLUMN["Created at"]] = rng.choice(("not-a-date", "2026-13-45 25:61:00 +0100", "yesterday"))
        elif defect == "non_numeric_price":
            row[_COLUMN["Lineitem price"]] = rng.choice(("12,99 €", "N/A", "twelve"))
        else:
            row[_COLUMN["Lineitem quantity"]] = rng.choice(("two", "1 pc", "x"))
        self._file.write_row(row)
        self.records += 1
        self.malformed += 1
        self._defects.record(self.relative_file, self.records + 1, defect)

    def write_order(self, person: Person, order: Order) -> None:
        """Write the order's rows (order-level cells on the first row only), maybe after a malformed order."""
        if self._rng.random() < self._malformed_rate:
            self._write_malformed_order(person, order)
        fulfilled = order.status != STATUS_VOIDED
        row = self._first_row(person, order)
        for index, line in enumerate(order.lines):
            if index > 0:
                row = [""] * len(SHOPIFY_HEADER)
                row[_COLUMN["Name"]] = order.shopify_name
            _line_cells(row, line, fulfilled, self._rng)
            self._file.write_row(row)
        self.records += len(order.lines)

    def close(self) -> None:
        """Close the CSV file."""
        self._file.close()
