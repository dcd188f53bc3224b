"""Marking: a learner's response checked against an exercise, as pure functions.

Marking is one concept with no state: it reads an :class:`~toolkit.exercises.Exercise` and a
response and returns a :class:`~toolkit.exercises.Result`. :func:`mark` also takes an
exercise id, which it looks up in the course's exercises
(:func:`toolkit.exercises.catalog.find`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.exercises.catalog import find
from toolkit.exercises.definitions import TYPES, Exercise, Result, _num


def _bad(ex: Exercise, response: Any, expected: str) -> ToolkitError:
    return ToolkitError(
        f"exercise {ex.id} ({ex.type}): response {response!r} is not usable; expected {expected}"
    )


def _pick(ex: Exercise, choices: Sequence[str], response: Any) -> str:
    if isinstance(response, int) and not isinstance(response, bool):
        if 0 <= response < len(choices):
            return choices[response]
    elif isinstance(response, str) and response in choices:
        return response
    listed = "; ".join(f'"{c}"' for c in choices)
    raise _bad(ex, response, f"one of: {listed} (or its position from 0)")


# ASCII digits only: the page of a SCORM package reads numbers with the same rule in JavaScript,
# where \d is ASCII (a learner typing other digits is told to type a number).
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d*)?", re.ASCII)
_PER_CENT = re.compile(r"\s*(?:%|per\s*cent|percent)$", re.IGNORECASE)
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-"})


def parse_number(text: Any) -> float | None:
    """A learner's typed number as a float, or None when it is not a number.

    Accepts white space around it, commas between groups of three digits ("1,200"), a decimal
    point, a trailing per cent sign ("40%", "40 %", "40 per cent") and a typographic minus
    ("−12"). A comma anywhere else ("12,5") is not read as a decimal point: it gives None
    rather than a wrong number. A number too large for a float (over 308 digits) is None too:
    :func:`number_problem` says which message fits.

    Examples
    --------
    >>> parse_number(" 1,200 "), parse_number("12.5"), parse_number("40 %"), parse_number("−3")
    (1200.0, 12.5, 40.0, -3.0)
    >>> parse_number("twelve"), parse_number("12,5"), parse_number("%"), parse_number("9" * 400)
    (None, None, None, None)
    >>> parse_number("\uff11\uff12")  # full-width digits are not read as 12

    """
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        try:
            value = float(text)
        except OverflowError:  # an int beyond 1.8e308
            return None
        return value if math.isfinite(value) else None
    if not isinstance(text, str):
        return None
    clean = _number_text(text)
    if clean is None:
        return None
    value = float(clean)
    return value if math.isfinite(value) else None


def _number_text(text: str) -> str | None:
    """``text`` reduced to digits, sign and point if it is written as a number, else None."""
    clean = _PER_CENT.sub("", text.strip().translate(_MINUS)).strip()
    if not _NUMBER.fullmatch(clean) or not any(c.isdigit() for c in clean):
        return None
    return clean.replace(",", "")


TOO_LARGE = "That number is too large to check."
NOT_A_NUMBER = "Type a number, such as 12."


def number_problem(text: Any) -> str | None:
    """What to tell a learner about a typed number, or None when it can be checked (or is blank).

    Examples
    --------
    >>> number_problem("1,200"), number_problem("  ")
    (None, None)
    >>> number_problem("twelve")
    'Type a number, such as 12.'
    >>> number_problem("9" * 400)
    'That number is too large to check.'
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if parse_number(text) is not None:
        return None
    if isinstance(text, int) and not isinstance(text, bool):
        return TOO_LARGE
    if isinstance(text, float) and math.isinf(text):
        return TOO_LARGE
    if isinstance(text, str) and _number_text(text) is not None:
        return TOO_LARGE
    return NOT_A_NUMBER


def normalise_response(ex: Exercise, response: Any) -> Any:
    """The response in the form the answer store keeps (None when nothing is answered).

    Choices are kept as option text (so an answer survives reordered options), multiple
    choices as a list in option order, numbers as floats, orderings as the list of items.
    """
    if response is None or (isinstance(response, str) and not response.strip()):
        return None
    if ex.type in ("single_choice", "confidence"):
        choices = [o.text for o in ex.options] if ex.type == "single_choice" else list(ex.scale)
        return _pick(ex, choices, response)
    if ex.type == "multiple_choice":
        if isinstance(response, str) or not isinstance(response, Iterable):
            raise _bad(ex, response, "a list of option texts")
        texts = [o.text for o in ex.options]
        chosen = {_pick(ex, texts, r) for r in response}
        return [t for t in texts if t in chosen] or None
    if ex.type == "numeric":
        value = parse_number(response)
        if value is None:
            if number_problem(response) == TOO_LARGE:
                if isinstance(response, int):  # str() of a 5000-digit int raises ValueError
                    shown = (
                        f"a whole number of about {round(response.bit_length() * 0.30103)} digits"
                    )
                else:
                    text = str(response).strip()
                    shown = repr(
                        text if len(text) <= 40 else f"{text[:20]}... ({len(text)} characters)"
                    )
                raise ToolkitError(
                    f"exercise {ex.id} ({ex.type}): response {shown} is too large to check; "
                    "expected a number up to about 1.8e308"
                )
            raise _bad(ex, response, "a number, such as 12")
        return value
    if ex.type == "free_text":
        if not isinstance(response, str):
            raise _bad(ex, response, "text")
        return response
    if ex.type == "ordering":
        if isinstance(response, str) or not isinstance(response, Iterable):
            raise _bad(ex, response, "a list of every item in the learner's order")
        order = list(response)
        if sorted(order) != sorted(ex.items):
            raise _bad(ex, response, "each of these items once: " + "; ".join(ex.items))
        return order
    raise _bad(ex, response, f"a question type among {', '.join(TYPES)}")  # pragma: no cover


def _ask(ex: Exercise) -> str:
    return {
        "single_choice": "Choose an option, then press Check.",
        "multiple_choice": "Choose one or more options, then press Check.",
        "numeric": "Type a number, then press Check.",
        "free_text": "Write your answer, then press Submit.",
        "ordering": "Put the items in order, then press Check.",
        "confidence": "Choose a point on the scale.",
    }[ex.type]


def mark(exercise: Exercise | str, response: Any) -> Result:
    """Mark ``response`` to ``exercise`` (an Exercise or its id) and give the feedback.

    Examples
    --------
    >>> from toolkit.exercises import find
    >>> ex = find("00-stepping-away")
    >>> wrong = [o.text for o in ex.options if not o.correct][0]
    >>> result = mark(ex, wrong)
    >>> result.correct, result.feedback
    (False, 'Not quite.')
    >>> mark(ex, None).answered
    False
    >>> mark(ex, "Not an option")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: exercise 00-stepping-away (single_choice): response 'Not an \
option' is not usable; expected one of: ...
    """
    ex = find(exercise) if isinstance(exercise, str) else exercise
    value = normalise_response(ex, response)
    if value is None:
        return Result(None, _ask(ex), answered=False)
    if ex.type == "single_choice":
        option = next(o for o in ex.options if o.text == value)
        return Result(
            option.correct,
            "Correct." if option.correct else "Not quite.",
            (option.feedback,) if option.feedback else (),
        )
    if ex.type == "multiple_choice":
        chosen = [o for o in ex.options if o.text in value]
        right = [o for o in chosen if o.correct]
        wrong = [o for o in chosen if not o.correct]
        missed = len(ex.correct_options) - len(right)
        details = [f"**{o.text}**: {o.feedback}" for o in chosen if o.feedback]
        if not wrong and not missed:
            return Result(True, "Correct: you found every right answer.", tuple(details))
        parts = [f"You chose {len(right)} of the {len(ex.correct_options)} right answers"]
        if wrong:
            parts.append(f"and {len(wrong)} that {'is' if len(wrong) == 1 else 'are'} not right")
        headline = "Not quite. " + " ".join(parts) + "."
        if missed:
            details.append(f"There {'is' if missed == 1 else 'are'} {missed} more to find.")
        return Result(False, headline, tuple(details))
    if ex.type == "numeric":
        assert ex.answer is not None
        unit = f" {ex.unit}" if ex.unit else ""
        if abs(value - ex.answer) <= ex.tolerance + 1e-9:
            return Result(True, "Correct.", _fb(ex, "correct"))
        side = "low" if value < ex.answer else "high"
        default = f"Not quite: {_num(value)}{unit} is too {side}."
        return Result(False, default, _fb(ex, side))
    if ex.type == "free_text":
        return Result(
            None, "Saved.", (_model_answer_detail(ex.model_answer),) if ex.model_answer else ()
        )
    if ex.type == "ordering":
        placed = sum(a == b for a, b in zip(value, ex.items, strict=True))
        if placed == len(ex.items):
            return Result(True, "Correct: that is the right order.", _fb(ex, "correct"))
        headline = f"Not quite: {placed} of {len(ex.items)} are in the right place."
        return Result(False, headline, _fb(ex, "incorrect"))
    return Result(None, f"Saved: {value}. There is no right or wrong answer here.")


_EXAMPLE_LEAD = re.compile(r"(?:for example|for instance|e\.g\.)\s*[:,]?\s*", re.IGNORECASE)


def _model_answer_detail(model_answer: str) -> str:
    """The line shown after a free-text answer is submitted, with one lead-in, not two.

    Examples
    --------
    >>> _model_answer_detail("Ask about the children.")
    'A model answer to compare with yours: Ask about the children.'
    >>> _model_answer_detail("For example: the school knew.")
    'An example answer to compare with yours: the school knew.'
    """
    text = model_answer.strip()
    lead = _EXAMPLE_LEAD.match(text)
    if lead and text[lead.end() :]:
        return f"An example answer to compare with yours: {text[lead.end() :]}"
    return f"A model answer to compare with yours: {text}"


def _fb(ex: Exercise, key: str) -> tuple[str, ...]:
    return (ex.feedback[key],) if ex.feedback.get(key) else ()
