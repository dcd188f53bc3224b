"""Reading a case chronology: a swimlane timeline and the summaries that show its pattern.

Pure functions over a case's ``events`` table (``toolkit.data.load_case(slug).events``): each
returns a DataFrame or a plotly Figure and never shows it. Every figure has a title and a text
description in ``fig.layout.meta["description"]``, and a ``describe_*`` function returns the
same text, so notebooks print a text alternative under each figure for screen readers and
printed handouts.

- :func:`swimlane`: one lane per agency (in the vocabulary's lane order), one marker per
  contact, shaped and coloured by contact type (Okabe-Ito colours, which stay distinct for
  colour-blind readers, and a different symbol for each type so colour is never the only
  cue), a risk-level track underneath, and optional overlays: the reviewer's annotations
  (trainer view), the rules' flags and a learner's own flags.
- :func:`contacts_per_agency`, :func:`gaps`, :func:`escalation` and :func:`who_knew_what`:
  who was in contact and how often, the silences between contacts, how often incidents came
  over time, and what each agency knew by a given date. They return ids, numbers and
  timestamps for code; to show one to learners, pass it through
  :func:`toolkit.data.for_display` (dates as ``14 Oct 2017 21:40``, agency and risk names,
  blanks for missing values), for example
  ``for_display(contacts_per_agency(case.events).drop(columns=["agency"]))``.

Glossary: ``events`` is one case's events table; ``annotations`` the reviewer's table
(event_id, opportunity_type, explanation, ...); ``flags`` a learner's flags (a list of
mappings or a table with event_id, opportunity_type and reason).

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
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = [
    "OKABE_ITO",
    "contacts_per_agency",
    "describe_escalation",
    "describe_swimlane",
    "escalation",
    "escalation_figure",
    "flags_frame",
    "gaps",
    "lane_order",
    "marker_style",
    "swimlane",
    "swimlane_traces",
    "who_knew_what",
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
_REQUIRED = ("event_id", "timestamp", "agency", "contact_type")
TITLE_PREFIX = "Timeline of contacts"


# --------------------------------------------------------------------------------------------
# Normalising the events table


def _check(events: pd.DataFrame, source: str = "events") -> None:
    import pandas as pd

    if not isinstance(events, pd.DataFrame):
        raise ToolkitError(f"{source}: expected a pandas DataFrame of events, got {type(events)}")
    for col in _REQUIRED:
        if col not in events.columns:
            raise ToolkitError(
                f'{source}: column "{col}" is missing (expected {", ".join(_REQUIRED)}); the '
                "table contains these columns: " + ", ".join(map(str, events.columns))
            )
    _check_times(events, source)


def _check_times(events: pd.DataFrame, source: str = "events") -> None:
    """Timestamps that are time-zone aware and present (the message names the first gap)."""
    import numpy as np
    import pandas as pd

    if not isinstance(events["timestamp"].dtype, pd.DatetimeTZDtype):
        raise ToolkitError(
            f'{source}: column "timestamp" holds {events["timestamp"].dtype} values (expected '
            "time-zone-aware datetimes, as toolkit.data.load_case gives)"
        )
    missing = events["timestamp"].isna().to_numpy()
    if missing.any():
        row = int(np.flatnonzero(missing)[0]) + 1
        raise ToolkitError(f'{source}, row {row}, column "timestamp": the time is missing')


def _cell(value: Any) -> str:
    """One cell as text: tuples of ids joined with ``;``, anything missing as ``""``."""
    import pandas as pd

    if isinstance(value, (tuple, list)):
        return ";".join(map(str, value))
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _text(series: pd.Series) -> pd.Series:
    """A column as plain text (see :func:`_cell`)."""
    return series.astype(object).map(_cell)


def _norm(events: pd.DataFrame) -> pd.DataFrame:
    """A sorted copy with plain-text columns, whatever dtypes the table arrived with."""
    _check(events)
    out = events.sort_values("timestamp", kind="stable").reset_index(drop=True).copy()
    for col in out.columns:
        if col not in ("timestamp", "risk_score", "response_target_minutes", "attended_minutes"):
            if col == "disclosure":
                out[col] = out[col].map(lambda v: str(v).lower() in ("true", "yes", "1"))
            else:
                out[col] = _text(out[col])
    return out


def _labels(name: str, column: str = "short_name") -> dict[str, str]:
    from toolkit.opportunities import vocab_labels

    return vocab_labels(name, column=column)


def lane_order(events: pd.DataFrame) -> list[str]:
    """Agency ids present in ``events``, in the vocabulary's lane order (unknown ones last).

    Examples
    --------
    >>> from toolkit.synthetic import events_frame
    >>> lane_order(events_frame([{"timestamp": "2019-01-01 10:00", "agency": "gp"},
    ...                          {"timestamp": "2019-01-02 10:00"}]))
    ['police_call_handling', 'gp']
    """
    from toolkit.data import load_vocab

    order = {a: i for i, a in enumerate(load_vocab("agencies")["id"].astype("str"))}
    present = list(dict.fromkeys(_text(events["agency"]).tolist()))
    return sorted(present, key=lambda a: (order.get(a, len(order)), a))


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
    from toolkit.data import load_vocab

    return load_vocab("contact_types")["id"].astype("str").tolist()


def flags_frame(flags: Any) -> pd.DataFrame:
    """A learner's flags as a table (event_id, opportunity_type, reason, flagged_at).

    Accepts what the answer store holds (a list of mappings), a DataFrame or ``None``.

    Examples
    --------
    >>> flags_frame([{"event_id": "E05", "opportunity_type": "repeat_calls_not_linked",
    ...               "reason": "Second call"}])[["event_id", "reason"]].to_dict("records")
    [{'event_id': 'E05', 'reason': 'Second call'}]
    >>> flags_frame([{"opportunity_type": "x"}])
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: flags, item 1: "event_id" is missing (expected event_id, \
opportunity_type and reason)
    """
    import pandas as pd

    cols = ["event_id", "opportunity_type", "reason", "flagged_at"]
    if flags is None:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
    if isinstance(flags, pd.DataFrame):
        frame = flags.copy()
    else:
        items = list(flags)
        for i, item in enumerate(items, start=1):
            if not isinstance(item, Mapping) or "event_id" not in item:
                raise ToolkitError(
                    f'flags, item {i}: "event_id" is missing (expected event_id, '
                    "opportunity_type and reason)"
                )
        frame = pd.DataFrame(items)
    for c in cols:
        if c not in frame.columns:
            frame[c] = ""
    return frame[cols].fillna("").astype("str").reset_index(drop=True)


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
    levels = ev["risk_level"] if "risk_level" in ev.columns else ev["event_id"].map(lambda _: "")
    risk = ev[levels.isin(list(_RISK_STYLE))]
    traces.append(
        {
            "name": "Risk level",
            "showlegend": False,
            "x": risk["timestamp"].dt.tz_localize(None).tolist(),
            "y": [f"{lv} risk" for lv in risk["risk_level"]],
            "customdata": risk["event_id"].tolist(),
            "hovertext": [
                f"{e}: risk {lv}"
                for e, lv in zip(risk["event_id"], risk["risk_level"], strict=True)
            ],
            "marker": {
                "color": [_RISK_STYLE[lv][0] for lv in risk["risk_level"]],
                "symbol": [_RISK_STYLE[lv][1] for lv in risk["risk_level"]],
                "size": 12,
                "line": {"width": 1, "color": "#222222"},
            },
            "yaxis": "y2",
        }
    )
    where = dict(
        zip(
            ev["event_id"],
            zip(ev["timestamp"].dt.tz_localize(None), ev["agency"].map(lane_label), strict=True),
            strict=True,
        )
    )
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
        traces.append(
            {
                "name": name,
                "x": [where[e][0] for e in grouped],
                "y": [where[e][1] for e in grouped],
                "customdata": list(grouped),
                "hovertext": ["<br><br>".join(notes) for notes in grouped.values()],
                "marker": {
                    "color": colour,
                    "symbol": symbol,
                    "size": size,
                    "line": {"width": 2, "color": colour},
                },
                "yaxis": "y",
            }
        )
    return traces


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
    fig.update_layout(
        title={"text": heading},
        height=height or 340 + 42 * len(lanes),
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
        margin={"l": 140, "r": 20, "t": 60, "b": 170},
        yaxis={
            "domain": [0.2, 1.0],
            "type": "category",
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": [names.get(a, a) for a in lanes],
            "title": {"text": "Agency"},
        },
        yaxis2={
            "domain": [0.0, 0.13],
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
    >>> from toolkit.synthetic import events_frame
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


def _nothing_to_show() -> list[dict[str, Any]]:
    """The note a figure of no events carries, so an empty plot is not mistaken for a fault."""
    return [
        {
            "text": "No events to show",
            "showarrow": False,
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "font": {"size": 16},
        }
    ]


def _day(ts: Any) -> str:
    return f"{ts.day} {ts:%b %Y}"


# --------------------------------------------------------------------------------------------
# Summaries


def contacts_per_agency(events: pd.DataFrame) -> pd.DataFrame:
    """How often each agency was in contact, and what it recorded.

    Returns one row per agency in lane order: agency (id), name, contacts, first, last,
    disclosures, risk_assessments, highest_risk, referrals (made), shared (times it passed
    information on).

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> table = contacts_per_agency(load_case("unlinked-calls").events)
    >>> table.iloc[0]["name"], int(table.iloc[0]["contacts"])
    ('Police: calls', 11)
    >>> contacts_per_agency(None)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: events: expected a pandas DataFrame of events, got <class 'NoneType'>
    """  # noqa: E501
    import pandas as pd

    ev = _norm(events)
    names = _labels("agencies")
    rank = {"standard": 1, "medium": 2, "high": 3}
    rows = []
    for a in lane_order(ev):
        part = ev[ev["agency"] == a]
        levels = part["risk_level"] if "risk_level" in part else pd.Series(dtype="str")
        top = max(levels, key=lambda v: rank.get(v, 0), default="")
        rows.append(
            {
                "agency": a,
                "name": names.get(a, a),
                "contacts": len(part),
                "first": part["timestamp"].min(),
                "last": part["timestamp"].max(),
                "disclosures": int(part["disclosure"].sum()) if "disclosure" in part else 0,
                "risk_assessments": int(levels.isin(list(rank)).sum()),
                "highest_risk": top if rank.get(top) else "",
                "referrals": int((part.get("referral", pd.Series(dtype="str")) != "").sum()),
                "shared": int((part.get("shared_with", pd.Series(dtype="str")) != "").sum()),
            }
        )
    return pd.DataFrame(rows)


def gaps(events: pd.DataFrame) -> pd.DataFrame:
    """The silences in a chronology: days since the previous contact, overall and per agency.

    Returns event_id, timestamp, agency, days_since_previous (any agency) and
    days_since_agency_previous (the same agency), sorted by time; the first contact has no
    gap (NaN).

    Examples
    --------
    >>> from toolkit.synthetic import events_frame
    >>> gaps(events_frame([{"timestamp": "2019-01-01 10:00"},
    ...                    {"timestamp": "2019-01-11 10:00"}]))["days_since_previous"].tolist()
    [nan, 10.0]
    >>> gaps(events_frame([{"timestamp": "2019-01-01 10:00"}]).drop(columns=["timestamp"]))
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: events: column "timestamp" is missing (expected event_id, \
timestamp, agency, contact_type); the table contains these columns: event_id, agency, ...
    """
    ev = _norm(events)
    day = 86_400.0
    out = ev[["event_id", "timestamp", "agency"]].copy()
    out["days_since_previous"] = ev["timestamp"].diff().dt.total_seconds() / day
    out["days_since_agency_previous"] = (
        ev.groupby("agency")["timestamp"].diff().dt.total_seconds() / day
    )
    return out


def escalation(events: pd.DataFrame, *, freq: str = "QS") -> pd.DataFrame:
    """How often things happened over time: contacts, police calls and disclosures per period.

    Parameters
    ----------
    events : pandas.DataFrame
        One case's events.
    freq : str
        A pandas period start alias: ``"MS"`` (months), ``"QS"`` (quarters, the default) or
        ``"YS"`` (years).

    Returns
    -------
    pandas.DataFrame
        period (start date), contacts, police_calls (999 and 101 calls), disclosures and
        highest_risk recorded in the period; empty periods are kept, with zeros.

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> table = escalation(load_case("unlinked-calls").events, freq="YS")
    >>> table["police_calls"].tolist()
    [2, 6, 2]
    >>> escalation(load_case("unlinked-calls").events, freq="fortnight")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: freq must be one of MS, QS, YS (months, quarters, years); \
got 'fortnight'
    """
    import pandas as pd

    if freq not in ("MS", "QS", "YS"):
        raise ToolkitError(
            f"freq must be one of MS, QS, YS (months, quarters, years); got {freq!r}"
        )
    ev = _norm(events)
    columns = ["period", "contacts", "police_calls", "disclosures", "highest_risk"]
    if ev.empty:
        return pd.DataFrame(
            {
                "period": pd.Series(dtype="datetime64[ns]"),
                **{c: pd.Series(dtype=int) for c in columns[1:4]},
                "highest_risk": pd.Series(dtype=object),
            }
        )
    ev["period"] = ev["timestamp"].dt.tz_localize(None).dt.to_period(freq[0]).dt.start_time
    ev["call"] = ev["contact_type"].isin(["emergency_call", "non_emergency_call"])
    ev["rank"] = (
        ev.get("risk_level", pd.Series("", index=ev.index))
        .map({"standard": 1, "medium": 2, "high": 3})
        .fillna(0)
    )
    grouped = ev.groupby("period").agg(
        contacts=("event_id", "size"),
        police_calls=("call", "sum"),
        disclosures=("disclosure", "sum") if "disclosure" in ev else ("call", lambda s: 0),
        rank=("rank", "max"),
    )
    full = pd.date_range(grouped.index.min(), grouped.index.max(), freq=freq)
    grouped = grouped.reindex(full, fill_value=0)
    grouped["highest_risk"] = grouped["rank"].map({0: "", 1: "standard", 2: "medium", 3: "high"})
    out = grouped.drop(columns="rank").rename_axis("period").reset_index()
    return out.astype({"contacts": int, "police_calls": int, "disclosures": int})


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
    >>> from toolkit.synthetic import events_frame
    >>> describe_escalation(events_frame([{"timestamp": "2019-01-01 10:00"}]), freq="YS")
    'Contacts and police calls per year. 2019: 1 contacts, 1 police calls.'
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
        parts.append(f"{when}: {row.contacts} contacts, {row.police_calls} police calls")
    heading = f"Contacts and police calls per {unit}" + (f": {title}" if title else "")
    if not parts:
        return f"{heading}: no events."
    return f"{heading}. " + "; ".join(parts) + "."


def who_knew_what(events: pd.DataFrame, date: Any) -> pd.DataFrame:
    """What each agency knew by ``date`` (inclusive): its own contacts and what it was told.

    Parameters
    ----------
    events : pandas.DataFrame
        One case's events.
    date : str or Timestamp
        A date (``YYYY-MM-DD``) or time; text is read as local time in the events' time zone.

    Returns
    -------
    pandas.DataFrame
        One row per agency with contacts by then, in lane order: agency, name, contacts,
        disclosures, highest_risk, last_contact, last_summary, told_by (agencies that had
        referred to or shared with it) and told (agencies it had referred to or shared with).

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> knew = who_knew_what(load_case("unlinked-calls").events, "2017-12-31")
    >>> knew.set_index("agency").loc["childrens_social_care", "told_by"]
    'Police: DA unit'
    >>> who_knew_what(load_case("unlinked-calls").events, "last Tuesday")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: date "last Tuesday" is not a date (expected YYYY-MM-DD)
    """
    import pandas as pd

    ev = _norm(events)
    try:
        when = pd.Timestamp(date)
    except (ValueError, TypeError):
        raise ToolkitError(f'date "{date}" is not a date (expected YYYY-MM-DD)') from None
    tz = ev["timestamp"].dt.tz
    when = when.tz_localize(tz) if when.tzinfo is None else when.tz_convert(tz)
    if len(str(date)) <= 10:  # a whole day: include everything that happened on it
        when = when + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    ev = ev[ev["timestamp"] <= when]
    names = _labels("agencies")
    told: dict[str, set[str]] = {}
    told_by: dict[str, set[str]] = {}
    for row in ev.itertuples(index=False):
        r = row._asdict()
        for key in ("referral", "shared_with"):
            for dst in filter(None, (p.strip() for p in str(r.get(key, "")).split(";"))):
                told.setdefault(r["agency"], set()).add(dst)
                told_by.setdefault(dst, set()).add(r["agency"])
    table = contacts_per_agency(ev) if len(ev) else pd.DataFrame(columns=["agency"])
    rows = []
    order = lane_order(ev) if len(ev) else []
    for a in order:
        part = ev[ev["agency"] == a]
        base = table.set_index("agency").loc[a]
        rows.append(
            {
                "agency": a,
                "name": names.get(a, a),
                "contacts": int(base["contacts"]),
                "disclosures": int(base["disclosures"]),
                "highest_risk": base["highest_risk"],
                "last_contact": part["timestamp"].iloc[-1],
                "last_summary": part["summary"].iloc[-1] if "summary" in part else "",
                "told_by": ", ".join(names.get(t, t) for t in _ordered(told_by.get(a, ()), order)),
                "told": ", ".join(names.get(t, t) for t in _ordered(told.get(a, ()), order)),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "agency",
            "name",
            "contacts",
            "disclosures",
            "highest_risk",
            "last_contact",
            "last_summary",
            "told_by",
            "told",
        ],
    )


def _ordered(ids: Iterable[str], order: Sequence[str]) -> list[str]:
    pos = {a: i for i, a in enumerate(order)}
    return sorted(ids, key=lambda a: (pos.get(a, len(pos)), a))
