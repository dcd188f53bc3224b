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
from typing import TYPE_CHECKING, Any, NamedTuple

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
    duration_h = check_number("hours", hours)
    settings: dict[str, Any] = {
        "calls_per_hour": _rates(calls_per_hour, duration_h),
        "handle_seconds": check_number("handle_seconds", handle_seconds),
        "staff": _staff(staff),
        "hours": duration_h,
        "patience_seconds": _patience(patience_seconds),
        "seed": seed,
        "outage": outage,
        "outage_failure_share": check_share("outage_failure_share", outage_failure_share),
        "retry_share": check_share("retry_share", retry_share),
        "retry_mean_seconds": check_number("retry_mean_seconds", retry_mean_seconds),
    }
    _check_whole("seed", seed, least=0)
    _check_whole("max_attempts", max_attempts, least=1)
    _check_outage(outage, duration_h)
    # The draws are made in this order for every seed: reordering them would change the calls
    # a seed gives.
    rng = np.random.default_rng(seed)
    first = _first_attempts(rng, settings["calls_per_hour"], duration_h * 3600)
    tried, failed = _with_redials(rng, first, _Redials.of(settings, max_attempts))
    connected = np.flatnonzero(~failed)
    start, wait = _queue_connected(rng, tried.arrival[connected], settings)
    return Simulation(_calls_table(tried, connected, start, wait), settings)


def _check_whole(name: str, value: Any, *, least: int) -> None:
    """``value`` is a whole number (not a bool), at least ``least``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
        bound = "0 or more" if least == 0 else f"at least {least}"
        raise ModelError(f"{name} must be a whole number, {bound}; got {value!r}")


def _check_outage(outage: Any, hours: float) -> None:
    """``outage`` is None or (start, end) in hours within the ``hours`` simulated."""
    if outage is None:
        return
    ok = (
        isinstance(outage, tuple | list)
        and len(outage) == 2
        and all(
            isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)
            for x in outage
        )
        and 0 <= outage[0] < outage[1] <= hours
    )
    if not ok:
        raise ModelError(
            "outage must be (start, end) in hours with 0 <= start < end <= "
            f"{hours:g}; got {outage!r}"
        )


class _Attempts(NamedTuple):
    """Call attempts: when each arrives (seconds from the start), whose it is, which try."""

    arrival: np.ndarray
    caller: np.ndarray
    attempt: np.ndarray


class _Redials(NamedTuple):
    """When attempts fail and how callers try again (see :func:`simulate_queue`)."""

    outage: tuple[float, float] | None
    failure_share: float
    retry_share: float
    retry_mean_seconds: float
    max_attempts: int
    horizon: float  # seconds simulated: a redial after the end is not made

    @classmethod
    def of(cls, settings: dict[str, Any], max_attempts: int) -> _Redials:
        """The redial rules of a simulation's ``settings``."""
        return cls(
            settings["outage"],
            settings["outage_failure_share"],
            settings["retry_share"],
            settings["retry_mean_seconds"],
            max_attempts,
            settings["hours"] * 3600,
        )


def _first_attempts(rng: np.random.Generator, rates: list[float], horizon: float) -> _Attempts:
    """Each caller's first attempt: Poisson counts per hour, uniform times within each hour."""
    starts = np.arange(len(rates), dtype=float) * 3600
    lengths = np.minimum(starts + 3600, horizon) - starts
    counts = rng.poisson(np.asarray(rates) / 3600 * lengths)
    times = np.repeat(starts, counts) + rng.random(counts.sum()) * np.repeat(lengths, counts)
    times.sort()
    return _Attempts(times, np.arange(times.size), np.ones(times.size, dtype=int))


def _with_redials(
    rng: np.random.Generator, first: _Attempts, redials: _Redials
) -> tuple[_Attempts, np.ndarray]:
    """Every attempt in order of arrival, and which of them failed to connect.

    Redials are drawn generation by generation: failure depends only on the time of an
    attempt, so a whole generation is decided at once.
    """
    generations: list[_Attempts] = []
    failures: list[np.ndarray] = []
    gen = first
    while gen.arrival.size:
        failed = _fail_in_outage(rng, gen.arrival, redials)
        generations.append(gen)
        failures.append(failed)
        gen = _redial(rng, gen, failed, redials)
    if not generations:  # no call arrived at all (a short, quiet spell): an empty record
        generations, failures = [first], [np.zeros(0, dtype=bool)]
    arrival = np.concatenate([g.arrival for g in generations])
    order = np.argsort(arrival, kind="stable")
    tried = _Attempts(
        arrival[order],
        np.concatenate([g.caller for g in generations])[order],
        np.concatenate([g.attempt for g in generations])[order],
    )
    return tried, np.concatenate(failures)[order]


def _fail_in_outage(rng: np.random.Generator, arrival: np.ndarray, redials: _Redials) -> np.ndarray:
    """Which attempts fail to connect: a share of those made during the outage."""
    if redials.outage is None:
        return np.zeros(arrival.size, dtype=bool)
    start, end = redials.outage
    in_outage = (arrival >= start * 3600) & (arrival < end * 3600)
    return in_outage & (rng.random(arrival.size) < redials.failure_share)


def _redial(
    rng: np.random.Generator, gen: _Attempts, failed: np.ndarray, redials: _Redials
) -> _Attempts:
    """The next generation: failed callers who try again, after an exponential delay."""
    again = (
        failed
        & (rng.random(gen.arrival.size) < redials.retry_share)
        & (gen.attempt < redials.max_attempts)
    )
    next_t = gen.arrival[again] + rng.exponential(redials.retry_mean_seconds, again.sum())
    keep = next_t < redials.horizon
    return _Attempts(next_t[keep], gen.caller[again][keep], gen.attempt[again][keep] + 1)


def _queue_connected(
    rng: np.random.Generator, arrival: np.ndarray, settings: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """When each connected call is answered (NaN if the caller hung up) and how long it
    waited: handling times and patience drawn at random, then the queue run."""
    service = rng.exponential(settings["handle_seconds"], arrival.size)
    if settings["patience_seconds"] is None:
        limit = np.full(arrival.size, np.inf)
    else:
        limit = rng.exponential(settings["patience_seconds"], arrival.size)
    return _run_queue(arrival, service, limit, settings["staff"])


def _calls_table(
    tried: _Attempts, connected: np.ndarray, start: np.ndarray, wait: np.ndarray
) -> pd.DataFrame:
    """One row per attempt (:attr:`Simulation.calls`); attempts not connected failed."""
    import pandas as pd

    size = tried.arrival.size
    outcome = np.full(size, "failed", dtype=object)
    outcome[connected] = np.where(np.isnan(start), "abandoned", "answered")
    wait_all = np.full(size, np.nan)
    wait_all[connected] = wait
    start_all = np.full(size, np.nan)
    start_all[connected] = start
    return pd.DataFrame(
        {
            "caller": tried.caller,
            "attempt": tried.attempt,
            "arrival": tried.arrival,
            "outcome": pd.Categorical(outcome, categories=["answered", "abandoned", "failed"]),
            "wait_seconds": wait_all,
            "start": start_all,
        }
    )


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
