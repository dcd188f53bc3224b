"""The coder explorer: edit the keyword rules as text and see the theme counts change."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from toolkit.core.access import ANNOUNCE
from toolkit.core.figures import source_layout
from toolkit.errors import ModelError
from toolkit.recommendations.coder import NO_THEME, code, format_rules, parse_rules

if TYPE_CHECKING:
    import pandas as pd


def coder_explorer(recs: pd.DataFrame, *, source: str, rules: Mapping | None = None) -> Any:
    """Edit the keyword rules as text and re-code: the theme counts update in place.

    The callback only calls :func:`parse_rules` and :func:`code`; a rule with a mistake shows
    its message (line number and what was expected) instead of changing the figure.
    """
    import ipywidgets as widgets
    import plotly.graph_objects as go

    editor = widgets.Textarea(value=format_rules(rules), rows=12,
                              layout=widgets.Layout(width="100%"),
                              description="Rules",
                              style={"description_width": "initial"})  # fmt: skip
    button = widgets.Button(description="Re-code with these rules", button_style="primary",
                            layout=widgets.Layout(width="auto"))  # fmt: skip
    message = widgets.HTML()

    def counts(coded: pd.DataFrame) -> tuple[list[str], list[int]]:
        tally = coded["coder_theme"].value_counts()
        return list(tally.index[::-1]), [int(v) for v in tally.values[::-1]]

    coded = code(recs, rules=parse_rules(editor.value))
    y, x = counts(coded)
    fig = go.FigureWidget(go.Bar(x=x, y=y, orientation="h", marker_color="#0072B2"))
    fig.update_layout(
        title={"text": "Primary theme of each recommendation (keyword coder)"},
        xaxis={"title": {"text": "recommendations"}},
        **source_layout(source, plot_height=270, left=180),
    )

    def words(coded: pd.DataFrame) -> str:
        # "no rule matched" is counted with the themes, last, and said once
        tally = coded["coder_theme"].value_counts()
        themes = [(t, int(n)) for t, n in tally.items() if t != NO_THEME]
        counts = "; ".join(f"{theme}: {n}" for theme, n in themes)
        none = int(tally.get(NO_THEME, 0))
        return (
            f"Primary theme of each of {len(coded)} recommendations, by the keyword coder's "
            f"rules: {counts}. No rule matched {none}."
        )

    def describe(coded: pd.DataFrame) -> str:
        fig.layout.meta = {"description": words(coded)}  # the figure's text alternative
        return f"<p><em>{html.escape(words(coded))}</em></p>"

    message.value = describe(coded)
    message.add_class("everycall-live-only")  # a handout prints it as the figure's caption

    def recode(_: Any) -> None:
        try:
            fresh = code(recs, rules=parse_rules(editor.value))
        except ModelError as exc:
            message.value = (
                f"<p class='everycall-error-text' style='color:#B00020'>{html.escape(str(exc))}</p>"
            )
            return
        new_y, new_x = counts(fresh)
        with fig.batch_update():
            fig.data[0].x, fig.data[0].y = new_x, new_y
        message.value = describe(fresh)

    button.on_click(recode)
    message.add_class(ANNOUNCE)  # the recoded counts in words, read out after Recode
    box = widgets.VBox([editor, button, message, fig])
    box.add_class("everycall-coder")
    return box
