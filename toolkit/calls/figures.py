"""Figures of the queue models: share answered against staff, and a simulated day.

Figures are pure functions returning a ``plotly.graph_objects.Figure`` whose
``layout.meta["description"]`` is a plain-English text description (for alt text and the
caption under it), with the source written under the plot. The widget only calls them.

Examples
--------
>>> from toolkit.calls.sweeps import staffing_sweep
>>> sweep = staffing_sweep(calls_per_hour=200, handle_seconds=180, staff=range(11, 16))
>>> fig = sweep_figure(sweep, current_staff=14, source="a worked example")
>>> fig.layout.meta["description"].split(". ")[1]
'With 14 staff, 100% are answered and 89% within the target.'
>>> sweep_figure(sweep.drop(columns="stable"))
Traceback (most recent call last):
...
toolkit.errors.ModelError: the sweep has no column "stable" (columns: model, calls_per_hour, handle_seconds, staff, patience_seconds, target_seconds, load, occupancy, p_wait, answered, abandoned, answered_within_target, mean_wait_seconds, mean_wait_answered_seconds); make it with staffing_sweep()
"""  # noqa: E501

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from toolkit.calls.erlang import _minutes
from toolkit.calls.simulation import Simulation
from toolkit.core.figures import legend_above, note_layout, note_lines
from toolkit.errors import ModelError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from toolkit.calls.simulation import Simulation

__all__ = ["simulation_figure", "sweep_figure"]

_BLUE, _ORANGE, _GREEN, _GREY = "#0072B2", "#D55E00", "#009E73", "#666666"  # Okabe-Ito
_SWEEP_COLUMNS = ("staff", "answered", "answered_within_target", "target_seconds", "stable")


# --------------------------------------------------------------------------- first contact


# --------------------------------------------------------------------------- figures

_PLOT_HEIGHT = 240  # px for the plotting area of each figure here


def _caption(fig: go.Figure, text: str, source: str) -> None:
    """The description, the source note under the x axis and the legend above the plot.

    The legend sits outside the plotting area, so it never hides a line near 100%; the top
    and bottom margins are sized in pixels for the legend's rows and the note's lines.
    """
    names = [trace.name for trace in fig.data if trace.showlegend is not False]
    legend, title, top = legend_above(names)
    fig.update_layout(
        meta={"description": text},
        legend=legend,
        title=title,
        **note_layout(note_lines(f"Source: {source}"), plot_height=_PLOT_HEIGHT, top=top),
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

    Raises
    ------
    ModelError
        If ``sweep`` lacks a column that :func:`staffing_sweep` makes.
    """
    import plotly.graph_objects as go

    for column in _SWEEP_COLUMNS:
        if column not in sweep.columns:
            raise ModelError(
                f'the sweep has no column "{column}" (columns: '
                f"{', '.join(map(str, sweep.columns))}); make it with staffing_sweep()"
            )
    fig = go.Figure()
    target = sweep["target_seconds"].dropna()
    seconds = float(target.iloc[0]) if not target.empty else math.nan
    visible: bool | str = True  # plotly's "legendonly": listed in the legend, not drawn
    if math.isinf(seconds) or math.isnan(seconds):
        label, visible = "answered within target (none set)", "legendonly"
    else:
        label = f"answered within {_minutes(seconds)}"
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
        shapes=shapes,
        plot_bgcolor="white",
    )
    stable = sweep[sweep["stable"].fillna(False).astype(bool)]
    no_target = math.isinf(seconds) or math.isnan(seconds)
    if no_target:  # with no target every answered call is "within" it: say so once
        text = "Share of calls answered for each staffing level (no answer-time target set)."
    else:
        text = "Share of calls answered, and answered within the target, for each staffing level."
    if current_staff is not None and (stable["staff"] == current_staff).any():
        row = stable[stable["staff"] == current_staff].iloc[0]
        text += f" With {current_staff} staff, {row['answered']:.0%} are answered"
        text += "." if no_target else f" and {row['answered_within_target']:.0%} within the target."
    if published:
        text += " Grey lines: " + "; ".join(f"{k} {v:.0%}" for k, v in published.items()) + "."
    _caption(fig, text, source)
    return fig


def _count(n: int, noun: str) -> str:
    """``n`` and a noun, singular for one.

    >>> _count(1, "caller"), _count(0, "caller"), _count(12, "call attempt")
    ('1 caller', '0 callers', '12 call attempts')
    >>> _count(-1, "caller")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: a count of callers cannot be negative; got -1
    """
    if n < 0:
        raise ModelError(f"a count of {noun}s cannot be negative; got {n}")
    return f"{n} {noun}" + ("" if n == 1 else "s")


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
    """Failed and abandoned attempts per bin, and the backlog, through an outage.

    Parameters
    ----------
    sim : Simulation
        From :func:`toolkit.calls.simulate_queue`.
    bin_minutes : float
        Width of each bar, in minutes.
    target_seconds : float
        Answer-time target used in the text description.
    source : str
        Shown under the figure.

    Examples
    --------
    >>> from toolkit.calls import simulate_queue
    >>> sim = simulate_queue(calls_per_hour=120, handle_seconds=240, staff=12, hours=6,
    ...                      outage=(2, 3), seed=1)
    >>> fig = simulation_figure(sim, bin_minutes=30)
    >>> [trace.name for trace in fig.data]
    ['failed to connect', 'hung up while waiting', 'callers waiting (backlog)']
    >>> simulation_figure(sim.calls)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: simulation_figure needs the result of simulate_queue(); got a DataFrame
    """  # noqa: E501
    import plotly.graph_objects as go

    if not isinstance(sim, Simulation):
        raise ModelError(
            f"simulation_figure needs the result of simulate_queue(); got a {type(sim).__name__}"
        )

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
        shapes=shapes,
        plot_bgcolor="white",
    )
    s = sim.summary(target_seconds=target_seconds)
    text = (
        f"Simulated {_count(s['attempts'], 'call attempt')} from {_count(s['callers'], 'caller')}"
        f": {s['failed']} failed to connect and {_count(s['callers_never_connected'], 'caller')} "
        f"never got through. Of connected calls, {s['answered']:.0%} were answered and "
        f"{s['answered_within_target']:.0%} within {target_seconds:g} seconds. The largest "
        f"backlog was {_count(int(tl['waiting_at_end'].max()), 'caller')} waiting."
    )
    _caption(fig, text, source)
    return fig


# --------------------------------------------------------------------------- widget
