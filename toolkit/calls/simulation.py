"""A seeded discrete-event simulation of a call queue through an outage and its recovery.

A seeded discrete-event simulation of the queue that :mod:`toolkit.calls` models with Erlang C
and Erlang A, through an outage and its recovery: failed call attempts, redials, backlog and
callers who hang up. Parameter names are those of the :mod:`toolkit.calls` glossary.

Examples
--------
>>> sim = simulate_queue(calls_per_hour=60, handle_seconds=180, staff=4, hours=3, seed=2)
>>> sim.summary()["failed"], sorted(sim.calls["outcome"].cat.categories)
(0, ['abandoned', 'answered', 'failed'])
>>> simulate_queue(calls_per_hour=60, handle_seconds=180, staff=4, hours=0)
Traceback (most recent call last):
...
toolkit.errors.ModelError: hours must be a finite number greater than 0; got 0
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from toolkit.calls.erlang import _patience, _staff
from toolkit.core.params import check_number, check_share
from toolkit.errors import ModelError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Simulation", "simulate_queue"]


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

        width = check_number("bin_minutes", bin_minutes) * 60
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

    duration_h = check_number("hours", hours)
    rates = _rates(calls_per_hour, duration_h)
    h = check_number("handle_seconds", handle_seconds)
    n = _staff(staff)
    patience = _patience(patience_seconds)
    share = check_share("outage_failure_share", outage_failure_share)
    retry = check_share("retry_share", retry_share)
    retry_mean = check_number("retry_mean_seconds", retry_mean_seconds)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ModelError(f"seed must be a whole number, 0 or more; got {seed!r}")
    if (
        isinstance(max_attempts, bool)
        or not isinstance(max_attempts, int | np.integer)
        or max_attempts < 1
    ):
        raise ModelError(f"max_attempts must be a whole number, at least 1; got {max_attempts!r}")
    if outage is not None:
        ok = (
            isinstance(outage, tuple | list)
            and len(outage) == 2
            and all(
                isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)
                for x in outage
            )
            and 0 <= outage[0] < outage[1] <= duration_h
        )
        if not ok:
            raise ModelError(
                "outage must be (start, end) in hours with 0 <= start < end <= "
                f"{duration_h:g}; got {outage!r}"
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
        all_t.append(gen_t)
        all_c.append(gen_c)
        all_a.append(gen_a)
        all_failed.append(failed)
        again = failed & (rng.random(gen_t.size) < retry) & (gen_a < max_attempts)
        next_t = gen_t[again] + rng.exponential(retry_mean, again.sum())
        keep = next_t < horizon
        gen_t, gen_c, gen_a = next_t[keep], gen_c[again][keep], gen_a[again][keep] + 1

    if not all_t:  # no call arrived at all (a short, quiet spell): an empty record
        all_t, all_c, all_a = [times], [callers], [attempts]
        all_failed = [np.zeros(0, dtype=bool)]
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
        return [check_number("calls_per_hour", calls_per_hour)] * n_hours
    rates = [check_number(f"calls_per_hour[{i}]", r) for i, r in enumerate(calls_per_hour)]
    if len(rates) != n_hours:
        raise ModelError(
            f"calls_per_hour must give one rate per hour simulated ({n_hours}); got {len(rates)}"
        )
    return rates
