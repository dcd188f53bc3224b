"""A real workshop hub for the tests in this folder, and a real Chromium to use it with.

One hub per test module (``hub`` is module-scoped): JupyterHub from the hub's environment
(``make hub-install``), the project's configurable-http-proxy, system accounts with a prefix
of the module's own (``ect1a2b3c-``), homes and state in a temporary folder. Afterwards the
hub is stopped by its PID, and every account with that prefix, its processes and its home are
removed, whether the tests passed or not.

The hub needs root (it creates accounts) and Linux: elsewhere these tests skip with a
one-line reason. Where the hub's environment is not installed they skip too, except under
``CI=true``, where ``make test`` installs it first and a missing one is a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from lab_steps import run_all_cells

ROOT = Path(__file__).resolve().parents[2]
LEARNER_TIMEOUT_MS = 180_000  # a server start plus JupyterLab's first load, on 2 cores


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hub_environment() -> Path:
    """The hub's environment, or a skip (a failure under CI) naming what is missing."""
    if not sys.platform.startswith("linux"):
        pytest.skip("hub tests need Linux (the hub starts a server per learner account)")
    if os.geteuid() != 0:
        pytest.skip("hub tests need root: the hub creates a system account per learner")
    env = Path(os.environ.get("EVERYCALL_HUB_ENV") or "/opt/everycall-hub")
    missing = []
    if not os.access(env / "bin" / "jupyterhub", os.X_OK):
        missing.append(f"the hub's environment ({env})")
    if not os.access(ROOT / "node_modules" / ".bin" / "configurable-http-proxy", os.X_OK):
        missing.append("configurable-http-proxy (node_modules/)")
    if missing:
        message = f"{' and '.join(missing)} not installed: run make hub-install as root"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs the hub: {message}")
        pytest.skip(message)
    return env


@dataclass
class Hub:
    url: str
    code: str
    trainer_password: str
    prefix: str
    homes: Path
    log: Path
    running: object

    def account(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def home(self, name: str) -> Path:
        return self.homes / self.account(name)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_hub(tmp_path_factory: pytest.TempPathFactory, **settings: object) -> Iterator[Hub]:
    from toolkit.hub import HubSettings, remove_accounts, start

    env = hub_environment()
    prefix = f"ect{secrets.token_hex(3)}-"
    # Learners' homes must be reachable by their accounts: not under pytest's root-only tmp.
    work = Path(tempfile.mkdtemp(prefix="everycall-hub-test-"))
    os.chmod(work, 0o755)
    homes = work / "homes"
    homes.mkdir(mode=0o755)
    log = work / "hub.log"
    hub_settings = HubSettings(
        port=_free_port(),
        ip="127.0.0.1",
        workshop_code=f"harbour-{secrets.token_hex(4)}",
        trainer_password=f"trainer-{secrets.token_hex(8)}",
        env=env,
        state=work / "state",
        account_prefix=prefix,
        homes=homes,
        **settings,
    )
    running = None
    try:
        running = start(hub_settings, log=log)
        running.wait_ready()
        yield Hub(
            url=running.url,
            code=hub_settings.workshop_code,
            trainer_password=hub_settings.trainer_password,
            prefix=prefix,
            homes=homes,
            log=log,
            running=running,
        )
    finally:
        if running is not None:
            running.stop()
        remove_accounts(prefix, homes=homes)
        kept = tmp_path_factory.mktemp("hub-log") / "hub.log"
        if log.exists():
            shutil.copyfile(log, kept)  # for reading after a failure
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def hub_env() -> Path:
    """The hub's environment (``make hub-install``), or a skip naming what is missing."""
    return hub_environment()


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[Hub]:
    """A workshop hub (real accounts), for one test module."""
    yield from start_hub(tmp_path_factory)


@pytest.fixture(scope="module")
def demo_hub(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[Hub]:
    """A hub in demo mode (no accounts: every learner's server runs as root)."""
    yield from start_hub(tmp_path_factory, mode="demo")


@pytest.fixture
def new_page(browser):
    """``new_page()``: a page in a browser context of its own (one person's cookies)."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, hub: Hub, name: str, password: str):
    """Fill in the hub's sign-in form as a person would; returns the form's response."""
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    with page.expect_navigation() as nav:
        page.click("#login_submit")
    return nav.value


def wait_for_notebook(page, name: str = "00-start-here.ipynb") -> None:
    """Wait until JupyterLab shows ``name`` with an idle kernel."""
    page.wait_for_url(f"**/lab/tree/course/{name}*", timeout=LEARNER_TIMEOUT_MS)
    page.wait_for_selector(".jp-Notebook", timeout=LEARNER_TIMEOUT_MS)
    page.wait_for_selector("text=| Idle", timeout=LEARNER_TIMEOUT_MS)


def run_all(page) -> None:
    """Run menu > Run All Cells, then wait until every code cell has run."""
    run_all_cells(page, timeout_ms=LEARNER_TIMEOUT_MS)


@pytest.fixture
def learner():
    """Helpers a test uses as a learner would: ``learner.sign_in(page, hub, name, code)``,
    ``learner.wait_for_notebook(page)``, ``learner.run_all(page)``."""

    return SimpleNamespace(sign_in=sign_in, wait_for_notebook=wait_for_notebook, run_all=run_all)
