"""Segment membership, its history across runs and the segments using CLV, written in one transaction.

Tables (schema analytics):
- segment_membership: one row per segment or list and current member; is_activatable is false for suppressed
  profiles (consent per channel stays a condition of its own); entered_at is when the current stay began.
- segment_membership_history: one row per stay (segment_name, profile_id, entered_at, left_at null while a member).
  A run closes the stays of profiles no longer in (left, merged away, segment removed from the config) and opens
  one for each new member, both at the run's start, so a re-run on the same data changes nothing and a profile that
  leaves and comes back gets a second row.
- segment_clv_attributes: one row per segment reading a CLV attribute (itself or through the segments it refers
  to): the attributes, the current size and the latest entry or exit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from assets.intelligence.segments.condition_sql import EVENTS, compile_membership
from assets.intelligence.segments.list_files import ListReport, match_list_files
from assets.intelligence.segments.segments_config import SegmentsConfig
from connectors.warehouse.duckdb_file import qualified

MEMBERSHIP = qualified("analytics", "segment_membership")
HISTORY = qualified("analytics", "segment_membership_history")
CLV_ATTRIBUTES = qualified("analytics", "segment_clv_attributes")
MEMBERS_NOW = "segment_members_now"


@dataclass
class SegmentsRun:
    """What one run found and changed, per segment or list name."""

    as_of: dt.date | None
    members: dict[str, int] = field(default_factory=dict)
    activatable: dict[str, int] = field(default_factory=dict)
    entered: dict[str, int] = field(default_factory=dict)
    left: dict[str, int] = field(default_factory=dict)
    lists: ListReport = field(default_factory=ListReport)
    table_rows: dict[str, int] = field(default_factory=dict)


def newest_event_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The run's as-of: the UTC date of the newest event, so a re-run on the same data gives the same members."""
    return con.execute(f"select cast(timezone('UTC', max(event_at)) as date) from {EVENTS}").fetchall()[0][0]


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists analytics")
    con.execute(f"""create table if not exists {MEMBERSHIP} (
        segment_name varchar not null, kind varchar not null, profile_id varchar not null,
        is_activatable boolean not null, entered_at timestamp with time zone not null)""")
    con.execute(f"""create table if not exists {HISTORY} (
        segment_name varchar not null, profile_id varchar not null,
        entered_at timestamp with time zone not null, left_at timestamp with time zone)""")
    con.execute(f"""create table if not exists {CLV_ATTRIBUTES} (
        segment_name varchar not null, clv_attributes varchar[] not null, profiles bigint not null,
        last_changed_at timestamp with time zone)""")


def _counts(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, int]:
    return dict(con.execute(sql).fetchall())


def close_stays(con: duckdb.DuckDBPyConnection, run_started_at: dt.datetime) -> dict[str, int]:
    """End the open stays of profiles no longer members; returns how many left, per segment."""
    leaving = f"""
        from {HISTORY} as stays
        where stays.left_at is null and not exists (
            select 1 from {MEMBERS_NOW} as now
            where now.segment_name = stays.segment_name and now.profile_id = stays.profile_id)"""
    left = _counts(con, f"select segment_name, count(*) {leaving} group by segment_name")
    con.execute(f"""
        update {HISTORY} set left_at = $run_started_at
        where left_at is null and not exists (
            select 1 from {MEMBERS_NOW} as now
            where now.segment_name = {HISTORY}.segment_name and now.profile_id = {HISTORY}.profile_id)
    """, {"run_started_at": run_started_at})
    return left


def open_stays(con: duckdb.DuckDBPyConnection, run_started_at: dt.datetime) -> dict[str, int]:
    """Start a stay for each member without an open one; returns how many entered, per segment."""
    entering = f"""
        from {MEMBERS_NOW} as now
        where not exists (
            select 1 from {HISTORY} as stays
            where stays.left_at is null and stays.segment_name = now.segment_name
                and stays.profile_id = now.profile_id)"""
    entered = _counts(con, f"select segment_name, count(*) {entering} group by segment_name")
    con.execute(
        f"insert into {HISTORY} select now.segment_name, now.profile_id, $run_started_at, null {entering}",
        {"run_started_at": run_started_at},
    )
    return entered


def write_current(con: duckdb.DuckDBPyConnection) -> None:
    """analytics.segment_membership: the members of this run, each with the start of its open stay."""
    con.execute(f"delete from {MEMBERSHIP}")
    con.execute(f"""
        insert into {MEMBERSHIP}
        select now.segment_name, now.kind, now.profile_id, now.is_activatable, stays.entered_at
        from {MEMBERS_NOW} as now
        inner join {HISTORY} as stays
            on stays.segment_name = now.segment_name and stays.profile_id = now.profile_id
            and stays.left_at is null
        order by now.segment_name, now.profile_id
    """)


def write_clv_attributes(con: duckdb.DuckDBPyConnection, config: SegmentsConfig) -> None:
    """analytics.segment_clv_attributes: the segments using CLV, their size and their latest change."""
    using = [(segment.name, config.clv_attributes(segment.name)) for segment in config.segments]
    using = [(name, attributes) for name, attributes in using if attributes]
    con.execute(f"delete from {CLV_ATTRIBUTES}")
    if not using:
        return
    con.execute(f"""
        insert into {CLV_ATTRIBUTES}
        with segments as (
            select unnest($names) as segment_name, unnest($attributes) as clv_attributes
        ),
        sizes as (
            select segment_name, count(*) as profiles from {MEMBERSHIP} group by segment_name
        ),
        changes as (
            select segment_name, greatest(max(entered_at), max(left_at)) as last_changed_at
            from {HISTORY} group by segment_name
        )
        select segments.segment_name, segments.clv_attributes, coalesce(sizes.profiles, 0), changes.last_changed_at
        from segments
        left join sizes on sizes.segment_name = segments.segment_name
        left join changes on changes.segment_name = segments.segment_name
        order by segments.segment_name
    """, {"names": [name for name, _ in using], "attributes": [attributes for _, attributes in using]})


def write_segment_tables(con: duckdb.DuckDBPyConnection, config: SegmentsConfig, run_started_at: dt.datetime,
                         run: SegmentsRun) -> None:
    """The three tables from the members of this run, in one transaction: a failure leaves the previous state."""
    con.execute("begin transaction")
    try:
        _create_tables(con)
        run.left = close_stays(con, run_started_at)
        run.entered = open_stays(con, run_started_at)
        write_current(con)
        write_clv_attributes(con, config)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    for table in (MEMBERSHIP, HISTORY, CLV_ATTRIBUTES):
        run.table_rows[table] = con.execute(f"select count(*) from {table}").fetchall()[0][0]


def refresh_segments(con: duckdb.DuckDBPyConnection, config: SegmentsConfig, config_dir: Path,
                     run_started_at: dt.datetime) -> SegmentsRun:
    """Evaluate every segment and list over the warehouse and write the three tables; `run_started_at` (UTC) is
    the time of every entry and exit this run records."""
    if run_started_at.tzinfo is None:
        raise ValueError(f"run_started_at {run_started_at} has no time zone; entries and exits are UTC times")
    run = SegmentsRun(as_of=newest_event_date(con))
    if config.lists:
        run.lists = match_list_files(con, config, config_dir)
    query = compile_membership(config, run.as_of)
    con.execute(f"create or replace temp table {MEMBERS_NOW} as {query.sql}", query.parameters)
    for name, members, activatable in con.execute(
        f"select segment_name, count(*), count(*) filter (where is_activatable) from {MEMBERS_NOW} group by 1"
    ).fetchall():
        run.members[name] = members
        run.activatable[name] = activatable
    for name in [segment.name for segment in config.segments] + [item.name for item in config.lists]:
        run.members.setdefault(name, 0)
        run.activatable.setdefault(name, 0)
    write_segment_tables(con, config, run_started_at, run)
    return run
