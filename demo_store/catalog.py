"""The product catalog: categories with repeat-purchase rhythms and bought-together pairs.

Consumables (coffee every ~30 days, filters, tea, skincare) come back in a buyer's orders; shoes rarely do but
pull socks into the basket. Written as `catalog/products.jsonl`, one product per line.
"""

from __future__ import annotations

import bisect
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

CATALOG_CURRENCY = "USD"
MIN_PRODUCTS = 200
MAX_PRODUCTS = 5_000


@dataclass(frozen=True, slots=True)
class Category:
    """A product category; `repeat_days` is the typical re-buy interval (None: not re-bought)."""

    name: str
    code: str
    weight: float
    repeat_days: int | None
    price_range_cents: tuple[int, int]
    nouns: tuple[str, ...]
    vendors: tuple[str, ...]
    pairs_with: str | None = None
    pair_rate: float = 0.0
    requires_shipping: bool = True


CATEGORIES = (
    Category(
        "coffee",
        "COF",
        3.0,
        30,
        (900, 2400),
        ("Espresso Beans", "Filter Roast", "Decaf Blend", "Single Origin Beans", "Cold Brew Pack"),
        ("Bean & Co", "Roastery North"),
        "coffee filters",
        0.3,
    ),
    Category(
        "coffee filters",
        "FIL",
        1.0,
        60,
        (400, 900),
        ("Paper Filters", "Filter Set", "Cloth Filter"),
        ("Bean & Co",),
    ),
    Category(
        "tea",
        "TEA",
        1.5,
        45,
        (600, 1800),
        ("Green Tea", "Earl Grey", "Herbal Blend", "Chai"),
        ("Leaf Society",),
    ),
    Category(
        "skincare",
        "SKN",
        1.5,
        60,
        (1200, 4500),
        ("Face Cream", "Serum", "Cleanser", "Sun Lotion"),
        ("Glow Lab", "Pure Skin"),
    ),
    Category("haircare", "HAI", 1.0, 45, (800, 2200), ("Shampoo", "Conditioner", "Hair Oil"), ("Pure Skin",)),
    Category(
        "socks",
        "SOC",
        1.5,
        120,
        (800, 1800),
        ("Running Socks", "Wool Socks", "Ankle Socks 3-Pack"),
        ("Stride",),
    ),
    Category(
        "shoes",
        "SHO",
        1.2,
        None,
        (6000, 18000),
        ("Runner", "Trail Shoe", "Sneaker", "Loafer", "Boot"),
        ("Stride", "Northfoot"),
        "socks",
        0.5,
    ),
    Category(
        "apparel",
        "APP",
        2.0,
        None,
        (2000, 9000),
        ("T-Shirt", "Hoodie", "Jacket", "Jeans", "Dress"),
        ("Northfoot", "Urban Loom"),
    ),
    Category(
        "accessories",
        "ACC",
        1.0,
        None,
        (1500, 12000),
        ("Backpack", "Cap", "Sunglasses", "Wallet"),
        ("Urban Loom",),
    ),
    Category(
        "home",
        "HOM",
        1.0,
        None,
        (1500, 8000),
        ("Mug", "Candle", "Blanket", "Pour-Over Kettle"),
        ("Hearth",),
        "coffee",
        0.2,
    ),
    Category(
        "gift cards", "GFT", 0.3, None, (2500, 10000), ("Gift Card",), ("Store",), requires_shipping=False
    ),
)
CATEGORY_BY_NAME = {category.name: category for category in CATEGORIES}
_ADJECTIVES = (
    "Classic",
    "Organic",
    "Everyday",
    "Premium",
    "Limited",
    "Nordic",
    "Sunrise",
    "Midnight",
    "Alpine",
    "Coastal",
    "Urban",
    "Wild",
    "Golden",
    "Velvet",
    "Bold",
)


@dataclass(slots=True, eq=False)
class Product:
    """One catalog product; `event_fields` is its Segment properties fragment (no price), rendered once."""

    product_id: str
    sku: str
    title: str
    category: Category
    price_cents: int
    vendor: str
    popularity: float
    event_fields: str = ""
    price_text: str = ""


@dataclass
class Catalog:
    """Products with popularity-weighted pickers per category (the hot path draws from these)."""

    products: list[Product]
    by_category: dict[str, list[Product]] = field(default_factory=dict)
    _cumulative: dict[str, list[float]] = field(default_factory=dict)
    _category_names: list[str] = field(default_factory=list)
    _category_cumulative: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        for product in self.products:
            self.by_category.setdefault(product.category.name, []).append(product)
        for name, products in self.by_category.items():
            self._cumulative[name] = list(accumulate(product.popularity for product in products))
        self._category_names = [c.name for c in CATEGORIES if c.name in self.by_category]
        self._category_cumulative = list(accumulate(CATEGORY_BY_NAME[n].weight for n in self._category_names))

    def pick_category(self, rng: random.Random) -> str:
        """A category name, weighted by how much the store sells of it."""
        cumulative = self._category_cumulative
        return self._category_names[bisect.bisect(cumulative, rng.random() * cumulative[-1])]

    def pick_product(self, rng: random.Random, category: str) -> Product:
        """A product of `category`, weighted by popularity (a few best sellers, a long tail)."""
        cumulative = self._cumulative[category]
        return self.by_category[category][bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def catalog_size(profiles: int) -> int:
    """Number of products for a store of `profiles` people: 200 small, growing to 5,000."""
    return max(MIN_PRODUCTS, min(MAX_PRODUCTS, 200 + profiles // 2_000))


def _price_cents(rng: random.Random, low: int, high: int) -> int:
    whole = rng.randint(low // 100, high // 100)
    return whole * 100 + rng.choice((99, 99, 49, 0, 95))


def build_catalog(products: int, seed: int) -> Catalog:
    """The deterministic catalog of `products` products for `seed`."""
    rng = random.Random(f"demo-store/{seed}/catalog")
    total_weight = sum(category.weight for category in CATEGORIES)
    built: list[Product] = []
    for category in CATEGORIES:
        count = max(3, round(products * category.weight / total_weight))
        for _ in range(count):
            number = len(built) + 1
            if category.name == "gift cards":
                title = f"Gift Card {rng.choice((25, 50, 100))}"
                price = int(title.rsplit(" ", 1)[1]) * 100
            else:
                title = f"{rng.choice(_ADJECTIVES)} {rng.choice(category.nouns)}"
                price = _price_cents(rng, *category.price_range_cents)
            product = Product(
                product_id=f"prod_{number:05d}",
                sku=f"{category.code}-{number:05d}",
                title=title,
                category=category,
                price_cents=price,
                vendor=rng.choice(category.vendors),
                popularity=rng.paretovariate(1.3),
            )
            product.event_fields = (
                f'"product_id":"{product.product_id}","sku":"{product.sku}","name":{json.dumps(title)},'
                f'"category":"{category.name}"'
            )
            product.price_text = f"{price / 100:.2f}"
            built.append(product)
    return Catalog(built)


def write_catalog(
    path: Path,
    catalog: Catalog,
    malformed_rate: float,
    seed: int,
    record_defect: Callable[[int, str], None],
) -> tuple[int, int]:
    """Write `products.jsonl` with a few malformed extra lines; returns (lines, malformed lines).

    Malformed lines are extra products (never ordered): invalid JSON, or a price that is not a number.
    `record_defect(line_number, defect)` is called for each.
    """
    rng = random.Random(f"demo-store/{seed}/catalog-defects")
    path.parent.mkdir(parents=True, exist_ok=True)
    defects_left = 0 if malformed_rate <= 0 else max(2, round(malformed_rate * len(catalog.products)))
    positions = set(rng.sample(range(len(catalog.products)), min(defects_left, len(catalog.products))))
    lines: list[str] = []
    malformed = 0
    extra_number = len(catalog.products) + 90_000
    for index, product in enumerate(catalog.products):
        if index in positions:
            extra_number += 1
            bad = {
                "product_id": f"prod_{extra_number:05d}",
                "sku": f"BAD-{extra_number:05d}",
                "title": "Mystery Item",
                "category": "home",
                "price": 9.99,
                "currency": CATALOG_CURRENCY,
                "vendor": "Hearth",
            }
            if malformed % 2 == 0:
                text = json.dumps(bad)
                lines.append(text[: rng.randint(10, len(text) - 5)])
                record_defect(len(lines), "invalid_json")
            else:
                bad["price"] = rng.choice(("12,99 EUR", "n/a", "free"))
                lines.append(json.dumps(bad))
                record_defect(len(lines), "non_numeric_price")
            malformed += 1
        lines.append(
            json.dumps(
                {
                    "product_id": product.product_id,
                    "sku": product.sku,
                    "title": product.title,
                    "category": product.category.name,
                    "price": round(product.price_cents / 100, 2),
                    "currency": CATALOG_CURRENCY,
                    "vendor": product.vendor,
                }
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines), malformed
