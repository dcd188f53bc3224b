"""Scaffold a new case folder: ``everycall new-case SLUG`` (:func:`new_case`).

Validation reads and never writes: this is the one part of the case tools that writes files. It
copies the commented template in ``toolkit/data/case_template/`` into a new folder (written in a
temporary folder, then renamed into place, so there is never a half-written case) and, when the
cases folder sits in a data package, adds the case's two CSVs to ``datapackage.json``.

Examples
--------
>>> SLUG.match("harbour-street") is not None, SLUG.match("Harbour Street") is None
(True, True)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from toolkit.core.paths import data_dir, display, repo_root
from toolkit.data import reading as _checks
from toolkit.data.validation import CASE_FILES
from toolkit.errors import DataError, Problem

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TEMPLATE = Path(__file__).parent / "case_template"


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
    >>> from toolkit.validate import validate
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
                    display(Path(root or ".") / slug),
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
                        display(data_dir()),
                        "is the data packaged with the "
                        "toolkit and is not for editing: set EVERYCALL_DATA to your "
                        "own data folder or pass --root",
                    )
                ]
            )
        root = data_dir() / "cases"
    root = Path(root)
    folder = root / slug
    if root.exists() and not root.is_dir():
        raise DataError(
            [Problem(display(root), "is a file; expected the folder that holds case folders")]
        )
    if folder.exists():
        raise DataError(
            [
                Problem(
                    display(folder),
                    "already exists; choose another name or remove the folder first",
                )
            ]
        )
    # Write into a temporary folder, then rename it into place: never a half-written case.
    tmp = None
    made_root = not root.exists()
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=f".{slug}-"))
        for name in CASE_FILES:
            text = (TEMPLATE / name).read_text(encoding="utf-8").replace("{slug}", slug)
            (tmp / name).write_text(text, encoding="utf-8")
        tmp.rename(folder)
    except OSError as exc:
        _undo(tmp, root if made_root else None)
        raise _not_written(folder, exc) from None
    except BaseException:
        _undo(tmp, root if made_root else None)
        raise
    try:
        _register(root, slug)
    except OSError as exc:  # the descriptor could not be written: take the new folder away too
        _undo(folder, root if made_root else None)
        raise _not_written(root.parent / "datapackage.json", exc) from None
    except BaseException:
        _undo(folder, root if made_root else None)
        raise
    return folder


def _undo(folder: Path | None, made_root: Path | None) -> None:
    """Remove what :func:`new_case` wrote: ``folder``, and the cases folder if it made it."""
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    if made_root is not None:
        try:
            made_root.rmdir()  # only when empty
        except OSError:
            pass


def _not_written(path: Path, exc: OSError) -> DataError:
    reason = exc.strerror or str(exc)
    return DataError(
        [Problem(display(path), f"could not be written ({reason}); nothing was changed")]
    )


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
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(descriptor_path)
    except BaseException:
        if tmp.is_file():
            tmp.unlink()
        raise
