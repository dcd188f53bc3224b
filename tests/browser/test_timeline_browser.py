"""Notebook 01 in a real JupyterLab: the case timeline renders with its title and markers."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_case_timeline_renders_in_jupyterlab(page, lab, run_all, errors_on_page, tmp_path: Path):
    run_all(page, lab, "01-reading-a-case-timeline.ipynb")
    plot = page.locator(".js-plotly-plot.everycall-timeline").first
    # JupyterLab does not draw off-screen cells; bring the figure into view first.
    plot.scroll_into_view_if_needed(timeout=60_000)
    plot.locator(".main-svg").first.wait_for(state="visible", timeout=60_000)
    title = plot.locator(".gtitle").first.text_content() or ""
    assert title.startswith("Timeline of contacts")
    markers = plot.locator(".scatterlayer .point").count()
    assert markers >= 30, f"expected the case's events as markers, found {markers}"
    page.locator(".everycall-explorer").first.wait_for(state="attached", timeout=30_000)
    page.screenshot(path=str(tmp_path / "01-timeline.png"), full_page=False)
    assert errors_on_page(page) == []
