"""Segments over a hand-made store: each condition kind, and/or/not, the time window's edges, suppression, history
across runs, a re-run, a failure mid-write, merged profiles, the CLV attributes table and the asset through Dagster.

The store (six profiles, as-of date 2026-06-30, so "the last 90 days" starts on 2026-04-01):
- p1 Berlin, email subscribed, orders 2026-04-01 00:00 UTC (exactly 90 days back) and 2026-06-30, predicted CLV
  250, churn risk 0.6, Champions, loyalty_tier silver.
- p2 Berlin, orders 2026-03-31 23:59 UTC (91 days back) and 2026-06-01, predicted CLV 300, Loyal.
- p3 Munich, email unsubscribed, three orders in the window, predicted CLV 150, churn 0.7, Champions.
- p4 Munich, two orders in the window, predicted CLV exactly 200, Recent.
- p5 Hamburg, suppressed, email subscribed, two orders in the window, predicted CLV 500, Champions.
- p6 no city, no orders (one page view), CLV row without predictions, not scored by RFM; loyalty_tier gold.
Every expected membership below is read off this list by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from assets.intelligence.segments import membership
from assets.intelligence.segments.membership import refresh_segments
from assets.intelligence.segments.segment_assets import segments
from assets.intelligence.segments.segments_config import load_segments_config
from connectors.warehouse.resource import WarehouseResource

UTC = dt.UTC
AS_OF = dt.date(2026, 6, 30)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


PROFILES = [
    {"profile_id": "p1", "city": "Berlin", "email": "ana@example.com", "email_consent": "subscribed",
     "is_suppressed": False, "custom_properties": '{"loyalty_tier": "silver", "shoe_size": 38}'},
    {"profile_id": "p2", "city": "Berlin", "email": "ben@example.com", "email_consent": "never_subscribed",
     "is_suppressed": False, "custom_properties": '{"loyalty_tier": null, "shoe_size": 44}'},
    {"profile_id": "p3", "city": "Munich", "email": "cem@example.com", "email_consent": "unsubscribed",
     "is_suppressed": False, "custom_properties": "{}"},
    {"profile_id": "p4", "city": "Munich", "phone": "+4915112345678", "email_consent": "never_subscribed",
     "is_suppressed": False, "custom_properties": "{}"},
    {"profile_id": "p5", "city": "Hamburg", "email": "eva@example.com", "email_consent": "subscribed",
     "is_suppressed": True, "custom_properties": "{}"},
    {"profile_id": "p6", "city": None, "email_consent": "never_subscribed", "is_suppressed": False,
     "custom_properties": '{"loyalty_tier": "gold"}'},
]

ORDERS = {
    "p1": ["2026-04-01T00:00:00", "2026-06-30T15:00:00"],
    "p2": ["2026-03-31T23:59:00", "2026-06-01T10:00:00"],
    "p3": ["2026-05-01T10:00:00", "2026-05-02T10:00:00", "2026-05-03T10:00:00"],
    "p4": ["2026-06-10T10:00:00", "2026-06-11T10:00:00"],
    "p5": ["2026-06-12T10:00:00", "2026-06-13T10:00:00"],
}
ORDER_VALUE = 100.0

CLV = {
    "p1": (250.0, 0.6), "p2": (300.0, 0.2), "p3": (150.0, 0.7), "p4": (200.0, 0.1), "p5": (500.0, 0.3),
    "p6": (None, None),
}
RFM = {"p1": "Champions", "p2": "Loyal", "p3": "Champions", "p4": "Recent", "p5": "Champions"}

IDENTITIES = [
    ("p1", "email", "ana@example.com"), ("p2", "email", "ben@example.com"), ("p3", "email", "cem@example.com"),
    ("p4", "phone", "+4915112345678"), ("p5", "email", "eva@example.com"), ("p2", "crm_id", "CRM-2"),
]


def write_store(con: duckdb.DuckDBPyConnection, write_stand_in, profiles: list[dict] | None = None,
                orders: dict[str, list[str]] | None = None, merges: list[dict] | None = None) -> None:
    """The marts and analytics tables the segments read, from the data above (or the given replacements)."""
    profiles = PROFILES if profiles is None else profiles
    orders = ORDERS if orders is None else orders
    write_stand_in(con, "marts.profiles", profiles)
    consent = []
    for profile in profiles:
        for channel in ("email", "sms", "push"):
            status = profile.get(f"{channel}_consent") or "never_subscribed"
            consent.append({"profile_id": profile["profile_id"], "channel": channel, "status": status})
    write_stand_in(con, "marts.consent", consent)
    events = [
        {"event_id": f"{profile_id}-{index}", "profile_id": profile_id, "metric_name": "Placed Order",
         "event_at": at(when), "value": ORDER_VALUE}
        for profile_id, times in orders.items() for index, when in enumerate(times)
    ]
    events.append({"event_id": "view-1", "profile_id": "p6", "metric_name": "Viewed Page",
                   "event_at": at("2026-06-20T08:00:00"), "value": None})
    write_stand_in(con, "marts.events", events)
    write_stand_in(con, "marts.metric_events", [
        {"metric_name": "Placed Order (all revenue)", "event_id": event["event_id"], "profile_id": event["profile_id"],
         "base_metric_name": "Placed Order", "event_at": event["event_at"], "value": event["value"]}
        for event in events if event["metric_name"] == "Placed Order"
    ])
    write_stand_in(con, "marts.profile_identities", [
        {"profile_identity_key": f"{profile_id}|{kind}|{value}", "profile_id": profile_id, "identifier_type": kind,
         "identifier_value": value} for profile_id, kind, value in IDENTITIES
    ])
    write_stand_in(con, "marts.identity_merges", merges or [])
    con.execute("create schema if not exists analytics")
    con.execute("""create or replace table analytics.customer_clv (
        profile_id varchar, historic_clv double, predicted_clv double, total_clv double, historic_orders bigint,
        predicted_orders double, average_order_value double, average_days_between_orders double,
        expected_next_order_date date, churn_risk double, probability_alive double, fit_id varchar,
        as_of_date date)""")
    con.executemany(
        "insert into analytics.customer_clv (profile_id, predicted_clv, churn_risk, as_of_date) values (?, ?, ?, ?)",
        [(profile_id, clv, churn, AS_OF) for profile_id, (clv, churn) in CLV.items()
         if profile_id in {profile["profile_id"] for profile in profiles}],
    )
    con.execute("""create or replace table analytics.customer_rfm_current (
        profile_id varchar, snapshot_date date, recency_score integer, frequency_score integer,
        monetary_score integer, rfm_group varchar, previous_rfm_group varchar, rfm_group_changed_date date)""")
    con.executemany(
        "insert into analytics.customer_rfm_current (profile_id, snapshot_date, rfm_group) values (?, ?, ?)",
        [(profile_id, AS_OF, group) for profile_id, group in RFM.items()],
    )


RUN_1 = at("2026-07-01T02:00:00")
RUN_2 = at("2026-07-02T02:00:00")
RUN_3 = at("2026-07-03T02:00:00")

ISSUE_EXAMPLE = {"all": [
    {"metric": {"name": "Placed Order", "measure": "count", "operator": "at_least", "value": 2, "within_days": 90}},
    {"clv": {"attribute": "predicted_clv", "operator": "greater_than", "value": 200}},
]}


@pytest.fixture
def con(warehouse_path: Path, stand_in) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(warehouse_path))
    write_store(connection, stand_in)
    yield connection
    connection.close()


def configure(config_dir: Path, segments: list[dict], lists: list[dict] | None = None):
    """Write segments.yaml into the config copy and load it as the asset would."""
    text = yaml.safe_dump({"segments": segments, "lists": lists or []}, sort_keys=False)
    (config_dir / "segments.yaml").write_text(text)
    return load_segments_config(config_dir)


def members(con: duckdb.DuckDBPyConnection, name: str) -> set[str]:
    rows = con.execute("select profile_id from analytics.segment_membership where segment_name = ?", [name])
    return {profile_id for (profile_id,) in rows.fetchall()}


def table(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    return con.execute(f"select * from analytics.{name} order by all").fetchall()


CONDITIONS = [
    ({"profile": {"property": "city", "operator": "equals", "value": "Berlin"}}, {"p1", "p2"}),
    ({"profile": {"property": "city", "operator": "not_equals", "value": "Berlin"}}, {"p3", "p4", "p5", "p6"}),
    ({"profile": {"property": "city", "operator": "contains", "value": "mun"}}, {"p3", "p4"}),
    ({"profile": {"property": "city", "operator": "is_not_set"}}, {"p6"}),
    ({"profile": {"property": "is_suppressed", "operator": "equals", "value": True}}, {"p5"}),
    ({"profile": {"property": "custom_properties.loyalty_tier", "operator": "equals", "value": "gold"}}, {"p6"}),
    # p2's loyalty_tier is JSON null: not set.
    ({"profile": {"property": "custom_properties.loyalty_tier", "operator": "is_set"}}, {"p1", "p6"}),
    ({"profile": {"property": "custom_properties.shoe_size", "operator": "at_least", "value": 40}}, {"p2"}),
    ({"consent": {"channel": "email", "status": "subscribed"}}, {"p1", "p5"}),
    ({"consent": {"channel": "email", "status": "unsubscribed"}}, {"p3"}),
    ({"consent": {"channel": "sms", "status": "subscribed"}}, set()),
    ({"clv": {"attribute": "predicted_clv", "operator": "greater_than", "value": 200}}, {"p1", "p2", "p5"}),
    ({"clv": {"attribute": "predicted_clv", "operator": "at_least", "value": 200}}, {"p1", "p2", "p4", "p5"}),
    ({"clv": {"attribute": "predicted_clv", "operator": "is_not_set"}}, {"p6"}),
    ({"clv": {"attribute": "churn_risk", "operator": "between", "value": [0.5, 0.7]}}, {"p1", "p3"}),
    ({"clv": {"attribute": "as_of_date", "operator": "equals", "value": "2026-06-30"}},
     {"p1", "p2", "p3", "p4", "p5", "p6"}),
    ({"rfm": {"attribute": "rfm_group", "operator": "equals", "value": "Champions"}}, {"p1", "p3", "p5"}),
    ({"rfm": {"attribute": "rfm_group", "operator": "is_not_set"}}, {"p6"}),
    # The window: p1's order exactly 90 days back (2026-04-01 00:00) counts, p2's 91 days back (03-31 23:59) not.
    ({"metric": {"name": "Placed Order", "operator": "at_least", "value": 2, "within_days": 90}},
     {"p1", "p3", "p4", "p5"}),
    ({"metric": {"name": "Placed Order", "operator": "equals", "value": 1, "within_days": 90}}, {"p2"}),
    ({"metric": {"name": "Placed Order", "operator": "at_least", "value": 2}}, {"p1", "p2", "p3", "p4", "p5"}),
    # Profiles without events count 0.
    ({"metric": {"name": "Placed Order", "operator": "at_most", "value": 0}}, {"p6"}),
    ({"metric": {"name": "Placed Order", "measure": "sum", "operator": "at_least", "value": 300, "within_days": 90}},
     {"p3"}),
    ({"metric": {"name": "Placed Order", "measure": "sum", "operator": "between", "value": [150, 250]}},
     {"p1", "p2", "p4", "p5"}),
    # A custom metric of config/metrics.yaml, read from marts.metric_events; the last day alone is one day back.
    ({"metric": {"name": "Placed Order (all revenue)", "operator": "at_least", "value": 1, "within_days": 1}},
     {"p1"}),
    ({"metric": {"name": "Viewed Page", "operator": "greater_than", "value": 0}}, {"p6"}),
    ({"any": [{"profile": {"property": "city", "operator": "equals", "value": "Hamburg"}},
              {"rfm": {"attribute": "rfm_group", "operator": "equals", "value": "Champions"}}]}, {"p1", "p3", "p5"}),
    ({"not": {"profile": {"property": "city", "operator": "equals", "value": "Berlin"}}}, {"p3", "p4", "p5", "p6"}),
    ({"all": [{"consent": {"channel": "email", "status": "subscribed"}},
              {"clv": {"attribute": "churn_risk", "operator": "greater_than", "value": 0.5}}]}, {"p1"}),
    ({"all": [{"not": {"rfm": {"attribute": "rfm_group", "operator": "equals", "value": "Champions"}}},
              {"any": [{"consent": {"channel": "email", "status": "never_subscribed"}},
                       {"profile": {"property": "city", "operator": "equals", "value": "Hamburg"}}]}]},
     {"p2", "p4", "p6"}),
    (ISSUE_EXAMPLE, {"p1", "p5"}),
]


@pytest.mark.parametrize(("condition", "expected"), CONDITIONS, ids=[str(i) for i in range(len(CONDITIONS))])
def test_each_condition_selects_the_profiles_stated_by_hand(con, copy_config, condition, expected) -> None:
    config_dir = copy_config()
    config = configure(config_dir, [{"name": "Under test", "condition": condition}])
    refresh_segments(con, config, config_dir, RUN_1)
    assert members(con, "Under test") == expected


def test_all_conditions_in_one_run_give_the_same_members_as_one_at_a_time(con, copy_config) -> None:
    config_dir = copy_config()
    config = configure(config_dir, [{"name": f"s{i}", "condition": c} for i, (c, _) in enumerate(CONDITIONS)])
    run = refresh_segments(con, config, config_dir, RUN_1)
    for index, (_, expected) in enumerate(CONDITIONS):
        assert members(con, f"s{index}") == expected, index
        assert run.members[f"s{index}"] == len(expected)


def test_a_segment_refers_to_another(con, copy_config) -> None:
    config_dir = copy_config()
    # Listed before the segment it refers to: the compiled query orders them.
    config = configure(config_dir, [
        {"name": "Example buyers outside Berlin", "condition": {"all": [
            {"segment": "Example buyers"},
            {"not": {"profile": {"property": "city", "operator": "equals", "value": "Berlin"}}}]}},
        {"name": "Example buyers", "condition": ISSUE_EXAMPLE},
    ])
    refresh_segments(con, config, config_dir, RUN_1)
    assert members(con, "Example buyers") == {"p1", "p5"}
    assert members(con, "Example buyers outside Berlin") == {"p5"}


def test_suppressed_members_are_flagged_not_activatable(con, copy_config) -> None:
    config_dir = copy_config()
    config = configure(config_dir, [{"name": "Example", "condition": ISSUE_EXAMPLE}])
    run = refresh_segments(con, config, config_dir, RUN_1)
    assert table(con, "segment_membership") == [
        ("Example", "segment", "p1", True, RUN_1),
        ("Example", "segment", "p5", False, RUN_1),
    ]
    assert (run.members["Example"], run.activatable["Example"]) == (2, 1)


BERLIN = [{"name": "Berlin", "condition": {"profile": {"property": "city", "operator": "equals", "value": "Berlin"}}}]


def moved(profile_id: str, city: str | None) -> list[dict]:
    return [{**profile, "city": city} if profile["profile_id"] == profile_id else profile for profile in PROFILES]


def test_history_records_entry_stay_exit_and_reentry(con, copy_config, stand_in) -> None:
    config_dir = copy_config()
    config = configure(config_dir, BERLIN)
    first = refresh_segments(con, config, config_dir, RUN_1)
    assert (first.entered, first.left) == ({"Berlin": 2}, {})
    stand_in(con, "marts.profiles", moved("p2", "Munich"))
    second = refresh_segments(con, config, config_dir, RUN_2)
    assert (second.entered, second.left) == ({}, {"Berlin": 1})
    assert table(con, "segment_membership_history") == [
        ("Berlin", "p1", RUN_1, None), ("Berlin", "p2", RUN_1, RUN_2),
    ]
    stand_in(con, "marts.profiles", PROFILES)
    third = refresh_segments(con, config, config_dir, RUN_3)
    assert (third.entered, third.left) == ({"Berlin": 1}, {})
    assert table(con, "segment_membership_history") == [
        ("Berlin", "p1", RUN_1, None), ("Berlin", "p2", RUN_1, RUN_2), ("Berlin", "p2", RUN_3, None),
    ]
    # The current table carries the start of the open stay.
    assert table(con, "segment_membership") == [
        ("Berlin", "segment", "p1", True, RUN_1), ("Berlin", "segment", "p2", True, RUN_3),
    ]


def test_a_rerun_on_the_same_data_changes_nothing(con, copy_config) -> None:
    config_dir = copy_config()
    config = configure(config_dir, [*BERLIN, {"name": "Example", "condition": ISSUE_EXAMPLE},
                                    {"name": "Churn", "condition": {"clv": {
                                        "attribute": "churn_risk", "operator": "greater_than", "value": 0.5}}}])
    refresh_segments(con, config, config_dir, RUN_1)
    before = {name: table(con, name) for name in
              ("segment_membership", "segment_membership_history", "segment_clv_attributes")}
    again = refresh_segments(con, config, config_dir, RUN_2)
    assert (again.entered, again.left) == ({}, {})
    assert {name: table(con, name) for name in before} == before


def test_a_failure_mid_write_leaves_the_previous_tables(con, copy_config, stand_in, monkeypatch) -> None:
    config_dir = copy_config()
    config = configure(config_dir, [*BERLIN, {"name": "Example", "condition": ISSUE_EXAMPLE}])
    refresh_segments(con, config, config_dir, RUN_1)
    before = {name: table(con, name) for name in
              ("segment_membership", "segment_membership_history", "segment_clv_attributes")}
    stand_in(con, "marts.profiles", moved("p1", "Paris"))

    def fail(*args: object) -> None:
        raise RuntimeError("disk full")

    # The history and the current members are written by then; the last table fails.
    monkeypatch.setattr(membership, "write_clv_attributes", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        refresh_segments(con, config, config_dir, RUN_2)
    assert {name: table(con, name) for name in before} == before
    monkeypatch.undo()
    refresh_segments(con, config, config_dir, RUN_2)
    assert members(con, "Berlin") == {"p2"}


def test_profiles_merged_away_end_their_stays(con, copy_config, stand_in) -> None:
    config_dir = copy_config()
    config = configure(config_dir, BERLIN)
    refresh_segments(con, config, config_dir, RUN_1)
    # p2 merged into p1; its row lingering in marts.profiles does not keep it a member.
    stand_in(con, "marts.identity_merges", [{"merged_profile_id": "p2", "surviving_profile_id": "p1",
                                             "merged_at": RUN_2}])
    run = refresh_segments(con, config, config_dir, RUN_2)
    assert run.left == {"Berlin": 1}
    assert table(con, "segment_membership_history") == [
        ("Berlin", "p1", RUN_1, None), ("Berlin", "p2", RUN_1, RUN_2),
    ]


def test_a_segment_removed_from_the_config_ends_its_stays(con, copy_config) -> None:
    config_dir = copy_config()
    refresh_segments(con, configure(config_dir, BERLIN), config_dir, RUN_1)
    refresh_segments(con, configure(config_dir, []), config_dir, RUN_2)
    assert table(con, "segment_membership") == []
    assert table(con, "segment_membership_history") == [
        ("Berlin", "p1", RUN_1, RUN_2), ("Berlin", "p2", RUN_1, RUN_2),
    ]


def test_segments_using_clv_list_their_attributes_size_and_last_change(con, copy_config, stand_in) -> None:
    config_dir = copy_config()
    config = configure(config_dir, [
        *BERLIN,
        {"name": "Example", "condition": ISSUE_EXAMPLE},
        {"name": "Churn", "condition": {"all": [
            {"clv": {"attribute": "churn_risk", "operator": "greater_than", "value": 0.5}},
            {"clv": {"attribute": "probability_alive", "operator": "is_not_set"}}]}},
        # Uses CLV through the segment it refers to.
        {"name": "Example in Berlin", "condition": {"all": [{"segment": "Example"}, {"segment": "Berlin"}]}},
        {"name": "Nobody", "condition": {"clv": {"attribute": "predicted_clv", "operator": "greater_than",
                                                 "value": 10000}}},
    ])
    refresh_segments(con, config, config_dir, RUN_1)
    assert table(con, "segment_clv_attributes") == [
        ("Churn", ["churn_risk", "probability_alive"], 2, RUN_1),
        ("Example", ["predicted_clv"], 2, RUN_1),
        ("Example in Berlin", ["predicted_clv"], 1, RUN_1),
        ("Nobody", ["predicted_clv"], 0, None),
    ]
    stand_in(con, "marts.profiles", moved("p1", "Paris"))
    refresh_segments(con, config, config_dir, RUN_2)
    assert table(con, "segment_clv_attributes") == [
        ("Churn", ["churn_risk", "probability_alive"], 2, RUN_1),
        ("Example", ["predicted_clv"], 2, RUN_1),
        ("Example in Berlin", ["predicted_clv"], 0, RUN_2),
        ("Nobody", ["predicted_clv"], 0, None),
    ]


def test_the_asset_writes_the_three_tables_with_metadata(warehouse_path, stand_in, copy_config) -> None:
    with duckdb.connect(str(warehouse_path)) as connection:
        write_store(connection, stand_in)
    config_dir = copy_config()
    configure(config_dir, [*BERLIN, {"name": "Example", "condition": ISSUE_EXAMPLE}],
              lists=[{"name": "VIP", "file": "lists/vip.csv", "match_on": "email"}])
    (config_dir / "lists" / "vip.csv").write_text("email\nana@example.com\nnobody@example.com\n")
    resources = {"warehouse": WarehouseResource(path=str(warehouse_path))}
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([segments], resources=resources, instance=instance)
    assert result.success
    materialized = {
        event.asset_key.to_user_string(): event.step_materialization_data.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    assert set(materialized) == {
        "analytics/segment_membership", "analytics/segment_membership_history", "analytics/segment_clv_attributes",
    }
    current = materialized["analytics/segment_membership"]
    # Berlin p1, p2; Example p1, p5 (not activatable); VIP p1.
    assert current["dagster/row_count"].value == 5
    assert current["as_of_date"].value == "2026-06-30"
    assert current["per_segment"].value == {
        "Berlin": {"members": 2, "activatable": 2, "entered": 2, "left": 0},
        "Example": {"members": 2, "activatable": 1, "entered": 2, "left": 0},
        "VIP": {"members": 1, "activatable": 1, "entered": 1, "left": 0},
    }
    assert current["list_lines_unmatched"].value == {"VIP": 1}
    assert current["list_lines_unmatched_first"].value == {"VIP": ["lists/vip.csv:3"]}
    assert materialized["analytics/segment_membership_history"]["entered_this_run"].value == 5
    assert materialized["analytics/segment_clv_attributes"]["dagster/row_count"].value == 1
    with duckdb.connect(str(warehouse_path)) as connection:
        started = connection.execute("select distinct entered_at from analytics.segment_membership").fetchall()
        clv = connection.execute("select segment_name, profiles from analytics.segment_clv_attributes").fetchall()
    # Every entry carries the run's start from the Dagster instance.
    run_start = dt.datetime.fromtimestamp(instance.get_run_record_by_id(result.run_id).start_time, tz=dt.UTC)
    assert started == [(run_start,)]
    assert clv == [("Example", 2)]
    # A second materialization on the same data: nothing enters or leaves.
    again = dg.materialize([segments], resources=resources, instance=instance)
    history = next(event for event in again.get_asset_materialization_events()
                   if event.asset_key == dg.AssetKey(["analytics", "segment_membership_history"]))
    assert history.step_materialization_data.materialization.metadata["entered_this_run"].value == 0
    assert history.step_materialization_data.materialization.metadata["left_this_run"].value == 0
