"""The legacy till: `legacy_pos/orders_<chunk>.csv`, one row per order and no line items, from the store's old
point-of-sale system, which a few buyers used in the two years before the web store's history begins.

Columns: receipt number, the customer's email and/or phone (international format: the export has no country),
sale time (UTC), total, currency, refunded amount, status (completed | refunded | voided). The export repeats
a receipt now and then, unchanged (a duplicate, never loaded twice). Defect (an extra receipt, never in the ground
truth orders): `unparseable_sold_at`, a date written the German way.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from demo_store.orders import CURRENCY
from demo_store.persons import Person, exact_phone
from demo_store.timestamps import DAY_SECONDS, START_EPOCH
from demo_store.writers import CsvFile, DefectLog

LEGACY_HEADER = ("receipt_no", "customer_email", "customer_phone", "sold_at", "total", "currency", "refunded",
                 "status")
LEGACY_SOURCE = "legacy_pos"
LEGACY_YEARS_DAYS = 2 * 365
# About 3 % of buyers bought at the old till, 1.6 orders each: about 1 % of the store's orders.
P_LEGACY_BUYER = 0.03
P_ANOTHER_ORDER = 0.4
P_REPEATED_ROW = 0.01


class LegacyPosOrders:
    """One chunk's legacy till export; `write_person` returns the receipt numbers of the person's valid orders."""

    def __init__(
        self, landing_dir: Path, chunk: int, rng: random.Random, malformed_rate: float, defects: DefectLog
    ) -> None:
        self.relative_file = f"{LEGACY_SOURCE}/orders_{chunk:05d}.csv"
        self._file = CsvFile(landing_dir / self.relative_file, LEGACY_HEADER)
        self._chunk = chunk
        self._rng = rng
        self._malformed_rate = malformed_rate
        self._defects = defects
        self._next = 0
        self.records = 0
        self.malformed = 0
        self.duplicates = 0

    def _receipt_no(self) -> str:
        # Letters keep receipt numbers apart from every other store's order ids (ground truth matches on id).
        self._next += 1
        return f"LP-{self._chunk:05d}-{self._next:06d}"

    def _contact(self, person: Person) -> tuple[str, str]:
        """The customer's email (as typed at the till) and/or phone, at least one of them, each noted as written."""
        rng = self._rng
        email = ""
        if person.email and (not person.phone_national or rng.random() < 0.8):
            email = person.email if rng.random() < 0.85 else person.email.upper()
            person.note_identifier("email", email)
        phone = ""
        if person.phone_national and (not email or rng.random() < 0.3):
            phone = exact_phone(person, rng, national=False)
        return email, phone

    def _write(self, row: list[str]) -> None:
        self._file.write_row(row)
        self.records += 1

    def write_person(self, person: Person) -> list[str]:
        """Write the person's legacy receipts, if they were a customer of the old till; return the valid ones'
        numbers."""
        rng = self._rng
        if not person.buyer or not (person.email or person.phone_national) or rng.random() >= P_LEGACY_BUYER:
            return []
        count = 1
        while count < 6 and rng.random() < P_ANOTHER_ORDER:
            count += 1
        times = sorted(START_EPOCH - rng.uniform(1, LEGACY_YEARS_DAYS) * DAY_SECONDS for _ in range(count))
        receipts = []
        for t in times:
            email, phone = self._contact(person)
            if rng.random() < self._malformed_rate:
                sold = datetime.fromtimestamp(t, UTC).strftime("%d.%m.%Y %H:%M")
                self._write([self._receipt_no(), email, phone, sold, "12.00", CURRENCY[person.country], "0",
                             "completed"])
                self.malformed += 1
                self._defects.record(self.relative_file, self.records + 1, "unparseable_sold_at")
            row = self._receipt(person, t, email, phone)
            self._write(row)
            receipts.append(row[0])
            if rng.random() < P_REPEATED_ROW:
                self._write(row)
                self.duplicates += 1
        return receipts

    def _receipt(self, person: Person, t: float, email: str, phone: str) -> list[str]:
        rng = self._rng
        total_cents = rng.randint(800, 15_000)
        draw = rng.random()
        status, refund_cents = "completed", 0
        if draw < 0.02:
            status = "voided"
        elif draw < 0.05:
            status, refund_cents = "refunded", total_cents
        elif draw < 0.08:
            refund_cents = rng.randint(1, total_cents - 1)
        sold_at = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return [self._receipt_no(), email, phone, sold_at, f"{total_cents / 100:.2f}", CURRENCY[person.country],
                f"{refund_cents / 100:.2f}", status]

    def close(self) -> None:
        """Close the file."""
        self._file.close()
