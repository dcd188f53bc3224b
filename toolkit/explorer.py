"""An interactive case explorer: read a chronology, choose an event, flag a missed opportunity.

The widget is thin. Its controls (case, agencies, dates, event, opportunity type, reason) call
the pure functions in this module and in :mod:`toolkit.timeline`, and the timeline is one
``plotly.graph_objects.FigureWidget`` updated in place (``batch_update``), never rebuilt when a
filter changes. A learner's flags are saved in their answer store under ``flags:<case slug>``
(``toolkit.answers``), so they come back when the notebook is reopened; each flag is
``{"event_id", "opportunity_type", "reason", "flagged_at"}``.

Keyboard users choose events from the *Event* list (markers can also be clicked). The
reviewer's annotations appear only in trainer mode (``toolkit.trainer_mode(True)``): learners
make their own judgement first.

Flags are the learner's own reasoning. Nothing here marks a flag right or wrong; notebook 02
compares them with the rules and the reviewer to show agreement and difference.

Examples
--------
>>> from toolkit.data import load_case
>>> events = load_case("unlinked-calls").events
>>> flags = add_flag([], events, "E05", "repeat_calls_not_linked", "Second call in 7 weeks",
...                  when="2026-11-23T10:00:00+00:00")
>>> flags[0]["event_id"], flags[0]["reason"]
('E05', 'Second call in 7 weeks')
>>> add_flag(flags, events, "E99", "repeat_calls_not_linked", "?")
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: event "E99" is not in this case (expected an event_id such as E01)
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "TimelineExplorer",
    "add_flag",
    "case_header_html",
    "date_range_html",
    "event_detail_html",
    "event_options",
    "explore",
    "filter_events",
    "flags_html",
    "flags_key",
    "month_options",
    "remove_flag",
]

_MAX_REASON = 1000
#: The event list's first entry, chosen when no event is: a real value, so the list shows it
#: (a ``None`` value leaves an ipywidgets Dropdown blank in the browser).
NO_EVENT = ""
NO_EVENT_LABEL = "(choose an event)"
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

    from toolkit.timeline import _check_times

    _check_times(events)
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
    from toolkit.opportunities import vocab_labels
    from toolkit.timeline import _check

    _check(events)
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
    from toolkit.opportunities import vocab_labels
    from toolkit.timeline import _cell, flags_frame

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
        value = _cell(row[key])
        if key == "risk_tool" and value == "none":
            value = ""
        if key in ("referral", "shared_with"):
            value = ", ".join(agencies.get(v, v) for v in value.split(";") if v)
        elif key in _VOCAB_OF:
            value = vocab_labels(_VOCAB_OF[key], column="name").get(value, value)
        elif key == "linked_to":
            value = ", ".join(v for v in value.split(";") if v)
        if value:
            fields.append(f"<dt>{name}</dt><dd>{html.escape(value)}</dd>")
    mine = flags_frame(flags)
    mine = mine[mine["event_id"] == event_id]
    kinds = vocab_labels("opportunity_types", column="name")
    notes = "".join(
        f"<li>You flagged: {html.escape(kinds.get(t, t))}. {html.escape(r)}</li>"
        for t, r in zip(mine["opportunity_type"], mine["reason"], strict=True)
    )
    a, c = str(row["agency"]), str(row["contact_type"])
    return (
        f'<div class="everycall-event-detail" aria-live="polite">'
        f"<h4>{html.escape(str(event_id))} · {ts.day} {ts:%b %Y %H:%M} · "
        f"{html.escape(agencies.get(a, a))}: {html.escape(types.get(c, c))}</h4>"
        f"<dl>{''.join(fields)}</dl>" + (f"<ul>{notes}</ul>" if notes else "") + "</div>"
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
    from toolkit.data import load_vocab

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


def flags_html(flags: Any) -> str:
    """The learner's flags as a small table (their words, in time order)."""
    from toolkit.opportunities import vocab_labels
    from toolkit.timeline import flags_frame

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


# --------------------------------------------------------------------------------------------
# The widget


class TimelineExplorer:
    """The explorer widget for one case at a time (display ``.widget``).

    Parameters
    ----------
    case : str, optional
        A case slug from ``toolkit.data.list_cases()`` (default: ``toolkit.data.default_case()``).
    store : AnswerStore, optional
        Where flags are saved (default: ``toolkit.answers.current_store()``, bound by
        ``toolkit.begin``).
    trainer : bool, optional
        Show the reviewer's annotations (default: trainer mode, off for learners).
    flagging : bool
        Show the controls for flagging missed opportunities (notebook 01 reads the case
        first and leaves them out).
    """

    def __init__(
        self,
        case: str | None = None,
        *,
        store: Any = None,
        trainer: bool | None = None,
        flagging: bool = True,
    ) -> None:
        import ipywidgets as w
        import plotly.graph_objects as go

        from toolkit.data import default_case, list_cases, load_case, load_vocab

        if store is None:
            from toolkit.answers import current_store

            store = current_store()
        if trainer is None:
            from toolkit.exercises import is_trainer_mode

            trainer = is_trainer_mode()
        self.store, self.trainer = store, bool(trainer)
        cases = list_cases()
        slug = case or default_case()
        self.case = load_case(slug)
        titles = []
        for s in cases:
            try:
                titles.append((load_case(s).title, s))
            except ToolkitError:  # a course builder's case with errors: shown by validate
                continue
        self.case_picker = w.Dropdown(options=titles, value=slug, description="Case")
        self.agency_filter = w.SelectMultiple(description="Agencies", rows=6)
        # The slider's own readout is a fixed narrow box that cuts "Oct 2017 - Apr 2019" to
        # "Oct 2017-A", so the chosen range is written out in full beside it instead.
        self.dates = w.SelectionRangeSlider(
            options=[("", 0), (" ", 1)],
            description="Dates",
            continuous_update=False,
            readout=False,
            layout=w.Layout(width="95%"),
        )
        self.dates_label = w.HTML(layout=w.Layout(margin="0 0 0 90px"))
        self.dates_label.add_class("everycall-date-range")
        self.event_picker = w.Dropdown(
            options=[(NO_EVENT_LABEL, NO_EVENT)],
            value=NO_EVENT,
            description="Event",
            layout=w.Layout(width="95%"),
        )
        self.detail = w.HTML()
        types = load_vocab("opportunity_types")
        self.flag_type = w.Dropdown(
            options=[
                (f"{n}. {name}", i)
                for n, name, i in zip(types["number"], types["name"], types["id"], strict=True)
            ],
            description="Type",
            layout=w.Layout(width="95%"),
        )
        self.flag_reason = w.Textarea(
            placeholder="In your own words: what could have been done here, under the policy "
            "of the time?",
            description="Reason",
            layout=w.Layout(width="95%", height="70px"),
        )
        # width "auto": a button's default width (148 px) cuts longer descriptions short.
        self.flag_button = w.Button(
            description="Flag this event",
            button_style="primary",
            icon="flag",
            layout=w.Layout(width="auto"),
        )
        self.unflag_button = w.Button(
            description="Remove my flags on this event", layout=w.Layout(width="auto")
        )
        self.status = w.HTML()
        self.flags_table = w.HTML()
        self.caption = w.HTML()
        self.header = w.HTML()
        self.figure = go.FigureWidget()
        self.figure.add_class("everycall-timeline")
        self.selected: str | None = None
        self._types: list[str] = []
        self._loading = False
        self._load(slug)
        self.agency_filter.observe(self._on_filter, names="value")
        self.dates.observe(self._on_filter, names="value")
        self.dates.observe(self._on_dates, names="value")
        self.event_picker.observe(self._on_pick, names="value")
        self.case_picker.observe(lambda ch: self.show_case(ch["new"]), names="value")
        self.flag_button.on_click(lambda _: self.flag(self.flag_type.value, self.flag_reason.value))
        self.unflag_button.on_click(lambda _: self.unflag())
        flag_box = w.VBox(
            [
                w.HTML("<h4>Flag a missed opportunity</h4>"),
                self.flag_type,
                self.flag_reason,
                w.HBox([self.flag_button, self.unflag_button]),
                self.status,
            ]
        )
        parts = [
            self.case_picker,
            self.header,
            w.HBox(
                [
                    self.agency_filter,
                    # flex: the slider takes the room beside the list (else it is ~40 px wide)
                    w.VBox([self.dates, self.dates_label], layout=w.Layout(flex="1 1 auto")),
                ],
                layout=w.Layout(width="100%"),
            ),
            self.figure,
            self.caption,
            self.event_picker,
            self.detail,
        ]
        if flagging:
            parts += [flag_box, self.flags_table]
        self.widget = w.VBox(parts)
        self.widget.add_class("everycall-explorer")

    # -- state --------------------------------------------------------------------------------

    @property
    def flags(self) -> list[dict[str, Any]]:
        """The learner's saved flags for the case on show."""
        return list(self.store.get(flags_key(self.case.slug), []) or [])

    def visible_events(self) -> pd.DataFrame:
        """The events the filters let through (what the figure shows)."""
        start, end = self.dates.value if self.dates.value else (None, None)
        return filter_events(
            self.case.events,
            agencies=list(self.agency_filter.value),
            start=start,
            end=_month_end(end),
        )

    # -- callbacks: each one calls pure functions and updates widgets in place ---------------

    def show_case(self, slug: str) -> None:
        """Switch to another case (rebuilds the traces: the contact types differ)."""
        from toolkit.data import load_case

        self.case = load_case(slug)
        self._load(slug)

    def refresh(self) -> None:
        """Apply the filters: update every trace of the figure in place."""
        from toolkit.timeline import describe_swimlane, swimlane_traces

        visible = self.visible_events()
        lanes = [a for a in self._lanes if a in set(self.agency_filter.value)]
        traces = swimlane_traces(
            visible,
            annotations=self.case.annotations if self.trainer else None,
            flags=self.flags,
            lanes=lanes,
            contact_types=self._types,
        )
        from toolkit.opportunities import vocab_labels

        names = vocab_labels("agencies")
        with self.figure.batch_update():
            for trace, data in zip(self.figure.data, traces, strict=False):
                trace.x, trace.y = data["x"], data["y"]
                trace.customdata, trace.hovertext = data["customdata"], data["hovertext"]
                if trace.name == "Risk level":
                    trace.marker.color = data["marker"]["color"]
                    trace.marker.symbol = data["marker"]["symbol"]
            self.figure.layout.yaxis.categoryarray = [names.get(a, a) for a in lanes]
            self._mark_selected(visible)
        description = describe_swimlane(
            visible,
            title=self.case.title,
            lanes=lanes,
            flags=self.flags,
            annotations=self.case.annotations if self.trainer else None,
        )
        self.figure.layout.meta = {"description": description}
        self.caption.value = f'<p class="everycall-description">{html.escape(description)}</p>'
        options = event_options(visible)
        current = self.selected if self.selected in {v for _, v in options} else NO_EVENT
        self._loading = True
        try:
            # Options and value travel to the browser in one message, and the value is always
            # one of the options: set apart, the browser can apply an index to the old options
            # ("Error setting state: Cannot set properties of undefined (setting 'selected')").
            with self.event_picker.hold_sync():
                self.event_picker.options = [(NO_EVENT_LABEL, NO_EVENT), *options]
                self.event_picker.value = current
        finally:
            self._loading = False

    def select_event(self, event_id: str | None) -> None:
        """Show an event's details (from the event list or a click on a marker)."""
        event_id = event_id or None  # the list's "(choose an event)" entry is NO_EVENT
        self.selected = event_id
        self.detail.value = event_detail_html(self.case.events, event_id, flags=self.flags)
        wanted = event_id if event_id is not None else NO_EVENT
        if self.event_picker.value != wanted:
            if wanted in {v for _, v in self.event_picker.options}:
                self.event_picker.value = wanted
        with self.figure.batch_update():
            self._mark_selected(self.visible_events())

    def flag(self, opportunity_type: str, reason: str) -> bool:
        """Flag the chosen event; saves at once. Returns True when the flag was saved."""
        if self.selected is None:
            self.status.value = _note("Choose an event first, from the list or the timeline.")
            return False
        try:
            flags = add_flag(self.flags, self.case.events, self.selected, opportunity_type, reason)
            self.store.set(flags_key(self.case.slug), flags)  # a full disk says so, here
        except ToolkitError as exc:
            self.status.value = _note(str(exc))
            return False
        self.flag_reason.value = ""
        self.status.value = _note(f"Saved your flag on {self.selected}.")
        self._after_flags()
        return True

    def unflag(self) -> None:
        """Remove the learner's flags on the chosen event."""
        if self.selected is None:
            return
        try:
            self.store.set(flags_key(self.case.slug), remove_flag(self.flags, self.selected))
        except ToolkitError as exc:
            self.status.value = _note(str(exc))
            return
        self.status.value = _note(f"Removed your flags on {self.selected}.")
        self._after_flags()

    def _on_filter(self, change: Any) -> None:
        if not self._loading:
            self.refresh()

    def _on_pick(self, change: Any) -> None:
        new = change["new"] or None
        if not self._loading and new != self.selected:
            self.select_event(new)

    def _on_dates(self, change: Any) -> None:
        self.dates_label.value = date_range_html(self.dates.label)

    def _on_click(self, trace: Any, points: Any, state: Any = None) -> None:
        if points.point_inds:
            self.select_event(str(trace.customdata[points.point_inds[0]]))

    # -- helpers -------------------------------------------------------------------------------

    def _load(self, slug: str) -> None:
        import plotly.graph_objects as go

        from toolkit.opportunities import vocab_labels
        from toolkit.timeline import lane_order, swimlane

        events = self.case.events
        self._lanes = lane_order(events)
        self._types = list(
            dict.fromkeys(events.sort_values("timestamp")["contact_type"].astype("str"))
        )
        names = vocab_labels("agencies")
        months = month_options(events)
        self.selected = None
        fig = swimlane(
            events,
            title=self.case.title,
            lanes=self._lanes,
            annotations=self.case.annotations if self.trainer else None,
            flags=self.flags,
        )
        fig.add_trace(
            go.Scatter(
                name="Chosen event",
                mode="markers",
                x=[],
                y=[],
                hoverinfo="skip",
                showlegend=False,
                marker={
                    "size": 30,
                    "symbol": "circle-open",
                    "color": "#D55E00",
                    "line": {"width": 3, "color": "#D55E00"},
                },
            )
        )
        with self.figure.batch_update():
            self.figure.data = []
            self.figure.add_traces(list(fig.data))
            self.figure.layout = fig.layout
        for trace in self.figure.data[: len(self._types)]:
            trace.on_click(self._on_click)
        self._loading = True
        try:
            # Each control's options and value go to the browser together (see refresh).
            with self.agency_filter.hold_sync():
                self.agency_filter.options = [(names.get(a, a), a) for a in self._lanes]
                self.agency_filter.value = tuple(self._lanes)
            with self.dates.hold_sync():
                # A range needs two ends: one month is both; a case with no events has none.
                ends = months or [("no events", None)]
                self.dates.options = ends if len(ends) > 1 else ends * 2
                self.dates.index = (0, len(self.dates.options) - 1)
                self.dates.disabled = not months
        finally:
            self._loading = False
        self.dates_label.value = date_range_html(self.dates.label)
        self.flags_table.value = flags_html(self.flags)
        self.header.value = case_header_html(self.case)
        self.status.value = ""
        self.refresh()
        self.select_event(None)

    def _after_flags(self) -> None:
        self.flags_table.value = flags_html(self.flags)
        self.detail.value = event_detail_html(self.case.events, self.selected, flags=self.flags)
        self.refresh()

    def _mark_selected(self, visible: pd.DataFrame) -> None:
        from toolkit.opportunities import vocab_labels

        marker = self.figure.data[-1]
        row = visible[visible["event_id"].astype("str") == str(self.selected)]
        if self.selected is None or row.empty:
            marker.x, marker.y = [], []
            return
        names = vocab_labels("agencies")
        marker.x = [row["timestamp"].dt.tz_localize(None).iloc[0]]
        a = str(row["agency"].iloc[0])
        marker.y = [names.get(a, a)]


def date_range_html(labels: Sequence[str] | None) -> str:
    """The chosen date range in words, shown under the Dates slider.

    Examples
    --------
    >>> date_range_html(("Oct 2017", "Apr 2019"))
    '<span>Showing Oct 2017 to Apr 2019</span>'
    >>> date_range_html(("Oct 2017", "Oct 2017"))
    '<span>Showing Oct 2017</span>'
    >>> date_range_html(None)
    ''
    """
    if not labels:
        return ""
    start, end = labels[0], labels[-1]
    shown = html.escape(start if start == end else f"{start} to {end}")
    return f"<span>Showing {shown}</span>"


def _note(text: str) -> str:
    return f'<p role="status" class="everycall-status">{html.escape(text)}</p>'


def _month_end(day: Any) -> Any:
    import pandas as pd

    if day is None:
        return None
    return (pd.Timestamp(day) + pd.offsets.MonthEnd(0)).date()


def explore(
    case: str | None = None,
    *,
    store: Any = None,
    trainer: bool | None = None,
    flagging: bool = True,
) -> Any:
    """Build the explorer and return its widget, ready to display in a notebook cell.

    See :class:`TimelineExplorer`; ``explore(...)`` is ``TimelineExplorer(...).widget``.
    """
    return TimelineExplorer(case, store=store, trainer=trainer, flagging=flagging).widget
