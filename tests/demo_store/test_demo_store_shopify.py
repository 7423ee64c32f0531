"""The demo store's Shopify export writes values as Shopify's own export does."""

from __future__ import annotations

import csv
from pathlib import Path

from demo_store import generate_store


def test_zips_carry_the_leading_apostrophe_of_shopify_s_export(tmp_path: Path) -> None:
    generate_store(tmp_path, 300, seed=7, malformed_rate=0.0, persons_per_chunk=300, workers=1)
    zips = [
        row[column]
        for path in sorted((tmp_path / "landing" / "shopify").glob("*.csv"))
        for row in csv.DictReader(path.open(encoding="utf-8", newline=""))
        for column in ("Billing Zip", "Shipping Zip")
        if row[column]
    ]
    assert len(zips) > 100
    # The demo's zips are all digits (five, US and German), each written `'02134` as Shopify writes them.
    assert all(len(value) == 6 and value[0] == "'" and value[1:].isdigit() for value in zips), zips[:5]
