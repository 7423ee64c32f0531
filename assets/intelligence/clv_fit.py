"""CLV models fitted with `lifetimes` on grouped summaries: one row per distinct (frequency, recency, T), never one
per order, so the cost follows the number of distinct purchase patterns, not of customers. Pure: frames in, frames
and parameters out; the warehouse side is clv_tables.py.

Frames of frequency groups hold `frequency`, `recency_days`, `t_days` and `customers` (how many customers share
them, lifetimes' `weights`). Times are converted to the configured unit (a week is days / 7, fractional) before
fitting, so the parameters are reported in that unit; predictions are in days and do not depend on it.

The frequency model is the modified BG/NBD (Batislam, Denizel & Filiztekin 2007) by default: after every purchase,
the first included, a customer may drop out, so a one-time buyer's probability of being alive falls as they age.
The plain BG/NBD (Fader, Hardie & Lee 2005) only lets a customer drop out after a repeat purchase, which gives every
one-time buyer a probability alive of 1 forever and a churn risk of 0; it is kept as a setting to compare with the
published BG/NBD parameters. Pareto/NBD also lets one-time buyers drop out but fits far slower (no weights in
lifetimes' fitter).
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter
from lifetimes.utils import ConvergenceError

FREQUENCY_MODELS = {"modified_bgnbd": ModifiedBetaGeoFitter, "bgnbd": BetaGeoFitter}
GROUP_KEYS = ["frequency", "recency_days", "t_days"]


class ClvFitError(RuntimeError):
    """A CLV model could not be fitted on this data; the message names the model and what to change."""


@dataclass(frozen=True)
class ModelFit:
    """A fitted lifetimes model: its parameters by name (in the time unit), total log-likelihood and customers."""

    fitter: object
    params: dict[str, float]
    standard_errors: dict[str, float]
    log_likelihood: float
    customers: int


def _fitted(fitter, name: str, fit_call, data_columns: list[str]) -> ModelFit:
    """Run `fit_call`, turning lifetimes' ConvergenceError (and its printed optimiser report) into ClvFitError;
    `data_columns` are the columns of the fitter's data its likelihood takes, in order."""
    report = io.StringIO()
    try:
        with contextlib.redirect_stdout(report):
            fit_call()
    except ConvergenceError as exc:
        raise ClvFitError(
            f"{name} did not converge: {str(exc).strip()} Optimiser report: {' '.join(report.getvalue().split())}"
        ) from exc
    weights = fitter.data["weights"]
    customers = int(weights.sum())
    summary = fitter.summary
    return ModelFit(
        fitter=fitter,
        params={name: float(value) for name, value in fitter.params_.items()},
        standard_errors={name: float(value) for name, value in summary["se(coef)"].items()},
        # lifetimes minimises the weighted mean negative log-likelihood on rescaled times; its own likelihood on the
        # data in the time unit, without the penalty, times the customers is the total log-likelihood the
        # literature reports (BG/NBD on CDNOW: -9582.4 in weeks).
        log_likelihood=float(-customers * fitter._negative_log_likelihood(
            np.log(fitter.params_.to_numpy()), *(fitter.data[column].to_numpy() for column in data_columns),
            weights.to_numpy(), 0.0,
        )),
        customers=customers,
    )


def fit_frequency_model(groups: pd.DataFrame, model: str, days_per_unit: float, penalizer_coef: float) -> ModelFit:
    """Fit `model` (modified_bgnbd or bgnbd) on frequency groups, weighted by their customers, in units of
    `days_per_unit` days; ClvFitError when it does not converge or the data cannot hold a fit."""
    if int(groups["customers"].sum()) < 2:
        raise ClvFitError("the frequency model needs at least 2 customers with orders")
    if not (groups["frequency"] > 0).any():
        raise ClvFitError("the frequency model needs repeat buyers (customers with purchases on 2 or more days)")
    fitter = FREQUENCY_MODELS[model](penalizer_coef=penalizer_coef)
    return _fitted(fitter, model, lambda: fitter.fit(
        groups["frequency"].to_numpy(),
        groups["recency_days"].to_numpy(dtype=float) / days_per_unit,
        groups["t_days"].to_numpy(dtype=float) / days_per_unit,
        weights=groups["customers"].to_numpy(),
    ), ["frequency", "recency", "T"])


def fit_gamma_gamma(values: pd.DataFrame, tolerance: float, penalizer_coef: float) -> ModelFit:
    """Fit Gamma-Gamma on repeat buyers' (frequency, monetary_value) grouped with `customers`; rows with no repeat
    purchase or a repeat value of 0 or less carry no spend information and are left out."""
    kept = values[(values["frequency"] > 0) & (values["monetary_value"] > 0)]
    if len(kept) < 2:
        raise ClvFitError("Gamma-Gamma needs at least 2 repeat buyers with a positive mean repeat purchase value")
    fitter = GammaGammaFitter(penalizer_coef=penalizer_coef)
    fit = _fitted(fitter, "Gamma-Gamma", lambda: fitter.fit(
        kept["frequency"].to_numpy(), kept["monetary_value"].to_numpy(dtype=float),
        weights=kept["customers"].to_numpy(), tol=tolerance,
    ), ["frequency", "monetary_value"])
    if fit.params["q"] <= 1:
        raise ClvFitError(
            f"Gamma-Gamma gave q = {fit.params['q']:.4g} <= 1: the population's mean order value p * v / (q - 1) "
            "is not finite; spend varies too much between customers for this model (try a penalizer_coef)"
        )
    return fit


def predict_groups(fit: ModelFit, groups: pd.DataFrame, days_per_unit: float, prediction_range_days: int,
                   next_order_horizon_days: int) -> pd.DataFrame:
    """Per frequency group: expected purchases over the prediction range, probability alive, and the days from the
    as-of date to the expected next order: the first whole day d at which the expected purchases in (0, d] reach 1,
    null when that is beyond `next_order_horizon_days` (found by bisection, about ten vectorised passes)."""
    fitter = fit.fitter
    frequency = groups["frequency"].to_numpy()
    recency = groups["recency_days"].to_numpy(dtype=float) / days_per_unit
    age = groups["t_days"].to_numpy(dtype=float) / days_per_unit

    def expected(days: np.ndarray | float) -> np.ndarray:
        horizon = np.broadcast_to(np.asarray(days, dtype=float) / days_per_unit, frequency.shape)
        return np.asarray(fitter.conditional_expected_number_of_purchases_up_to_time(horizon, frequency, recency, age),
                          dtype=float)

    low = np.zeros(len(groups), dtype=np.int64)
    high = np.full(len(groups), next_order_horizon_days, dtype=np.int64)
    reaches = expected(high) >= 1
    while (high - low > 1).any():
        middle = (low + high) // 2
        hit = expected(middle) >= 1
        high = np.where(hit, middle, high)
        low = np.where(hit, low, middle)
    return pd.DataFrame({
        **{key: groups[key].to_numpy() for key in GROUP_KEYS},
        "predicted_orders": expected(prediction_range_days),
        "probability_alive": np.asarray(fitter.conditional_probability_alive(frequency, recency, age), dtype=float),
        "next_order_days": pd.Series(high, dtype="Int64").where(reaches).to_numpy(),
    })
