"""Figures, the queue widget and the first-contact review for :mod:`toolkit.calls`.

Import these names from :mod:`toolkit.calls`; they live here so that the models module stays
short. Figures are pure functions returning a ``plotly.graph_objects.Figure`` whose
``layout.meta["description"]`` is a plain-English text description (for alt text and the
caption under it), with the source written under the plot. The widget only calls them.

Examples
--------
>>> from toolkit.calls import staffing_sweep
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

import html
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from toolkit._calls_sweeps import staffing_sweep
from toolkit._figure_layout import _legend_above, _note_layout, _note_lines, _slider_layout
from toolkit.calls import _minutes, _number, _patience, _staff, queue_metrics
from toolkit.errors import ModelError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from toolkit._calls_sim import Simulation

__all__ = [
    "first_contact_opportunities",
    "first_contact_review",
    "published_figures",
    "queue_explorer",
    "simulation_figure",
    "sweep_figure",
]

_BLUE, _ORANGE, _GREEN, _GREY = "#0072B2", "#D55E00", "#009E73", "#666666"  # Okabe-Ito
_SWEEP_COLUMNS = ("staff", "answered", "answered_within_target", "target_seconds", "stable")


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

    Examples
    --------
    >>> review = first_contact_review(["unlinked-calls"])
    >>> "repeat-calls-not-linked" in set(review["rule_id"]), set(review["case_id"])
    (True, {'unlinked-calls'})
    >>> first_contact_review([])
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: no cases given to review
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


FIGURE_COLUMNS = ("area", "description", "value", "period", "source_id")


def published_figures(
    topics: str | Sequence[str], *, columns: Sequence[str] = FIGURE_COLUMNS
) -> pd.DataFrame:
    """The published call-handling figures on ``topics``, ready to show learners.

    Rows of :func:`toolkit.data.load_calls` whose ``topic`` is one of ``topics``, with the
    ``columns`` asked for, through :func:`toolkit.data.for_display`: each value carries its
    unit and qualifier (``about 5.2 million calls``, ``71%``), missing descriptions are blank,
    and every row keeps its source. Use ``toolkit.data.load_calls()`` for the numbers in code.

    Parameters
    ----------
    topics : str or sequence of str
        ``999_standard``, ``999_league_2022``, ``999_demand``, ``bt_outage_2023``, ``met_cms``.
    columns : sequence of str
        Columns of ``load_calls()`` to show; ``value`` brings its ``unit``, ``qualifier`` and
        ``value_high`` with it, and ``source_id`` is always shown.

    Examples
    --------
    >>> table = published_figures(["999_standard", "999_league_2022"])
    >>> list(table.columns), table["Value"].iloc[-1]
    (['Area', 'Description', 'Value', 'Period', 'Source'], 'about 5.2 million calls')
    >>> published_figures("999_leage_2022")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/calls.csv: topic "999_leage_2022" is not in the table; did you mean "999_league_2022"? Topics: 999_standard, 999_league_2022, 999_demand, bt_outage_2023, met_cms
    """  # noqa: E501
    from toolkit import _checks
    from toolkit._paths import data_dir
    from toolkit.data import for_display, load_calls
    from toolkit.errors import DataError, Problem

    calls = load_calls()
    known = list(dict.fromkeys(str(t) for t in calls["topic"]))
    wanted = [topics] if isinstance(topics, str) else list(topics)
    shown = _checks.display(data_dir() / "calls.csv")
    for topic in wanted:
        if topic not in known:
            near = _checks.suggest(topic, known)
            hint = f'; did you mean "{near}"?' if near else "."
            raise DataError(
                [
                    Problem(
                        shown,
                        f'topic "{topic}" is not in the table{hint} Topics: {", ".join(known)}',
                    )
                ]
            )
    missing = [c for c in columns if c not in calls.columns]
    if missing:
        raise DataError(
            [
                Problem(
                    shown,
                    f'has no column "{missing[0]}" (columns: {", ".join(calls.columns)})',
                )
            ]
        )
    chosen = list(dict.fromkeys([*columns, "source_id"]))
    if "value" in chosen:
        at = chosen.index("value") + 1
        chosen[at:at] = [c for c in ("value_high", "unit", "qualifier") if c not in chosen]
    rows = calls[calls["topic"].astype("str").isin(wanted)]
    return for_display(rows[chosen])


# --------------------------------------------------------------------------- figures

_PLOT_HEIGHT = 240  # px for the plotting area of each figure here


def _caption(fig: go.Figure, text: str, source: str) -> None:
    """The description, the source note under the x axis and the legend above the plot.

    The legend sits outside the plotting area, so it never hides a line near 100%; the top
    and bottom margins are sized in pixels for the legend's rows and the note's lines.
    """
    names = [trace.name for trace in fig.data if trace.showlegend is not False]
    legend, title, top = _legend_above(names)
    fig.update_layout(
        meta={"description": text},
        legend=legend,
        title=title,
        **_note_layout(_note_lines(f"Source: {source}"), plot_height=_PLOT_HEIGHT, top=top),
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

    from toolkit._calls_sim import Simulation

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

    Parameters
    ----------
    calls_per_hour, handle_seconds, staff, patience_seconds, target_seconds
        Starting values (see the :mod:`toolkit.calls` glossary); a patience slider appears
        only when ``patience_seconds`` is given (Erlang A).
    service_level : float, optional
        Required share answered within the target, drawn as a line.
    max_staff : int, optional
        Right end of the staff axis and slider (default twice ``staff``, at least 10).
    published : dict, optional
        Published shares drawn as grey reference lines.
    source : str
        Shown under the figure.

    Examples
    --------
    >>> box = queue_explorer(calls_per_hour=200, handle_seconds=180, staff=14)
    >>> [child.description for child in box.children[:3]]
    ['Staff', 'Calls per hour', 'Handling time (minutes)']
    >>> queue_explorer(calls_per_hour=200, handle_seconds=180, staff=14, max_staff=10)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: max_staff must be at least staff (14); got 10
    """
    import ipywidgets as widgets
    import plotly.graph_objects as go

    _number("calls_per_hour", calls_per_hour)
    _number("handle_seconds", handle_seconds)
    _staff(staff)
    _patience(patience_seconds)
    if max_staff is not None and _staff(max_staff, "max_staff") < staff:
        raise ModelError(f"max_staff must be at least staff ({staff}); got {max_staff}")
    top = max_staff or max(2 * staff, 10)
    sliders = {
        "staff": widgets.IntSlider(value=staff, min=1, max=top, description="Staff",
                                   continuous_update=False),
        "calls": widgets.FloatSlider(value=calls_per_hour, min=1, max=max(4 * calls_per_hour, 10),
                                     step=1, description="Calls per hour", readout_format=".0f",
                                     continuous_update=False),
        "handle": widgets.FloatSlider(value=handle_seconds / 60, min=0.5,
                                      max=max(3 * handle_seconds / 60, 5), step=0.5,
                                      description="Handling time (minutes)",
                                      continuous_update=False),
    }  # fmt: skip
    if patience_seconds is not None:
        sliders["patience"] = widgets.FloatSlider(
            value=patience_seconds / 60, min=0.5, max=max(3 * patience_seconds / 60, 5),
            step=0.5, description="Patience (minutes)", continuous_update=False,
        )  # fmt: skip
    # One label width for the group, so every track lines up and none is squeezed.
    style, layout = _slider_layout([slider.description for slider in sliders.values()])
    for slider in sliders.values():
        slider.style.description_width = style["description_width"]
        slider.layout = widgets.Layout(**layout)

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
    description.add_class("everycall-live-only")  # a handout prints it as the figure's caption
    box = widgets.VBox([*sliders.values(), caption, fig, description])
    box.add_class("everycall-queue-explorer")
    return box
