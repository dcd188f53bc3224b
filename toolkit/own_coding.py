"""A learner's own coding of recommendations: a theme chosen per recommendation, saved.

Notebook 05 asks learners to read six recommendations and choose the main theme of each,
then compare their coding with the keyword coder's (Cohen's kappa). This is the control for
it: one list per recommendation, no code to edit. The choices are saved to the learner's
answer store as they are made, under ``coding:<id>`` (``{recommendation id: theme}``), come
back when the notebook is opened again, and reach the cohort debrief
(``everycall answers collect``) like any other answer.

Examples
--------
>>> from toolkit import data, recommendations as rec
>>> coded = rec.code(data.load_recommendations())
>>> sample = rec.sample(coded, n=6, seed=5)
>>> comparison_html(coded, {r: "" for r in sample["rec_id"]})
'<p>Choose a theme for each recommendation first (6 left).</p>'
>>> comparison_html(coded, {"nope": "training"})
Traceback (most recent call last):
...
toolkit.errors.ModelError: recommendation "nope" is not in the coded table (ids: ...
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from toolkit.answers import current_store
from toolkit.core.access import ANNOUNCE
from toolkit.core.tables import escape_text, table_html
from toolkit.recommendations import THEMES, coding_agreement

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["KEY", "comparison_html", "own_coding"]

#: The answer store key of notebook 05's coding task.
KEY = "coding:05-own-coding"
_CHOOSE = "(choose a theme)"


def comparison_html(coded: pd.DataFrame, codes: Mapping[str, str]) -> str:
    """The learner's coding against the coder's, as HTML: kappa in words, then a table.

    Until every recommendation has a theme, says how many are left.
    """
    import pandas as pd

    left = sum(1 for theme in codes.values() if not theme)
    if left:
        return f"<p>Choose a theme for each recommendation first ({left} left).</p>"
    result = coding_agreement(coded, dict(codes))
    table = pd.DataFrame(
        {
            "Recommendation": result.table["rec_id"],
            "Your theme": result.table["learner"],
            "Coder's theme": result.table["coder"],
            "Same": ["yes" if a else "no" for a in result.table["agree"]],
        }
    )
    return f"<p>{html.escape(result.describe())}</p>" + table_html(table)


def own_coding(coded: pd.DataFrame, sample: pd.DataFrame, *, key: str = KEY) -> Any:
    """The coding task: each recommendation of ``sample`` with a list of themes, and a button
    that compares the learner's coding with the coder's (``coded``, from
    :func:`toolkit.recommendations.code`). Choices are saved as they are made."""
    import ipywidgets as widgets

    store = current_store()
    saved = store.get(key, {}) or {}
    saved = saved if isinstance(saved, dict) else {}
    ids = [str(r) for r in sample["rec_id"]]
    choices: dict[str, widgets.Dropdown] = {}
    rows: list[widgets.Widget] = []
    options = [(_CHOOSE, ""), *((t, t) for t in THEMES)]
    for rec_id, text in zip(ids, sample["text"], strict=True):
        picked = saved.get(rec_id, "")
        choice = widgets.Dropdown(
            options=options,
            value=picked if picked in THEMES else "",
            description="Main theme",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="28em", max_width="100%"),
        )
        choice.add_class("everycall-coding-choice")
        choices[rec_id] = choice
        card = widgets.VBox(
            [
                widgets.HTML(
                    f'<p style="margin:0.2em 0"><strong>{html.escape(rec_id)}</strong>: '
                    f"{escape_text(str(text))}</p>"
                ),
                choice,
            ],
            layout=widgets.Layout(margin="0 0 0.8em 0"),
        )
        card.add_class("everycall-coding-item")
        rows.append(card)
    status = widgets.HTML()
    result = widgets.HTML()
    result.add_class("everycall-coding-result")

    def codes() -> dict[str, str]:
        return {rec_id: choice.value for rec_id, choice in choices.items()}

    def save(_change: Any = None) -> None:
        try:
            store.set(key, codes())
        except Exception as exc:  # noqa: BLE001 - a full or read-only disk: say so here
            status.value = f'<p role="alert">{html.escape(str(exc))}</p>'
            return
        done = sum(1 for v in codes().values() if v)
        status.value = f"<p>Saved: {done} of {len(ids)} coded.</p>"

    def compare(_button: Any = None) -> None:
        result.value = comparison_html(coded, codes())

    for choice in choices.values():
        choice.observe(save, names="value")
    button = widgets.Button(
        description="Compare with the coder",
        button_style="primary",
        layout=widgets.Layout(width="auto", align_self="flex-start"),
    )
    button.add_class("everycall-coding-compare")
    button.on_click(compare)
    status.add_class(ANNOUNCE)
    result.add_class(ANNOUNCE)
    box = widgets.VBox([*rows, status, button, result])
    box.add_class("everycall-own-coding")
    if any(codes().values()):
        done = sum(1 for v in codes().values() if v)
        status.value = f"<p>Your saved coding is back: {done} of {len(ids)}.</p>"
    return box
