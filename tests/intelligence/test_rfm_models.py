"""The RFM models over hand-made orders: every customer's figures, cut-offs, scores and group at each snapshot, the
group sizes, the transitions and the current group with its previous one, each computed here by hand; and a store
below the minimums fails naming them, with no analytics.customer_rfm written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest
import yaml

SCORING_MODELS = ("rfm_customer_spans", "rfm_snapshots", "customer_rfm")
RFM_MODELS = (*SCORING_MODELS, "rfm_group_sizes", "rfm_transitions", "customer_rfm_current")

# (profile, ordered_at, net_total). X is Champions at the end of February, then At Risk at the end of March and at the
# as-of date; Y orders twice on one day (frequency counts orders); F's order at 23:30 on March 31 at UTC-2 is an
# April 1 order in UTC.
ORDERS = [
    ("X", datetime(2025, 1, 5, 10, tzinfo=UTC), 100),
    ("X", datetime(2025, 1, 20, 9, tzinfo=UTC), 50),
    ("X", datetime(2025, 1, 20, 18, tzinfo=UTC), 50),
    ("X", datetime(2025, 2, 20, 12, tzinfo=UTC), 200),
    ("A", datetime(2025, 1, 10, 8, tzinfo=UTC), 50),
    ("B", datetime(2025, 1, 14, 8, tzinfo=UTC), 30),
    ("B", datetime(2025, 3, 25, 8, tzinfo=UTC), 30),
    ("C", datetime(2025, 2, 3, 8, tzinfo=UTC), 80),
    ("C", datetime(2025, 3, 28, 8, tzinfo=UTC), 40),
    ("C", datetime(2025, 4, 10, 8, tzinfo=UTC), 60),
    ("D", datetime(2025, 2, 10, 8, tzinfo=UTC), 20),
    ("E", datetime(2025, 2, 25, 8, tzinfo=UTC), 150),
    ("E", datetime(2025, 4, 15, 8, tzinfo=UTC), 10),
    ("F", datetime(2025, 3, 5, 8, tzinfo=UTC), 25),
    ("F", datetime(2025, 3, 31, 23, 30, tzinfo=timezone(timedelta(hours=-2))), 25),
    ("G", datetime(2025, 3, 20, 8, tzinfo=UTC), 300),
    ("H", datetime(2025, 4, 2, 8, tzinfo=UTC), 45),
    ("Y", datetime(2025, 2, 1, 8, tzinfo=UTC), 15),
    ("Y", datetime(2025, 2, 1, 9, tzinfo=UTC), 15),
    ("Z", datetime(2025, 3, 12, 8, tzinfo=UTC), 40),
    ("W", datetime(2025, 3, 18, 8, tzinfo=UTC), 35),
]
# Orders the built-in metric leaves out: cancelled, $0 and fully refunded. The cancelled one is the newest order of
# the store; it would move the as-of date to April 20 if it counted.
LEFT_OUT = [
    ("A", datetime(2025, 4, 20, 8, tzinfo=UTC), 0, True),
    ("D", datetime(2025, 3, 1, 8, tzinfo=UTC), 0, False),
]
# January 31 has 3 customers, below the 4 the test's minimums ask for, so it is not a snapshot.
SNAPSHOTS = [date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 15)]
CANDIDATES = [date(2025, 1, 31), *SNAPSHOTS]


def write_orders(warehouse_path: Path, stand_in: Callable) -> None:
    rows = [
        {"order_key": f"o{index}", "profile_id": profile, "ordered_at": at, "net_total": value, "total": value,
         "is_cancelled": False}
        for index, (profile, at, value) in enumerate(ORDERS)
    ] + [
        {"order_key": f"x{index}", "profile_id": profile, "ordered_at": at, "net_total": value, "total": 20,
         "is_cancelled": cancelled}
        for index, (profile, at, value, cancelled) in enumerate(LEFT_OUT)
    ]
    con = duckdb.connect(str(warehouse_path))
    stand_in(con, "marts.orders", rows)
    stand_in(con, "marts.metric_events", [])
    con.close()


def rfm_config(copy_config: Callable[[], Path], **changes: object) -> Path:
    config_dir = copy_config()
    path = config_dir / "rfm.yaml"
    settings = yaml.safe_load(path.read_text())
    settings.update(changes)
    path.write_text(yaml.safe_dump(settings))
    return config_dir


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (SQL percentile_cont)."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def group_of(recency: int, frequency: int, monetary: int) -> str:
    """The shipped map of config/rfm.yaml, read off its comments."""
    if (recency, frequency, monetary) == (3, 3, 3):
        return "Champions"
    if recency >= 2 and frequency >= 2:
        return "Loyal"
    if frequency == 1:
        return {3: "Recent", 2: "Needs Attention"}.get(recency, "At Risk" if monetary == 3 else "Inactive")
    return "At Risk"


def expected_figures(snapshot: date, lookback_days: int | None) -> dict[str, tuple[int, int, float]]:
    """profile -> (recency_days, frequency, monetary) of each customer with an order on or before `snapshot`."""
    figures = {}
    for profile in sorted({profile for profile, _, _ in ORDERS}):
        orders = [(at.astimezone(UTC).date(), value) for who, at, value in ORDERS if who == profile]
        orders = [(day, value) for day, value in orders if day <= snapshot]
        if not orders:
            continue
        counted = [value for day, value in orders
                   if lookback_days is None or day > snapshot - timedelta(days=lookback_days)]
        figures[profile] = ((snapshot - max(day for day, _ in orders)).days, len(counted), float(sum(counted)))
    return figures


def expected_cutoffs(snapshot: date, lookback_days: int | None) -> list[float]:
    """Lower and upper tercile of recency days, frequency and monetary, in that order."""
    figures = expected_figures(snapshot, lookback_days)
    return [percentile([row[measure] for row in figures.values()], fraction)
            for measure in range(3) for fraction in (1 / 3, 2 / 3)]


def expected_snapshot(snapshot: date, lookback_days: int | None) -> dict[str, tuple]:
    """profile -> (recency_days, frequency, monetary, recency_score, frequency_score, monetary_score, group)."""
    recency_low, recency_high, frequency_low, frequency_high, monetary_low, monetary_high = expected_cutoffs(
        snapshot, lookback_days)
    scored = {}
    for profile, (recency_days, frequency, monetary) in expected_figures(snapshot, lookback_days).items():
        recency_score = 3 if recency_days < recency_low else 2 if recency_days < recency_high else 1
        frequency_score = 3 if frequency > frequency_high else 2 if frequency > frequency_low else 1
        monetary_score = 3 if monetary > monetary_high else 2 if monetary > monetary_low else 1
        scored[profile] = (recency_days, frequency, monetary, recency_score, frequency_score, monetary_score,
                           group_of(recency_score, frequency_score, monetary_score))
    return scored


def read(warehouse_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse_path)) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("lookback_days", [None, 45])
def test_scores_groups_sizes_transitions_and_current_group_match_a_hand_computation(
    warehouse_path, stand_in, build_analytics, copy_config, lookback_days
):
    write_orders(warehouse_path, stand_in)
    config_dir = rfm_config(copy_config, lookback_days=lookback_days, minimums={"customers": 4, "history_days": 30})
    build_analytics(*RFM_MODELS, config_dir=config_dir)

    # The minimums hold at January 31 except for customers (3): it is a candidate, not a snapshot.
    assert len(expected_snapshot(CANDIDATES[0], lookback_days)) == 3
    expected = {snapshot: expected_snapshot(snapshot, lookback_days) for snapshot in SNAPSHOTS}
    # Compared exactly: a value on a cut-off takes the lower score, so a cut-off off by a rounding error moves it.
    cutoffs = read(warehouse_path, """
        select snapshot_date, previous_snapshot_date, is_latest_snapshot, customers, recency_low_cutoff,
            recency_high_cutoff, frequency_low_cutoff, frequency_high_cutoff, monetary_low_cutoff, monetary_high_cutoff
        from analytics.rfm_snapshots order by snapshot_date
    """)
    assert cutoffs == [
        (snapshot, SNAPSHOTS[position - 1] if position else None, snapshot == SNAPSHOTS[-1],
         len(expected[snapshot]), *expected_cutoffs(snapshot, lookback_days))
        for position, snapshot in enumerate(SNAPSHOTS)
    ]
    rows = read(warehouse_path, """
        select snapshot_date, profile_id, recency_days, frequency, monetary, recency_score, frequency_score,
            monetary_score, rfm_group, is_latest_snapshot, previous_snapshot_date, previous_snapshot_rfm_group
        from analytics.customer_rfm order by snapshot_date, profile_id
    """)
    want = []
    for position, snapshot in enumerate(SNAPSHOTS):
        previous = SNAPSHOTS[position - 1] if position else None
        for profile, scored in sorted(expected[snapshot].items()):
            previous_group = expected[previous].get(profile, (None,) * 7)[6] if previous else None
            want.append((snapshot, profile, *scored, snapshot == SNAPSHOTS[-1], previous, previous_group))
    assert rows == want

    # The path the brief asks for, on the whole history: Champions, At Risk, At Risk.
    if lookback_days is None:
        assert [expected[snapshot]["X"][6] for snapshot in SNAPSHOTS] == ["Champions", "At Risk", "At Risk"]

    sizes = read(warehouse_path, """
        select snapshot_date, rfm_group, customers, customer_share, group_order from analytics.rfm_group_sizes
        order by snapshot_date, group_order
    """)
    groups = ["Champions", "Loyal", "Recent", "Needs Attention", "At Risk", "Inactive"]
    want_sizes = []
    for snapshot in SNAPSHOTS:
        counts = Counter(scored[6] for scored in expected[snapshot].values())
        total = len(expected[snapshot])
        want_sizes += [(snapshot, group, counts[group], pytest.approx(counts[group] / total), order)
                       for order, group in enumerate(groups, start=1)]
    assert sizes == want_sizes

    transitions = read(warehouse_path, """
        select from_snapshot_date, to_snapshot_date, from_rfm_group, to_rfm_group, customers, from_group_share
        from analytics.rfm_transitions
    """)
    want_transitions = []
    for earlier, later in zip(SNAPSHOTS, SNAPSHOTS[1:], strict=False):
        moves = Counter((expected[earlier].get(profile, (None,) * 7)[6], scored[6])
                        for profile, scored in expected[later].items())
        from_sizes = Counter(scored[6] for scored in expected[earlier].values())
        want_transitions += [
            (earlier, later, source, target, count,
             None if source is None else pytest.approx(count / from_sizes[source]))
            for (source, target), count in moves.items()
        ]
    def key(row):
        return (row[0], row[2] or "", row[3])

    assert sorted(transitions, key=key) == sorted(want_transitions, key=key)

    current = read(warehouse_path, """
        select profile_id, snapshot_date, recency_score, frequency_score, monetary_score, rfm_group,
            previous_rfm_group, rfm_group_changed_date
        from analytics.customer_rfm_current order by profile_id
    """)
    want_current = []
    for profile, scored in sorted(expected[SNAPSHOTS[-1]].items()):
        history = [(snapshot, expected[snapshot][profile][6]) for snapshot in SNAPSHOTS
                   if profile in expected[snapshot]]
        group = history[-1][1]
        earlier_groups = [(snapshot, past) for snapshot, past in history if past != group]
        previous_group = earlier_groups[-1][1] if earlier_groups else None
        changed = min(snapshot for snapshot, _ in history
                      if not earlier_groups or snapshot > earlier_groups[-1][0])
        want_current.append((profile, SNAPSHOTS[-1], *scored[3:6], group, previous_group, changed))
    assert current == want_current
    if lookback_days is None:
        assert want_current[[row[0] for row in want_current].index("X")][5:] == (
            "At Risk", "Champions", date(2025, 3, 31))


def test_week_and_quarter_snapshots_are_interval_ends_within_the_history(
    warehouse_path, stand_in, build_analytics, copy_config
):
    write_orders(warehouse_path, stand_in)
    for interval, snapshots in [
        # ISO weeks run Monday to Sunday; the history starts on Sunday January 5 (X's first order), so the first
        # whole week ends on January 12. The as-of date, Tuesday April 15, is the last snapshot.
        ("week", [date(2025, 1, 12) + timedelta(days=7 * week) for week in range(14)] + [date(2025, 4, 15)]),
        # No quarter lies wholly in the history: the as-of date is the only snapshot.
        ("quarter", [date(2025, 4, 15)]),
    ]:
        config_dir = rfm_config(copy_config, snapshot_interval=interval, minimums={"customers": 1, "history_days": 0})
        build_analytics(*SCORING_MODELS, config_dir=config_dir)
        rows = read(warehouse_path, "select distinct snapshot_date from analytics.customer_rfm order by 1")
        assert [row[0] for row in rows] == snapshots


def test_a_store_below_the_minimums_is_told_so_and_gets_no_customer_rfm(
    warehouse_path, stand_in, build_analytics
):
    write_orders(warehouse_path, stand_in)
    with pytest.raises(AssertionError) as failure:
        build_analytics(*RFM_MODELS)
    message = str(failure.value)
    assert "the store is too small or too young for meaningful groups" in message
    assert "customers with an order: 12, below the minimum of 500 (" in message
    assert "config/rfm.yaml minimums.customers)" in message
    # January 5 (the first order) to April 15 (the newest one the metric counts).
    assert "days of order history: 100, below the minimum of 180 (" in message
    assert "config/rfm.yaml minimums.history_days)" in message
    tables = read(warehouse_path, "select table_name from information_schema.tables where table_schema = 'analytics'")
    assert tables == []


def test_a_store_meeting_one_minimum_is_told_only_of_the_other(
    warehouse_path, stand_in, build_analytics, copy_config
):
    write_orders(warehouse_path, stand_in)
    config_dir = rfm_config(copy_config, minimums={"customers": 12, "history_days": 101})
    with pytest.raises(AssertionError) as failure:
        build_analytics(*SCORING_MODELS, config_dir=config_dir)
    message = str(failure.value)
    assert "days of order history: 100, below the minimum of 101" in message
    assert "minimums.customers" not in message
    assert read(warehouse_path, "select count(*) from information_schema.tables where table_name = 'customer_rfm'") == [
        (0,)]
