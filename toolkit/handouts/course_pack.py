"""Building handouts: :func:`build`, which ``everycall handouts`` and ``make handouts`` call.

See :mod:`toolkit.handouts` for what a build makes and checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from toolkit.core.paths import data_dir
from toolkit.errors import ExportError, Problem
from toolkit.handouts.cache import Cache, shared_inputs
from toolkit.handouts.pack import _clear_previous, _manifest, _write, _zip
from toolkit.handouts.plan import (
    DEFAULT_OUT,
    BuildResult,
    NotebookReport,
    _epoch,
    _is_trainer_only,
    course_notebooks,
    plan_editions,
    plan_formats,
)
from toolkit.handouts.run import _answers_dir, _Builder, _kernel_env
from toolkit.handouts.scans import course_secrets

__all__ = ["build"]


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
    cache: bool = True,
    cache_dir: Path | str | None = None,
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
        Notebooks executed at once (default: the number of cores, one kernel each).
    tabs : int, keyword-only
        Chromium pages checked and printed at once (default 2).
    exercise_renderer : callable, keyword-only
        ``render(exercise_id, edition) -> html``; default ``toolkit.exercises.render_printed``.
    extra_secrets : iterable of str, keyword-only
        More texts the student edition must not contain (added to the leak scan).
    progress : bool, keyword-only
        Print one line per notebook as it finishes.
    cache : bool, keyword-only
        Reuse the handouts of notebooks whose inputs have not changed since an earlier
        build (see :mod:`toolkit.handouts.cache`); False (``--no-cache``) builds everything
        and leaves the cache alone. A custom ``exercise_renderer`` turns the cache off.
    cache_dir : path, keyword-only
        The cache folder (default ``<out>/.cache``; never in the manifest or the zip).

    Returns
    -------
    BuildResult
        ``ok`` is False if any notebook failed or any check found a problem.

    Raises
    ------
    ExportError
        Bad arguments (unknown edition or format, a missing notebook, a bad
        ``SOURCE_DATE_EPOCH``, an ``out`` folder holding another tool's manifest or a
        manifest naming files outside it, an ``out`` or cache folder that cannot be made or
        written), before anything is written.

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
    reports = _plan_reports(notebooks, edition)
    out = Path(out)
    _writable(out)
    store = None
    if cache and exercise_renderer is None:  # a function's behaviour cannot be hashed
        store = Cache(Path(cache_dir) if cache_dir is not None else out / ".cache")
        store.check_writable()
    secrets, notes = course_secrets()
    extra = list(extra_secrets)
    builder = _Builder(
        out,
        formats,
        jobs=jobs or os.cpu_count() or 2,
        tabs=tabs or 2,
        renderer=exercise_renderer,
        course_secrets=secrets + extra,
        progress=progress,
        epoch=epoch,
        cache=store,
        shared=_shared_inputs(formats, epoch, extra) if store is not None else None,
    )
    with _one_build_at_a_time(_answers_dir().parent, progress=progress):
        # the whole build under this user's lock: a second build into the same folder waits
        # instead of removing this one's files or zipping a mixture of the two
        _clear_previous(out)
        _run_builder(builder, reports)
        with builder.timed("pack"):
            result = _pack(out, reports, builder, notes, epoch)
    result.phases = builder.phases
    result.seconds = time.perf_counter() - started
    if progress:  # each notebook's problems were printed as it finished
        _print_outcome(result)
    return result


def _writable(out: Path) -> None:
    """Make the pack folder, or stop with one message naming it (before anything else)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".probe-"):
            pass
    except OSError as exc:
        raise ExportError(
            f"{out}: the handouts cannot be written here ({exc.strerror or exc}); "
            "choose a folder you can write to with --out"
        ) from None


def _shared_inputs(formats: Sequence[str], epoch: int | None, extra: list[str]) -> dict[str, Any]:
    """The cache key's parts every notebook of this build shares: the data in use, the
    toolkit, the kernel's packages, Chromium, and the settings that change the files."""
    settings = {
        "formats": list(formats),
        "epoch": epoch,
        "extra_secrets": hashlib.sha256("\0".join(extra).encode("utf-8")).hexdigest(),
        # the course's settings as the kernels see them (the build fixes some of them: the
        # scratch learner and answers folder, trainer mode off, no live debrief)
        "environment": sorted(
            (k, v) for k, v in _kernel_env(_answers_dir()).items() if k.startswith("EVERYCALL_")
        ),
    }
    return shared_inputs(data_dir(), settings=settings)


def _plan_reports(notebooks: Sequence[Path | str] | None, edition: str) -> list[NotebookReport]:
    """One report per notebook to build, with its editions; checks the notebooks exist, are
    notebooks and have names of their own (handouts are named after them)."""
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
    return reports


def _run_builder(builder: _Builder, reports: list[NotebookReport]) -> None:
    """Execute, export and check every notebook, in a scratch answers folder and a private
    folder for kernel sockets, both removed afterwards (the caller holds the lock)."""
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
        for folder in builder.scratch:
            shutil.rmtree(folder, ignore_errors=True)


def _pack(
    out: Path,
    reports: list[NotebookReport],
    builder: _Builder,
    notes: list[str],
    epoch: int | None,
) -> BuildResult:
    """The manifest and the zip of the pack, and the result of the build."""
    files = sorted((f for r in reports for f in r.files), key=lambda f: f.file)
    manifest = out / "manifest.json"
    _write(manifest, _manifest(files, epoch))
    result = BuildResult(out=out, notebooks=reports, problems=builder.problems, files=files)
    result.problems += [Problem("handouts", n, level="warning") for n in notes]
    result.zip = _zip(out, [f.file for f in files] + ["index.html", "manifest.json"], epoch)
    return result


def _print_outcome(result: BuildResult) -> None:
    """The summary line, every problem, and where the pack is (or that some failed)."""
    print(result.summary().split("\n")[0])
    for problem in result.problems:
        print(problem)
    print(f"Pack: {result.zip}" if result.ok else "Some handouts failed: see above.")
    sys.stdout.flush()
