"""The edition logic: what the student and trainer editions keep, on an nbgrader-style
notebook, on hand-made executed notebooks (widgets, exercises, trainer-mode outputs), and on
every notebook of the course."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from toolkit.errors import ExportError
from toolkit.handouts.editions import (
    RUN_HINT,
    exercise_ids,
    make_edition,
    notebook_secrets,
    prune_widget_state,
)
from toolkit.handouts.markers import CODE_STUB, TEXT_STUB, canonical_tag, cell_tags
from toolkit.handouts.scans import leak_scan

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "notebooks"
COURSE = sorted(
    p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def nbgrader() -> nbformat.NotebookNode:
    return nbformat.read(FIXTURES / "nbgrader-style.ipynb", as_version=4)


def sources(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells]


# --- nbgrader conventions -----------------------------------------------------------------


def test_student_solution_region_becomes_the_nbgrader_stub_at_its_indentation(nbgrader):
    student = make_edition(nbgrader, "student")
    squares = student.cells[1].source
    assert squares == (
        "def squares(n):\n"
        '    """Return the first n square numbers."""\n'
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError()"
    )
    assert "i * i" not in squares


def test_student_keeps_visible_tests_and_drops_hidden_ones(nbgrader):
    tests = make_edition(nbgrader, "student").cells[2].source
    assert tests == "assert squares(3) == [1, 4, 9]"


def test_student_drops_the_mark_scheme_but_keeps_the_question(nbgrader):
    task = make_edition(nbgrader, "student").cells[3].source
    assert task.startswith("**Question.** Explain why the call handler asked")
    assert "MARK SCHEME" not in task and "Award one mark" not in task


def test_solution_cells_without_markers_become_placeholders(nbgrader):
    student = make_edition(nbgrader, "student")
    assert student.cells[4].source == TEXT_STUB  # markdown answer cell
    assert student.cells[5].source == CODE_STUB  # code answer cell


def test_student_drops_trainer_cells_in_any_spelling_and_speaker_notes(nbgrader):
    student = make_edition(nbgrader, "student")
    text = "\n".join(sources(student))
    assert "Facilitator prompt" not in text  # tagged "Instructor"
    assert "Speaker note" not in text  # RISE slide_type "notes"
    assert "display(secret_widget)" not in text  # code cell tagged "trainer"
    assert len(student.cells) == len(nbgrader.cells) - 3


def test_student_metadata_keeps_only_harmless_keys(nbgrader):
    student = make_edition(nbgrader, "student")
    assert "reviewer" not in student.metadata
    assert student.metadata.kernelspec.name == "python3"
    nbg = student.cells[1].metadata.nbgrader
    assert nbg["grade_id"] == "squares" and "checksum" not in nbg


# Written out by hand (not derived from the edition code) so that a bug shared by the edition
# logic and notebook_secrets() cannot hide itself.
KNOWN_SECRETS = [
    "return [i * i for i in range(1, n + 1)]",
    'assert squares(10)[-1] == 100, "hidden check on the tenth square number"',
    "Award one mark for linking repeat victimisation to a higher risk of serious harm.",
    "Repeat calls from the same address are a warning sign that the risk is escalating",
    "total_of_squares = sum(squares(4))  # the total of the first four squares is thirty",
    "Model answer widget: the referral should have gone to the Marac meeting",
    "Facilitator prompt: ask the group what the call handler knew at 02:14",
    "Speaker note: allow ten minutes for the discussion in pairs before moving on.",
]


def test_no_secret_survives_anywhere_in_the_student_notebook(nbgrader):
    student = make_edition(nbgrader, "student", view="notebook")
    text = nbformat.writes(student)
    for known in KNOWN_SECRETS:
        assert leak_scan(text, [known], file="student.ipynb") == [], known
        assert leak_scan(nbformat.writes(nbgrader), [known], file="source.ipynb"), known
    assert "mark generously" not in text and "0123456789abcdef" not in text


def test_secret_texts_lists_every_known_secret(nbgrader):
    secrets = "\n".join(notebook_secrets(nbgrader, name="nbgrader-style.ipynb"))
    for known in KNOWN_SECRETS:
        assert known in secrets, known


def test_trainer_edition_keeps_everything(nbgrader):
    trainer = make_edition(nbgrader, "trainer", view="notebook")
    assert sources(trainer) == sources(nbgrader)
    assert trainer.metadata["reviewer"] == nbgrader.metadata["reviewer"]
    assert "trainer" in trainer.cells[8].metadata.tags  # "Instructor" in canonical spelling
    assert "trainer" in trainer.cells[9].metadata.tags  # speaker notes marked for the template


def test_the_input_notebook_is_not_changed(nbgrader):
    before = copy.deepcopy(nbgrader)
    make_edition(nbgrader, "student")
    make_edition(nbgrader, "trainer")
    assert nbgrader == before


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = 1\n### BEGIN SOLUTION\nx = 2", 'line 2: "BEGIN SOLUTION" has no matching'),
        ("x = 1\n### END SOLUTION", 'line 2: "END SOLUTION" without a "BEGIN SOLUTION"'),
        (
            "### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\n",
            'line 2: "BEGIN HIDDEN TESTS" inside another region that began on line 1',
        ),
    ],
)
def test_unbalanced_markers_stop_the_student_edition(source, message):
    nb = new_notebook(cells=[new_markdown_cell("# T"), new_code_cell(source)])
    with pytest.raises(ExportError) as err:
        make_edition(nb, "student", name="week1.ipynb")
    assert str(err.value).startswith("week1.ipynb, cell 2, ")
    assert message in str(err.value)


# --- tags -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("trainer", "trainer"),
        ("trainer-only", "trainer"),
        ("trainer_only", "trainer"),
        ("Instructor", "trainer"),
        ("hide_input", "hide-input"),
        ("remove_cell", "remove-cell"),
        ("Remove-Output", "remove-output"),
        ("remove-stderr", "remove-stderr"),
    ],
)
def test_common_tag_spellings_are_understood(given, expected):
    assert canonical_tag(given) == expected


def test_jupyterlab_collapsed_input_counts_as_hide_input():
    cell = new_code_cell("x", metadata={"jupyter": {"source_hidden": True}})
    assert "hide-input" in cell_tags(cell)


def _presentation_notebook() -> nbformat.NotebookNode:
    out = new_output("stream", name="stdout", text="built\n")
    err = new_output("stream", name="stderr", text="warning\n")
    return new_notebook(
        cells=[
            new_code_cell("setup()", metadata={"tags": ["remove_cell"]}),
            new_code_cell("build()", metadata={"tags": ["remove-input"]}, outputs=[out]),
            new_code_cell("noisy()", metadata={"tags": ["remove-output"]}, outputs=[out]),
            new_code_cell("warn()", metadata={"tags": ["remove-stderr"]}, outputs=[out, err]),
            new_code_cell("shown()", metadata={"tags": ["hide_input"]}),
        ]
    )


def test_handouts_apply_presentation_tags_in_both_editions():
    for edition in ("student", "trainer"):
        nb = make_edition(_presentation_notebook(), edition, view="handout")
        assert [c.metadata.tags for c in nb.cells] == [
            ["remove-input"],
            ["remove-output"],
            ["remove-stderr"],
            ["hide-input"],
        ]
        built, noisy, warn, shown = nb.cells
        assert built.source == "" and built.metadata.transient == {"remove_source": True}
        assert built.outputs[0].text == "built\n"
        assert noisy.outputs == []
        assert [o.name for o in warn.outputs] == ["stdout"]
        assert shown.source == "shown()"


def _removed_input_notebook(**metadata) -> nbformat.NotebookNode:
    built = new_code_cell(
        'toolkit.data.sources_markdown(["hmic-2014"])',
        metadata={"tags": ["remove-input"], **metadata},
        outputs=[new_output("stream", name="stdout", text="built\n")],
    )
    built.id = "sources"  # fixed, so two renderings can be compared byte for byte
    heading = new_markdown_cell("# Sources fixture")
    heading.id = "title"
    return new_notebook(cells=[heading, built])


def test_a_remove_input_cell_collapsed_in_jupyterlab_still_loses_its_input_in_handouts():
    from toolkit.handouts.html import render_html

    plain = _removed_input_notebook()
    collapsed = _removed_input_notebook(jupyter={"source_hidden": True})
    collapsed.cells[1].metadata.tags.append("hide-input")  # both tags: remove-input wins
    for edition in ("student", "trainer"):
        nb = make_edition(collapsed, edition, view="handout")
        cell = nb.cells[1]
        assert cell.source == "" and cell.metadata.transient == {"remove_source": True}
        assert cell.metadata.tags == ["remove-input"]
        assert cell.outputs[0].text == "built\n"
        page = render_html(nb, edition=edition, name="n").html
        main = page[page.index("<main") :]  # the page, not its stylesheet
        assert "sources_markdown" not in main and "Show the code" not in main
        assert "built" in main
        before = render_html(make_edition(plain, edition, view="handout"), edition=edition,
                             name="n").html  # fmt: skip
        assert page == before  # the collapse in JupyterLab changes nothing on paper
    live = make_edition(collapsed, "student", view="notebook")
    assert live.cells[1].metadata.jupyter == {"source_hidden": True}  # still collapsed live
    assert "sources_markdown" in live.cells[1].source


def test_live_notebooks_keep_presentation_tagged_cells_to_run():
    nb = make_edition(_presentation_notebook(), "student", view="notebook")
    assert [c.source for c in nb.cells] == ["setup()", "build()", "noisy()", "warn()", "shown()"]


# --- executed notebooks: exercises, widgets, trainer-mode outputs --------------------------


def _widget_state(**models: dict) -> dict:
    return {WIDGET_STATE: {"state": models, "version_major": 2, "version_minor": 0}}


def _executed() -> nbformat.NotebookNode:
    view = new_output(
        "display_data",
        data={WIDGET_VIEW: {"model_id": "ex", "version_major": 2, "version_minor": 0}},
        metadata={"everycall": {"exercise": "q1"}},
    )
    unmarked = new_output("display_data", data={WIDGET_VIEW: {"model_id": "ex2"}})
    slider = new_output("display_data", data={WIDGET_VIEW: {"model_id": "box"}})
    trainer_out = new_output(
        "display_data",
        data={"text/html": "<div>Facilitator: ask who else knew about the earlier call.</div>"},
        metadata={"everycall": {"trainer": True}},
    )
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Executed"),
            new_code_cell('toolkit.exercises.show("q1")', outputs=[view, trainer_out]),
            new_code_cell('toolkit.exercises.show("q2")', outputs=[unmarked]),
            new_code_cell("controls()", outputs=[slider]),
            new_code_cell(
                "x = 1\n### BEGIN SOLUTION\nsecret = 2\n### END SOLUTION",
                outputs=[new_output("display_data", data={WIDGET_VIEW: {"model_id": "sol"}})],
            ),
        ]
    )
    nb.metadata["widgets"] = _widget_state(
        ex={
            "state": {"value": "Feedback: correct, the Marac referral was due after the 14th tick."}
        },
        ex2={"state": {"value": "Feedback for q2 which must not appear in student copies."}},
        box={"state": {"children": ["IPY_MODEL_slider"]}},
        slider={"state": {"value": 12}},
        sol={"state": {"value": "Model answer held in a widget made by the solution."}},
    )
    return nb


def _printed(exercise_id: str, edition: str) -> str:
    extra = " Model answer: refer to Marac." if edition == "trainer" else ""
    return f"<p>Printed {exercise_id} for the {edition} edition.{extra}</p>"


def test_exercise_widgets_become_printed_questions_in_handouts():
    for edition in ("student", "trainer"):
        nb = make_edition(_executed(), edition, exercise_renderer=_printed)
        first, second = nb.cells[1].outputs[0], nb.cells[2].outputs[0]
        assert first.data["text/html"] == _printed("q1", edition)
        assert first.metadata["everycall"] == {"exercise": "q1", "printed": edition}
        assert second.data["text/html"] == _printed("q2", edition)  # keyed by its show() call


def test_student_widget_state_keeps_only_what_remaining_outputs_reach():
    source = _executed()
    source.cells = source.cells[:4]  # no solution: the controls' widgets stay
    nb = make_edition(source, "student", exercise_renderer=_printed)
    state = nb.metadata.widgets[WIDGET_STATE]["state"]
    assert sorted(state) == ["box", "slider"]
    text = nbformat.writes(nb)
    assert "Feedback" not in text and "Model answer held" not in text


def test_with_a_solution_no_widget_reaches_the_student_since_it_may_hold_the_answer():
    # the solution cell comes last, but it could have set the slider the controls show
    nb = make_edition(_executed(), "student", exercise_renderer=_printed)
    assert not (nb.metadata.get("widgets") or {}).get(WIDGET_STATE, {}).get("state")
    assert [o.data["text/plain"] for o in nb.cells[3].outputs] == [RUN_HINT]
    text = nbformat.writes(nb)
    assert "Feedback" not in text and "Model answer held" not in text
    assert nb.cells[4].outputs == [] and nb.cells[4].execution_count is None
    assert nb.cells[1].outputs[0].data["text/html"] == _printed("q1", "student")


def test_trainer_mode_outputs_never_reach_the_student_edition():
    source = _executed()
    student = make_edition(source, "student", exercise_renderer=_printed)
    assert "Facilitator" not in nbformat.writes(student)
    assert any("Facilitator: ask who else knew" in s for s in notebook_secrets(source))
    trainer = make_edition(source, "trainer", exercise_renderer=_printed)
    assert "Facilitator: ask who else knew" in nbformat.writes(trainer)


NOTE_TEXT = "Ask the group what the call handler could see on screen before grading the call."


def _note_notebook() -> nbformat.NotebookNode:
    """A trainer note as ``toolkit.trainer_note("n1")`` leaves it after a handout build."""
    note = new_output(
        "display_data",
        data={"text/html": f"<div><p>{NOTE_TEXT}</p></div>", "text/plain": NOTE_TEXT},
        metadata={"everycall": {"trainer": True, "note": "n1"}},
    )
    return new_notebook(
        cells=[
            new_markdown_cell("# Notes"),
            new_markdown_cell("Learners read this."),
            new_code_cell(
                'toolkit.trainer_note("n1")',
                metadata={"tags": ["trainer", "remove-input"]},
                outputs=[note],
            ),
        ]
    )


def test_trainer_note_cells_are_kept_for_trainers_and_gone_from_every_student_byte():
    source = _note_notebook()
    student = make_edition(source, "student")
    assert [c.source for c in student.cells] == ["# Notes", "Learners read this."]
    assert NOTE_TEXT not in nbformat.writes(student)
    trainer = make_edition(source, "trainer")
    (cell,) = [c for c in trainer.cells if c.cell_type == "code"]
    assert cell.source == ""  # remove-input: the call is not printed
    assert cell.outputs[0].data["text/plain"] == NOTE_TEXT


def test_secret_texts_include_a_trainer_note_once_executed():
    # the note's text exists only in the executed notebook: the leak scan needs it from there
    assert NOTE_TEXT in notebook_secrets(_note_notebook())
    unexecuted = _note_notebook()
    unexecuted.cells[2].outputs = []
    assert NOTE_TEXT not in notebook_secrets(unexecuted)


def test_student_live_notebook_drops_exercise_outputs_so_the_widget_runs_fresh():
    nb = make_edition(_executed(), "student", view="notebook")
    assert nb.cells[1].outputs == [] and nb.cells[2].outputs == []
    assert exercise_ids(nb) == ["q1", "q2"]


def test_prune_widget_state_follows_nested_outputs():
    nested = {
        "outputs": [{"output_type": "display_data", "data": {WIDGET_VIEW: {"model_id": "in"}}}]
    }
    nb = new_notebook(
        cells=[
            new_code_cell(
                "o", outputs=[new_output("display_data", data={WIDGET_VIEW: {"model_id": "out"}})]
            )
        ]
    )
    nb.metadata["widgets"] = _widget_state(out={"state": nested}, inner={}, **{"in": {"state": {}}})
    assert sorted(prune_widget_state(nb).metadata.widgets[WIDGET_STATE]["state"]) == ["in", "out"]


def test_unused_attachments_are_dropped_from_the_student_edition():
    cell = new_markdown_cell("![map](attachment:map.png)")
    cell["attachments"] = {
        "map.png": {"image/png": "AAAA"},
        "answers.png": {"image/png": "BBBB"},
    }
    nb = make_edition(new_notebook(cells=[cell]), "student")
    assert list(nb.cells[0].attachments) == ["map.png"]


# --- the course's own notebooks -------------------------------------------------------------


@pytest.mark.parametrize(
    "path", COURSE, ids=[p.relative_to(ROOT / "notebooks").as_posix() for p in COURSE]
)
def test_course_notebook_editions(path: Path):
    nb = nbformat.read(path, as_version=4)
    name = path.relative_to(ROOT).as_posix()
    student = make_edition(nb, "student", view="notebook", name=name)
    trainer = make_edition(nb, "trainer", view="notebook", name=name)
    assert not any("trainer" in cell_tags(c) for c in student.cells)
    assert leak_scan(nbformat.writes(student), notebook_secrets(nb, name=name), file=name) == []
    assert sources(trainer) == sources(nb)
    assert student.cells[0].source == nb.cells[0].source  # the opening cell is for everyone


def test_handouts_drop_the_live_session_line_in_both_editions():
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from toolkit.handouts.editions import make_edition

    cell = new_code_cell("import toolkit\n\ntoolkit.begin('01-demo')")
    cell.outputs = [
        new_output(
            "display_data",
            data={"text/plain": "Answers are saved to /tmp/everycall-handouts-0/handout"},
            metadata={"everycall": {"status": True}},
        ),
        new_output("stream", name="stdout", text="kept\n"),
    ]
    nb = new_notebook(cells=[cell])
    for edition in ("student", "trainer"):
        handout = make_edition(nb, edition, view="handout")
        text = nbformat.writes(handout)
        assert "everycall-handouts-0" not in text, edition
        assert "kept" in text, edition
    live = make_edition(nb, "student", view="notebook")
    assert "everycall-handouts-0" in nbformat.writes(live)  # the live view is not a handout


# --- outputs captured inside an Output widget ------------------------------------------------

HIDDEN_NOTE = "Tell the room the answer is the second 999 call, made by the mother."


def _output_widget_notebook() -> nbformat.NotebookNode:
    """An executed cell that showed a trainer note and an exercise inside an ipywidgets.Output
    (``with out: toolkit.trainer_note(...)``): both live in the widget state, not the cell."""
    captured = [
        {
            "output_type": "display_data",
            "data": {"text/html": f"<div><p>{HIDDEN_NOTE}</p></div>", "text/plain": "HTML"},
            "metadata": {"everycall": {"trainer": True, "note": "03-closing-reflection"}},
        },
        {
            "output_type": "display_data",
            "data": {WIDGET_VIEW: {"model_id": "ex", "version_major": 2, "version_minor": 0}},
            "metadata": {"everycall": {"exercise": "q1"}},
        },
        {"output_type": "stream", "name": "stdout", "text": "Printed for everyone\n"},
    ]
    view = new_output("display_data", data={WIDGET_VIEW: {"model_id": "out"}})
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Output widget"),
            new_code_cell("out = w.Output()\nwith out: ...\ndisplay(out)", outputs=[view]),
        ]
    )
    nb.metadata["widgets"] = _widget_state(
        out={"model_name": "OutputModel", "state": {"outputs": captured}},
        ex={"state": {"value": "Feedback: correct, the Marac referral was due after the 14th."}},
    )
    return nb


def _captured(nb: nbformat.NotebookNode) -> list[dict]:
    return nb.metadata.widgets[WIDGET_STATE]["state"]["out"]["state"]["outputs"]


def test_a_trainer_note_inside_an_output_widget_is_gone_from_the_student_edition():
    source = _output_widget_notebook()
    for view in ("handout", "notebook"):
        student = make_edition(source, "student", view=view, exercise_renderer=_printed)
        text = nbformat.writes(student)
        assert HIDDEN_NOTE not in text, view
        assert "Printed for everyone" in text, view
    trainer = make_edition(source, "trainer", exercise_renderer=_printed)
    assert HIDDEN_NOTE in nbformat.writes(trainer)


def test_an_exercise_inside_an_output_widget_is_printed_not_live():
    for edition in ("student", "trainer"):
        nb = make_edition(_output_widget_notebook(), edition, exercise_renderer=_printed)
        html = [o["data"].get("text/html") for o in _captured(nb) if "data" in o]
        assert _printed("q1", edition) in html, edition
        assert "ex" not in nb.metadata.widgets[WIDGET_STATE]["state"], edition  # pruned
        assert "Feedback: correct" not in nbformat.writes(nb), edition
    live = make_edition(_output_widget_notebook(), "student", view="notebook")
    assert [o["output_type"] for o in _captured(live)] == ["stream"]  # runs fresh in the lab


def test_secret_texts_include_a_trainer_note_inside_an_output_widget():
    assert HIDDEN_NOTE in notebook_secrets(_output_widget_notebook())


# --- inline exercises keep their answers in the cell ----------------------------------------

INLINE = (
    'toolkit.exercises.single_choice(id="zz-1", prompt="Who called first?", options=[\n'
    '  {"text": "The mother", "correct": True, "feedback": "Right: she called twice."},\n'
    '  {"text": "A neighbour"}],\n'
    '  facilitator="Spend ten minutes on why the second call was graded as routine.")'
)


@pytest.mark.parametrize(
    ("cells", "call"),
    [
        ([INLINE], "single_choice"),
        (["from toolkit import exercises as ex", 'ex.numeric(id="zz-1", prompt="?", answer=2)'],
         "numeric"),
        (["from toolkit.exercises import free_text as ft", 'ft(id="zz-1", prompt="Why?")'],
         "free_text"),
        (["import toolkit.exercises as E\n%matplotlib inline", 'E.ordering(id="zz-1", items=[])'],
         "ordering"),
        (["import toolkit as tk", 'tk.exercises.multiple_choice(id="zz-1", options=[])'],
         "multiple_choice"),
        (["from toolkit.exercises import *", 'confidence(id="zz-1", prompt="Sure?")'],
         "confidence"),
        (['toolkit.exercises.single_choice(id="zz-1", prompt="broken" options=[])'],
         "single_choice"),  # not valid Python: found all the same
    ],
    ids=["module", "alias-module", "alias-function", "magic-in-cell", "alias-package", "star",
         "syntax-error"],
)  # fmt: skip
def test_an_inline_exercise_stops_the_student_edition(cells, call):
    nb = new_notebook(cells=[new_markdown_cell("# Inline")] + [new_code_cell(c) for c in cells])
    message = (
        f"nb/zz-inline.ipynb, cell {len(cells) + 1}: an inline exercise ({call}(...)) keeps its "
        "answer in the cell, so it cannot go into a student edition; move it to "
        'data/exercises/zz-inline.yaml and show it with toolkit.exercises.show("zz-1")'
    )
    for view in ("handout", "notebook"):
        with pytest.raises(ExportError) as caught:
            make_edition(nb, "student", view=view, name="nb/zz-inline.ipynb")
        assert str(caught.value) == message
    assert make_edition(nb, "trainer", view="notebook").cells[-1].source == cells[-1]


def test_ordinary_code_is_not_taken_for_an_inline_exercise():
    cells = [
        "import pandas as pd\npd.to_numeric(['1'])",
        'toolkit.exercises.show("01-count-the-calls")',
        "def numeric(x):\n    return x\nnumeric(3)",
        "confidence = 0.9  # a number, not an exercise",
    ]
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    assert [c.source for c in make_edition(nb, "student", view="notebook").cells] == cells
    trainer_cell = new_code_cell(INLINE, metadata={"tags": ["trainer"]})
    assert make_edition(new_notebook(cells=[trainer_cell]), "student").cells == []


def test_a_cell_that_only_shows_an_exercise_prints_no_code_in_the_student_handout():
    cells = [
        'toolkit.exercises.show("01-count-the-calls")',
        '# the learner answers here\ntoolkit.exercises.show("01-escalation")',
        'x = 1\ntoolkit.exercises.show("01-who-knew")',
    ]
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    student = make_edition(nb, "student")
    assert [c.source for c in student.cells] == ["", "", cells[2]]
    assert student.cells[0].metadata["transient"] == {"remove_source": True}
    assert [c.source for c in make_edition(nb, "trainer").cells] == cells
    assert [c.source for c in make_edition(nb, "student", view="notebook").cells] == cells
