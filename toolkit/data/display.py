"""Tables ready for learners: ids, dates, numbers and units in words (:func:`for_display`).

The table a loader returns keeps ids, numbers and timestamps for code; :func:`for_display`
turns a selection of it into text a reader expects and returns a
:func:`toolkit.core.tables.display_table` (no index, prose left-aligned, whole-word headings).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.core.paths import data_dir
from toolkit.core.tables import display_table
from toolkit.data.loading import _context
from toolkit.errors import DataError, Problem

if TYPE_CHECKING:
    import pandas as pd


#: Columns holding vocabulary ids, and the vocabulary (and its label column) they come from.
VOCAB_COLUMNS = {
    "agency": ("agencies", "short_name"),
    "referral": ("agencies", "short_name"),
    "shared_with": ("agencies", "short_name"),
    "contact_type": ("contact_types", "name"),
    "initiated_by": ("initiated_by", "name"),
    "outcome": ("outcomes", "name"),
    "risk_tool": ("risk_tools", "name"),
    "risk_level": ("risk_levels", "name"),
    "highest_risk": ("risk_levels", "name"),
    "call_grade": ("call_grades", "name"),
    "opportunity_type": ("opportunity_types", "name"),
}


#: Float columns that hold a share from 0 to 1 (shown as a percentage).
SHARE_COLUMNS = frozenset(
    {
        "answered",
        "abandoned",
        "answered_within_target",
        "answered_within_standard",
        "p_wait",
        "occupancy",
        "precision",
        "recall",
        "share",
    }
)


HEADINGS = {
    "cases_without_an_idva": "Cases without an Idva",
    "cases_per_idva": "Cases per Idva",
    "event_id": "Event",
    "source_id": "Source",
    "rule_name": "Rule",
    "rule_id": "Rule id",
    "case_id": "Case",
    "opportunity_type": "Opportunity type",
    "contact_type": "Contact type",
    "p_wait": "Share who wait",
    "rec_id": "Recommendation",
    "smart_score": "SMART score (of 4)",
    "time_bound": "Time-bound",
    "coder_theme": "Coder's primary theme",
    "coder": "Keyword coder",
    "theme": "Theme",
}


UNIT_SUFFIXES = {"_seconds": "seconds", "_minutes": "minutes", "_pct": "%"}


QUALIFIERS = {
    "exact": "",
    "about": "about",
    "over": "over",
    "under": "under",
    "at_least": "at least",
    "up_to": "up to",
    "estimate": "an estimated",
}


def _missing(value: Any) -> bool:
    import pandas as pd

    if value is None or isinstance(value, (tuple, list)):
        return value is None
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def heading(column: Any) -> str:
    """A column name as a heading: ``days_since_previous`` -> ``Days since previous``.

    >>> heading("mean_wait_answered_seconds"), heading("source_id")
    ('Mean wait answered (seconds)', 'Source')
    """
    name = str(column)
    if name in HEADINGS:
        return HEADINGS[name]
    unit = ""
    for suffix, word in UNIT_SUFFIXES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            name, unit = name[: -len(suffix)], f" ({word})"
            break
    words = name.replace("_", " ").strip()
    return (words[:1].upper() + words[1:] + unit) if words else str(column)


def number_text(value: float, decimals: int | None = None) -> str:
    """A number for a table: thousands separated, no trailing ``.0``, millions in words.

    >>> number_text(5200000.0), number_text(787.999342), number_text(16.1), number_text(0.25)
    ('5.2 million', '788', '16.1', '0.25')
    """
    v = float(value)
    if decimals is None:
        if abs(v) >= 1_000_000 and (v / 100_000).is_integer():
            return f"{v / 1_000_000:,.{0 if (v / 1_000_000).is_integer() else 1}f} million"
        if v.is_integer():
            decimals = 0
        else:
            decimals = 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 2
        text = f"{v:,.{decimals}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{v:,.{decimals}f}"


def figure_text(value: Any, unit: Any = "", qualifier: Any = "", high: Any = None) -> str:
    """One figure of a tidy table with its unit: ``about 5.2 million calls``, ``71%``.

    >>> figure_text(5200000.0, "calls", "about"), figure_text(71.0, "percent")
    ('about 5.2 million calls', '71%')
    >>> figure_text(17.5, "GBP million"), figure_text(200.0, "calls per day", high=250.0)
    ('£17.5 million', '200 to 250 calls per day')
    >>> figure_text(1.0, "forces"), figure_text(None, "calls"), figure_text(2009.0, "year")
    ('1 force', '', '2009')
    """
    if _missing(value):
        return ""
    unit = "" if _missing(unit) else str(unit).strip()
    if unit == "year" and float(value).is_integer():  # a year, not an amount: 2009
        return f"{int(value)}" + ("" if _missing(high) else f" to {int(high)}")
    amount = number_text(value)
    if not _missing(high):
        amount = f"{amount} to {number_text(high)}"
    first, _, rest = unit.partition(" ")
    if amount == "1" and first.endswith("s") and not first.endswith("ss") and first != "yes":
        unit = f"{first[:-1]} {rest}".strip()  # 1 force, 1 call per day
    if unit.startswith("GBP"):
        text = f"£{amount}{unit[3:]}"
    elif unit == "%":
        text = f"{amount}%"
    elif unit == "percent" or unit.startswith("percent "):
        text = f"{amount}%{unit[7:]}"
    else:
        text = f"{amount} {unit}".strip()
    word = QUALIFIERS.get(str(qualifier), str(qualifier).replace("_", " "))
    word = "" if _missing(qualifier) else word
    return f"{word} {text}".strip()


def when_text(value: Any, *, time: bool = True) -> str:
    """A timestamp as learners read it: ``14 Oct 2017 21:40`` (no seconds, no UTC offset)."""
    if _missing(value):
        return ""
    day = f"{value.day} {value:%b %Y}"
    return f"{day} {value:%H:%M}" if time else day


def display_frame(frame: pd.DataFrame, *, labels: bool = True) -> pd.DataFrame:
    """The work behind :func:`toolkit.data.for_display` (see its docstring)."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            [
                Problem(
                    "table", f"expected a pandas DataFrame to display, got {type(frame).__name__}"
                )
            ]
        )
    out: dict[str, list[str]] = {}
    columns = list(frame.columns)
    tidy = "value" in columns and "unit" in columns
    merged = {"unit", "qualifier", "value_high"} if tidy else set()
    for column in columns:
        if column in merged:
            continue
        series = frame[column]
        if tidy and column == "value":
            out[heading(column)] = [
                figure_text(
                    v,
                    frame["unit"].iloc[i],
                    frame["qualifier"].iloc[i] if "qualifier" in columns else "",
                    frame["value_high"].iloc[i] if "value_high" in columns else None,
                )
                for i, v in enumerate(series)
            ]
            continue
        out[heading(column)] = _column_text(str(column), series, labels=labels)
    table = pd.DataFrame(out, columns=list(out))
    index = frame.index
    if pd.api.types.is_integer_dtype(index.dtype) and index.nlevels == 1:
        table.index = pd.Index([""] * len(table))
    else:
        table.index = pd.Index([str(i) for i in index], name=index.name)

    return display_table(table)


def _column_text(name: str, series: pd.Series, *, labels: bool) -> list[str]:
    import pandas as pd

    values = list(series.astype(object))
    present = [v for v in values if not _missing(v) and not isinstance(v, (tuple, list))]
    kind = series.dtype
    if labels and name in VOCAB_COLUMNS:
        vocab, col = VOCAB_COLUMNS[name]
        names = _labels(vocab, col)
        none = {"none"} if vocab == "risk_tools" else set()

        def label(v: Any) -> str:
            return "" if str(v) in none else names.get(str(v), str(v))

        return [
            "; ".join(label(p) for p in v)
            if isinstance(v, (tuple, list))
            else ("" if _missing(v) else label(v))
            for v in values
        ]
    if name == "measure":  # ids such as calls_answered_share, read as words
        return ["" if _missing(v) else heading(v) for v in values]
    if pd.api.types.is_bool_dtype(kind) or (present and all(isinstance(v, bool) for v in present)):
        return ["" if _missing(v) else ("yes" if v else "no") for v in values]
    if isinstance(kind, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(kind):
        stamps = [v for v in present if hasattr(v, "hour")]
        with_time = any((v.hour, v.minute) != (0, 0) for v in stamps)
        return [when_text(v, time=with_time) for v in values]
    if pd.api.types.is_numeric_dtype(kind) and present:
        floats = [float(v) for v in present]
        shares = name in SHARE_COLUMNS or name.startswith("share_") or name == "coverage"
        if shares and pd.api.types.is_float_dtype(kind):
            if all(0 <= f <= 1 for f in floats):
                return ["" if _missing(v) else f"{float(v):.0%}" for v in values]
        if all(f.is_integer() for f in floats):
            return ["" if _missing(v) else f"{float(v):,.0f}" for v in values]
        top = max(abs(f) for f in floats)
        decimals = 0 if top >= 100 else 1 if top >= 10 else 2
        return ["" if _missing(v) else number_text(v, decimals) for v in values]
    return [
        "; ".join(map(str, v)) if isinstance(v, (tuple, list)) else ("" if _missing(v) else str(v))
        for v in values
    ]


def _labels(vocab: str, column: str) -> dict[str, str]:
    root = data_dir()
    rows = _context(root).rows[vocab]
    return {r["id"]: (r.get(column) or r.get("name") or r["id"]) for r in rows if r.get("id")}


def for_display(frame: pd.DataFrame, *, labels: bool = True) -> pd.DataFrame:
    """A copy of ``frame`` ready to show learners: every cell as text a reader expects.

    The table a function returns keeps its ids, numbers and timestamps for code; pass it (or a
    selection of it) through this function in the cell that shows it.

    - Tidy figure tables (``value`` with ``unit``, and ``qualifier`` and ``value_high`` if
      present) get one *Value* column with the unit: ``about 5.2 million calls``, ``71%``,
      ``£17.5 million``, ``200 to 250 calls per day``.
    - Numbers get thousands separators and the same decimals down a column; shares (such as
      ``answered`` from :mod:`toolkit.calls`) become percentages.
    - Timestamps read ``14 Oct 2017 21:40`` (no seconds, no UTC offset); dates ``14 Oct 2017``.
    - Vocabulary ids (``agency``, ``contact_type``, ``opportunity_type``, ``risk_level``, ...)
      become their names from ``data/vocab/`` when ``labels`` is true; lists are joined with
      ``;``.
    - Missing values are blank, never ``NaN`` or ``<NA>``; ``True``/``False`` read yes/no.
    - Headings, and the ids in a ``measure`` column, are words: ``days_since_previous`` reads
      *Days since previous*,
      ``mean_wait_answered_seconds`` *Mean wait answered (seconds)*, ``source_id`` *Source*.
    - A numbered index (0, 1, ... or the row numbers left by a query) is blanked; a labelled
      index is kept.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table from the toolkit.
    labels : bool
        Show vocabulary names instead of ids (default True).

    Returns
    -------
    pandas.DataFrame
        Text cells only, for display (not for further calculation).

    Examples
    --------
    >>> from toolkit.data import load_calls, load_events
    >>> calls = load_calls().query("topic == '999_league_2022'")
    >>> table = for_display(calls[["area", "description", "value", "unit", "period", "source_id"]])
    >>> list(table.columns)
    ['Area', 'Description', 'Value', 'Period', 'Source']
    >>> table["Value"].tolist()[:2], table["Description"].tolist()[6]
    (['71%', '16.1 seconds'], '')
    >>> events = load_events("unlinked-calls")
    >>> for_display(events[["event_id", "timestamp", "agency"]]).iloc[0].tolist()
    ['E01', '14 Oct 2017 23:12', 'Police: calls']
    >>> for_display([1, 2])
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: table: expected a pandas DataFrame to display, got list
    """  # noqa: E501
    return display_frame(frame, labels=labels)
