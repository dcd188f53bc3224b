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
    "show",
]

#: Output metadata of a figure's description shown under it in a live notebook.
CAPTION_MARKER = {"everycall": {"caption": True}}
#: Output metadata of trainer material.
TRAINER_MARKER = {"everycall": {"trainer": True}}
#: The CSS class of a widget that is for the live notebook only, such as the text under a
#: figure that a handout already prints as the figure's caption.
LIVE_ONLY = "everycall-live-only"


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
