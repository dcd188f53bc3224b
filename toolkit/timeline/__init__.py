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

The parts: :mod:`~toolkit.timeline.figures` (the swimlane and the escalation chart),
:mod:`~toolkit.timeline.tables` (the summaries) and :mod:`~toolkit.timeline.events` (the checks
and normalising they share).
"""

from __future__ import annotations

from toolkit.timeline.events import cell_text, check_events, check_times, flags_frame, lane_order
from toolkit.timeline.figures import (
    OKABE_ITO,
    TITLE_PREFIX,
    describe_escalation,
    describe_swimlane,
    escalation_figure,
    lane_geometry,
    marker_style,
    swimlane,
    swimlane_traces,
)
from toolkit.timeline.tables import contacts_per_agency, escalation, gaps, who_knew_what

__all__ = [
    "cell_text",
    "OKABE_ITO",
    "TITLE_PREFIX",
    "check_events",
    "check_times",
    "contacts_per_agency",
    "describe_escalation",
    "describe_swimlane",
    "escalation",
    "escalation_figure",
    "flags_frame",
    "gaps",
    "lane_geometry",
    "lane_order",
    "marker_style",
    "swimlane",
    "swimlane_traces",
    "who_knew_what",
]
