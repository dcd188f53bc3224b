"""Question widgets in a real JupyterLab and Chromium: long options wrap, number boxes fit, and
one click on Check marks the number just typed.

The questions run in a small notebook of their own (written beside the copied course
notebooks), so the test does not wait for a whole course notebook to run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "zz-question-widgets.ipynb"
QUESTIONS = ["05-which-time-bound", "05-coder-limits", "04-attempts-per-caller", "04-staff-for-999"]

# For every option row of a question: its box, the box of its radio circle or checkbox, and
# whether its text overflows the row (the 20 px rows of ipywidgets cut wrapped text).
ROWS_JS = """(question) => [...question.querySelectorAll(
        '.widget-radio-box label, .widget-checkbox label:has(input)')].map(label => {
    const row = label.getBoundingClientRect();
    const mark = label.querySelector('input').getBoundingClientRect();
    return {top: row.top, bottom: row.bottom, height: row.height,
            markTop: mark.top, markBottom: mark.bottom, markLeft: mark.left, left: row.left,
            overflows: label.scrollHeight > label.clientHeight + 1,
            text: label.innerText};
})"""


@pytest.fixture
def questions(lab) -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    first = 'import toolkit\nfrom toolkit import exercises\ntoolkit.begin("zz-questions")'
    shows = [f'exercises.show("{q}")' for q in QUESTIONS]
    nb.cells = [nbformat.v4.new_code_cell(source) for source in [first, *shows]]
    nbformat.write(nb, str(lab.root / NOTEBOOK))
    return NOTEBOOK


def test_long_options_wrap_and_number_boxes_fit_at_1000_px(
    page, lab, run_all, errors_on_page, questions, tmp_path: Path
):
    page.set_viewport_size({"width": 1000, "height": 1000})
    run_all(page, lab, questions)
    assert errors_on_page(page) == []
    for kind, prompt in [("single-choice", "time-bound"), ("multiple-choice", "keyword theme")]:
        question = page.locator(f".everycall-{kind}", has_text=prompt).first
        question.scroll_into_view_if_needed()
        question.screenshot(path=str(tmp_path / f"{kind}.png"))
        rows = question.evaluate(ROWS_JS)
        assert len(rows) >= 4
        for above, below in zip(rows, rows[1:], strict=False):
            assert below["top"] >= above["bottom"] - 0.5, f"{below['text']!r} runs into another"
        for row in rows:
            assert not row["overflows"], f"{row['text']!r} is cut off"
            # the circle or box sits before the text, beside its first line
            assert row["markLeft"] <= row["left"] + 4, f"{row['text']!r}: mark not first"
            assert row["top"] - 1 <= row["markTop"] and row["markBottom"] <= row["top"] + 26
    wrapped = page.locator(".everycall-single-choice", has_text="time-bound").first
    assert max(r["height"] for r in wrapped.evaluate(ROWS_JS)) > 30, "expected a wrapped option"

    number = page.locator(".everycall-numeric", has_text="12,392").first
    box = number.locator("input").first
    assert box.get_attribute("placeholder") == "a number"
    assert box.bounding_box()["width"] >= 120  # "a number" shows whole, not "a numbe"


def test_one_click_on_check_marks_the_number_just_typed(page, lab, run_all, questions):
    run_all(page, lab, questions)
    question = page.locator(".everycall-numeric", has_text="120").first  # 04-staff-for-999
    question.scroll_into_view_if_needed()
    box = question.locator("input").first
    start = question.locator(".everycall-attempts").inner_text().strip()
    attempts = int(start.removeprefix("Attempts: ")) if start else 0
    for typed, verdict in [("12", "incorrect"), ("13", "correct"), ("12", "incorrect")] * 2:
        box.click()
        box.press("Control+a")
        box.type(typed, delay=40)  # then straight to Check: no Enter, no Tab
        question.locator("button.everycall-check").click()
        attempts += 1
        feedback = question.locator(f".everycall-feedback .everycall-{verdict}")
        feedback.wait_for(timeout=30_000)
        page.wait_for_function(
            "([el, n]) => el.innerText.trim() === `Attempts: ${n}`",
            arg=[question.locator(".everycall-attempts").element_handle(), attempts],
            timeout=30_000,
        )
        page.wait_for_timeout(400)  # a late value from the box would replace the feedback here
        assert feedback.count() == 1, f"typed {typed}: {question.inner_text()}"
        assert "Press Check" not in question.locator(".everycall-feedback").inner_text()
