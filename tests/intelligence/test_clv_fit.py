"""Tests of the CLV fits (assets/intelligence/clv_fit.py): data simulated from known BG/NBD, modified BG/NBD and
Gamma-Gamma parameters gives them back within their sampling error, and the predictions match the published
closed forms computed here."""

from __future__ import annotations

import importlib.resources
import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from assets.intelligence.clv_fit import (
    ClvFitError,
    fit_frequency_model,
    fit_gamma_gamma,
    predict_groups,
)

BGNBD = {"r": 0.5, "alpha": 20.0, "a": 0.8, "b": 2.5}  # alpha in days: a mean purchase rate of 1 in 40 days
GAMMA_GAMMA = {"p": 6.0, "q": 4.0, "v": 15.0}


def _simulate_frequency_groups(seed: int, customers: int, drop_after_first: bool) -> pd.DataFrame:
    """BG/NBD (or, `drop_after_first`, modified BG/NBD) customers observed for a whole number of days T from their
    first purchase at 0: purchases come at Poisson rate lambda ~ Gamma(r, alpha); after each repeat purchase (and,
    modified, after the first) the customer drops out with probability p ~ Beta(a, b). Grouped by pattern."""
    rng = np.random.default_rng(seed)
    rates = rng.gamma(BGNBD["r"], 1 / BGNBD["alpha"], customers)
    dropouts = rng.beta(BGNBD["a"], BGNBD["b"], customers)
    ages = rng.integers(100, 731, customers)
    rows = []
    for rate, dropout, age in zip(rates, dropouts, ages, strict=True):
        time, repeats, last = 0.0, 0, 0.0
        alive = not (drop_after_first and rng.random() < dropout)
        while alive:
            time += rng.exponential(1 / rate)
            if time > age:
                break
            repeats, last = repeats + 1, time
            alive = rng.random() >= dropout
        rows.append((repeats, last, int(age)))
    frame = pd.DataFrame(rows, columns=["frequency", "recency_days", "t_days"])
    return frame.groupby(["frequency", "recency_days", "t_days"]).size().rename("customers").reset_index()


def _within_3_se(fit, truth: dict[str, float]) -> dict[str, tuple[float, float, float]]:
    """The parameters farther than 3 standard errors from the truth: name -> (fitted, truth, se)."""
    return {
        name: (fit.params[name], value, fit.standard_errors[name])
        for name, value in truth.items()
        if abs(fit.params[name] - value) > 3 * fit.standard_errors[name]
    }


@pytest.mark.parametrize("model", ["bgnbd", "modified_bgnbd"])
def test_simulated_frequency_model_gives_its_parameters_back(model):
    groups = _simulate_frequency_groups(seed=11, customers=10_000, drop_after_first=model == "modified_bgnbd")
    assert groups["customers"].sum() == 10_000 and len(groups) < 10_000  # one-time buyers of one age share a row
    fit = fit_frequency_model(groups, model, days_per_unit=1.0, penalizer_coef=0.0)
    assert fit.customers == 10_000
    assert _within_3_se(fit, BGNBD) == {}


def test_parameters_in_weeks_are_the_day_parameters_with_alpha_over_7():
    groups = _simulate_frequency_groups(seed=3, customers=3_000, drop_after_first=True)
    days = fit_frequency_model(groups, "modified_bgnbd", days_per_unit=1.0, penalizer_coef=0.0)
    weeks = fit_frequency_model(groups, "modified_bgnbd", days_per_unit=7.0, penalizer_coef=0.0)
    for name in ("r", "a", "b"):
        assert weeks.params[name] == pytest.approx(days.params[name], rel=1e-3)
    assert weeks.params["alpha"] == pytest.approx(days.params["alpha"] / 7, rel=1e-3)


def test_simulated_gamma_gamma_gives_its_parameters_back():
    rng = np.random.default_rng(5)
    customers = 5_000
    frequency = rng.integers(1, 11, customers)
    scales = rng.gamma(GAMMA_GAMMA["q"], 1 / GAMMA_GAMMA["v"], customers)  # nu ~ Gamma(q, v), per customer
    spend = [rng.gamma(GAMMA_GAMMA["p"], 1 / nu, x).mean() for nu, x in zip(scales, frequency, strict=True)]
    values = pd.DataFrame({"frequency": frequency, "monetary_value": spend, "customers": 1})
    one_time = pd.DataFrame({"frequency": [0], "monetary_value": [0.0], "customers": [800]})
    fit = fit_gamma_gamma(pd.concat([values, one_time]), tolerance=1e-6, penalizer_coef=0.0)
    assert fit.customers == customers  # one-time buyers carry no spend information
    assert _within_3_se(fit, GAMMA_GAMMA) == {}


def _bgnbd_closed_form(params, x, t_x, age, t):
    """Probability alive and E[Y(t) | x, t_x, T] of the BG/NBD, Fader, Hardie & Lee (2005), equations (10), (13)."""
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    odds = (a / (b + x - 1)) * ((alpha + age) / (alpha + t_x)) ** (r + x) if x > 0 else 0.0
    hyp = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + age + t))
    expected = ((a + b + x - 1) / (a - 1)) * (1 - ((alpha + age) / (alpha + age + t)) ** (r + x) * hyp)
    return 1 / (1 + odds), expected / (1 + odds)


def _modified_bgnbd_closed_form(params, x, t_x, age, t):
    """The same for the modified BG/NBD, Batislam, Denizel & Filiztekin (2007), equations (11) and (12)."""
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    odds = (a / (b + x)) * ((alpha + age) / (alpha + t_x)) ** (r + x)
    hyp = hyp2f1(r + x, b + x + 1, a + b + x, t / (alpha + age + t))
    expected = ((a + b + x) / (a - 1)) * (1 - ((alpha + age) / (alpha + age + t)) ** (r + x) * hyp)
    return 1 / (1 + odds), expected / (1 + odds)


@pytest.mark.parametrize(("model", "closed_form"), [("bgnbd", _bgnbd_closed_form),
                                                     ("modified_bgnbd", _modified_bgnbd_closed_form)])
def test_predictions_match_the_published_closed_forms(model, closed_form):
    fit = fit_frequency_model(_simulate_frequency_groups(seed=2, customers=3_000, drop_after_first=True), model,
                              days_per_unit=7.0, penalizer_coef=0.0)
    customers = pd.DataFrame({"frequency": [0, 0, 2, 7, 1], "recency_days": [0, 0, 70, 300, 10],
                              "t_days": [14, 400, 100, 310, 500], "customers": 1})
    predicted = predict_groups(fit, customers, days_per_unit=7.0, prediction_range_days=91,
                               next_order_horizon_days=365)
    for row, (x, t_x, age) in enumerate(customers[["frequency", "recency_days", "t_days"]].itertuples(index=False)):
        alive, expected = closed_form(fit.params, x, t_x / 7, age / 7, 91 / 7)
        assert predicted["probability_alive"][row] == pytest.approx(alive, rel=1e-9)
        assert predicted["predicted_orders"][row] == pytest.approx(expected, rel=1e-9)
        next_days = predicted["next_order_days"][row]
        if closed_form(fit.params, x, t_x / 7, age / 7, 365 / 7)[1] < 1:
            assert pd.isna(next_days)
        else:  # the first whole day on which one order is expected
            assert closed_form(fit.params, x, t_x / 7, age / 7, next_days / 7)[1] >= 1
            assert closed_form(fit.params, x, t_x / 7, age / 7, (next_days - 1) / 7)[1] < 1
    if model == "bgnbd":  # the trap the modified model avoids: a one-time buyer of any age is alive for sure
        assert list(predicted["probability_alive"][:2]) == [1.0, 1.0]
    else:
        assert predicted["probability_alive"][1] < predicted["probability_alive"][0] < 1
    assert predicted["next_order_days"].notna().any() and predicted["next_order_days"].isna().any()
    assert math.isfinite(fit.log_likelihood) and fit.log_likelihood < 0


def test_no_repeat_buyers_or_one_customer_fail_naming_what_is_missing():
    one_time = pd.DataFrame({"frequency": [0, 0], "recency_days": [0, 0], "t_days": [30, 40], "customers": [5, 5]})
    with pytest.raises(ClvFitError, match="repeat buyers"):
        fit_frequency_model(one_time, "modified_bgnbd", days_per_unit=1.0, penalizer_coef=0.0)
    alone = pd.DataFrame({"frequency": [3], "recency_days": [20], "t_days": [40], "customers": [1]})
    with pytest.raises(ClvFitError, match="at least 2 customers"):
        fit_frequency_model(alone, "bgnbd", days_per_unit=1.0, penalizer_coef=0.0)
    with pytest.raises(ClvFitError, match="Gamma-Gamma needs at least 2 repeat buyers"):
        fit_gamma_gamma(pd.DataFrame({"frequency": [2], "monetary_value": [10.0], "customers": [1]}), 1e-6, 0.0)


def test_cdnow_summaries_by_hand_give_the_published_bgnbd_fit_and_likelihood():
    """Fader, Hardie & Lee (2005): r 0.243, alpha 4.414, a 0.793, b 2.426 and log-likelihood -9582.4 on the 2357
    customers of CDNOW's 39-week calibration (to 1997-09-30), in weeks; several transactions of a day are one."""
    path = importlib.resources.files("lifetimes") / "datasets" / "CDNOW_sample.txt"
    orders = pd.read_csv(path, sep=r"\s+", header=None, names=["customer", "index", "day", "cds", "dollars"],
                         dtype={"day": str})
    orders = orders[orders["day"] <= "19970930"]
    days = orders.assign(day=pd.to_datetime(orders["day"])).groupby("customer")["day"].agg(["min", "max", "nunique"])
    end = pd.Timestamp("1997-09-30")
    summaries = pd.DataFrame({"frequency": days["nunique"] - 1, "recency_days": (days["max"] - days["min"]).dt.days,
                              "t_days": (end - days["min"]).dt.days})
    groups = summaries.value_counts().rename("customers").reset_index()
    fit = fit_frequency_model(groups, "bgnbd", days_per_unit=7.0, penalizer_coef=0.0)
    assert fit.customers == 2357
    assert {name: round(value, 3) for name, value in fit.params.items()} == {
        "r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)
