"""Handouts in a real Chromium: case text cannot run, axe catches a planted violation, and a
page that reaches for the network is caught.

Uses the system Chromium (tests/browser/conftest.py); skips without one unless CI=true.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from toolkit.handouts.scans import AXE_RUN, axe_problems, axe_script

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "notebooks"


def _printed(exercise_id: str, edition: str) -> str:
    return f"<section><p>Printed question {exercise_id} ({edition} edition).</p></section>"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Path:
    from toolkit.handouts import build

    out = tmp_path_factory.mktemp("handouts")
    result = build(
        [FIXTURES / "handout-fixture.ipynb"],
        out=out,
        fmt="html",
        exercise_renderer=_printed,
        progress=False,
    )
    assert result.ok, result.summary()
    return out


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("edition", ["student", "trainer"])
def test_script_in_a_case_summary_does_not_run(built: Path, page, edition: str):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((built / edition / "handout-fixture.html").as_uri(), wait_until="load")
    page.wait_for_selector(".plotly-graph-div .main-svg")
    page.hover(".plotly-graph-div .nsewdrag")  # hover text carries the payload too
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    # the payload is on the page as text, where a reader can see it
    assert page.locator("text=window.__pwned = 1").count() >= 1


@pytest.mark.browser
@pytest.mark.slow
def test_figure_draws_with_a_text_alternative(built: Path, page):
    page.goto((built / "student" / "handout-fixture.html").as_uri(), wait_until="load")
    svg = page.locator("#ec-fig-1 .main-svg").first
    svg.wait_for()
    assert svg.get_attribute("role") == "img"
    assert svg.get_attribute("aria-label") == "Figure 1: Calls by hour (made-up data)"
    caption = page.locator(f"#{svg.get_attribute('aria-describedby')}").inner_text()
    assert "lowest 2, highest 14" in caption


@pytest.mark.browser
def test_axe_catches_a_planted_violation(page, tmp_path: Path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><main>"
        '<img src="data:image/png;base64,iVBORw0KGgo=">'
        '<p style="color:#f2f2f2;background:#ffffff">Very faint text</p>'
        "</main></body></html>",
        encoding="utf-8",
    )
    page.goto(bad.as_uri())
    page.add_script_tag(path=str(axe_script()))
    found = axe_problems(page.evaluate(AXE_RUN), file="bad.html")
    failing = {p.message.split()[1] for p in found if p.level == "error"}
    assert {"image-alt", "html-has-lang", "color-contrast"} <= failing


@pytest.mark.browser
@pytest.mark.slow
def test_build_fails_on_a_planted_accessibility_violation(tmp_path: Path, chromium_path: Path):
    from toolkit.handouts import build

    nb = new_notebook(
        cells=[
            new_markdown_cell("# Faint\n\n**Content note:** none. Support: 0808 2000 247; 999."),
            new_markdown_cell('<p style="color:#f4f4f4">Text nobody can read on white.</p>'),
        ]
    )
    path = tmp_path / "faint.ipynb"
    nbformat.write(nb, path)
    result = build([path], out=tmp_path / "out", fmt="html", progress=False)
    assert not result.ok
    messages = [str(p) for r in result.notebooks for p in r.problems]
    assert any(m.startswith("student/faint.html: axe color-contrast (serious)") for m in messages)


@pytest.mark.browser
@pytest.mark.slow
def test_a_request_to_another_host_is_blocked_and_reported(tmp_path: Path, chromium_path: Path):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from toolkit.handouts.pdf import BrowserSession

    page = tmp_path / "cdn.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><title>x</title>'
        '<script src="https://cdn.example.org/lib.js"></script></head>'
        "<body><main><p>Offline?</p></main></body></html>",
        encoding="utf-8",
    )

    async def visit():
        async with BrowserSession(tabs=1) as session:
            return await session.visit(page, pdf=tmp_path / "cdn.pdf", axe=False)

    # the sync Playwright fixtures keep an event loop running in this thread
    with ThreadPoolExecutor(max_workers=1) as pool:
        report = pool.submit(lambda: asyncio.run(visit())).result()
    assert report.blocked == ["https://cdn.example.org/lib.js"]
    assert (tmp_path / "cdn.pdf").read_bytes().startswith(b"%PDF")
