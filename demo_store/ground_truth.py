"""Ground truth for evaluating ingest, identity resolution and models, written per chunk, joined at the end.

- `identities.csv.gz` (`person_id,id_type,id_value`): every identifier value of every person exactly as
  written in the landing files; junk values (`test@test.com`, `n/a`, `000-000-0000`, empty) are not
  identifiers and are left out. Shared family emails are listed under each household member.
- `orders.csv.gz` (`source,order_id,person_id`): every valid order, guest and POS orders included; source
  shopify, woocommerce or legacy_pos (the old till's receipts, legacy_pos.py, which are not in `orders` of
  `persons.csv.gz`: that counts the orders of the purchase process).
- `persons.csv.gz`: one row per person with the hidden truth (household, BG/NBD rate and dropout, alive).
- `malformed.csv.gz` (`file,line,defect`): every deliberately malformed record.
- `hostile.csv.gz` (`attack,incident,id_type,id_value,person_id`): every hostile value written (hostile.py), once
  per person who wrote it: the attack class, the incident (values of one incident were planted together), the
  value exactly as written. A company phone or role address is a shared value: `identities.csv.gz` lists it under
  each person who wrote it, as it does a family email. Made-up emails, fictional or invalid phones and
  placeholders are nobody's identifier and are left out of `identities.csv.gz`, like the junk. A device chain's
  rows are each member's user id, and for every member after the first the second email and the borrowed device
  (which `identities.csv.gz` lists under its owner only: the member who borrowed it typed on it once).
Each chunk writes gzip parts; gzip members concatenate, so joining them is a byte copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from demo_store.orders import Order
from demo_store.persons import Person
from demo_store.writers import GzipText, csv_text, gzip_bytes

IDENTITIES_HEADER = ("person_id", "id_type", "id_value")
ORDERS_HEADER = ("source", "order_id", "person_id")
MALFORMED_HEADER = ("file", "line", "defect")
HOSTILE_HEADER = ("attack", "incident", "id_type", "id_value", "person_id")
PERSONS_HEADER = (
    "person_id",
    "household_id",
    "country",
    "is_known",
    "is_web",
    "has_account",
    "is_buyer",
    "orders_per_year",
    "dropout_probability",
    "is_alive",
    "orders",
    "first_seen_epoch",
    "crm_records",
    "email_consent",
    "sms_consent",
    "push_consent",
    "is_hub_user",
    "is_app_user",
    "is_subscriber",
)
TRUTH_TABLES = {
    "identities": IDENTITIES_HEADER,
    "orders": ORDERS_HEADER,
    "persons": PERSONS_HEADER,
    "malformed": MALFORMED_HEADER,
    "hostile": HOSTILE_HEADER,
}
PARTS_DIR = ".parts"


def part_path(ground_truth_dir: Path, table: str, part: str) -> Path:
    """Where one chunk's (or the catalog's) part of a ground-truth table is written."""
    return ground_truth_dir / PARTS_DIR / f"{table}-{part}.csv.gz"


class ChunkTruth:
    """One chunk's identities, orders, persons and hostile parts (the defect log is a separate `DefectLog`)."""

    def __init__(self, ground_truth_dir: Path, chunk: int) -> None:
        part = f"{chunk:05d}"
        self._files = [
            GzipText(part_path(ground_truth_dir, table, part))
            for table in ("identities", "orders", "persons", "hostile")
        ]
        self._identities, self._orders, self._persons, self._hostile = (file.text for file in self._files)

    def write_person(
        self, person: Person, orders: list[Order], alive: bool, legacy_receipts: Sequence[str] = ()
    ) -> None:
        """Write the person's identifiers, valid orders (with the old till's receipts) and hidden attributes."""
        person_id = person.person_id
        if person.identifiers:
            self._identities.write(
                csv_text([(person_id, id_type, value) for id_type, value in person.identifiers])
            )
        if orders:
            self._orders.write(
                csv_text(
                    [
                        ("woocommerce", str(order.woo_id), person_id)
                        if order.channel == "woo"
                        else ("shopify", str(order.shopify_id), person_id)
                        for order in orders
                    ]
                )
            )
        if legacy_receipts:
            self._orders.write(csv_text([("legacy_pos", receipt, person_id) for receipt in legacy_receipts]))
        if person.hostile_values:
            attack, incident = person.hostile_attack, person.hostile_incident
            self._hostile.write(
                csv_text([(attack, incident, id_type, value, person_id) for id_type, value in person.hostile_values])
            )
        self._persons.write(
            f"{person_id},{person.household_id},{person.country},{person.is_known:d},{person.is_web:d},"
            f"{person.has_account:d},{person.buyer:d},{person.orders_per_year:.4f},"
            f"{person.dropout_probability:.4f},{alive:d},{len(orders)},{int(person.first_seen)},"
            f"{len(person.crm_ids)},{person.email_consent},{person.sms_consent},{person.push_consent},"
            f"{person.hub_user:d},{person.app_user:d},{person.subscriber:d}\n"
        )

    def close(self) -> None:
        """Close the four part files."""
        for file in self._files:
            file.close()


def join_parts(ground_truth_dir: Path, parts: list[str]) -> None:
    """Concatenate each table's parts (in the given order) behind its header; then remove the parts."""
    for table, header in TRUTH_TABLES.items():
        with (ground_truth_dir / f"{table}.csv.gz").open("wb") as target:
            target.write(gzip_bytes(",".join(header) + "\n"))
            for part in parts:
                source = part_path(ground_truth_dir, table, part)
                if source.exists():
                    with source.open("rb") as handle:
                        shutil.copyfileobj(handle, target, 4 * 1024 * 1024)
    shutil.rmtree(ground_truth_dir / PARTS_DIR)
