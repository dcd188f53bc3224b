"""The state of one kernel's session, in one object: trainer mode, the learner's answer store,
and what is on screen that must follow a change of mode.

Everything a kernel remembers between cells is an attribute of :data:`SESSION`, in the manner
of plotly.express's single ``px.defaults``: the learner layer binds the answer store here
(``toolkit.answers.bind``), ``toolkit.begin`` keeps its status line here, and each exercise on
screen registers itself so that turning trainer mode on or off updates it at once.

Examples
--------
>>> SESSION.trainer = None
>>> import os; os.environ.pop("EVERYCALL_TRAINER", None) and None
>>> is_trainer_mode()
False
>>> set_trainer_mode(True); is_trainer_mode(), showing_trainer_material()
(True, True)
>>> set_trainer_mode("yes")
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: trainer_mode expects True or False, got 'yes'
>>> SESSION.trainer = None
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from toolkit.errors import ToolkitError

__all__ = [
    "SESSION",
    "Session",
    "in_handout_build",
    "in_presenter_view",
    "is_trainer_mode",
    "on_trainer_mode_change",
    "set_trainer_mode",
    "showing_trainer_material",
]


@dataclass
class Session:
    """One kernel's session.

    Attributes
    ----------
    trainer : bool or None
        Trainer mode as set in this kernel; None follows ``EVERYCALL_TRAINER``.
    store : AnswerStore or None
        The learner's answer store bound by ``toolkit.begin`` (see :mod:`toolkit.answers`).
    learner_source : str or None
        How the learner was found: "argument", "environment", "profile", "none", "trainer".
    learner_arg : str or None
        The name given to ``toolkit.begin``, if any (used again when trainer mode goes off).
    status_handle, status_store
        The display handle of ``toolkit.begin``'s status line and the store it describes.
    live : WeakSet
        Views on screen with a ``refresh_trainer()`` method (the exercise widgets).
    mode_listeners : list of callables
        Called with the new mode after trainer mode changed, before the live views refresh.
    live_link : LiveLink or None
        On a workshop hub, where saved answers are also sent (see ``toolkit.answers.live``);
        one per kernel, so one sender thread.
    """

    trainer: bool | None = None
    store: Any = None
    learner_source: str | None = None
    learner_arg: str | None = None
    status_handle: Any = None
    status_store: Any = None
    live: weakref.WeakSet[Any] = field(default_factory=weakref.WeakSet)
    mode_listeners: list[Callable[[bool], None]] = field(default_factory=list)
    live_link: Any = None


#: The session of this kernel.
SESSION = Session()


def in_presenter_view() -> bool:
    """True in a kernel of presenter mode (``everycall present`` sets ``EVERYCALL_PRESENTER=1``).

    The room is watching: trainer mode stays off whatever ``EVERYCALL_TRAINER`` or
    ``toolkit.trainer_mode(True)`` says.

    >>> from unittest import mock
    >>> env = {"EVERYCALL_PRESENTER": "1", "EVERYCALL_TRAINER": "1"}
    >>> with mock.patch.dict("os.environ", env):
    ...     in_presenter_view(), is_trainer_mode(), showing_trainer_material()
    (True, False, False)
    """
    return os.environ.get("EVERYCALL_PRESENTER", "").strip().lower() in {"1", "true", "yes", "on"}


def is_trainer_mode() -> bool:
    """True when trainer mode is on (``toolkit.trainer_mode(True)`` or ``EVERYCALL_TRAINER=1``),
    and never in presenter mode (:func:`in_presenter_view`)."""
    if in_presenter_view():
        return False
    if SESSION.trainer is not None:
        return SESSION.trainer
    return os.environ.get("EVERYCALL_TRAINER", "").strip().lower() in {"1", "true", "yes", "on"}


def in_handout_build() -> bool:
    """True inside a handout build's kernel (``EVERYCALL_HANDOUT=1``)."""
    return os.environ.get("EVERYCALL_HANDOUT", "").strip() == "1"


def showing_trainer_material() -> bool:
    """True when trainer material should show: trainer mode is on, or a handout build runs.

    A handout build executes each notebook once, with trainer mode off; the student edition
    then removes every output marked as trainer material and every cell tagged ``trainer``.

    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"EVERYCALL_HANDOUT": "1"}):
    ...     showing_trainer_material()
    True
    """
    return is_trainer_mode() or in_handout_build()


def on_trainer_mode_change(listener: Callable[[bool], None]) -> None:
    """Call ``listener(on)`` whenever trainer mode changes in this kernel (once per listener)."""
    if listener not in SESSION.mode_listeners:
        SESSION.mode_listeners.append(listener)


def set_trainer_mode(on: bool) -> None:
    """Turn trainer mode on or off in this kernel, and bring what is on screen up to date."""
    if not isinstance(on, bool):
        raise ToolkitError(f"trainer_mode expects True or False, got {on!r}")
    SESSION.trainer = on
    for listener in list(SESSION.mode_listeners):
        listener(on)
    for view in list(SESSION.live):
        view.refresh_trainer()
