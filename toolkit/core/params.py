"""Checks on the numbers a model, a figure or a rule is given, with one wording everywhere.

The queue models (:mod:`toolkit.calls`), the risk and capacity models (:mod:`toolkit.risk`)
and the missed-opportunity rules (:mod:`toolkit.opportunities`) all take numbers from
notebooks, sliders and course builders. Each check returns the value as Python's ``float`` or
``int`` and raises ``error`` (a :class:`~toolkit.errors.ModelError` unless told otherwise)
with a message naming the parameter, what was expected and what was given.

Examples
--------
>>> check_number("handle_seconds", 240)
240.0
>>> check_number("handle_seconds", 0)
Traceback (most recent call last):
...
toolkit.errors.ModelError: handle_seconds must be a finite number greater than 0; got 0
>>> check_share("service_level", 1.2)
Traceback (most recent call last):
...
toolkit.errors.ModelError: service_level must be a share between 0 and 1; got 1.2
>>> check_whole("threshold", 30, 0, 24, "answers")
Traceback (most recent call last):
...
toolkit.errors.ModelError: threshold must be a whole number of answers between 0 and 24; got 30
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from toolkit.errors import ModelError, ToolkitError

__all__ = ["check_number", "check_share", "check_whole"]


def _is_number(value: Any) -> bool:
    # numbers.Real covers int, float and NumPy's scalar types; a bool is not a number here.
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_number(
    name: str,
    value: Any,
    *,
    minimum: float = 0.0,
    strict: bool = True,
    error: type[ToolkitError] = ModelError,
) -> float:
    """``value`` as a finite float above ``minimum`` (or at least it, ``strict=False``)."""
    if not _is_number(value):
        raise error(f"{name} must be a number; got {value!r}")
    number = float(value)
    bad = not math.isfinite(number) or (number <= minimum if strict else number < minimum)
    if bad:
        relation = "greater than" if strict else "at least"
        raise error(f"{name} must be a finite number {relation} {minimum:g}; got {number:g}")
    return number


def check_share(
    name: str, value: Any, *, allow_zero: bool = True, error: type[ToolkitError] = ModelError
) -> float:
    """``value`` as a share between 0 and 1 (above 0 when ``allow_zero`` is false)."""
    if not _is_number(value):
        raise error(f"{name} must be a share between 0 and 1; got {value!r}")
    share = float(value)
    if not 0 <= share <= 1 or (not allow_zero and share == 0):
        raise error(f"{name} must be a share between 0 and 1; got {share:g}")
    return share


def check_whole(
    name: str,
    value: Any,
    low: int,
    high: int,
    what: str,
    *,
    error: type[ToolkitError] = ModelError,
) -> int:
    """``value`` as a whole number of ``what`` from ``low`` to ``high``."""
    whole = _is_number(value) and math.isfinite(float(value)) and float(value).is_integer()
    if not whole or not low <= value <= high:
        raise error(
            f"{name} must be a whole number of {what} between {low} and {high}; got {value!r}"
        )
    return int(value)
