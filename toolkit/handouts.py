"""Handouts and course packs: student and trainer editions as offline HTML, PDF and notebooks.

``everycall handouts`` and ``make handouts`` call :func:`build`. Each notebook is executed
once (nbclient, trainer mode off, a throw-away answer folder, ``PYTHONHASHSEED=0``, the kernel
on Unix sockets in a private folder rather than TCP, pandas set to print table cells in full)
and both editions come from that one execution through :func:`toolkit.editions.make_edition`.
Then, per edition:

* HTML: one self-contained page (``toolkit._export_html``), checked for external requests and,
  for the student edition, for leaks (solutions, exercise answers, reviewer annotations, and
  trainer notes: those the executed notebook shows and those ``toolkit.notes`` lists); a
  leaking student file is deleted, never shipped;
* PDF: printed by the system Chromium from that page, after axe-core has checked it
  (``toolkit._export_pdf``); the student PDF's text is leak-scanned too;
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
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from toolkit._paths import data_dir, notebooks_dir, repo_root, templates_dir
from toolkit.errors import BrowserNotFoundError, ExportError, Problem

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
ZIP_NAME = "everycall-handouts.zip"
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
    from toolkit.editions import inline_exercises

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
        from toolkit._export_html import _markdown_html

        return _markdown_html(sources_markdown(cited, heading=None))  # the page adds its own
    except Exception:  # a broken sources table is reported by `everycall validate`
        return None


# --- writing -----------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _record(out: Path, path: Path, notebook: str, edition: str, fmt: str) -> HandoutFile:
    data = path.read_bytes()
    return HandoutFile(
        file=path.relative_to(out).as_posix(),
        notebook=notebook,
        edition=edition,
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        bytes=len(data),
    )


_OURS = re.compile(r"everycall(?: |$)")
_KEEP_CLEAR = "choose an empty folder for --out, or remove the manifest if its files may go"


def _previous_files(manifest: Path) -> list[str]:
    """The files an earlier everycall pack listed in ``manifest``, each checked to lie inside
    the pack folder; ``ExportError`` (before anything is removed) for a manifest another tool
    wrote, one that cannot be read, or an entry outside the folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "manifest.json").write_text(
    ...     '{"generator": "everycall 0.1.0", "files": [{"file": "student/a.html"}]}')
    >>> _previous_files(folder / "manifest.json")
    ['student/a.html']
    >>> _ = (folder / "manifest.json").write_text('{"generator": "mkdocs", "files": []}')
    >>> _previous_files(folder / "manifest.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.ExportError: .../manifest.json: this folder holds a manifest that everycall \
did not write (expected "generator": "everycall ..."); choose an empty folder for --out, ...
    """
    try:
        body = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportError(
            f"{manifest}: cannot be read as an everycall manifest ({exc}); {_KEEP_CLEAR}"
        ) from None
    generator = body.get("generator") if isinstance(body, dict) else None
    if not isinstance(generator, str) or not _OURS.match(generator):
        raise ExportError(
            f"{manifest}: this folder holds a manifest that everycall did not write "
            f'(expected "generator": "everycall ..."); {_KEEP_CLEAR}'
        )
    entries = body.get("files")
    listed: list[str] = []
    for number, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
        rel = entry.get("file") if isinstance(entry, dict) else None
        path = PurePosixPath(rel) if isinstance(rel, str) else None
        if (
            path is None
            or not rel.strip()
            or path.is_absolute()
            or PureWindowsPath(rel).drive
            or ".." in path.parts
            or "\\" in rel
        ):
            shown = rel if isinstance(rel, str) else json.dumps(entry)[:80]
            raise ExportError(
                f'{manifest}, file {number}: "{shown}" is not inside the pack folder (expected a '
                'path such as "student/01-reading-a-case-timeline.html"); nothing was removed'
            )
        listed.append(rel)
    return listed


def _clear_previous(out: Path) -> None:
    """Remove the files a previous everycall pack listed, so the pack holds exactly this
    build; a manifest another tool wrote, or one naming a file outside ``out``, stops the
    build before anything is removed or written (see :func:`_previous_files`)."""
    manifest = out / "manifest.json"
    if not manifest.is_file():
        return
    listed = _previous_files(manifest)
    base = out.resolve()
    for rel in [*listed, "index.html", "manifest.json", ZIP_NAME]:
        target = (out / rel).resolve()
        if target.is_relative_to(base) and target.is_file():  # a symlink may point away
            target.unlink()


# --- the build ---------------------------------------------------------------------------


def _answers_dir() -> Path:
    """A fixed, private scratch folder for the kernels' answer store during a build.

    Fixed (not random) because a notebook may print where answers go, and two builds must
    give the same bytes; private to this user, and emptied before and after each build, so
    a build never reads or touches a real learner's answers.
    """
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"everycall-handouts-{uid}" / "answers"


def _kernel_env(answers: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("EVERYCALL_TRAINER", None)  # one execution serves both editions: trainer mode off
    env.update(
        EVERYCALL_LEARNER="handout",
        EVERYCALL_ANSWERS=str(answers),
        EVERYCALL_HANDOUT="1",
        PYTHONHASHSEED="0",
        PLOTLY_RENDERER="plotly_mimetype",
    )
    return env


# Run in the kernel (silently) before the first cell. A printed page has no scroll bar and
# no "show more": pandas' tables show every column and each cell's full text (its default
# cuts a cell at 50 characters with "..."), and up to 200 rows; the handout's CSS wraps them.
_HANDOUT_SETUP = """
try:
    import pandas as _everycall_pd
except ImportError:
    pass
else:
    _everycall_pd.set_option("display.max_colwidth", None)
    _everycall_pd.set_option("display.max_columns", None)
    _everycall_pd.set_option("display.max_rows", 200)
    _everycall_pd.set_option("display.min_rows", 200)
    del _everycall_pd
"""

# A Unix socket's path is limited to about 104 bytes (macOS; 108 on Linux).
_MAX_SOCKET_PATH = 90


def _kernel_transport(folder: Path | None) -> tuple[dict[str, Any], list[str]]:
    """Kernel-manager settings and kernel arguments for one notebook's kernel.

    On POSIX the kernel talks over Unix sockets in ``folder`` (private to this user): no
    TCP port is opened, so ipykernel has no reason to warn that TCP traffic is unencrypted.
    The socket path must be absolute: jupyter_client's default (``kernel-ipc``) is relative,
    and the kernel, started in the notebook's folder, would bind there while the client
    looked in its own working folder, and wait 60 s for a kernel it could not reach.
    Elsewhere (Windows, or a temporary folder with too long a path) the kernel stays on TCP
    and only that warning is silenced (``log_level=ERROR``); a kernel's errors still reach
    the build report as failed cells or a dead kernel.

    Examples
    --------
    >>> config, args = _kernel_transport(Path("/tmp/ec-k1/0"))
    >>> config["KernelManager"]["transport"], config["KernelManager"]["ip"], args
    ('ipc', '/tmp/ec-k1/0/kernel', [])
    >>> _kernel_transport(None)
    ({}, ['--IPKernelApp.log_level=ERROR'])
    """
    if folder is not None and os.name == "posix":
        ip = str(folder / "kernel")
        if len(ip) + 6 <= _MAX_SOCKET_PATH:  # sockets are named <ip>-<n>
            return {"KernelManager": {"transport": "ipc", "ip": ip}}, []
    return {}, ["--IPKernelApp.log_level=ERROR"]


# Run in the kernel after the last cell: the current figure of every live plotly
# FigureWidget. A FigureWidget filled after it was created (add_traces, batch_update) saves
# no data in its widget state, so without this its static rendering would be empty.
_FIGURES_PROBE = """
def _everycall_live_figures():
    import gc, sys
    if "plotly.basewidget" not in sys.modules:
        return "{}"
    from plotly.basewidget import BaseFigureWidget
    from plotly.io.json import to_json_plotly
    found = {}
    for obj in gc.get_objects():
        if isinstance(obj, BaseFigureWidget):
            try:
                found[obj.model_id] = obj.to_plotly_json()
            except Exception:
                pass
    return to_json_plotly(found)
print(_everycall_live_figures())
del _everycall_live_figures
"""


async def _live_figures(client: Any, nb: Any) -> dict[str, Any]:
    import nbformat

    probe = nbformat.v4.new_code_cell(_FIGURES_PROBE)
    nb.cells.append(probe)  # nbclient writes the executed cell back into the notebook
    try:
        await client.async_execute_cell(probe, len(nb.cells) - 1, execution_count=None)
        text = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
        found = json.loads(text or "{}")
    except Exception:  # no figures is the safe answer: the handout shows a placeholder
        return {}
    finally:
        nb.cells.pop()
    return found if isinstance(found, dict) else {}


def _fill_figure_widgets(nb: Any, figures: dict[str, Any]) -> None:
    """Put each FigureWidget's final figure into its saved widget state."""
    widgets = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json")
    state = (widgets or {}).get("state") or {}
    for model_id, figure in figures.items():
        model = state.get(model_id, {}).get("state")
        if isinstance(model, dict) and isinstance(figure, dict):
            model["_widget_data"] = figure.get("data") or []
            model["_widget_layout"] = figure.get("layout") or {}


def _failing_cell(nb: Any) -> str:
    for index, cell in enumerate(nb.cells, start=1):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                first = cell.get("source", "").strip().split("\n", 1)[0][:60]
                return f'cell {index} ("{first}") raised {out.get("ename")}: {out.get("evalue")}'
    return "a cell failed"


class _Builder:
    def __init__(
        self,
        out: Path,
        formats: tuple[str, ...],
        *,
        jobs: int,
        tabs: int,
        renderer: Callable[[str, str], str] | None,
        course_secrets: list[str],
        progress: bool,
        epoch: int | None,
    ) -> None:
        self.out = out
        self.formats = formats
        self.jobs = max(1, jobs)
        self.tabs = max(1, tabs)
        self.renderer = renderer
        self.course_secrets = course_secrets
        self.progress = progress
        self.epoch = epoch
        self.built = time.strftime("%d %B %Y", time.gmtime(epoch)) if epoch is not None else None
        self.session: Any = None
        self.problems: list[Problem] = []
        self.work = out / ".work"
        self.env = _kernel_env(_answers_dir())
        self.sockets: Path | None = None  # set by build(): a private folder for kernel sockets
        self.kernels = 0

    # -- execution

    def _kernel_folder(self) -> Path | None:
        """A new folder for one kernel's sockets (one each: two kernels starting at once
        would otherwise pick the same socket names)."""
        if self.sockets is None:
            return None
        self.kernels += 1
        folder = self.sockets / str(self.kernels)
        folder.mkdir(mode=0o700)
        return folder

    async def _execute(self, nb: Any, path: Path, rep: NotebookReport) -> None:
        from nbclient import NotebookClient
        from traitlets.config import Config

        config, arguments = _kernel_transport(self._kernel_folder())
        client = NotebookClient(
            nb,
            kernel_name="python3",
            timeout=CELL_TIMEOUT,
            resources={"metadata": {"path": str(path.parent.resolve())}},
            store_widget_state=True,
            record_timing=False,
            config=Config(config),
            extra_arguments=arguments,
        )
        async with client.async_setup_kernel(env=self.env):
            reply = await client.async_wait_for_reply(client.kc.kernel_info())
            if reply is not None and "language_info" in reply["content"]:
                nb.metadata["language_info"] = reply["content"]["language_info"]
            setup = await client.async_wait_for_reply(
                client.kc.execute(_HANDOUT_SETUP, silent=True, store_history=False)
            )
            content = (setup or {}).get("content", {})
            if content.get("status") != "ok":
                why = f"{content.get('ename', 'no reply')}: {content.get('evalue', '')}".strip()
                rep.problems.append(
                    Problem(
                        _display_name(path),
                        f"pandas could not be set to print tables in full ({why}); long "
                        'table cells may be cut short with "..."',
                        level="warning",
                    )
                )
            for index, cell in enumerate(nb.cells):
                await client.async_execute_cell(
                    cell, index, execution_count=client.code_cells_executed + 1
                )
            figures = await _live_figures(client, nb)
            client.set_widgets_metadata()
        _fill_figure_widgets(nb, figures)

    # -- one edition

    async def _handout(
        self, rep: NotebookReport, executed: Any, source: Any, edition: str, pins: list[Any]
    ) -> None:
        from toolkit._export_html import has_sources_cell, render_html
        from toolkit.checks import axe_problems, leak_scan, offline_scan, pdf_text
        from toolkit.editions import make_edition

        display = _display_name(rep.source)
        ed = make_edition(
            executed, edition, view="handout", exercise_renderer=self.renderer, name=display
        )
        fallback = None if has_sources_cell(source) else _sources_fallback(source)
        export = render_html(
            ed, edition=edition, name=rep.name, built=self.built, sources_html=fallback
        )
        rep.problems += [Problem(display, w, level="warning") for w in export.warnings]
        keep_html = "html" in self.formats
        folder = (self.out if keep_html else self.work) / edition
        html_path = folder / f"{rep.name}.html"
        rel = f"{edition}/{rep.name}.html"
        _write(html_path, export.html.encode("utf-8"))
        # plotly.js (inlined from the plotly package or the vendored bundle) is neither
        # course text nor a tag that could load anything: the scans skip its body
        ours = export.html.replace(export.plotly_js, "") if export.plotly_js else export.html
        rep.problems += offline_scan(ours, file=rel)
        if edition == "student":
            leaks = leak_scan(ours, pins, file=rel)
            if leaks:
                html_path.unlink()
                rep.problems += leaks
                return
        if keep_html:
            rep.files.append(_record(self.out, html_path, display, edition, "html"))
        if self.session is None:
            if not keep_html:
                html_path.unlink()
            return
        pdf_path = self.out / edition / f"{rep.name}.pdf" if "pdf" in self.formats else None
        page = await self.session.visit(html_path, pdf=pdf_path)
        rep.problems += [p for p in axe_problems(page.violations, file=rel) if p.level == "error"]
        rep.problems += [
            Problem(
                rel, f'tried to load "{url}" in Chromium (blocked); a handout must work offline'
            )
            for url in page.blocked
        ]
        if page.figures_drawn < page.figures:
            rep.problems.append(
                Problem(
                    rel,
                    f"{page.figures - page.figures_drawn} of {page.figures} figures "
                    "did not draw in Chromium",
                )
            )
        if page.figures_named < page.figures_drawn:
            rep.problems.append(
                Problem(
                    rel,
                    f"{page.figures_drawn - page.figures_named} figures have no text "
                    'alternative (role="img" with an aria-label)',
                )
            )
        if not keep_html:
            html_path.unlink()
        if pdf_path is not None and pdf_path.is_file():
            prel = f"{edition}/{rep.name}.pdf"
            if edition == "student":
                leaks = leak_scan(pdf_text(pdf_path), pins, file=prel)
                if leaks:
                    pdf_path.unlink()
                    rep.problems += leaks
                    return
            rep.files.append(_record(self.out, pdf_path, display, edition, "pdf"))

    def _notebook_file(
        self, rep: NotebookReport, source: Any, edition: str, pins: list[Any]
    ) -> None:
        import nbformat

        from toolkit.checks import leak_scan
        from toolkit.editions import make_edition

        display = _display_name(rep.source)
        ed = make_edition(source, edition, view="notebook", name=display)
        text = nbformat.writes(ed) + "\n"
        rel = f"{edition}/{rep.name}.ipynb"
        if edition == "student":
            leaks = leak_scan(text, pins, file=rel)
            if leaks:
                rep.problems += leaks
                return
        path = self.out / rel
        _write(path, text.encode("utf-8"))
        rep.files.append(_record(self.out, path, display, edition, "ipynb"))

    # -- one notebook

    async def _one(self, rep: NotebookReport, slots: asyncio.Semaphore) -> None:
        import copy

        from nbclient.exceptions import CellExecutionError, DeadKernelError

        from toolkit.checks import needles
        from toolkit.editions import secret_texts

        start = time.perf_counter()
        display = _display_name(rep.source)
        try:
            source = _read(rep.source)
            first = source.cells[0].get("source", "") if source.cells else ""
            title = re.search(r"^#\s+(.+)$", first, re.MULTILINE)
            rep.title = title.group(1).strip() if title else rep.name
            rep.objectives = _objectives(first)
            inline = _inline_problems(source, display, rep.editions, self.formats)
            if inline:  # before running anything: the build could only fail or leak
                raise ExportError("\n".join(inline))
            pins = needles(secret_texts(source, name=display) + self.course_secrets)
            executed = source
            if {"html", "pdf"} & set(self.formats):
                executed = copy.deepcopy(source)
                async with slots:
                    t = time.perf_counter()
                    try:
                        await self._execute(executed, rep.source, rep)
                    except CellExecutionError:
                        raise ExportError(f"{display}: {_failing_cell(executed)}") from None
                    except DeadKernelError as exc:
                        raise ExportError(f"{display}: the kernel died ({exc})") from None
                    except TimeoutError:
                        raise ExportError(
                            f"{display}: a cell ran longer than {CELL_TIMEOUT} s"
                        ) from None
                    rep.execute_seconds = time.perf_counter() - t
                # the executed notebook adds its trainer notes' text (toolkit.trainer_note)
                pins = needles(secret_texts(executed, name=display) + self.course_secrets)
            for edition in rep.editions:
                if {"html", "pdf"} & set(self.formats):
                    await self._handout(rep, executed, source, edition, pins)
                if "ipynb" in self.formats:
                    self._notebook_file(rep, source, edition, pins)
        except ExportError as exc:
            rep.error = str(exc)
        except Exception as exc:  # one broken notebook must not stop the others
            rep.error = f"{display}: {type(exc).__name__}: {exc}"
        rep.seconds = time.perf_counter() - start
        self._say(rep)

    def _say(self, rep: NotebookReport) -> None:
        if not self.progress:
            return
        status = "ok" if rep.ok else "FAIL"
        run = f"run {rep.execute_seconds:.1f} s, " if rep.execute_seconds else ""
        print(
            f"{status:>4}  {rep.name:<34} {rep.seconds:6.1f} s  ({run}{len(rep.files)} files)",
            flush=True,
        )
        if rep.error:
            print(f"      {rep.error}", flush=True)
        for problem in rep.problems:
            print(f"      {problem}", flush=True)

    async def run(self, reports: list[NotebookReport]) -> None:
        from toolkit._export_pdf import BrowserSession

        slots = asyncio.Semaphore(self.jobs)
        # biggest notebooks first, so the last to finish is a small one
        order = sorted(reports, key=lambda r: -r.source.stat().st_size)
        tasks = [self._one(r, slots) for r in order]
        if {"html", "pdf"} & set(self.formats):
            try:
                async with BrowserSession(tabs=self.tabs, epoch=self.epoch) as session:
                    self.session = session
                    await asyncio.gather(*tasks)
                    await self._index(reports)
                    return
            except BrowserNotFoundError as exc:
                self.problems.append(
                    Problem("handouts", f"PDFs and accessibility checks not done: {exc}")
                )
        await asyncio.gather(*tasks)
        await self._index(reports)

    # -- the pack

    async def _index(self, reports: list[NotebookReport]) -> None:
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        from toolkit import __version__
        from toolkit.checks import axe_problems, offline_scan

        env = Environment(
            loader=FileSystemLoader(str(templates_dir() / "everycall_pack")),
            autoescape=select_autoescape(default=True),
            keep_trailing_newline=True,
        )
        rows = []
        for r in reports:
            links = {(f.edition, f.format): f.file for f in r.files}
            rows.append({"report": r, "links": links})
        css = (templates_dir() / "everycall" / "static" / "handout.css").read_text("utf-8")
        page = env.get_template("index.html.j2").render(
            rows=rows, css=css, version=__version__, built=self.built
        )
        path = self.out / "index.html"
        _write(path, page.encode("utf-8"))
        self.problems += offline_scan(page, file="index.html")
        if self.session is not None:
            visit = await self.session.visit(path, pdf=None)
            self.problems += [
                p for p in axe_problems(visit.violations, file="index.html") if p.level == "error"
            ]


def _manifest(files: list[HandoutFile], epoch: int | None) -> bytes:
    from toolkit import __version__

    body = {
        "course": "Every Call",
        "generator": f"everycall {__version__}",
        "source_date_epoch": epoch,
        "files": [vars(f) for f in sorted(files, key=lambda f: f.file)],
    }
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _zip(out: Path, names: Iterable[str], epoch: int | None) -> Path:
    """A zip of the pack with sorted entries and fixed times (reproducible)."""
    stamp = time.gmtime(max(epoch if epoch is not None else 315532800, 315532800))
    date_time = stamp[:6]
    target = out / ZIP_NAME
    tmp = target.with_name(target.name + ".part")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name in sorted(set(names)):
            info = zipfile.ZipInfo(f"everycall-handouts/{name}", date_time=date_time)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (out / name).read_bytes(), compresslevel=1)
    os.replace(tmp, target)
    return target


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
