"""Shared test set-up: every test runs with its own answer folder and learner name, so no
test can read or overwrite a real learner's answers; the real course pack built once; and one
headless system Chromium for every test that drives a browser (tests/browser, tests/hub):
Playwright's sync API allows one instance at a time in a process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_learner(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    answers = tmp_path_factory.mktemp("answers")
    monkeypatch.setenv("EVERYCALL_ANSWERS", str(answers))
    monkeypatch.setenv("EVERYCALL_LEARNER", "Test Learner")
    monkeypatch.delenv("EVERYCALL_TRAINER", raising=False)
    monkeypatch.delenv("EVERYCALL_DATA", raising=False)
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
