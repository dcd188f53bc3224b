"""Check course data and case folders, and scaffold new cases.

``everycall validate [PATH]`` calls :func:`validate`; ``everycall new-case SLUG`` calls
:func:`new_case`. Validation reads and never writes: every problem in one run, each naming
file, row and column, with what was expected::

    data/cases/x/events.csv, row 14, column "timestamp": "31/02/2019" is not a date
    (expected YYYY-MM-DD HH:MM)

Cells are checked against the Table Schemas in ``data/schemas/`` by frictionless (types,
constraints, vocabularies as foreign keys); ``case.yaml`` against ``data/schemas/case.schema.json``
by jsonschema. This module adds what a schema cannot say: dates inside the case period, tools
used only once they existed, annotations pointing at real events, scaffold placeholders left in,
and the personal-data guard (an email address, UK phone number, postcode or NHS number is an
error; a possible name or date of birth is a warning).

Examples
--------
>>> report = validate(data_dir() / "cases" / "unlinked-calls")
>>> report.errors
[]
>>> report.summary().startswith("OK")
True
>>> validate(Path("no/such/folder")).summary()
'1 error, 0 warnings in no/such/folder: nothing was changed.'
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit import _checks
from toolkit._paths import data_dir, repo_root
from toolkit.errors import DataError, Problem

__all__ = ["ValidationReport", "new_case", "validate"]

CASE_FILES = ("case.yaml", "events.csv", "annotations.csv")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


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
        e, w = len(self.errors), len(self.warnings)
        counts = f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"
        if self.errors:
            return f"{counts} in {self.path}: nothing was changed."
        cases = f", {self.cases} case{'s' * (self.cases != 1)}" if self.cases else ""
        return f"OK: {self.path} ({self.files} files checked{cases}; {counts})."

    def add(self, problems: Iterable[Problem]) -> None:
        """Add problems, each once (a broken shared file is met by every case that uses it)."""
        for p in problems:
            if p in self._seen:
                continue
            self._seen.add(p)
            (self.warnings if p.level == "warning" else self.errors).append(p)


def validate(path: Path | str | None = None) -> ValidationReport:
    """Check a data folder, one case folder or one file; never writes anything.

    Parameters
    ----------
    path : Path or str, optional
        A data folder (with ``datapackage.json``), a case folder (with ``case.yaml``), a folder
        of case folders, or a single file. Default: the course data in use
        (``EVERYCALL_DATA``, the checkout's ``data/``, or the packaged copy).

    Returns
    -------
    ValidationReport
        ``.errors`` and ``.warnings`` (lists of :class:`~toolkit.errors.Problem`) and
        ``.summary()``.

    Examples
    --------
    >>> validate().ok
    True
    >>> validate("README-that-does-not-exist.md").errors[0].message
    'does not exist'
    """
    path = Path(path) if path is not None else data_dir()
    report = ValidationReport(_checks.display(path))
    if not path.exists():
        problem = _checks.file_problem(path, report.path) if path.is_symlink() else None
        report.add([problem or Problem(report.path, "does not exist")])
        return report
    if path.is_dir() and (path / "datapackage.json").is_file():
        _check_package(path, report)
    elif path.is_dir() and any(os.path.lexists(path / name) for name in CASE_FILES):
        _check_case(path, _Context.for_case(path), report)
    elif path.is_dir() and any((p / "case.yaml").is_file() for p in path.iterdir() if p.is_dir()):
        for folder in sorted(p for p in path.iterdir() if (p / "case.yaml").is_file()):
            _check_case(folder, _Context.for_case(folder), report)
    elif path.is_file() and path.name in CASE_FILES:
        _check_case(path.parent, _Context.for_case(path.parent), report)
    elif path.is_file() and path.suffix in {".yaml", ".yml"} and path.parent.name == "exercises":
        from toolkit.exercises import validate_definitions

        report.add(validate_definitions(path))
    elif path.is_file() and path.suffix in {".yaml", ".yml"} and path.parent.name == "notes":
        from toolkit.notes import validate_notes

        report.add(validate_notes(path))
    elif path.is_file() and path.name == "datapackage.json":
        _check_package(path.parent, report)
    elif path.is_file() and path.suffix == ".csv" and _package_of(path):
        root = _package_of(path)
        assert root is not None
        rel = path.resolve().relative_to(root.resolve()).as_posix()
        _check_package(root, report, only=rel)
    else:
        report.add(
            [
                Problem(
                    report.path,
                    "is not a data folder (no datapackage.json), a case "
                    "folder (no case.yaml) or a file of either",
                )
            ]
        )
    return report


def _package_of(path: Path) -> Path | None:
    for parent in path.resolve().parents:
        if (parent / "datapackage.json").is_file():
            return parent
    return None


class _Context:
    """The schemas, vocabularies and sources a check resolves against (one data folder).

    ``problems`` lists the vocabularies and sources that could not be read: every check
    depends on them, so validation reports those alone rather than a flood of unknown values.
    """

    def __init__(self, root: Path):
        self.root = root
        self.schemas: dict[str, dict[str, Any]] = {}
        self.rows: dict[str, list[dict[str, str]]] = {}
        self.lookups: dict[str, _checks.Lookup] = {}
        self.problems: list[Problem] = []
        for name in (*_checks.VOCABULARIES, "sources"):
            csv_path = root / ("sources.csv" if name == "sources" else f"vocab/{name}.csv")
            read = _checks.read_text(csv_path)
            if read.problem:
                self.problems.append(read.problem)
            text = read.text
            self.rows[name] = _checks.rows_of(text) if text else []
            key = "source_id" if name == "sources" else "id"
            where = "sources.csv" if name == "sources" else f"vocab/{name}.csv"
            self.lookups[name] = _checks.Lookup(
                name, self.rows[name], key, f"{where} in the data folder"
            )

    def schema(self, name: str) -> dict[str, Any]:
        """The Table Schema ``schemas/<name>.schema.json``; raises ``_checks.BadFile``."""
        return self.schema_at(self.root / "schemas" / f"{name}.schema.json")

    def schema_at(self, path: Path) -> dict[str, Any]:
        """A Table Schema by path, checked once; raises ``_checks.BadFile`` when unusable."""
        key = str(path)
        if key not in self.schemas:
            self.schemas[key] = _checks.load_table_schema(path)
        return self.schemas[key]

    def case_schema(self) -> dict[str, Any]:
        """``schemas/case.schema.json`` (a JSON Schema); raises ``_checks.BadFile``."""
        key = "case.schema.json"
        if key not in self.schemas:
            self.schemas[key] = _checks.load_json_schema(self.root / "schemas" / key)
        return self.schemas[key]

    def unchecked(self, shown: str) -> Problem:
        """The warning that ``shown`` was not checked because the shared files are broken."""
        return Problem(
            shown,
            "nothing else was checked, because every check depends on the vocabularies and sources",
            level="warning",
        )

    def references(self, schema: dict[str, Any]) -> dict[str, tuple[Path, dict[str, Any]]]:
        """Tables that ``schema``'s foreign keys point at: vocabularies, sources, or other
        resources of the data package (which also get a lookup for messages)."""
        refs = {}
        for fk in schema.get("foreignKeys", []):
            name = fk["reference"]["resource"]
            if name in self.lookups and name in self.rows:
                csv_name = "sources.csv" if name == "sources" else f"vocab/{name}.csv"
                refs[name] = (self.root / csv_name, self.schema(name))
            elif name in self.package():
                res = self.package()[name]
                path = self.root / res["path"]
                refs[name] = (path, self.schema_at(self.root / res["schema"]))
                if name not in self.lookups:
                    text = _checks.read_text(path).text
                    key = fk["reference"]["fields"]
                    key = key if isinstance(key, str) else key[0]
                    self.lookups[name] = _checks.Lookup(
                        name, _checks.rows_of(text or ""), key, f"{res['path']} in the data folder"
                    )
        return refs

    def package(self) -> dict[str, dict[str, Any]]:
        """Resources listed in the data folder's datapackage.json, by name."""
        if not hasattr(self, "_package"):
            self._package: dict[str, dict[str, Any]] = {}
            path = self.root / "datapackage.json"
            try:
                descriptor = _checks.load_json(path)
            except (OSError, ValueError):
                descriptor = {}
            resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
            resources = resources if isinstance(resources, list) else []
            self._package = {
                r["name"]: r
                for r in resources
                if isinstance(r, dict)
                and all(isinstance(r.get(k), str) for k in ("name", "path", "schema"))
            }
        return self._package

    @classmethod
    def for_case(cls, folder: Path) -> _Context:
        parent = folder.resolve().parent.parent
        root = parent if (parent / "datapackage.json").is_file() else data_dir()
        return cls(root)


def _check_csv(
    path: Path, schema: dict[str, Any], ctx: _Context, what: str, shown: str | None = None
) -> tuple[list[Problem], list[dict[str, str]] | None]:
    """Encoding, size, header and every cell of one CSV; returns problems and parsed rows."""
    shown = shown or _checks.display(path)
    read = _checks.read_text(path, shown)
    if read.problem:
        return [read.problem], None
    assert read.text is not None
    problems = _checks.check_header(read.text, schema, shown, what)
    if any(p.message.startswith(("is empty", "uses ;")) for p in problems):
        return problems, None
    try:
        references = ctx.references(schema)
    except _checks.BadFile as exc:  # a vocabulary's or resource's schema is broken
        return [exc.problem], None
    problems += _checks.frictionless_problems(path, schema, references, ctx.lookups, shown)
    return problems, _checks.rows_of(read.text)


# ---------------------------------------------------------------- cases


def _check_case(folder: Path, ctx: _Context, report: ValidationReport, guard: bool = True) -> None:
    problems = check_case_folder(folder, ctx, guard=guard)
    report.add(problems)
    report.files += sum((folder / n).is_file() for n in CASE_FILES)
    report.cases += 1


def check_case_folder(
    folder: Path, ctx: _Context | None = None, *, guard: bool = True
) -> list[Problem]:
    """Every problem in one case folder, errors first (used by the loaders with guard off)."""
    from toolkit import _case_checks

    ctx = ctx or _Context.for_case(folder)
    if ctx.problems:
        return [*ctx.problems, ctx.unchecked(_checks.display(folder))]
    shown = {n: _checks.display(folder / n) for n in CASE_FILES}
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
        meta, found = _case_checks.check_case_yaml(folder / "case.yaml", ctx, shown["case.yaml"])
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
        found, rows = _check_csv(folder / name, schema, ctx, name, shown[name])
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


# ---------------------------------------------------------------- package


def _check_package(root: Path, report: ValidationReport, only: str | None = None) -> None:
    shown = _checks.display(root / "datapackage.json")
    read = _checks.read_text(root / "datapackage.json", shown)
    if read.problem:
        report.add([read.problem])
        return
    try:
        descriptor = json.loads(read.text or "")
    except json.JSONDecodeError as exc:
        report.add([Problem(shown, f"is not valid JSON: {exc.msg}", row=exc.lineno)])
        return
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        report.add([Problem(shown, 'has no "resources" list')])
        return
    report.files += 1
    ctx = _Context(root)
    if ctx.problems:
        report.add([*ctx.problems, ctx.unchecked(_checks.display(root))])
        return
    listed_cases: set[str] = set()
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
            listed_cases.add(parts[1])
            if not (root / "cases" / parts[1]).is_dir():
                report.add(
                    [
                        Problem(
                            shown,
                            f'resource "{res["name"]}" points at '
                            f"{res['path']}, which does not exist",
                        )
                    ]
                )
            continue
        if only and res["path"] != only:
            continue
        _check_resource(root, res, ctx, shown, report)
    if only and only.startswith("cases/"):
        folder = root / Path(only).parent
        _check_case(folder, ctx, report)
        return
    if only:
        return
    if (root / "exercises").is_dir():
        # Exercise definitions and trainer notes are data too: the same report and exit status.
        from toolkit.exercises import validate_definitions

        report.add(validate_definitions(root / "exercises"))
    if (root / "notes").is_dir():
        from toolkit.notes import validate_notes

        report.add(validate_notes(root / "notes"))
    cases_dir = root / "cases"
    for folder in sorted(cases_dir.iterdir() if cases_dir.is_dir() else []):
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        _check_case(folder, ctx, report)
        if folder.name not in listed_cases:
            report.add(
                [
                    Problem(
                        _checks.display(folder),
                        "is not listed in datapackage.json; "
                        f'add resources "{folder.name}-events" and '
                        f'"{folder.name}-annotations" (everycall new-case does this)',
                        level="warning",
                    )
                ]
            )


def _check_resource(
    root: Path, res: dict[str, Any], ctx: _Context, shown: str, report: ValidationReport
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
    problems, _ = _check_csv(path, schema, ctx, Path(res["path"]).name)
    report.add(problems)
    report.files += 1


# ---------------------------------------------------------------- new case

TEMPLATE = Path(__file__).parent / "_case_template"


def new_case(slug: str, root: Path | str | None = None) -> Path:
    """Create a case folder to fill in: ``case.yaml`` (commented), ``events.csv``, ``annotations.csv``.

    Parameters
    ----------
    slug : str
        Folder name: lower case words joined by hyphens, for example ``harbour-street``.
    root : Path or str, optional
        The folder that holds case folders. Default: ``cases/`` in the data folder in use
        (``EVERYCALL_DATA`` or the checkout's ``data/``). When that folder sits in a data
        package, the case's two CSVs are added to its ``datapackage.json``.

    Returns
    -------
    Path
        The new folder. The scaffold validates with warnings only (too few events, example
        rows still present) until it is filled in.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = new_case("harbour-street", root=tmp)
    ...     sorted(p.name for p in folder.iterdir()), validate(folder).errors
    (['annotations.csv', 'case.yaml', 'events.csv'], [])
    >>> new_case("Harbour Street", root=".")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: Harbour Street: is not a valid case name: use lower case words joined by hyphens, for example harbour-street
    """  # noqa: E501
    if not SLUG.match(slug):
        raise DataError(
            [
                Problem(
                    _checks.display(Path(root or ".") / slug),
                    "is not a valid case "
                    "name: use lower case words joined by hyphens, for example "
                    "harbour-street",
                )
            ]
        )
    if root is None:
        if not os.environ.get("EVERYCALL_DATA") and repo_root() is None:
            raise DataError(
                [
                    Problem(
                        _checks.display(data_dir()),
                        "is the data packaged with the "
                        "toolkit and is not for editing: set EVERYCALL_DATA to your "
                        "own data folder or pass --root",
                    )
                ]
            )
        root = data_dir() / "cases"
    root = Path(root)
    folder = root / slug
    if folder.exists():
        raise DataError(
            [
                Problem(
                    _checks.display(folder),
                    "already exists; choose another name or remove the folder first",
                )
            ]
        )
    root.mkdir(parents=True, exist_ok=True)
    # Write into a temporary folder, then rename it into place: never a half-written case.
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=f".{slug}-"))
    try:
        for name in CASE_FILES:
            text = (TEMPLATE / name).read_text(encoding="utf-8").replace("{slug}", slug)
            (tmp / name).write_text(text, encoding="utf-8")
        tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _register(root, slug)
    return folder


def _register(cases_root: Path, slug: str) -> None:
    """Add the case's CSVs to datapackage.json when the case lives in a data package."""
    descriptor_path = cases_root.parent / "datapackage.json"
    if cases_root.name != "cases" or not descriptor_path.is_file():
        return
    try:
        descriptor = _checks.load_json(descriptor_path)
    except (OSError, ValueError):
        return  # validate will report the broken descriptor
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources", []), list):
        return
    names = {r.get("name") for r in descriptor.get("resources", []) if isinstance(r, dict)}
    for part in ("events", "annotations"):
        if f"{slug}-{part}" in names:
            continue
        descriptor.setdefault("resources", []).append(
            {
                "name": f"{slug}-{part}",
                "path": f"cases/{slug}/{part}.csv",
                "schema": f"schemas/{part}.schema.json",
                "title": f"Case {slug}: {part}",
                "description": "A fictional composite case (added by everycall new-case).",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
            }
        )
    text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    tmp = descriptor_path.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(descriptor_path)
