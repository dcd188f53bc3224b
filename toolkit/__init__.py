"""Every Call: a teaching and inquiry toolkit on police responses to domestic abuse.

Importing ``toolkit`` is cheap: pandas, plotly, nbconvert and playwright load inside the
functions that need them (see ``benchmarks/import_time.py``). Submodules load on first use,
so ``import toolkit`` then ``toolkit.exercises.show(...)`` works without importing
``toolkit.exercises`` by hand.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from toolkit.errors import ToolkitError

__version__ = "0.1.0"

__all__ = [
    "ToolkitError",
    "__version__",
    "begin",
    "code_free_view",
    "is_trainer_mode",
    "show_figure",
    "trainer_mode",
    "trainer_note",
]


def begin(notebook: str, *, learner: str | None = None) -> None:
    """Start a notebook: bind the learner's answer store and show where answers are saved.

    The first code cell of every notebook is ``toolkit.begin("<notebook file stem>")``. The
    learner's name is asked once on this computer (``learner=`` or ``EVERYCALL_LEARNER``
    skips the question, as tests and handout builds do). In a notebook it also shows any
    ``ToolkitError`` from then on as one short message instead of a traceback. Returns None.

    Examples
    --------
    >>> begin("00-start-here", learner="Sam")  # outside a notebook it prints the status
    Answering as Sam. Answers are saved to ...; trainer mode: off (toolkit.trainer_mode(True) \
to turn on).
    >>> begin("00 start here!")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: notebook '00 start here!' is not a notebook name: expected ...
    """
    from toolkit.session import begin as _begin

    _begin(notebook, learner=learner)


def trainer_mode(on: bool = True) -> None:
    """Show (``True``) or hide (``False``) model answers, facilitator and trainer notes and the
    reviewer's annotations, and say so in one line.

    Off by default; ``EVERYCALL_TRAINER=1`` turns it on for every kernel started with it.

    Examples
    --------
    >>> trainer_mode(True)
    Trainer mode on: model answers, facilitator notes and reviewer annotations will show in \
cells you run from now on. Do not project the screen.
    >>> trainer_mode(False)
    Trainer mode off: ...
    >>> trainer_mode("on")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: trainer_mode expects True or False, got 'on'
    """
    from toolkit.session import trainer_mode as _trainer_mode

    _trainer_mode(on)


def is_trainer_mode() -> bool:
    """True when trainer mode is on (see :func:`trainer_mode`)."""
    from toolkit.core.session import is_trainer_mode as _is_trainer_mode

    return _is_trainer_mode()


def show_figure(*figs: object) -> None:
    """Show each figure with its text alternative under it (a handout prints that text once,
    as the figure's caption). See :func:`toolkit.core.display.show`."""
    from toolkit.core.display import show

    show(*figs)


def code_free_view() -> None:
    """Show links to every notebook of the course as a page without code (Voilà), for
    learners who would rather not see code. See :mod:`toolkit.code_free`."""
    from toolkit.code_free import show_code_free_view

    show_code_free_view()


def trainer_note(note_id: str) -> None:
    """Show the trainer note ``note_id`` (from ``data/notes/``) in trainer mode; else nothing.

    See :mod:`toolkit.notes`. The cell holding the call is tagged ``trainer`` and
    ``remove-input``, so a handout shows only the note's box, and only in the trainer edition;
    its input is collapsed in JupyterLab (``"jupyter": {"source_hidden": true}``).

    Examples
    --------
    >>> trainer_note("03-closing-reflection")  # trainer mode off: no output at all
    >>> trainer_note("03-closing")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: no trainer note has the id "03-closing"; did you mean ...
    """
    from toolkit.notes import trainer_note as _trainer_note

    _trainer_note(note_id)


def __getattr__(name: str) -> ModuleType:
    # Load public submodules on first attribute access (PEP 562), so that notebooks can write
    # toolkit.exercises.show(...) after a plain `import toolkit` and the import stays fast.
    if not name.startswith("_"):
        try:
            return importlib.import_module(f"toolkit.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"toolkit.{name}":
                raise
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
