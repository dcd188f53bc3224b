"""Trainer material never reaches a notebook file, on the route JupyterLab saves by.

A trainer runs notebook 02 in trainer mode (``EVERYCALL_TRAINER=1``) and saves it. The
server's pre-save hook (``toolkit.saving``, installed with the package) keeps the trainer
notes, model answers, reviewer annotations and the learner's name out of the file; a learner
who opens that file later, without running anything, sees none of it and no broken widgets.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "02-missed-opportunities.ipynb"


def _course_secrets() -> list[str]:
    from toolkit.handouts import course_secrets as secrets

    return secrets()[0]


def _shot(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / name), full_page=False)
    keep = os.environ.get("EVERYCALL_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / name, Path(keep) / name)


def _wait_for_save(path: Path, timeout_s: float = 60) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:  # caught mid-write
            nb = {}
        if any(c.get("execution_count") for c in nb.get("cells", [])):
            return nb
        time.sleep(0.3)
    pytest.fail(f"{path.name} was not saved with its outputs within {timeout_s} s")


def test_a_notebook_saved_in_trainer_mode_shows_a_learner_no_trainer_material(
    page, trainer_lab, lab, run_all, errors_on_page, tmp_path: Path
):
    from toolkit.handouts.scans import leak_scan
    from toolkit.validate import validate

    secrets = _course_secrets()
    run_all(page, trainer_lab, NOTEBOOK)
    assert errors_on_page(page) == []
    # Trainer mode really showed trainer material on the trainer's screen.
    assert page.locator(".everycall-trainer-note").count() >= 1
    on_screen = page.locator(".jp-Notebook").inner_text()
    assert leak_scan(on_screen, secrets, file="trainer's screen"), "no trainer material shown"
    _shot(page, tmp_path, "trainer-02-before-save.png")

    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Control+s")
    saved = _wait_for_save(trainer_lab.root / NOTEBOOK)
    text = json.dumps(saved, ensure_ascii=False)
    assert sum(len(c.get("outputs", [])) for c in saved["cells"]) > 5  # outputs were saved
    assert leak_scan(text, secrets, file=NOTEBOOK) == []
    assert "Browser Test" not in text  # the learner's name from the status line
    assert "Trainer mode" not in text
    report = validate(trainer_lab.root / NOTEBOOK)
    assert report.ok, report.summary()

    # A learner opens the file the trainer saved, without running anything.
    shutil.copy(trainer_lab.root / NOTEBOOK, lab.root / "02-saved-by-a-trainer.ipynb")
    page.goto(lab.notebook_url("02-saved-by-a-trainer.ipynb"))
    page.wait_for_selector(".jp-Notebook .jp-OutputArea-output", timeout=120_000)
    page.wait_for_timeout(1500)  # let every saved output render
    screen = page.locator(".jp-Notebook").inner_text()
    _shot(page, tmp_path, "learner-02-reopened.png")
    assert leak_scan(screen, secrets, file="learner's screen") == []
    assert "Trainer note" not in screen
    assert "Error displaying widget" not in screen
    assert "model not found" not in screen
