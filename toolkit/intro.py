"""The start notebook's first interactive figure: how many domestic abuse-related emergency
calls reach the police while a learner works.

HMIC's 2014 inspection *Everyone's business* reported that, on average, police received an
emergency call relating to domestic abuse every 30 seconds (2012/13). The figure draws one
marker per emergency call for the number of minutes the learner chooses, and its title and
description call them emergency calls, as the source does.

Examples
--------
>>> calls_in(15, seconds_per_call=30)
30
>>> calls_in(-1, seconds_per_call=30)
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: minutes must be between 0 and 240; got -1
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Any

from toolkit.core.access import ANNOUNCE
from toolkit.core.figures import note_layout, note_lines
from toolkit.data import cite, load_hmic
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["calls_explorer", "calls_figure", "calls_in", "describe_calls", "call_interval"]

_PER_ROW = 20
_MAX_MINUTES = 240
_ROW_PX = 24  # one row of markers
_COLOUR = "#0072B2"  # Okabe-Ito blue: readable for colour-blind learners and in print


def call_interval() -> tuple[float, str]:
    """Seconds between domestic abuse-related emergency calls to police, and its citation.

    Reads HMIC's 2014 headline figure from the course's data package.
    """

    hmic = load_hmic()
    row = hmic[hmic["measure"] == "seconds_between_da_calls"].iloc[0]
    return float(row["value"]), cite(row["source_id"])


def calls_in(minutes: float, *, seconds_per_call: float) -> int:
    """Whole number of calls arriving in ``minutes`` at one call every ``seconds_per_call``."""
    if not 0 <= minutes <= _MAX_MINUTES:
        raise ToolkitError(f"minutes must be between 0 and {_MAX_MINUTES}; got {minutes}")
    if seconds_per_call <= 0:
        raise ToolkitError(f"seconds_per_call must be positive; got {seconds_per_call}")
    return math.floor(minutes * 60 / seconds_per_call)


def describe_calls(minutes: float, *, seconds_per_call: float, source: str) -> str:
    """A text alternative for the figure, for screen readers and printed handouts."""
    n = calls_in(minutes, seconds_per_call=seconds_per_call)
    return (
        f"A grid of {n} markers, one for each domestic abuse-related emergency call to police "
        f"in England and Wales in {minutes:g} minutes, at the average of one emergency call "
        f"every {seconds_per_call:g} seconds. Source: {source}."
    )


def _grid(n: int) -> tuple[list[int], list[int]]:
    return [i % _PER_ROW for i in range(n)], [-(i // _PER_ROW) for i in range(n)]


def _title(minutes: float, n: int) -> str:
    # Two lines, so that the source's words ("emergency calls") fit an A4 page's width.
    return (
        f"In {minutes:g} minutes, about {n} domestic abuse-related calls reach the police"
        "<br>as emergency calls"
    )


def calls_figure(minutes: float, *, seconds_per_call: float, source: str) -> go.Figure:
    """One marker per call in ``minutes``; returns a plotly Figure (no ``show()``).

    The figure is as tall as the rows of markers it holds, with the source note under them.

    >>> fig = calls_figure(15, seconds_per_call=30, source="HMIC")
    >>> len(fig.data[0].x), fig.layout.height < calls_figure(120, seconds_per_call=30,
    ...                                                       source="HMIC").layout.height
    (30, True)
    """
    import plotly.graph_objects as go

    n = calls_in(minutes, seconds_per_call=seconds_per_call)
    x, y = _grid(n)
    rows = max(1, math.ceil(n / _PER_ROW))
    fig = go.Figure(
        go.Scatter(
            x=x,
            y=y,
            mode="markers",
            marker={"size": 11, "color": _COLOUR, "symbol": "circle"},
            hovertemplate="call %{customdata}<extra></extra>",
            customdata=list(range(1, n + 1)),
            name="calls",
        )
    )
    fig.update_layout(
        title={"text": _title(minutes, n)},
        xaxis={"visible": False, "range": [-1, _PER_ROW]},
        yaxis={"visible": False, "range": [-rows + 0.5, 0.5]},
        showlegend=False,
        plot_bgcolor="white",
        meta={
            "description": describe_calls(minutes, seconds_per_call=seconds_per_call, source=source)
        },
        **note_layout(
            note_lines(f"One marker = one emergency call. Source: {source}"),
            plot_height=_ROW_PX * rows,
            top=80,  # a title of two lines
            left=20,
            axis=8,
        ),
    )
    return fig


def _caption_html(text: str) -> str:
    # A paragraph of its own: inside a widget, bare text takes the 28 px line height of a
    # control row.
    return f'<p class="everycall-description" style="line-height:1.45">{html.escape(text)}</p>'


def calls_explorer(minutes: int = 15) -> Any:
    """A slider for minutes that updates the figure in place, with its text alternative."""
    import ipywidgets as widgets
    import plotly.graph_objects as go

    seconds, source = call_interval()
    fig = go.FigureWidget(calls_figure(minutes, seconds_per_call=seconds, source=source))
    slider = widgets.IntSlider(
        value=minutes,
        min=1,
        max=120,
        step=1,
        description="Minutes",
        continuous_update=False,
        style={"description_width": "initial"},
    )
    caption = widgets.HTML(
        _caption_html(describe_calls(minutes, seconds_per_call=seconds, source=source))
    )
    slider.add_class("everycall-minutes")
    caption.add_class("everycall-live-only")  # a handout prints it as the figure's caption

    def update(change: dict[str, Any]) -> None:
        new = calls_figure(change["new"], seconds_per_call=seconds, source=source)
        with fig.batch_update():
            fig.data[0].x, fig.data[0].y = new.data[0].x, new.data[0].y
            fig.data[0].customdata = new.data[0].customdata
            fig.layout.title.text = new.layout.title.text
            fig.layout.height, fig.layout.margin = new.layout.height, new.layout.margin
            fig.layout.yaxis.range = new.layout.yaxis.range
            fig.layout.meta = new.layout.meta
        caption.value = _caption_html(new.layout.meta["description"])

    slider.observe(update, names="value")
    caption.add_class(ANNOUNCE)  # read out as the slider moves
    return widgets.VBox([slider, fig, caption])
