"""Printed handouts of the real course in Chromium's print layout, at the printable width:
each printed question's option has one marker (a circle for one answer, a square box for
several) and no bullet; no table heading breaks inside a word; no table is wider than the
page. The course is built once per test session (the ``course`` fixture in tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORDS_SPLIT = """() => {
    const broken = [];
    for (const th of document.querySelectorAll('th')) {
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            // words, and the parts of a hyphenated compound (which may wrap after its hyphen)
            for (const m of node.textContent.matchAll(/[^\\s-]+-?/g)) {
                const r = document.createRange();
                r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
                const lines = new Set([...r.getClientRects()].map(b => Math.round(b.top)));
                if (lines.size > 1) broken.push(m[0]);
            }
        }
    }
    return broken;
}"""
MARKERS = """() => [...document.querySelectorAll('.everycall-printed-question li')].map(li => [
    getComputedStyle(li).listStyleType,
    li.closest('.everycall-printed').className,
    li.textContent.trim().slice(0, 2)])"""
TOO_WIDE = """() => [...document.querySelectorAll('table')].filter(t =>
    t.getBoundingClientRect().right > document.body.getBoundingClientRect().right + 1
).map(t => t.innerText.slice(0, 60))"""


@pytest.mark.parametrize("edition", ["student", "trainer"])
def test_printed_pages_read_well(course: Path, page, edition: str):
    page.set_viewport_size({"width": 680, "height": 960})
    page.emulate_media(media="print")
    handouts = sorted((course / edition).glob("*.html"))
    assert len(handouts) >= 7
    kinds = set()
    for handout in handouts:
        page.goto(handout.as_uri(), wait_until="load")
        assert page.evaluate(WORDS_SPLIT) == [], handout.name
        assert page.evaluate(TOO_WIDE) == [], handout.name
        for style, kind, start in page.evaluate(MARKERS):
            assert style == "none", f"{handout.name}: a bullet as well as a marker"
            if "everycall-printed-multiple-choice" in kind:
                kinds.add("multiple")
                assert start.startswith("☐"), (handout.name, start)
            elif "everycall-printed-single-choice" in kind:
                kinds.add("single")
                assert start.startswith("○"), (handout.name, start)
    if edition == "student":
        assert kinds == {"single", "multiple"}  # both kinds were printed and checked


@pytest.mark.parametrize("edition", ["student", "trainer"])
def test_no_printed_figure_is_cut_across_two_pages(course: Path, page, edition: str):
    """Chart and caption fit one printed page: the build shrinks a chart taller than that
    (notebook 02's swimlane of eleven agencies with its legend was cut across two pages,
    its "Rule flag" legend entry sliced in half)."""
    from pypdf import PdfReader

    from toolkit.handouts.pdf import FIT_FIGURES, PRINT_HEIGHT_PX

    page.set_viewport_size({"width": 680, "height": 960})
    page.emulate_media(media="print")
    shrunk = 0
    for handout in sorted((course / edition).glob("*.html")):
        page.goto(handout.as_uri(), wait_until="load")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.plotly-graph-div')]"
            ".every(d => d.querySelector('.main-svg'))"
        )
        shrunk += page.evaluate(FIT_FIGURES, PRINT_HEIGHT_PX)
        heights = page.evaluate(
            "() => [...document.querySelectorAll('figure.ec-figure')]"
            ".map(f => f.getBoundingClientRect().height)"
        )
        assert heights, handout.name
        assert max(heights) <= PRINT_HEIGHT_PX + 1, (handout.name, max(heights))
    assert shrunk >= 1  # the swimlanes of 01 and 02 need it: the check above was exercised

    # In the PDF itself: notebook 02's swimlane legend, heading to last entry, on one page.
    pdf = PdfReader(course / edition / "02-missed-opportunities.pdf")
    pages = [p.extract_text() or "" for p in pdf.pages]
    legend = [n for n, text in enumerate(pages, start=1) if "Rule flag" in text]
    assert legend, "the swimlane legend was not found in the PDF"
    for n in legend:
        assert "Contact type" in pages[n - 1], f"page {n}: the legend runs on from the page before"
