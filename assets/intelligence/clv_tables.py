"""CLV tables from the dbt summaries: checks the minimums, fits (clv_fit.py) on one row per distinct (frequency,
recency, T), and writes analytics.customer_clv, analytics.clv_model and analytics.clv_example_profiles in one
transaction, so a failure at any step leaves the previous tables as they were.

Per-customer figures are joined back in SQL from the per-group predictions; the Gamma-Gamma expected order value
(Fader & Hardie's note 025, equation 5) is a closed form of each customer's frequency and mean repeat value, also
computed in SQL. Predicted CLV = predicted orders x expected order value over the prediction range, undiscounted.
`fit_id` is the first 16 hex digits of a SHA-256 of the settings, the as-of date and a fingerprint of the
summaries (their count and sum of row hashes): the same data and settings give the same id on every run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import duckdb
import pandas as pd

from assets.intelligence.clv_config import CLV_FILE, ClvConfig
from assets.intelligence.clv_fit import (
    ClvFitError,
    ModelFit,
    fit_frequency_model,
    fit_gamma_gamma,
    predict_groups,
)

SUMMARIES = "analytics.clv_customer_summaries"
BACKTEST_SUMMARIES = "analytics.clv_backtest_summaries"
CUSTOMER_CLV = "analytics.customer_clv"
CLV_MODEL = "analytics.clv_model"
EXAMPLE_PROFILES = "analytics.clv_example_profiles"


class ClvMinimumsError(ClvFitError):
    """The store lacks what CLV needs; the message names every minimum not met, its figure and its setting."""


@dataclass(frozen=True)
class ClvRun:
    """What one run wrote: the row counts of the tables and the figures of analytics.clv_model."""

    row_counts: dict[str, int]
    model: dict[str, object]


def check_minimums(con: duckdb.DuckDBPyConnection, config: ClvConfig) -> None:
    """Every minimum of config/clv.yaml against the summaries, in one query; ClvMinimumsError naming each unmet."""
    minimums = config.minimums
    customers, history_days, recent, with_3_orders = con.execute(
        f"""
        select
            count(*),
            coalesce(max(date_diff('day', first_purchase_date, as_of_date)), 0),
            count(*) filter (where date_diff('day', last_purchase_date, as_of_date) < ?),
            count(*) filter (where historic_orders >= 3)
        from {SUMMARIES}
        """,
        [minimums.recent_order_days],
    ).fetchone()
    checks = [
        (customers, minimums.customers_with_orders, "customers_with_orders",
         "customers with orders in the historic range"),
        (history_days, minimums.history_days, "history_days", "days from the first order to the as-of date"),
        (recent, 1, "recent_order_days",
         f"customers with an order in the {minimums.recent_order_days} days up to the as-of date"),
        (with_3_orders, minimums.customers_with_3_orders, "customers_with_3_orders", "customers with 3 or more orders"),
    ]
    unmet = [
        f"{what}: {found} found, {needed} needed (minimums.{setting} of {config.source_file or CLV_FILE})"
        for found, needed, setting, what in checks if found < needed
    ]
    if unmet:
        raise ClvMinimumsError("CLV not fitted, nothing written; the store does not meet: " + "; ".join(unmet))


def check_summaries_settings(con: duckdb.DuckDBPyConnection, config: ClvConfig) -> None:
    """The summaries were built with this config's order metric, ranges and as-of date; a ClvFitError naming the
    models to rebuild if not, so a changed config/clv.yaml never fits the summaries of the settings before it."""
    checks = [
        (SUMMARIES, ["order_metric", "historic_range_days"], [config.order_metric, config.historic_range_days]),
        (BACKTEST_SUMMARIES, ["order_metric", "historic_range_days", "backtest_holdout_days"],
         [config.order_metric, config.historic_range_days, config.backtest_holdout_days]),
    ]
    if config.as_of is not None:
        checks.append((SUMMARIES, ["as_of_date"], [config.as_of]))
    for table, columns, expected in checks:
        built = con.execute(f"select distinct {', '.join(columns)} from {table}").fetchall()
        if built and built != [tuple(expected)]:
            found = "; ".join(", ".join(f"{name} {value}" for name, value in zip(columns, row, strict=True))
                              for row in built)
            wanted = ", ".join(f"{name} {value}" for name, value in zip(columns, expected, strict=True))
            raise ClvFitError(
                f"{table} was built with {found}, but {config.source_file or CLV_FILE} says {wanted}: materialize "
                "analytics/clv_customer_summaries and analytics/clv_backtest_summaries (dbt) again first; "
                "nothing written"
            )


def _frequency_groups(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    return con.execute(
        f"select frequency, recency_days, t_days, count(*) as customers from {table} group by all order by all"
    ).df()


def _value_groups(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    return con.execute(
        f"select frequency, monetary_value, count(*) as customers from {table} where frequency > 0 "
        "group by all order by all"
    ).df()


def _fit_models(con: duckdb.DuckDBPyConnection, table: str, config: ClvConfig) -> tuple[ModelFit, ModelFit]:
    frequency = fit_frequency_model(_frequency_groups(con, table), config.frequency_model, config.days_per_unit,
                                    config.penalizer_coef)
    value = fit_gamma_gamma(_value_groups(con, table), config.gamma_gamma_tolerance, config.penalizer_coef)
    return frequency, value


def _expected_order_value_sql(value: ModelFit, prefix: str) -> tuple[str, list[float]]:
    """SQL of the Gamma-Gamma conditional expected order value of `prefix`.frequency / monetary_value, with its
    parameters: a weighted mean of the customer's repeat mean and the population mean p v / (q - 1)."""
    p, q, v = value.params["p"], value.params["q"], value.params["v"]
    weight = f"(? * {prefix}.frequency / (? * {prefix}.frequency + ? - 1))"
    return (f"((1 - {weight}) * ? + {weight} * {prefix}.monetary_value)",
            [p, p, q, v * p / (q - 1), p, p, q])


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register(f"{name}_frame", frame)
    con.execute(f"create or replace temp table {name} as select * from {name}_frame")
    con.unregister(f"{name}_frame")


def _backtest(con: duckdb.DuckDBPyConnection, config: ClvConfig) -> dict[str, object]:
    """Fit on the calibration summaries, predict the hold-out, compare with what happened and with the naive
    baseline: each customer's repeat purchase days per day since their first purchase (frequency / T, 0 when T is
    0) times the hold-out days, at their mean purchase-day value. Orders here are purchase days, as the model's."""
    try:
        frequency, value = _fit_models(con, BACKTEST_SUMMARIES, config)
    except ClvFitError as exc:
        raise ClvFitError(f"back-test (fitted on the orders up to as-of minus "
                          f"{config.backtest_holdout_days} days): {exc}") from exc
    groups = _frequency_groups(con, BACKTEST_SUMMARIES)
    _register(con, "clv_backtest_predictions", predict_groups(
        frequency, groups, config.days_per_unit, config.backtest_holdout_days, next_order_horizon_days=1))
    order_value, value_params = _expected_order_value_sql(value, "calibration")
    row = con.execute(
        f"""
        with per_customer as (
            select
                calibration.holdout_purchase_days as actual_orders,
                calibration.holdout_revenue as actual_revenue,
                predictions.predicted_orders,
                predictions.predicted_orders * {order_value} as predicted_revenue,
                case when calibration.t_days > 0
                    then calibration.frequency / calibration.t_days * ? else 0 end as baseline_orders,
                calibration.historic_clv / calibration.purchase_days as purchase_value,
                calibration.calibration_end_date
            from {BACKTEST_SUMMARIES} as calibration
            inner join clv_backtest_predictions as predictions
                using (frequency, recency_days, t_days)
        )
        select
            max(calibration_end_date), count(*),
            sum(predicted_orders), sum(actual_orders), sum(baseline_orders),
            sum(predicted_revenue), sum(actual_revenue), sum(baseline_orders * purchase_value),
            avg(abs(predicted_orders - actual_orders)), avg(abs(baseline_orders - actual_orders)),
            avg(abs(predicted_revenue - actual_revenue)), avg(abs(baseline_orders * purchase_value - actual_revenue))
        from per_customer
        """,
        [*value_params, config.backtest_holdout_days],
    ).fetchone()
    con.execute("drop table clv_backtest_predictions")
    names = ["calibration_end_date", "customers", "predicted_orders", "actual_orders", "baseline_orders",
             "predicted_revenue", "actual_revenue", "baseline_revenue", "model_orders_mae", "baseline_orders_mae",
             "model_revenue_mae", "baseline_revenue_mae"]
    return {f"backtest_{name}": value for name, value in zip(names, row, strict=True)}


def _fit_id(con: duckdb.DuckDBPyConnection, config: ClvConfig, as_of_date: object) -> str:
    count, fingerprint = con.execute(
        f"select count(*), sum(hash(profile_id, frequency, recency_days, t_days, monetary_value, historic_clv, "
        f"historic_orders)) from {SUMMARIES}"
    ).fetchone()
    payload = json.dumps([config.model_dump(mode="json"), str(as_of_date), count, str(fingerprint)], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


CUSTOMER_CLV_SQL = f"""
    create or replace table {CUSTOMER_CLV} as
    with scored as (
        select
            summaries.*,
            predictions.predicted_orders,
            predictions.probability_alive,
            predictions.next_order_days,
            {{order_value}} as expected_order_value
        from {SUMMARIES} as summaries
        inner join clv_group_predictions as predictions
            using (frequency, recency_days, t_days)
    ),
    final as (
        select
            profiles.profile_id,
            coalesce(scored.historic_clv, 0) as historic_clv,
            scored.predicted_orders * scored.expected_order_value as predicted_clv,
            coalesce(scored.historic_clv, 0) + coalesce(scored.predicted_orders * scored.expected_order_value, 0)
                as total_clv,
            coalesce(scored.historic_orders, 0)::bigint as historic_orders,
            scored.predicted_orders,
            scored.historic_clv / scored.historic_orders as average_order_value,
            case when scored.frequency > 0 then scored.recency_days / scored.frequency end
                as average_days_between_orders,
            (scored.as_of_date + scored.next_order_days::integer)::date as expected_next_order_date,
            1 - scored.probability_alive as churn_risk,
            scored.probability_alive,
            ?::varchar as fit_id,
            ?::date as as_of_date,
            scored.expected_order_value,
            scored.first_purchase_date as first_order_date,
            scored.last_purchase_date as last_order_date,
            scored.purchase_days
        from marts.profiles as profiles
        left join scored
            on profiles.profile_id = scored.profile_id
    )
    select * from final
"""

# The five example profiles of the CLV dashboard, by rule (rank, name, description, condition); among the
# profiles a rule matches, the one with the highest total CLV (then the smallest profile_id) is shown.
EXAMPLE_RULES = [
    (1, "frequent_recent", "more than 3 orders, the last within 90 days", "historic_orders > 3 and days <= 90"),
    (2, "repeat_recent", "2 orders, the last within 90 days", "historic_orders = 2 and days <= 90"),
    (3, "new", "1 order, within the last 60 days", "historic_orders = 1 and days <= 60"),
    (4, "frequent_lapsed", "more than 3 orders, the last over 180 days ago", "historic_orders > 3 and days > 180"),
    (5, "one_time_lapsed", "1 order, over 60 days ago", "historic_orders = 1 and days > 60"),
]
EXAMPLE_PROFILES_SQL = f"""
    create or replace table {EXAMPLE_PROFILES} as
    with rules as (
        select * from (values {", ".join(f"({rank}, '{name}', '{text}')" for rank, name, text, _ in EXAMPLE_RULES)})
            as rules (example_rank, example, rule)
    ),
    candidates as (
        select *, case {" ".join(f"when {condition} then {rank}" for rank, _, _, condition in EXAMPLE_RULES)}
            end as example_rank
        from (
            select *, date_diff('day', last_order_date, as_of_date) as days
            from {CUSTOMER_CLV} where historic_orders > 0
        ) as clv
    ),
    chosen as (
        select *, row_number() over (partition by example_rank order by total_clv desc, profile_id) as pick
        from candidates where example_rank is not null
    ),
    final as (
        select
            rules.example_rank, rules.example, rules.rule, chosen.profile_id, chosen.historic_orders,
            chosen.last_order_date, chosen.days as days_since_last_order, chosen.historic_clv,
            chosen.predicted_clv, chosen.total_clv, chosen.predicted_orders, chosen.churn_risk,
            chosen.expected_next_order_date, ?::varchar as fit_id, ?::date as as_of_date
        from rules
        left join chosen
            on rules.example_rank = chosen.example_rank and chosen.pick = 1
    )
    select * from final order by example_rank
"""


def build_clv_tables(con: duckdb.DuckDBPyConnection, config: ClvConfig) -> ClvRun:
    """Check, fit, back-test and write the three CLV tables in one transaction; ClvFitError (minimums included)
    before anything is written, and a rollback of all three on any error while writing."""
    check_summaries_settings(con, config)
    check_minimums(con, config)
    frequency, value = _fit_models(con, SUMMARIES, config)
    backtest = _backtest(con, config)
    groups = _frequency_groups(con, SUMMARIES)
    _register(con, "clv_group_predictions", predict_groups(
        frequency, groups, config.days_per_unit, config.prediction_range_days, config.next_order_horizon_days))
    as_of_date = con.execute(f"select max(as_of_date) from {SUMMARIES}").fetchone()[0]
    fit_id = _fit_id(con, config, as_of_date)
    model = {
        "fit_id": fit_id, "as_of_date": as_of_date, "order_metric": config.order_metric,
        "frequency_model": config.frequency_model, "time_unit": config.time_unit,
        "historic_range_days": config.historic_range_days, "prediction_range_days": config.prediction_range_days,
        **frequency.params, "frequency_log_likelihood": frequency.log_likelihood,
        **value.params, "gamma_gamma_log_likelihood": value.log_likelihood,
        "customers": frequency.customers, "repeat_buyers": int(groups.loc[groups["frequency"] > 0, "customers"].sum()),
        "gamma_gamma_customers": value.customers, "backtest_holdout_days": config.backtest_holdout_days,
        **backtest,
    }
    order_value, value_params = _expected_order_value_sql(value, "summaries")
    con.execute("begin transaction")
    try:
        con.execute(CUSTOMER_CLV_SQL.format(order_value=order_value), [*value_params, fit_id, as_of_date])
        con.execute(
            f"create or replace table {CLV_MODEL} as select "
            + ", ".join(f"? as {name}" for name in model)
            + ", current_timestamp as fitted_at",
            list(model.values()),
        )
        con.execute(EXAMPLE_PROFILES_SQL, [fit_id, as_of_date])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.execute("drop table if exists clv_group_predictions")
    row_counts = {table: con.execute(f"select count(*) from {table}").fetchone()[0]
                  for table in (CUSTOMER_CLV, CLV_MODEL, EXAMPLE_PROFILES)}
    return ClvRun(row_counts=row_counts, model=model)
