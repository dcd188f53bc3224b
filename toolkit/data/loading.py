"""How :mod:`toolkit.data` reads a table: schema-driven typing of CSVs, validation on first
load (the same checks as ``everycall validate``, without the guard), and each result kept
until its file changes (:func:`toolkit.core.files.cached_by_files`).

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
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from toolkit.core.files import cached_by_files
from toolkit.core.paths import data_dir, display
from toolkit.core.text import suggest
from toolkit.data import reading as _checks
from toolkit.data.context import CaseContext
from toolkit.data.validation import check_csv
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


# ---------------------------------------------------------------- cache and package


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
                [_checks.LineProblem(display(path), f"is not valid JSON: {exc.msg}", exc.lineno)]
            ) from None
        resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
        if not isinstance(resources, list):
            raise DataError([Problem(display(path), 'has no "resources" list')])
        return {
            r["name"]: r
            for r in resources
            if isinstance(r, dict)
            and all(isinstance(r.get(k), str) for k in ("name", "path", "schema"))
        }

    return cached_by_files("package", [path], build)


def _context(root: Path) -> Any:

    files = [root / "sources.csv", *(root / "vocab" / f"{v}.csv" for v in _checks.VOCABULARIES)]
    return cached_by_files("context", files, lambda: CaseContext(root))


def no_cases_message() -> str:
    """What to say when the data folder in use has no case folders, naming the folder."""
    import os

    cases = display(data_dir() / "cases")
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
        near = suggest(name, list(_checks.VOCABULARIES))
        hint = f'; did you mean "{near}"?' if near else "."
        raise DataError(
            [
                Problem(
                    display(data_dir() / "vocab"),
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
        raise DataError([Problem(display(root / "datapackage.json"), f'has no resource "{name}"')])
    res = resources[name]
    path, schema_path = root / res["path"], root / res["schema"]
    files = [
        path,
        schema_path,
        root / "sources.csv",
        *(root / "vocab" / f"{v}.csv" for v in _checks.VOCABULARIES),
    ]

    def build() -> pd.DataFrame:

        ctx = _context(root)
        _errors(ctx.problems)
        try:
            schema = ctx.schema_at(schema_path)
        except _checks.BadFile as exc:
            raise DataError([exc.problem]) from None
        problems, _ = check_csv(path, schema, ctx, path.name)
        _errors(problems)
        return _frame(path, schema, root)

    return cached_by_files(f"resource:{name}", files, build).copy()


def _count_rows(path: Path) -> int:
    def build() -> int:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return max(sum(1 for _ in csv.reader(handle)) - 1, 0)

    return cached_by_files("rows", [path], build)


# ---------------------------------------------------------------- display-ready tables
