"""Showing a figure in a notebook with its text alternative under it, once.

Every toolkit figure carries a text alternative in ``layout.meta["description"]``. In the live
notebook :func:`show` prints it under the figure, for every reader; a handout prints it as the
figure's caption instead, so the paragraph is marked ``{"everycall": {"caption": true}}`` and
the handout build leaves it out (it would otherwise be printed twice).

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

__all__ = ["CAPTION_MARKER", "caption_html", "show"]

#: Output metadata of a figure's description shown under it in a live notebook.
CAPTION_MARKER = {"everycall": {"caption": True}}


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
