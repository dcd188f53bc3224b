"""Trainer notes: the YAML files and their validation, and when a note is shown (trainer mode,
the handout build) or not shown at all (a learner's live notebook)."""

from __future__ import annotations

import html
import shutil
import textwrap
from pathlib import Path

import pytest

import toolkit
from toolkit import exercises, notes, session
from toolkit.core.session import SESSION
from toolkit.errors import DataError, ToolkitError
from toolkit.notes import (
    Note,
    find_note,
    load_notes,
    note_html,
    note_texts,
    showing_trainer_material,
    trainer_note,
    validate_notes,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _trainer_off(monkeypatch):
    monkeypatch.delenv("EVERYCALL_HANDOUT", raising=False)
    SESSION.trainer = None
    yield
    SESSION.trainer = None


@pytest.fixture()
def shown(monkeypatch):
    """What trainer_note displays, as if inside a notebook."""
    calls: list[tuple[dict, dict]] = []
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    monkeypatch.setattr(
        "IPython.display.display", lambda obj, **kw: calls.append((obj, kw)), raising=True
    )
    return calls


# ---------------------------------------------------------------------------- the files


def test_every_shipped_note_file_is_valid_and_names_its_notebook():
    assert validate_notes() == []
    loaded = load_notes()
    files = sorted(p.stem for p in (ROOT / "data" / "notes").glob("*.yaml"))
    assert files and sorted({n.notebook for n in loaded.values()}) == files
    for note in loaded.values():
        assert note.id.startswith(note.notebook[:3]), note.id
        assert note.title and note.text.strip()


def test_notes_moved_from_the_notebooks_keep_their_words():
    assert "the answer is nine before the Marac" in find_note("01-session-plan").text
    assert find_note("04-specialist-discussion").text.count("Suggested answers for the table") == 1
    assert "Never mark a learner wrong." in find_note("02-session-plan").text


def _problems(tmp_path: Path, text: str, name: str = "09-demo.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return [f"{p.row}|{p.column}|{p.message}" for p in validate_notes(path)]


HEAD = "notebook: 09-demo\nnotes:\n"

BAD = {
    "misspelt field": (
        HEAD + "  - id: 09-plan\n    title: Plan\n    text: Timing.\n    txet: more\n",
        '6|txet|note 09-plan: field "txet" is not known; did you mean "text"? known fields: '
        "id, title, text",
    ),
    "missing text": (
        HEAD + "  - id: 09-plan\n    title: Plan\n",
        '3|None|note 09-plan: field "text" is missing (expected the note itself, in Markdown)',
    ),
    "empty text": (
        HEAD + '  - id: 09-plan\n    title: Plan\n    text: "  "\n',
        "5|text|note 09-plan: is empty (expected some text)",
    ),
    "yes read as true": (
        HEAD + "  - id: 09-plan\n    title: yes\n    text: Timing.\n",
        "4|title|note 09-plan: true is not text (YAML reads yes/no/on/off/true/false as true "
        "or false: put the text in quotes)",
    ),
    "bad id": (
        HEAD + "  - id: 09 Plan\n    title: Plan\n    text: Timing.\n",
        "3|id|note 09 Plan: '09 Plan' is not a valid id (expected lower case letters, digits "
        "and hyphens, such as 01-session-plan)",
    ),
    "duplicate id in one file": (
        HEAD + "  - id: 09-plan\n    title: Plan\n    text: Timing.\n"
        "  - id: 09-plan\n    title: Again\n    text: More.\n",
        '6|id|note 09-plan: id "09-plan" is already used in {file} (line 3); ids must be '
        "unique across the course",
    ),
    "notebook not the file name": (
        "notebook: 09-dmeo\nnotes:\n  - id: 09-plan\n    title: Plan\n    text: Timing.\n",
        '1|notebook|notebook is "09-dmeo", expected "09-demo" (the file name without .yaml)',
    ),
    "notes not a list": (
        HEAD.replace("notes:\n", "notes: Timing.\n"),
        "2|notes|expected a list of notes (one entry per note, each starting with - id:)",
    ),
    "unknown top-level field": (
        "notebook: 09-demo\nnote:\n  - id: 09-plan\n",
        '2|note|field "note" is not known; did you mean "notes"? known fields: notebook, notes',
    ),
    "key given twice": (
        HEAD + "  - id: 09-plan\n    title: Plan\n    title: Again\n    text: Timing.\n",
        '5|None|"title" is given twice; the second one would silently win',
    ),
    "broken yaml": (
        HEAD + "  - id: 09-plan\n    title: [Plan\n    text: Timing.\n",
        "5|None|is not valid YAML: expected ',' or ']', but got ':'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD), ids=sorted(BAD))
def test_bad_note_file_gives_row_field_and_expectation(tmp_path, case):
    text, expected = BAD[case]
    found = _problems(tmp_path, text)
    assert expected.replace("{file}", (tmp_path / "09-demo.yaml").as_posix()) in found, found


def test_duplicate_ids_across_files_name_the_first_file(tmp_path):
    (tmp_path / "08-a.yaml").write_text(
        "notebook: 08-a\nnotes:\n  - id: shared\n    title: A\n    text: First.\n"
    )
    (tmp_path / "09-b.yaml").write_text(
        "notebook: 09-b\nnotes:\n  - id: shared\n    title: B\n    text: Second.\n"
    )
    (problem,) = validate_notes(tmp_path)
    assert problem.file.endswith("09-b.yaml") and problem.row == 3 and problem.column == "id"
    assert 'id "shared" is already used in ' in problem.message and "08-a.yaml (line 3)" in (
        problem.message
    )
    with pytest.raises(DataError, match="is already used in"):
        load_notes(tmp_path)


def test_a_case_folder_or_a_data_folder_without_notes_has_no_note_problems():
    assert validate_notes(ROOT / "data" / "cases" / "unlinked-calls") == []
    assert validate_notes(ROOT / "data") == []  # finds data/notes/


def test_unknown_id_suggests_the_nearest():
    with pytest.raises(ToolkitError, match='did you mean "01-session-plan"'):
        find_note("01-sesion-plan")
    with pytest.raises(ToolkitError, match='did you mean "03-closing-reflection"'):
        toolkit.trainer_note("03-closing-reflexion")  # checked even with trainer mode off


def test_a_broken_note_file_is_named_when_its_note_is_asked_for(tmp_path):
    (tmp_path / "09-demo.yaml").write_text("notebook: 09-demo\nnotes:\n  - id: 09-plan\n")
    with pytest.raises(DataError, match='note 09-plan: field "title" is missing'):
        find_note("09-plan", path=tmp_path)


def test_a_builders_data_folder_without_notes_uses_the_course_notes(tmp_path, monkeypatch):
    own = tmp_path / "data"
    shutil.copytree(ROOT / "data", own, ignore=shutil.ignore_patterns("notes"))
    monkeypatch.setenv("EVERYCALL_DATA", str(own))
    assert find_note("01-session-plan").notebook == "01-reading-a-case-timeline"
    (own / "notes").mkdir()
    (own / "notes" / "01-reading-a-case-timeline.yaml").write_text(
        "notebook: 01-reading-a-case-timeline\nnotes:\n"
        "  - id: 01-session-plan\n    title: Our own plan\n    text: Our own timing.\n"
    )
    assert find_note("01-session-plan").title == "Our own plan"


# ---------------------------------------------------------------------------- showing


def test_with_trainer_mode_off_a_note_shows_nothing_at_all(shown, capsys):
    toolkit.trainer_note("01-session-plan")
    assert shown == [] and capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "switch", ["trainer_mode(True)", "EVERYCALL_TRAINER=1", "EVERYCALL_HANDOUT=1"]
)
def test_a_note_shows_as_a_trainer_box_in_trainer_mode_and_handout_builds(
    shown, monkeypatch, switch
):
    if switch == "trainer_mode(True)":
        toolkit.trainer_mode(True)
    else:
        name, value = switch.split("=")
        monkeypatch.setenv(name, value)
    assert showing_trainer_material()
    shown.clear()  # trainer_mode() says what it did; only the note matters here
    toolkit.trainer_note("01-session-plan")
    ((bundle, kwargs),) = shown
    assert kwargs == {
        "raw": True,
        "metadata": {"everycall": {"trainer": True, "note": "01-session-plan"}},
    }
    box = bundle["text/html"]
    assert 'class="everycall-trainer-note"' in box and 'role="note"' in box
    assert "Trainer note: Timing, facilitation and answers" in box
    assert "the answer is nine before the Marac" in html.unescape(box)
    assert bundle["text/plain"].startswith("Trainer note: Timing, facilitation and answers")


def test_outside_a_notebook_the_note_is_printed_in_trainer_mode_only(capsys):
    trainer_note("03-closing-reflection")
    assert capsys.readouterr().out == ""
    session.trainer_mode(True)
    capsys.readouterr()
    trainer_note("03-closing-reflection")
    out = capsys.readouterr().out
    assert out.startswith("Trainer note: Closing reflection\n\nCollect answers under four")


def test_note_text_is_escaped_not_run():
    box = note_html(Note("x", "<b>T</b>", "Say <script>alert(1)</script> **now**", "x"))
    assert "<script>" not in box and "&lt;script&gt;" in box
    assert "Trainer note: &lt;b&gt;T&lt;/b&gt;" in box and "<strong>now</strong>" in box


def test_the_draft_helper_in_exercises_follows_the_same_switch(shown, monkeypatch):
    exercises.draft_trainer_note("A draft note for this cell.")
    assert shown == []
    monkeypatch.setenv("EVERYCALL_HANDOUT", "1")
    exercises.draft_trainer_note("A draft note for this cell.")
    ((obj, kwargs),) = shown
    assert kwargs["metadata"] == {"everycall": {"trainer": True}}
    assert "A draft note for this cell." in obj.data


# ---------------------------------------------------------------------------- leak scans


def test_secret_texts_hold_every_note_as_plain_text():
    everything = note_texts()
    assert len(everything) == len(load_notes())
    assert any("the answer is nine before the Marac (six 999, three 101)" in s for s in everything)
    assert all("**" not in s and "\n" not in s for s in everything)
    one = note_texts("04-calls-and-demand")
    assert len(one) == 3 and set(one) <= set(everything)


def test_secret_texts_for_an_unknown_notebook_suggests_one():
    with pytest.raises(ToolkitError, match='did you mean "04-calls-and-demand"'):
        note_texts("04-calls-and-demnd")


def test_notes_module_is_not_loaded_by_import_toolkit():
    import subprocess
    import sys

    code = "import sys, toolkit; print('toolkit.notes' in sys.modules, 'yaml' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
    assert hasattr(notes, "trainer_note")
