"""The cohort debrief: a cohort's answers gathered for a trainer (``everycall answers collect``).

::

    reading     gather(): every answer file judged once, duplicates and copies resolved
    numeric     how numeric answers spread
    page        the debrief page (one renderer: collect's page and the hub's live page)
    summary     collect(): the Excel-safe summary CSV and the HTML page; csv_safe and
                its inverse; load_summary, show_debrief
    demo        a made-up cohort for trying the debrief without a room

What ``collect`` reads, writes and refuses, with examples, is in :mod:`toolkit.cohort.summary`.
"""

from __future__ import annotations

from toolkit.cohort.demo import demo_cohort, demo_summary
from toolkit.cohort.page import exercise_figure
from toolkit.cohort.reading import CollectResult, gather, gather_documents
from toolkit.cohort.summary import (
    COLUMNS,
    DEFAULT_OUT,
    anonymised,
    collect,
    csv_safe,
    csv_text,
    csv_unescape,
    debrief_html,
    figures,
    free_text_responses,
    load_summary,
    readable_summary_table,
    show_debrief,
    summary_table,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_OUT",
    "CollectResult",
    "anonymised",
    "collect",
    "csv_text",
    "csv_safe",
    "csv_unescape",
    "debrief_html",
    "demo_cohort",
    "demo_summary",
    "exercise_figure",
    "figures",
    "free_text_responses",
    "gather",
    "gather_documents",
    "load_summary",
    "readable_summary_table",
    "show_debrief",
    "summary_table",
]
