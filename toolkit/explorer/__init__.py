"""explorer: see the parts of this subpackage."""

from __future__ import annotations

from toolkit.explorer.widget import (
    TimelineExplorer,
    add_flag,
    case_header_html,
    date_range_html,
    event_detail_html,
    event_options,
    explore,
    filter_events,
    flags_html,
    flags_key,
    month_options,
    remove_flag,
    unusable_cases_html,
)

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
