"""Learner notebooks are safe and kind in the live JupyterLab, not only in the handouts.

A learner working with trainer mode off must not be able to read trainer material: no
markdown cell tagged for trainers, no trainer note, exercise answer, feedback, model answer,
facilitator note or reviewer annotation in any output or widget. A trainer who turns trainer
mode on sees the notes. A ``ToolkitError`` shows as one short message, and the notebooks that
open a case still run when a course builder's data folder holds only their own case.

The static checks read the notebook files; the others execute them headless with nbclient.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEARNER_NOTEBOOKS = sorted(
    p
    for p in (ROOT / "notebooks").glob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts  # notebooks/trainer/ is trainer-only anyway
)
IDS = [p.stem for p in LEARNER_NOTEBOOKS]
TRAINER_TAGS = {"trainer", "trainer-only", "instructor", "instructor-only"}
NOTE_CALL = re.compile(r"""trainer_note\(\s*(?:(["'])(?P<id>[^"']*)\1)?""")
PER_CELL_TIMEOUT = 300


def _tags(cell: dict[str, Any]) -> set[str]:
    return {str(t).lower().replace("_", "-") for t in cell.get("metadata", {}).get("tags", [])}


def _is_trainer_cell(cell: dict[str, Any]) -> bool:
    slide = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    return bool(_tags(cell) & TRAINER_TAGS) or slide == "notes"


def _cells(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _note_calls(path: Path) -> list[tuple[int, dict[str, Any], str | None]]:
    """(cell index, cell, note id or None when the id is not a plain string) per call."""
    return [
        (i, cell, match.group("id"))
        for i, cell in enumerate(_cells(path))
        if cell["cell_type"] == "code"
        for match in NOTE_CALL.finditer(_source(cell))
    ]


def _annotation_explanations() -> list[str]:
    import csv

    texts = []
    for path in sorted((ROOT / "data" / "cases").glob("*/annotations.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            texts += [row["explanation"] for row in csv.DictReader(handle) if row["explanation"]]
    return texts


def _course_secrets() -> list[str]:
    """Everything a learner must not see, from the whole course (not one notebook only)."""
    from toolkit import exercises, notes

    return notes.note_texts() + exercises.answer_texts() + _annotation_explanations()


# -------------------------------------------------------------------------- static checks


def test_there_are_learner_notebooks_and_notes():
    assert len(LEARNER_NOTEBOOKS) >= 7
    assert any(_note_calls(p) for p in LEARNER_NOTEBOOKS)


@pytest.mark.parametrize("path", LEARNER_NOTEBOOKS, ids=IDS)
def test_no_markdown_cell_holds_trainer_material(path: Path):
    tagged = [
        i
        for i, c in enumerate(_cells(path))
        if c["cell_type"] == "markdown" and _is_trainer_cell(c)
    ]
    assert not tagged, (
        f"{path.name}: markdown cells {tagged} are tagged for trainers, so learners can read "
        "them in JupyterLab; move the text to data/notes/ and call toolkit.trainer_note(id)"
    )


@pytest.mark.parametrize("path", LEARNER_NOTEBOOKS, ids=IDS)
def test_every_trainer_note_call_resolves_and_hides_its_input(path: Path):
    from toolkit.notes import find_note, load_notes

    used = []
    for i, cell, note_id in _note_calls(path):
        assert note_id, f"{path.name}, cell {i}: trainer_note needs the id as a plain string"
        note = find_note(note_id)  # raises, naming the closest id, if it does not resolve
        assert note.notebook == path.stem, (
            f"{path.name}, cell {i}: note {note_id} belongs to {note.file}, expected "
            f"data/notes/{path.stem}.yaml"
        )
        assert {"trainer", "remove-input"} <= _tags(cell), (
            f"{path.name}, cell {i}: a cell calling trainer_note must be tagged trainer and "
            "remove-input"
        )
        used.append(note_id)
    defined = sorted(n.id for n in load_notes().values() if n.notebook == path.stem)
    assert sorted(used) == defined, f"{path.name}: notes used {sorted(used)}, defined {defined}"


@pytest.mark.parametrize("path", LEARNER_NOTEBOOKS, ids=IDS)
def test_no_learner_visible_cell_repeats_trainer_material(path: Path):
    from toolkit.handouts.scans import leak_scan

    visible = "\n\n".join(_source(c) for c in _cells(path) if not _is_trainer_cell(c))
    leaks = leak_scan(visible, _course_secrets(), file=path.name)
    assert not leaks, "\n".join(map(str, leaks))


# ------------------------------------------------------------------------ executed checks


def _execute(nb: Any, path: Path, **kwargs: Any) -> Any:
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=PER_CELL_TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
        **kwargs,
    )
    client.execute()
    return nb


def _everything_shown(nb: Any) -> str:
    """Every output and every widget's state, as one JSON document."""
    return json.dumps(
        {
            "outputs": [cell.get("outputs", []) for cell in nb.cells],
            "widgets": nb.metadata.get("widgets", {}),
        },
        ensure_ascii=False,
    )


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("path", LEARNER_NOTEBOOKS, ids=IDS)
def test_with_trainer_mode_off_nothing_secret_is_shown(path: Path, monkeypatch):
    import nbformat

    from toolkit.handouts.scans import leak_scan

    monkeypatch.delenv("EVERYCALL_TRAINER", raising=False)
    monkeypatch.delenv("EVERYCALL_HANDOUT", raising=False)
    nb = _execute(nbformat.read(path, as_version=4), path)
    loud = [i for i, cell in enumerate(nb.cells) if _is_trainer_cell(cell) and cell.get("outputs")]
    assert not loud, f"{path.name}: trainer cells {loud} show something with trainer mode off"
    marked = [
        i
        for i, cell in enumerate(nb.cells)
        for out in cell.get("outputs", [])
        if out.get("metadata", {}).get("everycall", {}).get("trainer")
    ]
    assert not marked, f"{path.name}: cells {marked} show trainer outputs with trainer mode off"
    leaks = leak_scan(_everything_shown(nb), _course_secrets(), file=path.name)
    assert not leaks, "\n".join(map(str, leaks))


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("path", LEARNER_NOTEBOOKS, ids=IDS)
def test_a_notebook_saved_in_trainer_mode_keeps_no_trainer_material(path: Path, monkeypatch):
    """What JupyterLab would save after a trainer ran the notebook in trainer mode, passed
    through the server's pre-save hook (toolkit.saving), holds no trainer note, answer,
    reviewer annotation or learner's name, and ``everycall validate`` finds nothing in it."""
    import nbformat

    from toolkit.handouts.scans import leak_scan
    from toolkit.saving import clean_for_saving, trainer_material

    monkeypatch.setenv("EVERYCALL_TRAINER", "1")
    monkeypatch.setenv("EVERYCALL_LEARNER", "Quinlan Learnerson")
    nb = _execute(nbformat.read(path, as_version=4), path)
    if _note_calls(path):  # the run did show trainer material, so the check below means something
        assert leak_scan(_everything_shown(nb), _course_secrets(), file=path.name)
    model = {"type": "notebook", "content": json.loads(nbformat.writes(nb))}
    clean_for_saving(model=model, path=path.name, contents_manager=None)
    saved = json.dumps(model["content"], ensure_ascii=False)
    leaks = leak_scan(saved, _course_secrets(), file=path.name)
    assert not leaks, "\n".join(map(str, leaks))
    assert "Quinlan" not in saved
    assert trainer_material(model["content"]) == []


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    "path", [p for p in LEARNER_NOTEBOOKS if _note_calls(p)], ids=lambda p: p.stem
)
def test_with_trainer_mode_on_the_notes_appear(path: Path, monkeypatch):
    import nbformat

    from toolkit.handouts.scans import leak_scan
    from toolkit.notes import find_note

    monkeypatch.setenv("EVERYCALL_TRAINER", "1")
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")  # import toolkit; begin(...)
    note_cells = [c for c in nb.cells if c.cell_type == "code" and NOTE_CALL.search(c.source)]
    nb.cells = [first, *note_cells]
    _execute(nb, path)
    for cell in note_cells:
        note = find_note(NOTE_CALL.search(cell.source).group("id"))
        (out,) = cell.outputs
        assert out["metadata"] == {"everycall": {"trainer": True, "note": note.id}}
        shown = out["data"]["text/html"]
        assert "Trainer note: " in shown and 'class="everycall-trainer-note"' in shown
        assert leak_scan(shown, [note.text], file=path.name), f"{note.id} is not shown in full"


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("env", "code", "message"),
    [
        (
            {},
            'toolkit.data.load_case("unlinked-cals")',
            'data/cases/unlinked-cals: there is no such case; did you mean "unlinked-calls"?',
        ),
        (
            {"EVERYCALL_DATA": "/nonexistent/everycall-data"},
            'toolkit.exercises.show("00-stepping-away")',
            "/nonexistent/everycall-data",
        ),
    ],
    ids=["unknown case", "bad EVERYCALL_DATA"],
)
def test_a_toolkit_error_shows_one_short_message_and_still_stops_the_run(
    env: dict[str, str], code: str, message: str, tmp_path: Path, monkeypatch
):
    import nbformat
    from nbclient.exceptions import CellExecutionError

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('import toolkit\n\ntoolkit.begin("00-start-here")'),
        nbformat.v4.new_code_cell(code),
        nbformat.v4.new_code_cell('print("ran after the error")'),
    ]
    with pytest.raises(CellExecutionError) as raised:  # the cell still counts as an error
        _execute(nb, tmp_path / "scratch.ipynb")
    assert raised.value.ename == "DataError"
    (out,) = nb.cells[1].outputs  # one box, no traceback output
    assert out["output_type"] == "display_data"
    plain = out["data"]["text/plain"]
    assert plain.startswith("Something needs fixing: ") and message in plain
    assert "Something needs fixing:" in out["data"]["text/html"]
    assert "Traceback" not in json.dumps(nb.cells[1].outputs)
    assert nb.cells[2].outputs == []  # Run All stops at the error, as before


@pytest.fixture(scope="module")
def builders_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course builder's data folder: the course's tables, and one case of their own only."""
    target = tmp_path_factory.mktemp("builder") / "data"
    shutil.copytree(ROOT / "data", target, ignore=shutil.ignore_patterns("cases"))
    (target / "cases").mkdir()
    shutil.copytree(ROOT / "data" / "cases" / "health-and-housing", target / "cases" / "my-case")
    return target


CASE_NOTEBOOKS = [
    p
    for p in LEARNER_NOTEBOOKS
    if re.search(r"TimelineExplorer|load_case|list_cases|first_contact_review", p.read_text())
]


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("path", CASE_NOTEBOOKS, ids=[p.stem for p in CASE_NOTEBOOKS])
def test_notebooks_open_a_builders_own_case_when_the_course_case_is_absent(
    path: Path, builders_data: Path, monkeypatch
):
    import nbformat
    from nbclient.exceptions import CellExecutionError

    monkeypatch.setenv("EVERYCALL_DATA", str(builders_data))
    nb = nbformat.read(path, as_version=4)
    try:
        _execute(nb, path)
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} with only a course builder's case:\n{str(exc)[:3000]}")
    if "TimelineExplorer" in path.read_text():  # the explorer opened the builder's case
        assert "Held in pieces" in _everything_shown(nb)


# Pressing 55 (the Silent Solution) works from a mobile only; from a landline the caller
# stays on the line. Advice that says "press 55" without that could fail someone in danger.
# Source: Cambridgeshire Constabulary, "Silent 999 calls",
# https://www.cambs.police.uk/information-and-services/Contact/Silent-999-Calls
SUPPORT_TEXTS = sorted(
    [
        *(ROOT / "notebooks").rglob("*.ipynb"),
        *(ROOT / "toolkit" / "templates").rglob("*.j2"),
        ROOT / "README.md",
        ROOT / "toolkit" / "cli.py",
        ROOT / "toolkit" / "cohort" / "page.py",
    ]
)


@pytest.mark.parametrize(
    "path", SUPPORT_TEXTS, ids=[p.relative_to(ROOT).as_posix() for p in SUPPORT_TEXTS]
)
def test_the_silent_999_advice_says_55_is_for_mobiles(path: Path):
    plain = re.sub(r"<[^>]+>|\*\*|\"\s*\n\s*\"|\n>?\s*", " ", path.read_text(encoding="utf-8"))
    plain = re.sub(r"\s+", " ", plain)
    for match in re.finditer(r"press 55", plain):
        after = plain[match.end() : match.end() + 80]
        assert "mobile" in after and "landline" in after, f"{path.name}: ...{after}"
