"""One person's Segment events, in time order: identification, orders, consent, messages, hub, browsing.

Orders, identification and consent always produce their events; the person's event budget (drawn around
`events_per_profile`) is then shared between campaign messages, Customer Hub sessions and browsing.
"""

from __future__ import annotations

import random
from operator import itemgetter

from demo_store.catalog import Catalog
from demo_store.messaging import (
    campaign_messages,
    consent_events,
    consent_windows,
    flow_messages,
    hub_activity,
)
from demo_store.orders import Order
from demo_store.persons import Person
from demo_store.segment_lines import NEVER, SegmentLines
from demo_store.timestamps import AS_OF_EPOCH
from demo_store.web_activity import (
    browse_sessions,
    hostile_device_calls,
    identify_devices,
    note_hostile_devices,
    order_events,
    plan_devices,
)

# Persons without web activity (till or WooCommerce only, CRM only) send no events, while orders, identifies
# and consent always send theirs; the budget is mapped linearly (calibrated at 10 and 20 per person) so the
# store averages about `events_per_profile` events. Below about 8 per person the events always sent dominate.
_ANONYMOUS_BUDGET_FACTOR = 0.45
_KNOWN_BUDGET_FACTOR = 1.0
_BUDGET_SLOPE = 1.55
_BUDGET_OFFSET = -10.8
_ANONYMOUS_WINDOW_SECONDS = 60 * 86400.0


def default_events_per_profile(profiles: int) -> float:
    """20 events per person up to a million persons, 10 above (10 million persons: ~100 million events)."""
    return 20.0 if profiles <= 1_000_000 else 10.0


def draw_event_budget(person: Person, rng: random.Random, events_per_profile: float) -> int:
    """How many events the person's optional activity may add (0 for persons never on the web)."""
    if not person.is_web:
        return 0
    factor = _KNOWN_BUDGET_FACTOR if person.is_known else _ANONYMOUS_BUDGET_FACTOR
    mean = max(0.3 * events_per_profile, _BUDGET_SLOPE * events_per_profile + _BUDGET_OFFSET) * factor
    return int(rng.gammavariate(1.5, mean / 1.5))


def person_event_lines(
    person: Person, orders: list[Order], rng: random.Random, catalog: Catalog, budget: int
) -> list[str]:
    """The person's event lines sorted by time; notes the anonymousIds and userId written."""
    if not person.is_web:
        return []
    out = SegmentLines(rng, person)
    devices = plan_devices(person, rng)
    account_since = identify_devices(person, rng, devices, orders, out)
    if person.hostile_attack:
        hostile_device_calls(person, rng, devices, out)
    web_orders = sum(1 for order in orders if order.channel == "web")
    order_events(person, rng, devices, orders, out, with_product_views=budget >= 8 * web_orders)
    windows = consent_windows(person, rng)
    consent_events(person, rng, windows, out)
    remaining = budget - len(out.lines)
    message_budget = int(remaining * 0.4) if windows and remaining > 0 else 0
    hub_budget = int(remaining * 0.15) if person.hub_user and account_since < NEVER and remaining > 0 else 0
    session_budget = remaining - message_budget - hub_budget
    if not out.lines:
        session_budget = max(session_budget, 1)
    if person.is_known:
        window = (person.first_seen, float(AS_OF_EPOCH))
    else:
        window = (person.first_seen, min(float(AS_OF_EPOCH), person.first_seen + _ANONYMOUS_WINDOW_SECONDS))
    abandoned = browse_sessions(person, rng, catalog, devices, out, session_budget, window)
    flow_messages(person, rng, windows, orders, abandoned, out)
    campaign_messages(person, rng, windows, out, message_budget)
    if hub_budget or (person.hub_user and account_since < NEVER):
        hub_activity(person, rng, orders, account_since, out, hub_budget)
    for device in devices:
        if device.used:
            person.note_identifier("anonymous_id", device.anonymous_id)
    if person.has_account and account_since < NEVER:
        person.note_identifier("user_id", person.shopify_customer_id)
        person.note_identifier("shopify_customer_id", person.shopify_customer_id)
    if person.hostile_attack:
        note_hostile_devices(person, devices, account_since)
    lines = [pair for pair in out.lines if pair[0] < AS_OF_EPOCH]
    lines.sort(key=itemgetter(0))
    return [line for _, line in lines]
