"""What a saved notebook may hold (toolkit.saving): never trainer material, nor a learner's
name, nor widget views that cannot be shown without their kernel."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from toolkit.saving import clean_for_saving, clean_notebook, trainer_material

WIDGET = "application/vnd.jupyter.widget-view+json"


def _out(text: str, **everycall: object) -> dict:
    meta = {"everycall": everycall} if everycall else {}
    return new_output("display_data", {"text/plain": text}, metadata=meta)


def _widget(text: str) -> dict:
    data = {"text/plain": text, WIDGET: {"model_id": "abc", "version_major": 2}}
    return new_output("display_data", data)


def _course() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [
        new_code_cell('import toolkit\ntoolkit.begin("02-x")',
                      outputs=[_out("Answering as Sam", status=True)]),
        new_code_cell("explorer.widget",
                      outputs=[_widget("VBox(children=(HTML(value='annotation')")]),
        new_code_cell("toolkit.trainer_note('n')",
                      outputs=[_out("Trainer note: plan", trainer=True)],
                      metadata={"tags": ["Trainer_Only"]}),
        new_code_cell("x", outputs=[_out("kept for learners")], metadata={"tags": ["instructor"]}),
        new_code_cell("1 + 1", outputs=[_out("2")]),
    ]  # fmt: skip
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_a_course_notebook_keeps_only_what_any_learner_may_see():
    nb = _course()
    assert clean_notebook(nb) == 4
    assert [len(c.outputs) for c in nb.cells] == [0, 0, 0, 0, 1]
    assert "widgets" not in nb.metadata
    text = nbformat.writes(nb)
    assert "Sam" not in text and "annotation" not in text and "Trainer note" not in text


def test_another_notebook_keeps_its_widgets_and_loses_only_trainer_material():
    nb = new_notebook()
    nb.cells = [
        new_code_cell("slider", outputs=[_widget("IntSlider(value=3)")]),
        new_code_cell("show()", outputs=[_out("Trainer view", trainer=True), _out("ok")]),
    ]
    assert clean_notebook(nb) == 1
    assert [len(c.outputs) for c in nb.cells] == [1, 1]


def test_the_hook_cleans_notebook_models_only_and_fails_safe():
    model = {"type": "notebook", "content": json.loads(nbformat.writes(_course()))}
    clean_for_saving(model=model, path="02-x.ipynb", contents_manager=None)
    assert trainer_material(model["content"]) == []
    text_file = {"type": "file", "content": "Trainer note: plan"}
    clean_for_saving(model=text_file, path="notes.txt", contents_manager=None)
    assert text_file["content"] == "Trainer note: plan"
    odd = {"type": "notebook", "content": {"cells": [{"cell_type": "code", "outputs": [1, 2]}],
                                           "metadata": "not a mapping"}}  # fmt: skip
    clean_for_saving(model=odd, path="odd.ipynb", contents_manager=None)
    assert odd["content"]["cells"][0]["outputs"] in ([], [1, 2])


def test_validate_names_each_saved_piece_of_trainer_material(tmp_path):
    handed_out = tmp_path / "student-notebooks"
    handed_out.mkdir()
    nbformat.write(_course(), handed_out / "02-x.ipynb")
    nbformat.write(new_notebook(cells=[new_code_cell("1")]), handed_out / "clean.ipynb")
    run = subprocess.run(
        [str(Path(sys.executable).parent / "everycall"), "validate", str(handed_out)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 2
    lines = run.stderr.splitlines()
    assert any(
        "02-x.ipynb: cell 3: a trainer-only output (Trainer note: plan)" in ln for ln in lines
    )
    assert any("02-x.ipynb: cell 4: an output of a cell tagged for trainers" in ln for ln in lines)
    assert "Traceback" not in run.stderr
    assert not any("clean.ipynb" in ln for ln in lines)
