"""The house rule `make lint` adds to SQLFluff: an import CTE is read at most once (DuckDB materializes it whole)."""

from core.settings import DBT_PROJECT_DIR
from orchestration.lint_sql import import_ctes_read_twice, lint_import_ctes

READ_TWICE = """with

events as (
    select * from {{ ref('stg_segment__events') }}
),

ids as (
    select distinct anonymous_id from events
),

orders as (
    select * from events where event_name = 'Order Completed'
)

select * from orders inner join ids on orders.anonymous_id = ids.anonymous_id
"""

READ_ONCE_AND_COMPUTED_TWICE = """with

nodes as (
    select * from {{ ref('int_identity_nodes') }}
    where is_link
),

linked as (
    select identifier_type, count(*) as n from nodes group by identifier_type
)

select * from linked as a
inner join linked as b on a.identifier_type = b.identifier_type
left join {{ ref('int_identity_nodes') }} as again on a.identifier_type = again.identifier_type
"""


def test_an_import_cte_read_twice_is_reported_with_its_line():
    assert import_ctes_read_twice(READ_TWICE) == [(3, "events", 2)]


def test_an_import_cte_read_once_and_a_computed_cte_read_twice_pass():
    assert import_ctes_read_twice(READ_ONCE_AND_COMPUTED_TWICE) == []


def test_no_model_reads_an_import_cte_twice(capsys):
    assert lint_import_ctes(DBT_PROJECT_DIR / "models") == 0, capsys.readouterr().out
