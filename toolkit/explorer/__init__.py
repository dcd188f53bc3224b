"""An interactive case explorer: read a chronology, choose an event, flag a missed opportunity.

The widget is thin. Its controls (case, agencies, dates, event, opportunity type, reason) call the
pure functions in :mod:`toolkit.explorer.model` and in :mod:`toolkit.timeline`, and the timeline is
one ``plotly.graph_objects.FigureWidget`` updated in place (``batch_update``), never rebuilt when a
filter changes. A learner's flags are saved in their answer store under ``flags:<case slug>``
(``toolkit.answers``), so they come back when the notebook is reopened; each flag is ``{"event_id",
"opportunity_type", "reason", "flagged_at"}``.

Keyboard users choose events from the *Event* list (markers can also be clicked). The
reviewer's annotations appear only in trainer mode (``toolkit.trainer_mode(True)``): learners
make their own judgement first.

Flags are the learner's own reasoning. Nothing here marks a flag right or wrong; notebook 02
compares them with the rules and the reviewer to show agreement and difference.

Examples
--------
>>> from toolkit.data import load_case
>>> from toolkit.explorer.model import add_flag
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
from toolkit.explorer.widget import TimelineExplorer, explore

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
    "unusable_cases_html",
]
