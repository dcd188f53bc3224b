"""Exercises defined inline in a notebook, for drafting one before it goes into the YAML.

A course builder trying out a question can write ``exercises.single_choice(id=..., ...)`` in
a cell; the exercise is checked as the YAML files are and shown like any other. Shipped
notebooks keep every exercise in ``data/exercises/`` (the student handout build refuses an
inline exercise, since its answers would be in the cell). :func:`draft_trainer_note` is the
same for a trainer note (shipped notes live in ``data/notes/``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit.core.session import showing_trainer_material
from toolkit.errors import DataError, Problem
from toolkit.exercises.catalog import _inline, _load
from toolkit.exercises.definitions import Option, check_inline
from toolkit.exercises.html import markdown_html
from toolkit.exercises.widgets import widget


def _inline_widget(raw: dict[str, Any]) -> Any:
    raw = {k: v for k, v in raw.items() if v is not None}
    if "options" in raw:
        raw["options"] = [
            {"text": o} if isinstance(o, str) else (o if isinstance(o, dict) else vars(o))
            for o in raw["options"]
        ]
    for key in ("items", "scale"):
        if key in raw:
            raw[key] = list(raw[key])
    ex = check_inline(raw)
    known = _load(None)[0]
    if ex.id in known:
        raise DataError(
            [
                Problem(
                    "<inline exercise>",
                    f'exercise id "{ex.id}" is already used in '
                    f"{known[ex.id].file}; ids must be unique across the course",
                    column="id",
                )
            ]
        )
    _inline[ex.id] = ex
    return widget(ex)


def single_choice(
    *,
    id: str,
    prompt: str,
    options: Sequence[dict[str, Any] | Option],
    hint: str | None = None,
    source_id: str | None = None,
    facilitator: str | None = None,
) -> Any:
    """An inline single-choice exercise (for drafting; shipped notebooks use YAML ids).

    Examples
    --------
    >>> single_choice(id="x-1", prompt="Which?", options=[{"text": "A", "correct": True}])
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: <inline exercise>, column "options": exercise x-1: has 1 \
entries, expected at least 2
    """
    return _inline_widget(
        dict(
            id=id,
            type="single_choice",
            prompt=prompt,
            options=list(options),
            hint=hint,
            source_id=source_id,
            facilitator=facilitator,
        )
    )


def multiple_choice(
    *,
    id: str,
    prompt: str,
    options: Sequence[dict[str, Any] | Option],
    hint: str | None = None,
    source_id: str | None = None,
    facilitator: str | None = None,
) -> Any:
    """An inline multiple-choice exercise (any number of correct options)."""
    return _inline_widget(
        dict(
            id=id,
            type="multiple_choice",
            prompt=prompt,
            options=list(options),
            hint=hint,
            source_id=source_id,
            facilitator=facilitator,
        )
    )


def numeric(
    *,
    id: str,
    prompt: str,
    answer: float,
    tolerance: float = 0,
    unit: str | None = None,
    feedback: dict[str, str] | None = None,
    hint: str | None = None,
    source_id: str | None = None,
    facilitator: str | None = None,
) -> Any:
    """An inline numeric exercise; ``feedback`` may hold "correct", "low" and "high"."""
    return _inline_widget(
        dict(
            id=id,
            type="numeric",
            prompt=prompt,
            answer=answer,
            tolerance=tolerance,
            unit=unit,
            feedback=feedback,
            hint=hint,
            source_id=source_id,
            facilitator=facilitator,
        )
    )


def free_text(
    *,
    id: str,
    prompt: str,
    model_answer: str | None = None,
    hint: str | None = None,
    source_id: str | None = None,
    facilitator: str | None = None,
) -> Any:
    """An inline free-text reflection; the model answer is shown after submitting."""
    return _inline_widget(
        dict(
            id=id,
            type="free_text",
            prompt=prompt,
            model_answer=model_answer,
            hint=hint,
            source_id=source_id,
            facilitator=facilitator,
        )
    )


def ordering(
    *,
    id: str,
    prompt: str,
    items: Sequence[str],
    feedback: dict[str, str] | None = None,
    hint: str | None = None,
    source_id: str | None = None,
    facilitator: str | None = None,
) -> Any:
    """An inline ordering exercise: ``items`` in the right order (shown shuffled)."""
    return _inline_widget(
        dict(
            id=id,
            type="ordering",
            prompt=prompt,
            items=list(items),
            feedback=feedback,
            hint=hint,
            source_id=source_id,
            facilitator=facilitator,
        )
    )


def confidence(
    *,
    id: str,
    prompt: str,
    scale: Sequence[str] = ("Not at all", "A little", "Fairly", "Very"),
    facilitator: str | None = None,
) -> Any:
    """An inline confidence rating (not marked)."""
    return _inline_widget(
        dict(id=id, type="confidence", prompt=prompt, scale=list(scale), facilitator=facilitator)
    )


def draft_trainer_note(text: str) -> None:
    """Show ``text`` (Markdown) only while trainer material is on show (for drafting).

    Shipped notebooks keep their notes as data instead: ``toolkit.trainer_note("<id>")`` with
    the note in ``data/notes/<notebook>.yaml`` (see :mod:`toolkit.notes`).
    """
    if showing_trainer_material():
        from IPython.display import HTML, display

        body = markdown_html(text)
        display(
            HTML(f'<div class="everycall-trainer-view">{body}</div>'),
            metadata={"everycall": {"trainer": True}},
        )
