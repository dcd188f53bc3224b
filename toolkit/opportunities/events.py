"""Preparing an events table for the rules, and the vectorised helpers rules are written with.

None of it knows what a rule is (that is :mod:`toolkit.opportunities.engine`): how to check and sort
an events table and add the integer keys that make every window a binary search
(:func:`prepare_events`), how to match text over a column's few distinct values rather than a
million strings (:func:`matches`, :func:`is_blank`), how to find the next, previous or recent rows
in the same case and group (:func:`seconds_to_next`, :func:`previous_in_group`,
:func:`trailing_count`), and how to hand flagged rows back to the engine (:func:`flagged`,
:func:`day_text`). A trainer writing a rule imports them from :mod:`toolkit.opportunities`.

Examples
--------
>>> from toolkit.data.synthetic import events_frame
>>> ev = prepare_events(events_frame([{"timestamp": "2019-01-01 10:00", "agency": "gp"},
...                                   {"timestamp": "2019-01-03 10:00", "agency": "GP"}]))
>>> flagged(ev, matches(ev["agency"], "gp"), "A GP contact.")["event_id"].tolist()
['E001', 'E002']
>>> trailing_count(ev, matches(ev["agency"], "gp"), window_days=1).tolist()
[1, 1]
>>> prepare_events([{"event_id": "E1"}])
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: events: expected a pandas DataFrame of events, got <class 'list'>
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_REQUIRED = ("event_id", "timestamp")
# Text columns the built-in rules read; turned into categoricals once so every match is a
# lookup over a few distinct values rather than a pass over a million strings.
_TEXT = (
    "agency",
    "contact_type",
    "initiated_by",
    "risk_tool",
    "risk_level",
    "action",
    "referral",
    "outcome",
    "call_grade",
    "shared_with",
)
_LISTS = ("linked_to", "shared_with")
_BLANK_SPELLINGS = ("", " ", "nan", "NaN", "none", "None", "NONE", "-", "n/a", "N/A", "()", "[]")
_DAY = 86_400
_CASE_STRIDE = 10**10  # seconds; keys of different cases never fall in one window


def prepare_events(events: pd.DataFrame, *, source: str = "events") -> pd.DataFrame:
    """Check ``events`` and return a sorted copy with the helper columns rules use.

    Adds ``_case`` (integer case code, 0 for a single case), ``_t`` (seconds since the first
    event) and ``_key`` (``_case`` and ``_t`` in one sortable integer), and turns the text
    columns the rules read into categoricals. Rows are sorted by case and time.

    Raises
    ------
    ToolkitError
        A required column is missing or ``timestamp`` is not a time-zone-aware datetime.

    Examples
    --------
    >>> import pandas as pd
    >>> prepare_events(pd.DataFrame({"event_id": ["E1"]}))
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: events: column "timestamp" is missing (expected event_id, \
timestamp and the other event columns); the table contains these columns: event_id
    """
    import numpy as np
    import pandas as pd

    if isinstance(events, pd.DataFrame) and "_key" in events.columns:
        return events  # already prepared
    if not isinstance(events, pd.DataFrame):
        raise ToolkitError(f"{source}: expected a pandas DataFrame of events, got {type(events)}")
    for col in _REQUIRED:
        if col not in events.columns:
            raise ToolkitError(
                f'{source}: column "{col}" is missing (expected event_id, timestamp and the '
                f"other event columns); the table contains these columns: "
                + ", ".join(map(str, events.columns))
            )
    ts = events["timestamp"]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        raise ToolkitError(
            f'{source}: column "timestamp" holds {ts.dtype} values (expected time-zone-aware '
            "datetimes, as toolkit.data.load_case gives; read text with pd.to_datetime and "
            '.dt.tz_localize("Europe/London"))'
        )
    if ts.isna().any():
        row = int(np.flatnonzero(ts.isna().to_numpy())[0]) + 1
        raise ToolkitError(f'{source}, row {row}, column "timestamp": the time is missing')
    frame = events.copy()
    for col in _LISTS:  # tuples of ids (as toolkit.data loads them) become "a;b" text
        if col in frame.columns and frame[col].dtype == object:
            head = frame[col].iloc[:200].tolist()
            if any(isinstance(v, (tuple, list)) for v in head):
                frame[col] = pd.array(
                    [
                        ";".join(map(str, v))
                        if isinstance(v, (tuple, list))
                        else ("" if v is None or v != v else str(v))
                        for v in frame[col].tolist()
                    ],
                    dtype="str",
                )
    for col in _TEXT:
        if col in frame.columns and not isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].fillna("").astype("str").astype("category")
    if "case_id" in frame.columns:
        frame["_case"] = pd.factorize(frame["case_id"], sort=True)[0].astype(np.int64)
    else:
        frame["_case"] = np.int64(0)
    sec = ts.array.as_unit("s").asi8
    frame["_t"] = sec - (sec.min() if len(sec) else 0)
    frame["_key"] = frame["_case"].to_numpy() * _CASE_STRIDE + frame["_t"].to_numpy()
    frame = frame.sort_values("_key", kind="stable").reset_index(drop=True)
    return frame


def matches(column: pd.Series, *values: str, pattern: str | None = None) -> np.ndarray:
    """Rows whose text equals one of ``values`` or contains ``pattern`` (both ignore case).

    Works on the distinct values only, so it costs one lookup per row however long the text.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["999 call", "101 Call", "GP appointment"], dtype="category")
    >>> matches(s, "999 call", "101 call").tolist(), matches(s, pattern="^gp").tolist()
    ([True, True, False], [False, False, True])
    >>> matches(s, pattern="(")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: pattern "(" is not a valid regular expression: ...
    """
    import numpy as np
    import pandas as pd

    if isinstance(column.dtype, pd.CategoricalDtype):
        cats, codes = column.cat.categories, column.cat.codes.to_numpy()
    else:
        codes, cats = pd.factorize(column.fillna("").astype("str"))
    lower = pd.Index(cats).astype("str").str.strip().str.lower()
    hit = lower.isin([v.strip().lower() for v in values])
    if pattern is not None:
        try:
            rx = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise ToolkitError(
                f'pattern "{pattern}" is not a valid regular expression: {exc}'
            ) from None
        hit = hit | np.array([bool(rx.search(c)) for c in lower], dtype=bool)
    hit = np.r_[np.asarray(hit, dtype=bool), False]  # code -1 (missing) maps to False
    return hit[codes]


def is_blank(column: pd.Series) -> np.ndarray:
    """Rows where a text column is empty or missing (``nan``, ``none``, ``-`` and ``n/a`` count).

    Examples
    --------
    >>> import pandas as pd
    >>> is_blank(pd.Series(["", None, "None", "E004"])).tolist()
    [True, True, True, False]
    """
    import numpy as np
    import pandas as pd

    blanks = ("", "nan", "none", "-", "n/a", "()", "[]")
    if isinstance(column.dtype, pd.CategoricalDtype):
        return matches(column, *blanks) | (column.cat.codes.to_numpy() < 0)

    if column.dtype == object and any(isinstance(v, (tuple, list)) for v in column.iloc[:200]):
        return np.array(
            [not v if isinstance(v, (tuple, list)) else _blank_text(v, blanks) for v in column],
            dtype=bool,
        )
    # Exact matches through pandas' hash table: loaders strip cells, so no pass per string.
    return (column.isna() | column.isin(_BLANK_SPELLINGS)).to_numpy(dtype=bool)


def _blank_text(value: Any, blanks: tuple[str, ...]) -> bool:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return True
    return str(value).strip().lower() in blanks


def _codes(events: pd.DataFrame, item: str | np.ndarray) -> np.ndarray:
    import numpy as np
    import pandas as pd

    if isinstance(item, str):
        return pd.factorize(events[item])[0].astype(np.int64)
    return np.asarray(item, dtype=np.int64)


def _group_keys(
    events: pd.DataFrame,
    by: Sequence[str | np.ndarray],
    target_by: Sequence[str | np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Sortable keys (group, then time) for every row, as queried and as a target."""

    case = events["_case"].to_numpy()
    t = events["_t"].to_numpy()
    query, target = case.copy(), case.copy()
    for i, item in enumerate(by):
        q = _codes(events, item)
        g = q if target_by is None else _codes(events, target_by[i])
        width = int(max(q.max(initial=-1), g.max(initial=-1))) + 2
        query = query * width + q + 1
        target = target * width + g + 1
    return query * _CASE_STRIDE + t, target * _CASE_STRIDE + t


def seconds_to_next(
    events: pd.DataFrame,
    among: np.ndarray,
    *,
    by: Sequence[str | np.ndarray] = (),
    target_by: Sequence[str | np.ndarray] | None = None,
    strict: bool = False,
) -> np.ndarray:
    """For every row, seconds until the next ``among`` row in the same case (and ``by`` group).

    ``by`` holds column names or integer code arrays; rows match when every code is equal.
    ``target_by`` (code arrays, in the same code space as ``by``) gives the ``among`` rows'
    codes when they differ from the querying rows', for example "the next contact *by* the
    agency this row *referred to*". ``strict=False`` counts a row that is itself in ``among``
    (0 seconds); the result is ``inf`` where there is none.

    Examples
    --------
    >>> from toolkit.data.synthetic import events_frame
    >>> ev = prepare_events(events_frame([{"timestamp": "2019-01-01 10:00"},
    ...                                   {"timestamp": "2019-01-02 10:00", "referral": "marac"}]))
    >>> (seconds_to_next(ev, matches(ev["referral"], "marac")) / 86400).tolist()
    [1.0, 0.0]
    >>> seconds_to_next(ev, [True], by=["agency"])
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: among must have one true/false value per event (2); got 1
    """
    import numpy as np

    among = np.asarray(among, dtype=bool)
    if among.shape != (len(events),):
        raise ToolkitError(
            f"among must have one true/false value per event ({len(events)}); got {among.size}"
        )
    if by:
        key, tkey = _group_keys(events, by, target_by)
    else:
        key = tkey = events["_key"].to_numpy()
    target = np.sort(tkey[among])
    pos = np.searchsorted(target, key, side="right" if strict else "left")
    nxt = np.append(target, np.iinfo(np.int64).max)[pos]
    out = (nxt - key).astype(np.float64)
    out[(pos >= len(target)) | (out >= _CASE_STRIDE // 2)] = np.inf
    return out


def previous_in_group(
    events: pd.DataFrame,
    among: np.ndarray,
    *,
    by: Sequence[str | np.ndarray] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """For every row, the previous ``among`` row (strictly earlier) in the same case and group.

    Returns ``(row_index, seconds_since)``; ``-1`` and ``inf`` where there is none.
    """
    import numpy as np

    key = _group_keys(events, by)[0] if by else events["_key"].to_numpy()
    idx = np.flatnonzero(np.asarray(among, dtype=bool))
    if not len(idx):
        return np.full(len(key), -1, dtype=np.int64), np.full(len(key), np.inf)
    order = np.argsort(key[idx], kind="stable")
    target, target_rows = key[idx][order], idx[order]
    pos = np.searchsorted(target, key, side="left") - 1
    ok = pos >= 0
    prev = np.where(ok, target_rows[np.maximum(pos, 0)], -1)
    since = np.where(ok, key - target[np.maximum(pos, 0)], np.inf).astype(np.float64)
    far = since >= _CASE_STRIDE // 2
    prev[far], since[far] = -1, np.inf
    return prev, since


def trailing_count(
    events: pd.DataFrame,
    among: np.ndarray,
    window_days: float,
    *,
    by: Sequence[str | np.ndarray] = (),
) -> np.ndarray:
    """For every row, how many ``among`` rows fall in the ``window_days`` up to and including it."""
    import numpy as np

    key = _group_keys(events, by)[0] if by else events["_key"].to_numpy()
    target = np.sort(key[np.asarray(among, dtype=bool)])
    hi = np.searchsorted(target, key, side="right")
    lo = np.searchsorted(target, key - int(window_days * _DAY), side="right")
    return hi - lo


def flagged(
    events: pd.DataFrame,
    mask: np.ndarray,
    explanation: str | pd.Series | pd.Categorical | np.ndarray,
) -> pd.DataFrame:
    """The rows of ``events`` where ``mask`` holds, with their explanation, as a rule returns them.

    ``explanation`` is one text for every row, or one per row of ``events`` (only the flagged
    ones are kept).
    """
    import numpy as np
    import pandas as pd

    mask = np.asarray(mask, dtype=bool)
    if isinstance(explanation, str):
        text: Any = explanation
    elif isinstance(explanation, pd.Categorical):  # a few texts shared by many rows
        text = np.asarray(explanation[mask], dtype=object)
    else:
        text = np.asarray(explanation, dtype=object)[mask]
    out = pd.DataFrame({"event_id": events["event_id"].to_numpy()[mask], "explanation": text})
    if "_key" in events.columns:  # prepared rows: keep their positions for the engine
        out["_row"] = events.index.to_numpy()[mask]
    return out


def day_text(ts: pd.Series) -> pd.Series:
    """Dates as learners read them (``3 Mar 2019``), computed once per distinct day."""
    import numpy as np
    import pandas as pd

    days = ts.dt.tz_localize(None).dt.normalize() if ts.dt.tz is not None else ts.dt.normalize()
    codes, uniques = pd.factorize(days)
    labels = np.array([f"{d.day} {d:%b %Y}" for d in uniques] + [""], dtype=object)
    return pd.Series(labels[codes], index=ts.index, dtype="str")
