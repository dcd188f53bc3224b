"""Where a figure's source note is drawn, for the layout tests of calls, risk and
recommendations figures (one copy, imported by each; ``pythonpath`` in pyproject.toml).

Geometry on the narrowest page a figure is drawn on (an A4 handout, about 680 CSS px), in the
widest font plotly falls back to (Verdana, drawn like DejaVu Sans: up to 0.55 of the font size
per character); plotly.js sets annotation lines 1.3 font sizes apart. The figures' own layout
code (toolkit/_figure_layout.py) estimates widths separately, so these tests check it.
"""

from __future__ import annotations

PAGE, WIDE_EM, LINE_SPACING = 680, 0.55, 1.3


def note_box(fig) -> dict[str, float]:
    """Where the source note is drawn, in px from the figure's top-left corner."""
    import html

    layout, margin = fig.layout, fig.layout.margin
    plot_height = layout.height - margin.t - margin.b
    note = layout.annotations[0]
    assert (note.xref, note.yref, note.xanchor, note.yanchor) == ("paper", "paper", "left", "top")
    lines = [html.unescape(line) for line in note.text.split("<br>")]
    top = margin.t + plot_height * (1 - note.y) - (note.yshift or 0)
    left = margin.l + (PAGE - margin.l - margin.r) * note.x + (note.xshift or 0)
    size = note.font.size
    return {
        "below_plot": top - (margin.t + plot_height),
        "bottom": top + len(lines) * size * LINE_SPACING,
        "left": left,
        "right": left + max(map(len, lines)) * size * WIDE_EM,
    }
