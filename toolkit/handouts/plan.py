"""The plan of a handout build: which notebooks, editions and formats, and the records a
build reports (what was written, what each notebook's run found).

Examples
--------
>>> plan_editions("both", trainer_only=True)
('trainer',)
>>> plan_formats("all")
('html', 'pdf', 'ipynb')
>>> plan_formats("docx")
Traceback (most recent call last):
...
toolkit.errors.ExportError: format "docx" is not known; expected one of: html, pdf, ipynb, both, all
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.core.paths import notebooks_dir, repo_root
from toolkit.data import load_sources, sources_markdown
from toolkit.errors import ExportError, Problem
from toolkit.exercises import Edition
from toolkit.handouts.html import _markdown_html
from toolkit.handouts.inline import inline_exercises
from toolkit.handouts.pack import HandoutFile

DEFAULT_OUT = Path("build/handouts")


CELL_TIMEOUT = 600  # seconds; a cell slower than this is a bug, not a slow machine


_FORMATS = {
    "html": ("html",),
    "pdf": ("pdf",),
    "ipynb": ("ipynb",),
    "both": ("html", "pdf"),
    "all": ("html", "pdf", "ipynb"),
}


_EDITIONS: dict[str, tuple[Edition, ...]] = {
    "student": ("student",),
    "trainer": ("trainer",),
    "both": ("student", "trainer"),
}


def plan_formats(fmt: str) -> tuple[str, ...]:
    """The file formats a ``--format`` value asks for."""
    if fmt not in _FORMATS:
        raise ExportError(f'format "{fmt}" is not known; expected one of: {", ".join(_FORMATS)}')
    return _FORMATS[fmt]


def plan_editions(edition: str, *, trainer_only: bool = False) -> tuple[Edition, ...]:
    """The editions to build for one notebook (trainer-only notebooks get no student copy)."""
    if edition not in _EDITIONS:
        raise ExportError(
            f'edition "{edition}" is not known; expected one of: {", ".join(_EDITIONS)}'
        )
    chosen = _EDITIONS[edition]
    return tuple(e for e in chosen if e == "trainer") if trainer_only else chosen


@dataclass
class NotebookReport:
    """How one notebook's handouts went."""

    source: Path
    name: str
    title: str = ""
    objectives: list[str] = field(default_factory=list)
    editions: tuple[Edition, ...] = ()
    seconds: float = 0.0
    execute_seconds: float = 0.0  # the kernel's whole life: start, cells, stop
    kernel_seconds: float = 0.0  # of which starting the kernel
    cached: bool = False  # restored from the build cache: nothing executed or printed
    error: str | None = None
    files: list[HandoutFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not any(p.level == "error" for p in self.problems)


@dataclass
class BuildResult:
    """The outcome of :func:`build`; ``ok`` is what the exit status reports."""

    out: Path
    notebooks: list[NotebookReport]
    problems: list[Problem] = field(default_factory=list)
    files: list[HandoutFile] = field(default_factory=list)
    zip: Path | None = None
    seconds: float = 0.0
    #: seconds per phase of the build, summed over notebooks (see ``run.PHASES``)
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.notebooks) and not any(
            p.level == "error" for p in self.problems
        )

    def summary(self) -> str:
        built = sum(1 for r in self.notebooks if r.ok)
        lines = [
            f"{built} of {len(self.notebooks)} notebooks built, {len(self.files)} files in "
            f"{self.out} ({self.seconds:.1f} s)"
        ]
        for r in self.notebooks:
            if r.error:
                lines.append(f"FAILED {r.error}")
            lines += [str(p) for p in r.problems]
        lines += [str(p) for p in self.problems]
        return "\n".join(lines)


def course_notebooks() -> list[Path]:
    """Every notebook of the course (``notebooks/**/*.ipynb``), in course order."""
    root = notebooks_dir()
    if root is None or not root.is_dir():
        raise ExportError(
            "no course notebooks found: run from a checkout of the course, or name notebooks"
        )
    found = [p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
    return sorted(found, key=lambda p: (len(p.relative_to(root).parts), p.as_posix()))


def _is_trainer_only(path: Path) -> bool:
    return path.parent.name == "trainer"


def _display_name(path: Path) -> str:
    root = repo_root()
    try:
        return path.resolve().relative_to(root).as_posix() if root else path.as_posix()
    except ValueError:
        return path.as_posix()


def _read(path: Path) -> Any:
    import nbformat

    if not path.is_file():
        raise ExportError(f"{path}: no such notebook")
    if path.suffix != ".ipynb":
        raise ExportError(f"{path}: not a notebook (expected a .ipynb file)")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for unreadable JSON
        raise ExportError(f"{path}: cannot be read as a notebook ({exc})") from exc


def _epoch() -> int | None:
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw.strip() == "":
        return None
    if not raw.strip().isdigit():
        raise ExportError(f'SOURCE_DATE_EPOCH="{raw}" is not a whole number of seconds')
    return int(raw)


def _inline_problems(
    nb: Any, display: str, editions: Sequence[str], formats: Sequence[str]
) -> list[str]:
    """Why a notebook with inline exercises cannot be built, one line per exercise.

    An inline exercise (``toolkit.exercises.single_choice(...)`` in a cell) carries its
    answers in the cell's source, and its definition exists only in the kernel that ran it:
    a student edition would ship the answers, and a printed handout cannot render it.
    """

    printed = bool({"html", "pdf"} & set(formats))
    found = []
    for ex in inline_exercises(nb):
        if "student" in editions and not ex.trainer_only:
            found.append(ex.message(display))
        elif printed:
            found.append(ex.message(display, edition="trainer"))
    return found


_OBJECTIVES = re.compile(r"objectives?|leave able to|you will learn", re.IGNORECASE)


_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*\S)")


def _objectives(markdown: str) -> list[str]:
    lines = markdown.split("\n")
    for i, line in enumerate(lines):
        if _OBJECTIVES.search(line):
            items = []
            for follow in lines[i + 1 :]:
                match = _ITEM.match(follow)
                if match:
                    items.append(re.sub(r"[*_`]", "", match.group(1)))
                elif items and follow.strip():
                    break
            return items
    return []


def _sources_fallback(nb: Any) -> str | None:
    """Sources cited by source id in the notebook, when it has no sources cell."""
    text = json.dumps(nb.get("cells", []))
    try:
        sources = load_sources()
        ids = list(sources["source_id"]) if hasattr(sources, "columns") else list(sources)
        cited = [i for i in ids if isinstance(i, str) and re.search(rf"\b{re.escape(i)}\b", text)]
        if not cited:
            return None
        return _markdown_html(sources_markdown(cited, heading=None))  # the page adds its own
    except Exception:  # a broken sources table is reported by `everycall validate`
        return None
