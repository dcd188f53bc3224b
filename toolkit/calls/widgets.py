"""The queue what-if widget: sliders for staff, demand, handling time and patience.

A thin layer: its callbacks call :func:`toolkit.calls.staffing_sweep`,
:func:`toolkit.calls.sweep_figure` and :func:`toolkit.calls.queue_metrics`, and update the
figure in place.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from toolkit.calls.erlang import _patience, _staff, queue_metrics
from toolkit.calls.figures import sweep_figure
from toolkit.calls.sweeps import staffing_sweep
from toolkit.core.access import ANNOUNCE
from toolkit.core.figures import slider_layout
from toolkit.core.params import check_number
from toolkit.errors import ModelError

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["queue_explorer"]


def queue_explorer(
    *,
    calls_per_hour: float,
    handle_seconds: float,
    staff: int,
    patience_seconds: float | None = None,
    target_seconds: float = 20.0,
    service_level: float | None = None,
    max_staff: int | None = None,
    published: dict[str, float] | None = None,
    source: str = "model: toolkit.calls (assumptions stated in the text)",
) -> Any:
    """Sliders for staff, demand, handling time and patience that update the figure in place.

    The callbacks only call :func:`staffing_sweep` and :func:`sweep_figure`; the figure is a
    ``plotly.graph_objects.FigureWidget`` changed inside ``batch_update``.

    Parameters
    ----------
    calls_per_hour, handle_seconds, staff, patience_seconds, target_seconds
        Starting values (see the :mod:`toolkit.calls` glossary); a patience slider appears
        only when ``patience_seconds`` is given (Erlang A).
    service_level : float, optional
        Required share answered within the target, drawn as a line.
    max_staff : int, optional
        Right end of the staff axis and slider (default twice ``staff``, at least 10).
    published : dict, optional
        Published shares drawn as grey reference lines.
    source : str
        Shown under the figure.

    Examples
    --------
    >>> box = queue_explorer(calls_per_hour=200, handle_seconds=180, staff=14)
    >>> [child.description for child in box.children[:3]]
    ['Staff', 'Calls per hour', 'Handling time (minutes)']
    >>> queue_explorer(calls_per_hour=200, handle_seconds=180, staff=14, max_staff=10)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: max_staff must be at least staff (14); got 10
    """
    import ipywidgets as widgets
    import plotly.graph_objects as go

    top = _staff_axis_end(calls_per_hour, handle_seconds, staff, patience_seconds, max_staff)
    sliders = _sliders(calls_per_hour, handle_seconds, staff, patience_seconds, top=top)

    def build() -> tuple[go.Figure, str]:
        return _sweep_view(
            sliders,
            top=top,
            target_seconds=target_seconds,
            service_level=service_level,
            published=published,
            source=source,
        )

    first, text = build()
    fig = go.FigureWidget(first)
    caption = widgets.HTML(_caption_html(text))
    description = widgets.HTML(_description_html(first))

    def update(_: dict[str, Any]) -> None:
        new, words = build()
        _update_figure(fig, new)
        caption.value = _caption_html(words)
        description.value = _description_html(new)

    for slider in sliders.values():
        slider.observe(update, names="value")
    description.add_class("everycall-live-only")  # a handout prints it as the figure's caption
    box = widgets.VBox([*sliders.values(), caption, fig, description])
    box.add_class("everycall-queue-explorer")
    caption.add_class(ANNOUNCE)  # the result in words, read out as the sliders move
    return box


def _staff_axis_end(
    calls_per_hour: float,
    handle_seconds: float,
    staff: int,
    patience_seconds: float | None,
    max_staff: int | None,
) -> int:
    """The right end of the staff axis and slider, once the starting values are checked."""
    check_number("calls_per_hour", calls_per_hour)
    check_number("handle_seconds", handle_seconds)
    _staff(staff)
    _patience(patience_seconds)
    if max_staff is not None and _staff(max_staff, "max_staff") < staff:
        raise ModelError(f"max_staff must be at least staff ({staff}); got {max_staff}")
    return max_staff or max(2 * staff, 10)


def _sliders(
    calls_per_hour: float,
    handle_seconds: float,
    staff: int,
    patience_seconds: float | None,
    *,
    top: int,
) -> dict[str, Any]:
    """The sliders by name (``patience`` only for Erlang A), sharing one label width so
    every track lines up and none is squeezed."""
    import ipywidgets as widgets

    sliders = {
        "staff": widgets.IntSlider(value=staff, min=1, max=top, description="Staff",
                                   continuous_update=False),
        "calls": widgets.FloatSlider(value=calls_per_hour, min=1, max=max(4 * calls_per_hour, 10),
                                     step=1, description="Calls per hour", readout_format=".0f",
                                     continuous_update=False),
        "handle": widgets.FloatSlider(value=handle_seconds / 60, min=0.5,
                                      max=max(3 * handle_seconds / 60, 5), step=0.5,
                                      description="Handling time (minutes)",
                                      continuous_update=False),
    }  # fmt: skip
    if patience_seconds is not None:
        sliders["patience"] = widgets.FloatSlider(
            value=patience_seconds / 60, min=0.5, max=max(3 * patience_seconds / 60, 5),
            step=0.5, description="Patience (minutes)", continuous_update=False,
        )  # fmt: skip
    style, layout = slider_layout([slider.description for slider in sliders.values()])
    for slider in sliders.values():
        slider.style.description_width = style["description_width"]
        slider.layout = widgets.Layout(**layout)
    return sliders


def _sweep_view(
    sliders: dict[str, Any],
    *,
    top: int,
    target_seconds: float,
    service_level: float | None,
    published: dict[str, float] | None,
    source: str,
) -> tuple[go.Figure, str]:
    """The staffing sweep's figure for the sliders' values, and the queue at the chosen
    staff in words (or why it cannot be worked out)."""
    patience = sliders["patience"].value * 60 if "patience" in sliders else None
    kwargs = {
        "calls_per_hour": sliders["calls"].value,
        "handle_seconds": sliders["handle"].value * 60,
        "patience_seconds": patience,
        "target_seconds": target_seconds,
    }
    sweep = staffing_sweep(staff=range(1, top + 1), **kwargs)
    fig = sweep_figure(sweep, current_staff=sliders["staff"].value, published=published,
                       service_level=service_level, source=source)  # fmt: skip
    try:
        text = queue_metrics(staff=sliders["staff"].value, **kwargs).describe()
    except ModelError as exc:
        text = str(exc)
    return fig, text


def _update_figure(fig: go.FigureWidget, new: go.Figure) -> None:
    """Copy ``new``'s data, lines and description into ``fig`` in one update."""
    with fig.batch_update():
        for trace, fresh in zip(fig.data, new.data, strict=True):
            trace.x, trace.y = fresh.x, fresh.y
        fig.layout.shapes = new.layout.shapes
        fig.layout.meta = new.layout.meta


def _caption_html(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _description_html(fig: go.Figure) -> str:
    return f"<p><em>{html.escape(fig.layout.meta['description'])}</em></p>"
