"""Over-merge guards of identity resolution on hostile data: chains of weak links between strong ids, values shared
by many people, and a CRM that would pile its ids onto one profile.

Each attack is written by hand into raw rows; the profiles a person would make of them, and the link cut or the
identifier demoted, are written out by hand, never derived from the models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from raw_warehouse import DAY, Warehouse, event, shopify_line

CHAIN_LENGTHS = (2, 3, 4, 5)


def phone(n: int) -> str:
    """A valid US number (Boston, 617-253-xxxx), different for each n below 9000, as people type it."""
    return f"(617) 253-{1000 + n:04d}"


def e164(n: int) -> str:
    return f"+1617253{1000 + n:04d}"


def chain_identifiers(length: int) -> list[tuple[str, str]]:
    """The identifiers between user A and user B in a chain of `length`: email, phone, email, ... alternating."""
    return [
        ("email", f"c{length}-{i}@example.com") if i % 2 == 0 else ("phone", e164(2000 + 100 * length + i))
        for i in range(length)
    ]


def identify(message_id: str, user_id: str, kind: str, value: str, at_day: int = 0) -> dict:
    trait = {"email": value} if kind == "email" else {"phone": value}
    return event(message_id, "identify", DAY + timedelta(days=at_day), user_id=user_id,
                 anonymous_id=f"anon-{message_id}", traits=trait)


class Orders:
    """Guest Shopify orders (no customer id), numbered so each has its own name."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, email: str | None = None, phone_text: str | None = None, **fields: object) -> None:
        number = 5000 + len(self.rows)
        self.rows.append(shopify_line(f"#{number}", 1, DAY + timedelta(days=2), id=number, email=email,
                                      phone=phone_text, total=10, _line=number, **fields))


def as_typed(kind: str, value: str) -> str:
    """How the chain's phone is typed in a record (national format); emails as they are."""
    return phone(int(value[-4:]) - 1000) if kind == "phone" else value


@pytest.fixture(scope="module")
def store(new_warehouse: Callable[[str], Warehouse]) -> Iterator[Warehouse]:
    warehouse = new_warehouse("guards")
    events: list[dict] = []
    orders = Orders()
    crm: list[dict] = []

    # Chains: user A -- x1 -- x2 -- ... -- xk -- user B. Every link is made by three records except the middle
    # one, made by a single guest order: the weakest link, the one to cut.
    for length in CHAIN_LENGTHS:
        ids = chain_identifiers(length)
        middle = length // 2  # the link between ids[middle - 1] and ids[middle]
        for copy in range(3):
            events.append(identify(f"c{length}-a-{copy}", f"u-a{length}", *ids[0]))
            events.append(identify(f"c{length}-b-{copy}", f"u-b{length}", *ids[-1]))
        for i in range(1, length):
            (kind_1, value_1), (_, value_2) = ids[i - 1], ids[i]
            email, phone_value = (value_1, value_2) if kind_1 == "email" else (value_2, value_1)
            for _ in range(1 if i == middle else 3):
                orders.add(email=email, phone_text=as_typed("phone", phone_value))

    # The chain: a device used by user A; once, a housemate signs up on it with her own email; that email
    # is on her CRM row, whose phone is on a Shopify order of her customer id, placed as user B.
    for n in range(5):
        events.append(event(f"dev-a-{n}", "track", DAY + timedelta(hours=n), anonymous_id="dev-shared",
                            user_id="u-alex", event="Viewed Product"))
    events.append(event("dev-pat", "identify", DAY + timedelta(days=1), anonymous_id="dev-shared",
                        traits={"email": "pat@example.com"}))
    crm.append({"crm_id": "crm-pat", "email": "pat@example.com", "phone": phone(1), "country": "US",
                "updated_at": DAY, "source_name": "crm_profiles", "source_label": "crm"})
    events.append(event("pat-order", "track", DAY + timedelta(days=3), anonymous_id="dev-pat",
                        user_id="u-pat", event="Order Completed", properties={"order_id": "7001", "total": 30}))
    orders.rows.append(shopify_line("#7001", 1, DAY + timedelta(days=3), id=7001, phone=phone(1),
                                    note_attributes="customer_id: shopify_c_pat", total=30, _line=7001))

    # Three user ids joined by weak links at one phone: each user's email is on one guest order with that phone.
    for n in (1, 2, 3):
        for copy in range(3):
            events.append(identify(f"tri-{n}-{copy}", f"u-tri{n}", "email", f"tri{n}@example.com"))
        orders.add(email=f"tri{n}@example.com", phone_text=phone(2))

    # A shop's phone on 20 CRM rows of 20 different people.
    for n in range(20):
        crm.append({"crm_id": f"crm-staff-{n}", "email": f"staff{n}@example.com", "phone": phone(3),
                    "country": "US", "updated_at": DAY, "source_name": "crm_profiles", "source_label": "crm"})
    # A role address typed on the guest orders of 8 different people, each with a phone of their own.
    for n in range(8):
        orders.add(email="orders@northwind-shop.com", phone_text=phone(400 + n))
    # Two more guests type the role address and nothing else: the demoted address must not gather their orders.
    for _ in range(2):
        orders.add(email="orders@northwind-shop.com")
    # A placeholder user id sent beside each user's real one on 8 devices: each device stays its user's.
    for n in range(8):
        events.append(event(f"vis-{n}", "track", DAY, anonymous_id=f"dev-vis-{n}", user_id="visitor",
                            event="Viewed Product"))
        events.append(event(f"vis-real-{n}", "track", DAY, anonymous_id=f"dev-vis-{n}", user_id=f"u-vis{n}",
                            event="Viewed Product"))
    # A placeholder user id a broken integration sends for 30 unrelated devices, each signed up with its own email.
    for n in range(30):
        events.append(event(f"ph-{n}", "track", DAY, anonymous_id=f"dev-ph-{n}", user_id="customer",
                            event="Viewed Product"))
        events.append(event(f"ph-id-{n}", "identify", DAY, anonymous_id=f"dev-ph-{n}",
                            traits={"email": f"visitor{n}@example.com"}))
    # One person twice in the CRM (an older duplicate record): one profile with both CRM ids.
    for n in (1, 2):
        crm.append({"crm_id": f"crm-dup-{n}", "email": "dana@example.com", "country": "US", "updated_at": DAY,
                    "source_name": "crm_profiles", "source_label": "crm"})
    # Four CRM rows chained pairwise by emails and phones: more CRM ids than one profile may hold (3).
    chain = [("crm-k1", "k1@example.com", 501), ("crm-k2", "k2@example.com", 501), ("crm-k3", "k2@example.com", 502),
             ("crm-k4", "k4@example.com", 502)]
    for crm_id, email, number in chain:
        crm.append({"crm_id": crm_id, "email": email, "phone": phone(number), "country": "US", "updated_at": DAY,
                    "source_name": "crm_profiles", "source_label": "crm"})

    warehouse.insert("events", events)
    warehouse.insert("shopify_order_lines", orders.rows)
    warehouse.insert("crm_profiles", crm)
    warehouse.build()
    yield warehouse


def identifiers_of(store: Warehouse, profile_id: str | None) -> set[tuple[str, str]]:
    rows = store.query(
        "select distinct identifier_type, identifier_value from marts.profile_identities"
        " where profile_id = ? and identifier_type <> 'anonymous_id'",
        [profile_id],
    )
    return set(rows)


@pytest.mark.parametrize("length", CHAIN_LENGTHS)
def test_a_chain_of_weak_links_never_joins_two_user_ids_and_the_weakest_link_is_cut(
    store: Warehouse, length: int
) -> None:
    ids = chain_identifiers(length)
    middle = length // 2
    user_a, user_b = store.profile_of("user_id", f"u-a{length}"), store.profile_of("user_id", f"u-b{length}")
    assert user_a and user_b and user_a != user_b
    assert identifiers_of(store, user_a) == {("user_id", f"u-a{length}"), *ids[:middle]}
    assert identifiers_of(store, user_b) == {("user_id", f"u-b{length}"), *ids[middle:]}
    (kind_1, value_1), (kind_2, value_2) = ids[middle - 1], ids[middle]
    cut = store.query(
        "select identifier_type, identifier_value, other_identifier_type, other_identifier_value, reason"
        " from intermediate.int_identity_links_cut where ? in (identifier_value, other_identifier_value)",
        [value_1],
    )
    # A guest order's anchor is its email: the phone is the weaker end of the link.
    email, phone_ = ((kind_1, value_1), (kind_2, value_2)) if kind_1 == "email" else ((kind_2, value_2),
                                                                                       (kind_1, value_1))
    reason = f"profile limit: would join 2 user_id values (limit 1): u-a{length}, u-b{length}"
    assert cut == [(*phone_, *email, reason)]


def test_the_shared_device_stays_with_its_user_and_the_housemate_keeps_her_email_crm_row_and_order(
    store: Warehouse,
) -> None:
    alex, pat = store.profile_of("user_id", "u-alex"), store.profile_of("user_id", "u-pat")
    assert alex and pat and alex != pat
    assert store.profile_of("anonymous_id", "dev-shared") == alex
    for kind, value in [("email", "pat@example.com"), ("crm_id", "crm-pat"), ("phone", e164(1)),
                        ("shopify_customer_id", "shopify_c_pat"), ("anonymous_id", "dev-pat")]:
        assert store.profile_of(kind, value) == pat, (kind, value)
    assert store.query("select profile_id from marts.orders where order_id = '7001'") == [(pat,)]
    # Her sign-up on the shared device is her record, not the device owner's.
    assert store.query(
        "select profile_id from intermediate.int_profile_records where source_name = 'segment_events'"
        " and email = 'pat@example.com'"
    ) == [(pat,)]
    guards = store.query(
        "select identifier_type, identifier_value, other_identifier_value, profile_id, other_profile_id"
        " from marts.identity_guards where guard = 'profile_limit' and identifier_value = 'dev-shared'"
    )
    assert guards == [("anonymous_id", "dev-shared", "pat@example.com", alex, pat)]


def test_three_user_ids_joined_at_one_phone_stay_three_profiles(store: Warehouse) -> None:
    profiles = [store.profile_of("user_id", f"u-tri{n}") for n in (1, 2, 3)]
    assert None not in profiles and len(set(profiles)) == 3
    # The phone's links are equally weak; it stays with the first email in the graph's order, tri1's.
    assert store.profile_of("phone", e164(2)) == profiles[0]
    for n, profile in zip((1, 2, 3), profiles, strict=True):
        assert store.profile_of("email", f"tri{n}@example.com") == profile
    assert store.query(
        "select count(*) from intermediate.int_identity_links_cut where identifier_value = ?", [e164(2)]
    ) == [(2,)]


def test_a_shops_phone_on_twenty_crm_rows_links_none_of_them(store: Warehouse) -> None:
    profiles = {store.profile_of("crm_id", f"crm-staff-{n}") for n in range(20)}
    assert len(profiles) == 20 and None not in profiles
    assert store.query(
        "select is_link, not_linking_reason from intermediate.int_identifiers_classified where identifier_value = ?",
        [e164(3)],
    ) == [(False, "value limit: seen with 20 crm_id values (limit 3)")]
    holders = store.query(
        "select count(distinct profile_id) from marts.profile_identities where identifier_value = ?", [e164(3)]
    )
    assert holders == [(20,)]
    assert store.query(
        "select reason from marts.identity_guards where guard = 'value_limit' and identifier_value = ?", [e164(3)]
    ) == [("value limit: seen with 20 crm_id values (limit 3)",)]


def test_a_role_address_on_the_orders_of_eight_people_keeps_them_apart(store: Warehouse) -> None:
    order_profiles = store.query(
        "select count(distinct profile_id), count(*) from marts.orders where order_id in"
        " (select shopify_order_id from staging.stg_shopify__order_lines where email = 'orders@northwind-shop.com')"
    )
    assert order_profiles == [(10, 10)]
    assert store.query(
        "select not_linking_reason from intermediate.int_identifiers_classified"
        " where identifier_value = 'orders@northwind-shop.com'"
    ) == [("value limit: seen with 8 phone values (limit 5)",)]


def test_a_device_seen_with_its_users_id_and_a_placeholder_stays_that_users(store: Warehouse) -> None:
    for n in range(8):
        assert store.profile_of("anonymous_id", f"dev-vis-{n}") == store.profile_of("user_id", f"u-vis{n}") is not None
    assert len({store.profile_of("user_id", f"u-vis{n}") for n in range(8)}) == 8
    assert store.query(
        "select not_linking_reason from intermediate.int_identifiers_classified where identifier_value = 'visitor'"
    ) == [("value limit: seen with 8 anonymous_id values (limit 5)",)]
    # The events sent under the placeholder are the device's user's.
    events = dict(store.query("select event_id, profile_id from marts.events where event_id similar to 'vis-[0-9]+'"))
    assert events == {f"vis-{n}": store.profile_of("user_id", f"u-vis{n}") for n in range(8)}


def test_a_placeholder_user_id_on_thirty_devices_joins_none_of_them(store: Warehouse) -> None:
    profiles = {store.profile_of("anonymous_id", f"dev-ph-{n}") for n in range(30)}
    assert len(profiles) == 30 and None not in profiles
    assert store.profile_of("email", "visitor7@example.com") == store.profile_of("anonymous_id", "dev-ph-7")
    assert store.query(
        "select is_link, not_linking_reason from intermediate.int_identifiers_classified"
        " where identifier_type = 'user_id' and identifier_value = 'customer'"
    ) == [(False, "value limit: seen with 30 anonymous_id values (limit 5)")]


def test_a_crm_duplicate_of_one_person_is_one_profile_but_no_profile_holds_more_than_three_crm_ids(
    store: Warehouse,
) -> None:
    assert store.profile_of("crm_id", "crm-dup-1") == store.profile_of("crm_id", "crm-dup-2") is not None
    chained = [store.profile_of("crm_id", f"crm-k{n}") for n in (1, 2, 3, 4)]
    assert None not in chained and len(set(chained)) == 2
    most = store.query(
        "select max(n) from (select profile_id, count(distinct identifier_value) as n from marts.profile_identities"
        " where identifier_type = 'crm_id' group by profile_id)"
    )
    assert most == [(3,)]


def test_no_profile_holds_more_values_of_a_type_than_its_limit(store: Warehouse) -> None:
    over = store.query(
        "select profile_id, identifier_type, count(distinct identifier_value) from marts.profile_identities"
        " where is_link and identifier_type in ('user_id', 'shopify_customer_id', 'crm_id')"
        " group by 1, 2 having count(distinct identifier_value) > case identifier_type when 'crm_id' then 3 else 1 end"
    )
    assert over == []
    runs = store.query("select identifiers_demoted, components_split, links_cut from"
                       " intermediate.int_identity_resolution_runs")
    cut = store.query("select count(*) from intermediate.int_identity_links_cut")[0][0]
    assert runs[0][2] == cut and runs[0][0] >= 3 and runs[0][1] >= 7


def test_the_merge_log_names_the_new_identifier_that_bridged_two_profiles(
    new_warehouse: Callable[[str], Warehouse],
) -> None:
    warehouse = new_warehouse("bridge")
    # Run 1: a browsing device, and a Shopify customer: two profiles.
    warehouse.insert("events", [event("b1", "page", DAY, anonymous_id="anon-zoe", name="Home")])
    warehouse.insert("shopify_order_lines", [
        shopify_line("#2001", 1, DAY + timedelta(days=2), email="zoe@example.com",
                     note_attributes="customer_id: shopify_c_9", total=40, _line=2),
    ])
    warehouse.build()
    browsing, shop = warehouse.profile_of("anonymous_id", "anon-zoe"), warehouse.profile_of("email", "zoe@example.com")
    assert browsing and shop and browsing != shop
    # Run 2: a phone neither profile had is given on the device and on a guest order under the customer's email.
    warehouse.insert("events", [
        event("b2", "identify", DAY + timedelta(days=3), anonymous_id="anon-zoe", traits={"phone": phone(7)},
              _file="events2.jsonl"),
    ])
    warehouse.insert("shopify_order_lines", [
        shopify_line("#2002", 1, DAY + timedelta(days=4), email="zoe@example.com", phone=phone(7), total=5,
                     _line=3, _file="shopify/orders2.csv"),
    ])
    warehouse.build()
    assert warehouse.profile_of("email", "zoe@example.com") == browsing
    merges = warehouse.query(
        "select merged_profile_id, surviving_profile_id, reason, linking_identifier_type, linking_identifier_value"
        " from marts.identity_merges"
    )
    assert merges == [(shop, browsing, "linked by phone", "phone", e164(7))]
