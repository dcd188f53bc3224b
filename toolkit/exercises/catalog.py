"""Exercises: questions defined as data, marked by pure functions, shown as small widgets.

A notebook shows an exercise by its id; the question, options, answer and feedback live in
``data/exercises/<notebook>.yaml`` (format: ``data/exercises/schema.json``), never in a cell::

    toolkit.exercises.show("00-stepping-away")

Six types: ``single_choice``, ``multiple_choice``, ``numeric`` (with a tolerance),
``free_text`` (a reflection, not marked; a model answer is shown after submitting),
``ordering`` and ``confidence``. The logic is in pure functions that tests drive directly:

- :func:`mark` turns a response into a :class:`Result` (correct or not, and the feedback);
- :func:`render_printed` gives the printed form for the student or trainer handout;
- :func:`secret_texts` lists what a student handout must never contain;
- :func:`validate_definitions` checks every YAML file and returns its problems.

The definitions' dataclasses and YAML loader are in ``toolkit/_exercise_data.py``, the HTML
in ``toolkit/_exercise_html.py``, marking in ``toolkit/_exercises_marking.py`` and the widgets
in ``toolkit/_widgets.py``; every public name is imported from here.

Widgets (:func:`show`, :func:`widget`, and the inline helpers such as :func:`single_choice`)
are thin: they call :func:`mark` and save through the learner's answer store
(:mod:`toolkit.answers`) on every change, and restore the saved answer and its feedback when
the cell runs again. Their CSS classes, for styling and browser tests: ``everycall-exercise``
(the whole exercise, plus ``everycall-<type>``), ``everycall-prompt``, ``everycall-control``,
``everycall-check``, ``everycall-hint-button``, ``everycall-hint``, ``everycall-feedback``,
``everycall-attempts``, ``everycall-trainer``, ``everycall-save-error``.

Hints are not treated as secret: learners may reveal them in the live notebook. The printed
student edition leaves them out all the same, and ``secret_texts(include_hints=True)`` adds
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

import difflib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.exercises.definitions import (
    MIN_SECRET_LENGTH,
    TYPES,
    Exercise,
    Option,
    Result,
    _plain,
    check_inline,
    display_order,
    load_all,
)
from toolkit.exercises.html import feedback_html, markdown_html, printed_html
from toolkit.exercises.marking import NOT_A_NUMBER as NOT_A_NUMBER  # public here before
from toolkit.exercises.marking import TOO_LARGE as TOO_LARGE  # the split: still importable
from toolkit.exercises.marking import mark, normalise_response, number_problem, parse_number
from toolkit.core.paths import data_dir
from toolkit.errors import DataError, Problem, ToolkitError

__all__ = [
    "TYPES",
    "Exercise",
    "Option",
    "Result",
    "confidence",
    "display_order",
    "feedback_html",
    "find",
    "free_text",
    "is_trainer_mode",
    "load_definitions",
    "mark",
    "markdown_html",
    "multiple_choice",
    "normalise_response",
    "number_problem",
    "numeric",
    "parse_number",
    "ordering",
    "render_printed",
    "secret_texts",
    "show",
    "single_choice",
    "trainer_mode",
    "trainer_note",
    "validate_definitions",
    "widget",
]

EDITIONS = ("student", "trainer")

# --------------------------------------------------------------------------------------------
# Trainer mode

_trainer: bool | None = None


TRAINER_ON_MESSAGE = (
    "Trainer mode on: model answers, facilitator notes and reviewer annotations will show in "
    "cells you run from now on. Do not project the screen."
)
TRAINER_OFF_MESSAGE = (
    "Trainer mode off: model answers, facilitator notes and reviewer annotations are hidden in "
    "cells you run from now on. Run a cell again to hide what it already shows."
)


def trainer_mode(on: bool = True) -> None:
    """Show (or hide) model answers, facilitator notes and trainer notes in this kernel.

    Overrides ``EVERYCALL_TRAINER`` for this kernel and says what it did in one line (so a
    status line shown earlier cannot mislead). Exercise widgets already on screen, and the
    status line of ``toolkit.begin``, are updated at once; other cells show the change when
    they run again.

    Examples
    --------
    >>> trainer_mode(True); is_trainer_mode()
    Trainer mode on: model answers, facilitator notes and reviewer annotations will show in \
cells you run from now on. Do not project the screen.
    True
    >>> trainer_mode(False); is_trainer_mode()
    Trainer mode off: model answers, facilitator notes and reviewer annotations are hidden in \
cells you run from now on. Run a cell again to hide what it already shows.
    False
    >>> trainer_mode("yes")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: trainer_mode expects True or False, got 'yes'
    """
    global _trainer
    if not isinstance(on, bool):
        raise ToolkitError(f"trainer_mode expects True or False, got {on!r}")
    _trainer = on
    import sys

    widgets_module = sys.modules.get("toolkit.exercises.widget")
    if widgets_module is not None:
        widgets_module.refresh_trainer_views()
    _announce(TRAINER_ON_MESSAGE if on else TRAINER_OFF_MESSAGE)


def _announce(message: str) -> None:
    """One status line: displayed in a notebook (handouts drop it), printed elsewhere."""
    from IPython import get_ipython

    if get_ipython() is None:
        print(message)
        return
    import html

    from IPython.display import display

    display(
        {
            "text/plain": message,
            "text/html": '<div class="everycall-status everycall-trainer-mode" role="status" '
            f'style="font-size:0.9em;color:#37474f">{html.escape(message)}</div>',
        },
        raw=True,
        metadata={"everycall": {"status": True}},
    )


def is_trainer_mode() -> bool:
    """True when trainer mode is on (``trainer_mode(True)`` or ``EVERYCALL_TRAINER=1``)."""
    if _trainer is not None:
        return _trainer
    return os.environ.get("EVERYCALL_TRAINER", "").strip().lower() in {"1", "true", "yes", "on"}


# --------------------------------------------------------------------------------------------
# Definitions

_cache: dict[str, tuple[tuple[Any, ...], dict[str, Exercise], list[Problem]]] = {}
_inline: dict[str, Exercise] = {}


def _signature(folder: Path) -> tuple[Any, ...]:
    try:
        return tuple(
            (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.yaml"))
        )
    except OSError:
        return ()


def _load(path: Path | None) -> tuple[dict[str, Exercise], list[Problem]]:
    folder = Path(path) if path is not None else data_dir() / "exercises"
    key = str(folder.resolve())
    sig = _signature(folder) if folder.is_dir() else ("file", os.urandom(4))
    cached = _cache.get(key)
    if cached is not None and cached[0] == sig:
        return cached[1], cached[2]
    exercises, problems = load_all(folder)
    _cache[key] = (sig, exercises, problems)
    return exercises, problems


def validate_definitions(path: Path | str | None = None) -> list[Problem]:
    """Check exercise YAML files; return every problem (errors first, then warnings).

    ``path`` is a folder of ``.yaml`` files, one file, or a data folder holding
    ``exercises/``; by default the course's ``data/exercises``.

    Examples
    --------
    >>> [p for p in validate_definitions() if p.level == "error"]
    []
    >>> import pathlib, tempfile
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "09-demo.yaml"
    >>> _ = bad.write_text("notebook: 09-demo\\nexercises:\\n  - id: 09-a\\n"
    ...                    "    type: singel_choice\\n    prompt: Which?\\n")
    >>> for problem in validate_definitions(bad): print(problem.message)
    exercise 09-a: "singel_choice" is not a known question type; did you mean "single_choice"? \
known types: single_choice, multiple_choice, numeric, free_text, ordering, confidence
    """
    return list(_load(Path(path) if path is not None else None)[1])


def load_definitions(path: Path | str | None = None) -> dict[str, Exercise]:
    """Every exercise by id; raises ``DataError`` listing every error if any file is invalid."""
    exercises, problems = _load(Path(path) if path is not None else None)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise DataError(errors)
    return dict(exercises)


def find(exercise_id: str, *, path: Path | str | None = None) -> Exercise:
    """The exercise with this id, from the YAML files (or defined inline in this kernel)."""
    if isinstance(exercise_id, Exercise):
        return exercise_id
    exercises, problems = _load(Path(path) if path is not None else None)
    if exercise_id in exercises:  # a broken file elsewhere must not stop this notebook
        return exercises[exercise_id]
    if exercise_id in _inline:
        return _inline[exercise_id]
    errors = [p for p in problems if p.level == "error"]
    if errors:  # the id may be in the file that could not be read: say why
        raise DataError(errors)
    known = sorted(exercises) + sorted(_inline)
    close = difflib.get_close_matches(str(exercise_id), known, n=1)
    hint = f'did you mean "{close[0]}"? ' if close else ""
    raise ToolkitError(
        f'no exercise has the id "{exercise_id}"; {hint}Exercises are defined in '
        "data/exercises/*.yaml"
    )


# --------------------------------------------------------------------------------------------
# Printed editions and the handout leak scan (marking: toolkit/_exercises_marking.py)


def render_printed(exercise_id: str | Exercise, edition: str) -> str:
    """The exercise as printed HTML for a handout: ``edition`` is "student" or "trainer".

    The student edition holds the question, the options and lined space to answer, and
    nothing else: no answer, feedback, hint, model answer or facilitator note. The trainer
    edition adds all of them. Every text is escaped.

    Examples
    --------
    >>> page = render_printed("00-stepping-away", "student")
    >>> any(secret in page for secret in secret_texts("00-start-here"))
    False
    >>> render_printed("00-stepping-away", "teacher")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: edition "teacher" is not known; expected "student" or "trainer"
    """
    if edition not in EDITIONS:
        raise ToolkitError(f'edition "{edition}" is not known; expected "student" or "trainer"')
    return printed_html(find(exercise_id), edition)


def secret_texts(notebook: str | None = None, *, include_hints: bool = False) -> list[str]:
    """Every answer text a student handout must not contain, for its leak scan.

    Feedback (per option and per outcome), model answers and facilitator notes, each whole, as
    plain text (Markdown removed, white space collapsed), keeping those of at least 12
    characters. Compare them with a handout's visible text (HTML unescaped, white space
    collapsed). Sentences are not split out: short generic sentences ("There is no need to
    wait.") would flag innocent narrative. Hints are left out unless ``include_hints`` (see the
    module docstring).

    Examples
    --------
    >>> secrets = secret_texts("00-start-here")
    >>> len(secrets) > 0 and all(len(s) >= 12 for s in secrets)
    True
    >>> secret_texts("99-no-such-notebook")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: no exercises are defined for notebook "99-no-such-notebook"; ...
    """
    exercises = list(load_definitions().values()) + list(_inline.values())
    if notebook is not None:
        notebooks = sorted({e.notebook for e in exercises})
        exercises = [e for e in exercises if e.notebook == notebook]
        if not exercises:
            close = difflib.get_close_matches(notebook, notebooks, n=1)
            hint = f'did you mean "{close[0]}"? ' if close else ""
            raise ToolkitError(
                f'no exercises are defined for notebook "{notebook}"; {hint}notebooks with '
                f"exercises: {', '.join(notebooks)}"
            )
    found: set[str] = set()
    for ex in exercises:
        for text in ex.secrets(include_hints=include_hints):
            plain = _plain(text)
            if len(plain) >= MIN_SECRET_LENGTH:
                found.add(plain)
    return sorted(found)


# --------------------------------------------------------------------------------------------
# Widgets (thin: see toolkit/_widgets.py)


def widget(exercise_id: str | Exercise) -> Any:
    """The exercise's widget bound to the learner's answer store, not yet displayed."""
    from toolkit.exercises.widget import ExerciseWidget
    from toolkit.answers import current_store

    return ExerciseWidget(find(exercise_id), current_store())


def show(exercise_id: str) -> None:
    """Display the exercise with this id, restoring the learner's saved answer.

    The output carries the metadata ``{"everycall": {"exercise": id}}`` so that the handout
    builder can replace it with :func:`render_printed`.
    """
    from IPython.display import display

    ex = find(exercise_id)
    display(widget(ex), metadata={"everycall": {"exercise": ex.id}})


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


def trainer_note(text: str) -> None:
    """Show ``text`` (Markdown) only while trainer material is on show (for drafting).

    Shipped notebooks keep their notes as data instead: ``toolkit.trainer_note("<id>")`` with
    the note in ``data/notes/<notebook>.yaml`` (see :mod:`toolkit.notes`).
    """
    from toolkit.notes import showing_trainer_material

    if showing_trainer_material():
        from IPython.display import HTML, display

        body = markdown_html(text)
        display(
            HTML(f'<div class="everycall-trainer-view">{body}</div>'),
            metadata={"everycall": {"trainer": True}},
        )
