"""Reading a course file safely and wording what is wrong with it.

Reading a file safely (size limit, UTF-8 with an optional BOM), loading the schemas a CSV or
``case.yaml`` is checked against, the vocabularies' lookups with "did you mean" for unknown
values, and YAML syntax errors in plain words. Each problem is one
:class:`~toolkit.errors.Problem` a course builder can act on. The checks of a CSV's rows and
cells are in :mod:`toolkit.data.csv_checks`; the checks of a whole case in
:mod:`toolkit.data.case_checks`.

YAML syntax errors are reworded in plain words at the line where the mistake starts
(:func:`yaml_problem`), for example an unclosed quote that PyYAML only notices lines later.
Problems in YAML and JSON files are :class:`LineProblem` objects, shown with "line 12" where
CSV problems say "line 13" of the file (the twelfth row under the header).

Examples
--------
>>> text = 'title: "An unfinished title\\nfictional: true\\nsummary: "x"\\n'
>>> unclosed_quote(text)
1
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.core.paths import display
from toolkit.core.text import quoted_list, suggest
from toolkit.errors import Problem

MAX_BYTES = 5 * 1024 * 1024
"""Largest file the toolkit reads (5 MB): course files are small, and a huge file is a mistake."""

VOCABULARIES = (
    "agencies",
    "contact_types",
    "initiated_by",
    "risk_tools",
    "risk_levels",
    "call_grades",
    "outcomes",
    "opportunity_types",
)

# What one value of each referenced table is called in a message.
NOUNS = {
    "agencies": ("agency", "agencies"),
    "contact_types": ("contact type", "contact types"),
    "initiated_by": ("initiated_by value", "initiated_by values"),
    "risk_tools": ("risk tool", "risk tools"),
    "risk_levels": ("risk level", "risk levels"),
    "call_grades": ("call grade", "call grades"),
    "outcomes": ("outcome", "outcomes"),
    "opportunity_types": ("opportunity type", "opportunity types"),
    "sources": ("source id", "source ids"),
    "hmic_reports": ("report id", "report ids"),
}


@dataclass(frozen=True)
class LineProblem(Problem):
    """A problem in a YAML or JSON file: ``row`` is a line number, shown as "line 12", and
    ``column`` a key, whatever the file is called (:class:`Problem` does the same for names
    ending in .yaml, .yml or .json).

    >>> str(LineProblem("case.yaml", "is not a real date", 8, "period.end"))
    'case.yaml, line 8, key "period.end": is not a real date'
    >>> str(LineProblem("case.yaml", "is missing (a required key)", None, "title"))
    'case.yaml, key "title": is missing (a required key)'
    """

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column is not None:
            where.append(f'key "{self.column}"')
        prefix = "warning: " if self.level == "warning" else ""
        return f"{prefix}{', '.join(where)}: {self.message}" if where else prefix + self.message


def at_lines(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` (found in a YAML or JSON file) as :class:`LineProblem` objects."""
    return [
        p
        if isinstance(p, LineProblem)
        else LineProblem(p.file, p.message, p.row, p.column, p.level)
        for p in problems
    ]


# A table's first column, when it names the row: a case's events and annotations by event, the
# vocabularies by id, the recommendations by their own id, sources.csv by its source_id (which
# in every other table points at a source rather than naming the row).
_RECORD_KEYS = {"event_id": "event", "id": "id", "rec_id": "recommendation", "source_id": "source"}


def with_records(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` with the record each CSV row holds, so a message says which one.

    A problem in ``events.csv`` at data row 2 prints as ``line 3 (event E02)``: the key is the
    row's first cell when that column names the row (``event_id``, ``id``, ``rec_id``). Files
    that cannot be read, rows past the end, and rows with an empty key are left as they are.
    """
    import csv

    problems = list(problems)
    keys: dict[str, tuple[str, list[str]] | None] = {}
    out = []
    for p in problems:
        if p.row is None or p.record is not None or not p.file.lower().endswith(".csv"):
            out.append(p)
            continue
        if p.file not in keys:
            keys[p.file] = None
            try:
                with open(p.file, encoding="utf-8-sig", newline="") as handle:
                    rows = list(csv.reader(handle))
            except (OSError, UnicodeDecodeError, csv.Error):
                rows = []
            header = [h.strip() for h in rows[0]] if rows else []
            sources = Path(p.file).name == "sources.csv"
            named = [h for h in header[:1] if h in _RECORD_KEYS or (sources and h == "source_id")]
            if named:
                col = header.index(named[0])
                label = _RECORD_KEYS[named[0]]
                keys[p.file] = (label, [r[col].strip() if len(r) > col else "" for r in rows[1:]])
        found = keys[p.file]
        if found and 1 <= p.row <= len(found[1]) and found[1][p.row - 1]:
            label, values = found
            p = Problem(p.file, p.message, p.row, p.column, p.level, f"{label} {values[p.row - 1]}")
        out.append(p)
    return out


@dataclass
class TextFile:
    """A file read for checking: its text, or the problem that stopped it being read."""

    path: Path
    text: str | None
    problem: Problem | None


def file_problem(path: Path, shown: str | None = None) -> Problem | None:
    """Why ``path`` is not a file that can be read, or None when it is one.

    A folder, a link that loops or leads nowhere, and a device or pipe each get their own
    words, so a course builder is never told "is missing" about something they can see.

    >>> file_problem(Path("no-such-file.csv")).message
    'is missing'
    >>> file_problem(Path("toolkit"), "toolkit").message
    'is a folder, expected a file'
    >>> file_problem(Path("pyproject.toml")) is None
    True
    """
    shown = shown or display(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return Problem(
                shown,
                f"is a link to {os.readlink(path)}, which does not exist (expected a file)",
            )
        return Problem(shown, "is missing")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Problem(shown, "is a link that loops back on itself, expected a file")
        return Problem(shown, f"cannot be read ({exc.strerror or exc})")
    if stat.S_ISDIR(mode):
        return Problem(shown, "is a folder, expected a file")
    if not stat.S_ISREG(mode):
        return Problem(shown, "is not an ordinary file (a device or a pipe?), expected a file")
    return None


def read_text(path: Path, shown: str | None = None) -> TextFile:
    """Read ``path`` as UTF-8 (a BOM is tolerated), refusing big files and other encodings.

    Anything that stops the file being read (missing, a folder, a link that loops, no
    permission) comes back as the :class:`TextFile`'s problem, never as an exception.
    """
    shown = shown or display(path)
    problem = file_problem(path, shown)
    if problem:
        return TextFile(path, None, problem)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return TextFile(
                path,
                None,
                Problem(shown, f"is {size / 1024 / 1024:.1f} MB; the limit is 5 MB per file"),
            )
        raw = path.read_bytes()
    except OSError as exc:
        return TextFile(path, None, Problem(shown, f"cannot be read ({exc.strerror or exc})"))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return TextFile(
            path,
            None,
            Problem(shown, "is UTF-16 text; save it as UTF-8 (in Excel: Save As, CSV UTF-8)"),
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1].hex()
        return TextFile(
            path,
            None,
            Problem(
                shown,
                f"is not UTF-8 text (byte 0x{byte} on line {line}); save it as UTF-8 "
                "(in Excel: Save As, CSV UTF-8)",
            ),
        )
    if "\x00" in text:
        return TextFile(path, None, Problem(shown, "holds NUL bytes: is it really a text file?"))
    return TextFile(path, text, None)


def load_json(path: Path) -> dict[str, Any]:
    """A JSON file from ``data/`` (schemas, the package descriptor), read without checks."""
    with open(path, encoding="utf-8-sig") as handle:
        return json.load(handle)


class BadFile(Exception):
    """A shared file (a schema) cannot be used; ``problem`` says why, naming the file."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _json_object(path: Path, shown: str, what: str) -> dict[str, Any]:
    read = read_text(path, shown)
    if read.problem:
        raise BadFile(read.problem)
    try:
        data = json.loads(read.text or "")
    except json.JSONDecodeError as exc:
        raise BadFile(LineProblem(shown, f"is not valid JSON: {exc.msg}", exc.lineno)) from None
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a text", int: "a number", float: "a number"}.get(
            type(data), "empty" if data is None else type(data).__name__
        )
        raise BadFile(Problem(shown, f"is {kind}, not {what}"))
    return data


def load_table_schema(path: Path, shown: str | None = None) -> dict[str, Any]:
    """A Table Schema from ``data/schemas/``, checked before any CSV is read with it.

    frictionless checks the descriptor against the Table Schema standard; the shape of each
    foreign key is checked first, because the validator follows them to other files.

    Raises
    ------
    BadFile
        The schema is unreadable, not JSON, or not a Table Schema (file and key named).

    Examples
    --------
    >>> load_table_schema(Path("data/schemas/events.schema.json"))["fields"][0]["name"]
    'event_id'
    >>> load_table_schema(Path("pyproject.toml"))
    Traceback (most recent call last):
    ...
    toolkit.data.reading.BadFile: pyproject.toml, line 1: is not valid JSON: Expecting value
    """
    shown = shown or display(path)
    what = 'a Table Schema (expected a JSON object with a "fields" list)'
    schema = _json_object(path, shown, what)
    fields = schema.get("fields")
    if not isinstance(fields, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
    ):
        raise BadFile(
            Problem(
                shown,
                'needs a "fields" list, each field with a "name" (a Table Schema)',
                column="fields",
            )
        )
    keys = schema.get("foreignKeys", [])
    if not isinstance(keys, list):
        raise BadFile(Problem(shown, "should be a list", column="foreignKeys"))
    shape = '(expected "fields" and "reference": {"resource": ..., "fields": ...})'
    for i, fk in enumerate(keys, 1):
        where = f"foreignKeys[{i}]"
        if not isinstance(fk, dict):
            raise BadFile(Problem(shown, f"should be a set of keys {shape}", column=where))
        ref = fk.get("reference")
        if "fields" not in fk or not isinstance(ref, dict):
            raise BadFile(Problem(shown, f'has no "reference" {shape}', column=where))
        if not isinstance(ref.get("resource"), str) or "fields" not in ref:
            raise BadFile(
                Problem(shown, f'"reference" needs "resource" and "fields" {shape}', column=where)
            )
    from frictionless import Schema

    report = Schema.validate_descriptor(schema)
    if not report.valid:
        note = report.errors[0].note or report.errors[0].message
        raise BadFile(Problem(shown, f"is not a valid Table Schema: {note}"))
    return schema


def load_json_schema(path: Path, shown: str | None = None) -> dict[str, Any]:
    """A JSON Schema (``case.schema.json``), checked by jsonschema before it is used.

    Raises
    ------
    BadFile
        The schema is unreadable, not JSON, or not a valid JSON Schema.
    """
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    shown = shown or display(path)
    schema = _json_object(path, shown, "a JSON Schema (expected a JSON object)")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or None
        raise BadFile(
            Problem(shown, f"is not a valid JSON Schema: {exc.message}", column=where)
        ) from None
    return schema


class Lookup:
    """Valid ids of one referenced table, with aliases (names, short names) for suggestions."""

    def __init__(self, table: str, rows: list[dict[str, str]], key: str, where: str):
        self.table = table
        self.rows = {r[key]: r for r in rows if r.get(key)}
        self.ids = list(self.rows)
        self.where = where
        self.aliases: dict[str, str] = {}
        for rid, row in self.rows.items():
            for col in ("name", "short_name"):
                if row.get(col):
                    self.aliases[row[col].strip().lower().replace(" ", "_")] = rid

    def unknown(self, value: str) -> str:
        """The message for a value that is not in this table."""
        singular, plural = NOUNS.get(self.table, (self.table, self.table))
        near = suggest(value, self.ids, self.aliases)
        hint = f'; did you mean "{near}"?' if near else "."
        known = quoted_list(self.ids, where=self.where)
        return f'"{value}" is not a known {singular}{hint} Known {plural}: {known}'


# ---------------------------------------------------------------- YAML syntax errors


_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*:(?:\s|$)")


def unclosed_quote(text: str) -> int | None:
    """The line (from 1) where a quote opens that is never closed, or None.

    PyYAML reads an unclosed quote on until the next quote mark, often several lines down, and
    then reports the line where it gave up. A quoted text that swallows lines that look like
    ``key: value`` lines is such a quote.

    >>> unclosed_quote('title: "A case\\nfictional: true\\nnotice: "x"\\n')
    1
    >>> unclosed_quote('title: "A case"\\nfictional: true\\n') is None
    True
    """
    import yaml

    tokens = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            tokens.append(token)
    except yaml.YAMLError as exc:
        context, mark = getattr(exc, "context", None) or "", getattr(exc, "context_mark", None)
        if "quoted scalar" in context and mark is not None:
            return mark.line + 1
    for token in tokens:
        if not isinstance(token, yaml.ScalarToken) or token.style not in ('"', "'"):
            continue
        if token.end_mark.line > token.start_mark.line:
            inside = text[token.start_mark.index : token.end_mark.index].splitlines()[1:]
            if any(_KEY_LINE.match(line) for line in inside):
                return token.start_mark.line + 1
    return None


def yaml_problem(exc: Any, text: str, shown: str) -> Problem:
    """One plain-words message for a YAML syntax error, at the line where the problem starts.

    PyYAML gives two places: ``context_mark`` (where the construct it was reading began) and
    ``problem_mark`` (where it gave up). Which one a course builder should look at depends on the
    mistake, so the common mistakes are recognised and worded here; anything else falls back to
    PyYAML's own words at the problem mark.
    """
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    quote = unclosed_quote(text)
    if quote is not None and (line is None or quote <= line):
        return LineProblem(
            shown,
            f"is not valid YAML: a quote opened on line {quote} is not closed (end the text "
            "with the same quote mark it starts with)",
            quote,
        )
    if r"'\t'" in problem:
        message = "this line holds a tab; indent with spaces only"
    elif problem.startswith("mapping values are not allowed"):
        message = (
            'this line has ": " inside a value; put the whole value in quotes, '
            'for example summary: "Alex: ..."'
        )
    elif problem.startswith("could not find expected ':'") and context_mark is not None:
        line = context_mark.line + 1
        message = (
            "this line has no colon after its key (write key: value), or a text that runs on "
            "to the next line is not in quotes"
        )
    elif (
        problem.startswith("expected <block end>, but found '<scalar>'")
        and mark is not None
        and any(q in (text.splitlines() + [""])[mark.line][: mark.column] for q in "'\"")
    ):
        message = (
            "a quote mark inside the text ends it early (put text that holds an apostrophe "
            "in double quotes, and text that holds double quotes in single quotes)"
        )
    elif problem.startswith("expected <block end>") and "block" in problem.split("found")[-1]:
        message = (
            "this line is not indented like the lines around it (keys at the same level must "
            "start in the same column; indent with spaces)"
        )
    else:
        message = problem
    return LineProblem(shown, f"is not valid YAML: {message}", line)
