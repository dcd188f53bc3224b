"""Outputs a solution shaped never reach a student: a value computed in a solution region and
printed by a later, unmarked cell is cleared from the student edition (a "run this cell" line
in handouts), the leak scan catches it if it is not, and a ``keep-output`` cell keeps its
outputs only when running the student edition on its own gives the same. nbgrader's own
example assignment gives the student notebook that nbgrader's release gives."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from toolkit.handouts.editions import (
    RUN_HINT,
    kept_outputs,
    make_edition,
    student_run_notebook,
)
from toolkit.handouts.scans import solution_output_leaks

NBGRADER = Path(__file__).resolve().parent / "data" / "nbgrader"
ANSWER = "The answer is 42"
INDEPENDENT = "Loaded 3 tables from the case file"
DEPENDENT = "Twice the answer is 84"


def _stdout(text: str) -> list:
    return [new_output("stream", name="stdout", text=text)]


def _planted(*, executed: bool) -> nbformat.NotebookNode:
    """The planted case: a solution computes a value, a later unmarked cell prints it; one
    kept cell that does not need the solution and one that does."""
    out = _stdout if executed else (lambda text: [])
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        new_markdown_cell(
            "# Planted leak\n\nSupport: National Domestic Abuse Helpline 0808 2000 247."
        ),
        new_code_cell('print("Setting up")', outputs=out("Setting up\n")),
        new_code_cell("### BEGIN SOLUTION\nanswer = 6 * 7\n### END SOLUTION"),
        new_code_cell('print(f"The answer is {answer}")', outputs=out(ANSWER + "\n")),
        new_code_cell(
            'print("Loaded", 1 + 2, "tables from the case file")',
            metadata={"tags": ["Keep_Output"]},
            outputs=out(INDEPENDENT + "\n"),
        ),
        new_code_cell(
            'print(f"Twice the answer is {answer * 2}")',
            metadata={"tags": ["keep-output"]},
            outputs=out(DEPENDENT + "\n"),
        ),
        new_markdown_cell("## Sources\n\n- A made-up reference for tests, 2026."),
    ]
    return nb


def _texts(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb)


# --- the edition ---------------------------------------------------------------------------


def test_student_handout_shows_a_run_hint_instead_of_a_value_a_solution_computed():
    trainer_run = _planted(executed=True)
    student = make_edition(trainer_run, "student")
    text = _texts(student)
    assert ANSWER not in text and DEPENDENT not in text
    assert INDEPENDENT not in text  # tagged, but nothing showed it does not need the solution
    printed = student.cells[3].outputs
    assert [o["data"]["text/plain"] for o in printed] == [RUN_HINT]
    assert student.cells[1].outputs[0]["text"] == "Setting up\n"  # before any solution
    assert student.cells[2].outputs == []  # the stub itself: nothing to run yet
    assert ANSWER in _texts(make_edition(trainer_run, "trainer"))


def test_student_notebook_clears_outputs_as_nbgraders_release_does():
    student = make_edition(_planted(executed=True), "student", view="notebook")
    code = [c for c in student.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert RUN_HINT not in _texts(student)  # a live notebook: the learner runs it


def test_a_notebook_without_solutions_keeps_its_outputs():
    nb = _planted(executed=True)
    nb.cells[2].source = "answer = 6 * 7"
    assert ANSWER in _texts(make_edition(nb, "student"))


@pytest.mark.parametrize(
    "cell",
    [
        new_code_cell(
            "assert f(1) == 1\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS"
        ),
        new_code_cell("answer = 6 * 7", metadata={"nbgrader": {"solution": True}}),
        new_markdown_cell("Because 6 * 7 = 42.", metadata={"nbgrader": {"solution": True}}),
    ],
    ids=["hidden-tests", "nbgrader-solution-cell", "markdown-solution"],
)
def test_every_solution_shape_starts_the_clearing(cell):
    nb = _planted(executed=True)
    nb.cells[2] = cell
    assert ANSWER not in _texts(make_edition(nb, "student"))


def test_a_kept_cell_keeps_its_output_only_when_the_student_run_gives_the_same():
    trainer_run = _planted(executed=True)
    student_run = student_run_notebook(trainer_run)
    assert "NotImplementedError" in student_run.cells[2].source
    # what running the student edition on its own gives: the solution's name is not defined
    student_run.cells[1].outputs = _stdout("Setting up\n")
    student_run.cells[3].outputs = [new_output("error", ename="NameError", evalue="answer")]
    student_run.cells[4].outputs = _stdout(INDEPENDENT + "\n")
    student_run.cells[5].outputs = [new_output("error", ename="NameError", evalue="answer")]
    shown, warnings = kept_outputs(trainer_run, student_run, name="planted.ipynb")
    assert shown == {4}
    assert warnings == [
        'planted.ipynb, cell 6 ("print(f"Twice the answer is {answer * 2}")"): tagged '
        "keep-output, but its output changes when the student edition runs on its own (it "
        "depends on a solution); left out of the student edition"
    ]
    text = _texts(make_edition(trainer_run, "student", student_run=student_run))
    assert INDEPENDENT in text and DEPENDENT not in text and ANSWER not in text


# --- the scan ------------------------------------------------------------------------------


def test_the_scan_names_the_cell_whose_computed_output_reached_the_student():
    trainer_run = _planted(executed=True)
    leaky = make_edition(trainer_run, "student")
    leaky.cells[3].outputs = copy.deepcopy(trainer_run.cells[3].outputs)  # clearing "off"
    problems = solution_output_leaks(trainer_run, leaky, file="student/planted.html")
    assert [p.level for p in problems] == ["error"]
    assert str(problems[0]) == (
        'student/planted.html: shows the output of cell 4 ("print(f"The answer is {answer}")") '
        'as the solution made it: "The answer is 42"; a student edition must not hold what a '
        "solution computed"
    )
    assert solution_output_leaks(trainer_run, make_edition(trainer_run, "student"), file="x") == []


def test_the_scan_catches_an_edition_that_kept_an_output_it_should_not_have():
    trainer_run = _planted(executed=True)
    claimed = copy.deepcopy(trainer_run)  # a "student run" that is really the trainer's
    kept = make_edition(trainer_run, "student", student_run=claimed)
    assert DEPENDENT in _texts(kept)
    problems = solution_output_leaks(trainer_run, kept, file="student/planted.html")
    assert any("cell 6" in str(p) and DEPENDENT in str(p) for p in problems)


def test_the_scan_allows_what_the_student_sees_anyway():
    trainer_run = _planted(executed=True)
    trainer_run.cells[3].source = 'print("The answer is 42")  # no solution needed'
    student = make_edition(trainer_run, "student")
    student.cells[3].outputs = copy.deepcopy(trainer_run.cells[3].outputs)
    assert solution_output_leaks(trainer_run, student, file="x") == []
    # and what the student's own run printed too
    run = student_run_notebook(trainer_run)
    run.cells[4].outputs = _stdout(INDEPENDENT + "\n")
    student.cells[4].outputs = _stdout(INDEPENDENT + "\n")
    assert solution_output_leaks(trainer_run, student, file="x", student_run=run) == []


def test_the_scan_looks_inside_output_widgets():
    trainer_run = _planted(executed=True)
    student = make_edition(trainer_run, "student")
    state = {"w": {"state": {"outputs": _stdout(ANSWER + "\n")}}}
    student.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    assert "cell 4" in str(solution_output_leaks(trainer_run, student, file="x")[0])


# --- a whole build -------------------------------------------------------------------------


@pytest.mark.slow
def test_a_build_clears_the_planted_leak_and_keeps_what_does_not_depend_on_it(
    tmp_path: Path, chromium_path: Path
):
    from toolkit.handouts import build
    from toolkit.handouts.scans import pdf_text

    source = tmp_path / "nb" / "planted.ipynb"
    source.parent.mkdir()
    nbformat.write(_planted(executed=False), source)
    out = tmp_path / "out"
    result = build([source], out=out, fmt="all", progress=False)
    assert result.ok, result.summary()

    student = (out / "student" / "planted.html").read_text("utf-8")
    assert ANSWER not in student and DEPENDENT not in student
    assert RUN_HINT in student and 'class="ec-run-hint"' in student
    assert INDEPENDENT in student  # kept: the student edition's own run printed it too
    assert ANSWER in (out / "trainer" / "planted.html").read_text("utf-8")

    pdf = " ".join(pdf_text(out / "student" / "planted.pdf").split())
    assert ANSWER not in pdf and RUN_HINT in pdf and INDEPENDENT in pdf
    assert ANSWER in " ".join(pdf_text(out / "trainer" / "planted.pdf").split())

    notebook = nbformat.read(out / "student" / "planted.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")

    warnings = [str(p) for r in result.notebooks for p in r.problems if p.level == "warning"]
    assert any('cell 6 ("print(f"Twice the answer' in w and "keep-output" in w for w in warnings)
    assert not any("cell 5" in w for w in warnings)


def test_a_widget_or_updatable_display_before_the_solution_is_cleared_too():
    """A cell before the first solution whose output a later cell can still change (a
    widget, or a display with a display id) could show what the solution computed."""
    view = {"application/vnd.jupyter.widget-view+json": {"model_id": "m1", "version_major": 2}}
    nb = _planted(executed=True)
    nb.cells[1].outputs = [new_output("display_data", data=view)]
    updated = new_output("display_data", data={"text/plain": ANSWER})
    updated.metadata = {"everycall": {"display_id": True}}  # as the build marks it
    nb.cells.insert(2, new_code_cell("handle = display('waiting', display_id=True)"))
    nb.cells[2].outputs = [updated]
    student = make_edition(nb, "student")
    assert [o.get("data", {}).get("text/plain") for o in student.cells[1].outputs] == [RUN_HINT]
    assert [o.get("data", {}).get("text/plain") for o in student.cells[2].outputs] == [RUN_HINT]
    assert ANSWER not in _texts(student)
    # without solutions nothing is cleared: the course's own widgets stay
    plain = copy.deepcopy(nb)
    plain.cells = [c for c in plain.cells if "SOLUTION" not in c.source]
    assert make_edition(plain, "student").cells[1].outputs[0].data == view


@pytest.mark.slow
def test_a_build_clears_a_display_a_later_cell_updated_with_the_answer(
    tmp_path: Path, chromium_path: Path
):
    from toolkit.handouts import build

    nb = _planted(executed=False)
    nb.cells[1] = new_code_cell('handle = display("Working it out", display_id=True)')
    nb.cells[3] = new_code_cell('handle.update(f"The answer is {answer}")')
    nb.cells = nb.cells[:4] + nb.cells[-1:]
    source = tmp_path / "nb" / "updated.ipynb"
    source.parent.mkdir()
    nbformat.write(nb, source)
    result = build([source], out=tmp_path / "out", fmt="html", progress=False)
    assert result.ok, result.summary()
    student = (tmp_path / "out" / "student" / "updated.html").read_text("utf-8")
    assert ANSWER not in student and RUN_HINT in student
    assert ANSWER in (tmp_path / "out" / "trainer" / "updated.html").read_text("utf-8")


@pytest.mark.slow
def test_a_kept_cell_reading_a_file_the_solution_wrote_is_cleared(
    tmp_path: Path, chromium_path: Path
):
    """The student edition runs on its own in a copy of the folder taken before the trainer
    run, so a file a solution wrote cannot make a kept cell look independent."""
    from toolkit.handouts import build

    nb = _planted(executed=False)
    nb.cells[2] = new_code_cell(
        "### BEGIN SOLUTION\nanswer = 6 * 7\nopen('result.txt', 'w').write(str(answer))\n"
        "### END SOLUTION"
    )
    nb.cells[5] = new_code_cell(
        "import os\nprint('Saved:', open('result.txt').read() if os.path.exists('result.txt') "
        "else 'nothing yet')",
        metadata={"tags": ["keep-output"]},
    )
    source = tmp_path / "nb" / "writes.ipynb"
    source.parent.mkdir()
    nbformat.write(nb, source)
    result = build([source], out=tmp_path / "out", fmt="html", progress=False)
    assert result.ok, result.summary()
    student = (tmp_path / "out" / "student" / "writes.html").read_text("utf-8")
    assert "Saved: 42" not in student
    assert "Saved: 42" in (tmp_path / "out" / "trainer" / "writes.html").read_text("utf-8")
    warnings = [str(p) for r in result.notebooks for p in r.problems if p.level == "warning"]
    assert any("cell 6" in w and "keep-output" in w for w in warnings)
    assert not list(Path(__import__("tempfile").gettempdir()).glob("ec-student-run-*"))


# --- nbgrader's own example ----------------------------------------------------------------

HIDDEN = "### BEGIN HIDDEN TESTS\nassert squares(12)[-1] == 144\n### END HIDDEN TESTS"


def _nbgrader(kind: str) -> nbformat.NotebookNode:
    nb = nbformat.read(NBGRADER / kind / "ps1" / "problem1.ipynb", as_version=4)
    # The example has no hidden tests: add one to the first test cell, as nbgrader's
    # ClearHiddenTests would release it (region and its markers gone).
    test = nb.cells[5]
    assert test.metadata["nbgrader"]["grade_id"] == "correct_squares"
    if kind == "source":
        test.source += "\n" + HIDDEN
    return nb


@pytest.mark.slow
def test_nbgraders_example_assignment_gives_nbgraders_release(tmp_path: Path, chromium_path: Path):
    from nbclient import NotebookClient

    executed = _nbgrader("source")
    NotebookClient(
        executed,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    assert any(c.get("outputs") for c in executed.cells)  # squares(10), sum_of_squares(10)
    release = _nbgrader("release")
    student = make_edition(executed, "student", view="notebook", name="problem1.ipynb")
    # nbgrader also locks cells and records checksums in the metadata (LockCells,
    # ComputeChecksums): that is grading machinery, not what a learner reads, so only cell
    # types, sources and outputs are compared. nbgrader clears every output; so does our
    # student notebook when the notebook has solutions (its saved outputs come from a run in
    # an unknown order). Our handouts keep the outputs before the first solution, which an
    # in-order run cannot have shaped; here no code cell comes before it.
    assert [c.cell_type for c in student.cells] == [c.cell_type for c in release.cells]
    assert [c.source for c in student.cells] == [c.source for c in release.cells]
    assert [c.get("outputs") for c in student.cells] == [c.get("outputs") for c in release.cells]
    assert [c.get("execution_count") for c in student.cells] == [
        c.get("execution_count") for c in release.cells
    ]
    handout = make_edition(executed, "student", name="problem1.ipynb")
    outputs = [o for c in handout.cells for o in c.get("outputs", [])]
    # squares(10) and sum_of_squares(10): the answers' values, replaced by the run hint
    assert [o["data"]["text/plain"] for o in outputs] == [RUN_HINT, RUN_HINT]
