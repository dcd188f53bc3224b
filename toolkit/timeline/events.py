"""Checks and normalising shared by the swimlane (:mod:`toolkit.timeline`) and its summaries.

Both halves of the timeline read the same ``events`` table the same way: these helpers check it (a
DataFrame with event_id, timestamp, agency and contact_type; time-zone-aware timestamps, none
missing), make a sorted plain-text copy, give the agencies' lane order, read a learner's flags into
a table, and hold the note an empty figure carries. The figures and the summary tables both build on
them; so does the explorer.

Examples
--------
>>> from toolkit.data.synthetic import events_frame
>>> _norm(events_frame([{"timestamp": "2019-01-02 10:00"},
...                     {"timestamp": "2019-01-01 10:00"}]))["timestamp"].dt.day.tolist()
[1, 2]
>>> check_events(events_frame([{"timestamp": "2019-01-01 10:00"}]).drop(columns=["event_id"]))
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: events: column "event_id" is missing (expected event_id, \
timestamp, agency, contact_type); the table contains these columns: timestamp, agency, ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from toolkit.data import load_vocab, vocab_labels
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import pandas as pd

_REQUIRED = ("event_id", "timestamp", "agency", "contact_type")

__all__ = ["cell_text", "check_events", "check_times", "flags_frame", "lane_order"]


def check_events(events: pd.DataFrame, source: str = "events") -> None:
    import pandas as pd

    if not isinstance(events, pd.DataFrame):
        raise ToolkitError(f"{source}: expected a pandas DataFrame of events, got {type(events)}")
    for col in _REQUIRED:
        if col not in events.columns:
            raise ToolkitError(
                f'{source}: column "{col}" is missing (expected {", ".join(_REQUIRED)}); the '
                "table contains these columns: " + ", ".join(map(str, events.columns))
            )
    check_times(events, source)


def check_times(events: pd.DataFrame, source: str = "events") -> None:
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


def cell_text(value: Any) -> str:
    """One cell as text: tuples of ids joined with ``;``, anything missing as ``""``."""
    import pandas as pd

    if isinstance(value, (tuple, list)):
        return ";".join(map(str, value))
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _text(series: pd.Series) -> pd.Series:
    """A column as plain text (see :func:`cell_text`)."""
    return series.astype(object).map(cell_text)


def _norm(events: pd.DataFrame) -> pd.DataFrame:
    """A sorted copy with plain-text columns, whatever dtypes the table arrived with."""
    check_events(events)
    out = events.sort_values("timestamp", kind="stable").reset_index(drop=True).copy()
    for col in out.columns:
        if col not in ("timestamp", "risk_score", "response_target_minutes", "attended_minutes"):
            if col == "disclosure":
                out[col] = out[col].map(lambda v: str(v).lower() in ("true", "yes", "1"))
            else:
                out[col] = _text(out[col])
    return out


def _labels(name: str, column: str = "short_name") -> dict[str, str]:

    return vocab_labels(name, column=column)


def lane_order(events: pd.DataFrame) -> list[str]:
    """Agency ids present in ``events``, in the vocabulary's lane order (unknown ones last).

    Examples
    --------
    >>> from toolkit.data.synthetic import events_frame
    >>> lane_order(events_frame([{"timestamp": "2019-01-01 10:00", "agency": "gp"},
    ...                          {"timestamp": "2019-01-02 10:00"}]))
    ['police_call_handling', 'gp']
    """

    order = {a: i for i, a in enumerate(load_vocab("agencies")["id"].astype("str"))}
    present = list(dict.fromkeys(_text(events["agency"]).tolist()))
    return sorted(present, key=lambda a: (order.get(a, len(order)), a))


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
