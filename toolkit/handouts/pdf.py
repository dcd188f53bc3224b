"""Open each HTML handout once in the system Chromium: check it, then print it to PDF.

One browser for the whole build (:mod:`toolkit.handouts.browser`, never Playwright's own
download); several pages at once. Per page:

1. viewport of the printable width (A4 less 15 mm margins: 680 CSS px), every request that is
   not ``file:``/``data:`` blocked and recorded (a second, live offline check);
2. ``goto(wait_until="load")``, then wait until every plotly figure has drawn its SVG (the
   stock ``webpdf`` exporter waits for ``networkidle``, which fires while plotly.js is still
   running, and its PDFs stop after the first figure);
3. axe-core, injected from the vendored copy;
4. ``emulate_media("print")`` and ``page.pdf`` at A4 with the page's own ``@page`` rules
   (margins, page numbers, the trainer mark in the top margin);
5. the PDF's creation and modification dates are rewritten in place (same length, so the
   cross-reference table stays valid) to ``SOURCE_DATE_EPOCH`` or 1980-01-01, and the
   tagged-PDF structure ids renumbered by rank: two builds give the same bytes.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import ExportError
from toolkit.handouts.browser import find_chromium, launch
from toolkit.handouts.scans import AXE_RUN, axe_script

__all__ = [
    "FIT_FIGURES",
    "PRINT_HEIGHT_PX",
    "BrowserSession",
    "PageReport",
    "fixed_pdf_dates",
    "pdf_date",
]

PRINT_WIDTH_PX = 680
#: What one printed A4 page holds under handout.css's ``@page`` margins (297 mm less 18 mm
#: and 16 mm is about 994 CSS pixels), less room for the figure's own margins.
PRINT_HEIGHT_PX = 960
FIGURE_TIMEOUT_MS = 60_000
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)")
_NODE_ID = re.compile(rb"\(node(\d+)\)")
_FIGURES_DRAWN = """() => {
  const divs = [...document.querySelectorAll('.plotly-graph-div')];
  return divs.every(d => d.querySelector('.main-svg'));
}"""
_FIGURE_COUNT = """() => {
  const divs = [...document.querySelectorAll('.plotly-graph-div')];
  const drawn = divs.filter(d => d.querySelector('.main-svg'));
  const named = drawn.filter(d => {
    const svg = d.querySelector('.main-svg');
    return svg.getAttribute('role') === 'img' && (svg.getAttribute('aria-label') || '').trim();
  });
  return [divs.length, drawn.length, named.length];
}"""


# A figure taller than a printed page would be cut across two (a swimlane of eleven agencies
# with its legend is): its chart, never its caption, is shrunk so that chart and caption fit
# one page, with the cell's code above them where the code is printed (the print CSS keeps a
# cell's code with its output). A chart that would have to shrink below 40% runs on instead.
FIT_FIGURES = """(limit) => {
  let shrunk = 0;
  for (const fig of document.querySelectorAll('figure.ec-figure')) {
    const chart = fig.querySelector('.ec-chart');
    if (!chart) continue;
    chart.style.zoom = '';
    const cell = fig.closest('.jp-CodeCell');
    const code = cell && cell.querySelector(
      ':scope > .jp-Cell-inputWrapper, :scope > details.ec-hidden-input');
    const above = code ? code.getBoundingClientRect().height : 0;
    const whole = fig.getBoundingClientRect().height + above;
    if (whole <= limit) continue;
    const tall = chart.getBoundingClientRect().height;
    const room = limit - (whole - tall);
    if (room >= 0.4 * tall) { chart.style.zoom = String(room / tall); shrunk += 1; }
  }
  return shrunk;
}"""


def pdf_date(epoch: int | None = None) -> bytes:
    """A PDF date string (``D:YYYYMMDDHHmmss+00'00'``) for ``epoch`` (default 1980-01-01).

    Examples
    --------
    >>> pdf_date(0)
    b"D:19700101000000+00'00'"
    >>> pdf_date(None)
    b"D:19800101000000+00'00'"
    """
    stamp = time.gmtime(315532800 if epoch is None else epoch)
    return time.strftime("D:%Y%m%d%H%M%S+00'00'", stamp).encode("ascii")


def fixed_pdf_dates(data: bytes, epoch: int | None = None) -> bytes:
    """Replace Chromium's creation/modification dates with a fixed one of the same length.

    Examples
    --------
    >>> fixed_pdf_dates(b"/CreationDate (D:20261123091109+00'00')", 0)
    b"/CreationDate (D:19700101000000+00'00')"
    >>> fixed_pdf_dates(b"no dates here")
    b'no dates here'
    """
    stamp = pdf_date(epoch)

    def swap(match: re.Match[bytes]) -> bytes:
        old = match.group(0)
        new = b"/" + match.group(1) + b" (" + stamp + b")"
        return new if len(new) == len(old) else old

    data = _PDF_DATE.sub(swap, data)
    return _stable_node_ids(data)


def _stable_node_ids(data: bytes) -> bytes:
    """Renumber a tagged PDF's structure ids (``(node00000525)``) by rank, same width.

    Chromium takes them from a renderer-wide DOM node counter, so they change with whatever
    else the browser has opened. Ranking keeps their order (the ``/IDTree`` is sorted) and
    their length (the cross-reference offsets stay valid).

    Examples
    --------
    >>> _stable_node_ids(b"/ID (node00000525) [(node00000529) (node00000525)]")
    b'/ID (node00000001) [(node00000002) (node00000001)]'
    """
    found = sorted({m.group(1) for m in _NODE_ID.finditer(data)}, key=int)
    rank = {old: str(i).zfill(len(old)).encode() for i, old in enumerate(found, start=1)}

    def swap(match: re.Match[bytes]) -> bytes:
        new = rank[match.group(1)]
        return b"(node" + new + b")" if len(new) == len(match.group(1)) else match.group(0)

    return _NODE_ID.sub(swap, data)


@dataclass
class PageReport:
    """What one page showed in Chromium."""

    file: Path
    violations: list[dict[str, Any]] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    figures: int = 0
    figures_drawn: int = 0
    figures_named: int = 0  # drawn with role="img" and an aria-label
    figures_shrunk: int = 0  # charts shrunk to fit a printed page with their caption
    pdf: Path | None = None
    seconds: float = 0.0
    #: where the time went: loading and drawing, the axe-core scan, printing
    load_seconds: float = 0.0
    axe_seconds: float = 0.0
    pdf_seconds: float = 0.0


class BrowserSession:
    """One Chromium for a whole build; ``await session.visit(...)`` per handout.

    Use as ``async with BrowserSession(tabs=3) as session: ...``. The session keeps ``tabs``
    pages and reuses them from handout to handout (a fresh page costs a renderer process:
    about a third of a second per handout); each visit is a fresh document all the same.
    """

    def __init__(self, *, tabs: int = 3, epoch: int | None = None) -> None:
        self._count = max(1, tabs)
        self._pages: asyncio.Queue[Any] = asyncio.Queue()
        self._epoch = epoch
        self._pw: Any = None
        self._browser: Any = None
        self._context: Any = None
        self._blocked: dict[int, list[str]] = {}
        self._axe = axe_script().read_text(encoding="utf-8")

    async def __aenter__(self) -> BrowserSession:
        from playwright.async_api import async_playwright

        find_chromium()  # a clear BrowserNotFoundError before Playwright says anything
        self._pw = await async_playwright().start()
        try:
            self._browser = await launch(self._pw)
        except Exception as exc:  # Playwright's own message names the path it tried
            await self._pw.stop()
            raise ExportError(f"Chromium could not be started for the handouts: {exc}") from exc
        self._context = await self._browser.new_context(
            viewport={"width": PRINT_WIDTH_PX, "height": 960},
            locale="en-GB",
            timezone_id="Europe/London",
        )
        for _ in range(self._count):
            page = await self._context.new_page()
            blocked: list[str] = []
            self._blocked[id(page)] = blocked
            await page.route("**/*", self._guard(blocked))
            self._pages.put_nowait(page)
        return self

    @staticmethod
    def _guard(blocked: list[str]) -> Any:
        async def guard(route: Any) -> None:
            url = route.request.url
            if url.startswith(("file:", "data:", "about:", "blob:")):
                await route.continue_()
            else:
                blocked.append(url)
                await route.abort()

        return guard

    async def __aexit__(self, *exc: object) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._pw is not None:
            await self._pw.stop()

    async def visit(self, html_file: Path, *, pdf: Path | None, axe: bool = True) -> PageReport:
        """Check ``html_file`` (axe, requests, figures) and print it to ``pdf`` if given."""
        page = await self._pages.get()
        try:
            return await self._visit(page, html_file, pdf=pdf, axe=axe)
        finally:
            self._pages.put_nowait(page)

    async def _visit(
        self, page: Any, html_file: Path, *, pdf: Path | None, axe: bool
    ) -> PageReport:
        start = time.perf_counter()
        report = PageReport(file=html_file)
        blocked = self._blocked[id(page)]
        blocked.clear()
        await page.emulate_media(media="screen")
        await page.goto(html_file.resolve().as_uri(), wait_until="load")
        try:
            await page.wait_for_function(_FIGURES_DRAWN, timeout=FIGURE_TIMEOUT_MS)
        except Exception:  # reported below as figures not drawn
            pass
        counts = await page.evaluate(_FIGURE_COUNT)
        report.figures, report.figures_drawn, report.figures_named = counts
        report.load_seconds = time.perf_counter() - start
        if axe:
            await page.evaluate(self._axe)
            report.violations = await page.evaluate(AXE_RUN)
        report.axe_seconds = time.perf_counter() - start - report.load_seconds
        if pdf is not None:
            await page.emulate_media(media="print")
            report.figures_shrunk = await page.evaluate(FIT_FIGURES, PRINT_HEIGHT_PX)
            data = await page.pdf(
                print_background=True,
                prefer_css_page_size=True,
                format="A4",
                tagged=True,
                outline=True,
            )
            tmp = pdf.with_name(pdf.name + ".part")
            tmp.write_bytes(fixed_pdf_dates(data, self._epoch))
            os.replace(tmp, pdf)
            report.pdf = pdf
        report.pdf_seconds = time.perf_counter() - start - report.load_seconds - report.axe_seconds
        await page.goto("about:blank")  # let go of the last handout's memory
        report.blocked = list(blocked)
        report.seconds = time.perf_counter() - start
        return report
