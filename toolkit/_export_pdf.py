"""Open each HTML handout once in the system Chromium: check it, then print it to PDF.

Private to ``toolkit.handouts``. One browser for the whole build (``toolkit.browser``, never
Playwright's own download); several pages at once. Per page:

1. viewport of the printable width (A4 less 15 mm margins: 680 CSS px), every request that is
   not ``file:``/``data:`` blocked and recorded (a second, live offline check);
2. ``goto(wait_until="load")``, then wait until every plotly figure has drawn its SVG (the
   stock ``webpdf`` exporter waits for ``networkidle``, which fires while plotly.js is still
   running, and its PDFs stop after the first figure);
3. axe-core, injected from the vendored copy;
4. ``emulate_media("print")`` and ``page.pdf`` at A4 with the page's own ``@page`` rules
   (margins, page numbers, the trainer mark in the top margin);
5. the PDF's creation and modification dates are rewritten in place (same length, so the
   cross-reference table stays valid) to ``SOURCE_DATE_EPOCH`` or 1980-01-01: two builds
   give the same bytes.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.checks import AXE_RUN, axe_script
from toolkit.errors import ExportError

__all__ = ["BrowserSession", "PageReport", "fixed_pdf_dates", "pdf_date"]

PRINT_WIDTH_PX = 680
FIGURE_TIMEOUT_MS = 60_000
_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)")
_FIGURES_DRAWN = """() => {
  const divs = [...document.querySelectorAll('.plotly-graph-div')];
  return divs.every(d => d.querySelector('.main-svg'));
}"""
_FIGURE_COUNT = """() => [document.querySelectorAll('.plotly-graph-div').length,
  document.querySelectorAll('.plotly-graph-div .main-svg').length > 0
    ? [...document.querySelectorAll('.plotly-graph-div')].filter(
        d => d.querySelector('.main-svg')).length : 0]"""


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

    return _PDF_DATE.sub(swap, data)


@dataclass
class PageReport:
    """What one page showed in Chromium."""

    file: Path
    violations: list[dict[str, Any]] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    figures: int = 0
    figures_drawn: int = 0
    pdf: Path | None = None
    seconds: float = 0.0


class BrowserSession:
    """One Chromium for a whole build; ``await session.visit(...)`` per handout.

    Use as ``async with BrowserSession(tabs=3) as session: ...``.
    """

    def __init__(self, *, tabs: int = 3, epoch: int | None = None) -> None:
        self._tabs = asyncio.Semaphore(max(1, tabs))
        self._epoch = epoch
        self._pw: Any = None
        self._browser: Any = None
        self._axe = axe_script().read_text(encoding="utf-8")

    async def __aenter__(self) -> BrowserSession:
        from playwright.async_api import async_playwright

        from toolkit.browser import find_chromium, launch

        find_chromium()  # a clear BrowserNotFoundError before Playwright says anything
        self._pw = await async_playwright().start()
        try:
            self._browser = await launch(self._pw)
        except Exception as exc:  # Playwright's own message names the path it tried
            await self._pw.stop()
            raise ExportError(f"Chromium could not be started for the handouts: {exc}") from exc
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._pw is not None:
            await self._pw.stop()

    async def visit(self, html_file: Path, *, pdf: Path | None, axe: bool = True) -> PageReport:
        """Check ``html_file`` (axe, requests, figures) and print it to ``pdf`` if given."""
        async with self._tabs:
            start = time.perf_counter()
            report = PageReport(file=html_file)
            context = await self._browser.new_context(
                viewport={"width": PRINT_WIDTH_PX, "height": 960},
                locale="en-GB",
                timezone_id="Europe/London",
            )
            try:
                page = await context.new_page()

                async def guard(route: Any) -> None:
                    url = route.request.url
                    if url.startswith(("file:", "data:", "about:", "blob:")):
                        await route.continue_()
                    else:
                        report.blocked.append(url)
                        await route.abort()

                await page.route("**/*", guard)
                await page.goto(html_file.resolve().as_uri(), wait_until="load")
                try:
                    await page.wait_for_function(_FIGURES_DRAWN, timeout=FIGURE_TIMEOUT_MS)
                except Exception:  # reported below as figures not drawn
                    pass
                report.figures, report.figures_drawn = await page.evaluate(_FIGURE_COUNT)
                if axe:
                    await page.evaluate(self._axe)
                    report.violations = await page.evaluate(AXE_RUN)
                if pdf is not None:
                    await page.emulate_media(media="print")
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
            finally:
                await context.close()
            report.seconds = time.perf_counter() - start
            return report
