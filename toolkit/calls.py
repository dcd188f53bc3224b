"""Call queues: why calls go unanswered, what staffing changes, and what an outage does.

Two queueing models and a simulation, for a helpline or a control room:

- **Erlang C** (the M/M/n queue): callers wait as long as it takes. It has no answer when the
  load (calls per hour times handling time, in erlangs) is at least the number of handlers:
  the queue then grows without limit.
- **Erlang A** (Palm's M/M/n+M queue): each caller also has a patience time and hangs up when
  the wait reaches it. This is the model for a helpline where half the calls go unanswered.
- :func:`simulate_queue`: a seeded discrete-event simulation of the same queue through an
  outage and its recovery (failed call attempts, redials, backlog, abandoned calls).

What the models leave out, and a learner should say so when using them: demand is steady
within the period modelled (real demand rises and falls through the day); handling times and
patience are exponentially distributed (real ones are not); every handler can take every call
and is on the phones the whole time (no breaks, training or other work); callers are answered
in order of arrival; callers who hang up do not ring back (in the simulation only failed
attempts are redialled). The numbers are a way to reason about a service, not a forecast of it.

Parameter names mean the same in every function:

calls_per_hour
    Offered calls per hour (the arrival rate).
handle_seconds
    Mean handling time of an answered call (talk plus wrap-up), in seconds.
staff
    Handlers taking calls at the same time (a whole number, at least 1).
patience_seconds
    Mean time a caller waits before hanging up; ``None`` means callers never hang up
    (Erlang C).
target_seconds
    The answer-time target (the 999 standard is 90% answered within 10 seconds).

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

import heapq
import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from toolkit.errors import ModelError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = [
    "QueueMetrics",
    "Simulation",
    "erlang_b",
    "erlang_c",
    "first_contact_opportunities",
    "queue_explorer",
    "first_contact_review",
    "queue_metrics",
    "reproduces",
    "scenario_grid",
    "simulate_queue",
    "simulation_figure",
    "staff_for_service_level",
    "staffing_sweep",
    "sweep_figure",
]

_BLUE, _ORANGE, _GREEN, _GREY = "#0072B2", "#D55E00", "#009E73", "#666666"  # Okabe-Ito
_MAX_QUEUE_STATES = 5_000_000


# --------------------------------------------------------------------------- checks


def _number(name: str, value: Any, *, minimum: float = 0.0, strict: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ModelError(f"{name} must be a number; got {value!r}")
    value = float(value)
    bad = not math.isfinite(value) or (value <= minimum if strict else value < minimum)
    if bad:
        relation = "greater than" if strict else "at least"
        raise ModelError(f"{name} must be a finite number {relation} {minimum:g}; got {value:g}")
    return value


def _staff(value: Any) -> int:
    ok = isinstance(value, int | np.integer | float) and not isinstance(value, bool)
    if not ok or not float(value).is_integer() or value < 1:
        raise ModelError(f"staff must be a whole number of handlers, at least 1; got {value!r}")
    return int(value)


def _patience(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isinf(value) and value > 0):
        return None
    return _number("patience_seconds", value)


def _target(value: Any) -> float:
    if isinstance(value, float) and math.isinf(value) and value > 0:
        return math.inf
    return _number("target_seconds", value, strict=False)


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
    a = _number("load", load)
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
    a = _number("load", load)
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
    lam = _number("calls_per_hour", calls_per_hour) / 3600.0
    h = _number("handle_seconds", handle_seconds)
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


# --------------------------------------------------------------------------- sweeps


def staffing_sweep(
    *,
    calls_per_hour: float,
    handle_seconds: float,
    staff: Iterable[int] | None = None,
    patience_seconds: float | None = None,
    target_seconds: float = 20.0,
) -> pd.DataFrame:
    """One row of :class:`QueueMetrics` per staffing level.

    With Erlang C (no patience), staffing levels at or below the load have no steady state:
    their rows are kept with ``stable`` False and missing figures, so a plot shows the gap.

    Parameters
    ----------
    staff : iterable of int, optional
        Staffing levels; by default 1 to twice the load plus ten.

    Returns
    -------
    pandas.DataFrame
        Columns of :class:`QueueMetrics` plus ``stable``.

    Examples
    --------
    >>> df = staffing_sweep(calls_per_hour=200, handle_seconds=180, staff=range(9, 16))
    >>> df.loc[df["staff"] == 14, "answered_within_target"].round(3).item()
    0.888
    >>> int(df["stable"].sum())
    5
    >>> staffing_sweep(calls_per_hour=200, handle_seconds=180, staff=[])
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: staff must list at least one staffing level
    """
    import pandas as pd

    lam = _number("calls_per_hour", calls_per_hour) / 3600.0
    h = _number("handle_seconds", handle_seconds)
    patience = _patience(patience_seconds)
    t = _target(target_seconds)
    a = lam * h
    levels = list(range(1, math.ceil(2 * a) + 11)) if staff is None else [_staff(s) for s in staff]
    if not levels:
        raise ModelError("staff must list at least one staffing level")
    blocking = _erlang_b_upto(max(levels), a)
    rows = []
    for n in levels:
        if patience is None and a >= n:
            rows.append({"model": "Erlang C", "staff": n, "load": a, "stable": False})
            continue
        if patience is None:
            m = _erlang_c_metrics(lam, h, n, t, erlang_b_value=blocking[n])
        else:
            m = _erlang_a_metrics(lam, h, n, patience, t, erlang_b_value=blocking[n])
        rows.append({**m.as_dict(), "stable": True})
    columns = [*QueueMetrics.__dataclass_fields__, "stable"]
    return pd.DataFrame(rows).reindex(columns=columns)


def _erlang_b_upto(n_max: int, a: float) -> list[float]:
    out = [1.0]
    b = 1.0
    for k in range(1, n_max + 1):
        b = a * b / (k + a * b)
        out.append(b)
    return out


def staff_for_service_level(
    *,
    calls_per_hour: float,
    handle_seconds: float,
    service_level: float,
    target_seconds: float,
    patience_seconds: float | None = None,
    max_staff: int = 20_000,
) -> int:
    """The fewest handlers for ``service_level`` of all calls answered within the target.

    The share answered within the target never falls when a handler is added, so a binary
    search over 1 to ``max_staff`` finds the answer in a few dozen evaluations.

    Parameters
    ----------
    service_level : float
        Required share of all calls answered within ``target_seconds`` (0 to 1, not 1).
    target_seconds : float
        Answer-time target; ``math.inf`` means "answered at all" (Erlang A only).

    Raises
    ------
    ModelError
        If the level is out of range, or cannot be reached with ``max_staff`` handlers.

    Examples
    --------
    The 999 standard (90% within 10 seconds) at 120 calls an hour, 4 minutes each:

    >>> staff_for_service_level(calls_per_hour=120, handle_seconds=240, service_level=0.9,
    ...                         target_seconds=10)
    13
    >>> staff_for_service_level(calls_per_hour=120, handle_seconds=240, service_level=1.0,
    ...                         target_seconds=10)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: service_level must be above 0 and below 1; got 1
    """
    level = _number("service_level", service_level)
    if level >= 1:
        raise ModelError(f"service_level must be above 0 and below 1; got {level:g}")
    lam = _number("calls_per_hour", calls_per_hour) / 3600.0
    h = _number("handle_seconds", handle_seconds)
    patience = _patience(patience_seconds)
    t = _target(target_seconds)
    top = _staff(max_staff)

    def meets(n: int) -> bool:
        if patience is None:
            if lam * h >= n:
                return False
            m = _erlang_c_metrics(lam, h, n, t, erlang_b_value=None)
        else:
            m = _erlang_a_metrics(lam, h, n, patience, t, erlang_b_value=None)
        return m.answered_within_target >= level

    if not meets(top):
        raise ModelError(
            f"no staffing up to max_staff={top} answers {level:.0%} of calls within "
            f"{target_seconds:g} seconds; raise max_staff or check the inputs"
        )
    low, high = 0, top  # meets(high) is True; meets(low) is False (0 staff answers nobody)
    while high - low > 1:
        mid = (low + high) // 2
        if meets(mid):
            high = mid
        else:
            low = mid
    return high


def scenario_grid(
    *,
    calls_per_hour: Sequence[float],
    handle_seconds: Sequence[float],
    patience_seconds: Sequence[float],
    staff: Sequence[int],
    target_seconds: float = 60.0,
) -> pd.DataFrame:
    """Erlang A metrics for every combination of the assumptions given (a what-if table).

    Use it to find which assumptions reproduce published figures, for example a helpline's
    share of calls answered and its average wait. Rows are in the order of the product.

    Examples
    --------
    >>> grid = scenario_grid(calls_per_hour=[100, 300], handle_seconds=[480],
    ...                      patience_seconds=[600, 1200], staff=[24])
    >>> len(grid), list(grid["answered"].round(2))
    (4, [1.0, 1.0, 0.6, 0.6])
    >>> scenario_grid(calls_per_hour=[], handle_seconds=[480], patience_seconds=[600],
    ...               staff=[24])
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: calls_per_hour must list at least one value
    """
    import itertools

    import pandas as pd

    lists = {
        "calls_per_hour": list(calls_per_hour),
        "handle_seconds": list(handle_seconds),
        "patience_seconds": list(patience_seconds),
        "staff": list(staff),
    }
    for name, values in lists.items():
        if not values:
            raise ModelError(f"{name} must list at least one value")
    rows = [
        queue_metrics(
            calls_per_hour=c, handle_seconds=hs, patience_seconds=p, staff=s,
            target_seconds=target_seconds,
        ).as_dict()
        for c, hs, p, s in itertools.product(*lists.values())
    ]  # fmt: skip
    return pd.DataFrame(rows)


def reproduces(
    grid: pd.DataFrame,
    *,
    answered: float,
    mean_wait_answered_minutes: float,
    answered_tolerance: float = 0.03,
    wait_tolerance_minutes: float = 1.5,
) -> pd.DataFrame:
    """Mark the rows of a :func:`scenario_grid` that come close to published figures.

    Adds ``answered_gap`` (percentage points), ``wait_gap_minutes`` and ``reproduces`` (both
    gaps within their tolerances), sorted with the closest rows first.

    Examples
    --------
    >>> grid = scenario_grid(calls_per_hour=[300, 350], handle_seconds=[480],
    ...                      patience_seconds=[1200], staff=[24])
    >>> reproduces(grid, answered=0.49, mean_wait_answered_minutes=13)[
    ...     ["calls_per_hour", "reproduces"]].values.tolist()
    [[350.0, True], [300.0, False]]
    >>> reproduces(grid, answered=49, mean_wait_answered_minutes=13)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: answered must be a share between 0 and 1; got 49
    """
    share = _share("answered", answered)
    wait = _number("mean_wait_answered_minutes", mean_wait_answered_minutes, strict=False)
    out = grid.copy()
    out["answered_gap"] = (out["answered"] - share) * 100
    out["wait_gap_minutes"] = out["mean_wait_answered_seconds"] / 60 - wait
    out["reproduces"] = (out["answered_gap"].abs() <= answered_tolerance * 100) & (
        out["wait_gap_minutes"].abs() <= wait_tolerance_minutes
    )
    closeness = (
        out["answered_gap"].abs() / 100 / answered_tolerance
        + out["wait_gap_minutes"].abs() / wait_tolerance_minutes
    )
    return out.assign(_close=closeness).sort_values("_close").drop(columns="_close")


# --------------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class Simulation:
    """The result of :func:`simulate_queue`: one row per call attempt, and its settings.

    ``calls`` columns: ``caller``, ``attempt`` (1 for a first try), ``arrival`` (seconds from
    the start), ``outcome`` (``answered``, ``abandoned`` or ``failed`` to connect),
    ``wait_seconds`` (time in the queue; missing for failed attempts) and ``start`` (when a
    handler answered; missing unless answered).
    """

    calls: pd.DataFrame
    settings: dict[str, Any]

    def summary(
        self,
        *,
        target_seconds: float = 10.0,
        after_hours: float = 0.0,
        before_hours: float | None = None,
    ) -> dict[str, Any]:
        """Headline figures for attempts arriving between ``after_hours`` and ``before_hours``.

        Skip a warm-up with ``after_hours``; compare a quiet spell with the analytic model by
        giving both.

        Shares of answered, abandoned and within-target are of attempts that connected.

        Examples
        --------
        >>> sim = simulate_queue(calls_per_hour=100, handle_seconds=180, staff=8, hours=2,
        ...                      seed=1)
        >>> s = sim.summary()
        >>> s["attempts"] == s["connected"], s["failed"]
        (True, 0)
        >>> sim.summary(after_hours=5)
        Traceback (most recent call last):
        ...
        toolkit.errors.ModelError: hours 5 to 2 are not a window within the 2 hours simulated
        """
        calls = self._window(after_hours, before_hours)
        connected = calls[calls["outcome"] != "failed"]
        answered = connected["outcome"] == "answered"
        waits = connected["wait_seconds"]
        callers = calls["caller"].nunique()
        reached = connected["caller"].nunique()
        n = max(len(connected), 1)
        abandoned_waits = waits[connected["outcome"] == "abandoned"]
        return {
            "attempts": int(len(calls)),
            "callers": int(callers),
            "failed": int((calls["outcome"] == "failed").sum()),
            "callers_never_connected": int(callers - reached),
            "connected": int(len(connected)),
            "answered": float(answered.sum() / n),
            "abandoned": float((~answered).sum() / n),
            "answered_within_target": float((answered & (waits <= target_seconds)).sum() / n),
            "mean_wait_seconds": float(waits.mean()) if len(waits) else 0.0,
            "mean_wait_answered_seconds": float(waits[answered].mean()) if answered.any() else 0.0,
            "longest_wait_before_hanging_up_seconds": float(abandoned_waits.max())
            if len(abandoned_waits)
            else 0.0,
        }

    def _window(self, after_hours: float, before_hours: float | None) -> pd.DataFrame:
        hours = self.settings["hours"]
        end = hours if before_hours is None else before_hours
        if not 0 <= after_hours < end <= hours:
            raise ModelError(
                f"hours {after_hours:g} to {end:g} are not a window within the {hours:g} hours "
                "simulated"
            )
        arrival = self.calls["arrival"]
        return self.calls[(arrival >= after_hours * 3600) & (arrival < end * 3600)]

    def timeline(self, *, bin_minutes: float = 15.0, target_seconds: float = 10.0) -> pd.DataFrame:
        """Counts per time bin: attempts, failed, answered, abandoned, and the queue at the end.

        ``waiting_at_end`` is the backlog: callers connected and waiting for a handler at the
        end of the bin. Shares are of connected attempts arriving in the bin.
        """
        import pandas as pd

        width = _number("bin_minutes", bin_minutes) * 60
        calls = self.calls
        edges = np.arange(0.0, self.settings["hours"] * 3600 + width, width)
        idx = np.clip(np.searchsorted(edges, calls["arrival"].to_numpy(), side="right") - 1, 0,
                      len(edges) - 2)  # fmt: skip
        outcome = calls["outcome"].to_numpy()
        wait = calls["wait_seconds"].to_numpy()
        nbins = len(edges) - 1

        def count(mask: np.ndarray) -> np.ndarray:
            return np.bincount(idx[mask], minlength=nbins)[:nbins]

        connected = outcome != "failed"
        answered = outcome == "answered"
        arrival = calls["arrival"].to_numpy()
        leave = np.where(connected, arrival + np.nan_to_num(wait), np.inf)
        ends = edges[1:]
        arrived_by = np.searchsorted(np.sort(arrival[connected]), ends, side="right")
        left_by = np.searchsorted(np.sort(leave[connected]), ends, side="right")
        n_conn = count(connected)
        with np.errstate(invalid="ignore", divide="ignore"):
            within = np.where(n_conn > 0, count(answered & (wait <= target_seconds)) / n_conn,
                              np.nan)  # fmt: skip
        return pd.DataFrame(
            {
                "bin_start_hours": edges[:-1] / 3600,
                "attempts": count(np.ones_like(connected)),
                "failed": count(~connected),
                "answered": count(answered),
                "abandoned": count(connected & ~answered),
                "answered_within_target": within,
                "waiting_at_end": arrived_by - left_by,
            }
        )


def simulate_queue(
    *,
    calls_per_hour: float | Sequence[float],
    handle_seconds: float,
    staff: int,
    hours: float,
    patience_seconds: float | None = None,
    seed: int = 0,
    outage: tuple[float, float] | None = None,
    outage_failure_share: float = 1.0,
    retry_share: float = 0.0,
    retry_mean_seconds: float = 300.0,
    max_attempts: int = 20,
) -> Simulation:
    """Simulate a call queue call by call, optionally through an outage and its recovery.

    Calls arrive at random (Poisson) at ``calls_per_hour``, which may be one rate or one rate
    per hour of the simulation (a daily profile). During ``outage`` (start and end, in hours
    from the start) a share ``outage_failure_share`` of call attempts fail to connect; a caller
    whose attempt failed tries again with probability ``retry_share`` after an exponential
    delay averaging ``retry_mean_seconds``. Connected calls queue in order of arrival for one
    of ``staff`` handlers and hang up if the wait exceeds their patience.

    The same ``seed`` gives the same calls (numpy's Generator). Random draws are made in bulk
    with numpy; the queue itself is a loop over a heap of handler free times (each caller
    takes the handler who is free first, which is exact for first-come, first-served).

    Returns
    -------
    Simulation
        Per-attempt records, with :meth:`Simulation.summary` and :meth:`Simulation.timeline`.

    Examples
    --------
    >>> sim = simulate_queue(calls_per_hour=120, handle_seconds=240, staff=12, hours=12,
    ...                      outage=(2, 4), retry_share=0.5, seed=7)
    >>> s = sim.summary()
    >>> s["failed"] > 0, s["callers"] < s["attempts"]
    (True, True)
    >>> simulate_queue(calls_per_hour=120, handle_seconds=240, staff=12, hours=12,
    ...                outage=(4, 2))
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: outage must be (start, end) in hours with 0 <= start < end <= 12; got (4, 2)
    """  # noqa: E501
    import pandas as pd

    duration_h = _number("hours", hours)
    rates = _rates(calls_per_hour, duration_h)
    h = _number("handle_seconds", handle_seconds)
    n = _staff(staff)
    patience = _patience(patience_seconds)
    share = _share("outage_failure_share", outage_failure_share)
    retry = _share("retry_share", retry_share)
    retry_mean = _number("retry_mean_seconds", retry_mean_seconds)
    if outage is not None:
        ok = len(outage) == 2 and 0 <= outage[0] < outage[1] <= duration_h
        if not ok:
            raise ModelError(
                "outage must be (start, end) in hours with 0 <= start < end <= "
                f"{duration_h:g}; got {tuple(outage)}"
            )
    rng = np.random.default_rng(seed)
    horizon = duration_h * 3600

    # first attempts: Poisson counts per hour, uniform times within each hour
    starts = np.arange(len(rates), dtype=float) * 3600
    lengths = np.minimum(starts + 3600, horizon) - starts
    counts = rng.poisson(np.asarray(rates) / 3600 * lengths)
    times = np.repeat(starts, counts) + rng.random(counts.sum()) * np.repeat(lengths, counts)
    times.sort()
    callers = np.arange(times.size)
    attempts = np.ones(times.size, dtype=int)

    # failed attempts and redials, generation by generation (failure depends only on time)
    all_t, all_c, all_a, all_failed = [], [], [], []
    gen_t, gen_c, gen_a = times, callers, attempts
    while gen_t.size:
        failed = np.zeros(gen_t.size, dtype=bool)
        if outage is not None:
            in_outage = (gen_t >= outage[0] * 3600) & (gen_t < outage[1] * 3600)
            failed = in_outage & (rng.random(gen_t.size) < share)
        all_t.append(gen_t), all_c.append(gen_c), all_a.append(gen_a), all_failed.append(failed)
        again = failed & (rng.random(gen_t.size) < retry) & (gen_a < max_attempts)
        next_t = gen_t[again] + rng.exponential(retry_mean, again.sum())
        keep = next_t < horizon
        gen_t, gen_c, gen_a = next_t[keep], gen_c[again][keep], gen_a[again][keep] + 1

    t_all = np.concatenate(all_t)
    order = np.argsort(t_all, kind="stable")
    t_all = t_all[order]
    c_all, a_all = np.concatenate(all_c)[order], np.concatenate(all_a)[order]
    failed_all = np.concatenate(all_failed)[order]

    connected = np.flatnonzero(~failed_all)
    service = rng.exponential(h, connected.size)
    if patience is None:
        limit = np.full(connected.size, np.inf)
    else:
        limit = rng.exponential(patience, connected.size)
    start, wait = _run_queue(t_all[connected], service, limit, n)

    outcome = np.full(t_all.size, "failed", dtype=object)
    outcome[connected] = np.where(np.isnan(start), "abandoned", "answered")
    wait_all = np.full(t_all.size, np.nan)
    wait_all[connected] = wait
    start_all = np.full(t_all.size, np.nan)
    start_all[connected] = start
    calls = pd.DataFrame(
        {
            "caller": c_all,
            "attempt": a_all,
            "arrival": t_all,
            "outcome": pd.Categorical(outcome, categories=["answered", "abandoned", "failed"]),
            "wait_seconds": wait_all,
            "start": start_all,
        }
    )
    settings = {
        "calls_per_hour": rates,
        "handle_seconds": h,
        "staff": n,
        "hours": duration_h,
        "patience_seconds": patience,
        "seed": seed,
        "outage": outage,
        "outage_failure_share": share,
        "retry_share": retry,
        "retry_mean_seconds": retry_mean,
    }
    return Simulation(calls, settings)


def _run_queue(
    arrival: np.ndarray, service: np.ndarray, limit: np.ndarray, staff: int
) -> tuple[np.ndarray, np.ndarray]:
    """First-come, first-served with ``staff`` handlers; callers leave when wait > limit."""
    free = [0.0] * staff  # a heap of the times at which each handler is next free
    start = np.full(arrival.size, np.nan)
    wait = np.empty(arrival.size)
    arr, svc, lim = arrival.tolist(), service.tolist(), limit.tolist()
    for i, a in enumerate(arr):
        first_free = free[0]
        begin = a if first_free <= a else first_free
        if begin - a > lim[i]:
            wait[i] = lim[i]
            continue
        heapq.heapreplace(free, begin + svc[i])
        start[i] = begin
        wait[i] = begin - a
    return start, wait


def _rates(calls_per_hour: float | Sequence[float], hours: float) -> list[float]:
    n_hours = math.ceil(hours)
    if isinstance(calls_per_hour, int | float | np.integer | np.floating):
        return [_number("calls_per_hour", calls_per_hour)] * n_hours
    rates = [_number(f"calls_per_hour[{i}]", r) for i, r in enumerate(calls_per_hour)]
    if len(rates) != n_hours:
        raise ModelError(
            f"calls_per_hour must give one rate per hour simulated ({n_hours}); got {len(rates)}"
        )
    return rates


def _share(name: str, value: Any) -> float:
    v = _number(name, value, strict=False)
    if v > 1:
        raise ModelError(f"{name} must be a share between 0 and 1; got {v:g}")
    return v


# --------------------------------------------------------------------------- first contact

CALL_CONTACT_TYPES = ("emergency_call", "non_emergency_call")


def first_contact_opportunities(
    events: pd.DataFrame,
    flags: pd.DataFrame,
    *,
    contact_types: Sequence[str] = CALL_CONTACT_TYPES,
) -> pd.DataFrame:
    """Flags from the missed-opportunity rules that fell at a call to the police.

    These are the moments a domestic abuse specialist in the control room would be present
    for. ``flags`` is the output of :func:`toolkit.opportunities.run_rules` for ``events``;
    the result keeps each flag with the event's summary, the action recorded and the call
    grade, so a group can discuss what a specialist could have asked or changed.

    Examples
    --------
    >>> import pandas as pd
    >>> events = pd.DataFrame({"event_id": ["E1", "E2"],
    ...     "contact_type": ["emergency_call", "police_attendance"],
    ...     "summary": ["A 999 call.", "Officers attend."], "action": ["Graded.", "Advice."]})
    >>> flags = pd.DataFrame({"event_id": ["E1", "E2"], "rule_id": ["r1", "r2"],
    ...     "rule_name": ["Repeat call not linked", "No arrest"], "explanation": ["x", "y"]})
    >>> first_contact_opportunities(events, flags)["event_id"].tolist()
    ['E1']
    >>> first_contact_opportunities(events.drop(columns="contact_type"), flags)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: events have no column "contact_type" (columns: event_id, summary, action)
    """  # noqa: E501
    for name, frame, needed in (("events", events, ("event_id", "contact_type")),
                                ("flags", flags, ("event_id", "rule_id"))):  # fmt: skip
        for column in needed:
            if column not in frame.columns:
                raise ModelError(
                    f'{name} have no column "{column}" '
                    f"(columns: {', '.join(map(str, frame.columns))})"
                )
    keep = [c for c in ("event_id", "timestamp", "contact_type", "summary", "action",
                        "call_grade", "case_id") if c in events.columns]  # fmt: skip
    calls = events.loc[events["contact_type"].isin(list(contact_types)), keep]
    cols = [c for c in ("event_id", "rule_id", "rule_name", "explanation", "case_id")
            if c in flags.columns]  # fmt: skip
    on = (
        ["event_id", "case_id"]
        if "case_id" in calls.columns and "case_id" in cols
        else ["event_id"]
    )
    return calls.merge(flags[cols], on=on, how="inner").reset_index(drop=True)


def first_contact_review(slugs: Sequence[str] | None = None) -> pd.DataFrame:
    """Run the missed-opportunity rules over shipped cases; keep the flags at a police call.

    Loads each case with :func:`toolkit.data.load_case` (all cases by default), runs
    :func:`toolkit.opportunities.run_rules` and keeps the flags that fell at a 999 or 101
    call, with a ``case_id`` column: the table for the control-room specialist discussion.
    """
    import pandas as pd

    from toolkit.data import list_cases, load_case
    from toolkit.opportunities import run_rules

    frames = []
    for slug in list(slugs) if slugs is not None else list_cases():
        events = load_case(slug).events
        found = first_contact_opportunities(events, run_rules(events))
        frames.append(found.assign(case_id=slug))
    if not frames:
        raise ModelError("no cases given to review")
    return pd.concat(frames, ignore_index=True)


def _source_note(text: str, width: int = 110) -> str:
    """Escape a source note for a plotly annotation and wrap it onto lines (plotly's <br>)."""
    import textwrap

    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width)) or ""


# --------------------------------------------------------------------------- figures


def _caption(fig: go.Figure, text: str, source: str) -> None:
    fig.update_layout(
        meta={"description": text},
        annotations=[
            {
                "text": _source_note(f"Source: {source}"),
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.22,
                "yanchor": "top",
                "align": "left",
                "xanchor": "left",
                "font": {"size": 11},
            }
        ],
        margin={"l": 60, "r": 20, "t": 60, "b": 120},
    )


def sweep_figure(
    sweep: pd.DataFrame,
    *,
    current_staff: int | None = None,
    service_level: float | None = None,
    published: dict[str, float] | None = None,
    source: str = "model: toolkit.calls (assumptions stated in the text)",
) -> go.Figure:
    """Share answered and share answered within the target, against staff.

    Parameters
    ----------
    sweep : DataFrame
        From :func:`staffing_sweep`.
    current_staff : int, optional
        Marks one staffing level with a vertical line.
    service_level : float, optional
        Draws the required share answered within the target as a horizontal line.
    published : dict, optional
        Published shares to draw as horizontal reference lines, e.g. ``{"Sept 2020": 0.49}``.
    source : str
        Shown under the figure.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    target = sweep["target_seconds"].dropna()
    seconds = float(target.iloc[0]) if not target.empty else math.nan
    if math.isinf(seconds) or math.isnan(seconds):
        label, visible = "answered within target (none set)", "legendonly"
    else:
        label, visible = f"answered within {_minutes(seconds)}", True
    fig.add_scatter(x=sweep["staff"], y=sweep["answered"], name="answered at all",
                    line={"color": _BLUE}, mode="lines+markers")  # fmt: skip
    fig.add_scatter(x=sweep["staff"], y=sweep["answered_within_target"], name=label,
                    line={"color": _ORANGE, "dash": "dash"}, mode="lines+markers",
                    visible=visible)  # fmt: skip
    shapes = []
    if current_staff is not None:
        shapes.append(_vline(current_staff))
    if service_level is not None:
        shapes.append(_hline(service_level, _GREEN))
    for value in (published or {}).values():
        shapes.append(_hline(value, _GREY))
    fig.update_layout(
        title={"text": "Share of calls answered, by number of staff"},
        xaxis={"title": {"text": "staff taking calls"}},
        yaxis={"title": {"text": "share of all calls"}, "tickformat": ".0%", "range": [0, 1.02]},
        height=420,
        shapes=shapes,
        legend={"orientation": "h", "y": 1.08},
        plot_bgcolor="white",
    )
    stable = sweep[sweep["stable"].fillna(False).astype(bool)]
    text = "Share of calls answered, and answered within the target, for each staffing level."
    if current_staff is not None and (stable["staff"] == current_staff).any():
        row = stable[stable["staff"] == current_staff].iloc[0]
        text += (
            f" With {current_staff} staff, {row['answered']:.0%} are answered and "
            f"{row['answered_within_target']:.0%} within the target."
        )
    if published:
        text += " Grey lines: " + "; ".join(f"{k} {v:.0%}" for k, v in published.items()) + "."
    _caption(fig, text, source)
    return fig


def _vline(x: float) -> dict[str, Any]:
    return {"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, "yref": "paper",
            "line": {"color": _GREY, "dash": "dot"}}  # fmt: skip


def _hline(y: float, colour: str) -> dict[str, Any]:
    return {"type": "line", "x0": 0, "x1": 1, "xref": "paper", "y0": y, "y1": y,
            "line": {"color": colour, "dash": "dot"}}  # fmt: skip


def simulation_figure(
    sim: Simulation,
    *,
    bin_minutes: float = 15.0,
    target_seconds: float = 10.0,
    source: str = "simulation: toolkit.calls.simulate_queue (assumptions stated in the text)",
) -> go.Figure:
    """Failed and abandoned attempts per bin, and the backlog, through an outage."""
    import plotly.graph_objects as go

    tl = sim.timeline(bin_minutes=bin_minutes, target_seconds=target_seconds)
    mid = tl["bin_start_hours"] + bin_minutes / 120
    fig = go.Figure()
    fig.add_bar(x=mid, y=tl["failed"], name="failed to connect", marker_color=_ORANGE)
    fig.add_bar(x=mid, y=tl["abandoned"], name="hung up while waiting", marker_color=_GREY)
    fig.add_scatter(x=tl["bin_start_hours"] + bin_minutes / 60, y=tl["waiting_at_end"],
                    name="callers waiting (backlog)", line={"color": _BLUE})  # fmt: skip
    shapes = []
    outage = sim.settings.get("outage")
    if outage:
        shapes.append({"type": "rect", "x0": outage[0], "x1": outage[1], "y0": 0, "y1": 1,
                       "yref": "paper", "fillcolor": "rgba(213,94,0,0.08)",
                       "line": {"width": 0}})  # fmt: skip
    fig.update_layout(
        title={"text": "Calls through an outage and its recovery (simulated)"},
        xaxis={"title": {"text": "hours from the start"}},
        yaxis={"title": {"text": f"calls per {bin_minutes:g} minutes / callers waiting"}},
        barmode="stack",
        height=420,
        shapes=shapes,
        legend={"orientation": "h", "y": 1.08},
        plot_bgcolor="white",
    )
    s = sim.summary(target_seconds=target_seconds)
    text = (
        f"Simulated {s['attempts']} call attempts from {s['callers']} callers: {s['failed']} "
        f"failed to connect and {s['callers_never_connected']} callers never got through. Of "
        f"connected calls, {s['answered']:.0%} were answered and "
        f"{s['answered_within_target']:.0%} within {target_seconds:g} seconds. The largest "
        f"backlog was {int(tl['waiting_at_end'].max())} callers waiting."
    )
    _caption(fig, text, source)
    return fig


# --------------------------------------------------------------------------- widget


def queue_explorer(
    *,
    calls_per_hour: float,
    handle_seconds: float,
    staff: int,
    patience_seconds: float | None = None,
    target_seconds: float = 20.0,
    service_level: float | None = None,
    max_staff: int | None = None,
    published: dict[str, float] | None = None,
    source: str = "model: toolkit.calls (assumptions stated in the text)",
) -> Any:
    """Sliders for staff, demand, handling time and patience that update the figure in place.

    The callbacks only call :func:`staffing_sweep` and :func:`sweep_figure`; the figure is a
    ``plotly.graph_objects.FigureWidget`` changed inside ``batch_update``.
    """
    import ipywidgets as widgets
    import plotly.graph_objects as go

    top = max_staff or max(2 * staff, 10)
    style = {"description_width": "initial"}
    sliders = {
        "staff": widgets.IntSlider(value=staff, min=1, max=top, description="Staff",
                                   continuous_update=False, style=style),
        "calls": widgets.FloatSlider(value=calls_per_hour, min=1, max=max(4 * calls_per_hour, 10),
                                     step=1, description="Calls per hour", readout_format=".0f",
                                     continuous_update=False, style=style),
        "handle": widgets.FloatSlider(value=handle_seconds / 60, min=0.5,
                                      max=max(3 * handle_seconds / 60, 5), step=0.5,
                                      description="Handling time (minutes)",
                                      continuous_update=False, style=style),
    }  # fmt: skip
    if patience_seconds is not None:
        sliders["patience"] = widgets.FloatSlider(
            value=patience_seconds / 60, min=0.5, max=max(3 * patience_seconds / 60, 5),
            step=0.5, description="Patience (minutes)", continuous_update=False, style=style,
        )  # fmt: skip

    def build() -> tuple[go.Figure, str]:
        patience = sliders["patience"].value * 60 if "patience" in sliders else None
        kwargs = {
            "calls_per_hour": sliders["calls"].value,
            "handle_seconds": sliders["handle"].value * 60,
            "patience_seconds": patience,
            "target_seconds": target_seconds,
        }
        sweep = staffing_sweep(staff=range(1, top + 1), **kwargs)
        fig = sweep_figure(sweep, current_staff=sliders["staff"].value, published=published,
                           service_level=service_level, source=source)  # fmt: skip
        try:
            text = queue_metrics(staff=sliders["staff"].value, **kwargs).describe()
        except ModelError as exc:
            text = str(exc)
        return fig, text

    first, text = build()
    fig = go.FigureWidget(first)
    caption = widgets.HTML(f"<p>{html.escape(text)}</p>")
    description = widgets.HTML(f"<p><em>{html.escape(first.layout.meta['description'])}</em></p>")

    def update(_: dict[str, Any]) -> None:
        new, words = build()
        with fig.batch_update():
            for trace, fresh in zip(fig.data, new.data, strict=True):
                trace.x, trace.y = fresh.x, fresh.y
            fig.layout.shapes = new.layout.shapes
            fig.layout.meta = new.layout.meta
        caption.value = f"<p>{html.escape(words)}</p>"
        description.value = f"<p><em>{html.escape(new.layout.meta['description'])}</em></p>"

    for slider in sliders.values():
        slider.observe(update, names="value")
    box = widgets.VBox([*sliders.values(), caption, fig, description])
    box.add_class("everycall-queue-explorer")
    return box
