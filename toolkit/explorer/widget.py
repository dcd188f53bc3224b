"""The explorer widget: :class:`TimelineExplorer` (see :mod:`toolkit.explorer`)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from toolkit.answers import current_store
from toolkit.core.access import ANNOUNCE, with_helper
from toolkit.core.display import figure_widget_ready
from toolkit.core.session import is_trainer_mode
from toolkit.data import default_case, list_cases, load_case, load_vocab, vocab_labels
from toolkit.errors import ToolkitError
from toolkit.explorer.model import (
    add_flag,
    case_header_html,
    date_range_html,
    event_detail_html,
    event_options,
    filter_events,
    flags_html,
    flags_key,
    month_options,
    remove_flag,
    unusable_cases_html,
)
from toolkit.timeline import describe_swimlane, lane_geometry, lane_order, swimlane, swimlane_traces

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["NO_EVENT", "NO_EVENT_LABEL", "TimelineExplorer", "explore"]

#: The event list's first entry, chosen when no event is: a real value, so the list shows it
#: (a ``None`` value leaves an ipywidgets Dropdown blank in the browser).
NO_EVENT = ""
NO_EVENT_LABEL = "(choose an event)"


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
        if store is None:
            store = current_store()
        if trainer is None:
            trainer = is_trainer_mode()
        self.store, self.trainer = store, bool(trainer)
        cases = list_cases()
        slug = case or default_case()
        self.case = load_case(slug)
        self._build_controls(slug, cases)
        self.selected: str | None = None
        self._types: list[str] = []
        self._loading = False
        self._load(slug)
        self._wire_events()
        self.widget = self._arrange(flagging=flagging)
        figure_widget_ready(self.figure)  # drawn inside a VBox: see figure_widget_ready

    def _build_controls(self, slug: str, cases: list[str]) -> None:
        """Every control and output of the explorer, empty until :meth:`_load` fills them."""
        import ipywidgets as w
        import plotly.graph_objects as go

        titles, unusable = _case_choices(cases)
        self.case_picker = w.Dropdown(options=titles, value=slug, description="Case")
        self.case_note = w.HTML(unusable_cases_html(unusable))
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
        self._build_flag_controls()
        self.flags_table = w.HTML()
        self.caption = w.HTML()
        self.caption.add_class("everycall-live-only")  # handouts print it as the caption
        self.header = w.HTML()
        self.figure = go.FigureWidget()
        self.figure.add_class("everycall-timeline")

    def _build_flag_controls(self) -> None:
        """The controls for flagging a missed opportunity on the chosen event."""
        import ipywidgets as w

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
        self.status = w.HTML().add_class(ANNOUNCE)

    def _wire_events(self) -> None:
        """Connect the controls to the callbacks."""
        self.agency_filter.observe(self._on_filter, names="value")
        self.dates.observe(self._on_filter, names="value")
        self.dates.observe(self._on_dates, names="value")
        self.event_picker.observe(self._on_pick, names="value")
        self.case_picker.observe(lambda ch: self.show_case(ch["new"]), names="value")
        self.flag_button.on_click(lambda _: self.flag(self.flag_type.value, self.flag_reason.value))
        self.unflag_button.on_click(lambda _: self.unflag())

    def _arrange(self, *, flagging: bool) -> Any:
        """The explorer's box: the case, the filters, the figure and the chosen event, then
        (with ``flagging``) the flag controls and the learner's flags."""
        import ipywidgets as w

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
            self.case_note,
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
        box = w.VBox(parts)
        box.add_class("everycall-explorer")
        return with_helper(box)  # names the date handles, announces the flag status

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

        self.case = load_case(slug)
        self._load(slug)

    def refresh(self) -> None:
        """Apply the filters: update every trace of the figure in place."""

        visible = self.visible_events()
        lanes = [a for a in self._lanes if a in set(self.agency_filter.value)]
        traces = swimlane_traces(
            visible,
            annotations=self.case.annotations if self.trainer else None,
            flags=self.flags,
            lanes=lanes,
            contact_types=self._types,
        )

        names = vocab_labels("agencies")
        with self.figure.batch_update():
            for trace, data in zip(self.figure.data, traces, strict=False):
                trace.x, trace.y = data["x"], data["y"]
                trace.customdata, trace.hovertext = data["customdata"], data["hovertext"]
                if trace.name == "Risk level":
                    trace.marker.color = data["marker"]["color"]
                    trace.marker.symbol = data["marker"]["symbol"]
            self.figure.layout.yaxis.categoryarray = [names.get(a, a) for a in lanes]
            sizes = lane_geometry(len(lanes))  # the figure shrinks to the lanes shown
            self.figure.layout.height = sizes["height"]
            self.figure.layout.yaxis.domain = sizes["lanes_domain"]
            self.figure.layout.yaxis2.domain = sizes["risk_domain"]
            if self.selected is not None and self.selected not in set(
                visible["event_id"].astype("str")
            ):
                self.selected = None  # the filter hides it: its detail goes too
                self.detail.value = event_detail_html(self.case.events, None)
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

        marker = self.figure.data[-1]
        row = visible[visible["event_id"].astype("str") == str(self.selected)]
        if self.selected is None or row.empty:
            marker.x, marker.y = [], []
            return
        names = vocab_labels("agencies")
        marker.x = [row["timestamp"].dt.tz_localize(None).iloc[0]]
        a = str(row["agency"].iloc[0])
        marker.y = [names.get(a, a)]


def _case_choices(cases: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """The case list's (title, slug) options, and the cases that cannot be loaded."""
    titles, unusable = [], []
    for s in cases:
        try:
            titles.append((load_case(s).title, s))
        except ToolkitError:  # a course builder's case with errors: say so, briefly
            unusable.append(s)
    return titles, unusable


def _note(text: str) -> str:
    # no role="status": the widget showing it is the live region (toolkit.core.access)
    return f'<p class="everycall-status">{html.escape(text)}</p>'


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
