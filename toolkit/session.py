"""A learner's session in a notebook: ``toolkit.begin``, the name prompt, the status line,
trainer mode, and one short message in place of a traceback.

The first code cell of every notebook is ``toolkit.begin("<notebook>")``: it binds the
learner's answer store (:mod:`toolkit.answers`), asks the learner's name once on this computer,
shows where answers are saved and whether trainer mode is on, and registers a handler that
shows any :class:`~toolkit.errors.ToolkitError` as one short box instead of a traceback.
:func:`trainer_mode` turns trainer mode on or off in this kernel (the state itself is
:data:`toolkit.core.session.SESSION`), moves answers to the trainer's own store and back, and
brings the status line and every exercise on screen up to date.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML, display

from toolkit import answers
from toolkit.core.access import helper as access_helper
from toolkit.core.display import resync_figure_widgets
from toolkit.core.session import (
    SESSION,
    in_presenter_view,
    is_trainer_mode,
    on_trainer_mode_change,
)
from toolkit.core.session import set_trainer_mode as _set_trainer_mode
from toolkit.errors import ToolkitError

__all__ = [
    "TRAINER_OFF_MESSAGE",
    "TRAINER_ON_MESSAGE",
    "NamePrompt",
    "begin",
    "error_html",
    "show_toolkit_error",
    "status_text",
    "trainer_mode",
]

_WIDE = {"description_width": "initial"}


def _after_mode_change(on: bool) -> None:
    """Trainer mode changed: answers follow it, and the status line says so."""
    switch_store_for_mode(on)
    if SESSION.status_handle is not None and SESSION.status_store is not None:
        SESSION.status_handle.update(_status_html(SESSION.status_store))


def _home(path: Any) -> str:
    from pathlib import Path

    text = str(path)
    home = str(Path.home())
    return "~" + text[len(home) :] if text.startswith(home + "/") else text


def status_text(store: answers.AnswerStore) -> str:
    """The one-line status ``toolkit.begin`` shows.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> s = answers.AnswerStore(pathlib.Path(tempfile.mkdtemp()) / "00-start-here.json",
    ...                         notebook="00-start-here", learner="Sam")
    >>> status_text(s).startswith("Answering as Sam. Answers are saved to ")
    True
    >>> status_text(s).endswith("; trainer mode: off (toolkit.trainer_mode(True) to turn on).")
    True
    >>> status_text("Sam")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: status_text expects an AnswerStore (from toolkit.begin), got 'Sam'
    """
    if not isinstance(store, answers.AnswerStore):
        raise ToolkitError(
            f"status_text expects an AnswerStore (from toolkit.begin), got {store!r}"
        )
    where = _home(store.path.parent) + "/"
    if answers.is_trainer_store(store):
        return (
            "Trainer mode ON: model answers and trainer notes show (do not project). Answers "
            f"you give are saved as the trainer's, apart from every learner's, in {where}."
        )
    if in_presenter_view():
        mode = "presenter mode: trainer material stays hidden"
    elif is_trainer_mode():
        mode = "trainer mode: ON (model answers and trainer notes show; do not project)"
    else:
        mode = "trainer mode: off (toolkit.trainer_mode(True) to turn on)"
    if store.learner:
        return f"Answering as {store.learner}. Answers are saved to {where}; {mode}."
    return f"Answers are saved to {where} until you give your name below; {mode}."


def _status_html(store: answers.AnswerStore) -> HTML:
    return HTML(
        '<div class="everycall-status" style="font-size:0.9em;color:#37474f">'
        f"{html.escape(status_text(store))}</div>"
    )


class NamePrompt(widgets.VBox):
    """Asks the learner's display name once (remembered on this machine)."""

    def __init__(self, on_saved: Any, *, current: str | None = None) -> None:
        super().__init__()
        self.add_class("everycall-name")
        self._on_saved = on_saved
        self.name = widgets.Text(
            placeholder="for example Sam Patel",
            description="Your name:",
            style=_WIDE,
            continuous_update=True,  # in the kernel before "Save my name" is clicked
        )
        self.save_button = widgets.Button(
            description="Save my name",
            button_style="primary",
            tooltip="Keep your answers under this name",
            layout=widgets.Layout(width="auto"),  # fit the text, never "Save my n…"
        ).add_class("everycall-name-save")
        self.save_button.on_click(lambda _b: self.save())
        self.message = widgets.HTML("")
        self.change_button = widgets.Button(
            description=f"Not {current}? Change name" if current else "Change name",
            tooltip="Answer under a different name on this computer",
            layout=widgets.Layout(width="auto"),
        ).add_class("everycall-name-change")
        self.change_button.on_click(lambda _b: self._ask())
        self.form = widgets.HBox([self.name, self.save_button])
        if current:
            self.children = [self.change_button]
        else:
            self._ask()

    def _ask(self) -> None:
        self.message.value = (
            "<span>Your name keeps your answers separate from anyone else using this computer, "
            "and lets your trainer see whose answers are whose.</span>"
        )
        self.children = [self.message, self.form]

    def save(self, name: str | None = None) -> None:
        """Save ``name`` (or what was typed) as this learner's name."""
        typed = self.name.value if name is None else name
        before = SESSION.store
        seen = len(before.notices) if before is not None else 0
        try:
            store = answers.set_learner(typed)
        except (ToolkitError, OSError) as exc:  # OSError too: never fail silently in a click
            self.message.value = f'<span role="alert">{html.escape(str(exc))}</span>'
            return
        self._on_saved(store)
        self.change_button.description = f"Not {store.learner}? Change name"
        notices = store.notices[seen:] if store is before else store.notices
        said = "".join(f' <span role="alert">{html.escape(n)}</span>' for n in notices)
        self.message.value = (
            f"<span>Thank you, {html.escape(store.learner or '')}. Your answers are kept "
            f"under your name.</span>{said}"
        )
        self.children = [self.message, self.change_button]


def error_html(message: str) -> str:
    """The short box a notebook shows for a ``ToolkitError`` instead of a traceback.

    Examples
    --------
    >>> print(error_html('no such case "x"'))
    <div class="everycall-error" role="alert" ...><strong>Something needs fixing:</strong> \
no such case &quot;x&quot;</div>
    >>> error_html(None)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: error_html expects the error's message as text, got None
    """
    if not isinstance(message, str):
        raise ToolkitError(f"error_html expects the error's message as text, got {message!r}")
    return (
        '<div class="everycall-error" role="alert" style="border-left:6px solid #b00020;'
        "background:#fdecea;color:#1a1a1a;padding:0.4em 1em;margin:0.3em 0;"
        'white-space:pre-wrap"><strong>Something needs fixing:</strong> '
        f"{html.escape(message)}</div>"
    )


def show_toolkit_error(
    shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None
) -> list[str]:
    """IPython custom exception handler: a ``ToolkitError`` as one short box, no traceback.

    Registered by :func:`begin` with ``shell.set_custom_exc((ToolkitError,), ...)``. The cell
    still fails (the kernel's reply says "error", so Run All stops there and nbclient raises),
    but the learner sees one message saying what to fix.
    """
    message = str(value)
    display(
        {"text/plain": f"Something needs fixing: {message}", "text/html": error_html(message)},
        raw=True,
        metadata={"everycall": {"error": True}},
    )
    if hasattr(shell, "_last_traceback"):  # ipykernel puts this in the execute reply
        shell._last_traceback = [f"{etype.__name__}: {message}"]
    return []


def _readable_tables() -> None:
    """Tables in the course are read, not scanned: show whole texts (descriptions, summaries,
    explanations) rather than pandas' default 50 characters and an ellipsis."""
    import pandas as pd

    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 200)


def begin(notebook: str, *, learner: str | None = None) -> None:
    """Bind the answer store for ``notebook``, ask the learner's name once, show the status.

    In a notebook it also registers :func:`show_toolkit_error`, so any ``ToolkitError`` in a
    later cell (a bad ``EVERYCALL_DATA``, an unknown case) shows as one short message.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and hasattr(shell, "set_custom_exc"):
        shell.set_custom_exc((ToolkitError,), show_toolkit_error)
    if shell is not None and hasattr(shell, "events"):
        if resync_figure_widgets not in shell.events.callbacks["post_run_cell"]:
            shell.events.register("post_run_cell", resync_figure_widgets)
        _readable_tables()
    store = answers.bind(notebook, learner, trainer=is_trainer_mode())
    on_trainer_mode_change(_after_mode_change)
    if shell is None:  # a plain Python script: no widgets, just say where answers go
        for line in [status_text(store), *store.notices]:
            print(line)
        return None
    handle = display(_status_html(store), display_id=True, metadata={"everycall": {"status": True}})
    # Invisible: names and groups for every widget control on the page, tables and all
    # (toolkit.core.access). A status output, so handouts and saved files leave it out.
    display(access_helper(), metadata={"everycall": {"status": True}})
    SESSION.status_handle, SESSION.status_store = handle, store
    for notice in store.notices:
        display(
            HTML(f'<div role="alert" class="everycall-notice">{html.escape(notice)}</div>'),
            metadata={"everycall": {"status": True}},
        )
    source = answers.learner_source()
    if source not in ("none", "profile"):
        return None  # the name came from the call or EVERYCALL_LEARNER (or trainer mode)

    def saved(new_store: answers.AnswerStore) -> None:
        rebind_live(new_store)
        if handle is not None:
            handle.update(_status_html(new_store))
            if SESSION.status_handle is handle:
                SESSION.status_store = new_store

    display(NamePrompt(saved, current=store.learner), metadata={"everycall": {"status": True}})
    return None


def rebind_live(new_store: answers.AnswerStore) -> None:
    """Point every exercise on screen for the same notebook at ``new_store`` and restore it."""
    for live in list(SESSION.live):
        if live.store is not new_store and live.store.notebook == new_store.notebook:
            live.store = new_store
            live.restore()


def switch_store_for_mode(trainer: bool) -> None:
    """After trainer mode changed: answers go to the trainer's store (on) or back to the
    learner's (off), and the exercises and status line on screen follow."""
    current = SESSION.store
    if current is None or answers.is_trainer_store(current) == trainer:
        return
    new_store = answers.bind(current.notebook, SESSION.learner_arg, trainer=trainer)
    rebind_live(new_store)
    if SESSION.status_store is not None:
        SESSION.status_store = new_store


TRAINER_ON_MESSAGE = (
    "Trainer mode on: model answers, facilitator notes and reviewer annotations will show in "
    "cells you run from now on. Do not project the screen."
)


TRAINER_OFF_MESSAGE = (
    "Trainer mode off: model answers, facilitator notes and reviewer annotations are hidden in "
    "cells you run from now on. Run a cell again to hide what it already shows."
)


PRESENTER_MESSAGE = (
    "Presenter mode: model answers, facilitator notes and reviewer annotations stay hidden "
    "while the screen is projected. Use JupyterLab with trainer mode for them."
)


def trainer_mode(on: bool = True) -> None:
    """Show (or hide) model answers, facilitator notes and trainer notes in this kernel.

    Overrides ``EVERYCALL_TRAINER`` for this kernel and says what it did in one line (so a
    status line shown earlier cannot mislead). Exercise widgets already on screen, and the
    status line of ``toolkit.begin``, are updated at once; other cells show the change when
    they run again.

    Examples
    --------
    >>> from toolkit.core.session import is_trainer_mode
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
    if on and in_presenter_view():
        # Presenter mode (everycall present): the room sees this screen, so a notebook cell
        # or a trainer's habit cannot turn model answers on. The check is before any change.
        if not isinstance(on, bool):
            raise ToolkitError(f"trainer_mode expects True or False, got {on!r}")
        _announce(PRESENTER_MESSAGE)
        return
    _set_trainer_mode(on)
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
