"""Showing things in a notebook, with the output markers the rest of the course reads.

- :func:`show` displays a figure with its text alternative under it. Every toolkit figure
  carries one in ``layout.meta["description"]``; a handout prints it as the figure's caption
  instead, so the paragraph is marked ``{"everycall": {"caption": true}}`` and the handout
  build leaves it out (it would otherwise be printed twice).
- :func:`display_as_trainer` displays trainer material marked ``{"everycall": {"trainer":
  true}}``: the Jupyter server never saves it into a notebook file (:mod:`toolkit.saving`) and
  the student edition of a handout drops it.

Examples
--------
>>> import plotly.graph_objects as go
>>> caption_html(go.Figure(layout={"meta": {"description": "Calls by hour <b>"}}))
'<p class="everycall-description">Calls by hour &lt;b&gt;</p>'
>>> caption_html(go.Figure())
''
"""

from __future__ import annotations

import html
from typing import Any

__all__ = [
    "CAPTION_MARKER",
    "LIVE_ONLY",
    "TRAINER_MARKER",
    "caption_html",
    "display_as_trainer",
    "figure_widget_ready",
    "resync_figure_widgets",
    "show",
]

#: Output metadata of a figure's description shown under it in a live notebook.
CAPTION_MARKER = {"everycall": {"caption": True}}
#: Output metadata of trainer material.
TRAINER_MARKER = {"everycall": {"trainer": True}}
#: The CSS class of a widget that is for the live notebook only, such as the text under a
#: figure that a handout already prints as the figure's caption.
LIVE_ONLY = "everycall-live-only"


def figure_widget_ready(fig: Any) -> Any:
    """Bring a plotly ``FigureWidget``'s synced state up to date before it is displayed inside
    a container (a VBox), and return it.

    plotly sends each change to a FigureWidget as a one-off message, and refreshes the state a
    new view is drawn from (``_widget_data``, ``_widget_layout``) only when the figure itself is
    displayed (its ``_repr_mimebundle_``). Inside a container that never happens: a browser that
    connects after the cells ran (Voilà runs every cell first) draws the figure as it was
    built, often empty, and the changes are lost. This does what ``_repr_mimebundle_`` does.
    """
    from copy import deepcopy

    fig._widget_layout = deepcopy(fig._layout_obj._props)
    fig._widget_data = deepcopy(fig._data)
    return fig


def resync_figure_widgets(*_: Any) -> None:
    """:func:`figure_widget_ready` for every FigureWidget in this kernel (changes since the
    last call only: traitlets sends a state that did not change as nothing at all).

    ``toolkit.begin`` runs this after every cell, so a figure changed by a later cell (an
    explorer told to show another case) is drawn right by a browser that connects after the
    cells ran, as Voilà's does.
    """
    try:
        from ipywidgets.widgets.widget import _instances
        from plotly.basewidget import BaseFigureWidget
    except ImportError:  # pragma: no cover - both come with the course
        return
    for widget in list(_instances.values()):
        if isinstance(widget, BaseFigureWidget):
            figure_widget_ready(widget)


def caption_html(fig: Any) -> str:
    """The figure's text alternative as a paragraph, or "" when it has none."""
    meta = getattr(getattr(fig, "layout", None), "meta", None)
    text = meta.get("description") if isinstance(meta, dict) else None
    return f'<p class="everycall-description">{html.escape(text)}</p>' if text else ""


def show(*figs: Any) -> None:
    """Display each figure and, under it, its text alternative (live notebooks only)."""
    from IPython.display import HTML, display

    for fig in figs:
        display(fig)
        caption = caption_html(fig)
        if caption:
            display(HTML(caption), metadata=CAPTION_MARKER)


def display_as_trainer(*objs: Any) -> None:
    """Display each object as trainer material (marked with :data:`TRAINER_MARKER`).

    Plotly figures are sent as their JSON bundle, because a figure's own display ignores
    output metadata.
    """
    from IPython.display import display

    for obj in objs:
        if type(obj).__module__.startswith("plotly.graph_objs"):
            import plotly.io as pio

            bundle = pio.renderers["plotly_mimetype"].to_mimebundle(obj.to_dict())
            display(bundle, raw=True, metadata=TRAINER_MARKER)
        else:
            display(obj, metadata=TRAINER_MARKER)
