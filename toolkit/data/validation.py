"""Validation of the data package and of case folders: every problem in one pass.

Cells are checked against the Table Schemas in ``data/schemas/`` by frictionless (types,
constraints, vocabularies as foreign keys); ``case.yaml`` against
``data/schemas/case.schema.json`` by jsonschema (:mod:`toolkit.data.case_yaml`); what a schema
cannot say (dates inside the case period, tools before their launch, the personal-data guard)
by :mod:`toolkit.data.case_checks` and :mod:`toolkit.data.guard`. The loaders run the same
checks, without the guard, the first time they read a file. ``everycall validate``
(:mod:`toolkit.validate`) dispatches here for data folders, cases and their files.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.core.paths import display
from toolkit.core.text import plural
from toolkit.data import case_checks as _case_checks
from toolkit.data import reading as _checks
from toolkit.data.case_yaml import check_case_yaml
from toolkit.data.context import CaseContext
from toolkit.data.csv_checks import check_header, frictionless_problems, row_shapes, rows_of
from toolkit.errors import Problem

__all__ = [
    "CASE_FILES",
    "CaseContext",
    "ValidationReport",
    "check_case",
    "check_case_folder",
    "check_csv",
    "check_package",
    "package_of",
]

CASE_FILES = ("case.yaml", "events.csv", "annotations.csv")


def package_of(path: Path) -> Path | None:
    for parent in path.resolve().parents:
        if (parent / "datapackage.json").is_file():
            return parent
    return None


def check_csv(
    path: Path, schema: dict[str, Any], ctx: CaseContext, what: str, shown: str | None = None
) -> tuple[list[Problem], list[dict[str, str]] | None]:
    """Encoding, size, header and every cell of one CSV; returns problems and parsed rows."""
    shown = shown or display(path)
    read = _checks.read_text(path, shown)
    if read.problem:
        return [read.problem], None
    assert read.text is not None
    problems = check_header(read.text, schema, shown, what)
    if any(p.message.startswith(("is empty", "uses ;")) for p in problems):
        return problems, None
    try:
        references = ctx.references(schema)
    except _checks.BadFile as exc:  # a vocabulary's or resource's schema is broken
        return [exc.problem], None
    # A row whose cells do not line up with the header gets one message, and no cell checks.
    shapes = row_shapes(read.text, shown)
    cells = frictionless_problems(
        path, schema, references, ctx.lookups, shown, skip=frozenset(shapes)
    )
    problems += sorted([*shapes.values(), *cells], key=lambda p: p.row or 0)
    return problems, rows_of(read.text)


def check_case(
    folder: Path, ctx: CaseContext, report: ValidationReport, guard: bool = True
) -> None:
    problems = check_case_folder(folder, ctx, guard=guard)
    report.add(problems)
    report.files += sum((folder / n).is_file() for n in CASE_FILES)
    report.cases += 1


def check_case_folder(
    folder: Path, ctx: CaseContext | None = None, *, guard: bool = True
) -> list[Problem]:
    """Every problem in one case folder, errors first (used by the loaders with guard off)."""

    ctx = ctx or CaseContext.for_case(folder)
    if ctx.problems:
        return [*ctx.problems, ctx.unchecked(display(folder))]
    shown = {n: display(folder / n) for n in CASE_FILES}
    problems: list[Problem] = []
    readable = {}
    for name in CASE_FILES:
        problem = _checks.file_problem(folder / name, shown[name])
        if problem is not None and problem.message == "is missing":
            problem = Problem(
                shown[name],
                "is missing (a case folder needs case.yaml, events.csv and annotations.csv)",
            )
        if problem is not None:
            problems.append(problem)
        readable[name] = problem is None
    meta = None
    if readable["case.yaml"]:
        meta, found = check_case_yaml(folder / "case.yaml", ctx, shown["case.yaml"])
        problems += found
    events = annotations = None
    for name in ("events.csv", "annotations.csv"):
        if not readable[name]:
            continue
        try:
            schema = ctx.schema(name.removesuffix(".csv"))
        except _checks.BadFile as exc:
            problems.append(exc.problem)
            continue
        found, rows = check_csv(folder / name, schema, ctx, name, shown[name])
        problems += found
        if name == "events.csv":
            events = rows
            if events is not None:
                problems += _case_checks.check_events(events, meta, ctx, shown[name])
        else:
            annotations = rows
    if annotations is not None:
        # With no events at all, "has no events" says it once; each annotation would repeat it.
        problems += _case_checks.check_annotations(annotations, events or None, shown)
    problems += _case_checks.standards(meta, events, annotations, shown)
    if guard:
        problems += _case_checks.guard(meta, events, annotations, ctx, shown)
    order = {s: i for i, s in enumerate(shown.values())}
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.level == "warning", order.get(p.file, 9), p.row or 0))


def check_package(root: Path, report: ValidationReport, only: str | None = None) -> None:
    shown = display(root / "datapackage.json")
    read = _checks.read_text(root / "datapackage.json", shown)
    if read.problem:
        report.add([read.problem])
        return
    try:
        descriptor = json.loads(read.text or "")
    except json.JSONDecodeError as exc:
        report.add([_checks.LineProblem(shown, f"is not valid JSON: {exc.msg}", exc.lineno)])
        return
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        report.add([Problem(shown, 'has no "resources" list')])
        return
    report.files += 1
    ctx = CaseContext(root)
    if ctx.problems:
        report.add([*ctx.problems, ctx.unchecked(display(root))])
        return
    listed_cases: dict[str, list[str]] = {}  # case folder name: its resources' names
    for i, res in enumerate(resources, 1):
        if not isinstance(res, dict) or not all(
            isinstance(res.get(k), str) for k in ("name", "path", "schema")
        ):
            report.add(
                [Problem(shown, f"resource {i} needs a name, a path and a schema (all text)")]
            )
            continue
        parts = Path(res["path"]).parts
        if parts[:1] == ("cases",) and len(parts) == 3:
            listed_cases.setdefault(parts[1], []).append(res["name"])
            continue
        if only and res["path"] != only:
            continue
        _check_resource(root, res, ctx, shown, report)
    cases_dir = root / "cases"
    folders = sorted(
        p
        for p in (cases_dir.iterdir() if cases_dir.is_dir() else [])
        if p.is_dir() and not p.name.startswith((".", "_"))
    )
    unlisted = [p.name for p in folders if p.name not in listed_cases]
    gone = [name for name in listed_cases if not (cases_dir / name).is_dir()]
    renamed = _renames(gone, unlisted)
    for name in gone:
        report.add([Problem(shown, _gone_message(name, listed_cases[name], renamed.get(name)))])
    if only and only.startswith("cases/"):
        folder = root / Path(only).parent
        check_case(folder, ctx, report)
        return
    if only:
        return
    for folder in folders:
        check_case(folder, ctx, report)
        if folder.name in unlisted and folder.name not in renamed.values():
            report.add(
                [
                    Problem(
                        display(folder),
                        "is not listed in datapackage.json; "
                        f'add resources "{folder.name}-events" and '
                        f'"{folder.name}-annotations" for its two CSVs (copy another case\'s '
                        "two resources and change the names and paths)",
                        level="warning",
                    )
                ]
            )


def _renames(gone: list[str], unlisted: list[str]) -> dict[str, str]:
    """Listed case folders that no longer exist, paired with unlisted folders that look like
    them renamed: the only one of each, or else the closest name (difflib)."""
    if len(gone) == 1 and len(unlisted) == 1:
        return {gone[0]: unlisted[0]}
    pairs: dict[str, str] = {}
    for name in gone:
        left = [u for u in unlisted if u not in pairs.values()]
        match = difflib.get_close_matches(name, left, n=1, cutoff=0.6)
        if match:
            pairs[name] = match[0]
    return pairs


def _gone_message(folder: str, names: list[str], renamed_to: str | None) -> str:
    """What to do about the resources of a case folder that no longer exists.

    >>> print(_gone_message("harbour-street", ["harbour-street-events"], None))
    resource "harbour-street-events" points at cases/harbour-street/, which does not exist; if \
you removed the case, remove that resource from datapackage.json; to start the case again, run \
everycall new-case harbour-street
    """
    quoted = [f'"{n}"' for n in names]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
    those = "that resource" if len(names) == 1 else "those resources"
    head = (
        f"resource{'s' * (len(names) != 1)} {listed} point{'s' * (len(names) == 1)} at "
        f"cases/{folder}/, which does not exist"
    )
    if renamed_to:
        return (
            f"{head}; if you renamed the case to {renamed_to}, change {folder} to {renamed_to} "
            f"in the names and paths of {those}; if you removed it, remove {those} from "
            "datapackage.json"
        )
    return (
        f"{head}; if you removed the case, remove {those} from datapackage.json; to start the "
        f"case again, run everycall new-case {folder}"
    )


def _check_resource(
    root: Path, res: dict[str, Any], ctx: CaseContext, shown: str, report: ValidationReport
) -> None:
    path = root / res["path"]
    schema_path = root / res["schema"]
    for file, what in ((path, res["path"]), (schema_path, f"schema {res['schema']}")):
        problem = _checks.file_problem(file)
        if problem is not None and problem.message == "is missing":
            report.add([Problem(shown, f'resource "{res["name"]}": {what} does not exist')])
            return
        if problem is not None:
            report.add([problem])
            return
    try:
        schema = ctx.schema_at(schema_path)
    except _checks.BadFile as exc:
        report.add([exc.problem])
        return
    problems, _ = check_csv(path, schema, ctx, Path(res["path"]).name)
    report.add(problems)
    report.files += 1


@dataclass
class ValidationReport:
    """What :func:`validate` found. ``errors`` make the CLI exit with status 2."""

    path: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    files: int = 0
    cases: int = 0
    _seen: set[Problem] = field(default_factory=set, repr=False)

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed)."""
        return not self.errors

    def summary(self) -> str:
        """One line for the end of the report."""
        counts = f"{plural(len(self.errors), 'error')}, {plural(len(self.warnings), 'warning')}"
        if self.errors:
            return f"{counts} in {self.path}."
        cases = f", {plural(self.cases, 'case')}" if self.cases else ""
        return f"OK: {self.path} ({plural(self.files, 'file')} checked{cases}; {counts})."

    def add(self, problems: Iterable[Problem]) -> None:
        """Add problems, each once (a broken shared file is met by every case that uses it)."""
        for p in _checks.with_records(problems):
            if p in self._seen:
                continue
            self._seen.add(p)
            (self.warnings if p.level == "warning" else self.errors).append(p)
