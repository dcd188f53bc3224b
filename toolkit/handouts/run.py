"""Running a handout build: the kernel's environment and transport, and the builder.

:func:`toolkit.handouts.build` checks its arguments, clears the pack folder and then hands the
notebooks to :class:`_Builder` here. The builder executes each notebook once in its own kernel
(nbclient, on Unix sockets in a private folder, with the handout environment of
:func:`_kernel_env`), renders each edition (``toolkit.handouts.editions``,
``toolkit.handouts.html``), has Chromium check and print it (``toolkit.handouts.pdf``), scans it
(``toolkit.handouts.scans``) and writes the course map.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from toolkit import __version__
from toolkit.errors import BrowserNotFoundError, ExportError, Problem, ToolkitError
from toolkit.exercises import Edition
from toolkit.handouts.cache import Cache, cache_key, notebook_inputs
from toolkit.handouts.editions import (
    kept_output_cells,
    kept_outputs,
    make_edition,
    notebook_secrets,
    student_run_notebook,
)
from toolkit.handouts.html import TEMPLATES, has_sources_cell, render_html
from toolkit.handouts.pack import HandoutFile, _write
from toolkit.handouts.pdf import BrowserSession
from toolkit.handouts.plan import (
    CELL_TIMEOUT,
    NotebookReport,
    _display_name,
    _inline_problems,
    _is_trainer_only,
    _objectives,
    _read,
    _sources_fallback,
    course_notebooks,
)
from toolkit.handouts.scans import (
    axe_problems,
    leak_scan,
    needles,
    offline_scan,
    pdf_text,
    solution_output_leaks,
)


def _record(out: Path, path: Path, notebook: str, edition: Edition, fmt: str) -> HandoutFile:
    """The manifest entry of a file the builder wrote: where it is in the pack, its hash."""
    data = path.read_bytes()
    return HandoutFile(
        file=path.relative_to(out).as_posix(),
        notebook=notebook,
        edition=edition,
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        bytes=len(data),
    )


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
    env.pop("EVERYCALL_COHORT_URL", None)  # a handout kernel never sends to a live debrief
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


#: Seconds the figures probe may take. It reads objects already in memory (well under a
#: second); waiting the cells' 600 s for a reply that never comes stalled whole builds.
PROBE_TIMEOUT = 60


#: Seconds to wait for the reply to a request made before the first cell (the kernel's
#: info, the pandas settings), and how often to ask: each is answered in milliseconds.
REPLY_TIMEOUT = 30
REPLY_TRIES = 3


async def _reply(client: Any, send: Any) -> Any:
    """The reply to ``send()`` (a request on the shell channel), asked up to
    :data:`REPLY_TRIES` times with :data:`REPLY_TIMEOUT` each; None if none came.

    nbclient waits the cells' timeout (600 s) for a reply and then returns None. Test builds
    sat idle for exactly that long a few times, with the kernel idle and the build's event
    loop waiting on nothing else: a request or its reply lost. Both requests here can be
    made again without harm."""
    saved, client.timeout = client.timeout, REPLY_TIMEOUT
    try:
        for _ in range(REPLY_TRIES):
            reply = await client.async_wait_for_reply(send())
            if reply is not None:
                return reply
        return None
    finally:
        client.timeout = saved


async def _live_figures(client: Any, nb: Any, *, attempts: int = 2) -> tuple[dict[str, Any], str]:
    """Every live FigureWidget's figure after the last cell, and "" or why it could not be read.

    The probe is asked up to ``attempts`` times, each with :data:`PROBE_TIMEOUT`. Builds under
    test twice waited the full cell timeout (600 s) here with the kernel idle: a reply lost,
    and the empty answer then went unnoticed. Now a lost reply costs a minute, is asked
    again, and a last failure is returned for the build to report.
    """
    import nbformat

    why = ""
    for _ in range(attempts):
        probe = nbformat.v4.new_code_cell(_FIGURES_PROBE)
        nb.cells.append(probe)  # nbclient writes the executed cell back into the notebook
        saved, client.timeout = client.timeout, PROBE_TIMEOUT
        try:
            await client.async_execute_cell(probe, len(nb.cells) - 1, execution_count=None)
            text = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
            found = json.loads(text or "{}")
        except Exception as exc:  # asked again; then the build says so
            why = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
            continue
        finally:
            nb.cells.pop()
            client.timeout = saved
        return (found if isinstance(found, dict) else {}), ""
    return {}, why or "no answer"


def _fill_figure_widgets(nb: Any, figures: dict[str, Any]) -> None:
    """Put each FigureWidget's final figure into its saved widget state."""
    widgets = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json")
    state = (widgets or {}).get("state") or {}
    for model_id, figure in figures.items():
        model = state.get(model_id, {}).get("state")
        if isinstance(model, dict) and isinstance(figure, dict):
            model["_widget_data"] = figure.get("data") or []
            model["_widget_layout"] = figure.get("layout") or {}


#: The phases of a build, in the order a notebook goes through them.
PHASES = ("kernel start", "execution", "html", "browser load", "axe", "pdf", "scans", "pack")


def _page_for_chromium(document: str, plotly_js: str, handout: Path, work: Path) -> Path | None:
    """The page Chromium checks and prints, when it is not the handout file itself: the same
    bytes, in the same folder (so relative links resolve alike), except that plotly.js is
    loaded from one file in the build's work folder instead of inline. Chromium compiles a
    script file once and reuses the code in every page that loads the same file, where an
    inline copy is compiled again on every page (benchmarks/README.md has the figures). None
    when the page has no plotly.js."""
    inline = f"<script>{plotly_js}</script>"
    if not plotly_js or inline not in document:
        return None
    digest = hashlib.sha256(plotly_js.encode("utf-8")).hexdigest()[:16]
    script = (work / f"plotly-{digest}.js").resolve()
    if not script.is_file():
        _write(script, plotly_js.encode("utf-8"))
    page = handout.with_name(f".{handout.stem}.chromium.html")
    shared = f'<script src="{script.as_uri()}"></script>'
    _write(page, document.replace(inline, shared, 1).encode("utf-8"))
    return page


def _mark_updatable(client: Any, nb: Any) -> None:
    """Mark each output a later cell could replace through its display id
    (``display(..., display_id=True)`` then ``handle.update(...)``): in a notebook with
    solutions, the student edition must not show it (see ``editions._changeable``)."""
    for places in getattr(client, "_display_id_map", {}).values():
        for cell_index, output_indices in places.items():
            outputs = nb.cells[cell_index].get("outputs", [])
            for i in output_indices:
                if i < len(outputs):
                    meta = outputs[i].setdefault("metadata", {})
                    meta.setdefault("everycall", {})["display_id"] = True


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
        cache: Cache | None = None,
        shared: dict[str, Any] | None = None,
    ) -> None:
        self.out = out
        self.cache = cache
        self.shared = shared  # the key's parts every notebook shares (cache.shared_inputs)
        self.keys: dict[str, str] = {}
        self.scratch: list[Path] = []  # temporary folders the build removes when it ends
        self.formats = formats
        self.jobs = max(1, jobs)
        self.tabs = max(1, tabs)
        self.renderer = renderer
        self.course_secrets = course_secrets
        self.progress = progress
        self.epoch = epoch
        self.built = time.strftime("%d %B %Y", time.gmtime(epoch)) if epoch is not None else None
        self.session: Any = None
        self._launch: asyncio.Future[BrowserSession | None] | None = None
        self.problems: list[Problem] = []
        self.work = out / ".work"
        self.env = _kernel_env(_answers_dir())
        self.sockets: Path | None = None  # set by build(): a private folder for kernel sockets
        self.kernels = 0
        #: seconds spent in each phase, summed over notebooks (they overlap in time: two
        #: kernels and two Chromium tabs run at once), for the benchmark's breakdown
        self.phases: dict[str, float] = dict.fromkeys(PHASES, 0.0)

    @contextlib.contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phases[phase] = self.phases.get(phase, 0.0) + time.perf_counter() - start

    # -- the cache

    def _from_cache(self, rep: NotebookReport) -> bool:
        """Restore a notebook whose inputs are unchanged from the cache; False if it must be
        built (no cache, a changed input, or a damaged entry, which is removed)."""
        if self.cache is None or self.shared is None:
            return False
        try:
            notebook = notebook_inputs(
                rep.source,
                _display_name(rep.source),
                rep.editions,
                skip=(self.out, self.cache.folder),
            )
        except OSError:  # reported when the notebook is read for building
            return False
        key = self.keys[rep.name] = cache_key(notebook, self.shared)
        entry = self.cache.load(rep.name, key)
        if entry is None:
            return False
        start = time.perf_counter()
        try:
            problems = [Problem(**p) for p in entry.report["problems"]]
            files = [HandoutFile(**f) for f in entry.files]
            title, objectives = str(entry.report["title"]), list(entry.report["objectives"])
            self.cache.restore(entry, self.out)
        except (OSError, KeyError, TypeError, ValueError) as exc:
            self.cache.discard(rep.name, key, str(exc))
            return False
        rep.title, rep.objectives, rep.problems, rep.files = title, objectives, problems, files
        rep.cached = True
        rep.seconds = time.perf_counter() - start
        self._say(rep)
        return True

    def _to_cache(self, rep: NotebookReport) -> None:
        """Keep a notebook that built without error (and was checked in Chromium, where
        the formats need it), for the next build."""
        key = self.keys.get(rep.name)
        if self.cache is None or key is None or not rep.ok:
            return
        if {"html", "pdf"} & set(self.formats) and self.session is None:
            return
        report = {
            "title": rep.title,
            "objectives": rep.objectives,
            "problems": [vars(p) for p in rep.problems],
        }
        try:
            self.cache.store(rep.name, key, self.out, [vars(f) for f in rep.files], report)
        except OSError as exc:  # the pack is fine; only the next build will be slower
            self.problems.append(
                Problem(str(self.cache.folder), f"not cached ({exc})", level="warning")
            )

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

    async def _execute(
        self, nb: Any, path: Path, rep: NotebookReport, *, env: dict[str, str] | None = None
    ) -> None:
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
            shutdown_kernel="immediate",  # outputs are in; a graceful stop costs ~0.8 s
            config=Config(config),
            extra_arguments=arguments,
        )
        started = time.perf_counter()
        async with client.async_setup_kernel(env=env or self.env):
            assert client.kc is not None  # set up by async_setup_kernel
            kc = client.kc
            reply = await _reply(client, kc.kernel_info)
            if reply is not None and "language_info" in reply["content"]:
                nb.metadata["language_info"] = reply["content"]["language_info"]
            setup = await _reply(
                client, lambda: kc.execute(_HANDOUT_SETUP, silent=True, store_history=False)
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
            rep.kernel_seconds = time.perf_counter() - started
            self.phases["kernel start"] += rep.kernel_seconds
            started = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                await client.async_execute_cell(
                    cell, index, execution_count=client.code_cells_executed + 1
                )
            figures, why = await _live_figures(client, nb)
            if why:
                rep.problems.append(
                    Problem(
                        _display_name(path),
                        f"the figures could not be read from the kernel after the last cell "
                        f"({why}); a figure filled in after it was made prints empty",
                        level="warning",
                    )
                )
            client.set_widgets_metadata()
            _mark_updatable(client, nb)
            self.phases["execution"] += time.perf_counter() - started
        _fill_figure_widgets(nb, figures)

    def _snapshot(self, rep: NotebookReport, source: Any) -> Path | None:
        """A copy of the notebook's folder taken before the trainer run, when the student
        edition will run on its own (:meth:`_student_run`): the student run starts there, so
        it cannot read a file a solution wrote in the trainer run."""
        if "student" not in rep.editions or not kept_output_cells(source):
            return None
        folder = Path(tempfile.mkdtemp(prefix="ec-student-run-"))
        self.scratch.append(folder)  # removed at the end of the build, whatever happens
        skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", ".cache", ".work")
        shutil.copytree(rep.source.parent, folder / "notebook", ignore=skip)
        return folder

    async def _student_run(
        self,
        rep: NotebookReport,
        source: Any,
        executed: Any,
        slots: asyncio.Semaphore,
        snapshot: Path,
    ) -> Any:
        """The student edition executed on its own, in ``snapshot`` (:meth:`_snapshot`) with
        an answers folder of its own, when a cell asks to keep its outputs after a solution
        (``keep-output``); so a notebook without such a cell (the course's own) runs once.
        Warns, naming each kept cell that must lose its outputs (see
        ``toolkit.handouts.editions.kept_outputs`` for why a second run)."""
        from nbclient.exceptions import CellExecutionError, DeadKernelError

        display = _display_name(rep.source)
        run: Any = student_run_notebook(source, name=display)
        env = dict(self.env, EVERYCALL_ANSWERS=str(snapshot / "answers"))
        try:
            async with slots:
                await self._execute(run, snapshot / "notebook" / rep.source.name, rep, env=env)
        except (CellExecutionError, DeadKernelError, TimeoutError):
            run = None  # nothing shown independent: every kept cell's outputs are cleared
        warnings = kept_outputs(executed, run, name=display)[1]
        # each warning names the notebook already: the problem's file is not repeated
        rep.problems += [
            Problem(display, w.removeprefix(f"{display}, "), level="warning") for w in warnings
        ]
        return run

    # -- one edition

    async def _handout(
        self,
        rep: NotebookReport,
        executed: Any,
        source: Any,
        edition: Edition,
        pins: list[Any],
        *,
        student_run: Any = None,
    ) -> None:

        display = _display_name(rep.source)
        with self.timed("html"):
            ed = make_edition(
                executed,
                edition,
                view="handout",
                exercise_renderer=self.renderer,
                name=display,
                student_run=student_run,
            )
        with self.timed("scans"):  # before render_html changes ed in place
            shaped = (
                solution_output_leaks(
                    executed, ed, file=f"{edition}/{rep.name}.html", student_run=student_run
                )
                if edition == "student"
                else []
            )
        with self.timed("html"):
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
        with self.timed("scans"):
            # plotly.js (inlined from the plotly package or the vendored bundle) is neither
            # course text nor a tag that could load anything: the scans skip its body
            ours = export.html.replace(export.plotly_js, "") if export.plotly_js else export.html
            rep.problems += offline_scan(ours, file=rel)
            leaks = leak_scan(ours, pins, file=rel) + shaped if edition == "student" else []
        if leaks:
            html_path.unlink()
            rep.problems += leaks
            return
        if keep_html:
            rep.files.append(_record(self.out, html_path, display, edition, "html"))
        session = await self._browser()
        if session is None:
            if not keep_html:
                html_path.unlink()
            return
        pdf_path = self.out / edition / f"{rep.name}.pdf" if "pdf" in self.formats else None
        if pdf_path is not None:  # with --format pdf alone, nothing else made this folder
            pdf_path.parent.mkdir(parents=True, exist_ok=True)
        shown = _page_for_chromium(export.html, export.plotly_js, html_path, self.work)
        try:
            page = await session.visit(shown or html_path, pdf=pdf_path)
        finally:
            if shown is not None:
                shown.unlink(missing_ok=True)
        self.phases["browser load"] += page.load_seconds
        self.phases["axe"] += page.axe_seconds
        self.phases["pdf"] += page.pdf_seconds
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
                with self.timed("scans"):
                    leaks = leak_scan(pdf_text(pdf_path), pins, file=prel)
                if leaks:
                    pdf_path.unlink()
                    rep.problems += leaks
                    return
            rep.files.append(_record(self.out, pdf_path, display, edition, "pdf"))

    def _notebook_file(
        self, rep: NotebookReport, source: Any, edition: Edition, pins: list[Any]
    ) -> None:
        import nbformat

        display = _display_name(rep.source)
        ed = make_edition(source, edition, view="notebook", name=display)
        text = nbformat.writes(ed) + "\n"
        rel = f"{edition}/{rep.name}.ipynb"
        if edition == "student":
            leaks = leak_scan(text, pins, file=rel) + solution_output_leaks(source, ed, file=rel)
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
            pins = needles(notebook_secrets(source, name=display) + self.course_secrets)
            executed = source
            student_run = None
            if {"html", "pdf"} & set(self.formats):
                snapshot = self._snapshot(rep, source)
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
                pins = needles(notebook_secrets(executed, name=display) + self.course_secrets)
                if snapshot is not None:
                    try:
                        student_run = await self._student_run(
                            rep, source, executed, slots, snapshot
                        )
                    finally:
                        shutil.rmtree(snapshot, ignore_errors=True)
            if {"html", "pdf"} & set(self.formats):  # both editions in Chromium at once
                done = await asyncio.gather(
                    *(
                        self._handout(rep, executed, source, e, pins, student_run=student_run)
                        for e in rep.editions
                    ),
                    return_exceptions=True,  # both finish before the notebook is reported
                )
                for outcome in done:
                    if isinstance(outcome, BaseException):
                        raise outcome
            if "ipynb" in self.formats:
                for edition in rep.editions:
                    self._notebook_file(rep, source, edition, pins)
            self._to_cache(rep)
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
        run = "unchanged, from the cache, " if rep.cached else run
        print(
            f"{status:>4}  {rep.name:<34} {rep.seconds:6.1f} s  ({run}{len(rep.files)} files)",
            flush=True,
        )
        if rep.error:
            print(f"      {rep.error}", flush=True)
        for problem in rep.problems:
            print(f"      {problem}", flush=True)

    async def run(self, reports: list[NotebookReport]) -> None:

        pending = [r for r in reports if not self._from_cache(r)]
        slots = asyncio.Semaphore(self.jobs)
        # biggest notebooks first, so the last to finish is a small one
        order = sorted(pending, key=lambda r: -r.source.stat().st_size)
        if pending and {"html", "pdf"} & set(self.formats):
            # Chromium starts while the first kernels run; a handout waits for it (_browser)
            self._launch = asyncio.ensure_future(self._open_browser())
        try:
            await asyncio.gather(*(self._one(r, slots) for r in order))
            await self._browser()
            with self.timed("pack"):
                await self._index(reports)
        finally:
            if self._launch is not None and not self._launch.done():
                self._launch.cancel()
            if self.session is not None:
                await self.session.__aexit__(None, None, None)

    async def _open_browser(self) -> BrowserSession | None:
        session = BrowserSession(tabs=self.tabs, epoch=self.epoch)
        try:
            await session.__aenter__()
        except BrowserNotFoundError as exc:
            self.problems.append(
                Problem("handouts", f"PDFs and accessibility checks not done: {exc}")
            )
            return None
        self.session = session
        return session

    async def _browser(self) -> BrowserSession | None:
        """The build's Chromium once it has started, or None (not needed, or not found)."""
        return await self._launch if self._launch is not None else None

    # -- the pack

    async def _index(self, reports: list[NotebookReport]) -> None:
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        env = Environment(
            loader=FileSystemLoader(str(TEMPLATES / "everycall_pack")),
            autoescape=select_autoescape(default=True),
            keep_trailing_newline=True,
        )

        rows = []
        for r in reports:
            links = {(f.edition, f.format): f.file for f in r.files}
            rows.append({"report": r, "links": links, "trainer_only": _is_trainer_only(r.source)})
        try:  # a pack of some notebooks says so, instead of claiming the whole course
            course = {p.resolve() for p in course_notebooks()}
            whole = course <= {r.source.resolve() for r in reports}
        except ToolkitError:
            whole = False
        css = (TEMPLATES / "everycall" / "static" / "handout.css").read_text("utf-8")
        page = env.get_template("index.html.j2").render(
            rows=rows, css=css, version=__version__, built=self.built, whole=whole
        )
        path = self.out / "index.html"
        _write(path, page.encode("utf-8"))
        self.problems += offline_scan(page, file="index.html")
        if not {"html", "pdf"} & set(self.formats):
            return
        # the page's bytes, and the toolkit (axe-core and its rules) and Chromium that check it
        page_sha = hashlib.sha256(page.encode("utf-8")).hexdigest()
        sha = cache_key({"index": page_sha}, self.shared or {})
        violations = self.cache.load_index(sha) if self.cache is not None else None
        if violations is None:
            violations = await self._index_violations(path)
            if violations is not None and self.cache is not None:
                self.cache.store_index(sha, violations)
        self.problems += [
            p for p in axe_problems(violations or [], file="index.html") if p.level == "error"
        ]

    async def _index_violations(self, path: Path) -> list[dict[str, Any]] | None:
        """axe-core's findings on the course map, in the build's Chromium or, when every
        notebook came from the cache and none was started, in one of its own."""
        if self.session is not None:
            return (await self.session.visit(path, pdf=None)).violations
        if self._launch is not None:  # the build's Chromium was not found: said once already
            return None
        try:
            async with BrowserSession(tabs=1, epoch=self.epoch) as session:
                return (await session.visit(path, pdf=None)).violations
        except BrowserNotFoundError as exc:
            self.problems.append(
                Problem("handouts", f"accessibility check of index.html not done: {exc}")
            )
            return None
