"""Write the fixture notebooks in this folder: ``python tests/data/notebooks/make_fixtures.py``.

The ``.ipynb`` files are committed; this script is how they were made, so a change to a
fixture is a change here first.

* ``nbgrader-style.ipynb``: nbgrader solution regions (indented, in a function), a solution
  cell without markers (code and markdown), hidden tests, a mark scheme, a widget created in
  a solution region, a trainer cell spelled ``Instructor``, RISE speaker notes, notebook
  metadata a reviewer left behind.
* ``handout-fixture.ipynb``: a plotly figure wider than the page, widgets (slider, HTML,
  Output), a DataFrame, an exercise output, a trainer cell, ``remove_input`` and
  ``hide-input`` cells, a case summary carrying ``<script>`` and ``onerror`` payloads, and an
  Output widget that captured a trainer note (``toolkit.exercises.draft_trainer_note``) and an
  exercise widget whose state holds its feedback.
* ``failing.ipynb``: a cell that raises, for the "one notebook fails, the rest build" test.
"""

from pathlib import Path

import nbformat as nbf
from nbformat.v4 import new_code_cell as code
from nbformat.v4 import new_markdown_cell as md
from nbformat.v4 import new_notebook

OPENING = """# {title}

**Who this is for:** test fixture for the handouts build.

**You will leave able to:**
- {obj1};
- {obj2}.

**Time needed:** 5 minutes.

**Content note:** this fixture mentions domestic abuse in general terms only.
You can step away at any time.

**Support:** National Domestic Abuse Helpline 0808 2000 247 (free, 24 hours); 999 in an
emergency (55 if you cannot speak)."""

HERE = Path(__file__).resolve().parent


def ids(nb, prefix):
    for i, c in enumerate(nb.cells):
        c["id"] = f"{prefix}-{i:02d}"
    return nb


def main() -> None:
    # ---------------------------------------------------------------- nbgrader-style
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["reviewer"] = {"notes": "Reviewer metadata note: mark generously on question two."}
    nb.cells = [
        md(
            OPENING.format(
                title="nbgrader-style fixture",
                obj1="write a small function",
                obj2="explain a risk indicator",
            )
        ),
        code(
            'def squares(n):\n    """Return the first n square numbers."""\n'
            "    ### BEGIN SOLUTION\n"
            "    return [i * i for i in range(1, n + 1)]\n    ### END SOLUTION",
            metadata={
                "nbgrader": {
                    "solution": True,
                    "grade": False,
                    "grade_id": "squares",
                    "locked": False,
                    "schema_version": 3,
                    "checksum": "0123456789abcdef",
                }
            },
        ),
        code(
            "assert squares(3) == [1, 4, 9]\n### BEGIN HIDDEN TESTS\n"
            'assert squares(10)[-1] == 100, "hidden check on the tenth square number"\n'
            "### END HIDDEN TESTS",
            metadata={
                "nbgrader": {
                    "solution": False,
                    "grade": True,
                    "grade_id": "squares-tests",
                    "locked": True,
                    "points": 2,
                    "schema_version": 3,
                }
            },
        ),
        md(
            "**Question.** Explain why the call handler asked about previous incidents.\n\n"
            "=== BEGIN MARK SCHEME ===\n"
            "Award one mark for linking repeat victimisation to a higher risk of serious harm.\n"
            "=== END MARK SCHEME ===",
            metadata={
                "nbgrader": {
                    "task": True,
                    "grade": False,
                    "grade_id": "q2-task",
                    "locked": True,
                    "points": 1,
                    "schema_version": 3,
                }
            },
        ),
        md(
            "Repeat calls from the same address are a warning sign that the risk is escalating "
            "over time.",
            metadata={
                "nbgrader": {
                    "solution": True,
                    "grade": True,
                    "grade_id": "q2-answer",
                    "locked": False,
                    "points": 1,
                    "schema_version": 3,
                }
            },
        ),
        code(
            "total_of_squares = sum(squares(4))  # the total of the first four squares is thirty",
            metadata={
                "nbgrader": {
                    "solution": True,
                    "grade": False,
                    "grade_id": "total",
                    "locked": False,
                    "schema_version": 3,
                }
            },
        ),
        code(
            "import ipywidgets as widgets\nfrom IPython.display import display\n\n"
            'shown = widgets.Label(value="A label every edition may show")\n'
            "display(shown)\n"
            "### BEGIN SOLUTION\n"
            'secret_widget = widgets.HTML(value="Model answer widget: the referral should have '
            'gone to the Marac meeting")\n'
            "### END SOLUTION"
        ),
        code("display(secret_widget)", metadata={"tags": ["trainer"]}),
        md(
            "Facilitator prompt: ask the group what the call handler knew at 02:14 and why it "
            "mattered.",
            metadata={"tags": ["Instructor"]},
        ),
        md(
            "Speaker note: allow ten minutes for the discussion in pairs before moving on.",
            metadata={"slideshow": {"slide_type": "notes"}},
        ),
        md("## Sources\n\n- Fixture source, *A made-up reference for tests*, 2026."),
    ]
    nbf.write(ids(nb, "nbg"), HERE / "nbgrader-style.ipynb")

    # ---------------------------------------------------------------- handout fixture
    PAYLOAD = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        md(
            OPENING.format(
                title="Handout fixture",
                obj1="read a figure of calls by hour",
                obj2="answer a printed question",
            )
        ),
        code(
            "import ipywidgets as widgets\nimport pandas as pd\nimport plotly.graph_objects as go\n"
            "from IPython.display import HTML, Markdown, display\n\n"
            f'CASE_SUMMARY = {PAYLOAD!r} + " Case summary for an injection test."\n'
            'FEEDBACK = "Feedback: Marac is right because it is the multi-agency risk assessment '
            'conference."',
            metadata={"tags": ["remove_input"]},
        ),
        md("## Calls by hour\n\nThe figure shows a made-up count of calls in each hour."),
        code(
            "fig = go.Figure(\n"
            '    go.Bar(x=[f"{h:02d}:00" for h in range(24)],\n'
            "           y=[(h * 7) % 13 + 2 for h in range(24)],\n"
            '           name="Calls", hovertext=[CASE_SUMMARY] * 24),\n'
            '    layout=dict(title="Calls by hour (made-up data)", width=1200,\n'
            '                meta={"description": "Bar chart of made-up calls by hour: lowest 2, '
            'highest 14."}),\n)\nfig'
        ),
        md("## A control and a table"),
        code(
            'slider = widgets.IntSlider(value=12, min=1, max=40, description="Call handlers")\n'
            "note = widgets.HTML(value=CASE_SUMMARY)\n"
            "out = widgets.Output()\n"
            'with out:\n    print("Captured inside the Output widget")\n'
            "display(widgets.VBox([slider, note, out]))",
            metadata={"tags": ["hide-input"]},
        ),
        code('pd.DataFrame({"event": [1, 2], "summary": [CASE_SUMMARY, "An ordinary row"]})'),
        code("display(Markdown(CASE_SUMMARY))\ndisplay(HTML(CASE_SUMMARY))\nprint(CASE_SUMMARY)"),
        md("## A question"),
        code(
            "question = widgets.VBox([\n"
            '    widgets.HTML(value="Which meeting shares information on high-risk cases?"),\n'
            '    widgets.RadioButtons(options=["Marac", "Case conference"]),\n'
            "    widgets.HTML(value=FEEDBACK),\n])\n"
            'display(question, metadata={"everycall": {"exercise": "fixture-q1"}})'
        ),
        md(
            "**Trainer note.** Facilitator prompt: pause here and ask who else could have shared "
            "information before the meeting.",
            metadata={"tags": ["trainer"]},
        ),
        code(
            "import toolkit.exercises\n\n"
            "captured = widgets.Output()\n"
            "with captured:\n"
            "    toolkit.exercises.draft_trainer_note(\n"
            '        "Captured trainer note: tell the room the answer is the second 999 call."\n'
            "    )\n"
            '    asked = widgets.HTML(value="A question shown inside an Output widget")\n'
            "    display(\n"
            "        widgets.VBox([asked, widgets.HTML(value=FEEDBACK)]),\n"
            '        metadata={"everycall": {"exercise": "fixture-q1"}},\n'
            "    )\n"
            "display(captured)",
            metadata={"tags": ["remove-input"]},
        ),
        md("## Sources\n\n- Fixture source, *A made-up reference for tests*, 2026."),
    ]
    nbf.write(ids(nb, "hof"), HERE / "handout-fixture.ipynb")

    # ---------------------------------------------------------------- a notebook that fails
    nb = new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        md(
            OPENING.format(
                title="Failing fixture", obj1="see a clear error", obj2="see others build"
            )
        ),
        code("x = 1"),
        code('raise ValueError("planted failure for the handouts test")'),
    ]
    nbf.write(ids(nb, "bad"), HERE / "failing.ipynb")


if __name__ == "__main__":
    main()
