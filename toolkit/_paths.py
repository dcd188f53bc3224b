"""Where the toolkit finds its course data, notebooks and templates.

Order for data: ``EVERYCALL_DATA`` (a course builder's own folder), then the repository's
``data/`` when running from a checkout, then the copy packaged inside the wheel.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parent


def repo_root() -> Path | None:
    """The checkout this toolkit runs from, or None when installed from a wheel."""
    if (_REPO / "pyproject.toml").is_file() and (_REPO / "data").is_dir():
        return _REPO
    return None


def data_dir() -> Path:
    """The data folder in use (see the module docstring for the order)."""
    override = os.environ.get("EVERYCALL_DATA")
    if override:
        return Path(override).expanduser().resolve()
    root = repo_root()
    if root is not None:
        return root / "data"
    return _PACKAGE / "_data"


def notebooks_dir() -> Path | None:
    """The course notebooks, when running from a checkout."""
    root = repo_root()
    return root / "notebooks" if root is not None else None


def templates_dir() -> Path:
    """nbconvert templates and CSS shipped as package data."""
    return _PACKAGE / "templates"
