"""HTML for exercises: escaped Markdown, feedback blocks, the trainer view, printed forms.

Pure functions of an :class:`~toolkit.exercises.Exercise`. Every text from a course file goes
through :func:`markdown_html` (raw HTML escaped) or ``html.escape``.
"""

from __future__ import annotations

import html

from toolkit.core.text import markdown_html, plain
from toolkit.exercises.definitions import Edition, Exercise, Result, _num, display_order

# Layout fixes for the live question widgets, scoped to the exercise classes so no other widget
# changes. ipywidgets 8 gives each radio option a fixed 20 px row and each checkbox a one-line,
# ellipsised label, so a long option ran into the next one (or was cut short); and a Text widget
# is 300 px wide in all, so a long label left its box a few characters wide. Both the
# deprecated ``widget-*`` and the current ``jupyter-widget-*`` class names are given. (A radio
# option is ``<label>text<input></label>``: ``order: -1`` keeps the circle first in the row.)
WIDGET_CSS = """
.everycall-single-choice :is(.widget-radio-box, .jupyter-widget-radio-box) label {
  height: auto; line-height: 1.4; display: flex; align-items: flex-start; padding: 3px 0;
  white-space: normal;
}
.everycall-single-choice :is(.widget-radio-box, .jupyter-widget-radio-box) input {
  height: 1em; margin-top: 0.2em; flex-shrink: 0; float: none; order: -1;
}
.everycall-multiple-choice :is(.widget-checkbox, .jupyter-widget-checkbox) {
  height: auto; width: auto; max-width: 100%; line-height: 1.4;
}
.everycall-multiple-choice :is(.widget-checkbox, .jupyter-widget-checkbox) label {
  display: flex; align-items: flex-start; white-space: normal; overflow: visible;
  line-height: 1.4; padding: 3px 0;
}
.everycall-multiple-choice :is(.widget-checkbox, .jupyter-widget-checkbox) input[type="checkbox"] {
  flex-grow: 0; align-self: flex-start; margin-top: 0.2em;
}
.everycall-numeric .everycall-control {
  width: auto; max-width: 100%; flex-wrap: wrap; row-gap: 4px;
}
.everycall-numeric .everycall-control input {
  flex: 0 1 14em; min-width: 10em;
}
"""


def widget_style_html() -> str:
    """The ``<style>`` element each exercise widget carries (see ``WIDGET_CSS``).

    Examples
    --------
    >>> tag = widget_style_html()
    >>> tag.startswith("<style>") and ".everycall-single-choice" in tag
    True
    """
    return f"<style>{WIDGET_CSS}</style>"


def feedback_html(exercise: Exercise, result: Result) -> str:
    """The feedback block a widget shows after a check (icon and words, not colour alone).

    It is announced by the ``aria-live`` widget it is shown in (``toolkit.core.access``); a
    second live region inside would be read twice."""
    if not result.answered:
        kind, icon = "prompt", "ℹ"
    elif result.correct is True:
        kind, icon = "correct", "✓"
    elif result.correct is False:
        kind, icon = "incorrect", "✗"
    else:
        kind, icon = "saved", "✓"
    colour = {"correct": "#1b5e20", "incorrect": "#8a4b00"}.get(kind, "#1f3a5f")
    details = "".join(f"<div>{markdown_html(d)}</div>" for d in result.details)
    return (
        f'<div class="everycall-result everycall-{kind}" '
        f'style="border-left:4px solid {colour};padding:0.2em 0.8em;margin:0.3em 0">'
        f'<strong style="color:{colour}"><span aria-hidden="true">{icon}</span> '
        f"{html.escape(result.feedback)}</strong>{details}</div>"
    )


def _trainer_rows(ex: Exercise, *, options: bool) -> list[str]:
    """The trainer's list items; ``options=False`` leaves out each option's verdict and
    feedback (the printed form shows them beside the options already)."""
    rows: list[str] = []
    if ex.type in ("single_choice", "multiple_choice") and options:
        for o in ex.options:
            mark_ = "✓ correct" if o.correct else "✗ not right"
            fb = f": {markdown_html(o.feedback)}" if o.feedback else ""
            rows.append(f"<li><strong>{html.escape(o.text)}</strong> ({mark_}){fb}</li>")
    elif ex.type == "numeric" and ex.answer is not None:
        unit = f" {html.escape(ex.unit)}" if ex.unit else ""
        lo, hi = _num(ex.answer - ex.tolerance), _num(ex.answer + ex.tolerance)
        accepted = f" (accepted: {lo} to {hi})" if ex.tolerance else ""
        rows.append(f"<li>Answer: <strong>{_num(ex.answer)}{unit}</strong>{accepted}</li>")
    elif ex.type == "ordering":
        rows.append("<li>Right order: " + " → ".join(html.escape(i) for i in ex.items) + "</li>")
    for key, text in ex.feedback.items():
        rows.append(f"<li>Feedback ({html.escape(key)}): {markdown_html(text)}</li>")
    if ex.model_answer:
        rows.append(f"<li>Model answer: {markdown_html(ex.model_answer)}</li>")
    if ex.hint:
        rows.append(f"<li>Hint: {markdown_html(ex.hint)}</li>")
    if ex.facilitator:
        rows.append(f"<li>Facilitator note: {markdown_html(ex.facilitator)}</li>")
    if ex.source_id:
        rows.append(f"<li>Source: {html.escape(ex.source_id)}</li>")
    return rows


def trainer_html(ex: Exercise) -> str:
    """What trainers see: the answer, every option's feedback, model answer and notes."""
    rows = _trainer_rows(ex, options=True)
    return (
        '<div class="everycall-trainer-view" '
        'style="background:#fff8e1;color:#1a1a1a;padding:0.3em 0.8em">'
        f"<strong>Trainer view</strong><ul>{''.join(rows)}</ul></div>"
    )


def _printed_trainer_box(ex: Exercise) -> str:
    """The printed trainer edition's box: everything not already beside the options, once.

    Empty when there is nothing more to say (a confidence rating with no facilitator note).
    """
    rows = _trainer_rows(ex, options=False)
    if not rows:
        return ""
    return (
        '<div class="everycall-trainer-view ec-trainer-note" role="note" aria-label="Trainer '
        f'notes"><p class="ec-trainer-label">Trainer notes</p><ul>{"".join(rows)}</ul></div>'
    )


_LINE = '<div style="border-bottom:1px solid #777;height:1.9em"></div>'


def render_text(ex: Exercise) -> str:
    """A plain-text, student-safe rendering (the widget's text/plain form)."""
    lines = [f"Exercise {ex.id} ({ex.type.replace('_', ' ')}): {plain(ex.prompt)}"]
    if ex.type in ("single_choice", "multiple_choice"):
        lines += [f"  [ ] {o.text}" for o in ex.options]
    elif ex.type == "ordering":
        lines += [f"  [ ] {t}" for t in display_order(ex)]
    elif ex.type == "confidence":
        lines.append("  " + " / ".join(ex.scale))
    return "\n".join(lines)


def printed_html(ex: Exercise, edition: Edition) -> str:
    """The printed form of ``ex`` (see ``toolkit.exercises.render_printed``)."""
    trainer = edition == "trainer"
    label = {
        "single_choice": "Choose one answer.",
        "multiple_choice": "Choose every answer that applies.",
        "numeric": "Write a number.",
        "free_text": "Write your answer.",
        "ordering": f"Number these from 1 (first) to {len(ex.items)} (last).",
        "confidence": "Circle one.",
    }[ex.type]
    parts = [
        f'<section class="everycall-printed everycall-printed-{edition} '
        f'everycall-printed-{ex.type.replace("_", "-")}" '
        f'data-exercise="{html.escape(ex.id)}" style="break-inside:avoid;margin:1em 0">',
        # the question and its choices stay together on one page; notes may follow overleaf
        '<div class="everycall-printed-question">',
        f'<div class="everycall-printed-prompt">{markdown_html(ex.prompt)}</div>',
        f"<p><em>{html.escape(label)}</em></p>",
    ]
    box = {"single_choice": "○", "multiple_choice": "☐", "confidence": "○", "ordering": "[  ]"}
    if ex.type in ("single_choice", "multiple_choice"):
        parts.append('<ul style="list-style:none;padding-left:0.5em">')
        for o in ex.options:
            extra = ""
            if trainer:
                verdict = "✓ correct" if o.correct else "✗ not right"
                fb = f" {markdown_html(o.feedback)}" if o.feedback else ""
                extra = (
                    f'<div style="margin-left:1.6em;color:#5d4037"><strong>{verdict}.</strong>'
                    f"{fb}</div>"
                )
            parts.append(
                f'<li><span aria-hidden="true">{box[ex.type]}</span> {html.escape(o.text)}'
                f"{extra}</li>"
            )
        parts.append("</ul></div>")
        parts.append("<p>Notes:</p>" + _LINE * 2)
    elif ex.type in ("ordering", "confidence"):
        shown = display_order(ex) if ex.type == "ordering" else list(ex.scale)
        parts.append('<ul style="list-style:none;padding-left:0.5em">')
        parts += [
            f'<li><span aria-hidden="true">{box[ex.type]}</span> {html.escape(t)}</li>'
            for t in shown
        ]
        parts.append("</ul></div>")
        if ex.type == "ordering":
            parts.append("<p>Notes:</p>" + _LINE * 2)
    elif ex.type == "numeric":
        unit = f" {html.escape(ex.unit)}" if ex.unit else ""
        parts.append(f"<p>Answer: ____________{unit}</p></div><p>Working:</p>" + _LINE * 3)
    else:
        parts.append("</div>" + _LINE * 6)
    if trainer:
        parts.append(_printed_trainer_box(ex))
    parts.append("</section>")
    return "\n".join(parts)
