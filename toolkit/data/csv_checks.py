"""CSV content checks: rows that do not line up with the header, the header itself, and
frictionless's cell-by-cell checks reworded for a course builder.

The one place that knows how a CSV's rows and cells go wrong (:mod:`toolkit.data.reading`
reads the files and schemas). frictionless is the maintained implementation of
the Table Schema standard that ``data/`` follows; it checks types, formats, constraints and
foreign keys cell by cell, so none of that is hand-written here, only the words of each message
(:func:`translate`). It is imported inside :func:`frictionless_problems` to keep
``import toolkit`` fast.

A row with more or fewer cells than the header (usually text holding a comma without double
quotes) is reported once, by :func:`row_shapes`, and none of its cells is checked: they sit in
the wrong columns, so every message about them would be nonsense.


Examples
--------
>>> records("id,name\\nE1,Alpha\\n")
(['id', 'name'], [['E1', 'Alpha']])
>>> schema = {"fields": [{"name": "id", "constraints": {"required": True}}]}
>>> [str(p) for p in check_header("idd\\nE1\\n", schema, "events.csv", "events.csv")]
['events.csv, column "idd": is not a column of events.csv; did you mean "id"? Columns: id', \
'events.csv, column "id": is missing (a required column of events.csv)']
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.core.text import FORMAT_HINTS, date_message, plural, suggest
from toolkit.errors import Problem

if TYPE_CHECKING:
    from toolkit.data.reading import Lookup

TYPE_WORDS = {
    "datetime": "a date and time",
    "date": "a date",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "year": "a year",
    "yearmonth": "a year and month",
}


def records(text: str) -> tuple[list[str], list[list[str]]]:
    """The header and every row of CSV text, blank rows included (they count as rows)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    return [cell.strip() for cell in header], list(reader)


def _blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def rows_of(text: str) -> list[dict[str, str]]:
    """CSV text as a list of dicts (header row as keys), for cross-file checks.

    Item ``i`` is row ``i + 1`` as messages count rows: a blank row stays in the list (every
    value empty), and a row whose cells do not line up with the header (see
    :func:`row_shapes`) keeps only its first cell, the row's id, so that no check reads a
    value from the wrong column.

    >>> rows_of("id,name\\na,Alpha\\n\\nb,Beta, Gamma\\n")
    [{'id': 'a', 'name': 'Alpha'}, {'id': '', 'name': ''}, {'id': 'b', 'name': ''}]
    """
    header, rows = records(text)
    out = []
    for cells in rows:
        if len(cells) == len(header) and not _blank(cells):
            out.append(dict(zip(header, cells, strict=True)))
        else:
            kept = cells[:1] if cells and not _blank(cells) else []
            out.append(dict.fromkeys(header, "") | dict(zip(header, kept, strict=False)))
    return out


def _shown_value(cell: str, limit: int = 40) -> str:
    text = " ".join(cell.split())
    return f'"{text[: limit - 3]}..."' if len(text) > limit else f'"{text}"'


def row_shapes(text: str, shown: str) -> dict[int, Problem]:
    """One problem for each row that is blank or has more or fewer cells than the header.

    Keys are row numbers (from 1, under the header). The cells of such a row are not checked
    one by one: with a comma too many or too few they sit in the wrong columns.

    >>> text = "id,summary,source\\nE1,Seen at home,team\\nE2,Bruised wrist, says she fell,team\\n"
    >>> print(row_shapes(text, "events.csv")[2])
    events.csv, line 3: has 4 cells but the header has 3 (extra value "team"); text containing \
a comma must be in double quotes
    >>> print(row_shapes("id,summary,source\\nE1,Seen\\n", "events.csv")[1])
    events.csv, line 2: has 2 cells but the header has 3; a comma may be missing (an empty cell \
still needs its comma)
    >>> row_shapes("id,summary\\nE1,Seen\\n", "events.csv")
    {}
    """
    header, rows = records(text)
    width = len(header)
    out: dict[int, Problem] = {}
    for i, cells in enumerate(rows, 1):
        counts = f"has {plural(len(cells), 'cell')} but the header has {width}"
        if _blank(cells):
            out[i] = Problem(shown, "is blank (delete the empty row)", i)
        elif len(cells) != width and any("\n" in cell for cell in cells):
            out[i] = Problem(
                shown,
                f"{counts}; a double quote in this row is not closed, so its text runs on into "
                "the next line (end quoted text with a double quote)",
                i,
            )
        elif len(cells) > width:
            extra = cells[width:]
            if _blank(extra):
                what = "the extra cell is empty" if len(extra) == 1 else "the extra cells are empty"
                hint = (
                    "the row may end with a comma too many, or text containing a comma must be "
                    "in double quotes"
                )
            else:
                values = ", ".join(_shown_value(c) for c in extra)
                what = f"extra value{'s' * (len(extra) != 1)} {values}"
                hint = "text containing a comma must be in double quotes"
            out[i] = Problem(shown, f"{counts} ({what}); {hint}", i)
        elif len(cells) < width:
            out[i] = Problem(
                shown, f"{counts}; a comma may be missing (an empty cell still needs its comma)", i
            )
    return out


def check_header(text: str, schema: dict[str, Any], shown: str, what: str) -> list[Problem]:
    """Required columns present, no unknown or repeated columns, commas as separators."""
    first = next(csv.reader(io.StringIO(text)), None)
    fields = [f["name"] for f in schema["fields"]]
    required = [f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")]
    if not first or not any(cell.strip() for cell in first):
        return [Problem(shown, f"is empty (expected a header row: {', '.join(required)})")]
    header = [cell.strip() for cell in first]
    if len(header) == 1 and ";" in header[0]:
        return [
            Problem(
                shown,
                "uses ; between columns; save it with commas (in Excel: Save As, CSV UTF-8)",
            )
        ]
    problems = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(shown, "appears more than once in the header", column=name))
        seen.add(name)
        if name and name not in fields:
            near = suggest(name, fields)
            hint = f'; did you mean "{near}"?' if near else "."
            problems.append(
                Problem(
                    shown,
                    f"is not a column of {what}{hint} Columns: {', '.join(fields)}",
                    column=name,
                )
            )
    for name in required:
        if name not in seen:
            problems.append(
                Problem(shown, f"is missing (a required column of {what})", column=name)
            )
    return problems


def _cell_message(error: Any, field: dict[str, Any]) -> str:
    cell = str(error.cell)
    note = error.note or ""
    kind, fmt = field.get("type"), field.get("format", "default")
    if error.type == "type-error" and (kind, fmt) in (
        ("date", "default"),
        ("datetime", "%Y-%m-%d %H:%M"),
    ):
        better = date_message(cell, fmt)
        if better:
            return better
    if error.type == "type-error":
        word = TYPE_WORDS.get(field.get("type", ""), field.get("type", "a value"))
        hint = (
            FORMAT_HINTS.get(field.get("format", "default"))
            if field.get("type")
            in (
                "date",
                "datetime",
            )
            else None
        )
        if field.get("type") == "datetime":
            word = "a date"
        if field.get("type") == "boolean":
            hint = "true, false, yes or no"
        return f'"{cell}" is not {word}' + (f" (expected {hint})" if hint else "")
    cons = field.get("constraints", {})
    found = re.search(r'constraint "(\w+)"', note)
    rule = found.group(1) if found else ""
    if rule == "required":
        return "is empty (a value is required)"
    if rule == "maximum":
        return f'"{cell}" is more than the maximum {cons.get("maximum")}'
    if rule == "minimum":
        return f'"{cell}" is less than the minimum {cons.get("minimum")}'
    if rule == "maxLength":
        return f"is {plural(len(cell), 'character')} long; the limit is {cons.get('maxLength')}"
    if rule == "minLength":
        return (
            f"is too short ({plural(len(cell), 'character')}; at least "
            f"{cons.get('minLength')} expected)"
        )
    if rule == "enum":
        allowed = [str(v) for v in cons.get("enum", [])]
        near = suggest(cell, allowed)
        hint = f'; did you mean "{near}"?' if near else "."
        return f'"{cell}" is not one of the allowed values{hint} Allowed: {", ".join(allowed)}'
    if rule == "pattern":
        return f'"{cell}" does not have the expected form ({field.get("description", "")})'
    return f'"{cell}": {note}'


def translate(
    errors: Iterable[Any],
    schema: dict[str, Any],
    shown: str,
    lookups: dict[str, Lookup],
    skip: frozenset[int] = frozenset(),
) -> list[Problem]:
    """frictionless errors as Problems: one per problem, rows counted from 1 under the header.

    Errors in the rows of ``skip`` (rows reported by :func:`row_shapes`) are dropped.
    """
    fields = {f["name"]: f for f in schema["fields"]}
    problems: list[Problem] = []
    short_rows: set[int] = set()
    errors = [e for e in errors if (getattr(e, "row_number", None) or 0) - 1 not in skip]
    # A short row gives one "missing cell" error per absent cell and a "required" error for
    # each absent required cell: report the short row once, not each cell.
    absent = {(e.row_number, e.field_name) for e in errors if e.type == "missing-cell"}
    errors = [
        e
        for e in errors
        if not (e.type == "constraint-error" and (e.row_number, e.field_name) in absent)
    ]
    # A repeated key breaks both the field's unique constraint and the primary key: say it once.
    repeated = {e.row_number for e in errors if e.type == "unique-error"}
    errors = [e for e in errors if not (e.type == "primary-key" and e.row_number in repeated)]
    for error in errors:
        row = getattr(error, "row_number", None)
        row = row - 1 if row else None
        kind = error.type
        name = getattr(error, "field_name", None)
        if kind in ("type-error", "constraint-error"):
            problems.append(Problem(shown, _cell_message(error, fields[name]), row, name))
        elif kind == "unique-error":
            earlier = re.search(r"position (\d+)", error.note or "")
            also = f" (also on line {int(earlier.group(1))})" if earlier else ""
            problems.append(
                Problem(
                    shown,
                    f'"{error.cell}" is used more than once{also}; each value must be unique',
                    row,
                    name,
                )
            )
        elif kind == "foreign-key":
            for fname, value in zip(error.field_names, error.field_cells, strict=False):
                lookup = lookups.get(error.reference_name)
                message = lookup.unknown(str(value)) if lookup else f'"{value}" is not known'
                problems.append(Problem(shown, message, row, fname))
        elif kind == "blank-row":
            problems.append(Problem(shown, "is blank (delete the empty row)", row))
        elif kind in ("extra-cell", "missing-cell"):
            # Only when the csv module and frictionless count cells differently.
            if row not in short_rows:
                short_rows.add(row or 0)
                problems.append(
                    Problem(
                        shown,
                        f"does not have one cell per column ({plural(len(error.cells), 'cell')}"
                        f", {len(fields)} expected); text containing a comma must be in double "
                        "quotes, and an empty cell still needs its comma",
                        row,
                    )
                )
        elif kind in ("primary-key", "duplicate-row"):
            problems.append(
                Problem(shown, "repeats an earlier row's key; keys must be unique", row)
            )
        elif kind in (
            "missing-label",
            "extra-label",
            "incorrect-label",
            "duplicate-label",
            "blank-label",
        ):
            continue  # the header is checked before frictionless runs (check_header)
        else:
            problems.append(Problem(shown, error.message, row, name or None))
    return problems


def frictionless_problems(
    path: Path,
    schema: dict[str, Any],
    references: dict[str, tuple[Path, dict[str, Any]]],
    lookups: dict[str, Lookup],
    shown: str,
    skip: frozenset[int] = frozenset(),
) -> list[Problem]:
    """Validate one CSV against its schema, foreign keys resolved against ``references``.

    ``references`` maps a resource name (``agencies``, ``sources``) to its CSV and schema;
    nothing is reported for the rows in ``skip`` (see :func:`translate`).
    """
    from frictionless import Dialect, Package, Resource, Schema, formats

    dialect = Dialect(header_rows=[1], controls=[formats.CsvControl(delimiter=",")])
    resources = [
        Resource(
            path=ref.name,
            basepath=str(ref.parent),
            name=name,
            schema=Schema.from_descriptor(ref_schema),
            encoding="utf-8-sig",
        )
        for name, (ref, ref_schema) in references.items()
    ]
    target = Resource(
        path=path.name,
        basepath=str(path.parent),
        name="target",
        schema=Schema.from_descriptor(schema),
        dialect=dialect,
        encoding="utf-8-sig",
    )
    Package(resources=[*resources, target])
    report = target.validate(limit_errors=500)
    errors = [e for task in report.tasks for e in task.errors]
    return translate(errors, schema, shown, lookups, skip)
