"""Hand-written DuckDB queries for the intelligence figures, what a DuckDB expert would write for each over the same
marts: no contracts, no cross-database macros, no config beyond the few settings a figure needs.

Each is timed beside the dbt model that computes the figure (its execution time in dbt's run_results.json), so the
bench reports every SQL figure as a ratio, and each is checked to give as many rows as the model.
"""

from __future__ import annotations

from dataclasses import dataclass

from assets.intelligence.catalog_config import CatalogConfig
from assets.intelligence.clv_config import ClvConfig
from assets.intelligence.order_metric import NET_ORDERS
from assets.intelligence.rfm_config import RfmConfig


@dataclass(frozen=True)
class FigureReference:
    """One SQL figure: the dbt model computing it, and the hand-written query for the same rows. `upstream` names the
    analytics models the model reads, which the reference computes itself: their time counts toward the figure."""

    figure: str
    model: str
    sql: str
    upstream: tuple[str, ...] = ()

    @property
    def models(self) -> tuple[str, ...]:
        """Every model whose SQL makes the figure, in build order."""
        return (*self.upstream, self.model)


# The order days of the built-in net orders: a purchase is a UTC day with orders of a profile.
_NET_ORDER_DAYS = """
    select profile_id, cast(timezone('UTC', ordered_at) as date) as day, sum(net_total)::double as value,
           count(*) as orders
    from marts.orders
    where net_total > 0 and profile_id is not null
    group by all
"""


def _clv_summaries_sql(range_days: int, offset_days: int) -> str:
    return f"""
        with days as ({_NET_ORDER_DAYS}),
        bounds as (select max(day) - {offset_days} as as_of from days),
        kept as (
            select days.*, row_number() over (partition by profile_id order by day) as n
            from days, bounds
            where day <= as_of and day > as_of - {range_days}
        )
        select profile_id, min(day) as first_day, max(day) as last_day, count(*) - 1 as frequency,
               max(day) - min(day) as recency_days, any_value(as_of) - min(day) as t_days,
               coalesce(avg(value) filter (where n > 1), 0) as monetary_value, sum(value) as historic_clv,
               sum(orders) as historic_orders
        from kept, bounds
        group by profile_id
    """


def clv_references(config: ClvConfig) -> list[FigureReference]:
    """The CLV summaries and the back-test's calibration and hold-out, for the built-in order metric only."""
    if config.order_metric != NET_ORDERS or config.as_of is not None:
        return []
    holdout = config.backtest_holdout_days
    backtest = f"""
        with calibration as ({_clv_summaries_sql(config.historic_range_days, holdout)}),
        days as ({_NET_ORDER_DAYS}),
        bounds as (select max(day) as as_of from days),
        holdout as (
            select days.profile_id, count(distinct day) as purchase_days, sum(orders) as orders,
                   sum(value) as revenue
            from days, bounds
            where day > as_of - {holdout} and day <= as_of
            group by days.profile_id
        )
        select calibration.*, coalesce(holdout.purchase_days, 0) as holdout_purchase_days,
               coalesce(holdout.orders, 0) as holdout_orders, coalesce(holdout.revenue, 0) as holdout_revenue
        from calibration left join holdout using (profile_id)
    """
    return [
        FigureReference("CLV summaries", "clv_customer_summaries",
                        _clv_summaries_sql(config.historic_range_days, 0)),
        FigureReference("CLV back-test summaries", "clv_backtest_summaries", backtest),
    ]


def rfm_reference(config: RfmConfig) -> list[FigureReference]:
    """Every customer's RFM scores and group per snapshot, by joining order days to snapshots."""
    if config.order_metric != NET_ORDERS:
        return []
    settings = config.as_dbt_var()
    interval = settings["snapshot_interval"]
    low, high = settings["percentile_cutoffs"]
    window = "" if config.lookback_days is None else f"and day > snapshot_date - {int(config.lookback_days)}"
    groups = " ".join(
        f"when {int(code)} then '{group}'" for code, group in settings["score_groups"].items()
    )
    sql = f"""
        with days as ({_NET_ORDER_DAYS}),
        history as (select min(day) as first_day, max(day) as as_of from days),
        snapshots as (
            select snapshot_date from (
                select cast(last_day(date_trunc('{interval}', d)) as date) as snapshot_date
                from history, range(history.first_day, history.as_of + 1, interval 1 day) as t(d)
                union select as_of from history
            ), history
            where snapshot_date <= as_of and date_trunc('{interval}', snapshot_date) >= first_day
        ),
        measured as (
            select s.snapshot_date, d.profile_id,
                   any_value(s.snapshot_date) - max(d.day) as recency_days,
                   sum(d.orders) filter (where true {window}) as frequency,
                   coalesce(sum(d.value) filter (where true {window}), 0) as monetary
            from snapshots as s join days as d on d.day <= s.snapshot_date
            group by s.snapshot_date, d.profile_id
        ),
        kept as (
            select measured.* from measured, history
            where snapshot_date - first_day >= {config.minimums.history_days}
              and snapshot_date in (select snapshot_date from measured group by 1
                                    having count(*) >= {config.minimums.customers})
        ),
        cutoffs as (
            select snapshot_date,
                   quantile_cont(recency_days, {low}) as r1, quantile_cont(recency_days, {high}) as r2,
                   quantile_cont(frequency, {low}) as f1, quantile_cont(frequency, {high}) as f2,
                   quantile_cont(monetary, {low}) as m1, quantile_cont(monetary, {high}) as m2
            from kept group by 1
        ),
        scored as (
            select kept.*,
                   case when recency_days < r1 then 3 when recency_days < r2 then 2 else 1 end as r,
                   case when frequency > f2 then 3 when frequency > f1 then 2 else 1 end as f,
                   case when monetary > m2 then 3 when monetary > m1 then 2 else 1 end as m
            from kept join cutoffs using (snapshot_date)
        )
        select *, case r * 100 + f * 10 + m {groups} end as rfm_group from scored
    """
    return [FigureReference("RFM scores per snapshot", "customer_rfm", sql,
                            upstream=("rfm_customer_spans", "rfm_snapshots"))]


# Kept order lines: orders not cancelled, lines naming a product.
_LINES = """
    select l.order_key, l.profile_id, l.ordered_at, cast(timezone('UTC', l.ordered_at) as date) as day,
           l.product_id, l.quantity, l.line_total, o.currency
    from marts.order_lines as l join marts.orders as o using (order_key)
    where l.product_id is not null and not coalesce(o.is_cancelled, false)
"""


# Each customer's purchase days of each product, and the gap from the one before.
_PRODUCT_GAPS = f"""with lines as ({_LINES}),
        days as (select distinct profile_id, product_id, day from lines),
        gaps as (
            select product_id, profile_id,
                   day - lag(day) over (partition by profile_id, product_id order by day) as gap
            from days
        )"""


def catalog_references(config: CatalogConfig) -> list[FigureReference]:
    """The five catalog tables, each by the shortest query a DuckDB user would write."""
    performance = f"""
        with lines as ({_LINES})
        select coalesce(p.category, 'none') as category, lines.product_id, count(distinct order_key) as orders,
               sum(quantity) as units, sum(line_total) as revenue, count(distinct profile_id) as customers
        from lines left join marts.products as p using (product_id)
        group by grouping sets ((coalesce(p.category, 'none'), lines.product_id), (coalesce(p.category, 'none')))
    """
    gaps = f"""
        {_PRODUCT_GAPS}
        select product_id, count(distinct profile_id) as customers,
               count(distinct profile_id) filter (where gap is not null) as repeat_customers, count(gap) as gaps,
               quantile_cont(gap, 0.25) as p25, median(gap) as median_days, quantile_cont(gap, 0.75) as p75
        from gaps group by product_id
        having count(gap) > 0
    """
    next_order = f"""
        with lines as ({_LINES}),
        orders as (
            select order_key, profile_id,
                   lead(order_key) over (partition by profile_id order by min(ordered_at), order_key) as next_key
            from lines group by order_key, profile_id
        ),
        products as (select distinct order_key, product_id from lines),
        followed as (
            select x.product_id as product_id, y.product_id as next_product_id, count(distinct o.order_key) as n
            from orders as o join products as x on x.order_key = o.order_key
            join products as y on y.order_key = o.next_key
            group by all
        )
        select * from followed where n >= {config.next_order_min_orders}
    """
    same_cart = f"""
        with lines as ({_LINES}),
        products as (select distinct order_key, product_id from lines),
        per_product as (select product_id, count(*) as orders from products group by 1),
        total as (select count(distinct order_key) as orders from products),
        pairs as (
            select a.product_id as a, b.product_id as b, count(*) as both_orders
            from products as a join products as b on a.order_key = b.order_key and a.product_id <> b.product_id
            group by all having count(*) >= {config.same_cart_min_orders}
        )
        select pairs.*, both_orders / total.orders as support, both_orders / pa.orders as confidence,
               (both_orders / pa.orders) / (pb.orders / total.orders) as lift
        from pairs, total, per_product as pa, per_product as pb
        where pa.product_id = pairs.a and pb.product_id = pairs.b
    """
    next_product = f"""
        {_PRODUCT_GAPS},
        timing as (
            select product_id, median(gap) as median_days from gaps group by 1
            having count(distinct profile_id) filter (where gap is not null)
                   >= {config.replenishable_min_repeat_customers}
        ),
        last_days as (select profile_id, product_id, max(day) as last_day from days group by all)
        select last_days.*, last_day + cast(round(median_days) as integer) as expected_next_purchase_date
        from last_days join timing using (product_id)
    """
    return [
        FigureReference("product performance", "product_performance", performance),
        FigureReference("product repeat timing", "product_repeat_timing", gaps),
        FigureReference("product next order", "product_next_order", next_order),
        FigureReference("products in the same cart", "product_same_cart", same_cart),
        FigureReference("customer next product", "customer_next_product", next_product,
                        upstream=("product_repeat_timing",)),
    ]
