"""Where the toolkit finds its course data, notebooks and templates.

Order for data: ``EVERYCALL_DATA`` (a course builder's own folder), then the repository's
``data/`` when running from a checkout, then the copy packaged inside the wheel.

``EVERYCALL_DATA`` must name a full copy of the course's ``data/`` folder (with its
``datapackage.json``, vocabularies, sources and datasets) with the builder's own cases added
under ``cases/``. A folder that does not exist, or that holds only ``cases/``, is refused with a
message naming the variable and the folder, rather than quietly showing no cases: the notebooks,
the handouts' leak scan and validation all read the one folder, so a partial folder would give
partial answers.

Examples
--------
>>> import os
>>> os.environ["EVERYCALL_DATA"] = "/no/such/everycall-data"
>>> data_dir()
Traceback (most recent call last):
...
toolkit.errors.DataError: EVERYCALL_DATA=/no/such/everycall-data: no such folder (expected a \
copy of the course's data/ folder with your cases in its cases/ folder; unset EVERYCALL_DATA to \
use the course data)
>>> del os.environ["EVERYCALL_DATA"]
>>> (data_dir() / "datapackage.json").is_file()
True
"""

from __future__ import annotations

import os
from pathlib import Path

from toolkit.errors import DataError

_PACKAGE = Path(__file__).resolve().parents[1]  # toolkit/
_REPO = _PACKAGE.parent

_COPY_HINT = "copy the course's data/ folder and add your case to its cases/ folder"


def repo_root() -> Path | None:
    """The checkout this toolkit runs from, or None when installed from a wheel."""
    if (_REPO / "pyproject.toml").is_file() and (_REPO / "data").is_dir():
        return _REPO
    return None


def course_data_dir() -> Path:
    """The course's own data: the checkout's ``data/``, else the copy packaged in the wheel."""
    root = repo_root()
    if root is not None:
        return root / "data"
    return _PACKAGE / "_data"


def data_dir() -> Path:
    """The data folder in use (see the module docstring for the order).

    Raises
    ------
    DataError
        ``EVERYCALL_DATA`` names something that is not a full data folder: the message names
        the variable, the folder, and what to do.
    """
    override = os.environ.get("EVERYCALL_DATA")
    if override:
        path = Path(override).expanduser().resolve()
        given = f"EVERYCALL_DATA={override}"
        if not path.exists():
            raise DataError(
                f"{given}: no such folder (expected a copy of the course's data/ folder with "
                "your cases in its cases/ folder; unset EVERYCALL_DATA to use the course data)"
            )
        if not path.is_dir():
            raise DataError(f"{given}: is a file, not a folder; {_COPY_HINT}")
        if not (path / "datapackage.json").is_file():
            only_cases = (path / "cases").is_dir() or any(path.glob("*/case.yaml"))
            what = (
                "holds cases but not the rest of the course data (vocabularies, sources, "
                "datasets): EVERYCALL_DATA must point at a full copy of data/"
                if only_cases
                else "is not a data folder"
            )
            raise DataError(f"{given}: has no datapackage.json, so it {what}; {_COPY_HINT}")
        return path
    return course_data_dir()


def data_source() -> str:
    """Where the data in use comes from, for messages: ``EVERYCALL_DATA=...`` or the folder.

    >>> data_source().endswith("data")
    True
    """
    override = os.environ.get("EVERYCALL_DATA")
    if override:
        return f"EVERYCALL_DATA={override}"
    return display(data_dir())


def display(path: Path) -> str:
    """A path as a course builder would type it: relative to the current folder when inside it.

    >>> display(Path.cwd() / "data" / "sources.csv")
    'data/sources.csv'
    """
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (RuntimeError, OSError):  # a link that loops: name it without following it
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(Path(os.path.abspath(Path.cwd()))).as_posix()
        except ValueError:
            return path.as_posix()
    except ValueError:
        return path.as_posix()


def notebooks_dir() -> Path | None:
    """The course notebooks, when running from a checkout."""
    root = repo_root()
    return root / "notebooks" if root is not None else None
