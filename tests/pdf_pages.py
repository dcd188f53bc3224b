"""Where text sits on the pages of a printed handout, for checks of page breaks.

pypdf (already used for the leak scan's PDF text) reports each piece of text with its
position; lines are pieces that share a baseline. Positions are in points from the bottom of
the page, as in PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MM = 72 / 25.4
TOP_MARGIN, BOTTOM_MARGIN = 18 * MM, 16 * MM  # the handouts' @page margins
_FIGURE = re.compile(r"^Figure \d+\.")


@dataclass
class Page:
    number: int
    height: float
    lines: list[tuple[float, str]]  # (baseline y, text), top of the page first

    @property
    def content_top(self) -> float:
        return self.height - TOP_MARGIN

    @property
    def body_lines(self) -> list[tuple[float, str]]:
        """Lines in the printable area (not the page number in the bottom margin)."""
        return [(y, t) for y, t in self.lines if BOTTOM_MARGIN < y < self.content_top + 2]

    def blank_below(self) -> float:
        """Points of empty printable space under the last line of text."""
        body = self.body_lines
        return (body[-1][0] - BOTTOM_MARGIN) if body else self.content_top - BOTTOM_MARGIN

    def leading_figure_height(self) -> float | None:
        """Height of a figure that opens the page (its chart and caption), or None.

        The figure is the page's first block when its caption ("Figure N. ...") comes before
        any heading or other caption; its height runs from the top of the printable area to
        the last line of the caption paragraph.
        """
        body = self.body_lines
        starts = [i for i, (_y, t) in enumerate(body) if _FIGURE.match(t)]
        if not starts:
            return None
        i = starts[0]
        end = body[i][0]
        for (y0, _t0), (y1, _t1) in zip(body[i:], body[i + 1 :], strict=False):
            if y0 - y1 > 22:  # a gap wider than a caption's line spacing ends the caption
                break
            end = y1
        return self.content_top - end + 4


def pages(path: Path) -> list[Page]:
    from pypdf import PdfReader

    out = []
    for number, page in enumerate(PdfReader(str(path)).pages, start=1):
        pieces: list[tuple[float, float, str]] = []

        def visit(text: str, cm, tm, font_dict, font_size, pieces=pieces) -> None:
            if text.strip():
                y = tm[5] * cm[3] + cm[5]
                x = tm[4] * cm[0] + cm[4]
                pieces.append((round(y, 0), x, text))

        page.extract_text(visitor_text=visit)
        rows: dict[float, list[tuple[float, str]]] = {}
        for y, x, text in pieces:
            rows.setdefault(y, []).append((x, text))
        lines = [
            (y, " ".join(t.strip() for _x, t in sorted(rows[y])).strip())
            for y in sorted(rows, reverse=True)
        ]
        out.append(Page(number, float(page.mediabox.height), [ln for ln in lines if ln[1]]))
    return out


def figures_pushed_over(path: Path, *, blank_share: float = 0.4) -> list[str]:
    """Pages left at least ``blank_share`` empty before a figure that would have fitted there."""
    found = []
    doc = pages(path)
    for page, following in zip(doc, doc[1:], strict=False):
        area = page.content_top - BOTTOM_MARGIN
        blank = page.blank_below()
        figure = following.leading_figure_height()
        if figure is not None and blank >= blank_share * area and figure < blank - 0.1 * area:
            found.append(
                f"{path.name}: page {page.number} is {blank / area:.0%} blank, and the figure "
                f"opening page {following.number} ({figure / area:.0%} of a page) would fit there"
            )
    return found
