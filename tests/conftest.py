"""Shared test set-up: every test runs with its own answer folder and learner name, so no
test can read or overwrite a real learner's answers."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_learner(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    answers = tmp_path_factory.mktemp("answers")
    monkeypatch.setenv("EVERYCALL_ANSWERS", str(answers))
    monkeypatch.setenv("EVERYCALL_LEARNER", "Test Learner")
    monkeypatch.delenv("EVERYCALL_TRAINER", raising=False)
    monkeypatch.delenv("EVERYCALL_DATA", raising=False)
    yield answers
