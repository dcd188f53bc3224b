"""Shared test set-up: every test runs with its own answer folder and learner name, so no
test can read or overwrite a real learner's answers; and one headless system Chromium for
every test that drives a browser (tests/browser, tests/hub): Playwright's sync API allows one
instance at a time in a process."""

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


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    from toolkit.browser import find_chromium
    from toolkit.errors import BrowserNotFoundError

    try:
        return find_chromium()
    except BrowserNotFoundError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs a browser: {exc}")
        pytest.skip(f"no browser: {exc}")


@pytest.fixture(scope="session")
def browser(chromium_path: Path):
    from playwright.sync_api import sync_playwright

    from toolkit.browser import launch

    pw = sync_playwright().start()
    b = launch(pw)
    yield b
    b.close()
    pw.stop()
