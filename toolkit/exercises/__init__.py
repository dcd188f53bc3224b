"""Exercises: questions defined as data, marked by pure functions, shown as small widgets.

A notebook shows an exercise by its id; the question, options, answer and feedback live in
``data/exercises/<notebook>.yaml`` (format: ``data/exercises/schema.json``), never in a cell::

    toolkit.exercises.show("00-stepping-away")

Six types: ``single_choice``, ``multiple_choice``, ``numeric`` (with a tolerance),
``free_text`` (a reflection, not marked; a model answer is shown after submitting),
``ordering`` and ``confidence``. The logic is in pure functions that tests drive directly:

- :func:`mark` turns a response into a :class:`Result` (correct or not, and the feedback);
- :func:`render_printed` gives the printed form for the student or trainer handout;
- :func:`answer_texts` lists what a student handout must never contain;
- :func:`validate_definitions` checks every YAML file and returns its problems.

The parts: :mod:`~toolkit.exercises.definitions` (the dataclasses, reading and checking the
YAML), :mod:`~toolkit.exercises.catalog` (the course's exercises, found by id, and what a
student handout must not hold), :mod:`~toolkit.exercises.marking`, :mod:`~toolkit.exercises.html`
(feedback, the trainer view, printed forms), :mod:`~toolkit.exercises.web` (a question as a form
a web page marks itself, for SCORM packages), :mod:`~toolkit.exercises.widgets` (the widget and
:func:`show`) and :mod:`~toolkit.exercises.inline` (exercises drafted in a cell).

Widgets (:func:`show`, :func:`widget`, and the inline helpers such as :func:`single_choice`)
are thin: they call :func:`mark` and save through the learner's answer store
(:mod:`toolkit.answers`) on every change, and restore the saved answer and its feedback when
the cell runs again. Their CSS classes, for styling and browser tests: ``everycall-exercise``
(the whole exercise, plus ``everycall-<type>``), ``everycall-prompt``, ``everycall-control``,
``everycall-check``, ``everycall-hint-button``, ``everycall-hint``, ``everycall-feedback``,
``everycall-attempts``, ``everycall-trainer``, ``everycall-save-error``.

Hints are not treated as secret: learners may reveal them in the live notebook. The printed
student edition leaves them out all the same, and ``answer_texts(include_hints=True)`` adds
them when a scan should check that.

Examples
--------
>>> ex = find("00-stepping-away")
>>> ex.type
'single_choice'
>>> mark(ex, ex.correct_options[0].text).correct
True
>>> find("00-stepping-awya")
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: no exercise has the id "00-stepping-awya"; did you mean \
"00-stepping-away"? Exercises are defined in data/exercises/*.yaml
"""

from __future__ import annotations

from toolkit.exercises.catalog import (
    answer_texts,
    find,
    load_definitions,
    render_printed,
    valid_definitions,
    validate_definitions,
)
from toolkit.exercises.definitions import (
    EDITIONS,
    TYPES,
    Edition,
    Exercise,
    Option,
    Result,
    display_order,
    plain_number,
)
from toolkit.exercises.html import feedback_html
from toolkit.exercises.inline import (
    confidence,
    draft_trainer_note,
    free_text,
    multiple_choice,
    numeric,
    ordering,
    single_choice,
)
from toolkit.exercises.marking import mark, normalise_response, number_problem, parse_number
from toolkit.exercises.web import form_html, marking_data, page_secrets
from toolkit.exercises.widgets import ExerciseWidget, show, widget

__all__ = [
    "valid_definitions",
    "plain_number",
    "EDITIONS",
    "Edition",
    "TYPES",
    "Exercise",
    "ExerciseWidget",
    "Option",
    "Result",
    "answer_texts",
    "confidence",
    "display_order",
    "draft_trainer_note",
    "feedback_html",
    "find",
    "form_html",
    "free_text",
    "load_definitions",
    "mark",
    "marking_data",
    "multiple_choice",
    "normalise_response",
    "number_problem",
    "numeric",
    "ordering",
    "page_secrets",
    "parse_number",
    "render_printed",
    "show",
    "single_choice",
    "validate_definitions",
    "widget",
]
