"""Trainer notes: facilitator material kept as data, shown only to trainers.

Trainer-only material never sits in a cell a learner can read. Each note lives in
``data/notes/<notebook>.yaml``::

    notebook: 03-hmic-findings
    notes:
      - id: 03-closing-reflection
        title: Closing reflection
        text: |
          Collect answers under four headings (control room, attendance, ...).

and a code cell tagged ``trainer`` and ``remove-input``, its input collapsed in JupyterLab
(``"jupyter": {"source_hidden": true}`` in its metadata), shows it::

    toolkit.trainer_note("03-closing-reflection")

The note appears, as a box headed "Trainer note", only while trainer material is on show
(:func:`showing_trainer_material`): trainer mode is on (``toolkit.trainer_mode(True)`` or
``EVERYCALL_TRAINER=1``), or the handout build is running (``EVERYCALL_HANDOUT=1``; its student
edition drops the output, marked ``{"everycall": {"trainer": true, "note": id}}``, and the
tagged cell). Otherwise the call shows nothing at all: no output, not even an empty one. The id
is checked either way, so a mistyped id fails in every run, not only in the trainer's.

Notes are read from ``notes/`` in the data folder in use; a course builder's own data folder
(``EVERYCALL_DATA``) without a ``notes/`` folder uses the course's own notes, since the notes
belong to the course notebooks rather than to the cases.

- :func:`trainer_note` shows one note (exported as ``toolkit.trainer_note``);
- :func:`find_note` and :func:`load_notes` read the definitions;
- :func:`validate_notes` checks the files and returns every problem (for ``everycall validate``);
- :func:`note_texts` lists every note's text for the handouts' leak scan;
- :func:`note_html` is the box as HTML (a pure function).

Examples
--------
>>> note = find_note("03-closing-reflection")
>>> note.notebook, note.title
('03-hmic-findings', 'Closing reflection')
>>> trainer_note("03-closing-reflection")  # trainer mode is off: nothing at all is shown
>>> find_note("03-closing-reflexion")
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: no trainer note has the id "03-closing-reflexion"; did you mean \
"03-closing-reflection"? Trainer notes are defined in data/notes/*.yaml
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.core.display import TRAINER_MARKER as TRAINER_MARKER
from toolkit.core.display import display_as_trainer as display_as_trainer
from toolkit.core.files import cached_by_files
from toolkit.core.paths import course_data_dir, data_dir
from toolkit.core.session import showing_trainer_material as showing_trainer_material
from toolkit.core.text import did_you_mean, markdown_html, plain
from toolkit.core.yamlio import read_yaml
from toolkit.errors import DataError, Problem, ToolkitError

__all__ = [
    "Note",
    "find_note",
    "load_notes",
    "note_html",
    "note_texts",
    "display_as_trainer",
    "showing_trainer_material",
    "trainer_note",
    "validate_notes",
]

#: The fields a note may have (all three are required).
FIELDS = ("id", "title", "text")
_TOP = ("notebook", "notes")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Note text shorter than this is too generic to scan handouts for.
MIN_SECRET_LENGTH = 12


@dataclass(frozen=True)
class Note:
    """One trainer note as defined in ``data/notes/<notebook>.yaml``.

    ``text`` is Markdown; ``file`` and ``line`` say where the note was defined, for messages.
    """

    id: str
    title: str
    text: str
    notebook: str
    file: str = ""
    line: int | None = None


# --------------------------------------------------------------------------------------------
# When trainer material shows


def _bundled_notes() -> Path:
    return course_data_dir() / "notes"


def _default_folder() -> Path:
    own = data_dir() / "notes"
    return own if own.is_dir() else _bundled_notes()


def _note_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if (path / "notes").is_dir():
        path = path / "notes"
    elif (path / "case.yaml").is_file():  # a case folder holds no notes
        return []
    return sorted(p for p in path.glob("*.yaml") if not p.name.startswith("."))


def _shown(path: Path) -> str:
    try:
        bases = [data_dir().parent]
    except ToolkitError:  # a bad EVERYCALL_DATA must not hide the problems of this file
        bases = []
    for base in [*bases, _bundled_notes().parent.parent]:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def _text_problem(value: Any) -> str | None:
    """Why ``value`` is not usable text, or None."""
    if isinstance(value, bool):
        return (
            f"{str(value).lower()} is not text (YAML reads yes/no/on/off/true/false as true or "
            "false: put the text in quotes)"
        )
    if not isinstance(value, str):
        return f"{value!r} is not text"
    if not value.strip():
        return "is empty (expected some text)"
    return None


def _check_file(
    file: Path, seen: dict[str, Note]
) -> tuple[list[Note], list[Problem]]:  # one file: its notes and its problems
    shown = _shown(file)
    data, problems = read_yaml(file, shown)
    if data is None:
        if not problems:
            problems.append(Problem(shown, "is empty (expected notebook: and notes:)"))
        return [], problems
    if not isinstance(data, dict):
        problems.append(
            Problem(shown, "expected a mapping with notebook: and notes: at the top level")
        )
        return [], problems
    lines = getattr(data, "key_lines", {})
    for key in sorted(map(str, set(data) - set(_TOP))):
        problems.append(
            Problem(
                shown,
                f'field "{key}" is not known; {did_you_mean(key, _TOP)}known fields: '
                + ", ".join(_TOP),
                row=lines.get(key),
                column=key,
            )
        )
    notebook = data.get("notebook")
    if "notebook" not in data:
        problems.append(Problem(shown, f'field "notebook" is missing (expected "{file.stem}")'))
    elif _text_problem(notebook):
        problems.append(
            Problem(shown, str(_text_problem(notebook)), lines.get("notebook"), "notebook")
        )
    elif notebook != file.stem:
        problems.append(
            Problem(
                shown,
                f'notebook is "{notebook}", expected "{file.stem}" (the file name without .yaml)',
                lines.get("notebook"),
                "notebook",
            )
        )
    raw_notes = data.get("notes")
    if "notes" not in data:
        problems.append(Problem(shown, 'field "notes" is missing (expected a list of notes)'))
        return [], problems
    if not isinstance(raw_notes, list) or not raw_notes:
        problems.append(
            Problem(
                shown,
                "expected a list of notes (one entry per note, each starting with - id:)",
                lines.get("notes"),
                "notes",
            )
        )
        return [], problems
    notes: list[Note] = []
    for number, raw in enumerate(raw_notes, start=1):
        found, note = _check_note(raw, number, shown, file.stem, seen)
        problems += found
        if note is not None:
            notes.append(note)
            seen[note.id] = note
    return notes, problems


def _check_note(
    raw: Any, number: int, shown: str, notebook: str, seen: dict[str, Note]
) -> tuple[list[Problem], Note | None]:
    if not isinstance(raw, dict):
        return [
            Problem(
                shown,
                f"note {number} is not a mapping of fields (expected id:, title: and text:)",
                column="notes",
            )
        ], None
    line = getattr(raw, "line", None)
    lines = getattr(raw, "key_lines", {})
    note_id = raw.get("id")
    label = f"note {note_id}" if isinstance(note_id, str) and note_id.strip() else f"note {number}"
    problems: list[Problem] = []

    def add(message: str, column: str | None = None) -> None:
        row = lines.get(column, line) if column else line
        problems.append(Problem(shown, f"{label}: {message}", row, column))

    for key in sorted(map(str, set(raw) - set(FIELDS))):
        add(
            f'field "{key}" is not known; {did_you_mean(key, FIELDS)}known fields: '
            + ", ".join(FIELDS),
            key,
        )
    for key in FIELDS:
        if key not in raw:
            expected = {
                "id": "a name such as 01-session-plan",
                "title": "a few words shown after 'Trainer note:'",
                "text": "the note itself, in Markdown",
            }[key]
            add(f'field "{key}" is missing (expected {expected})')
        elif _text_problem(raw[key]):
            add(str(_text_problem(raw[key])), key)
    if problems:
        return problems, None
    if not isinstance(note_id, str) or not _ID.match(note_id):
        add(
            f"{note_id!r} is not a valid id (expected lower case letters, digits and hyphens, "
            "such as 01-session-plan)",
            "id",
        )
        return problems, None
    if note_id in seen:
        first = seen[note_id]
        add(
            f'id "{note_id}" is already used in {first.file} (line {first.line}); ids must be '
            "unique across the course",
            "id",
        )
        return problems, None
    note = Note(
        id=note_id,
        title=" ".join(raw["title"].split()),
        text=raw["text"].strip("\n"),
        notebook=notebook,
        file=shown,
        line=line,
    )
    return problems, note


def _load(path: Path | None) -> tuple[dict[str, Note], list[Problem]]:
    """Every note under ``path`` and the problems found, read again only after an edit."""
    folder = Path(path) if path is not None else _default_folder()
    if not folder.exists():
        return {}, [Problem(folder.as_posix(), "does not exist (expected a folder of .yaml files)")]
    files = _note_files(folder)

    def read() -> tuple[dict[str, Note], list[Problem]]:
        seen: dict[str, Note] = {}
        problems: list[Problem] = []
        for file in files:
            _notes, found = _check_file(file, seen)
            problems += found
        problems.sort(key=lambda p: (p.level != "error", p.file, p.row or 0))
        return seen, problems

    seen, problems = cached_by_files(f"notes:{folder.resolve()}", [folder, *files], read)
    return dict(seen), list(problems)


def validate_notes(path: Path | str | None = None) -> list[Problem]:
    """Check trainer-note YAML files; return every problem found (an empty list when all is well).

    Parameters
    ----------
    path : path, optional
        A folder of ``.yaml`` files, one file, or a data folder holding ``notes/``; by default
        the notes in use (see the module docstring). A case folder holds no notes: [].

    Returns
    -------
    list of Problem
        Each names the file, the line (``row``), the field (``column``) and what was expected:
        unknown fields (with "did you mean"), a missing or empty ``id``, ``title`` or
        ``text``, ids used twice across the course, a ``notebook`` that is not the file name.

    Examples
    --------
    >>> validate_notes()
    []
    >>> import pathlib, tempfile
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "09-demo.yaml"
    >>> _ = bad.write_text("notebook: 09-demo\\nnotes:\\n  - id: 09-plan\\n    titel: Plan\\n")
    >>> for problem in validate_notes(bad): print(problem.row, problem.column, problem.message)
    3 None note 09-plan: field "title" is missing (expected a few words shown after 'Trainer \
note:')
    3 None note 09-plan: field "text" is missing (expected the note itself, in Markdown)
    4 titel note 09-plan: field "titel" is not known; did you mean "title"? known fields: id, \
title, text
    """
    return list(_load(Path(path) if path is not None else None)[1])


def load_notes(path: Path | str | None = None) -> dict[str, Note]:
    """Every trainer note by id; raises ``DataError`` listing every problem if any file is bad.

    Examples
    --------
    >>> notes = load_notes()
    >>> all(n.text.strip() for n in notes.values())
    True
    >>> load_notes("/no/such/folder")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: /no/such/folder: does not exist (expected a folder of .yaml files)
    """
    notes, problems = _load(Path(path) if path is not None else None)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise DataError(errors)
    return notes


def find_note(note_id: str, *, path: Path | str | None = None) -> Note:
    """The trainer note with this id (see the module docstring for an example).

    Raises ``ToolkitError`` naming the closest id when there is no such note, or ``DataError``
    when the note files cannot be read and the id is not among the notes that could.
    """
    notes, problems = _load(Path(path) if path is not None else None)
    if isinstance(note_id, str) and note_id in notes:  # a broken file elsewhere must not stop us
        return notes[note_id]
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise DataError(errors)
    close = difflib.get_close_matches(str(note_id), sorted(notes), n=1)
    hint = f'did you mean "{close[0]}"? ' if close else ""
    raise ToolkitError(
        f'no trainer note has the id "{note_id}"; {hint}Trainer notes are defined in '
        "data/notes/*.yaml"
    )


# --------------------------------------------------------------------------------------------
# Showing a note


def note_html(note: Note) -> str:
    """The note as a styled "Trainer note" box (HTML; every text escaped).

    Examples
    --------
    >>> box = note_html(Note("x-1", "Timing <15 min>", "Keep **5** minutes.", "x"))
    >>> 'role="note"' in box and "Trainer note: Timing &lt;15 min&gt;" in box
    True
    >>> "<strong>5</strong>" in box
    True
    >>> note_html("x-1")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: note_html expects a Note (from find_note), got 'x-1'
    """
    if not isinstance(note, Note):
        raise ToolkitError(f"note_html expects a Note (from find_note), got {note!r}")

    title = html.escape(f"Trainer note: {note.title}")
    return (
        f'<div class="everycall-trainer-note" role="note" aria-label="{title}" '
        'style="border-left:6px solid #7a4a00;background:#fff4d6;color:#1a1a1a;'
        'padding:0.4em 1em;margin:0.5em 0">'
        '<p class="everycall-trainer-note-title" style="margin:0.2em 0 0.4em 0;color:#5d3a00">'
        f"<strong>{title}</strong></p>"
        f"{markdown_html(note.text)}</div>"
    )


def _note_plain(note: Note) -> str:
    return f"Trainer note: {note.title}\n\n{note.text}"


def trainer_note(note_id: str) -> None:
    """Show the trainer note ``note_id`` while trainer material is on show; otherwise nothing.

    In a notebook the note is displayed as a "Trainer note" box with the output metadata
    ``{"everycall": {"trainer": true, "note": note_id}}``; in a plain Python session its text is
    printed. With trainer mode off (and outside a handout build) nothing at all is displayed.

    Examples
    --------
    >>> trainer_note("03-closing-reflection")
    >>> from toolkit.session import trainer_mode
    >>> trainer_mode(True)
    Trainer mode on: ...
    >>> trainer_note("03-closing-reflection")
    Trainer note: Closing reflection
    <BLANKLINE>
    Collect answers under four headings ...
    >>> trainer_mode(False)
    Trainer mode off: ...
    >>> trainer_note("no-such-note")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: no trainer note has the id "no-such-note"; ...
    """
    note = find_note(note_id)
    if not showing_trainer_material():
        return None
    from IPython import get_ipython

    if get_ipython() is None:
        print(_note_plain(note))
        return None
    from IPython.display import display

    display(
        {"text/html": note_html(note), "text/plain": _note_plain(note)},
        raw=True,
        metadata={"everycall": {"trainer": True, "note": note.id}},
    )
    return None


# --------------------------------------------------------------------------------------------
# Leak scanning


def note_texts(notebook: str | None = None) -> list[str]:
    """Every trainer note's text, for a student handout's leak scan.

    Each note's whole text as plain text (Markdown removed, white space collapsed), as
    :func:`toolkit.exercises.answer_texts` gives exercise answers; compare them with a handout's
    visible text (HTML unescaped, white space collapsed). Titles are left out: they are a few
    generic words.

    Examples
    --------
    >>> secrets = note_texts("01-reading-a-case-timeline")
    >>> any("nine before the Marac" in s for s in secrets)
    True
    >>> note_texts("01-reading-a-case-timelin")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: no trainer notes are defined for notebook \
"01-reading-a-case-timelin"; did you mean "01-reading-a-case-timeline"? notebooks with notes: ...
    """
    notes = list(load_notes().values())
    if notebook is not None:
        notebooks = sorted({n.notebook for n in notes})
        notes = [n for n in notes if n.notebook == notebook]
        if not notes:
            close = difflib.get_close_matches(notebook, notebooks, n=1)
            hint = f'did you mean "{close[0]}"? ' if close else ""
            raise ToolkitError(
                f'no trainer notes are defined for notebook "{notebook}"; {hint}notebooks with '
                f"notes: {', '.join(notebooks)}"
            )
    found = {plain(n.text) for n in notes}
    return sorted(t for t in found if len(t) >= MIN_SECRET_LENGTH)
