"""Private machinery for :mod:`toolkit.data`: the mtime cache, schema-driven typing of CSVs,
and validation on first load (the same checks as ``everycall validate``, without the guard).

Examples
--------
>>> calls = _resource("calls")
>>> calls["value"].dtype.name, calls["secondary"].dtype.name
('Float64', 'boolean')
>>> _resource("no_such_table")
Traceback (most recent call last):
...
toolkit.errors.DataError: data/datapackage.json: has no resource "no_such_table"
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from toolkit import _checks
from toolkit._paths import data_dir
from toolkit.errors import DataError, Problem

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")
TIMEZONE = "Europe/London"
ORDERED = {"risk_levels": "rank", "call_grades": "rank"}
SORT_BY = {
    "agencies": "lane_order",
    "risk_levels": "rank",
    "call_grades": "rank",
    "opportunity_types": "number",
}
_CACHE: dict[tuple[Any, ...], Any] = {}


# ---------------------------------------------------------------- cache and package


def _cached(kind: str, files: Iterable[Path], build: Callable[[], T]) -> T:
    """Return ``build()``, re-running it only when one of ``files`` changed."""
    key = (kind, _checks.mtime_key(files))
    if key not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = build()
    return _CACHE[key]


def _package(root: Path) -> dict[str, dict[str, Any]]:
    """Resources of ``root/datapackage.json`` by name."""
    path = root / "datapackage.json"

    def build() -> dict[str, dict[str, Any]]:
        read = _checks.read_text(path)
        if read.problem:
            raise DataError([read.problem])
        import json

        try:
            descriptor = json.loads(read.text or "")
        except json.JSONDecodeError as exc:
            raise DataError(
                [
                    _checks.LineProblem(
                        _checks.display(path), f"is not valid JSON: {exc.msg}", exc.lineno
                    )
                ]
            ) from None
        resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
        if not isinstance(resources, list):
            raise DataError([Problem(_checks.display(path), 'has no "resources" list')])
        return {
            r["name"]: r
            for r in resources
            if isinstance(r, dict)
            and all(isinstance(r.get(k), str) for k in ("name", "path", "schema"))
        }

    return _cached("package", [path], build)


def _context(root: Path) -> Any:
    from toolkit.validate import _Context

    files = [root / "sources.csv", *(root / "vocab" / f"{v}.csv" for v in _checks.VOCABULARIES)]
    return _cached("context", files, lambda: _Context(root))


def no_cases_message() -> str:
    """What to say when the data folder in use has no case folders, naming the folder."""
    import os

    cases = _checks.display(data_dir() / "cases")
    override = os.environ.get("EVERYCALL_DATA")
    source = f" (the data folder set by EVERYCALL_DATA={override})" if override else ""
    return (
        f"there are no cases in {cases}{source}: expected one folder per case, each holding "
        "case.yaml, events.csv and annotations.csv (everycall new-case SLUG makes one)"
    )


def _errors(problems: Iterable[Problem]) -> None:
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise DataError(_checks.with_records(errors))


# ---------------------------------------------------------------- reading frames


def _vocab_ids(root: Path, name: str) -> list[str]:
    rows = _context(root).rows[name]
    key = SORT_BY.get(name)
    if key:
        rows = sorted(rows, key=lambda r: int(r[key]) if r.get(key, "").isdigit() else 0)
    return [r["id"] for r in rows]


def _known_vocab(name: str) -> None:
    if name not in _checks.VOCABULARIES:
        near = _checks.suggest(name, list(_checks.VOCABULARIES))
        hint = f'; did you mean "{near}"?' if near else "."
        raise DataError(
            [
                Problem(
                    _checks.display(data_dir() / "vocab"),
                    f'"{name}" is not a '
                    f"vocabulary{hint} Vocabularies: "
                    f"{', '.join(_checks.VOCABULARIES)}",
                )
            ]
        )


def _frame(path: Path, schema: dict[str, Any], root: Path) -> pd.DataFrame:
    """Read a validated CSV and give each column the dtype its schema field implies."""
    import numpy as np
    import pandas as pd

    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [c.strip() for c in raw.columns]
    refs = {
        fk["fields"]: fk["reference"]["resource"]
        for fk in schema.get("foreignKeys", [])
        if isinstance(fk.get("fields"), str)
    }
    out = pd.DataFrame(index=raw.index)
    for spec in schema["fields"]:
        name, kind = spec["name"], spec.get("type", "string")
        cells = list(raw[name]) if name in raw else [""] * len(raw)
        values = [c.strip() if isinstance(c, str) and c.strip() else None for c in cells]
        col = pd.Series(values, index=raw.index, dtype=object)
        if kind == "datetime":
            stamps = pd.to_datetime(col, format=spec.get("format", "%Y-%m-%d %H:%M"))
            out[name] = stamps.dt.tz_localize(
                TIMEZONE, ambiguous=np.ones(len(col), dtype=bool), nonexistent="raise"
            )
        elif kind == "date":
            out[name] = pd.to_datetime(col, format="%Y-%m-%d")
        elif kind in ("integer", "year"):
            out[name] = pd.array([None if v is None else int(v) for v in values], dtype="Int64")
        elif kind == "number":
            out[name] = pd.array([None if v is None else float(v) for v in values], dtype="Float64")
        elif kind == "boolean":
            true = set(spec.get("trueValues", ["true"]))
            out[name] = pd.array(
                [None if v is None else v in true for v in values], dtype="boolean"
            )
        elif kind == "yearmonth":
            out[name] = pd.PeriodIndex(values, freq="M")
        elif kind == "list":
            delim = spec.get("delimiter", ",")
            out[name] = pd.Series(
                [
                    tuple(p.strip() for p in v.split(delim) if p.strip()) if v else ()
                    for v in values
                ],
                index=raw.index,
                dtype=object,
            )
        elif refs.get(name) in _checks.VOCABULARIES:
            vocab = refs[name]
            out[name] = pd.Categorical(
                values, categories=_vocab_ids(root, vocab), ordered=vocab in ORDERED
            )
        elif spec.get("constraints", {}).get("enum"):
            out[name] = pd.Categorical(values, categories=spec["constraints"]["enum"])
        else:
            out[name] = pd.array(values, dtype="str")
    return out


def _resource(name: str) -> pd.DataFrame:
    """A validated, typed copy of one resource of the data package."""
    root = data_dir()
    resources = _package(root)
    if name not in resources:
        raise DataError(
            [Problem(_checks.display(root / "datapackage.json"), f'has no resource "{name}"')]
        )
    res = resources[name]
    path, schema_path = root / res["path"], root / res["schema"]
    files = [
        path,
        schema_path,
        root / "sources.csv",
        *(root / "vocab" / f"{v}.csv" for v in _checks.VOCABULARIES),
    ]

    def build() -> pd.DataFrame:
        from toolkit.validate import _check_csv

        ctx = _context(root)
        _errors(ctx.problems)
        try:
            schema = ctx.schema_at(schema_path)
        except _checks.BadFile as exc:
            raise DataError([exc.problem]) from None
        problems, _ = _check_csv(path, schema, ctx, path.name)
        _errors(problems)
        return _frame(path, schema, root)

    return _cached(f"resource:{name}", files, build).copy()


def _count_rows(path: Path) -> int:
    def build() -> int:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return max(sum(1 for _ in csv.reader(handle)) - 1, 0)

    return _cached("rows", [path], build)


# ---------------------------------------------------------------- display-ready tables

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
    from toolkit.tables import display_table

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
