"""`everycall validate` checks exercise definitions along with the rest of the data package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVERYCALL = Path(sys.executable).with_name("everycall")

BAD = """notebook: 09-demo
exercises:
  - id: 09-a
    type: singel_choice
    prompt: Which?
"""


def test_a_misspelt_question_type_fails_the_package_with_a_suggestion(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "exercises" / "09-demo.yaml").write_text(BAD, encoding="utf-8")
    out = subprocess.run([str(EVERYCALL), "validate", str(data)], capture_output=True, text=True)
    assert out.returncode == 2
    assert (
        f'{data}/exercises/09-demo.yaml, line 4, key "type": exercise 09-a: "singel_choice" '
        'is not a known question type; did you mean "single_choice"?'
    ) in out.stderr
    assert "Traceback" not in out.stderr


def test_one_exercise_file_can_be_checked_alone(tmp_path: Path):
    bad = tmp_path / "exercises" / "09-demo.yaml"
    bad.parent.mkdir()
    bad.write_text(BAD, encoding="utf-8")
    out = subprocess.run([str(EVERYCALL), "validate", str(bad)], capture_output=True, text=True)
    assert out.returncode == 2
    assert "did you mean" in out.stderr


def test_a_trainer_note_without_text_fails_the_package(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "notes" / "09-x.yaml").write_text(
        "notebook: 09-x\nnotes:\n  - id: 09-a\n    title: T\n", encoding="utf-8"
    )
    out = subprocess.run([str(EVERYCALL), "validate", str(data)], capture_output=True, text=True)
    assert out.returncode == 2
    assert (
        f'{data}/notes/09-x.yaml, line 3: note 09-a: field "text" is missing '
        "(expected the note itself, in Markdown)"
    ) in out.stderr
