"""Shared test set-up: every test runs with its own answer folder and learner name, so no
test can read or overwrite a real learner's answers; the real course pack built once; and one
headless system Chromium for every test that drives a browser (tests/browser, tests/hub):
Playwright's sync API allows one instance at a time in a process."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest


def _dump_async_tasks(signum: int, frame: object) -> None:
    """On SIGUSR1, write every running event loop's tasks and their stacks to
    ``$TMPDIR/everycall-tasks-<pid>.txt`` (``kill -USR1 <pytest pid>``): the way to see what a
    stalled handout build is waiting for, since a thread dump shows only an idle loop."""
    import asyncio
    import gc
    import io
    import tempfile

    report = io.StringIO()
    for obj in gc.get_objects():
        if isinstance(obj, asyncio.AbstractEventLoop) and obj.is_running():
            report.write(f"loop {obj!r}\n")
            for task in asyncio.all_tasks(obj):
                report.write(f"  task {task!r}\n")
                task.print_stack(file=report)
    target = Path(tempfile.gettempdir()) / f"everycall-tasks-{os.getpid()}.txt"
    target.write_text(report.getvalue(), encoding="utf-8")


if hasattr(signal, "SIGUSR1"):  # POSIX
    signal.signal(signal.SIGUSR1, _dump_async_tasks)


@pytest.fixture(autouse=True)
def _isolated_learner(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    answers = tmp_path_factory.mktemp("answers")
    monkeypatch.setenv("EVERYCALL_ANSWERS", str(answers))
    monkeypatch.setenv("EVERYCALL_LEARNER", "Test Learner")
    monkeypatch.delenv("EVERYCALL_TRAINER", raising=False)
    monkeypatch.delenv("EVERYCALL_DATA", raising=False)
    # Off the hub unless a test says otherwise: no answer is sent to a live debrief.
    monkeypatch.delenv("EVERYCALL_COHORT_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    yield answers


@pytest.fixture(autouse=True)
def _fresh_session(monkeypatch: pytest.MonkeyPatch):
    """Every test starts a kernel's session afresh: trainer mode unset, no store bound."""
    import dataclasses

    from toolkit.core.session import SESSION, Session

    fresh = Session()
    for f in dataclasses.fields(fresh):
        monkeypatch.setattr(SESSION, f.name, getattr(fresh, f.name))


@pytest.fixture(scope="session")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real course pack, built once per test session as `make handouts` builds it (every
    notebook, both editions, HTML and PDF, with the build's own checks)."""
    from toolkit.errors import BrowserNotFoundError
    from toolkit.handouts import build
    from toolkit.handouts.browser import find_chromium

    try:
        find_chromium()
    except BrowserNotFoundError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs a browser: {exc}")
        pytest.skip(f"no browser: {exc}")
    out = tmp_path_factory.mktemp("course") / "handouts"
    result = build(None, out=out, progress=False)
    assert result.ok, result.summary()
    return out


@pytest.fixture(scope="session")
def scorm_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course as SCORM packages, built once per test session as `make scorm` builds them
    (student HTML handouts with the build's own checks, then one package per notebook and one
    for the course), for SCORM 1.2 and for SCORM 2004 into one folder."""
    from toolkit.handouts.scorm import build_scorm

    out = tmp_path_factory.mktemp("scorm") / "scorm"
    for version in ("1.2", "2004"):  # the second reuses the first's handouts from the cache
        result = build_scorm(None, out=out, version=version, progress=False)
        assert result.ok, "\n".join(str(p) for p in result.problems) or result.handouts.summary()
    return out


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    from toolkit.errors import BrowserNotFoundError
    from toolkit.handouts.browser import find_chromium

    try:
        return find_chromium()
    except BrowserNotFoundError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs a browser: {exc}")
        pytest.skip(f"no browser: {exc}")


@pytest.fixture(scope="session")
def browser(chromium_path: Path):
    from playwright.sync_api import sync_playwright

    from toolkit.handouts.browser import launch

    pw = sync_playwright().start()
    b = launch(pw)
    yield b
    b.close()
    pw.stop()


# --------------------------------------------------------------------------------------------
# A real PostgreSQL for the live cohort service's storage tests (tests/test_live_storage.py)


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


def _install_postgres() -> str | None:
    """Install Debian's postgresql package (as root); the reason when it cannot be."""
    import shutil
    import subprocess

    if os.geteuid() != 0:
        return (
            "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
        )
    if shutil.which("apt-get") is None:
        return "PostgreSQL is not installed and there is no apt-get to install it with"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    done = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "postgresql"], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        return f"apt-get install postgresql failed: {done.stderr.strip()[-300:]}"
    return None


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory):
    """A PostgreSQL server of the test session's own, on a unix socket in a temporary folder
    (no TCP port), stopped afterwards. Debian's postgresql package is installed first when it
    is missing; where it cannot be, the tests skip, except under CI=true, where they fail."""
    import pwd
    import shutil
    import subprocess
    import tempfile

    why = None
    if _postgres_bin() is None:
        why = _install_postgres()
    bin_dir = _postgres_bin()
    if bin_dir is None or why:
        message = why or "PostgreSQL's server programs were not found after installing"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs PostgreSQL for the storage tests: {message}")
        pytest.skip(message)
    # initdb refuses to run as root: the server runs as the package's postgres account.
    run_as: list[str] = []
    owner = None
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    work = Path(tempfile.mkdtemp(prefix="everycall-pg-"))
    os.chmod(work, 0o755)
    data, sockets = work / "data", work / "run"
    sockets.mkdir()
    if owner is not None:
        os.chown(work, owner.pw_uid, owner.pw_gid)
        os.chown(sockets, owner.pw_uid, owner.pw_gid)
    log = work / "server.log"

    def run(*cmd: str) -> None:
        done = subprocess.run([*run_as, *cmd], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed: {done.stderr or done.stdout}")

    try:
        run(
            str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        options = f"-k {sockets} -c listen_addresses='' -c fsync=on"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        run(str(bin_dir / "createdb"), "-h", str(sockets), "-U", "postgres", "everycall")
        yield f"postgresql+psycopg://postgres@/everycall?host={sockets}"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
            )
        shutil.rmtree(work, ignore_errors=True)
