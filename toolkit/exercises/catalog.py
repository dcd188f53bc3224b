"""The course's exercises: read from ``data/exercises/``, found by id, printed for handouts.

Examples
--------
>>> ex = find("00-stepping-away")
>>> ex.type
'single_choice'
>>> find("00-stepping-awya")
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: no exercise has the id "00-stepping-awya"; did you mean \
"00-stepping-away"? Exercises are defined in data/exercises/*.yaml
"""

from __future__ import annotations

import difflib
from pathlib import Path

from toolkit.core.files import cached_by_files
from toolkit.core.paths import data_dir
from toolkit.core.text import plain
from toolkit.errors import DataError, Problem, ToolkitError
from toolkit.exercises.definitions import (
    EDITIONS,
    MIN_SECRET_LENGTH,
    Edition,
    Exercise,
    load_all,
)
from toolkit.exercises.html import printed_html

__all__ = [
    "answer_texts",
    "find",
    "load_definitions",
    "render_printed",
    "valid_definitions",
    "validate_definitions",
]


# --------------------------------------------------------------------------------------------
# Definitions

_inline: dict[str, Exercise] = {}


def _load(path: Path | None) -> tuple[dict[str, Exercise], list[Problem]]:
    """Every exercise under ``path`` and the problems found, read again only after an edit."""
    folder = Path(path) if path is not None else data_dir() / "exercises"
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else [folder]
    exercises, problems = cached_by_files(
        f"exercises:{folder.resolve()}", [folder, *files], lambda: load_all(folder)
    )
    return dict(exercises), list(problems)


def valid_definitions(path: Path | str | None = None) -> dict[str, Exercise]:
    """Every exercise whose definition is valid, even when another file is broken (for the
    cohort debrief: answers to the rest are still collected, unmarked)."""
    return dict(_load(Path(path) if path is not None else None)[0])


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


def find(exercise_id: str | Exercise, *, path: Path | str | None = None) -> Exercise:
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
# Printed editions and the handout leak scan


def render_printed(exercise_id: str | Exercise, edition: Edition) -> str:
    """The exercise as printed HTML for a handout: ``edition`` is "student" or "trainer".

    The student edition holds the question, the options and lined space to answer, and
    nothing else: no answer, feedback, hint, model answer or facilitator note. The trainer
    edition adds all of them. Every text is escaped.

    Examples
    --------
    >>> page = render_printed("00-stepping-away", "student")
    >>> any(secret in page for secret in answer_texts("00-start-here"))
    False
    >>> render_printed("00-stepping-away", "teacher")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: edition "teacher" is not known; expected "student" or "trainer"
    """
    if edition not in EDITIONS:
        raise ToolkitError(f'edition "{edition}" is not known; expected "student" or "trainer"')
    return printed_html(find(exercise_id), edition)


def answer_texts(notebook: str | None = None, *, include_hints: bool = False) -> list[str]:
    """Every answer text a student handout must not contain, for its leak scan.

    Feedback (per option and per outcome), model answers and facilitator notes, each whole, as
    plain text (Markdown removed, white space collapsed), keeping those of at least 12
    characters. Compare them with a handout's visible text (HTML unescaped, white space
    collapsed). Sentences are not split out: short generic sentences ("There is no need to
    wait.") would flag innocent narrative. Hints are left out unless ``include_hints`` (see the
    module docstring).

    Examples
    --------
    >>> secrets = answer_texts("00-start-here")
    >>> len(secrets) > 0 and all(len(s) >= 12 for s in secrets)
    True
    >>> answer_texts("99-no-such-notebook")
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
            words = plain(text)
            if len(words) >= MIN_SECRET_LENGTH:
                found.add(words)
    return sorted(found)


# --------------------------------------------------------------------------------------------
# Widgets (thin: see toolkit/_widgets.py)
