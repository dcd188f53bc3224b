"""The start notebook in a real JupyterLab and a real Chromium: Run All, then look."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_start_here_runs_in_jupyterlab_with_widget_and_figure(
    page, lab, run_all, errors_on_page, tmp_path: Path
):
    run_all(page, lab, "00-start-here.ipynb")

    slider = page.locator(".everycall-minutes .widget-slider, .everycall-minutes.widget-slider")
    slider.first.wait_for(state="visible", timeout=60_000)
    figure = page.locator(".js-plotly-plot .main-svg").first
    figure.wait_for(state="visible", timeout=60_000)
    title = page.locator(".js-plotly-plot .gtitle").first
    assert "domestic abuse-related calls reach the police" in (title.text_content() or "")

    # The slider is live: moving it with the keyboard redraws the figure in place.
    before = title.text_content()
    page.locator(
        ".everycall-minutes .ui-slider-handle, .everycall-minutes .noUi-handle"
    ).first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "(before) => document.querySelector('.js-plotly-plot .gtitle').textContent !== before",
        arg=before,
        timeout=30_000,
    )

    page.screenshot(path=str(tmp_path / "00-start-here.png"), full_page=True)
    assert errors_on_page(page) == []


def test_answering_a_question_shows_feedback_and_survives_reopening(
    page, lab, run_all, errors_on_page, tmp_path: Path
):
    run_all(page, lab, "00-start-here.ipynb")
    question = page.locator(".everycall-exercise.everycall-single-choice").first
    question.wait_for(state="visible", timeout=60_000)
    # Feedback is not shown before an attempt.
    assert question.locator(".everycall-result").count() == 0

    question.get_by_text("Step away at any time", exact=False).click()
    question.locator(".everycall-check button, button.everycall-check").first.click()
    feedback = question.locator(".everycall-feedback .everycall-correct")
    feedback.wait_for(state="visible", timeout=30_000)
    assert "0808 2000 247" in feedback.inner_text()
    page.screenshot(path=str(tmp_path / "00-answered.png"), full_page=True)

    # Close everything: a fresh kernel and page, Run All again; the answer comes back.
    page.goto("about:blank")
    run_all(page, lab, "00-start-here.ipynb", restart=True)
    question = page.locator(".everycall-exercise.everycall-single-choice").first
    question.wait_for(state="visible", timeout=60_000)
    checked = question.locator("input[type=radio]:checked")
    assert checked.count() == 1
    label = question.locator("label:has(input[type=radio]:checked)").inner_text()
    assert "Step away at any time" in label
    assert question.locator(".everycall-correct").count() == 1
    assert errors_on_page(page) == []
