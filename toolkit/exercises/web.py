"""Exercises answerable in a web page with no kernel: the form and what the page marks with.

A SCORM package (:mod:`toolkit.handouts.scorm`) puts each exercise into the student handout as
:func:`form_html` and gives the page's script (``toolkit/handouts/scorm/everycall-scorm.js``)
:func:`marking_data`: what it needs to mark a response and show the same feedback as the
widget in JupyterLab (:func:`toolkit.exercises.mark` and
:func:`toolkit.exercises.feedback_html`). Both come from the exercise definition in
``data/exercises/``: there is no second copy of any answer.

What is in the page, and so readable by a learner who opens its source (a SCORM package cannot
hide anything from the browser that marks it): which options are right, the numeric answer and
its tolerance, the right order, the feedback and the hints. What is never in it: trainer
(facilitator) notes and model answers to free-text questions. :func:`page_secrets` lists them
for the package's leak scan.

Every text from a course file is HTML already escaped here (``markdown_html`` or
``html.escape``); the script inserts only these strings and numbers it formats itself.

Examples
--------
>>> from toolkit.exercises import find
>>> data = marking_data(find("00-stepping-away"))
>>> data["type"], [o["correct"] for o in data["options"]]
('single_choice', [False, True, False])
>>> "facilitator" in data or "model_answer" in data
False
>>> 'role="radiogroup"' in form_html(find("00-stepping-away"))
True
"""

from __future__ import annotations

import hashlib
import html
import json
from typing import Any

from toolkit.core.text import markdown_html
from toolkit.exercises.definitions import Exercise, display_order, plain_number

#: SCORM 1.2 interaction type of each question type (``cmi.interactions.n.type``).
INTERACTION_TYPES = {
    "single_choice": "choice",
    "multiple_choice": "choice",
    "numeric": "numeric",
    "free_text": "fill-in",
    "ordering": "sequencing",
    "confidence": "likert",
}

#: Types with a right answer: they count towards the score.
SCORED = ("single_choice", "multiple_choice", "numeric", "ordering")


def _slug(exercise_id: str) -> str:
    """The id as used in element ids (already ``[A-Za-z0-9_-]`` by the schema, escaped anyway)."""
    return "ecq-" + html.escape(exercise_id, quote=True)


def marking_data(ex: Exercise) -> dict[str, Any]:
    """What the page needs to mark ``ex`` and give its feedback (feedback as safe HTML).

    Never holds the facilitator note or a free-text model answer. ``fp`` fingerprints what a
    saved answer's positions mean (the options, items, scale and answer): a learner's answer
    saved by an earlier build of a changed question is not restored onto different options.
    """
    data: dict[str, Any] = {
        "id": ex.id,
        "type": ex.type,
        "scored": ex.type in SCORED,
        "fp": fingerprint(ex),
    }
    if ex.type == "single_choice":
        data["options"] = [
            {"correct": o.correct, "feedback": markdown_html(o.feedback)} for o in ex.options
        ]
    elif ex.type == "multiple_choice":
        # the detail line mark() gives for a chosen option, rendered as the widget renders it
        data["options"] = [
            {
                "correct": o.correct,
                "detail": markdown_html(f"**{o.text}**: {o.feedback}") if o.feedback else "",
            }
            for o in ex.options
        ]
    elif ex.type == "numeric":
        assert ex.answer is not None
        ends = (ex.answer - ex.tolerance, ex.answer + ex.tolerance)
        data.update(
            answer=ex.answer,
            # the accepted range's ends as written (rounded: 1.13 - 0.02 is 1.1099999999999999)
            range=[plain_number(round(end, 10)) for end in ends],
            tolerance=ex.tolerance,
            unit=ex.unit or "",
            feedback={k: markdown_html(v) for k, v in ex.feedback.items()},
        )
    elif ex.type == "ordering":
        shown = display_order(ex)
        # the right order, as positions in the order the page first shows the items
        data["order"] = [shown.index(item) for item in ex.items]
        data["feedback"] = {k: markdown_html(v) for k, v in ex.feedback.items()}
    elif ex.type == "confidence":
        data["scale"] = list(ex.scale)
    return data


def fingerprint(ex: Exercise) -> str:
    """Ten hex digits over what gives a saved answer its meaning.

    Examples
    --------
    >>> from toolkit.exercises import find
    >>> len(fingerprint(find("00-stepping-away")))
    10
    """
    meaning = [
        ex.type,
        [[o.text, o.correct] for o in ex.options],
        display_order(ex) if ex.type == "ordering" else [],
        list(ex.items),
        list(ex.scale),
        ex.answer,
        ex.tolerance,
    ]
    digest = hashlib.sha256(json.dumps(meaning, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()[:10]


def page_secrets(ex: Exercise) -> list[str]:
    """What must never be in a page with ``ex`` answerable: trainer notes and model answers."""
    return [t for t in (ex.facilitator, ex.model_answer) if t]


def _radio(name: str, value: int, text: str, kind: str = "radio") -> str:
    return (
        f'<label class="everycall-option"><input type="{kind}" name="{name}" value="{value}"> '
        f"<span>{html.escape(text)}</span></label>"
    )


def form_html(ex: Exercise) -> str:
    """The question as a form the page's script marks: keyboard and screen-reader ready.

    Choices are native radio buttons and check boxes in a labelled group (one Tab stop for a
    radio group, the arrow keys move within it); feedback and hints go to live regions.
    """
    sid = _slug(ex.id)
    kind = ex.type.replace("_", "-")
    prompt_id = f"{sid}-prompt"
    parts = [
        f'<section class="everycall-web everycall-{kind}" data-exercise="{html.escape(ex.id)}" '
        f'aria-labelledby="{prompt_id}">',
        f'<div class="everycall-prompt" id="{prompt_id}">{markdown_html(ex.prompt)}</div>',
    ]
    if ex.type in ("single_choice", "multiple_choice", "confidence"):
        texts = [o.text for o in ex.options] if ex.options else list(ex.scale)
        label = {
            "single_choice": "Your answer:",
            "multiple_choice": "Your answer (choose all that apply):",
            "confidence": "Your rating:",
        }[ex.type]
        role = "group" if ex.type == "multiple_choice" else "radiogroup"
        box = "checkbox" if ex.type == "multiple_choice" else "radio"
        parts.append(
            f'<div class="everycall-control" role="{role}" '
            f'aria-labelledby="{prompt_id} {sid}-label">'
            f'<p class="everycall-label" id="{sid}-label">{label}</p>'
            + "".join(_radio(f"{sid}-choice", i, t, box) for i, t in enumerate(texts))
            + "</div>"
        )
    elif ex.type == "numeric":
        unit = f" ({html.escape(ex.unit)})" if ex.unit else ""
        parts.append(
            f'<div class="everycall-control"><label for="{sid}-input">Your answer{unit}:</label> '
            f'<input id="{sid}-input" type="text" inputmode="decimal" autocomplete="off" '
            f'placeholder="a number" aria-describedby="{prompt_id}"></div>'
        )
    elif ex.type == "free_text":
        parts.append(
            f'<div class="everycall-control"><label for="{sid}-input">Your answer:</label>'
            f'<textarea id="{sid}-input" rows="5" aria-describedby="{prompt_id}" '
            'placeholder="Write your answer here."></textarea></div>'
        )
    elif ex.type == "ordering":
        items = "".join(
            f'<li data-item="{i}"><span class="everycall-item">{html.escape(t)}</span> '
            f'<button type="button" class="everycall-up">Move up'
            f'<span class="everycall-sr"> {html.escape(t)}</span></button> '
            f'<button type="button" class="everycall-down">Move down'
            f'<span class="everycall-sr"> {html.escape(t)}</span></button></li>'
            for i, t in enumerate(display_order(ex))
        )
        parts.append(
            f'<div class="everycall-control" role="group" aria-labelledby="{prompt_id} '
            f'{sid}-label"><p class="everycall-label" id="{sid}-label">Order, first at the '
            "top (move an item with its buttons):</p>"
            f'<ol class="everycall-order">{items}</ol></div>'
        )
    button = {"free_text": "Submit", "confidence": ""}.get(ex.type, "Check")
    parts.append('<div class="everycall-buttons">')
    if button:
        parts.append(f'<button type="button" class="everycall-check">{button}</button>')
    if ex.hint:
        parts.append(
            f'<button type="button" class="everycall-hint-button" aria-expanded="false" '
            f'aria-controls="{sid}-hint">Show hint</button>'
        )
    parts.append('<span class="everycall-attempts"></span></div>')
    if ex.hint:
        # the hint's words wait in an inert <template>; shown, they go into a live region
        parts.append(
            f'<template class="everycall-hint-text">{markdown_html(ex.hint)}</template>'
            f'<div class="everycall-hint" id="{sid}-hint" aria-live="polite"></div>'
        )
    parts.append(
        '<div class="everycall-feedback" aria-live="polite" aria-atomic="true"></div></section>'
    )
    return "".join(parts)
