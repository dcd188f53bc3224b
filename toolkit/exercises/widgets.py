"""The exercise widget behind ``toolkit.exercises.show``: thin, no logic of its own.

Every decision (is this right, what feedback, what is saved) is made by the pure functions in
:mod:`toolkit.exercises.marking` and :mod:`toolkit.answers`; these classes only build ipywidgets 8
controls, call those functions from their callbacks and show the result. Tests drive them
from Python with :meth:`ExerciseWidget.answer`, :meth:`ExerciseWidget.check` and
:meth:`ExerciseWidget.show_hint`, exactly as a click would.

Accessibility: every control has a visible label (``description``, ipywidgets#2650), every
action is a real button reachable with Tab and pressed with Enter or Space, ordering uses a
list box (arrow keys) with Move up / Move down buttons instead of drag and drop, and feedback
says right or not in words and an icon, never colour alone, in an ``aria-live`` region
(``ANNOUNCE``). The names, groups and keys ipywidgets leaves out (a radio group with one Tab
stop, named by the question) come from :mod:`toolkit.core.access`, a hidden child of each.

Layout: each exercise carries a hidden ``<style>`` (``WIDGET_CSS`` in
:mod:`toolkit.exercises.html`) so long options wrap and number boxes keep their width.
Timing: typed answers reach the kernel as they are typed, and every callback takes one lock,
because JupyterLab may hand a value change and a click on Check to two kernel threads.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import ipywidgets as widgets

from toolkit import answers
from toolkit.answers import current_store
from toolkit.core.access import ANNOUNCE, with_helper
from toolkit.core.display import LIVE_ONLY
from toolkit.core.session import SESSION, is_trainer_mode
from toolkit.errors import AnswerStoreError, ToolkitError
from toolkit.exercises.catalog import find
from toolkit.exercises.definitions import Exercise, Result, display_order, plain_number
from toolkit.exercises.html import (
    feedback_html,
    markdown_html,
    render_text,
    trainer_html,
    widget_style_html,
)
from toolkit.exercises.marking import mark, normalise_response, number_problem

_WIDE = {"description_width": "initial"}
_PRESS_CHECK = "Press Check to see feedback on your new answer."

# JupyterLab 4.4+ sends widget messages over kernel subshells (ipykernel 7), so a value typed
# in one widget and a click on another can be handled at the same moment on two threads. One
# lock for every exercise callback makes each change and each check happen whole, one at a time.
_lock = threading.RLock()


@dataclass(frozen=True)
class _Sent:
    """A widget message from the browser: its id and when the browser sent it."""

    msg_id: str
    at: datetime

    def before(self, other: _Sent | None) -> bool:
        """True when this is a different message, sent no later than ``other``."""
        return other is not None and self.msg_id != other.msg_id and self.at <= other.at


@dataclass(frozen=True)
class _Checked:
    """The last press of Check: the value it marked, the click's message, what it showed."""

    value: Any
    sent: _Sent | None
    feedback: str


def _browser_message() -> _Sent | None:
    """The widget message from the browser being handled now, or None.

    None outside a kernel, and for anything but a widget (comm) message with a date: tests
    driving widgets from Python, a cell calling ``check()`` itself.
    """
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        header = kernel.get_parent().get("header", {}) if kernel is not None else {}
    except Exception:  # a kernel without get_parent: no message known, so no reordering
        return None
    if not isinstance(header, dict) or header.get("msg_type") != "comm_msg":
        return None
    date, msg_id = header.get("date"), header.get("msg_id")
    if isinstance(date, str):
        try:
            date = datetime.fromisoformat(date.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(date, datetime) or date.tzinfo is None or not msg_id:
        return None
    return _Sent(str(msg_id), date)


def move_item(order: list[str], index: int, delta: int) -> list[str]:
    """``order`` with the item at ``index`` moved by ``delta`` places (clamped at the ends).

    Examples
    --------
    >>> move_item(["a", "b", "c"], 2, -1)
    ['a', 'c', 'b']
    >>> move_item(["a", "b", "c"], 0, -1)
    ['a', 'b', 'c']
    >>> move_item(["a", "b"], 5, 1)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: cannot move item 5: expected a position from 0 to 1
    """
    if not 0 <= index < len(order):
        raise ToolkitError(
            f"cannot move item {index}: expected a position from 0 to {len(order) - 1}"
        )
    target = min(max(index + delta, 0), len(order) - 1)
    new = list(order)
    new.insert(target, new.pop(index))
    return new


def _hide(widget: widgets.Widget, hidden: bool) -> None:
    widget.layout.display = "none" if hidden else None


class ExerciseWidget(widgets.VBox):
    """One exercise on screen, saving to ``store`` on every change.

    Parameters
    ----------
    exercise
        The definition (see :func:`toolkit.exercises.find`).
    store
        The learner's answer store; the answer is kept under ``exercise.id``.
    """

    def __init__(self, exercise: Exercise, store: answers.AnswerStore) -> None:
        super().__init__()
        self.exercise = exercise
        self.store = store
        self._notices_seen = len(store.notices)  # toolkit.begin() has shown these already
        self._quiet = False
        self._order: list[str] = display_order(exercise) if exercise.type == "ordering" else []
        kind = exercise.type
        self.add_class("everycall-exercise")
        self.add_class("everycall-" + kind.replace("_", "-"))
        self.prompt = widgets.HTML(markdown_html(exercise.prompt)).add_class("everycall-prompt")
        self.control = self._build_control()
        self.control.add_class("everycall-control")
        label = {"free_text": "Submit", "confidence": "Save"}.get(kind, "Check")
        self.check_button = widgets.Button(
            description=label,
            tooltip=f"{label} your answer",
            button_style="primary",
        ).add_class("everycall-check")
        self.check_button.on_click(lambda _b: self.check())
        _hide(self.check_button, kind == "confidence")  # choosing a point is the answer
        self.hint = widgets.HTML("").add_class("everycall-hint").add_class(ANNOUNCE)
        self.hint_button = widgets.Button(
            description="Show hint", tooltip="Show a hint for this question"
        ).add_class("everycall-hint-button")
        self.hint_button.on_click(lambda _b: self.show_hint(not self.hint.value))
        _hide(self.hint_button, not exercise.hint)
        self.feedback = widgets.HTML("").add_class("everycall-feedback").add_class(ANNOUNCE)
        self.attempts = widgets.HTML("").add_class("everycall-attempts")
        self.save_error = widgets.HTML("").add_class("everycall-save-error")
        self.trainer = widgets.HTML("").add_class("everycall-trainer")
        # Each exercise carries its own layout CSS, so it renders right wherever it is shown
        # (with or without toolkit.begin); handouts leave it out (everycall-live-only).
        style = widgets.HTML(widget_style_html(), layout=widgets.Layout(display="none"))
        style.add_class("everycall-style").add_class(LIVE_ONLY)
        self._checked: _Checked | None = None
        buttons = widgets.HBox([self.check_button, self.hint_button, self.attempts])
        self.children = [
            style,
            self.prompt,
            self.control,
            buttons,
            self.hint,
            self.feedback,
            self.save_error,
            self.trainer,
        ]
        with_helper(self)  # names, groups and announcements ipywidgets leaves out
        self.refresh_trainer()
        self.restore()
        SESSION.live.add(self)

    # -- building -----------------------------------------------------------------------------

    def _build_control(self) -> widgets.Widget:
        ex = self.exercise
        if ex.type == "single_choice":
            self._radio = widgets.RadioButtons(
                options=[o.text for o in ex.options],
                value=None,
                description="Your answer:",
                style=_WIDE,
                layout=widgets.Layout(width="auto"),
            )
            self._radio.observe(self._changed, names="value")
            return self._radio
        if ex.type == "multiple_choice":
            self._boxes = [
                widgets.Checkbox(
                    value=False,
                    description=o.text,
                    indent=False,
                    layout=widgets.Layout(width="auto"),
                )
                for o in ex.options
            ]
            for box in self._boxes:
                box.observe(self._changed, names="value")
            label = widgets.Label("Your answer (choose all that apply):")
            return widgets.VBox([label, *self._boxes])
        if ex.type == "numeric":
            unit = f" ({ex.unit})" if ex.unit else ""
            self._number = widgets.Text(
                value="",
                placeholder="a number",
                description=f"Your answer{unit}:",
                # Sent as typed, so the value is in the kernel before Check is clicked; sent on
                # blur instead, it raced the click and Check marked the previous number.
                continuous_update=True,
                style=_WIDE,
            )
            self._number.observe(self._changed, names="value")
            return self._number
        if ex.type == "free_text":
            self._text = widgets.Textarea(
                value="",
                placeholder="Write your answer here. It is saved as you type.",
                description="Your answer:",
                rows=5,
                continuous_update=True,
                style=_WIDE,
                layout=widgets.Layout(width="95%"),
            )
            self._text.observe(self._changed, names="value")
            return self._text
        if ex.type == "ordering":
            self._select = widgets.Select(
                options=self._labels(),
                rows=len(ex.items),
                description="Order:",
                style=_WIDE,
                layout=widgets.Layout(width="auto"),
            )
            up = widgets.Button(description="Move up", tooltip="Move the chosen item up")
            down = widgets.Button(description="Move down", tooltip="Move the chosen item down")
            up.on_click(lambda _b: self.move(self._selected(), -1))
            down.on_click(lambda _b: self.move(self._selected(), +1))
            up.add_class("everycall-move-up")
            down.add_class("everycall-move-down")
            how = widgets.Label("Choose an item, then move it up or down (first at the top):")
            return widgets.VBox([how, widgets.HBox([self._select, widgets.VBox([up, down])])])
        self._scale = widgets.ToggleButtons(
            options=list(ex.scale),
            value=None,
            description="Your answer:",
            style=_WIDE,
        )
        self._scale.observe(self._changed, names="value")
        return self._scale

    def _labels(self) -> list[tuple[str, str]]:
        return [(f"{i + 1}. {item}", item) for i, item in enumerate(self._order)]

    def _selected(self) -> int:
        value = self._select.value
        return self._order.index(value) if value in self._order else 0

    # -- the learner's response ---------------------------------------------------------------

    @property
    def response(self) -> Any:
        """What the control currently shows, in raw form (before normalising)."""
        kind = self.exercise.type
        if kind == "single_choice":
            return self._radio.value
        if kind == "multiple_choice":
            return [b.description for b in self._boxes if b.value]
        if kind == "numeric":
            return self._number.value
        if kind == "free_text":
            return self._text.value
        if kind == "ordering":
            return list(self._order)
        return self._scale.value

    def _show(self, value: Any) -> None:
        """Put ``value`` (normalised, or None for blank) into the control without saving."""
        self._quiet = True
        try:
            kind = self.exercise.type
            if kind == "single_choice":
                self._radio.value = value
            elif kind == "multiple_choice":
                for box in self._boxes:
                    box.value = bool(value) and box.description in value
            elif kind == "numeric":
                self._number.value = "" if value is None else plain_number(value)
            elif kind == "free_text":
                self._text.value = value or ""
            elif kind == "ordering":
                self._order = list(value) if value else display_order(self.exercise)
                self._select.options = self._labels()
            else:
                self._scale.value = value
        finally:
            self._quiet = False

    def answer(self, response: Any) -> None:
        """Set the control to ``response`` as if the learner had chosen or typed it (saved)."""
        with _lock:
            value = normalise_response(self.exercise, response)
            self._show(value)
            if self.exercise.type == "numeric" and response is not None:
                self._number.value = str(response)  # keep what was typed, then save it
            self._save_change()

    def move(self, index: int, delta: int) -> None:
        """Move the ordering item at ``index`` by ``delta`` places (the Move buttons)."""
        with _lock:
            item = self._order[index]
            self._quiet = True
            try:
                self._order = move_item(self._order, index, delta)
                self._select.options = self._labels()
                self._select.value = item
            finally:
                self._quiet = False
            self._save_change()

    # -- callbacks ----------------------------------------------------------------------------

    def _changed(self, _change: dict[str, Any]) -> None:
        with _lock:  # the value is set already; wait for a check on another thread to finish
            if not self._quiet:
                self._save_change()

    def _save(self, value: Any, **kwargs: Any) -> bool:
        try:
            self.store.set(self.exercise.id, value, **kwargs)
        except (AnswerStoreError, OSError) as exc:  # OSError too: a callback must never fail
            # silently (ipywidgets sends a callback's exception to the log, not the learner)
            self.save_error.value = (
                '<div role="alert" class="everycall-error-text" style="color:#b00020">'
                "<strong>Not saved.</strong> "
                f"{html.escape(str(exc))}</div>"
            )
            return False
        notices = self.store.notices[self._notices_seen :]
        self._notices_seen = len(self.store.notices)
        self.save_error.value = "".join(
            f'<div role="alert">{html.escape(n)}</div>' for n in notices
        )  # e.g. a damaged file found while saving was moved aside: say where it went
        return True

    def _save_change(self) -> None:
        """Save what the control shows now (a change, not a check) and say if it needs one."""
        kind = self.exercise.type
        if kind == "confidence":
            self.check()
            return
        raw = self.response
        if kind == "numeric" and number_problem(raw):
            # Typed text is sent as it is typed: "-" or "1,2" on the way to "-5" or "1,200" is
            # not an answer yet. Nothing is saved, and Check says what is wrong if it stays.
            self._feedback_no_longer_fits(None)
            return
        value = normalise_response(self.exercise, raw)
        checked = self._checked
        if checked is not None and value != checked.value and kind != "free_text":
            sent = _browser_message()
            if sent is not None and sent.before(checked.sent):
                # Typed before Check was clicked but handled after the click (the two travel
                # on separate kernel threads): the click was meant for this value, so mark it
                # as that click. The click's attempt on the value before still counts: a rare
                # extra attempt, since the answer store cannot take one back.
                self._check(checked.sent)
                return
        entry = self.store.entry(self.exercise.id) or {}
        if entry and entry.get("value") == value:
            self._feedback_no_longer_fits(value)
            return  # already saved (a value sent again, "13" after "13.0"): nothing to write
        if self._save(value):
            self._feedback_no_longer_fits(value)

    def _feedback_no_longer_fits(self, value: Any) -> None:
        """After a change to ``value`` (None: not an answer yet), keep the feedback shown if it
        was for this same value; otherwise, once checked before, ask for a new check."""
        checked = self._checked
        entry = self.store.entry(self.exercise.id) or {}
        if not entry.get("attempts"):
            self.feedback.value = ""  # a message from before (Type a number ...) is out of date
        elif self.exercise.type == "free_text":
            return  # a submitted reflection keeps its model answer while it is edited
        elif checked is not None and value is not None and value == checked.value:
            self.feedback.value = checked.feedback  # the feedback already fits this value
        else:
            self.feedback.value = feedback_html(
                self.exercise, Result(None, _PRESS_CHECK, answered=False)
            )

    def check(self) -> Result:
        """Mark the current response, save it as an attempt and show the feedback."""
        return self._check(_browser_message())

    def _check(self, sent: _Sent | None) -> Result:
        """:meth:`check`, for the click that ``sent`` is (None: not from the browser)."""
        with _lock:
            raw = self.response
            problem = number_problem(raw) if self.exercise.type == "numeric" else None
            if problem:
                result = Result(None, problem, answered=False)
            else:
                result = mark(self.exercise, raw)
            # Emptied first, so that the same feedback again (Check pressed twice) is a change
            # the live region announces, not a value that did not change and is never sent.
            self.feedback.value = ""
            self.feedback.value = feedback_html(self.exercise, result)
            if result.answered:
                value = normalise_response(self.exercise, raw)
                self._save(value, attempt=True, correct=result.correct)
                self._checked = _Checked(value, sent, self.feedback.value)
            self._show_attempts()
            return result

    def show_hint(self, visible: bool = True) -> None:
        """Show (or hide) the hint, as the Show hint button does."""
        self.hint.value = markdown_html(self.exercise.hint) if visible else ""
        self.hint_button.description = "Hide hint" if visible else "Show hint"

    def _show_attempts(self) -> None:
        entry = self.store.entry(self.exercise.id) or {}
        n = int(entry.get("attempts", 0))
        if self.exercise.type == "confidence" or not n:
            self.attempts.value = ""
        elif self.exercise.type == "free_text":
            self.attempts.value = "<span>Submitted</span>"
        else:
            self.attempts.value = f"<span>Attempts: {n}</span>"

    def restore(self) -> None:
        """Show the saved answer and, if it was checked, its feedback (the cell re-ran)."""
        with _lock:
            self._restore()

    def _restore(self) -> None:
        self.feedback.value = ""
        self._checked = None
        self.show_hint(False)
        entry = self.store.entry(self.exercise.id)
        value = None
        if entry is not None:
            try:
                value = normalise_response(self.exercise, entry.get("value"))
            except ToolkitError:
                self.feedback.value = feedback_html(
                    self.exercise,
                    Result(
                        None,
                        "This question has changed since you answered it, so your saved "
                        "answer no longer fits. Please answer again.",
                        answered=False,
                    ),
                )
                entry = None
        self._show(value)
        if entry is not None and entry.get("attempts") and value is not None:
            if entry.get("checked", True):
                self.feedback.value = feedback_html(self.exercise, mark(self.exercise, value))
                self._checked = _Checked(value, None, self.feedback.value)
            else:
                self.feedback.value = feedback_html(
                    self.exercise, Result(None, _PRESS_CHECK, answered=False)
                )
        self._show_attempts()

    def refresh_trainer(self) -> None:
        """Show the trainer view when trainer mode is on, hide it when off."""
        on = is_trainer_mode()
        self.trainer.value = trainer_html(self.exercise) if on else ""
        _hide(self.trainer, not on)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        data = super()._repr_mimebundle_(**kwargs)
        if data is None:
            return None
        data["text/plain"] = render_text(self.exercise)  # student-safe: no answers
        return data, {"everycall": {"exercise": self.exercise.id}}


# --------------------------------------------------------------------------------------------
# Showing an exercise


def widget(exercise_id: str | Exercise) -> Any:
    """The exercise's widget bound to the learner's answer store, not yet displayed."""

    return ExerciseWidget(find(exercise_id), current_store())


def show(exercise_id: str) -> None:
    """Display the exercise with this id, restoring the learner's saved answer.

    The output carries the metadata ``{"everycall": {"exercise": id}}`` so that the handout
    builder can replace it with :func:`render_printed`.
    """
    from IPython.display import display

    ex = find(exercise_id)
    display(widget(ex), metadata={"everycall": {"exercise": ex.id}})
