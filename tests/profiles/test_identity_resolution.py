"""Identity resolution (dbt intermediate models): who is merged, who is not, and ids that stay stable.

Small hand-made raw rows; the expected grouping is written out by hand, never derived from the models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from raw_warehouse import DAY, Warehouse, event, shopify_line


@pytest.fixture(scope="module")
def store(new_warehouse: Callable[[str], Warehouse]) -> Iterator[Warehouse]:
    """One person seen on web, in Shopify online and at the POS; a family; junk emails; a phone-only link."""
    warehouse = new_warehouse("identity")
    warehouse.insert("events", [
        event("m1", "page", DAY, anonymous_id="anon-alice", name="Home"),
        event("m2", "track", DAY + timedelta(hours=1), anonymous_id="anon-alice", event="Viewed Product"),
        event("m3", "identify", DAY + timedelta(days=1), anonymous_id="anon-alice", user_id="u-alice",
              traits={"email": "  Alice@Example.COM ", "firstName": "Alice"}),
        event("m4", "track", DAY + timedelta(days=2), anonymous_id="anon-other", user_id="u-alice",
              event="Added to Cart"),
        event("m5", "page", DAY, anonymous_id="anon-stranger", name="Home"),
        # Carol logs in on the storefront: Shopify sends her customer id as userId.
        event("m6", "identify", DAY, anonymous_id="anon-carol", user_id="shopify_c_9"),
        # Dave checks out as a guest and never identifies: only the order id ties his device to his order.
        event("m7", "track", DAY, anonymous_id="anon-dave", event="Order Completed",
              properties={"order_id": "9001", "total": 12}),
        # Signed in later, the same device updates the order; an alias call repeats its own anonymousId as
        # previousId. Neither may add a second copy of an identifier to an observation.
        event("m8", "track", DAY + timedelta(hours=1), anonymous_id="anon-dave", user_id="u-dave",
              event="Order Updated", properties={"order_id": "9001", "total": 12}),
        event("m9", "alias", DAY, anonymous_id="anon-dave", previous_id="anon-dave"),
    ])
    warehouse.insert("shopify_order_lines", [
        shopify_line("#1001", 1, DAY + timedelta(days=3), email="alice@example.com",
                     note_attributes="customer_id: shopify_c_1", source="web", total=50),
        shopify_line("#1002", 1, DAY + timedelta(days=4), email="ALICE@example.com", source="pos", total=20),
        shopify_line("#1003", 1, DAY + timedelta(days=5), email="family@example.com",
                     note_attributes="customer_id: shopify_c_2", total=10),
        shopify_line("#1004", 1, DAY + timedelta(days=5), email="family@example.com",
                     note_attributes="customer_id: shopify_c_3", total=10),
        shopify_line("#1005", 1, DAY + timedelta(days=6), email="test@test.com",
                     note_attributes="customer_id: shopify_c_4", total=10),
        shopify_line("#1006", 1, DAY + timedelta(days=6), email="Test@Test.com ",
                     note_attributes="customer_id: shopify_c_5", total=10),
        shopify_line("#1007", 1, DAY + timedelta(days=7), note_attributes="customer_id: shopify_c_9", total=10,
                     source="pos"),
        shopify_line("#1008", 1, DAY, id=9001, email="dave@example.com", total=12),
    ])
    warehouse.insert("crm_profiles", [
        {"crm_id": "crm-1", "email": "bob@example.com", "phone": "(415) 246-8135", "country": "US",
         "updated_at": DAY, "source_name": "crm_profiles", "source_label": "crm"},
        {"crm_id": "crm-2", "phone": "+49 151 23456789", "country": "DE", "updated_at": DAY,
         "source_name": "crm_profiles", "source_label": "crm"},
    ])
    warehouse.insert("store_order_lines", [
        # The WooCommerce store is German (phone_region_by_source): a US customer writes +1 or 001 ...
        {"order_id": "w1", "line_id": "1", "customer_id": "0", "email": "bob.other@example.com",
         "phone": "001 415 246 8135", "ordered_at": DAY, "source_name": "woocommerce_orders",
         "source_label": "woocommerce", "order_total": 30, "line_total": 30, "quantity": 1},
        {"order_id": "w2", "line_id": "1", "customer_id": "0", "email": "noemail@example.com",
         "phone": "000-000-0000", "ordered_at": DAY, "source_name": "woocommerce_orders",
         "source_label": "woocommerce", "order_total": 5, "line_total": 5, "quantity": 1},
        {"order_id": "w3", "line_id": "1", "customer_id": "0", "email": "noemail@example.com",
         "ordered_at": DAY, "source_name": "woocommerce_orders", "source_label": "woocommerce",
         "order_total": 6, "line_total": 6, "quantity": 1},
        # A placeholder address typed at checkout by people who would rather not say: no real address.
        {"order_id": "w5", "line_id": "1", "customer_id": "0", "email": "x@x.x", "ordered_at": DAY,
         "source_name": "woocommerce_orders", "source_label": "woocommerce", "order_total": 8, "line_total": 8,
         "quantity": 1},
        {"order_id": "w6", "line_id": "1", "customer_id": "0", "email": "x@x.x", "ordered_at": DAY,
         "source_name": "woocommerce_orders", "source_label": "woocommerce", "order_total": 9, "line_total": 9,
         "quantity": 1},
        # ... and a German customer the national format.
        {"order_id": "w4", "line_id": "1", "customer_id": "0", "phone": "0151 2345 6789", "ordered_at": DAY,
         "source_name": "woocommerce_orders", "source_label": "woocommerce", "order_total": 7, "line_total": 7,
         "quantity": 1},
    ])
    warehouse.build()
    yield warehouse


def test_email_links_web_and_pos_orders_and_anonymous_browsing(store: Warehouse) -> None:
    alice = store.profile_of("user_id", "u-alice")
    assert alice is not None
    assert store.profile_of("anonymous_id", "anon-alice") == alice
    assert store.profile_of("anonymous_id", "anon-other") == alice
    assert store.profile_of("shopify_customer_id", "shopify_c_1") == alice
    assert store.profile_of("email", "alice@example.com") == alice
    orders = dict(store.query("select order_id, profile_id from marts.orders where order_id in ('#1001', '#1002')"))
    assert orders == {"#1001": alice, "#1002": alice}
    browsing = store.query("select distinct profile_id from marts.events where event_id in ('m1', 'm2', 'm4')")
    assert browsing == [(alice,)]
    assert store.profile_of("anonymous_id", "anon-stranger") not in (None, alice)


def test_family_email_shared_by_two_shopify_customers_does_not_merge_them(store: Warehouse) -> None:
    first = store.profile_of("shopify_customer_id", "shopify_c_2")
    second = store.profile_of("shopify_customer_id", "shopify_c_3")
    assert first and second and first != second
    links = store.query(
        "select distinct is_link from marts.profile_identities where identifier_value = 'family@example.com'"
    )
    assert links == [(False,)]
    holders = store.query(
        "select count(distinct profile_id) from marts.profile_identities where identifier_value = 'family@example.com'"
    )
    assert holders == [(2,)]


def test_blocklisted_junk_email_links_nobody(store: Warehouse) -> None:
    assert store.profile_of("shopify_customer_id", "shopify_c_4") != store.profile_of(
        "shopify_customer_id", "shopify_c_5"
    )
    assert store.query("select count(*) from marts.profile_identities where identifier_value = 'test@test.com'") == [
        (0,)
    ]
    guests = store.query(
        "select count(distinct profile_id) from marts.orders where order_id in ('w2', 'w3', 'w5', 'w6')"
    )
    assert guests == [(4,)]
    assert store.query("select count(*) from marts.profile_identities where identifier_value = 'x@x.x'") == [(0,)]


def test_phone_normalized_by_phonenumbers_links_crm_and_store_order(store: Warehouse) -> None:
    crm = store.profile_of("crm_id", "crm-1")
    assert store.profile_of("phone", "+14152468135") == crm
    assert store.query("select profile_id from marts.orders where order_id = 'w1'") == [(crm,)]
    assert store.profile_of("phone", "+10000000000") is None


def test_national_phone_read_in_the_stores_region_and_00_prefix_read_as_international(store: Warehouse) -> None:
    assert store.query("select profile_id from marts.orders where order_id = 'w4'") == [
        (store.profile_of("crm_id", "crm-2"),)
    ]
    assert store.profile_of("phone", "+4915123456789") == store.profile_of("crm_id", "crm-2")


def test_user_id_equal_to_a_shopify_customer_id_is_that_customer(store: Warehouse) -> None:
    carol = store.profile_of("anonymous_id", "anon-carol")
    assert carol is not None
    assert store.profile_of("shopify_customer_id", "shopify_c_9") == carol
    assert store.query("select profile_id from marts.orders where order_id = '#1007'") == [(carol,)]


def test_guest_checkout_device_joins_its_order_by_order_id(store: Warehouse) -> None:
    dave = store.profile_of("email", "dave@example.com")
    assert dave is not None
    assert store.profile_of("anonymous_id", "anon-dave") == dave
    assert store.query("select profile_id from marts.orders where order_id = '9001'") == [(dave,)]


def test_an_observation_holds_each_identifier_once(store: Warehouse) -> None:
    rows = store.query(
        "select observation_key, identifier_type, identifier_value, count(*)"
        " from intermediate.int_identity_observations group by all having count(*) > 1"
    )
    assert rows == []
    order = store.query(
        "select identifier_type, identifier_value from intermediate.int_identity_observations"
        " where observation_key = 'shopify_orders:order:#1008' order by 1"
    )
    assert order == [("anonymous_id", "anon-dave"), ("email", "dave@example.com"), ("user_id", "u-dave")]


def test_every_order_and_event_has_exactly_one_profile(store: Warehouse) -> None:
    assert store.query("select count(*) from marts.orders where profile_id is null") == [(0,)]
    # 6 page/track calls (identify and alias are not events) + 14 Placed Order + 14 Ordered Product (one line each).
    assert store.query("select count(*), count(distinct event_id) from marts.events") == [(34, 34)]
    runs = store.query("select rounds, node_count from intermediate.int_identity_resolution_runs")
    assert len(runs) == 1 and runs[0][0] >= 1


def test_ids_stay_stable_and_a_bridging_record_merges_into_the_older_profile(
    new_warehouse: Callable[[str], Warehouse],
) -> None:
    warehouse = new_warehouse("stable_ids")
    # Run 1: anonymous browsing, and an unrelated CRM profile.
    warehouse.insert("events", [event("s1", "page", DAY, anonymous_id="anon-zoe", name="Home")])
    warehouse.insert("crm_profiles", [{"crm_id": "crm-x", "email": "x@example.com", "updated_at": DAY,
                                       "source_label": "crm", "_file": "crm1.csv"}])
    warehouse.build()
    browsing = warehouse.profile_of("anonymous_id", "anon-zoe")
    unrelated = warehouse.profile_of("crm_id", "crm-x")

    # Run 2: Zoe orders in the shop under her email: a new, separate profile; the old ids do not move.
    warehouse.insert("shopify_order_lines", [
        shopify_line("#2001", 1, DAY + timedelta(days=2), email="zoe@example.com",
                     note_attributes="customer_id: shopify_c_9", total=40),
    ])
    warehouse.build()
    shop = warehouse.profile_of("shopify_customer_id", "shopify_c_9")
    assert shop not in (None, browsing, unrelated)
    assert warehouse.profile_of("anonymous_id", "anon-zoe") == browsing
    assert warehouse.profile_of("crm_id", "crm-x") == unrelated

    # Run 3: she signs in on the browsing device: the profiles merge into the older one (browsing, run 1).
    warehouse.insert("events", [
        event("s2", "identify", DAY + timedelta(days=3), anonymous_id="anon-zoe", traits={"email": "zoe@example.com"},
              _file="events2.jsonl"),
    ])
    warehouse.build()
    assert warehouse.profile_of("shopify_customer_id", "shopify_c_9") == browsing
    assert warehouse.profile_of("email", "zoe@example.com") == browsing
    assert warehouse.profile_of("crm_id", "crm-x") == unrelated
    merges = warehouse.query(
        "select merged_profile_id, surviving_profile_id, reason, linking_identifier_type, linking_identifier_value"
        " from marts.identity_merges"
    )
    assert merges == [(shop, browsing, "linked by email", "email", "zoe@example.com")]
    # The incremental events mart rewrote the order's events onto the survivor.
    order_profiles = warehouse.query("select distinct profile_id from marts.events where metric_name like 'Placed%'")
    assert order_profiles == [(browsing,)]
    assert warehouse.query("select count(*) from intermediate.int_identity_resolution_runs") == [(3,)]
