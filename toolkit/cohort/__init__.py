"""cohort: see the parts of this subpackage."""

from __future__ import annotations

from toolkit.cohort.collect import (
    COLUMNS,
    CollectResult,
    anonymised,
    collect,
    csv_safe,
    csv_unescape,
    demo_cohort,
    demo_summary,
    exercise_figure,
    figures,
    free_text_responses,
    gather,
    readable_summary_table,
    show_debrief,
    load_summary,
    summary_table,
)

__all__ = [
    "COLUMNS",
    "CollectResult",
    "anonymised",
    "collect",
    "csv_safe",
    "csv_unescape",
    "demo_cohort",
    "demo_summary",
    "exercise_figure",
    "figures",
    "free_text_responses",
    "gather",
    "load_summary",
    "readable_summary_table",
    "show_debrief",
    "summary_table",
]
