"""A person's orders over the store's history: a BG/NBD purchase process plus subscriptions.

After the first purchase, each purchase is followed by dropout with the person's probability `p` (beta
distributed across people); while alive, purchases arrive as a Poisson process with the person's rate (gamma
distributed). Subscribers add a coffee order every ~30 days until they cancel. Orders go to the web shop, the
till (POS) or the WooCommerce store; a few are $0 gifts, refunded, partially refunded or cancelled.
"""

from __future__ import annotations

import random

from demo_store.catalog import Catalog, Product
from demo_store.persons import Person
from demo_store.timestamps import AS_OF_EPOCH

CHANNELS = ("web", "pos", "woo")
MAX_ORDERS_PER_PERSON = 80
STATUS_PAID = "paid"
STATUS_REFUNDED = "refunded"
STATUS_PARTIALLY_REFUNDED = "partially_refunded"
STATUS_VOIDED = "voided"
STATUS_PENDING = "pending"
TAX_RATE = {"US": 0.08, "DE": 0.19}
CURRENCY = {"US": "USD", "DE": "EUR"}
_YEAR_SECONDS = 365.0 * 86400
_DAY = 86400.0


class LineItem:
    """One line of an order: a product, a quantity and the unit price charged (0 for gifts and samples)."""

    __slots__ = ("product", "quantity", "price_cents")

    def __init__(self, product: Product, quantity: int, price_cents: int) -> None:
        self.product = product
        self.quantity = quantity
        self.price_cents = price_cents


class Order:
    """One order as planned; source ids (`shopify_id`, `woo_id`) are given when a writer numbers it."""

    __slots__ = (
        "t",
        "channel",
        "lines",
        "discount_code",
        "discount_cents",
        "shipping_cents",
        "tax_cents",
        "status",
        "refund_cents",
        "refund_t",
        "cancel_t",
        "subscription_tag",
        "attached",
        "currency",
        "shopify_id",
        "shopify_name",
        "woo_id",
        "subtotal_cents",
        "total_cents",
    )

    def __init__(self, t: float, channel: str, lines: list[LineItem], currency: str) -> None:
        self.t = t
        self.channel = channel
        self.lines = lines
        self.currency = currency
        self.discount_code = ""
        self.discount_cents = 0
        self.shipping_cents = 0
        self.tax_cents = 0
        self.status = STATUS_PAID
        self.refund_cents = 0
        self.refund_t = 0.0
        self.cancel_t = 0.0
        self.subscription_tag = ""
        self.attached = False
        self.shopify_id = 0
        self.shopify_name = ""
        self.woo_id = 0
        self.subtotal_cents = 0
        self.total_cents = 0
        self.recount()

    def recount(self) -> None:
        """Recompute the subtotal (unit price times quantity over the lines) and the total (subtotal minus
        discount plus shipping and taxes); call after changing lines, discount, shipping or taxes."""
        self.subtotal_cents = sum(line.price_cents * line.quantity for line in self.lines)
        self.total_cents = self.subtotal_cents - self.discount_cents + self.shipping_cents + self.tax_cents


def _quantity(rng: random.Random) -> int:
    draw = rng.random()
    return 1 if draw < 0.8 else 2 if draw < 0.95 else 3


def _draw_lines(person: Person, rng: random.Random, catalog: Catalog) -> list[LineItem]:
    products: list[Product] = []
    count = 1
    while count < 5 and rng.random() < 0.4:
        count += 1
    for index in range(count):
        if index == 0 and person.staple is not None and rng.random() < 0.6:
            product = person.staple
        elif person.favorite_categories and rng.random() < 0.7:
            product = catalog.pick_product(rng, rng.choice(person.favorite_categories))
        else:
            product = catalog.pick_product(rng, catalog.pick_category(rng))
        products.append(product)
        pair = product.category.pairs_with
        if pair and pair in catalog.by_category and rng.random() < product.category.pair_rate:
            products.append(catalog.pick_product(rng, pair))
    unique = list(dict.fromkeys(products))
    return [LineItem(product, _quantity(rng), product.price_cents) for product in unique]


def _price_order(order: Order, person: Person, rng: random.Random, catalog: Catalog, first: bool) -> None:
    draw = rng.random()
    if draw < 0.01:
        for line in order.lines:
            line.price_cents = 0
        order.discount_code = "GIFT100"  # a $0 gift order
    elif draw < 0.13:
        percent = 10 if first else rng.choice((15, 20, 10))
        order.discount_code = {10: "WELCOME10" if first else "HUB10", 15: "SPRING15", 20: "VIP20"}[percent]
        order.discount_cents = order.subtotal_cents * percent // 100
    elif draw < 0.16:
        sample = catalog.pick_product(rng, catalog.pick_category(rng))
        if all(line.product is not sample for line in order.lines):
            order.lines.append(LineItem(sample, 1, 0))  # a free sample line at price 0
    order.recount()
    subtotal = order.subtotal_cents
    if order.channel != "pos" and 0 < subtotal < 5000:
        order.shipping_cents = 499 if person.country == "US" else 490
    order.tax_cents = round((subtotal - order.discount_cents) * TAX_RATE[person.country])
    order.recount()


def _settle_order(order: Order, rng: random.Random) -> None:
    draw = rng.random()
    total = order.total_cents
    if total == 0:
        return
    if draw < 0.02:
        order.status = STATUS_VOIDED
        order.cancel_t = order.t + rng.uniform(1800, 2 * _DAY)
        return
    refund_t = order.t + rng.uniform(3 * _DAY, 25 * _DAY)
    if draw < 0.09 and refund_t < AS_OF_EPOCH:
        order.refund_t = refund_t
        if draw < 0.06:
            order.status = STATUS_REFUNDED
            order.refund_cents = total
        else:
            order.status = STATUS_PARTIALLY_REFUNDED
            line = order.lines[-1]
            order.refund_cents = max(1, min(total - 1, line.price_cents or total // 2))
    elif draw < 0.10 and AS_OF_EPOCH - order.t < 3 * _DAY:
        order.status = STATUS_PENDING


def _new_order(
    person: Person, rng: random.Random, catalog: Catalog, t: float, channel: str, first: bool
) -> Order:
    order = Order(t, channel, _draw_lines(person, rng, catalog), CURRENCY[person.country])
    _price_order(order, person, rng, catalog, first)
    _settle_order(order, rng)
    if channel == "web":
        order.attached = person.has_account
    elif channel == "pos":
        order.attached = person.has_account and rng.random() < 0.6
    else:
        order.attached = person.woo_customer_id != 0
    return order


def _subscription_orders(person: Person, rng: random.Random, catalog: Catalog, start: float) -> list[Order]:
    staple = person.staple
    assert staple is not None
    interval = (staple.category.repeat_days or 30) * _DAY
    months = 1 + int(rng.expovariate(1 / 8))
    orders = []
    t = start
    for index in range(months):
        if t >= AS_OF_EPOCH:
            break
        order = Order(t, "web", [LineItem(staple, 1, staple.price_cents)], CURRENCY[person.country])
        order.tax_cents = round(staple.price_cents * TAX_RATE[person.country])
        order.recount()
        order.attached = True
        order.subscription_tag = "Subscription First Order" if index == 0 else "Subscription Recurring Order"
        orders.append(order)
        t += interval + rng.uniform(-2 * _DAY, 2 * _DAY)
    return orders


def plan_orders(person: Person, rng: random.Random, catalog: Catalog) -> tuple[list[Order], bool]:
    """The person's orders sorted by time, and whether they are still alive (not dropped out) at `AS_OF`."""
    if not person.buyer:
        return [], True
    orders: list[Order] = []
    weights = person.channel_weights
    rate_per_second = max(person.orders_per_year, 1e-3) / _YEAR_SECONDS
    t = person.first_seen + rng.expovariate(1 / (7 * _DAY))
    alive = True
    while t < AS_OF_EPOCH and len(orders) < MAX_ORDERS_PER_PERSON:
        channel = rng.choices(CHANNELS, weights)[0]
        orders.append(_new_order(person, rng, catalog, t, channel, first=not orders))
        if rng.random() < person.dropout_probability:
            alive = False
            break
        t += rng.expovariate(rate_per_second)
    if person.subscriber:
        start = person.first_seen + rng.uniform(_DAY, 400 * _DAY)
        orders.extend(_subscription_orders(person, rng, catalog, start))
        orders.sort(key=lambda order: order.t)
    return orders, alive
