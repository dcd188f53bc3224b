"""Check course data and case folders, and scaffold new cases.

``everycall validate [PATH]`` calls :func:`validate`; ``everycall new-case SLUG`` calls
:func:`new_case`. Validation reads and never writes: every problem in one run, each naming
file, row and column, with what was expected::

    data/cases/x/events.csv, line 15 (event E14), column "timestamp": "31/02/2019" is not a
    date (expected YYYY-MM-DD HH:MM)

Cells are checked against the Table Schemas in ``data/schemas/`` by frictionless (types,
constraints, vocabularies as foreign keys); ``case.yaml`` against ``data/schemas/case.schema.json``
by jsonschema. This module adds what a schema cannot say: dates inside the case period, tools
used only once they existed, annotations pointing at real events, scaffold placeholders left in,
and the personal-data guard (an email address, UK phone number, postcode or NHS number is an
error; a possible name or date of birth is a warning).

The course-wide entry point: it dispatches a path to the check that fits it. Data folders,
cases and their files go to :mod:`toolkit.data.validation`; exercise and trainer-note YAML to
:mod:`toolkit.exercises` and :mod:`toolkit.notes`; notebooks to :mod:`toolkit.saving` (no
trainer material saved in them) and :func:`collapsed_input_problems` (a cell tagged
``remove-input`` or ``hide-input`` shows its input collapsed in JupyterLab). :func:`new_case`,
the one part that writes, lives in :mod:`toolkit.data.scaffold`.

Examples
--------
>>> report = validate(data_dir() / "cases" / "unlinked-calls")
>>> report.errors
[]
>>> report.summary().startswith("OK")
True
>>> validate(Path("no/such/folder")).summary()
'1 error, 0 warnings in no/such/folder.'
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

from toolkit.core.paths import data_dir, display, repo_root
from toolkit.data import (
    CASE_FILES,
    CaseContext,
    ValidationReport,
    check_case,
    check_package,
    file_problem,
    new_case,
    package_of,
)
from toolkit.data import SLUG as SLUG
from toolkit.data import TEMPLATE as TEMPLATE
from toolkit.errors import Problem
from toolkit.exercises import validate_definitions
from toolkit.notes import validate_notes
from toolkit.saving import notebook_problems

__all__ = ["ValidationReport", "collapsed_input_problems", "new_case", "validate"]


def validate(path: Path | str | None = None) -> ValidationReport:
    """Check a data folder, one case folder or one file; never writes anything.

    Parameters
    ----------
    path : Path or str, optional
        A data folder (with ``datapackage.json``), a case folder (with ``case.yaml``), a folder
        of case folders, a single file, or notebooks (a ``.ipynb`` file or a folder of them,
        such as handed-out student notebooks: none may hold trainer material). Default: the
        course data in use (``EVERYCALL_DATA``, the checkout's ``data/``, or the packaged
        copy), and the checkout's ``notebooks/``.

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
    course = path is None
    path = Path(path) if path is not None else data_dir()
    report = ValidationReport(display(path))
    if not path.exists():
        problem = file_problem(path, report.path) if path.is_symlink() else None
        near = None if problem else _near_path(path)
        hint = f"; did you mean {display(near)}?" if near else ""
        report.add([problem or Problem(report.path, f"does not exist{hint}")])
        return report
    if path.is_dir() and (path / "datapackage.json").is_file():
        check_package(path, report)
        _check_definitions(path, report)
        root = repo_root()
        if course and root is not None and (root / "notebooks").is_dir():
            _check_notebooks(root / "notebooks", report)
    elif path.is_file() and path.suffix == ".ipynb":
        _check_notebooks(path, report)
    elif path.is_dir() and any(path.rglob("*.ipynb")):
        _check_notebooks(path, report)
    elif path.is_dir() and any(os.path.lexists(path / name) for name in CASE_FILES):
        check_case(path, CaseContext.for_case(path), report)
    elif path.is_dir() and any((p / "case.yaml").is_file() for p in path.iterdir() if p.is_dir()):
        for folder in sorted(p for p in path.iterdir() if (p / "case.yaml").is_file()):
            check_case(folder, CaseContext.for_case(folder), report)
    elif path.is_file() and path.name in CASE_FILES:
        check_case(path.parent, CaseContext.for_case(path.parent), report)
    elif path.is_file() and path.suffix in {".yaml", ".yml"} and path.parent.name == "exercises":
        report.add(validate_definitions(path))
        report.files += 1
    elif path.is_file() and path.suffix in {".yaml", ".yml"} and path.parent.name == "notes":
        report.add(validate_notes(path))
        report.files += 1
    elif path.is_file() and path.name == "datapackage.json":
        check_package(path.parent, report)
        _check_definitions(path.parent, report)
    elif path.is_file() and path.suffix == ".csv" and package_of(path):
        root = package_of(path)
        assert root is not None
        rel = path.resolve().relative_to(root.resolve()).as_posix()
        check_package(root, report, only=rel)
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


def _check_definitions(root: Path, report: ValidationReport) -> None:
    """Exercise definitions and trainer notes in a data folder: data too, in the same report."""
    for folder, check in (("exercises", validate_definitions), ("notes", validate_notes)):
        if (root / folder).is_dir():
            report.add(check(root / folder))
            report.files += sum(1 for p in (root / folder).glob("*.yaml") if p.name[0] != ".")


def _check_notebooks(path: Path, report: ValidationReport) -> None:
    """No notebook learners may open (committed, or handed out) holds trainer material, and
    every cell whose input is meant to be hidden shows collapsed in JupyterLab."""
    files = [path] if path.is_file() else sorted(path.rglob("*.ipynb"))
    for nb in files:
        if ".ipynb_checkpoints" in nb.parts:
            continue
        problems = notebook_problems(nb) + collapsed_input_problems(nb)
        report.add([Problem(display(nb), p.message, p.row, p.column, p.level) for p in problems])
        report.files += 1


#: Cell tags (canonical spelling) that say a code cell's input is not for learners to read.
HIDDEN_INPUT_TAGS = ("remove-input", "hide-input")


def collapsed_input_problems(path: Path) -> list[Problem]:
    """Code cells tagged ``remove-input`` or ``hide-input`` whose input JupyterLab shows.

    Handouts honour the tags; JupyterLab does not, and shows the code unless the cell's input
    is collapsed (``metadata.jupyter.source_hidden``). Tags are matched as the handouts match
    them: any case, ``_`` or ``-``. Cells are counted from 1, as everywhere in ``validate``.

    Examples
    --------
    >>> import json, tempfile
    >>> cell = {"cell_type": "code", "source": "toolkit.trainer_note('x')", "outputs": [],
    ...         "metadata": {"tags": ["trainer", "Remove_Input"]}}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     nb = Path(folder) / "week1.ipynb"
    ...     _ = nb.write_text(json.dumps({"cells": [cell]}))
    ...     print(collapsed_input_problems(nb)[0].message.split("; ")[0])
    ...     cell["metadata"]["jupyter"] = {"source_hidden": True}
    ...     _ = nb.write_text(json.dumps({"cells": [cell]}))
    ...     collapsed_input_problems(nb)
    cell 1: tagged remove-input but its code shows in JupyterLab
    []
    """
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells")
    except (OSError, ValueError, AttributeError):
        return []  # notebook_problems names a file that cannot be read
    problems: list[Problem] = []
    for index, cell in enumerate(cells if isinstance(cells, list) else [], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        raw = meta.get("tags")
        tags = (
            {t.strip().lower().replace("_", "-") for t in raw if isinstance(t, str)}
            if isinstance(raw, list)
            else set()
        )
        hidden = [t for t in HIDDEN_INPUT_TAGS if t in tags]
        jupyter = meta.get("jupyter")
        if hidden and not (isinstance(jupyter, dict) and jupyter.get("source_hidden")):
            problems.append(
                Problem(
                    str(path),
                    f"cell {index}: tagged {' and '.join(hidden)} but its code shows in "
                    'JupyterLab; add "jupyter": {"source_hidden": true} to the cell\'s metadata '
                    "(in JupyterLab: select the cell, then View > Collapse Selected Code, "
                    "and save)",
                )
            )
    return problems


def _near_path(path: Path) -> Path | None:
    """An existing path that differs from ``path`` by a slip in typing a folder or file name.

    Each name that does not exist is replaced by the closest name in its folder (difflib, the
    standard library's fuzzy matcher); None when a name has no close match.

    >>> _near_path(Path("toolkit/valdate.py"))
    PosixPath('toolkit/validate.py')
    >>> _near_path(Path("toolkit/nothing-like-it.py")) is None
    True
    """
    current = Path(path.anchor)
    changed = False
    for part in path.parts[1:] if path.anchor else path.parts:
        there = current / part
        if not os.path.lexists(there) and part not in (".", ".."):
            try:
                names = [p.name for p in current.iterdir()]
            except OSError:
                return None
            names = [n for n in names if not n.startswith(".") or part.startswith(".")]
            match = difflib.get_close_matches(part, names, n=1, cutoff=0.7)
            if not match:
                return None
            there, changed = current / match[0], True
        current = there
    return current if changed and current.exists() else None
