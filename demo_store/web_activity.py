"""Web and app activity: devices, identification (identify / alias), browsing sessions and order events.

A person browses anonymously first, on one to three devices. Account holders identify on their first device
when they sign up or first check out (an `identify` with userId + anonymousId, or an `alias`), and on later
devices when they log in there. Known persons without an account identify with traits only (no userId: a
newsletter sign-up, a guest checkout) on each device. A device that never identifies cannot be tied to its
person by any data, so it stays rare: `P_DEVICE_NEVER_IDENTIFIES` of the devices of known web persons (before
the as-of date); the ground truth still lists such a device under its person. Hostile incidents (hostile.py) add
a placeholder userId on a device, and a device chain member's identify on another member's device.
"""

from __future__ import annotations

import json
import random

from demo_store.catalog import Catalog
from demo_store.orders import STATUS_VOIDED, Order
from demo_store.persons import Person, birthday_iso, exact_phone, written_email, written_phone
from demo_store.segment_lines import BACKEND_CONTEXT, NEVER, Device, SegmentLines
from demo_store.timestamps import AS_OF_EPOCH

_DAY = 86400.0
P_DEVICE_NEVER_IDENTIFIES = 0.03
_SESSION_PAGES = (("Home", "/"), ("Search", "/search"), ("Sale", "/collections/sale"))


def plan_devices(person: Person, rng: random.Random) -> list[Device]:
    """The person's devices: the first starts at `first_seen`, others later; app users get an app install."""
    draw = rng.random()
    count = 1 if draw < 0.6 or not person.is_known else 2 if draw < 0.9 else 3
    span = max(1.0, AS_OF_EPOCH - person.first_seen)
    devices = [Device(rng, person, person.first_seen, False)]
    for _ in range(count - 1):
        devices.append(Device(rng, person, person.first_seen + rng.random() * span, False))
    if person.app_user:
        devices.append(Device(rng, person, person.first_seen + rng.random() * span, True))
    return devices


def _traits(person: Person, rng: random.Random, full: bool) -> str:
    traits: dict[str, object] = {"email": written_email(person, rng)}
    if not full:
        return json.dumps(traits, ensure_ascii=False, separators=(",", ":"))
    with_address = rng.random() < 0.4
    # A device chain's member gives their phone on their account (autofilled, as +1...), so the chain reaches
    # their user id.
    if person.device_chain is not None:
        traits["phone"] = exact_phone(person, rng, national=False)
    elif rng.random() < 0.5:
        traits["phone"] = written_phone(person, rng, country_on_record=with_address)
    if rng.random() < 0.7:
        traits["firstName"] = person.first_name
        traits["lastName"] = person.last_name
    if with_address:
        place = person.place
        traits["address"] = {
            "city": place.city,
            "state": rng.choice(place.state_variants),
            "country": person.country,
            "postalCode": _postal_code(person),
        }
    if rng.random() < 0.2:
        traits["birthday"] = birthday_iso(person)
    return json.dumps(traits, ensure_ascii=False, separators=(",", ":"))


def _postal_code(person: Person) -> str:
    digits = 5 - len(person.place.zip_prefix)
    return f"{person.place.zip_prefix}{person.pid % (10**digits):0{digits}d}"


def identify_devices(
    person: Person, rng: random.Random, devices: list[Device], orders: list[Order], out: SegmentLines
) -> float:
    """Emit identify/alias calls and set each device's `identified_at`; returns when the account was made."""
    first = devices[0]
    web_orders = [order.t for order in orders if order.channel == "web"]
    if not person.has_account or not person.is_web:
        if not (person.is_known and person.is_web):
            return NEVER
        for device in devices:
            if rng.random() < P_DEVICE_NEVER_IDENTIFIES:
                continue
            later_orders = [t for t in web_orders if t >= device.start]
            when = (
                later_orders[0] - 30
                if later_orders
                else device.start + rng.random() * max(1.0, AS_OF_EPOCH - device.start)
            )
            if when < AS_OF_EPOCH:
                out.identify(device, max(device.start, when), _traits(person, rng, full=False), with_user_id=False)
        return NEVER
    if web_orders:
        signed_up = max(first.start + 1, web_orders[0] - rng.uniform(60, 600))
    else:
        signed_up = first.start + rng.expovariate(1 / (20 * _DAY))
        if signed_up >= AS_OF_EPOCH:
            signed_up = first.start + (AS_OF_EPOCH - first.start) * rng.random()
    first.identified_at = signed_up
    if rng.random() < 0.8:
        out.identify(first, signed_up, _traits(person, rng, full=True), with_user_id=True)
    else:
        out.alias(first, signed_up)
        if rng.random() < 0.5:
            out.identify(None, signed_up + 1, _traits(person, rng, full=True), with_user_id=True)
    for device in devices[1:]:
        if rng.random() >= P_DEVICE_NEVER_IDENTIFIES:
            device.identified_at = max(device.start, signed_up) + rng.uniform(60, 3 * _DAY)
            if device.identified_at < AS_OF_EPOCH:
                out.identify(
                    device, device.identified_at, _traits(person, rng, full=False), with_user_id=True
                )
    return signed_up


def hostile_device_calls(person: Person, rng: random.Random, devices: list[Device], out: SegmentLines) -> None:
    """A placeholder userId on the person's first device; a device chain member's one identify, with their
    second email and no userId, on the previous member's device (hostile.py)."""
    if person.placeholder_user_id:
        devices[0].placeholder_user_id = person.placeholder_user_id
    borrowed = person.device_chain.last_device if person.device_chain is not None else None
    if borrowed is not None and person.crm_email:
        start = max(borrowed.start, person.first_seen)
        when = start + rng.random() * max(1.0, AS_OF_EPOCH - start)
        if when < AS_OF_EPOCH:
            traits = json.dumps({"email": person.crm_email}, separators=(",", ":"))
            out.identify(borrowed, when, traits, with_user_id=False)
            person.note_identifier("email", person.crm_email)
            person.note_hostile("email", person.crm_email)
            person.note_hostile("anonymous_id", borrowed.anonymous_id)


def note_hostile_devices(person: Person, devices: list[Device], account_since: float) -> None:
    """After the person's events: the placeholder their device sent, and a chain member's user id and first
    device (the next member borrows it)."""
    if devices[0].sent_placeholder:
        person.note_hostile("user_id", devices[0].placeholder_user_id)
    chain = person.device_chain
    if chain is not None and account_since < NEVER:
        person.note_hostile("user_id", person.shopify_customer_id)
        chain.last_device = devices[0]


def _device_at(devices: list[Device], rng: random.Random, t: float, identified: bool) -> Device:
    usable = [d for d in devices if d.start <= t and (not identified or d.identified_at <= t)]
    return rng.choice(usable) if usable else devices[0]


def _products_json(order: Order) -> str:
    return ",".join(
        f'{{{line.product.event_fields},"price":{line.price_cents / 100:.2f},"quantity":{line.quantity}}}'
        for line in order.lines
    )


def order_events(
    person: Person,
    rng: random.Random,
    devices: list[Device],
    orders: list[Order],
    out: SegmentLines,
    with_product_views: bool,
) -> None:
    """Checkout sessions ending in `Order Completed` for web orders, then refunds and cancellations."""
    for order in orders:
        if order.channel != "web":
            continue
        currency = order.currency
        order_id = order.shopify_id
        products = _products_json(order)
        total = order.total_cents / 100
        device = _device_at(devices, rng, order.t, identified=order.attached)
        if order.subscription_tag == "Subscription Recurring Order":
            # Recurring charges happen in the backend: no browsing, a server-side Order Completed.
            out.server_track(
                order.t,
                "Order Completed",
                (
                    f'{{"order_id":"{order_id}","total":{total:.2f},"revenue":{total:.2f},'
                    f'"currency":"{currency}","products":[{products}]}}'
                ),
                BACKEND_CONTEXT,
            )
        else:
            start = order.t - rng.uniform(120, 1800)
            first_line = order.lines[0].product
            out.page(device, start, "Product", f"/products/{first_line.sku.lower()}")
            for index, line in enumerate(order.lines):
                product = line.product
                if with_product_views:
                    out.device_track(
                        device,
                        start + 20 * index + 5,
                        "Product Viewed",
                        f'{{{product.event_fields},"price":{product.price_text}}}',
                    )
                out.device_track(
                    device,
                    start + 20 * index + 15,
                    "Product Added",
                    (
                        f'{{{product.event_fields},"price":{line.price_cents / 100:.2f},'
                        f'"quantity":{line.quantity}}}'
                    ),
                )
            subtotal = order.subtotal_cents / 100
            out.device_track(
                device,
                order.t - 45,
                "Checkout Started",
                f'{{"value":{subtotal:.2f},"currency":"{currency}","products":[{products}]}}',
            )
            revenue = (order.subtotal_cents - order.discount_cents) / 100
            coupon = f',"coupon":"{order.discount_code}"' if order.discount_code else ""
            out.device_track(
                device,
                order.t,
                "Order Completed",
                (
                    f'{{"order_id":"{order_id}","total":{total:.2f},"revenue":{revenue:.2f},'
                    f'"shipping":{order.shipping_cents / 100:.2f},"tax":{order.tax_cents / 100:.2f},'
                    f'"discount":{order.discount_cents / 100:.2f}{coupon},"currency":"{currency}",'
                    f'"products":[{products}]}}'
                ),
            )
        _after_order_events(order, device, out)


def _after_order_events(order: Order, device: Device, out: SegmentLines) -> None:
    if order.refund_t:
        event, t = "Order Refunded", order.refund_t
        properties = (
            f'{{"order_id":"{order.shopify_id}","total":{order.refund_cents / 100:.2f},'
            f'"currency":"{order.currency}"}}'
        )
    elif order.status == STATUS_VOIDED:
        event, t = "Order Cancelled", order.cancel_t
        properties = f'{{"order_id":"{order.shopify_id}","reason":"customer"}}'
    else:
        return
    if order.attached:
        out.server_track(t, event, properties, BACKEND_CONTEXT)
    else:
        out.anonymous_track(device, t, event, properties)


def browse_sessions(
    person: Person,
    rng: random.Random,
    catalog: Catalog,
    devices: list[Device],
    out: SegmentLines,
    event_budget: int,
    window: tuple[float, float],
) -> list[float]:
    """Browsing sessions (pages, product views, cart adds) until `event_budget` events; returns the times
    of abandoned checkouts (for the abandoned-checkout flow)."""
    abandoned: list[float] = []
    start, end = window
    made = 0
    favorites = person.favorite_categories
    while made < event_budget:
        t = start + rng.random() * (end - start)
        device = _device_at(devices, rng, t, identified=False)
        t = max(t, device.start)
        name, path = rng.choice(_SESSION_PAGES)
        out.page(device, t, name, path)
        made += 1
        added = None
        for _ in range(1 + (rng.random() < 0.4)):
            category = (
                rng.choice(favorites) if favorites and rng.random() < 0.6 else catalog.pick_category(rng)
            )
            product = catalog.pick_product(rng, category)
            t += rng.uniform(5, 90)
            out.device_track(
                device, t, "Product Viewed", f'{{{product.event_fields},"price":{product.price_text}}}'
            )
            made += 1
            if rng.random() < 0.2:
                added = product
                t += rng.uniform(5, 60)
                out.device_track(
                    device,
                    t,
                    "Product Added",
                    f'{{{product.event_fields},"price":{product.price_text},"quantity":1}}',
                )
                made += 1
        if added is not None and rng.random() < 0.3:
            t += rng.uniform(20, 300)
            out.device_track(
                device,
                t,
                "Checkout Started",
                (
                    f'{{"value":{added.price_text},"currency":"{"USD" if person.country == "US" else "EUR"}",'
                    f'"products":[{{{added.event_fields},"price":{added.price_text},"quantity":1}}]}}'
                ),
            )
            abandoned.append(t)
            made += 1
    return abandoned
