"""Segment conditions compiled into one DuckDB select of (segment_name, kind, profile_id, is_activatable).

Every leaf becomes a select of profile_ids over the marts and analytics tables, `all` an intersect, `any` a union
and `not` the profiles minus the condition, so the whole run is one query the warehouse plans at once. Values reach
the query only as named parameters; the identifiers are the table names below and the columns of the allow-list in
columns.py, quoted by `quote_ident`; CTE names are built from positions (`segment_3`), never from user text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assets.intelligence.segments.columns import CLV_COLUMNS, PROFILE_COLUMNS, RFM_COLUMNS, ColumnType
from assets.intelligence.segments.segments_config import JSON_COLUMNS, Condition, SegmentsConfig
from connectors.warehouse.duckdb_file import qualified, quote_ident

PROFILES = qualified("marts", "profiles")
CONSENT = qualified("marts", "consent")
EVENTS = qualified("marts", "events")
METRIC_EVENTS = qualified("marts", "metric_events")
IDENTITY_MERGES = qualified("marts", "identity_merges")
CUSTOMER_CLV = qualified("analytics", "customer_clv")
CUSTOMER_RFM = qualified("analytics", "customer_rfm_current")
# The profiles of a list's file, matched by `list_files.match_list_files` (a temporary table of this run).
LIST_MATCHES = "segment_list_matches"

_COMPARISONS = {
    "equals": "=", "greater_than": ">", "less_than": "<", "at_least": ">=", "at_most": "<=",
}


@dataclass
class CompiledQuery:
    """SQL text with `$name` placeholders and the values bound to them."""

    sql: str
    parameters: dict[str, object] = field(default_factory=dict)


@dataclass
class _Compiler:
    config: SegmentsConfig
    as_of: dt.date | None
    parameters: dict[str, object] = field(default_factory=dict)

    def param(self, value: object) -> str:
        name = f"p{len(self.parameters)}"
        self.parameters[name] = value
        return "$" + name

    def segment_cte(self, name: str) -> str:
        return f"segment_{[segment.name for segment in self.config.segments].index(name)}"

    def list_cte(self, name: str) -> str:
        return f"list_{[item.name for item in self.config.lists].index(name)}"

    def comparison(self, expression: str, column_type: ColumnType, operator: str, value: object) -> str:
        """A predicate on `expression`; dates and timestamps compare by UTC date."""
        if column_type == "timestamp":
            expression = f"cast(timezone('UTC', {expression}) as date)"

        def bound(item: object) -> str:
            placeholder = self.param(item)
            return f"cast({placeholder} as date)" if column_type in ("date", "timestamp") else placeholder

        if operator == "is_set":
            return f"{expression} is not null"
        if operator == "is_not_set":
            return f"{expression} is null"
        if operator == "not_equals":
            # As in the metric filters: a profile without the value is not equal to it.
            return f"{expression} is distinct from {bound(value)}"
        if operator == "contains":
            return f"contains(lower({expression}), lower({bound(value)}))"
        if operator == "between":
            low, high = value  # type: ignore[misc]
            return f"{expression} between {bound(low)} and {bound(high)}"
        return f"{expression} {_COMPARISONS[operator]} {bound(value)}"

    def profile_leaf(self, leaf: Condition) -> str:
        condition = leaf.profile
        assert condition is not None
        column = quote_ident(condition.column)
        if condition.column in JSON_COLUMNS:
            text = f"json_extract_string(universe.{column}, {self.param('$.' + (condition.json_key or ''))})"
            expression = {"number": f"try_cast({text} as double)", "boolean": f"try_cast({text} as boolean)"}.get(
                condition.column_type, text
            )
        else:
            assert condition.column in PROFILE_COLUMNS
            expression = f"universe.{column}"
        predicate = self.comparison(expression, condition.column_type, condition.operator, condition.value)
        return f"select universe.profile_id from universe where {predicate}"

    def attribute_leaf(self, table: str, columns: dict[str, ColumnType], attribute: str, operator: str,
                       value: object) -> str:
        # A left join: a profile without a row in the table has every attribute unset (is_not_set holds).
        assert attribute in columns
        predicate = self.comparison(f"scored.{quote_ident(attribute)}", columns[attribute], operator, value)
        return (
            f"select universe.profile_id from universe left join {table} as scored "
            f"on scored.profile_id = universe.profile_id where {predicate}"
        )

    def metric_leaf(self, leaf: Condition) -> str:
        metric = leaf.metric
        assert metric is not None
        table = METRIC_EVENTS if metric.name in self.config.custom_metrics else EVENTS
        window = ""
        if metric.within_days is not None and self.as_of is not None:
            # The last N days end on the as-of date and include both ends: N + 1 UTC calendar days.
            start = dt.datetime.combine(self.as_of - dt.timedelta(days=metric.within_days), dt.time(),
                                        tzinfo=dt.UTC)
            end = dt.datetime.combine(self.as_of + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
            window = (f" and event_at >= cast({self.param(start.isoformat())} as timestamptz)"
                      f" and event_at < cast({self.param(end.isoformat())} as timestamptz)")
        measure = "measured.event_count" if metric.measure == "count" else "measured.value_sum"
        predicate = self.comparison(f"coalesce({measure}, 0)", "number", metric.operator, metric.value)
        return (
            "select universe.profile_id from universe left join ("
            "select profile_id, count(*) as event_count, sum(value) as value_sum "
            f"from {table} where metric_name = {self.param(metric.name)}{window} group by profile_id"
            ") as measured on measured.profile_id = universe.profile_id "
            f"where {predicate}"
        )

    def condition(self, node: Condition) -> str:
        """A select of distinct profile_ids of `node`."""
        kind = node.kind
        if kind in ("all", "any"):
            operator = " intersect " if kind == "all" else " union "
            return operator.join(f"(select profile_id from ({self.condition(child)}))"
                                 for _, child in node.children)
        if kind == "not":
            (_, child), = node.children
            return f"select profile_id from universe except (select profile_id from ({self.condition(child)}))"
        if kind == "profile":
            return self.profile_leaf(node)
        if kind == "consent":
            consent = node.consent
            assert consent is not None
            return (
                f"select universe.profile_id from universe inner join {CONSENT} as consent "
                f"on consent.profile_id = universe.profile_id and consent.channel = {self.param(consent.channel)} "
                f"and consent.status = {self.param(consent.status)}"
            )
        if kind == "clv":
            clv = node.clv
            return self.attribute_leaf(CUSTOMER_CLV, CLV_COLUMNS, clv.attribute, clv.operator, clv.value)
        if kind == "rfm":
            rfm = node.rfm
            return self.attribute_leaf(CUSTOMER_RFM, RFM_COLUMNS, rfm.attribute, rfm.operator, rfm.value)
        if kind == "metric":
            return self.metric_leaf(node)
        if kind == "segment":
            return f"select profile_id from {self.segment_cte(node.segment or '')}"
        return f"select profile_id from {self.list_cte(node.list_ or '')}"


def compile_membership(config: SegmentsConfig, as_of: dt.date | None) -> CompiledQuery:
    """One select of (segment_name, kind, profile_id, is_activatable) for every segment and list of `config`.

    The profiles are those of marts.profiles not merged away (marts.identity_merges); when the config has lists,
    the temporary table of list matches must exist (`list_files.match_list_files`).
    """
    compiler = _Compiler(config, as_of)
    ctes = [
        "universe as (select * from " + PROFILES + " where profile_id not in (select merged_profile_id from "
        + IDENTITY_MERGES + " where merged_profile_id is not null))"
    ]
    members = []
    for item in config.lists:
        cte = compiler.list_cte(item.name)
        ctes.append(f"{cte} as (select profile_id from {LIST_MATCHES} where list_name = "
                    f"{compiler.param(item.name)} intersect select profile_id from universe)")
        members.append((item.name, "list", cte))
    for segment in config.in_dependency_order():
        cte = compiler.segment_cte(segment.name)
        ctes.append(f"{cte} as ({compiler.condition(segment.condition)})")
        members.append((segment.name, "segment", cte))
    if not members:
        return CompiledQuery(
            "select null::varchar as segment_name, null::varchar as kind, null::varchar as profile_id, "
            "null::boolean as is_activatable where false"
        )
    selects = [
        f"select {compiler.param(name)} as segment_name, '{kind}' as kind, {cte}.profile_id, "
        f"not universe.is_suppressed as is_activatable from {cte} inner join universe "
        f"on universe.profile_id = {cte}.profile_id"
        for name, kind, cte in members
    ]
    ctes.append("final as (" + " union all ".join(selects) + ")")
    return CompiledQuery("with " + ",\n".join(ctes) + "\nselect * from final", compiler.parameters)
