"""Staffing sweeps and what-if tables: the queue models run many times over.

Functions that run the Erlang C and Erlang A models of :mod:`toolkit.calls` many times: one
row per staffing level (:func:`staffing_sweep`), the fewest handlers that meet a service level
(:func:`staff_for_service_level`), every combination of a set of assumptions
(:func:`scenario_grid`), and which of those reproduce published figures (:func:`reproduces`).
Parameter names are those of the :mod:`toolkit.calls` glossary.

Examples
--------
>>> n = staff_for_service_level(calls_per_hour=120, handle_seconds=240, service_level=0.9,
...                             target_seconds=10)
>>> sweep = staffing_sweep(calls_per_hour=120, handle_seconds=240, staff=[n - 1, n],
...                        target_seconds=10)
>>> sweep["answered_within_target"].round(3).tolist()
[0.882, 0.938]
>>> staffing_sweep(calls_per_hour=120, handle_seconds=240, staff=range(1, 5000))
Traceback (most recent call last):
...
toolkit.errors.ModelError: staff lists more than 2,000 staffing levels; sweep a narrower range, or step through it (range(1, 5000, 10))
"""  # noqa: E501

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from toolkit.calls.erlang import (
    MAX_STAFF,
    MAX_SWEEP_LEVELS,
    QueueMetrics,
    _erlang_a_metrics,
    _erlang_c_metrics,
    _patience,
    _staff,
    _target,
    queue_metrics,
)
from toolkit.core.params import check_number, check_share
from toolkit.errors import ModelError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["reproduces", "scenario_grid", "staff_for_service_level", "staffing_sweep"]


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

    lam = check_number("calls_per_hour", calls_per_hour) / 3600.0
    h = check_number("handle_seconds", handle_seconds)
    patience = _patience(patience_seconds)
    t = _target(target_seconds)
    a = lam * h
    if staff is None:
        levels = list(range(1, min(math.ceil(2 * a) + 11, MAX_STAFF) + 1))
    else:
        levels = []
        for s in staff:
            levels.append(_staff(s))
            if len(levels) > MAX_SWEEP_LEVELS:
                raise ModelError(
                    f"staff lists more than {MAX_SWEEP_LEVELS:,} staffing levels; "
                    "sweep a narrower range, or step through it (range(1, 5000, 10))"
                )
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
    max_staff: int = MAX_STAFF,
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
    level = check_number("service_level", service_level)
    if level >= 1:
        raise ModelError(f"service_level must be above 0 and below 1; got {level:g}")
    lam = check_number("calls_per_hour", calls_per_hour) / 3600.0
    h = check_number("handle_seconds", handle_seconds)
    patience = _patience(patience_seconds)
    t = _target(target_seconds)
    top = _staff(max_staff, "max_staff")

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
    import pandas as pd

    lists: dict[str, list[Any]] = {
        "calls_per_hour": list(calls_per_hour),
        "handle_seconds": list(handle_seconds),
        "patience_seconds": list(patience_seconds),
        "staff": list(staff),
    }
    for name, values in lists.items():
        if not values:
            raise ModelError(f"{name} must list at least one value")
    grid = itertools.product(
        lists["calls_per_hour"], lists["handle_seconds"], lists["patience_seconds"], lists["staff"]
    )
    rows = [
        queue_metrics(
            calls_per_hour=c,
            handle_seconds=hs,
            patience_seconds=p,
            staff=s,
            target_seconds=target_seconds,
        ).as_dict()
        for c, hs, p, s in grid
    ]
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
    share = check_share("answered", answered)
    wait = check_number("mean_wait_answered_minutes", mean_wait_answered_minutes, strict=False)
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
