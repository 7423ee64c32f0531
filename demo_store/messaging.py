"""Consent, campaigns and flows on email, SMS and push, and Customer Hub use (server-side, keyed by userId).

Campaigns go to segments: the weekly newsletter to email subscribers, a fortnightly SMS promo to SMS
subscribers, a push promo every ten days to app users who allowed push. Flows follow behaviour: welcome after
an email opt-in, abandoned checkout an hour after a checkout left open, post-purchase a week after an order,
win-back 120 days after the last order. Opens and clicks follow the person's own open and click rates.
"""

from __future__ import annotations

import bisect
import random

from demo_store.orders import STATUS_PARTIALLY_REFUNDED, STATUS_REFUNDED, Order
from demo_store.persons import CONSENT_NEVER, CONSENT_UNSUBSCRIBED, Person
from demo_store.segment_lines import HUB_CONTEXT, MESSAGING_CONTEXT, SegmentLines
from demo_store.timestamps import AS_OF_EPOCH, START_EPOCH, day_text

_DAY = 86400.0
_HOUR = 3600.0
Window = tuple[float, float]


def _schedule(prefix: str, every_days: int, hour: int) -> tuple[list[float], list[str]]:
    times = [float(START_EPOCH + day * 86400 + hour * 3600) for day in range(5, 3 * 365, every_days)]
    return times, [f"cmp_{prefix}_{day_text(int(t // 86400))}" for t in times]


CAMPAIGNS = {
    "email": _schedule("newsletter", 7, 15),
    "sms": _schedule("sms_promo", 14, 17),
    "push": _schedule("push_promo", 10, 18),
}
_DELIVERED = {"email": "Email Delivered", "sms": "SMS Delivered", "push": "Push Delivered"}
_ENGAGED = {"email": "Email Opened", "sms": "SMS Link Clicked", "push": "Push Opened"}
_HUB_ACTIONS = ("Order Tracked", "Coupon Applied", "Help Clicked", "Chat Started", "Product Added From Hub")


def consent_windows(person: Person, rng: random.Random) -> dict[str, Window]:
    """Per channel, the time the person was subscribed (start, end); only account holders get messages."""
    windows: dict[str, Window] = {}
    if not (person.has_account and person.is_web):
        return windows
    for channel, consent in (
        ("email", person.email_consent),
        ("sms", person.sms_consent),
        ("push", person.push_consent),
    ):
        if consent == CONSENT_NEVER:
            continue
        if consent == CONSENT_UNSUBSCRIBED:
            start = person.first_seen + (person.consent_at - person.first_seen) * rng.random()
            windows[channel] = (start, person.consent_at)
        else:
            windows[channel] = (person.consent_at, float(AS_OF_EPOCH))
    return windows


def _message(
    out: SegmentLines, rng: random.Random, person: Person, channel: str, t: float, source: str
) -> None:
    """One message's events: delivered (or bounced), maybe opened or clicked."""
    properties = f'"channel":"{channel}",{source},"message_id":"msg_{rng.getrandbits(64):016x}"'
    if channel == "email" and rng.random() < 0.015:
        out.server_track(t + 5, "Email Bounced", f"{{{properties}}}", MESSAGING_CONTEXT)
        return
    delivered = t + rng.uniform(1, 120)
    out.server_track(delivered, _DELIVERED[channel], f"{{{properties}}}", MESSAGING_CONTEXT)
    # Email is opened, an SMS link clicked, a push notification opened (at half the email open rate).
    rates = {"email": person.open_rate, "sms": person.click_rate, "push": person.open_rate * 0.5}
    engage_rate = rates[channel]
    if rng.random() < engage_rate:
        engaged = delivered + rng.expovariate(1 / (3 * _HOUR))
        out.server_track(engaged, _ENGAGED[channel], f"{{{properties}}}", MESSAGING_CONTEXT)
        if channel == "email" and rng.random() < person.click_rate * 2:
            out.server_track(
                engaged + rng.uniform(5, 300),
                "Email Link Clicked",
                f'{{{properties},"url":"https://shop.example.com/collections/new"}}',
                MESSAGING_CONTEXT,
            )


def consent_events(person: Person, rng: random.Random, windows: dict[str, Window], out: SegmentLines) -> None:
    """`Subscribed` at each opt-in; for email/SMS opt-outs, the last message and then `Unsubscribed`."""
    for channel, (start, end) in windows.items():
        out.server_track(
            start,
            "Subscribed",
            f'{{"channel":"{channel}","source":"{rng.choice(("popup", "checkout", "account"))}"}}',
            MESSAGING_CONTEXT,
        )
        if end >= AS_OF_EPOCH or channel == "push":
            continue
        times, ids = CAMPAIGNS[channel]
        index = bisect.bisect_left(times, end - _HOUR) - 1
        if index >= 0 and times[index] > start:
            source = f'"campaign_id":"{ids[index]}"'
            sent = times[index]
        else:
            source, sent = '"flow_id":"flow_welcome"', start + 600
        message_id = f"msg_{rng.getrandbits(64):016x}"
        properties = f'"channel":"{channel}",{source},"message_id":"{message_id}"'
        if sent < end - 60:
            out.server_track(sent, _DELIVERED[channel], f"{{{properties}}}", MESSAGING_CONTEXT)
        out.server_track(end, "Unsubscribed", f"{{{properties}}}", MESSAGING_CONTEXT)


def _inside(windows: dict[str, Window], channel: str, t: float) -> bool:
    window = windows.get(channel)
    return window is not None and window[0] <= t < window[1] - _HOUR


def flow_messages(
    person: Person,
    rng: random.Random,
    windows: dict[str, Window],
    orders: list[Order],
    abandoned_checkouts: list[float],
    out: SegmentLines,
) -> None:
    """Welcome, abandoned-checkout, post-purchase and win-back emails while the person is subscribed."""
    if "email" not in windows:
        return
    start = windows["email"][0]
    for t in (start + 600, start + 3 * _DAY):
        if _inside(windows, "email", t):
            _message(out, rng, person, "email", t, '"flow_id":"flow_welcome"')
    for t in abandoned_checkouts:
        if _inside(windows, "email", t + _HOUR):
            _message(out, rng, person, "email", t + _HOUR, '"flow_id":"flow_abandoned_checkout"')
    for order in orders:
        if order.channel == "web" and rng.random() < 0.3 and _inside(windows, "email", order.t + 7 * _DAY):
            _message(out, rng, person, "email", order.t + 7 * _DAY, '"flow_id":"flow_post_purchase"')
    if orders and _inside(windows, "email", orders[-1].t + 120 * _DAY):
        _message(out, rng, person, "email", orders[-1].t + 120 * _DAY, '"flow_id":"flow_winback"')


def campaign_messages(
    person: Person, rng: random.Random, windows: dict[str, Window], out: SegmentLines, event_budget: int
) -> None:
    """Campaign sends to the segments the person belongs to, about `event_budget` events in all."""
    channels = [channel for channel in ("email", "sms", "push") if channel in windows]
    if not channels or event_budget <= 0:
        return
    messages = max(1, round(event_budget / 1.4))
    share = {"email": 0.6, "sms": 0.25, "push": 0.15}
    total_share = sum(share[channel] for channel in channels)
    for channel in channels:
        times, ids = CAMPAIGNS[channel]
        start, end = windows[channel]
        low, high = bisect.bisect_left(times, start), bisect.bisect_left(times, end - _HOUR)
        wanted = round(messages * share[channel] / total_share)
        if high <= low or wanted <= 0:
            continue
        for index in sorted(rng.sample(range(low, high), min(wanted, high - low))):
            _message(out, rng, person, channel, times[index], f'"campaign_id":"{ids[index]}"')


def hub_activity(
    person: Person,
    rng: random.Random,
    orders: list[Order],
    since: float,
    out: SegmentLines,
    event_budget: int,
) -> None:
    """Customer Hub sessions after `since` (account creation): logins, tracking, returns, coupons, help, chat,
    and products added from the hub (with the web order that later bought them)."""
    surface = '"surface":"customer_hub"'
    for order in orders:
        if order.t < since:
            continue
        if order.status in (STATUS_REFUNDED, STATUS_PARTIALLY_REFUNDED) and order.channel != "woo":
            t = max(order.t + _HOUR, order.refund_t - rng.uniform(_DAY, 3 * _DAY))
            out.server_track(
                t, "Return Started", f'{{{surface},"order_id":"{order.shopify_id}"}}', HUB_CONTEXT
            )
        if order.channel == "web" and not order.subscription_tag and rng.random() < 0.2:
            line = order.lines[0]
            out.server_track(
                order.t - rng.uniform(_HOUR, 3 * _DAY),
                "Product Added From Hub",
                (
                    f'{{{surface},"product_id":"{line.product.product_id}","sku":"{line.product.sku}",'
                    f'"price":{line.price_cents / 100:.2f},"quantity":{line.quantity},'
                    f'"order_id":"{order.shopify_id}"}}'
                ),
                HUB_CONTEXT,
            )
    order_times = [order.t for order in orders]
    for _ in range(max(0, round(event_budget / 2))):
        t = since + rng.random() * (AS_OF_EPOCH - since)
        out.server_track(t, "Hub Login", f"{{{surface}}}", HUB_CONTEXT)
        action = rng.choice(_HUB_ACTIONS)
        t += rng.uniform(10, 300)
        last_order = bisect.bisect_left(order_times, t) - 1
        if action == "Order Tracked" and last_order >= 0 and orders[last_order].channel != "woo":
            properties = f'{{{surface},"order_id":"{orders[last_order].shopify_id}"}}'
        elif action == "Coupon Applied":
            properties = f'{{{surface},"coupon":"HUB10"}}'
        elif action == "Help Clicked":
            properties = f'{{{surface},"topic":"{rng.choice(("shipping", "returns", "sizing", "payment"))}"}}'
        elif action == "Product Added From Hub" and person.staple is not None:
            staple = person.staple
            properties = (
                f'{{{surface},"product_id":"{staple.product_id}","sku":"{staple.sku}",'
                f'"price":{staple.price_text},"quantity":1}}'
            )
        else:
            action, properties = "Chat Started", f"{{{surface}}}"
        out.server_track(t, action, properties, HUB_CONTEXT)
