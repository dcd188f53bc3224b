"""Handouts and course packs: student and trainer editions as offline HTML, PDF and notebooks.

``everycall handouts`` and ``make handouts`` call :func:`build`. Each notebook is executed
once (nbclient, trainer mode off, a throw-away answer folder, ``PYTHONHASHSEED=0``, the kernel
on Unix sockets in a private folder rather than TCP, pandas set to print table cells in full)
and both editions come from that one execution through :func:`toolkit.handouts.editions.make_edition`.
Then, per edition:

* HTML: one self-contained page (``toolkit.handouts.html``), checked for external requests and,
  for the student edition, for leaks (solutions, exercise answers, reviewer annotations, and
  trainer notes: those the executed notebook shows and those ``toolkit.notes`` lists); a
  leaking student file is deleted, never shipped;
* PDF: printed by the system Chromium from that page, after axe-core has checked it
  (``toolkit.handouts.pdf``); the student PDF's text is leak-scanned too;
* ``ipynb`` (on request): the live notebook for learners (for a JupyterHub or nbgitpuller),
  made from the unexecuted source with ``view="notebook"``.

A notebook that defines an exercise inline (``toolkit.exercises.single_choice(...)`` in a
cell) fails before it runs, with a message naming the cell: its answers are in the source,
and its definition exists only in the kernel (exercises belong in ``data/exercises/``).

The pack (``build/handouts/``): ``student/`` and ``trainer/`` folders, ``index.html`` (the
course map), ``manifest.json`` (file, edition, format, SHA-256) and ``everycall-handouts.zip``.
The same inputs give the same bytes: no clock time appears anywhere unless
``SOURCE_DATE_EPOCH`` is set. Notebooks under ``notebooks/trainer/`` go to the trainer
edition only.

This module holds the plan of a build: the records it reports, its inputs and
:func:`build`. How a build runs (kernels, the builder that renders and checks each edition)
is in ``toolkit.handouts.run``; how the pack is written (files, manifest, zip, clearing a
previous pack) is in ``toolkit.handouts.pack``.

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

import asyncio
import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# re-exported, so ``toolkit.handouts.ZIP_NAME`` still names the pack's zip
from toolkit.handouts.pack import ZIP_NAME as ZIP_NAME
from toolkit.handouts.pack import _clear_previous, _manifest, _write, _zip
from toolkit.core.paths import data_dir, notebooks_dir, repo_root
from toolkit.errors import ExportError, Problem

__all__ = [
    "DEFAULT_OUT",
    "BuildResult",
    "HandoutFile",
    "NotebookReport",
    "build",
    "course_notebooks",
    "plan_editions",
    "plan_formats",
]

DEFAULT_OUT = Path("build/handouts")
CELL_TIMEOUT = 600  # seconds; a cell slower than this is a bug, not a slow machine
_FORMATS = {
    "html": ("html",),
    "pdf": ("pdf",),
    "ipynb": ("ipynb",),
    "both": ("html", "pdf"),
    "all": ("html", "pdf", "ipynb"),
}
_EDITIONS = {"student": ("student",), "trainer": ("trainer",), "both": ("student", "trainer")}


def plan_formats(fmt: str) -> tuple[str, ...]:
    """The file formats a ``--format`` value asks for."""
    if fmt not in _FORMATS:
        raise ExportError(f'format "{fmt}" is not known; expected one of: {", ".join(_FORMATS)}')
    return _FORMATS[fmt]


def plan_editions(edition: str, *, trainer_only: bool = False) -> tuple[str, ...]:
    """The editions to build for one notebook (trainer-only notebooks get no student copy)."""
    if edition not in _EDITIONS:
        raise ExportError(
            f'edition "{edition}" is not known; expected one of: {", ".join(_EDITIONS)}'
        )
    chosen = _EDITIONS[edition]
    return tuple(e for e in chosen if e == "trainer") if trainer_only else chosen


@dataclass(frozen=True)
class HandoutFile:
    """One file in the pack; ``file`` is relative to the pack folder."""

    file: str
    notebook: str
    edition: str
    format: str
    sha256: str
    bytes: int


@dataclass
class NotebookReport:
    """How one notebook's handouts went."""

    source: Path
    name: str
    title: str = ""
    objectives: list[str] = field(default_factory=list)
    editions: tuple[str, ...] = ()
    seconds: float = 0.0
    execute_seconds: float = 0.0
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


# --- inputs ------------------------------------------------------------------------------


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


def _course_secrets() -> tuple[list[str], list[str]]:
    """Exercise answers and reviewer annotations; plus notes on anything not scanned."""
    notes: list[str] = []
    secrets: list[str] = []
    try:
        from toolkit.exercises import secret_texts
    except ImportError:
        notes.append("exercise definitions not scanned: toolkit.exercises is not available")
    else:
        secrets += secret_texts()
    try:  # trainer notes shown with toolkit.trainer_note("id") (toolkit/notes.py), if present
        from toolkit.notes import secret_texts as note_texts
    except ImportError:
        pass
    else:
        secrets += note_texts()
    import csv

    for path in sorted((data_dir() / "cases").glob("*/annotations.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                secrets += [v for k, v in row.items() if k in ("explanation",) and v]
    return secrets, notes


def _inline_problems(
    nb: Any, display: str, editions: Sequence[str], formats: Sequence[str]
) -> list[str]:
    """Why a notebook with inline exercises cannot be built, one line per exercise.

    An inline exercise (``toolkit.exercises.single_choice(...)`` in a cell) carries its
    answers in the cell's source, and its definition exists only in the kernel that ran it:
    a student edition would ship the answers, and a printed handout cannot render it.
    """
    from toolkit.handouts.editions import inline_exercises

    printed = bool({"html", "pdf"} & set(formats))
    found = []
    for ex in inline_exercises(nb):
        if "student" in editions and not ex.trainer_only:
            found.append(ex.message(display))
        elif printed:
            found.append(ex.message(display, edition="trainer"))
    return found


# --- objectives and sources for the course map ------------------------------------------

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
    try:
        from toolkit.data import load_sources, sources_markdown
    except ImportError:
        return None
    text = json.dumps(nb.get("cells", []))
    try:
        sources = load_sources()
        ids = list(sources["source_id"]) if hasattr(sources, "columns") else list(sources)
        cited = [i for i in ids if isinstance(i, str) and re.search(rf"\b{re.escape(i)}\b", text)]
        if not cited:
            return None
        from toolkit.handouts.html import _markdown_html

        return _markdown_html(sources_markdown(cited, heading=None))  # the page adds its own
    except Exception:  # a broken sources table is reported by `everycall validate`
        return None


# --- the build ---------------------------------------------------------------------------


def _run_async(make: Callable[[], Any]) -> None:
    """Run a coroutine to the end, also from inside a running event loop (Jupyter, a
    Playwright sync session): then in a thread of its own with a fresh loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(make())
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(make())).result()


@contextlib.contextmanager
def _one_build_at_a_time(folder: Path, *, progress: bool) -> Iterator[None]:
    """Hold this user's handouts lock: builds share one scratch answers folder (fixed, so
    two builds give the same bytes), so a second build waits for the first instead of
    emptying that folder under it. Where there is no ``fcntl`` (Windows), builds are not
    serialised."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "build.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if progress:
                print("Waiting for another handouts build by this user to finish ...")
                sys.stdout.flush()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(
    notebooks: Sequence[Path | str] | None = None,
    *,
    edition: str = "both",
    fmt: str = "both",
    out: Path | str = DEFAULT_OUT,
    jobs: int | None = None,
    tabs: int | None = None,
    exercise_renderer: Callable[[str, str], str] | None = None,
    extra_secrets: Iterable[str] = (),
    progress: bool = True,
) -> BuildResult:
    """Build handouts (and the course pack) for ``notebooks``, or for the whole course.

    Parameters
    ----------
    notebooks : list of paths, optional
        Notebooks to build; None builds every notebook under ``notebooks/`` (those under
        ``notebooks/trainer/`` get the trainer edition only).
    edition : {"both", "student", "trainer"}, keyword-only
    fmt : {"both", "html", "pdf", "ipynb", "all"}, keyword-only
        ``both`` is HTML and PDF; ``all`` adds the student/trainer ``.ipynb`` for a hub.
    out : path, keyword-only
        The pack folder (default ``build/handouts``). Files a previous everycall pack listed
        in its ``manifest.json`` are removed first, so the pack holds exactly this build; a
        folder whose ``manifest.json`` another tool wrote is refused, untouched.
    jobs : int, keyword-only
        Notebooks executed at once (default 2: one kernel per core on a 2-core machine).
    tabs : int, keyword-only
        Chromium pages checked and printed at once (default 2).
    exercise_renderer : callable, keyword-only
        ``render(exercise_id, edition) -> html``; default ``toolkit.exercises.render_printed``.
    extra_secrets : iterable of str, keyword-only
        More texts the student edition must not contain (added to the leak scan).
    progress : bool, keyword-only
        Print one line per notebook as it finishes.

    Returns
    -------
    BuildResult
        ``ok`` is False if any notebook failed or any check found a problem.

    Raises
    ------
    ExportError
        Bad arguments (unknown edition or format, a missing notebook, a bad
        ``SOURCE_DATE_EPOCH``, an ``out`` folder holding another tool's manifest or a
        manifest naming files outside it), before anything is written.

    Examples
    --------
    >>> build(["no/such.ipynb"], progress=False)
    Traceback (most recent call last):
    ...
    toolkit.errors.ExportError: no/such.ipynb: no such notebook
    """
    # the builder needs the records and inputs above, so it is imported here, not at the top
    from toolkit.handouts.run import _answers_dir, _Builder

    started = time.perf_counter()
    formats = plan_formats(fmt)
    plan_editions(edition)
    epoch = _epoch()
    paths = [Path(p) for p in notebooks] if notebooks else course_notebooks()
    for p in paths:
        if not p.is_file():
            raise ExportError(f"{p}: no such notebook")
        if p.suffix != ".ipynb":
            raise ExportError(f"{p}: not a notebook (expected a .ipynb file)")
    stems = [p.stem for p in paths]
    dupes = sorted({s for s in stems if stems.count(s) > 1})
    if dupes:
        raise ExportError(f"two notebooks share a name ({', '.join(dupes)}); rename one")
    reports = []
    for p in paths:
        eds = plan_editions(edition, trainer_only=_is_trainer_only(p))
        if eds:
            reports.append(NotebookReport(source=p, name=p.stem, editions=eds))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _clear_previous(out)
    secrets, notes = _course_secrets()
    builder = _Builder(
        out,
        formats,
        jobs=jobs or 2,
        tabs=tabs or 2,
        renderer=exercise_renderer,
        course_secrets=secrets + list(extra_secrets),
        progress=progress,
        epoch=epoch,
    )
    answers = _answers_dir()
    with _one_build_at_a_time(answers.parent, progress=progress):
        shutil.rmtree(answers, ignore_errors=True)
        answers.mkdir(parents=True, exist_ok=True)
        # mkdtemp: readable by this user only, and its own for each build running at once
        builder.sockets = Path(tempfile.mkdtemp(prefix="ec-k"))
        try:
            _run_async(lambda: builder.run(reports))
        finally:
            shutil.rmtree(answers, ignore_errors=True)
            shutil.rmtree(builder.work, ignore_errors=True)
            shutil.rmtree(builder.sockets, ignore_errors=True)
    files = sorted((f for r in reports for f in r.files), key=lambda f: f.file)
    manifest = out / "manifest.json"
    _write(manifest, _manifest(files, epoch))
    result = BuildResult(out=out, notebooks=reports, problems=builder.problems, files=files)
    result.problems += [Problem("handouts", n, level="warning") for n in notes]
    result.zip = _zip(out, [f.file for f in files] + ["index.html", "manifest.json"], epoch)
    result.seconds = time.perf_counter() - started
    if progress:  # each notebook's problems were printed as it finished
        print(result.summary().split("\n")[0])
        for problem in result.problems:
            print(problem)
        print(f"Pack: {result.zip}" if result.ok else "Some handouts failed: see above.")
        sys.stdout.flush()
    return result
