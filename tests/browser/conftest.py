"""Real-browser fixtures: a JupyterLab server on a free loopback port and headless Chromium.

The browser is the system Chromium (``toolkit.handouts.browser``), never Playwright's own download;
the ``chromium_path`` and ``browser`` fixtures are in ``tests/conftest.py``, shared with the hub
tests (one Playwright per test session). Without a browser these tests skip with a one-line
reason, except under ``CI=true`` where a missing browser is a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lab_steps import run_all_cells

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    pid: int
    log: Path

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"


def start_lab(work: Path, root: Path, **env_extra: str) -> Iterator[Lab]:
    """Run JupyterLab on ``root`` (a copy of the course's notebooks) until the generator ends.

    Answers, settings and runtime files live under ``work``; ``env_extra`` adds variables
    (``EVERYCALL_TRAINER="1"`` for a trainer's server).
    """
    settings = work / "settings"
    settings.mkdir(exist_ok=True)
    (settings / "overrides.json").write_text(
        '{"@jupyterlab/apputils-extension:notification":'
        ' {"fetchNews": "false", "checkForUpdates": false}}'
    )
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    env.update(
        EVERYCALL_ANSWERS=str(work / "answers"),
        EVERYCALL_LEARNER="Browser Test",
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(work / "runtime"),
    )
    env.update(env_extra)
    log = work / "lab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}",
        "--allow-root",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        yield Lab(url=url, token=token, root=root, pid=proc.pid, log=log)
    finally:
        os.kill(proc.pid, signal.SIGTERM)  # stop the server by its PID; kernels shut down
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[Lab]:
    """JupyterLab serving a copy of notebooks/ (so autosave never touches the repository)."""
    work = tmp_path_factory.mktemp("lab")
    root = work / "notebooks"
    shutil.copytree(ROOT / "notebooks", root)
    yield from start_lab(work, root)


@pytest.fixture(scope="module")
def trainer_lab(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[Lab]:
    """A trainer's JupyterLab (``EVERYCALL_TRAINER=1``) on its own copy of notebooks/."""
    work = tmp_path_factory.mktemp("trainer-lab")
    root = work / "notebooks"
    shutil.copytree(ROOT / "notebooks", root)
    yield from start_lab(work, root, EVERYCALL_TRAINER="1")


@pytest.fixture(scope="module")
def module_lab(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[Lab]:
    """A JupyterLab for one test module alone, with its own settings: for tests that change
    JupyterLab's settings (the theme), which would otherwise carry over to other modules."""
    work = tmp_path_factory.mktemp("module-lab")
    root = work / "notebooks"
    shutil.copytree(ROOT / "notebooks", root)
    yield from start_lab(work, root)


@pytest.fixture
def page(browser, tmp_path: Path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()


def shut_down_kernels(lab: Lab) -> None:
    """Stop every session and kernel on the server, as closing JupyterLab and reopening would."""
    import json

    def call(method: str, path: str) -> bytes:
        req = urllib.request.Request(
            f"{lab.url}{path}", method=method, headers={"Authorization": f"token {lab.token}"}
        )
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.read()

    for session in json.loads(call("GET", "/api/sessions")):
        call("DELETE", f"/api/sessions/{session['id']}")
    deadline = time.monotonic() + 30
    while json.loads(call("GET", "/api/kernels")) and time.monotonic() < deadline:
        time.sleep(0.3)


def open_and_run_all(
    page, lab: Lab, notebook: str, *, timeout_s: float = 240, restart: bool = False
) -> None:
    """Open ``notebook`` in JupyterLab, wait for an idle kernel, Run All, wait for every cell.

    Wait for Idle first, then Run All Cells (``tests/lab_steps.py``). ``restart=True`` first
    shuts every kernel down, so the notebook runs in a fresh kernel as it would after closing
    everything.
    """
    ms = int(timeout_s * 1000)
    if restart:
        shut_down_kernels(lab)
    page.goto(lab.notebook_url(notebook))
    page.wait_for_selector(".jp-Notebook", timeout=ms)
    page.wait_for_selector("text=| Idle", timeout=ms)
    run_all_cells(page, timeout_ms=ms)


def error_outputs(page) -> list[str]:
    """Text of any error output in the open notebook."""
    return page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_inner_texts()


@pytest.fixture
def run_all():
    """``run_all(page, lab, "00-start-here.ipynb")``: open a notebook and Run All."""
    return open_and_run_all


@pytest.fixture
def errors_on_page():
    """``errors_on_page(page)``: text of error outputs in the open notebook."""
    return error_outputs
