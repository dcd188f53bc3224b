"""Layout for the toolkit's figures: source notes that are never cut, legends above the plot,
slider groups with one label width.

Shared by :mod:`toolkit.hmic`, :mod:`toolkit.recommendations`, :mod:`toolkit.risk` and
:mod:`toolkit.calls.figures`, so each figure sizes its margins from the lines its note
really takes, at the width of an A4 page (680 px), in the widest font a reader may have.
Pure arithmetic on text; nothing here imports plotly.

Examples
--------
>>> note_lines("Source: a title, https://example.org/a/very/long/address/that/wraps")[0]
'Source: a title, https://example.org/a/very/long/address/that/wraps'
>>> slider_layout([])
Traceback (most recent call last):
...
toolkit.errors.ModelError: a group of sliders needs at least one label; got none
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from typing import Any

from toolkit.core.session import in_presenter_view
from toolkit.errors import ModelError

__all__ = [
    "CHAR_EM",
    "left_margin",
    "legend_above",
    "note_layout",
    "note_lines",
    "slider_layout",
    "source_layout",
]


def _wrap(text: str, width: int) -> list[str]:
    """Wrap text onto lines of at most ``width`` characters, breaking a URL after a "/".

    textwrap would either split a URL anywhere or leave it whole and too wide to print. A
    piece still longer than ``width`` (a URL segment without a "/") is cut into lines of
    ``width`` characters, so that no line is wider than asked.

    >>> _wrap("See https://example.org/a-long-path/to/a/page now", 30)
    ['See https://example.org/', 'a-long-path/to/a/page now']
    >>> _wrap("Title, https://www.example.org/path", 24)
    ['Title,', 'https://www.example.org/', 'path']
    >>> _wrap("https://example.org/abcdefghij", 8)
    ['https://', 'example.', 'org/', 'abcdefgh', 'ij']
    >>> _wrap("two words", 0)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: width must be at least 1 character; got 0
    """
    if width < 1:
        raise ModelError(f"width must be at least 1 character; got {width}")
    pieces: list[tuple[str, bool]] = []  # (text, whether a space comes before it)
    for word in text.split():
        parts = re.findall(r"\w+://[^/]*/*|[^/]*/+|[^/]+", word) if "://" in word else [word]
        for i, part in enumerate(parts):
            chunks = [part[at : at + width] for at in range(0, len(part), width)]
            pieces.extend((chunk, i == 0 and j == 0) for j, chunk in enumerate(chunks))
    lines: list[str] = []
    line = ""
    for part, spaced in pieces:
        joined = f"{line} {part}" if spaced and line else line + part
        if line and len(joined) > width:
            lines.append(line)
            line = part
        else:
            line = joined
    return [*lines, line] if line else lines


# ---------------------------------------------------------- layout shared by the figures
# Source notes, legends and slider rows for the figure modules (toolkit.recommendations,
# toolkit.risk, toolkit.calls.figures and this one), laid out in pixels one way for all.

#: The narrowest page a figure is drawn on, in CSS px: an A4 handout with 15 mm margins.
_PAGE_WIDTH = 680
# The average width of a character as a share of the font size, in the widest font plotly
# falls back to (Verdana, drawn here by DejaVu Sans: 0.47 to 0.55 over data/sources.csv),
# with room for a line of wide letters.
CHAR_EM = 0.58
_NOTE_INSET = 8  # px between the figure's left edge and its note
_LINE_SPACING = 1.3  # plotly.js sets the lines of an annotation 1.3 font sizes apart
_TITLE_ROOM = 46  # px above a legend: the title, pinned 16 px below the figure's top
_LEGEND_ROW = 24  # px per row of a horizontal legend (12 px text and its padding)


def note_lines(text: str, font_size: float = 11) -> list[str]:
    """``text`` wrapped so that every line fits ``_PAGE_WIDTH`` at ``font_size`` px.

    >>> note_lines("Source: " + "word " * 60)[0]
    'Source: word word word word word word word word word word word word word word word word word word word'
    >>> max(map(len, note_lines("Source: " + "word " * 60)))
    104
    """  # noqa: E501
    return _wrap(text, int((_PAGE_WIDTH - 2 * _NOTE_INSET) / (font_size * CHAR_EM)))


def note_layout(
    lines: Sequence[str],
    *,
    plot_height: int,
    top: int = 60,
    left: int = 60,
    right: int = 20,
    axis: int = 60,
    font_size: float = 11,
) -> dict[str, Any]:
    """Layout for a figure with a note of ``lines`` (plain text) under its x axis.

    Sized in pixels, not as a share of the plot: the plotting area keeps ``plot_height`` px,
    the bottom margin is ``axis`` px (room for the x tick labels and title) plus the note's
    lines, and the figure grows to fit, so no line of the note is cut off. The note starts
    near the figure's left edge; with lines from :func:`note_lines` it fits a page of
    ``_PAGE_WIDTH`` px. Pass the result to ``fig.update_layout(**...)``.

    >>> layout = note_layout(["Source: one", "two"], plot_height=200, axis=50)
    >>> layout["margin"]["b"], layout["height"], layout["annotations"][0]["text"]
    (89, 349, 'Source: one<br>two')
    >>> note_layout([], plot_height=200)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: a figure's note needs at least one line (its source); got none
    """
    if not lines:
        raise ModelError("a figure's note needs at least one line (its source); got none")
    bottom = axis + math.ceil(len(lines) * font_size * _LINE_SPACING) + 10
    return {
        "height": top + plot_height + bottom,
        "margin": {"l": left, "r": right, "t": top, "b": bottom},
        "annotations": [
            {
                "text": "<br>".join(html.escape(line) for line in lines),
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "xshift": _NOTE_INSET - left,
                "yshift": -axis,
                "xanchor": "left",
                "yanchor": "top",
                "align": "left",
                "font": {"size": font_size},
            }
        ],
    }


def left_margin(labels: Sequence[Any], *, minimum: int = 60, font_size: float = 12) -> int:
    """A left margin (px) wide enough for the longest y tick label in the widest font.

    plotly would otherwise widen the margin itself and move the note under the figure right.

    >>> left_margin(["Northampton Partnership Homes (NPH)"], minimum=220)
    264
    >>> left_margin(["NSAB"], minimum=220)
    220
    >>> left_margin([], minimum=-1)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: minimum must be a margin of 0 px or more; got -1
    """
    if minimum < 0:
        raise ModelError(f"minimum must be a margin of 0 px or more; got {minimum}")
    longest = max((len(str(label)) for label in labels), default=0)
    return max(minimum, math.ceil(longest * font_size * CHAR_EM) + 20)


def legend_above(
    names: Sequence[str], *, left: int = 60, right: int = 20, font_size: float = 12
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """A horizontal legend above the plotting area, the title above it, and the top margin.

    Rows are counted for a figure ``_PAGE_WIDTH`` px wide (plotly.js wraps a legend at the
    plot's width), so the legend never sits over the plot, its lines or its gridlines.

    >>> legend, title, top = legend_above(["answered at all", "answered within 10 seconds"])
    >>> legend["y"], legend["yanchor"], top
    (1, 'bottom', 76)
    >>> legend_above(["a long name for a line on the chart"] * 4)[2]
    100
    >>> legend_above([])
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: a legend needs at least one name; got none
    """
    if not names:
        raise ModelError("a legend needs at least one name; got none")
    room, rows, used = _PAGE_WIDTH - left - right, 1, 0.0
    for name in names:
        item = 50 + len(name) * font_size * CHAR_EM  # symbol, text and the gap after it
        if used and used + item > room:
            rows, used = rows + 1, 0.0
        used += item
    legend = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yanchor": "bottom"}
    title = {"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 16}}
    return legend, title, _TITLE_ROOM + rows * _LEGEND_ROW + 6


#: Widget text size (px) in presenter mode (the template's presenter.css sets the same).
PRESENTER_WIDGET_TEXT = 20


def slider_layout(
    labels: Sequence[str], *, track: int = 320
) -> tuple[dict[str, str], dict[str, str]]:
    """One description width for a group of sliders and a row width that keeps a long track.

    Every slider in the group gets the width of its longest label (13 px widget text; 20 px
    in presenter mode, whose page sets widget text for the back of a room), so the tracks
    line up and none is squeezed by its label; the row leaves ``track`` px for the track and
    80 px for the readout (scaled with the text), shrinking only on a narrower page.
    Use as ``widgets.IntSlider(..., style=style, layout=widgets.Layout(**layout))``.

    >>> slider_layout(["Staff", "Handling time (minutes)"])
    ({'description_width': '186px'}, {'width': '586px', 'max_width': '100%'})
    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"EVERYCALL_PRESENTER": "1"}):
    ...     slider_layout(["Staff", "Handling time (minutes)"])
    ({'description_width': '279px'}, {'width': '723px', 'max_width': '100%'})
    >>> slider_layout([])
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: a group of sliders needs at least one label; got none
    """
    if not labels:
        raise ModelError("a group of sliders needs at least one label; got none")
    text = PRESENTER_WIDGET_TEXT if in_presenter_view() else 13
    label = math.ceil(max(len(t) for t in labels) * text * CHAR_EM) + 12
    readout = math.ceil(80 * text / 13)
    return {"description_width": f"{label}px"}, {"width": f"{label + track + readout}px",
                                                 "max_width": "100%"}  # fmt: skip


def source_layout(source: str, **sizes: Any) -> dict[str, Any]:
    """Layout keys for the "Source: ..." note under a figure: wrapped to fit a printed page,
    with the bottom margin and the figure's height grown to show every line (``sizes`` as for
    :func:`note_layout`).

    >>> source_layout("HMIC, 2014", plot_height=200)["annotations"][0]["text"]
    'Source: HMIC, 2014'
    """
    return note_layout(note_lines(f"Source: {source}"), **sizes)
