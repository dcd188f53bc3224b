"""The explorer's pure functions: what it lists, shows and saves, with no widgets in sight.

:class:`toolkit.explorer.TimelineExplorer` is thin: each control calls one of these functions and
puts the result in a widget. Everything worth testing (filtering events, the event list and month
options, the HTML panels, and adding, removing and keying a learner's flags) is here, without a
widget.

Nothing heavy is imported at module level: pandas and the toolkit's table modules load inside
the functions that need them.

Examples
--------
>>> remove_flag([{"event_id": "E05", "opportunity_type": "a"}], "E05")
[]
>>> flags_key(" ")
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: a case slug is needed to save flags (expected a name such as \
unlinked-calls)
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from toolkit.data import load_vocab, vocab_labels
from toolkit.errors import ToolkitError
from toolkit.timeline import cell_text, check_events, check_times, flags_frame

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "add_flag",
    "case_header_html",
    "date_range_html",
    "event_detail_html",
    "event_options",
    "filter_events",
    "flags_html",
    "flags_key",
    "month_options",
    "remove_flag",
    "unusable_cases_html",
]

_MAX_REASON = 1000
_VOCAB_OF = {
    "initiated_by": "initiated_by",
    "outcome": "outcomes",
    "call_grade": "call_grades",
    "risk_tool": "risk_tools",
    "risk_level": "risk_levels",
}


def flags_key(case_slug: str) -> str:
    """The answer-store key holding a learner's flags for a case.

    Examples
    --------
    >>> flags_key("unlinked-calls")
    'flags:unlinked-calls'
    >>> flags_key("")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: a case slug is needed to save flags (expected a name such as \
unlinked-calls)
    """
    if not case_slug or not str(case_slug).strip():
        raise ToolkitError(
            "a case slug is needed to save flags (expected a name such as unlinked-calls)"
        )
    return f"flags:{case_slug}"


# --------------------------------------------------------------------------------------------
# Pure functions the widget calls


def filter_events(
    events: pd.DataFrame,
    *,
    agencies: Sequence[str] | None = None,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    """The events of the chosen agencies between ``start`` and ``end`` (both included).

    ``start`` and ``end`` are dates (text ``YYYY-MM-DD`` or timestamps); a date includes the
    whole day. ``None`` leaves that side open.

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> ev = load_case("unlinked-calls").events
    >>> len(filter_events(ev, agencies=["gp"])), len(filter_events(ev, end="2017-12-31"))
    (2, 9)
    >>> filter_events(ev, start="2019-01-01", end="2018-01-01")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: the date range starts (2019-01-01) after it ends (2018-01-01)
    """
    import pandas as pd

    tz = events["timestamp"].dt.tz

    def stamp(value: Any, *, end_of_day: bool) -> pd.Timestamp | None:
        if value is None:
            return None
        try:
            ts = pd.Timestamp(value)
        except (TypeError, ValueError):
            raise ToolkitError(f'"{value}" is not a date (expected YYYY-MM-DD)') from None
        ts = ts.tz_localize(tz) if ts.tzinfo is None else ts.tz_convert(tz)
        if end_of_day and ts == ts.normalize():
            ts = ts + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
        return ts

    lo, hi = stamp(start, end_of_day=False), stamp(end, end_of_day=True)
    if lo is not None and hi is not None and lo > hi:
        raise ToolkitError(f"the date range starts ({start}) after it ends ({end})")
    keep = pd.Series(True, index=events.index)
    if agencies is not None:
        keep &= events["agency"].astype("str").isin([str(a) for a in agencies])
    if lo is not None:
        keep &= events["timestamp"] >= lo
    if hi is not None:
        keep &= events["timestamp"] <= hi
    return events[keep]


def month_options(events: pd.DataFrame) -> list[tuple[str, Any]]:
    """(label, first day) for every month the case spans, for the date-range slider.

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> opts = month_options(load_case("unlinked-calls").events)
    >>> opts[0][0], opts[-1][0], len(opts)
    ('Oct 2017', 'Apr 2019', 19)
    """
    import pandas as pd

    check_times(events)
    if events.empty:
        return []
    ts = events["timestamp"].dt.tz_localize(None)
    months = pd.period_range(ts.min().to_period("M"), ts.max().to_period("M"), freq="M")
    return [(f"{m.strftime('%b %Y')}", m.start_time.date()) for m in months]


def event_options(events: pd.DataFrame) -> list[tuple[str, str]]:
    """(label, event_id) for the event list: id, date, agency and contact type, in time order.

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> event_options(load_case("unlinked-calls").events)[0]
    ('E01 · 14 Oct 2017 · Police: calls: Emergency call (999)', 'E01')
    >>> event_options(load_case("unlinked-calls").events.drop(columns=["agency"]))
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: events: column "agency" is missing (expected event_id, \
timestamp, agency, contact_type); the table contains these columns: event_id, timestamp, ...
    """

    check_events(events)
    agencies = vocab_labels("agencies")
    types = vocab_labels("contact_types", column="name")
    out = []
    for row in events.sort_values("timestamp", kind="stable").itertuples(index=False):
        a, c = str(row.agency), str(row.contact_type)
        when = f"{row.timestamp.day} {row.timestamp:%b %Y}"
        out.append(
            (
                f"{row.event_id} · {when} · {agencies.get(a, a)}: {types.get(c, c)}",
                str(row.event_id),
            )
        )
    return out


# The detail panel is a two-column table (label, value), so every value starts at one edge
# whatever the length of its label; a description list left its layout to the page's CSS.
_LABEL_STYLE = (
    "text-align:left;vertical-align:top;font-weight:bold;padding:0.15em 1em 0.15em 0;"
    "white-space:nowrap;background:none;border:none"
)
_VALUE_STYLE = "text-align:left;vertical-align:top;padding:0.15em 0;background:none;border:none"


def event_detail_html(events: pd.DataFrame, event_id: str | None, *, flags: Any = None) -> str:
    """The detail panel for one event: what the practitioner knew and did at the time.

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> panel = event_detail_html(load_case("unlinked-calls").events, "E05")
    >>> "<h4>E05" in panel and "Police: calls" in panel
    True
    >>> event_detail_html(load_case("unlinked-calls").events, "E5")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: event "E5" is not in this case (expected an event_id such as E01)
    """

    if event_id is None:
        return "<p><em>Choose an event from the list, or click a marker on the timeline.</em></p>"
    row = _row(events, event_id)
    agencies = vocab_labels("agencies")
    types = vocab_labels("contact_types", column="name")
    ts = row["timestamp"]
    fields = []
    for key, name in (
        ("initiated_by", "Contact made by"),
        ("summary", "What was known"),
        ("risk_tool", "Risk tool"),
        ("risk_score", "Risk score"),
        ("risk_level", "Risk level"),
        ("action", "What was done"),
        ("referral", "Referral to"),
        ("outcome", "Outcome"),
        ("call_grade", "Call grade"),
        ("response_target_minutes", "Response target (minutes)"),
        ("attended_minutes", "Attended after (minutes)"),
        ("linked_to", "Linked to earlier events"),
        ("shared_with", "Shared with"),
    ):
        if key not in row.index:
            continue
        value = cell_text(row[key])
        if key == "risk_tool" and value == "none":
            value = ""
        if key in ("referral", "shared_with"):
            value = ", ".join(agencies.get(v, v) for v in value.split(";") if v)
        elif key in _VOCAB_OF:
            value = vocab_labels(_VOCAB_OF[key], column="name").get(value, value)
        elif key == "linked_to":
            value = ", ".join(v for v in value.split(";") if v)
        if value:
            fields.append(
                f'<tr><th scope="row" style="{_LABEL_STYLE}">{name}</th>'
                f'<td style="{_VALUE_STYLE}">{html.escape(value)}</td></tr>'
            )
    mine = flags_frame(flags)
    mine = mine[mine["event_id"] == event_id]
    kinds = vocab_labels("opportunity_types", column="name")
    notes = "".join(
        f"<li>You flagged: {html.escape(kinds.get(t, t))}. {html.escape(r)}</li>"
        for t, r in zip(mine["opportunity_type"], mine["reason"], strict=True)
    )
    a, c = str(row["agency"]), str(row["contact_type"])
    return (
        f'<div class="everycall-event-detail" aria-live="polite" style="line-height:1.45">'
        f"<h4>{html.escape(str(event_id))} · {ts.day} {ts:%b %Y %H:%M} · "
        f"{html.escape(agencies.get(a, a))}: {html.escape(types.get(c, c))}</h4>"
        f'<table class="everycall-detail-fields" style="border-collapse:collapse">'
        f"<tbody>{''.join(fields)}</tbody></table>"
        + (f"<ul>{notes}</ul>" if notes else "")
        + "</div>"
    )


def _row(events: pd.DataFrame, event_id: str) -> pd.Series:
    hit = events[events["event_id"].astype("str") == str(event_id)]
    if hit.empty:
        first = str(events["event_id"].iloc[0]) if len(events) else "E01"
        raise ToolkitError(
            f'event "{event_id}" is not in this case (expected an event_id such as {first})'
        )
    return hit.iloc[0]


def add_flag(
    flags: Sequence[dict[str, Any]] | None,
    events: pd.DataFrame,
    event_id: str,
    opportunity_type: str,
    reason: str,
    *,
    when: str | None = None,
) -> list[dict[str, Any]]:
    """A new list of flags with this one added (replacing an earlier flag of the same type on
    the same event). The learner's reason is kept exactly as written.

    Raises
    ------
    ToolkitError
        The event is not in the case, the type is not in the vocabulary, or the reason is
        empty or longer than 1,000 characters.
    """

    _row(events, event_id)
    known = load_vocab("opportunity_types")["id"].astype("str").tolist()
    if opportunity_type not in known:
        raise ToolkitError(
            f'opportunity type "{opportunity_type}" is not in the vocabulary; expected one of: '
            + ", ".join(known)
        )
    text = str(reason or "").strip()
    if not text:
        raise ToolkitError(
            "add a short reason in your own words (a sentence is enough) before flagging"
        )
    if len(text) > _MAX_REASON:
        raise ToolkitError(f"the reason is {len(text)} characters; keep it under {_MAX_REASON}")
    stamp = when or datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    kept = [
        dict(f)
        for f in (flags or [])
        if not (f.get("event_id") == event_id and f.get("opportunity_type") == opportunity_type)
    ]
    kept.append(
        {
            "event_id": str(event_id),
            "opportunity_type": opportunity_type,
            "reason": text,
            "flagged_at": stamp,
        }
    )
    order = {e: i for i, e in enumerate(events.sort_values("timestamp")["event_id"].astype("str"))}
    return sorted(kept, key=lambda f: (order.get(f["event_id"], len(order)), f["flagged_at"]))


def remove_flag(
    flags: Sequence[dict[str, Any]] | None, event_id: str, opportunity_type: str | None = None
) -> list[dict[str, Any]]:
    """A new list of flags without the flags on ``event_id`` (of one type, or all).

    Examples
    --------
    >>> remove_flag([{"event_id": "E05", "opportunity_type": "a"},
    ...              {"event_id": "E05", "opportunity_type": "b"}], "E05", "a")
    [{'event_id': 'E05', 'opportunity_type': 'b'}]
    >>> remove_flag(None, "E05")
    []
    """
    return [
        dict(f)
        for f in (flags or [])
        if not (
            f.get("event_id") == event_id
            and (opportunity_type is None or f.get("opportunity_type") == opportunity_type)
        )
    ]


def case_header_html(case: Any) -> str:
    """The case's title, its fictional-composite notice, summary, period and content note.

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> head = case_header_html(load_case("unlinked-calls"))
    >>> "<h3>Every call on its own</h3>" in head and "fictional composite" in head
    True
    """
    meta = case.meta
    period = meta.get("period", {})
    note = meta.get("content_note", "")
    return (
        '<div class="everycall-case-header">'
        f"<h3>{html.escape(case.title)}</h3>"
        f"<p><em>{html.escape(case.notice)}</em></p>"
        f"<p>{html.escape(str(meta.get('summary', '')))}</p>"
        f"<p><strong>Period:</strong> {html.escape(str(period.get('start', '')))} to "
        f"{html.escape(str(period.get('end', '')))}. <strong>Content note:</strong> "
        f"{html.escape(str(note))}</p></div>"
    )


def unusable_cases_html(slugs: list[str]) -> str:
    """The note under the case list naming cases left out because they do not load.

    A course builder who has just added a case looks for it in the list; this says where it
    went and how to see why.

    Examples
    --------
    >>> unusable_cases_html([])
    ''
    >>> print(unusable_cases_html(["harbour-street"]))
    <p class="everycall-case-note">Not in the list: harbour-street, which has errors. To see them, \
run <code>everycall validate</code> in a terminal.</p>
    """
    if not slugs:
        return ""
    names = ", ".join(html.escape(s) for s in slugs)
    which = "which has errors" if len(slugs) == 1 else "which have errors"
    return (
        f'<p class="everycall-case-note">Not in the list: {names}, {which}. To see them, '
        "run <code>everycall validate</code> in a terminal.</p>"
    )


def flags_html(flags: Any) -> str:
    """The learner's flags as a small table (their words, in time order)."""

    table = flags_frame(flags)
    if table.empty:
        return "<p><em>You have not flagged any events yet.</em></p>"
    names = vocab_labels("opportunity_types", column="name")
    rows = "".join(
        f"<tr><td>{html.escape(e)}</td><td>{html.escape(names.get(t, t))}</td>"
        f"<td>{html.escape(r)}</td></tr>"
        for e, t, r in zip(
            table["event_id"], table["opportunity_type"], table["reason"], strict=True
        )
    )
    return (
        '<table class="everycall-flags"><caption>Your flags</caption><thead><tr>'
        '<th scope="col">Event</th><th scope="col">Type</th><th scope="col">Your reason</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def date_range_html(labels: Sequence[str] | None) -> str:
    """The chosen date range in words, shown under the Dates slider.

    Examples
    --------
    >>> date_range_html(("Oct 2017", "Apr 2019"))  # doctest: +NORMALIZE_WHITESPACE
    '<span data-everycall-from="Oct 2017" data-everycall-to="Apr 2019">Showing Oct 2017 to
    Apr 2019</span>'
    >>> date_range_html(("Oct 2017", "Oct 2017"))
    '<span data-everycall-from="Oct 2017" data-everycall-to="Oct 2017">Showing Oct 2017</span>'
    >>> date_range_html(None)
    ''
    """
    if not labels:
        return ""
    start, end = labels[0], labels[-1]
    shown = html.escape(start if start == end else f"{start} to {end}")
    # The two dates, for the slider's handles: a screen reader says "Dates, from: Oct 2017"
    # (toolkit/core/access.js) rather than the option's number.
    ends = f'data-everycall-from="{html.escape(start)}" data-everycall-to="{html.escape(end)}"'
    return f"<span {ends}>Showing {shown}</span>"
