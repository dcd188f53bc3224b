"""What a room sees in JupyterLab: tables learners read, widgets that line up, a coding task
done without code, and a debrief page in words. Measured from element boxes in Chromium."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Words of table headings (and any element given) that the browser broke across two lines.
WORDS_SPLIT = """(selector) => {
    const broken = [];
    for (const el of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            // words, and the parts of a hyphenated compound (which may wrap after its hyphen)
            for (const m of node.textContent.matchAll(/[^\\s-]+-?/g)) {
                if (m[0].length > 25) continue;  // a web address may break
                const r = document.createRange();
                r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
                const lines = new Set([...r.getClientRects()].map(b => Math.round(b.top)));
                if (lines.size > 1) broken.push(m[0]);
            }
        }
    }
    return broken;
}"""


def _boxes(locator) -> list[dict]:
    """The boxes of the elements on screen (width and height above zero), with their text."""
    return locator.evaluate_all(
        "els => els.map(e => { const b = e.getBoundingClientRect();"
        " return {left: b.left, right: b.right, top: b.top, bottom: b.bottom,"
        " width: b.width, height: b.height,"
        " text: (e.innerText ?? e.textContent ?? '').trim()}; })"
        ".filter(b => b.width > 0 && b.height > 0)"
    )


def test_notebook_02_tables_and_explorer_read_as_a_learner_expects(
    page, lab, run_all, errors_on_page, tmp_path: Path
):
    run_all(page, lab, "02-missed-opportunities.ipynb")
    assert errors_on_page(page) == []
    tables = page.locator(".jp-OutputArea-output table.everycall-table")
    assert tables.count() >= 3
    for i in range(tables.count()):
        table = tables.nth(i)
        headings = table.locator("th").evaluate_all("ths => ths.map(th => th.textContent)")
        assert headings[0].strip(), f"a blank first heading (an index column): {headings}"
        assert not any("_" in h for h in headings), headings
    assert page.evaluate(WORDS_SPLIT, ".jp-OutputArea-output table.everycall-table th") == []
    # prose is left-aligned (pandas right-aligns every cell)
    aligns = page.locator(".jp-OutputArea-output table.everycall-table td").evaluate_all(
        "tds => tds.filter(td => td.innerText.length > 60)"
        ".map(td => getComputedStyle(td).textAlign)"
    )
    assert aligns and set(aligns) == {"left"}
    # the rules: one short line each, the detail one click away
    rules = page.locator("details.everycall-rule")
    assert rules.count() >= 14
    first = rules.first
    first.scroll_into_view_if_needed()
    assert not first.locator("text=What it looks for").is_visible()
    first.locator("summary").click()
    assert first.locator("text=What it looks for").is_visible()

    explorer = page.locator(".everycall-explorer").first
    explorer.scroll_into_view_if_needed()
    event_list = explorer.locator(".widget-dropdown select").nth(1)  # Case, then Event
    event_list.select_option(
        value=None, label=event_list.locator("option", has_text="E05").first.inner_text()
    )
    detail = explorer.locator(".everycall-event-detail")
    detail.locator("th").first.wait_for()
    detail.screenshot(path=str(tmp_path / "detail.png"))
    if os.environ.get("EVERYCALL_SCREENSHOTS"):
        detail.screenshot(path=str(Path(os.environ["EVERYCALL_SCREENSHOTS"]) / "02-detail.png"))
    labels, values = _boxes(detail.locator("th")), _boxes(detail.locator("td"))
    assert len(labels) == len(values) >= 4
    assert max(b["left"] for b in labels) - min(b["left"] for b in labels) < 1
    assert max(b["left"] for b in values) - min(b["left"] for b in values) < 1
    assert min(b["left"] for b in values) >= max(b["right"] for b in labels) - 1
    for label, value in zip(labels, values, strict=True):
        assert abs(label["top"] - value["top"]) < 3, (label["text"], value["text"])

    # Filter to two agencies: the timeline shrinks to them and E05 (a police call) is hidden.
    agencies = explorer.locator(".widget-select-multiple select")
    agencies.select_option(label=["GP", "School"])
    page.wait_for_function(
        """(root) => root.querySelectorAll('.yaxislayer-above .ytick').length <= 5""",
        arg=explorer.element_handle(),
        timeout=30_000,
    )
    page.wait_for_timeout(800)
    figure = explorer.locator(".everycall-timeline")
    figure.screenshot(path=str(tmp_path / "filtered.png"))
    if os.environ.get("EVERYCALL_SCREENSHOTS"):
        figure.screenshot(path=str(Path(os.environ["EVERYCALL_SCREENSHOTS"]) / "02-filtered.png"))

    lanes = _boxes(figure.locator(".yaxislayer-above text"))
    agency_ticks = [b for b in lanes if b["text"] in ("GP", "School")]
    assert len(agency_ticks) == 2
    assert abs(agency_ticks[0]["top"] - agency_ticks[1]["top"]) < 70  # not spread over 370 px
    risk_ticks = [b for b in lanes if b["text"].endswith(" risk")]
    x_ticks = _boxes(figure.locator(".xaxislayer-above text"))
    assert risk_ticks and x_ticks
    lowest_risk = max(b["bottom"] for b in risk_ticks)
    assert lowest_risk <= min(b["top"] for b in x_ticks), "a risk label runs into the date axis"
    page.wait_for_function(
        """(root) => root.querySelector('.everycall-event-detail') === null""",
        arg=explorer.element_handle(),
        timeout=30_000,
    )
    assert "Choose an event" in explorer.inner_text()


def test_notebook_00_dot_figure_has_no_gap_under_it(page, lab, run_all, errors_on_page):
    run_all(page, lab, "00-start-here.ipynb")
    assert errors_on_page(page) == []
    figure = page.locator(".jp-OutputArea-output .js-plotly-plot").first
    figure.scroll_into_view_if_needed()
    markers = _boxes(figure.locator(".scatterlayer .point"))
    note = _boxes(figure.locator(".annotation"))
    assert len(markers) == 30 and note
    gap = min(b["top"] for b in note) - max(b["bottom"] for b in markers)
    assert 0 <= gap < 45, f"{gap:.0f} px between the dots and the source note"


def test_notebook_05_coding_is_done_with_lists_and_saved(page, lab, run_all, errors_on_page):
    run_all(page, lab, "05-learning-from-reviews.ipynb")
    assert errors_on_page(page) == []
    task = page.locator(".everycall-own-coding").first
    task.scroll_into_view_if_needed()
    choices = task.locator(".everycall-coding-choice select")
    assert choices.count() == 6
    for i in range(6):
        choices.nth(i).select_option(label="training")
    saved_file = lab.root.parent / "answers" / "browser-test" / "05-learning-from-reviews.json"
    page.wait_for_function(
        "(el) => el.innerText.includes('6 of 6 coded')", arg=task.element_handle(), timeout=20_000
    )
    saved = json.loads(saved_file.read_text(encoding="utf-8"))
    assert set(saved["answers"]["coding:05-own-coding"]["value"].values()) == {"training"}
    task.locator(".everycall-coding-compare").click()
    result = task.locator(".everycall-coding-result")
    result.locator("text=Cohen").wait_for(timeout=20_000)
    assert "agreed on" in result.inner_text()


def test_the_debrief_page_reads_in_words(page, tmp_path: Path):
    from toolkit import cohort

    cohort.demo_cohort(tmp_path / "in", learners=5)
    cohort.collect(tmp_path / "in", out=tmp_path / "out" / "cohort.csv")
    page.goto((tmp_path / "out" / "cohort.html").as_uri(), wait_until="load")
    page.wait_for_selector(".main-svg")
    assert page.evaluate(WORDS_SPLIT, "h1, h2, h3, th") == []
    headings = page.locator("h3").all_inner_texts()
    assert headings and not any("…" in h or "_" in h for h in headings)
    assert len(headings) == len(set(headings))  # each question once
    titles = page.locator(".gtitle").all_inner_texts()
    assert titles == []  # charts carry no title of their own: the heading above says it
