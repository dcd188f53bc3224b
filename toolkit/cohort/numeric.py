"""Numbers on the cohort debrief's charts: bars for numeric answers, and values in words.

One self-contained problem with its own rules, used by the page
(:mod:`toolkit.cohort.page`): how to count learners' numeric
answers so a reader can read a value off the chart (one bar per value while they are few,
else round bins), where the correct answer and its accepted range are drawn, how a number is
written with its unit (``9 calls``, ``1 call``, ``40%``, ``32,500``), and how a count axis
keeps to whole learners. The page uses these for its charts and their text alternatives.

Examples
--------
>>> bins = numeric_bins([12, 14, 14], 14, unit="calls")
>>> bins.labels
['12 calls: 1 learner', '14 calls: 2 learners']
>>> _accepted(40, 1, "%"), _natural(1.13, "attempts per caller")
('39 to 41%', '1.13 attempts per caller')
>>> numeric_bins([float("inf")], 14)
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: no answers to count: expected at least one finite number
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import plotly.graph_objects as go


def _whole_numbers(fig: go.Figure, axis: str, counts: Iterable[Any]) -> None:
    """Count axes tick in whole learners: plotly would otherwise show 0.5 steps for small counts."""
    top = max((int(c) for c in counts), default=0)
    settings: dict[str, Any] = {"tickformat": "d", "rangemode": "tozero", "tick0": 0}
    if top <= 10:
        settings["dtick"] = 1
    else:
        settings["dtick"] = max(1, math.ceil(top / 8))
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(**settings)


_BAR_COLOUR = "#3f6f8f"
_ANSWER_COLOUR = "#b34700"  # 5.5:1 on white (text contrast), and a hue apart from the bars
_MOST_BARS = 40  # one bar per value while the answers span at most this many values
_BINS = 20  # about this many bins when they span more


@dataclass(frozen=True)
class Bins:
    """Bars for a numeric question's answers: one per value, or one per bin.

    ``centres``, ``counts`` and ``labels`` run together (one entry a bar); ``width`` is one
    unit of ``decimals`` places (one bar per value) or one bin's width; ``decimals`` is how
    many places the numbers on the axis need.
    """

    centres: list[float]
    counts: list[int]
    labels: list[str]
    width: float
    decimals: int
    per_value: bool


def _places(points: Iterable[float], most: int = 3) -> int | None:
    """The fewest decimal places that write every point exactly (None: more than ``most``)."""
    points = list(points)
    for places in range(most + 1):
        if all(abs(v - round(v, places)) <= 1e-9 * max(1.0, abs(v)) for v in points):
            return places
    return None


def _nice(raw: float) -> float:
    """The smallest of 1, 2, 5 times a power of ten that is at least ``raw``."""
    if not raw > 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(round(m * power, 12) for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-12))


def value_text(value: float, decimals: int, unit: str | None = None) -> str:
    """A number as the chart writes it, with its unit: ``9 calls``, ``40%``, ``32,500``.

    Examples
    --------
    >>> value_text(9, 0, "calls"), value_text(1, 0, "calls"), value_text(40, 0, "%")
    ('9 calls', '1 call', '40%')
    >>> value_text(1.13, 2, "attempts per caller"), value_text(32500, 0)
    ('1.13 attempts per caller', '32,500')
    >>> value_text(1, -1)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: decimals is -1: expected a whole number >= 0
    """
    if decimals < 0:
        raise ToolkitError(f"decimals is {decimals}: expected a whole number >= 0")
    text = f"{value:,.{decimals}f}"
    unit = (unit or "").strip()
    if not unit:
        return text
    if unit == "%":
        return text + "%"
    first, _, rest = unit.partition(" ")
    if text == "1" and first.endswith("s") and not first.endswith("ss"):
        unit = f"{first[:-1]} {rest}".strip()  # 1 call, 1 attempt per caller
    return f"{text} {unit}"


def _natural(value: float, unit: str | None = None) -> str:
    """``value`` with as many decimal places as it has (up to 6): ``40%``, ``1.13``."""
    places = _places([value], most=6)
    return value_text(value, 6 if places is None else places, unit)


def numeric_bins(
    values: Iterable[float], answer: float | None = None, *, unit: str | None = None
) -> Bins:
    """Bars for numeric answers that a reader can read a value from.

    Answers written with few decimal places (whole numbers, or 1.13) that span up to 40 such
    values get one bar per value, one unit wide. Wider spreads, and answers with more places,
    are counted in about 20 bins of a round width (1, 2 or 5 times a power of ten), each from
    its left edge up to, not including, its right edge. The correct answer counts when
    choosing the places, so its value has a place on the axis too.

    Examples
    --------
    >>> bins = numeric_bins([7, 9], 9, unit="calls")
    >>> bins.centres, bins.counts, bins.width, bins.per_value
    ([7.0, 9.0], [1, 1], 1.0, True)
    >>> bins.labels
    ['7 calls: 1 learner', '9 calls: 1 learner']
    >>> numeric_bins([1.13, 1.12, 1.13], 1.13).centres
    [1.12, 1.13]
    >>> wide = numeric_bins([3250, 30000, 32500, 32500], 32500)
    >>> wide.per_value, wide.width, wide.counts[-1], wide.labels[-1]
    (False, 2000.0, 2, '32,000 to under 34,000: 2 learners')
    >>> numeric_bins([])
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: no answers to count: expected at least one finite number
    """
    finite = [float(v) for v in values if math.isfinite(float(v))]
    if not finite:
        raise ToolkitError("no answers to count: expected at least one finite number")
    points = finite + ([float(answer)] if answer is not None else [])
    lo, hi = min(points), max(points)
    places = _places(points)

    def learners(n: int) -> str:
        return f"{n} learner{'s' if n != 1 else ''}"

    if places is not None:
        step = 10.0**-places
        if round((hi - lo) / step) < _MOST_BARS:
            counted = Counter(round(v, places) for v in finite)
            centres = sorted(counted)
            return Bins(
                centres=centres,
                counts=[counted[c] for c in centres],
                labels=[f"{value_text(c, places, unit)}: {learners(counted[c])}" for c in centres],
                width=step,
                decimals=places,
                per_value=True,
            )
    width = _nice((hi - lo) / _BINS) if hi > lo else _nice(abs(lo) / 10)
    if places is not None:
        width = max(width, 10.0**-places)
    decimals = max(0, -math.floor(math.log10(width) + 1e-9))
    start = math.floor(lo / width + 1e-9) * width
    index = Counter(math.floor((v - start) / width + 1e-9) for v in finite)
    centres, counts, labels = [], [], []
    for i in range(max(index) + 1):
        left, right = start + i * width, start + (i + 1) * width
        centres.append(round(left + width / 2, decimals + 1))
        counts.append(index.get(i, 0))
        labels.append(
            f"{value_text(left, decimals)} to under {value_text(right, decimals, unit)}: "
            f"{learners(index.get(i, 0))}"
        )
    return Bins(centres, counts, labels, width=width, decimals=decimals, per_value=False)


def _accepted(answer: float, tolerance: float, unit: str | None = None) -> str:
    """The range a tolerance accepts: ``39 to 41``, ``1.11 to 1.15``."""
    low, high = answer - tolerance, answer + tolerance
    places = max(_places([low, high], most=6) or 0, _places([answer], most=6) or 0)
    return f"{value_text(low, places)} to {value_text(high, places, unit)}"


def numeric_figure(
    values: list[float], answer: float | None, tolerance: float = 0.0, unit: str | None = None
) -> go.Figure:
    """The bars of :func:`numeric_bins`, with the correct answer as a labelled vertical line.

    The line is drawn over a white halo so it shows across a bar; a tolerance is shaded.

    Examples
    --------
    >>> fig = numeric_figure([7, 9], 9, unit="calls")
    >>> list(fig.data[0].x), fig.layout.annotations[0].text
    ([7.0, 9.0], 'correct answer: 9 calls')
    >>> numeric_figure([float("nan")], 9)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: no answers to count: expected at least one finite number
    """
    import plotly.graph_objects as go

    bins = numeric_bins(values, answer, unit=unit)
    width = bins.width
    fig = go.Figure(
        go.Bar(
            x=bins.centres,
            y=bins.counts,
            width=width * (0.8 if bins.per_value else 0.92),  # a small gap between bars
            marker_color=_BAR_COLOUR,
            hovertext=bins.labels,
            hovertemplate="%{hovertext}<extra></extra>",
            name="answers",
        )
    )
    # The axis spans every bar and the answer, and at least seven units, so one bar is not
    # a wall; ticks fall on every value (or bin edge) when there are few.
    ends = bins.centres + ([answer - tolerance, answer + tolerance] if answer is not None else [])
    lo, hi = min(ends) - width / 2, max(ends) + width / 2
    if hi - lo < 7 * width:
        pad = (7 * width - (hi - lo)) / 2
        lo, hi = lo - pad, hi + pad
    lo, hi = lo - width * 0.1, hi + width * 0.1
    units = (hi - lo) / width
    dtick = width if units <= 16 else width * _nice(units / 10)
    fig.update_xaxes(
        range=[lo, hi],
        tickmode="linear",
        tick0=0 if bins.per_value else bins.centres[0] - width / 2,  # values, or bin edges
        dtick=dtick,
        tickformat=f",.{bins.decimals}f",
        ticks="outside",
        title_text=unit or "answer",
    )
    top = max(bins.counts)
    _whole_numbers(fig, "y", bins.counts)
    fig.update_yaxes(title_text="learners", range=[0, top + max(0.7, top * 0.3)])
    if answer is not None:
        label = f"correct answer: {_natural(answer, unit)}"
        if tolerance:
            label += f" ({_accepted(answer, tolerance)} accepted)"
            fig.add_vrect(
                x0=answer - tolerance,
                x1=answer + tolerance,
                fillcolor=_ANSWER_COLOUR,
                opacity=0.12,
                line_width=0,
                layer="below",
            )
        # simple_white draws shapes at 0.3 opacity with no line: say both, or the line vanishes
        for colour, size in (("white", 5), (_ANSWER_COLOUR, 3)):
            fig.add_vline(x=answer, line_color=colour, line_width=size, opacity=1, layer="above")
        right_half = answer > (lo + hi) / 2
        fig.add_annotation(
            x=answer,
            y=1,
            xref="x",
            yref="paper",
            yanchor="top",
            xanchor="right" if right_half else "left",
            xshift=-6 if right_half else 6,
            text=html.escape(label, quote=False),
            showarrow=False,
            font={"color": _ANSWER_COLOUR, "size": 14},
            bgcolor="rgba(255,255,255,0.9)",
        )
    return fig
