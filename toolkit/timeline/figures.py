"""The timeline figures: the swimlane of a case and the escalation chart (see
:mod:`toolkit.timeline`).

Examples
--------
>>> from toolkit.data import load_case
>>> case = load_case("unlinked-calls")
>>> fig = swimlane(case.events, title=case.title)
>>> fig.layout.title.text
'Timeline of contacts: Every call on its own'
>>> fig.layout.meta["description"] == describe_swimlane(case.events, title=case.title)
True
>>> swimlane(case.events.drop(columns=["agency"]))
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: events: column "agency" is missing (expected event_id, \
timestamp, agency, contact_type); the table contains these columns: event_id, timestamp, ...
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from toolkit.data import load_vocab
from toolkit.timeline.events import _labels, _norm, _nothing_to_show, flags_frame, lane_order
from toolkit.timeline.tables import escalation

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = [
    "OKABE_ITO",
    "TITLE_PREFIX",
    "describe_escalation",
    "describe_swimlane",
    "escalation_figure",
    "lane_geometry",
    "marker_style",
    "swimlane",
    "swimlane_traces",
]

#: Okabe & Ito's palette for colour-blind readers (yellow left out: too faint on white).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
_SYMBOLS = (
    "circle", "square", "diamond", "triangle-up", "triangle-down", "cross", "x", "pentagon",
    "hexagon", "star", "hourglass", "bowtie", "triangle-left", "triangle-right", "hexagram",
    "star-triangle-up", "star-triangle-down", "star-square", "diamond-tall", "diamond-wide",
    "circle-cross", "square-x", "diamond-cross", "circle-x", "square-cross", "triangle-ne",
    "triangle-sw",
)  # fmt: skip
_RISK_STYLE = {  # level: (colour, symbol)
    "standard": ("#0072B2", "circle"),
    "medium": ("#E69F00", "diamond"),
    "high": ("#D55E00", "triangle-up"),
}
TITLE_PREFIX = "Timeline of contacts"


# --------------------------------------------------------------------------------------------
# Marker styles


def marker_style(contact_type: str) -> tuple[str, str]:
    """The (colour, symbol) pair for a contact type, stable across cases.

    Each type in the vocabulary gets its own symbol (so colour is never the only cue) and one
    of 7 colours; a type the vocabulary does not know is drawn as a grey open circle.

    Examples
    --------
    >>> marker_style("emergency_call")
    ('#0072B2', 'circle')
    >>> marker_style("not-a-type")
    ('#777777', 'circle-open')
    """
    ids = _contact_type_ids()
    if contact_type not in ids:
        return "#777777", "circle-open"
    i = ids.index(contact_type)
    return OKABE_ITO[i % len(OKABE_ITO)], _SYMBOLS[i % len(_SYMBOLS)]


def _contact_type_ids() -> list[str]:

    return load_vocab("contact_types")["id"].astype("str").tolist()


# --------------------------------------------------------------------------------------------
# The swimlane figure


def _hover(ev: pd.DataFrame) -> list[str]:
    names = {
        key: _labels(vocab, "name")
        for key, vocab in (
            ("agency", "agencies"),
            ("contact_type", "contact_types"),
            ("initiated_by", "initiated_by"),
            ("outcome", "outcomes"),
            ("risk_tool", "risk_tools"),
            ("risk_level", "risk_levels"),
            ("referral", "agencies"),
            ("shared_with", "agencies"),
        )
    }

    def say(key: str, value: str) -> str:
        table = names.get(key, {})
        return ", ".join(table.get(v, v) for v in value.split(";") if v)

    out = []
    cols = list(ev.columns)
    for values in ev.itertuples(index=False, name=None):
        r = dict(zip(cols, values, strict=True))
        lines = [
            f"<b>{html.escape(r['event_id'])}</b> {r['timestamp']:%d %b %Y %H:%M}",
            html.escape(f"{say('agency', r['agency'])}: {say('contact_type', r['contact_type'])}"),
        ]
        if r.get("initiated_by"):
            lines.append(html.escape(f"Contact made by: {say('initiated_by', r['initiated_by'])}"))
        if r.get("summary"):
            lines += [html.escape(s) for s in textwrap.wrap(r["summary"], 70)]
        if r.get("risk_level"):
            score = r.get("risk_score")
            score_text = "" if score is None or _isna(score) else f", score {int(score)}"
            lines.append(
                html.escape(
                    f"Risk: {say('risk_level', r['risk_level'])} "
                    f"({say('risk_tool', r.get('risk_tool', ''))}{score_text})"
                )
            )
        for key, label_ in (
            ("action", "Action"),
            ("referral", "Referral to"),
            ("outcome", "Outcome"),
            ("shared_with", "Shared with"),
        ):
            if r.get(key):
                lines += [
                    html.escape(s) for s in textwrap.wrap(f"{label_}: {say(key, r[key])}", 70)
                ]
        out.append("<br>".join(lines))
    return out


def _isna(value: Any) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def swimlane_traces(
    events: pd.DataFrame,
    *,
    annotations: pd.DataFrame | None = None,
    flags: Any = None,
    rule_flags: pd.DataFrame | None = None,
    lanes: Sequence[str] | None = None,
    contact_types: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """The data of every trace of :func:`swimlane`, in a fixed order, as plain dicts.

    One trace per contact type in ``contact_types`` (default: those in ``events``; an absent
    type gives an empty trace), then the risk track, the reviewer's annotations, the rules'
    flags and the learner's flags. The explorer assigns these to its FigureWidget's traces
    in place, so filtering never rebuilds the figure.
    """
    names = _labels("agencies")
    ev = _norm(events)
    lanes = list(lanes) if lanes is not None else lane_order(ev)
    lane_label = {a: names.get(a, a) for a in lanes}
    ev = ev[ev["agency"].isin(lanes)].reset_index(drop=True)
    types = (
        list(contact_types)
        if contact_types is not None
        else list(dict.fromkeys(ev["contact_type"]))
    )
    traces = _lane_traces(ev, types, lane_label)
    traces.append(_risk_trace(ev))
    where = _positions(ev, lane_label)
    for name, table, text_col, symbol, colour, size in (
        ("Reviewer's annotation", annotations, "explanation", "circle-open", "#000000", 22),
        ("Rule flag", rule_flags, "explanation", "square-open", "#CC79A7", 18),
        (
            "Your flag",
            flags_frame(flags) if flags is not None else None,
            "reason",
            "star-triangle-up-open",
            "#009E73",
            26,
        ),
    ):
        notes = _notes_by_event(name, table, text_col, where)
        traces.append(_note_trace(name, notes, where, symbol=symbol, colour=colour, size=size))
    return traces


def _lane_traces(
    ev: pd.DataFrame, types: list[str], lane_label: dict[str, str]
) -> list[dict[str, Any]]:
    """One trace per contact type, its markers in the agencies' lanes."""
    contact_names = _labels("contact_types", "name")
    hover = _hover(ev) if len(ev) else []
    traces: list[dict[str, Any]] = []
    for ct in types:
        keep = (ev["contact_type"] == ct).to_numpy()
        colour, symbol = marker_style(ct)
        traces.append(
            {
                "name": contact_names.get(ct, ct),
                "x": ev.loc[keep, "timestamp"].dt.tz_localize(None).tolist(),
                "y": [lane_label[a] for a in ev.loc[keep, "agency"]],
                "customdata": ev.loc[keep, "event_id"].tolist(),
                "hovertext": [h for h, k in zip(hover, keep, strict=True) if k],
                "marker": {
                    "color": colour,
                    "symbol": symbol,
                    "size": 12,
                    "line": {"width": 1, "color": "#222222"},
                },
                "yaxis": "y",
            }
        )
    return traces


def _risk_trace(ev: pd.DataFrame) -> dict[str, Any]:
    """The risk track under the lanes: one marker per assessment that recorded a level."""
    levels = ev["risk_level"] if "risk_level" in ev.columns else ev["event_id"].map(lambda _: "")
    risk = ev.assign(risk_level=levels)[levels.isin(list(_RISK_STYLE))]
    return {
        "name": "Risk level",
        "showlegend": False,
        "x": risk["timestamp"].dt.tz_localize(None).tolist(),
        "y": [f"{lv} risk" for lv in risk["risk_level"]],
        "customdata": risk["event_id"].tolist(),
        "hovertext": [
            f"{e}: risk {lv}" for e, lv in zip(risk["event_id"], risk["risk_level"], strict=True)
        ],
        "marker": {
            "color": [_RISK_STYLE[lv][0] for lv in risk["risk_level"]],
            "symbol": [_RISK_STYLE[lv][1] for lv in risk["risk_level"]],
            "size": 12,
            "line": {"width": 1, "color": "#222222"},
        },
        "yaxis": "y2",
    }


def _positions(ev: pd.DataFrame, lane_label: dict[str, str]) -> dict[str, tuple[Any, str]]:
    """Where each event's marker sits: (time, lane label) by event id."""
    return dict(
        zip(
            ev["event_id"],
            zip(ev["timestamp"].dt.tz_localize(None), ev["agency"].map(lane_label), strict=True),
            strict=True,
        )
    )


def _notes_by_event(
    name: str, table: pd.DataFrame | None, text_col: str, where: dict[str, tuple[Any, str]]
) -> dict[str, list[str]]:
    """The hover notes of a table of annotations or flags, grouped by the event they mark
    (events not on show left out)."""
    rows = (
        []
        if table is None
        else [
            (str(r["event_id"]), str(r.get("opportunity_type", "")), str(r.get(text_col, "")))
            for _, r in table.iterrows()
            if str(r["event_id"]) in where
        ]
    )
    grouped: dict[str, list[str]] = {}  # one marker per event, every note in its hover
    for e, t, x in rows:
        note = html.escape(f"{name} on {e}: {t.replace('_', ' ')}")
        grouped.setdefault(e, []).append(
            "<br>".join([note, *(html.escape(s) for s in textwrap.wrap(x, 70))])
        )
    return grouped


def _note_trace(
    name: str,
    notes: dict[str, list[str]],
    where: dict[str, tuple[Any, str]],
    *,
    symbol: str,
    colour: str,
    size: int,
) -> dict[str, Any]:
    """One open marker on each event that has notes, every note in its hover."""
    return {
        "name": name,
        "x": [where[e][0] for e in notes],
        "y": [where[e][1] for e in notes],
        "customdata": list(notes),
        "hovertext": ["<br><br>".join(texts) for texts in notes.values()],
        "marker": {
            "color": colour,
            "symbol": symbol,
            "size": size,
            "line": {"width": 2, "color": colour},
        },
        "yaxis": "y",
    }


#: Pixel sizes of the swimlane figure: a lane, the risk strip under the lanes, the gap
#: between them, and the margins (the legend sits in the bottom margin).
_LANE_PX, _RISK_PX, _GAP_PX, _TOP_PX, _BOTTOM_PX = 42, 78, 44, 60, 170


def lane_geometry(lanes: int) -> dict[str, Any]:
    """Height and axis domains of a swimlane figure with ``lanes`` agency lanes.

    Lanes, the gap and the risk strip keep their size in pixels whatever the number of
    lanes, so a filtered timeline shrinks to the lanes shown instead of spreading two lanes
    over the height of eleven, and the risk labels never crowd the date axis.

    Examples
    --------
    >>> lane_geometry(11)["height"], lane_geometry(2)["height"]
    (814, 436)
    >>> round(lane_geometry(2)["risk_domain"][1], 3)
    0.379
    """
    lanes = max(1, int(lanes))
    plot = _LANE_PX * lanes + _GAP_PX + _RISK_PX
    return {
        "height": plot + _TOP_PX + _BOTTOM_PX,
        "lanes_domain": [(_RISK_PX + _GAP_PX) / plot, 1.0],
        "risk_domain": [0.0, _RISK_PX / plot],
    }


def swimlane(
    events: pd.DataFrame,
    *,
    title: str | None = None,
    annotations: pd.DataFrame | None = None,
    flags: Any = None,
    rule_flags: pd.DataFrame | None = None,
    lanes: Sequence[str] | None = None,
    height: int | None = None,
) -> go.Figure:
    """A swimlane timeline of a case: one lane per agency, one marker per contact.

    Parameters
    ----------
    events : pandas.DataFrame
        One case's events.
    title : str, optional
        The case title; the figure's title is ``"Timeline of contacts: <title>"``.
    annotations : pandas.DataFrame, optional
        The reviewer's annotations, drawn as large open circles (trainer view only: leave it
        out of anything learners see before they have made their own judgement).
    flags : list of mappings or DataFrame, optional
        A learner's flags, drawn as open stars.
    rule_flags : pandas.DataFrame, optional
        :func:`toolkit.opportunities.run_rules` output, drawn as open squares.
    lanes : sequence of str, optional
        Agency ids to show, in order (default: every agency in ``events``, in lane order).
    height : int, optional
        Height in pixels (default grows with the number of lanes).

    Returns
    -------
    plotly.graph_objects.Figure
        With ``layout.meta["description"]`` holding the text alternative.
    """
    import plotly.graph_objects as go

    ev = _norm(events)
    lanes = list(lanes) if lanes is not None else lane_order(ev)
    traces = swimlane_traces(
        ev, annotations=annotations, flags=flags, rule_flags=rule_flags, lanes=lanes
    )
    fig = go.Figure()
    for t in traces:
        fig.add_trace(go.Scatter(mode="markers", hoverinfo="text", **t))
    names = _labels("agencies")
    heading = f"{TITLE_PREFIX}: {title}" if title else TITLE_PREFIX
    sizes = lane_geometry(len(lanes))
    fig.update_layout(
        title={"text": heading},
        height=height or sizes["height"],
        template="plotly_white",
        hoverlabel={"align": "left"},
        # The legend sits under the plot so the lanes keep the full width.
        legend={
            "title": {"text": "Contact type"},
            "itemsizing": "constant",
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "x": 0,
        },
        margin={"l": 140, "r": 20, "t": _TOP_PX, "b": _BOTTOM_PX},
        yaxis={
            "domain": sizes["lanes_domain"],
            "type": "category",
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": [names.get(a, a) for a in lanes],
            "title": {"text": "Agency"},
        },
        yaxis2={
            "domain": sizes["risk_domain"],
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [f"{lv} risk" for lv in _RISK_STYLE],
            "title": {"text": "Risk"},
        },
        xaxis={"title": {"text": "Date"}, "type": "date", "anchor": "y2"},
        annotations=_nothing_to_show() if ev.empty else None,
        meta={
            "description": describe_swimlane(
                ev,
                title=title,
                annotations=annotations,
                flags=flags,
                rule_flags=rule_flags,
                lanes=lanes,
            )
        },
    )
    return fig


def describe_swimlane(
    events: pd.DataFrame,
    *,
    title: str | None = None,
    annotations: pd.DataFrame | None = None,
    flags: Any = None,
    rule_flags: pd.DataFrame | None = None,
    lanes: Sequence[str] | None = None,
) -> str:
    """The text alternative of :func:`swimlane` (for screen readers and printed handouts).

    Examples
    --------
    >>> from toolkit.data.synthetic import events_frame
    >>> print(describe_swimlane(events_frame([
    ...     {"timestamp": "2019-01-01 10:00"},
    ...     {"timestamp": "2019-02-01 10:00", "agency": "gp", "contact_type": "gp_appointment"},
    ... ])))
    Timeline of contacts: 2 contacts from 1 Jan 2019 to 1 Feb 2019 across 2 agencies \
(Police: calls 1, GP 1). No risk assessment recorded a level.
    >>> describe_swimlane([])
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: events: expected a pandas DataFrame of events, got <class 'list'>
    """
    ev = _norm(events)
    lanes = list(lanes) if lanes is not None else lane_order(ev)
    ev = ev[ev["agency"].isin(lanes)]
    names = _labels("agencies")
    heading = f"{TITLE_PREFIX}: {title}" if title else TITLE_PREFIX
    if ev.empty:
        return f"{heading}: no events to show."
    counts = ev["agency"].value_counts()
    per = ", ".join(f"{names.get(a, a)} {int(counts[a])}" for a in lanes if a in counts)
    text = (
        f"{heading}: {len(ev)} contacts from {_day(ev['timestamp'].iloc[0])} to "
        f"{_day(ev['timestamp'].iloc[-1])} across {len(counts)} agencies ({per})."
    )
    levels = ev["risk_level"] if "risk_level" in ev.columns else None
    if levels is not None and levels.isin(list(_RISK_STYLE)).any():
        assessed = ev[levels.isin(list(_RISK_STYLE))]
        seq = ", ".join(
            f"{lv} ({_day(t)})"
            for lv, t in zip(assessed["risk_level"], assessed["timestamp"], strict=True)
        )
        text += f" Risk levels recorded, in order: {seq}."
    else:
        text += " No risk assessment recorded a level."
    for label_, table in (
        ("The reviewer marked", annotations),
        ("The rules flagged", rule_flags),
        ("You flagged", flags_frame(flags) if flags is not None else None),
    ):
        if table is not None and len(table):
            ids = list(dict.fromkeys(str(e) for e in table["event_id"]))
            noun = "event" if len(ids) == 1 else "events"
            text += f" {label_} {len(ids)} {noun}: {', '.join(ids)}."
    return text


def _day(ts: Any) -> str:
    return f"{ts.day} {ts:%b %Y}"


def escalation_figure(
    events: pd.DataFrame, *, title: str | None = None, freq: str = "QS"
) -> go.Figure:
    """Bars of police calls and all contacts per period: the pattern of escalation.

    Returns a Figure with ``layout.meta["description"]`` (see :func:`describe_escalation`).
    """
    import plotly.graph_objects as go

    table = escalation(events, freq=freq)
    unit = {"MS": "month", "QS": "quarter", "YS": "year"}[freq]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=table["period"], y=table["contacts"], name="All contacts", marker={"color": "#56B4E9"}
        )
    )
    fig.add_trace(
        go.Bar(
            x=table["period"],
            y=table["police_calls"],
            name="Calls to the police",
            marker={"color": "#D55E00", "pattern": {"shape": "/"}},
        )
    )
    heading = f"Contacts and police calls per {unit}" + (f": {title}" if title else "")
    fig.update_layout(
        title={"text": heading},
        barmode="overlay",
        template="plotly_white",
        xaxis={"title": {"text": unit.capitalize()}},
        yaxis={"title": {"text": "Number"}},
        annotations=_nothing_to_show() if table.empty else None,
        meta={"description": describe_escalation(events, title=title, freq=freq)},
    )
    return fig


def describe_escalation(events: pd.DataFrame, *, title: str | None = None, freq: str = "QS") -> str:
    """The text alternative of :func:`escalation_figure`.

    Examples
    --------
    >>> from toolkit.data.synthetic import events_frame
    >>> describe_escalation(events_frame([{"timestamp": "2019-01-01 10:00"}]), freq="YS")
    'Contacts and police calls per year. 2019: 1 contact, 1 police call.'
    >>> describe_escalation(events_frame([{"timestamp": "2019-01-01 10:00"}]), freq="W")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: freq must be one of MS, QS, YS (months, quarters, years); got 'W'
    """
    table = escalation(events, freq=freq)
    unit = {"MS": "month", "QS": "quarter", "YS": "year"}[freq]
    fmt = {"MS": "%b %Y", "QS": "Q%q %Y", "YS": "%Y"}[freq]
    parts = []
    for row in table.itertuples(index=False):
        when = (
            f"Q{(row.period.month - 1) // 3 + 1} {row.period.year}"
            if freq == "QS"
            else (row.period.strftime(fmt))
        )
        contacts = f"{row.contacts} contact{'' if row.contacts == 1 else 's'}"
        calls = f"{row.police_calls} police call{'' if row.police_calls == 1 else 's'}"
        parts.append(f"{when}: {contacts}, {calls}")
    heading = f"Contacts and police calls per {unit}" + (f": {title}" if title else "")
    if not parts:
        return f"{heading}: no events."
    return f"{heading}. " + "; ".join(parts) + "."
