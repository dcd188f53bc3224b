"""The answer file's format: reading and checking a file, recording and merging answers.

The file format itself, with no state and no writing: the answer store checks every file it
reads with :func:`check_answer_data`, and :mod:`toolkit.cohort` checks the files a trainer
collects with the same function, so a file is judged the same way wherever it is read.
``_record`` says how a saved answer's record changes (attempts, checked, times) and
:func:`merge_entry` which of two answers to the same question is kept when two files are
merged.

Examples
--------
>>> check_answer_data({"format": "everycall-answers", "schema_version": 2,
...                    "notebook": "00-start-here", "answers": {}})
'it was written by a newer Every Call (schema version 2; this toolkit reads up to 1): update the \
toolkit'
>>> _json_value(float("nan"), "q", Path("n1.json"))
Traceback (most recent call last):
...
toolkit.errors.AnswerStoreError: n1.json: the answer for "q" cannot be saved: expected a \
JSON-compatible value (text, number, true/false, null, list or mapping), got float
"""

from __future__ import annotations

import json
import math
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.errors import AnswerStoreError

__all__ = ["FORMAT", "SCHEMA_VERSION", "check_answer_data", "merge_entry", "parse_time"]

FORMAT = "everycall-answers"
SCHEMA_VERSION = 1

_NOTEBOOK_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
_MAX_KEY = 200
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_time(text: Any) -> datetime | None:
    """An ISO 8601 time from a file as an aware datetime (naive ones read as UTC), or None."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _describe(value: Any) -> str:
    return type(value).__name__


def _all_finite(value: Any) -> bool:
    """True when every number inside ``value`` is finite and fits a float (no 1e400, NaN).

    Walks without recursion: a parsed file may nest close to Python's recursion limit.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, bool) or item is None or isinstance(item, str):
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif isinstance(item, int):
            if abs(item) > sys.float_info.max:
                return False
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def check_answer_data(data: Any, *, notebook: str | None = None) -> str | None:
    """Return why ``data`` (a parsed JSON document) is not an answer file, or None if it is.

    Examples
    --------
    >>> check_answer_data({"format": "everycall-answers", "schema_version": 1,
    ...                    "notebook": "00-start-here", "learner": "Sam", "answers": {}})
    >>> check_answer_data(["not", "a", "mapping"])
    'expected a JSON object with "format": "everycall-answers", got a list'
    """
    if not isinstance(data, dict):
        return f'expected a JSON object with "format": "{FORMAT}", got a {_describe(data)}'
    if "format" not in data:
        return f'it has no "format": "{FORMAT}" (not an answer file)'
    if data.get("format") != FORMAT:
        return f'"format" is {data.get("format")!r}, expected "{FORMAT}" (not an answer file)'
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return f'"schema_version" is {version!r}, expected a whole number such as 1'
    if version > SCHEMA_VERSION:
        return (
            f"it was written by a newer Every Call (schema version {version}; this toolkit "
            f"reads up to {SCHEMA_VERSION}): update the toolkit"
        )
    nb = data.get("notebook")
    if not isinstance(nb, str) or not _NOTEBOOK_RE.match(nb):
        return f'"notebook" is {nb!r}, expected a notebook name such as "00-start-here"'
    if notebook is not None and nb != notebook:
        return f'it holds answers for notebook "{nb}", expected "{notebook}"'
    learner = data.get("learner")
    if learner is not None and not isinstance(learner, str):
        return f'"learner" is a {_describe(learner)}, expected text'
    answers = data.get("answers")
    if not isinstance(answers, dict):
        return f'"answers" is a {_describe(answers)}, expected a JSON object keyed by exercise id'
    for key, entry in answers.items():
        if not key or len(key) > _MAX_KEY:
            return f"answer key {key[:40]!r} is empty or longer than {_MAX_KEY} characters"
        if not isinstance(entry, dict) or "value" not in entry:
            return f'answer "{key}" is not an object with a "value"'
        attempts = entry.get("attempts", 0)
        if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 0:
            return f'answer "{key}": "attempts" is {attempts!r}, expected a whole number >= 0'
        if entry.get("correct") is not None and not isinstance(entry.get("correct"), bool):
            return f'answer "{key}": "correct" is {entry.get("correct")!r}, expected true/false'
        for stamp in ("first_answered", "last_answered"):
            if entry.get(stamp) is not None and not isinstance(entry.get(stamp), str):
                return f'answer "{key}": "{stamp}" is {entry.get(stamp)!r}, expected a time'
        if not _all_finite(entry["value"]):
            return (
                f'answer "{key}": the value holds a number that is not finite or too large '
                "(expected ordinary numbers, up to about 1.8e308)"
            )
    return None


def _json_value(value: Any, key: str, path: Path) -> Any:
    try:
        clean = json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        raise AnswerStoreError(
            f'{path}: the answer for "{key}" cannot be saved: expected a JSON-compatible value '
            f"(text, number, true/false, null, list or mapping), got {_describe(value)}"
        ) from None
    if not _all_finite(clean):
        raise AnswerStoreError(
            f'{path}: the answer for "{key}" cannot be saved: it holds a number too large to '
            "keep (expected ordinary numbers, up to about 1.8e308)"
        )
    return clean


def merge_entry(kept: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """One answer from two files for the same question: the one answered last wins.

    Presses of Check are added up and the earliest first answer is kept; two identical
    records (a merge repeated after a crash) count once. On a tie the incoming one wins.

    Examples
    --------
    >>> old = {"value": "A", "attempts": 1, "first_answered": "2026-11-22T09:00:00+00:00",
    ...        "last_answered": "2026-11-22T09:00:00+00:00"}
    >>> new = {"value": "B", "attempts": 2, "first_answered": "2026-11-23T10:00:00+01:00",
    ...        "last_answered": "2026-11-23T10:00:00+01:00"}
    >>> merged = merge_entry(old, new)
    >>> merged["value"], merged["attempts"], merged["first_answered"]
    ('B', 3, '2026-11-22T09:00:00+00:00')
    >>> merge_entry(old, "B")
    Traceback (most recent call last):
    ...
    toolkit.errors.AnswerStoreError: cannot merge answers: expected two answer records \
(mappings with a "value"), got dict and str
    """
    if not (isinstance(kept, dict) and isinstance(incoming, dict)):
        raise AnswerStoreError(
            'cannot merge answers: expected two answer records (mappings with a "value"), '
            f"got {_describe(kept)} and {_describe(incoming)}"
        )
    if kept == incoming:
        return dict(kept)
    newer = (parse_time(incoming.get("last_answered")) or _EPOCH) >= (
        parse_time(kept.get("last_answered")) or _EPOCH
    )
    merged = dict(incoming if newer else kept)
    merged["attempts"] = int(kept.get("attempts", 0) or 0) + int(incoming.get("attempts", 0) or 0)
    firsts = [
        e.get("first_answered") for e in (kept, incoming) if parse_time(e.get("first_answered"))
    ]
    if firsts:
        merged["first_answered"] = min(firsts, key=lambda t: parse_time(t) or _EPOCH)
    return merged


def _holds_every_key(path: Path, answers: dict[str, Any]) -> bool:
    try:
        saved = json.loads(path.read_text(encoding="utf-8")).get("answers", {})
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(saved, dict) and all(key in saved for key in answers)


def _record(
    previous: dict[str, Any] | None, value: Any, now: str, *, attempt: bool, correct: bool | None
) -> dict[str, Any]:
    """The record for ``value`` saved at ``now``, following ``previous`` (None when first saved).

    ``attempt=True`` is a press of Check: one more attempt, the result ``correct`` (None for a
    question that is not marked) and ``checked`` set; a new value saved without a check is
    marked ``checked: false``, since the feedback shown earlier no longer fits it.

    Examples
    --------
    >>> first = _record(None, "A", "2026-11-23T10:00:00+00:00", attempt=True, correct=False)
    >>> first["attempts"], first["correct"], first["checked"]
    (1, False, True)
    >>> again = _record(first, "B", "2026-11-23T10:05:00+00:00", attempt=False, correct=None)
    >>> again["value"], again["attempts"], again["checked"], again["first_answered"]
    ('B', 1, False, '2026-11-23T10:00:00+00:00')
    """
    entry = dict(previous) if previous else {"attempts": 0, "first_answered": now}
    entry["value"] = value
    entry["last_answered"] = now
    entry.setdefault("first_answered", now)
    entry.setdefault("attempts", 0)
    if attempt:
        entry["attempts"] = int(str(entry["attempts"])) + 1
        entry["checked"] = True
        if correct is None:
            entry.pop("correct", None)
        else:
            entry["correct"] = bool(correct)
    elif previous is None or previous.get("value") != value:
        entry["checked"] = False  # the feedback shown earlier no longer fits this value
    order = ("value", "attempts", "correct", "checked", "first_answered", "last_answered")
    return {k: entry[k] for k in order if k in entry} | {
        k: v for k, v in entry.items() if k not in order
    }


def _parse(raw: bytes, notebook: str | None, path: Path) -> tuple[Any, str | None]:
    """The parsed file at ``path`` and why it is not a usable answer file (None when it is).

    Raises ``AnswerStoreError`` for a file written by a newer toolkit: valid answers that
    must be kept exactly where they are, never set aside as damaged.
    """
    if not raw.strip():
        return None, "it is empty"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "it is not UTF-8 text"
    except json.JSONDecodeError as exc:
        return None, f"it is not valid JSON (line {exc.lineno}, column {exc.colno})"
    except (ValueError, RecursionError):
        return None, "it is not valid JSON (too deeply nested or too large a number)"
    problem = check_answer_data(data, notebook=notebook)
    if problem and isinstance(data, dict) and data.get("format") == FORMAT:
        version = data.get("schema_version")
        if isinstance(version, int) and version > SCHEMA_VERSION:
            # Valid answers we cannot read: keep the file exactly where it is.
            raise AnswerStoreError(f"{path}: {problem}")
    return data, problem
