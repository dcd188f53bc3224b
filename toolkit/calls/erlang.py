"""Erlang C and Erlang A: the steady-state queue models behind :mod:`toolkit.calls`.

Erlang C (M/M/n) for callers who wait as long as it takes; Erlang A (Palm's M/M/n+M) for
callers who hang up when the wait reaches their patience. The parameter names are those of
the :mod:`toolkit.calls` glossary.

Examples
--------
>>> m = queue_metrics(calls_per_hour=200, handle_seconds=180, staff=14, target_seconds=20)
>>> round(m.p_wait, 3), round(m.answered_within_target, 3)
(0.174, 0.888)
>>> queue_metrics(calls_per_hour=200, handle_seconds=180, staff=0)
Traceback (most recent call last):
...
toolkit.errors.ModelError: staff must be a whole number of handlers, at least 1; got 0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from toolkit.core.params import check_number
from toolkit.errors import ModelError

__all__ = ["MAX_STAFF", "MAX_SWEEP_LEVELS", "QueueMetrics", "erlang_b", "erlang_c", "queue_metrics"]

_MAX_QUEUE_STATES = 5_000_000

# --------------------------------------------------------------------------- checks


# The largest staffing any function accepts: more handlers than any control room in England
# and Wales has, and small enough that a sweep or a simulation stays quick and in memory.
MAX_STAFF = 20_000
# The most staffing levels one sweep computes (a plot of more would not be read).
MAX_SWEEP_LEVELS = 2_000


def _staff(value: Any, name: str = "staff") -> int:
    ok = isinstance(value, int | np.integer | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or not float(value).is_integer() or value < 1:
        raise ModelError(f"{name} must be a whole number of handlers, at least 1; got {value!r}")
    if value > MAX_STAFF:
        raise ModelError(f"{name} must be at most {MAX_STAFF:,} handlers; got {int(value):,}")
    return int(value)


def _patience(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isinf(value) and value > 0):
        return None
    return check_number("patience_seconds", value)


def _target(value: Any) -> float:
    if isinstance(value, float) and math.isinf(value) and value > 0:
        return math.inf
    return check_number("target_seconds", value, strict=False)


# --------------------------------------------------------------------------- formulas


def erlang_b(staff: int, load: float) -> float:
    """Erlang's loss formula: the share of calls blocked when ``staff`` lines carry ``load``.

    Computed with the standard recursion ``B(k) = A B(k-1) / (k + A B(k-1))``, which never
    forms a factorial, so it stays accurate for thousands of lines.

    Parameters
    ----------
    staff : int
        Lines or handlers (at least 1).
    load : float
        Offered traffic in erlangs (calls per hour x hours per call).

    Returns
    -------
    float
        The blocking probability.

    Examples
    --------
    Westbay's Erlang B calculator manual: 15 lines carry 8.108 erlangs at 1% blocking.

    >>> round(erlang_b(15, 8.108), 4)
    0.01
    >>> erlang_b(15, -1)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: load must be a finite number greater than 0; got -1
    """
    n = _staff(staff)
    a = check_number("load", load)
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(staff: int, load: float) -> float:
    """Erlang's delay formula: the share of callers who have to wait (callers never hang up).

    Parameters
    ----------
    staff : int
        Handlers (at least 1).
    load : float
        Offered traffic in erlangs; must be below ``staff``.

    Returns
    -------
    float
        The probability that a caller waits at all.

    Examples
    --------
    >>> round(erlang_c(14, 10.0), 4)
    0.1741
    >>> erlang_c(10, 10.0)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: Erlang C has no steady state: the load (10 erlangs) is not below the staff (10), so the queue grows without limit. Add staff, reduce demand or handling time, or give a patience time (Erlang A).
    """  # noqa: E501
    n = _staff(staff)
    a = check_number("load", load)
    _check_stable(n, a)
    b = erlang_b(n, a)
    return n * b / (n - a * (1.0 - b))


def _check_stable(n: int, a: float) -> None:
    if a >= n:
        raise ModelError(
            f"Erlang C has no steady state: the load ({a:.3g} erlangs) is not below the staff "
            f"({n}), so the queue grows without limit. Add staff, reduce demand or handling "
            "time, or give a patience time (Erlang A)."
        )


@dataclass(frozen=True)
class QueueMetrics:
    """What a caller experiences in the long run, from :func:`queue_metrics`.

    Shares are of all offered calls. ``mean_wait_seconds`` counts every caller's time in the
    queue, until answered or until hanging up; ``mean_wait_answered_seconds`` counts only
    callers who were answered (what a helpline usually reports as its average wait).
    """

    model: str
    calls_per_hour: float
    handle_seconds: float
    staff: int
    patience_seconds: float | None
    target_seconds: float
    load: float
    occupancy: float
    p_wait: float
    answered: float
    abandoned: float
    answered_within_target: float
    mean_wait_seconds: float
    mean_wait_answered_seconds: float

    def as_dict(self) -> dict[str, Any]:
        """The metrics as a plain dict (one row of a DataFrame)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def describe(self) -> str:
        """One plain-English sentence, used as the text under figures."""
        patience = (
            "callers never hang up"
            if self.patience_seconds is None
            else f"callers wait {self.patience_seconds / 60:.3g} minutes on average before "
            "hanging up"
        )
        target = "" if math.isinf(self.target_seconds) else f"{self.target_seconds:g} seconds"
        within = (
            f"; {self.answered_within_target:.0%} are answered within {target}" if target else ""
        )
        return (
            f"{self.model}: {self.calls_per_hour:g} calls an hour, "
            f"{self.handle_seconds / 60:.3g} minutes to handle each, {self.staff} staff, and "
            f"{patience}. {self.answered:.0%} of calls are answered{within}; the average wait "
            f"of answered callers is {_minutes(self.mean_wait_answered_seconds)}."
        )


def _minutes(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} seconds"
    return f"{seconds / 60:.1f} minutes"


def queue_metrics(
    *,
    calls_per_hour: float,
    handle_seconds: float,
    staff: int,
    patience_seconds: float | None = None,
    target_seconds: float = 20.0,
) -> QueueMetrics:
    """Long-run performance of a call queue: Erlang C, or Erlang A when callers hang up.

    Parameters
    ----------
    calls_per_hour, handle_seconds, staff, patience_seconds, target_seconds
        See the module glossary. ``target_seconds=math.inf`` makes the target "answered at all".

    Returns
    -------
    QueueMetrics
        Shares answered, abandoned and answered within the target; mean waits; occupancy.

    Raises
    ------
    ModelError
        For a non-positive input, fractional staff, or an Erlang C queue whose load is not
        below the staff (give a patience time to model an overloaded service).

    Examples
    --------
    Call Centre Helper's worked example (100 calls per half hour, 3 minutes each, 14 agents):

    >>> m = queue_metrics(calls_per_hour=200, handle_seconds=180, staff=14, target_seconds=20)
    >>> round(m.occupancy, 3), round(m.mean_wait_seconds, 1)
    (0.714, 7.8)

    An overloaded helpline where callers give up after ten minutes on average:

    >>> m = queue_metrics(calls_per_hour=300, handle_seconds=480, staff=24,
    ...                   patience_seconds=600)
    >>> round(m.answered, 2), round(m.mean_wait_answered_seconds / 60, 1)
    (0.6, 4.9)
    >>> queue_metrics(calls_per_hour=300, handle_seconds=480, staff=24)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: Erlang C has no steady state: the load (40 erlangs) is not below the staff (24), so the queue grows without limit. Add staff, reduce demand or handling time, or give a patience time (Erlang A).
    """  # noqa: E501
    lam = check_number("calls_per_hour", calls_per_hour) / 3600.0
    h = check_number("handle_seconds", handle_seconds)
    n = _staff(staff)
    patience = _patience(patience_seconds)
    t = _target(target_seconds)
    if patience is None:
        return _erlang_c_metrics(lam, h, n, t, erlang_b_value=None)
    return _erlang_a_metrics(lam, h, n, patience, t, erlang_b_value=None)


def _erlang_c_metrics(
    lam: float, h: float, n: int, t: float, *, erlang_b_value: float | None
) -> QueueMetrics:
    a = lam * h
    _check_stable(n, a)
    b = erlang_b(n, a) if erlang_b_value is None else erlang_b_value
    c = n * b / (n - a * (1.0 - b))
    drain = n / h - lam  # rate at which a queue empties
    within = 1.0 if math.isinf(t) else 1.0 - c * math.exp(-drain * t)
    wait = c / drain
    return QueueMetrics(
        "Erlang C", lam * 3600, h, n, None, t, a, a / n, c, 1.0, 0.0, within, wait, wait
    )


def _queue_terms(x: float, y: float) -> np.ndarray:
    """log of pi(n+j)/pi(n) for j = 1..J in Erlang A (x = n mu/theta, y = lambda/theta)."""
    peak = max(0, math.ceil(y - x))
    length = peak + math.ceil(10.0 * math.sqrt(y)) + 30
    if x + 1 > y:  # every ratio y/(x+j) is below one: a geometric bound is enough
        length = min(length, math.ceil(45.0 / math.log((x + 1) / y)) + 2)
    if length > _MAX_QUEUE_STATES:
        raise ModelError(
            f"patience_seconds is too long for Erlang A at this load ({length} queue states "
            "needed); leave patience_seconds as None to use Erlang C"
        )
    j = np.arange(1, length + 1, dtype=float)
    return np.cumsum(math.log(y) - np.log(x + j))


def _erlang_a_metrics(
    lam: float, h: float, n: int, patience: float, t: float, *, erlang_b_value: float | None
) -> QueueMetrics:
    mu, theta = 1.0 / h, 1.0 / patience
    a = lam * h
    b = erlang_b(n, a) if erlang_b_value is None else erlang_b_value
    if b == 0.0:  # so many handlers that nobody ever waits (underflow of a tiny probability)
        return QueueMetrics("Erlang A", lam * 3600, h, n, patience, t, a, a / n, 0.0, 1.0, 0.0,
                            1.0, 0.0, 0.0)  # fmt: skip
    x, y = n * mu / theta, lam / theta
    log_terms = np.concatenate(([0.0], _queue_terms(x, y)))  # j = 0..J, relative to pi(n)
    top = float(log_terms.max())
    log_queue = top + math.log(float(np.exp(log_terms - top).sum()))
    # normaliser relative to pi(n): sum over k < n is (1 - B) / B, then the queue states
    log_z = float(np.logaddexp(math.log1p(-b) - math.log(b), log_queue))
    w = np.exp(log_terms - log_z)  # P(an arrival finds all busy and j already waiting)
    j = np.arange(w.size, dtype=float)
    served = x / (x + j + 1.0)  # P(served | j ahead): telescoping product
    p_wait = float(w.sum())
    abandoned = float((w * (1.0 - served)).sum())
    answered = 1.0 - abandoned
    mean_wait = abandoned / theta  # E[W] = P(Ab) / theta for exponential patience
    wait_if_served = served * np.cumsum(1.0 / (x + j + 1.0)) / theta
    mean_wait_answered = float((w * wait_if_served).sum()) / answered
    if math.isinf(t):
        within = answered
    else:
        within = (1.0 - p_wait) + float((w * served * _reg_beta_steps(theta * t, x + 1.0,
                                                                        w.size)).sum())  # fmt: skip
    occupancy = lam * answered * h / n
    return QueueMetrics(
        "Erlang A",
        lam * 3600,
        h,
        n,
        patience,
        t,
        a,
        min(occupancy, 1.0),
        min(p_wait, 1.0),
        answered,
        abandoned,
        min(max(within, 0.0), 1.0),
        mean_wait,
        mean_wait_answered,
    )


def _reg_beta_steps(theta_t: float, b: float, size: int) -> np.ndarray:
    """I_p(j+1, b) for j = 0..size-1, p = 1 - exp(-theta_t): the regularised incomplete beta.

    A caller with j ahead is answered within t without hanging up with probability
    ``x/(x+j+1) * I_p(j+1, x+1)``: the wait is the (j+1)-th order statistic of Exp(theta)
    variables (Renyi's representation), discounted by the caller's own patience. The
    recursion ``I(a+1, b) = I(a, b) - p^a (1-p)^b / (a B(a, b))`` uses terms below one, so
    its absolute error stays near machine precision.
    """
    if theta_t == 0.0:
        return np.zeros(size)
    first = -math.expm1(-theta_t * b)  # I_p(1, b)
    if size == 1:
        return np.array([first])
    log_p = math.log(-math.expm1(-theta_t))
    k = np.arange(2, size, dtype=float)
    log_first_term = math.log(b) + log_p - theta_t * b
    log_terms = log_first_term + np.concatenate(([0.0], np.cumsum(log_p + np.log((k + b - 1) / k))))
    return np.clip(first - np.concatenate(([0.0], np.cumsum(np.exp(log_terms)))), 0.0, 1.0)
