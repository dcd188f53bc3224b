"""Tables that put the queue models side by side, ready to show learners.

:func:`closest_scenarios` lists the assumptions that come closest to published figures;
:func:`compare_demand` simulates the same day under different patterns of demand;
:func:`simulation_against_model` checks the simulation against the Erlang formula where the
formula's assumptions hold. Each returns a table through :func:`toolkit.data.for_display`
(words for headings, no index, shares as percentages). Parameter names are those of the
:mod:`toolkit.calls` glossary.

Examples
--------
>>> table = compare_demand({"steady": 30, "peaked": [50, 10]}, handle_seconds=240, staff=3,
...                        hours=2, seed=1)
>>> table["Demand"].tolist()
['steady', 'peaked']
>>> compare_demand({}, handle_seconds=240, staff=3, hours=2)
Traceback (most recent call last):
...
toolkit.errors.ModelError: demand must name at least one pattern of calls per hour, such as \
{"steady demand": 350}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from toolkit.calls.erlang import queue_metrics
from toolkit.calls.simulation import simulate_queue
from toolkit.calls.sweeps import reproduces
from toolkit.data import for_display
from toolkit.errors import ModelError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SCENARIO_COLUMNS",
    "SIMULATION_COLUMNS",
    "closest_scenarios",
    "compare_demand",
    "simulation_against_model",
]

#: Columns of a :func:`~toolkit.calls.scenario_grid` that :func:`closest_scenarios` shows.
SCENARIO_COLUMNS = (
    "calls_per_hour",
    "handle_seconds",
    "patience_seconds",
    "answered",
    "mean_wait_answered_seconds",
    "reproduces",
)

#: Figures of :meth:`~toolkit.calls.Simulation.summary` that :func:`compare_demand` shows.
SIMULATION_COLUMNS = (
    "attempts",
    "answered",
    "mean_wait_answered_seconds",
    "longest_wait_before_hanging_up_seconds",
)


def closest_scenarios(
    grid: pd.DataFrame,
    *,
    answered: float,
    mean_wait_answered_minutes: float,
    rows: int = 6,
) -> pd.DataFrame:
    """The assumptions in ``grid`` that come closest to published figures, closest first.

    Runs :func:`~toolkit.calls.reproduces` and shows the first ``rows`` rows: the assumptions
    (calls per hour, handling time, patience), what the model gives for them, and whether both
    figures come within the tolerances (3 percentage points answered, 1.5 minutes of wait).

    Parameters
    ----------
    grid : pandas.DataFrame
        A what-if table from :func:`~toolkit.calls.scenario_grid`.
    answered : float
        The published share of calls answered (0.49 for 49%).
    mean_wait_answered_minutes : float
        The published average wait of answered callers, in minutes.
    rows : int
        How many of the closest rows to show.

    Returns
    -------
    pandas.DataFrame
        For display: *Calls per hour*, *Handle (seconds)*, *Patience (seconds)*, *Answered*,
        *Mean wait answered (seconds)* and *Reproduces* (yes or no).

    Examples
    --------
    >>> from toolkit.calls import scenario_grid
    >>> grid = scenario_grid(calls_per_hour=[300, 350], handle_seconds=[480],
    ...                      patience_seconds=[1200], staff=[24])
    >>> table = closest_scenarios(grid, answered=0.49, mean_wait_answered_minutes=13)
    >>> table[["Calls per hour", "Answered", "Reproduces"]].values.tolist()
    [['350', '51%', 'yes'], ['300', '60%', 'no']]
    >>> closest_scenarios(grid, answered=0.49, mean_wait_answered_minutes=13, rows=0)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: rows must be a whole number, at least 1; got 0
    """
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
        raise ModelError(f"rows must be a whole number, at least 1; got {rows!r}")
    fits = reproduces(
        grid, answered=answered, mean_wait_answered_minutes=mean_wait_answered_minutes
    )
    return for_display(fits.head(rows)[list(SCENARIO_COLUMNS)])


def compare_demand(
    demand: Mapping[str, float | Sequence[float]],
    *,
    handle_seconds: float,
    staff: int,
    hours: float,
    patience_seconds: float | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Simulate the same queue under each pattern of demand; one row of results for each.

    Every pattern is run through :func:`~toolkit.calls.simulate_queue` with the same handling
    time, staff, patience and ``seed``, so the rows differ only in when the calls arrive.

    Parameters
    ----------
    demand : mapping of str to float or list of float
        A name for each pattern and its calls per hour: one steady rate, or one rate for each
        hour simulated (``{"steady demand": 350, "morning peak": [600, 550, ...]}``).
    handle_seconds, staff, hours, patience_seconds, seed
        As for :func:`~toolkit.calls.simulate_queue`.

    Returns
    -------
    pandas.DataFrame
        For display, one row per pattern in the order given: *Demand*, *Attempts*, *Answered*,
        *Mean wait answered (seconds)* and *Longest wait before hanging up (seconds)*.

    Examples
    --------
    >>> table = compare_demand({"steady": 30, "peaked": [50, 10]}, handle_seconds=240, staff=3,
    ...                        hours=2, seed=1)
    >>> list(table.columns)
    ['Demand', 'Attempts', 'Answered', 'Mean wait answered (seconds)', \
'Longest wait before hanging up (seconds)']
    >>> compare_demand([350, 400], handle_seconds=240, staff=3, hours=2)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: demand must name each pattern of calls per hour, such as \
{"steady demand": 350}; got list
    """
    import pandas as pd

    example = '{"steady demand": 350}'
    if not isinstance(demand, Mapping):
        raise ModelError(
            f"demand must name each pattern of calls per hour, such as {example}; "
            f"got {type(demand).__name__}"
        )
    if not demand:
        raise ModelError(
            f"demand must name at least one pattern of calls per hour, such as {example}"
        )
    rows = []
    for name, calls_per_hour in demand.items():
        simulation = simulate_queue(
            calls_per_hour=calls_per_hour,
            handle_seconds=handle_seconds,
            staff=staff,
            hours=hours,
            patience_seconds=patience_seconds,
            seed=seed,
        )
        summary = simulation.summary()
        rows.append({"demand": str(name), **{c: summary[c] for c in SIMULATION_COLUMNS}})
    return for_display(pd.DataFrame(rows))


def simulation_against_model(
    *,
    calls_per_hour: float,
    handle_seconds: float,
    staff: int,
    hours: float,
    patience_seconds: float | None = None,
    target_seconds: float = 10.0,
    seed: int = 0,
    warm_up_hours: float = 1.0,
) -> pd.DataFrame:
    """The simulation beside the Erlang formula, where the formula's assumptions hold.

    Simulates ``hours`` of steady demand with no outage (:func:`~toolkit.calls.simulate_queue`),
    leaves out the first ``warm_up_hours`` (the queue starts empty), and sets the shares
    answered, answered within ``target_seconds`` and the mean wait beside what
    :func:`~toolkit.calls.queue_metrics` gives for the same assumptions (Erlang A with
    ``patience_seconds``, Erlang C without). Over a long run the two should agree closely.

    Returns
    -------
    pandas.DataFrame
        For display: *Measure*, *Simulation (N hours)* and *Erlang A formula* (or C); shares
        as percentages with one decimal, the mean wait in seconds.

    Examples
    --------
    >>> table = simulation_against_model(calls_per_hour=120, handle_seconds=240, staff=10,
    ...                                  patience_seconds=120, hours=50, seed=3)
    >>> table["Measure"].tolist()
    ['Share answered', 'Share answered within 10 seconds', 'Mean wait (seconds)']
    >>> list(table.columns)
    ['Measure', 'Simulation (50 hours)', 'Erlang A formula']
    >>> simulation_against_model(calls_per_hour=120, handle_seconds=240, staff=10, hours=1)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: hours (1) must be longer than warm_up_hours (1): the warm-up is \
left out of the comparison
    """
    import pandas as pd

    if hours <= warm_up_hours:
        raise ModelError(
            f"hours ({hours:g}) must be longer than warm_up_hours ({warm_up_hours:g}): the "
            "warm-up is left out of the comparison"
        )
    simulated = simulate_queue(
        calls_per_hour=calls_per_hour,
        handle_seconds=handle_seconds,
        staff=staff,
        hours=hours,
        patience_seconds=patience_seconds,
        seed=seed,
    ).summary(target_seconds=target_seconds, after_hours=warm_up_hours)
    model = queue_metrics(
        calls_per_hour=calls_per_hour,
        handle_seconds=handle_seconds,
        staff=staff,
        patience_seconds=patience_seconds,
        target_seconds=target_seconds,
    )
    measures = {
        "Share answered": (simulated["answered"], model.answered),
        f"Share answered within {target_seconds:g} seconds": (
            simulated["answered_within_target"],
            model.answered_within_target,
        ),
        "Mean wait (seconds)": (simulated["mean_wait_seconds"], model.mean_wait_seconds),
    }

    def shown(measure: str, value: float) -> str:
        return f"{value:.1f}" if measure.startswith("Mean wait") else f"{value:.1%}"

    return for_display(
        pd.DataFrame(
            {
                "measure": list(measures),
                f"Simulation ({hours:g} hours)": [shown(m, s) for m, (s, _) in measures.items()],
                f"{model.model} formula": [shown(m, f) for m, (_, f) in measures.items()],
            }
        )
    )
