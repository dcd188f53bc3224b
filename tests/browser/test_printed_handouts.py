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
