"""Exercise definitions as data: the dataclasses, the YAML loader and its validation.

The format is documented by ``data/exercises/schema.json`` (JSON Schema, so editors with a YAML
language server check a file as it is typed) and by the example in ``docs/ARCHITECTURE.md``.

Validation runs in two passes and reports every problem at once, each naming the file, the
line, the exercise id and the field:

1. the schema (types, required fields, unknown fields with "did you mean");
2. what a schema cannot say: exactly one correct option for ``single_choice``, fields that do
   not belong to the question's type, ids unique across the course, the notebook name matching
   the file name, source ids known in ``data/sources.csv``, and secret text (feedback, model
   answers, trainer notes) repeated in a question or option, where the student edition would
   show it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from toolkit.core.paths import course_data_dir, data_dir
from toolkit.core.text import did_you_mean, plain
from toolkit.core.yamlio import LinedDict, read_yaml
from toolkit.errors import DataError, Problem

#: The two editions of every handout: what a learner may hold, and everything.
Edition = Literal["student", "trainer"]
EDITIONS: tuple[Edition, ...] = ("student", "trainer")

TYPES = ("single_choice", "multiple_choice", "numeric", "free_text", "ordering", "confidence")

_COMMON = {"id", "type", "prompt", "hint", "source_id", "facilitator"}
#: The fields each question type may use, besides the common ones.
FIELDS: dict[str, set[str]] = {
    "single_choice": {"options"},
    "multiple_choice": {"options"},
    "numeric": {"answer", "tolerance", "unit", "feedback"},
    "free_text": {"model_answer"},
    "ordering": {"items", "feedback"},
    "confidence": {"scale"},
}
_FEEDBACK_KEYS = {"numeric": {"correct", "low", "high"}, "ordering": {"correct", "incorrect"}}
#: Secret text shorter than this is too generic to scan handouts for ("Correct.").
MIN_SECRET_LENGTH = 12


@dataclass(frozen=True)
class Option:
    """One option of a choice question."""

    text: str
    correct: bool = False
    feedback: str | None = None


@dataclass(frozen=True)
class Exercise:
    """One exercise as defined in ``data/exercises/<notebook>.yaml`` (or inline).

    Only the fields of its ``type`` are set (see ``FIELDS``); ``file`` and ``line`` say
    where it was defined, for messages.
    """

    id: str
    type: str
    prompt: str
    notebook: str
    options: tuple[Option, ...] = ()
    answer: float | None = None
    tolerance: float = 0.0
    unit: str | None = None
    feedback: dict[str, str] = field(default_factory=dict)
    model_answer: str | None = None
    items: tuple[str, ...] = ()
    scale: tuple[str, ...] = ()
    hint: str | None = None
    source_id: str | None = None
    facilitator: str | None = None
    file: str = "<inline>"
    line: int | None = None

    @property
    def correct_options(self) -> tuple[Option, ...]:
        """The options marked correct (choice questions)."""
        return tuple(o for o in self.options if o.correct)

    def secrets(self, *, include_hints: bool = False) -> list[str]:
        """Every text a student edition must not contain: feedback, model answer, notes."""
        texts = [o.feedback for o in self.options if o.feedback]
        texts += list(self.feedback.values())
        texts += [t for t in (self.model_answer, self.facilitator) if t]
        if include_hints and self.hint:
            texts.append(self.hint)
        return [t for t in texts if t]


@dataclass(frozen=True)
class Result:
    """What :func:`mark` says about one response.

    ``correct`` is None for questions that are not marked (free text, confidence) and when
    nothing was answered (``answered`` is then False); ``feedback`` is the headline and
    ``details`` the per-option or per-part feedback, all Markdown.
    """

    correct: bool | None
    feedback: str
    details: tuple[str, ...] = ()
    answered: bool = True


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def plain_number(value: float) -> str:
    """A number as a person would write it: every digit kept, no exponent for ordinary sizes.

    Used where a number is shown back or written out (a restored answer box, the cohort CSV),
    so 1234567 stays 1234567 rather than ``1.23457e+06``.

    Examples
    --------
    >>> plain_number(1234567.0), plain_number(-5), plain_number(0.1234567), plain_number(1e-05)
    ('1234567', '-5', '0.1234567', '0.00001')
    >>> plain_number("12")
    Traceback (most recent call last):
    ...
    TypeError: plain_number expects a number, got str
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"plain_number expects a number, got {type(value).__name__}")
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if 1e-6 <= abs(value) < 1e16:
        from decimal import Decimal

        # Decimal of the shortest repr keeps exactly the digits Python would print, without
        # the exponent repr uses below 1e-4.
        return format(Decimal(repr(value)), "f")
    return repr(value)


def _not_finite(value: Any) -> str | None:
    """How to show ``value`` in a message if it is a number that is not usable, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int):
        return (
            f"a number with {len(str(abs(value)))} digits"
            if abs(value) > sys.float_info.max
            else None
        )
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    return None


def display_order(ex: Exercise) -> list[str]:
    """The items of an ordering question in the order first shown: shuffled, but the same
    every time (seeded by the exercise id) and never already correct."""
    items = list(ex.items)
    seed = int.from_bytes(hashlib.sha256(ex.id.encode("utf-8")).digest()[:8], "big")
    random.Random(seed).shuffle(items)
    if items == list(ex.items) and len(items) > 1:
        items = items[1:] + items[:1]
    return items


# --------------------------------------------------------------------------------------------
# YAML with line numbers


# --------------------------------------------------------------------------------------------
# Validation


def _schema() -> dict[str, Any]:

    path = course_data_dir() / "exercises" / "schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _where(data: Any, path: list[Any]) -> tuple[int | None, str | None, str | None]:
    """The line, exercise id and field for a position in the parsed YAML."""
    line = getattr(data, "line", None)
    exercise_id: str | None = None
    node = data
    fields: list[str] = []
    for step in path:
        if isinstance(node, dict):
            line = getattr(node, "key_lines", {}).get(str(step), line)
            node = node.get(step)
            fields.append(str(step))
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            line = getattr(node, "line", line)
            fields.append(f"[{step + 1}]")
        if isinstance(node, dict) and isinstance(node.get("id"), str) and len(fields) == 2:
            exercise_id = node["id"]
    name = ".".join(fields[2:]).replace(".[", "[") if len(fields) > 2 else None
    return line, exercise_id, name


def _schema_message(error: Any) -> str:
    value = error.instance
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1]
        return f'field "{missing}" is missing'
    if kind == "enum":
        return (
            f'"{value}" is not a known question type; {did_you_mean(str(value), TYPES)}'
            f"known types: {', '.join(TYPES)}"
        )
    if kind == "type":
        want = {
            "string": "text",
            "number": "a number",
            "boolean": "true or false",
            "object": "a mapping of fields",
            "array": "a list (one entry per line, each starting with -)",
        }
        wanted = want.get(error.validator_value, error.validator_value)
        hint = ""
        if isinstance(value, bool) and error.validator_value == "string":
            hint = " (YAML reads yes/no/on/off/true/false as true or false: put the text in quotes)"
        return f"{json.dumps(value, default=str)} is not {wanted}{hint}"
    if (kind == "pattern" and error.validator_value == "\\S") or kind == "minLength":
        return "is empty (expected some text)"
    if kind == "pattern":
        return (
            f"{value!r} is not a valid name (expected lower case letters, digits and hyphens, "
            "such as 01-first-pattern)"
        )
    if kind == "minItems":
        return f"has {len(value)} entries, expected at least {error.validator_value}"
    if kind == "uniqueItems":
        seen: set[str] = set()
        twice = []
        for v in value:
            if v in seen:
                twice.append(v)
            seen.add(v)
        return f"lists {json.dumps(twice[0]) if twice else 'an entry'} twice (expected each once)"
    if kind == "minimum":
        return f"is {value}, expected {error.validator_value} or more"
    return error.message


def _check_schema(data: Any, shown: str) -> list[Problem]:
    # jsonschema: the maintained JSON Schema implementation (already a dependency) rather than
    # hand-written type checks; the same schema file serves editors.
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        if error.validator in ("if", "allOf"):
            continue
        line, ex_id, name = _where(data, list(error.absolute_path))
        prefix = f"exercise {ex_id}: " if ex_id else ""
        if error.validator == "additionalProperties":
            allowed = set(error.schema.get("properties", {}))
            for extra in sorted(map(str, set(error.instance) - allowed)):
                row = getattr(error.instance, "key_lines", {}).get(extra, line)
                message = (
                    f'field "{extra}" is not known; {did_you_mean(extra, allowed)}'
                    f"known fields: {', '.join(sorted(allowed))}"
                )
                problems.append(Problem(shown, prefix + message, row=row, column=extra))
            continue
        problem = Problem(shown, prefix + _schema_message(error), row=line, column=name)
        if problem not in problems:  # "" breaks both minLength and the \S pattern: say it once
            problems.append(problem)
    return problems


def _build(raw: dict[str, Any], notebook: str, shown: str) -> Exercise:
    options = tuple(
        Option(str(o["text"]), bool(o.get("correct", False)), o.get("feedback"))
        for o in raw.get("options", ())
    )
    return Exercise(
        id=raw["id"],
        type=raw["type"],
        prompt=raw["prompt"],
        notebook=notebook,
        options=options,
        answer=float(raw["answer"]) if raw.get("answer") is not None else None,
        tolerance=float(raw.get("tolerance", 0.0)),
        unit=raw.get("unit"),
        feedback={str(k): str(v) for k, v in (raw.get("feedback") or {}).items()},
        model_answer=raw.get("model_answer"),
        items=tuple(raw.get("items", ())),
        scale=tuple(raw.get("scale", ())),
        hint=raw.get("hint"),
        source_id=raw.get("source_id"),
        facilitator=raw.get("facilitator"),
        file=shown,
        line=getattr(raw, "line", None),
    )


def _check_exercise(raw: dict[str, Any], shown: str) -> list[Problem]:
    """Checks beyond the schema, for one exercise that passed it."""
    ex_id, kind, line = raw["id"], raw["type"], getattr(raw, "line", None) or None
    key_lines = getattr(raw, "key_lines", {})
    problems: list[Problem] = []

    def add(message: str, column: str | None = None, level: str = "error") -> None:
        row = key_lines.get(column, line) if column else line
        problems.append(Problem(shown, f"exercise {ex_id}: {message}", row, column, level))

    allowed = FIELDS[kind]
    for name in sorted(set(raw) - _COMMON - allowed):
        users = [t for t, f in FIELDS.items() if name in f]
        add(
            f'field "{name}" is not used by {kind} questions (it belongs to '
            f"{' and '.join(users)}); fields for {kind}: {', '.join(sorted(allowed | _COMMON))}",
            name,
        )
    if kind in ("single_choice", "multiple_choice"):
        options = raw["options"]
        texts = [o["text"] for o in options]
        for text in {t for t in texts if texts.count(t) > 1}:
            add(f'option "{text}" is listed twice (expected each option once)', "options")
        n_correct = sum(bool(o.get("correct")) for o in options)
        if kind == "single_choice" and n_correct != 1:
            add(
                f"has {n_correct} options marked correct: true, expected exactly one "
                "(use multiple_choice for several)",
                "options",
            )
        if kind == "multiple_choice" and n_correct == 0:
            add("has no option marked correct: true, expected at least one", "options")
        if not any(o.get("feedback") for o in options):
            add("no option has feedback; learners learn most from why", "options", "warning")
    if kind in _FEEDBACK_KEYS and raw.get("feedback"):
        wrong = sorted(set(raw["feedback"]) - _FEEDBACK_KEYS[kind])
        if wrong:
            add(
                f'feedback "{wrong[0]}" is not used by {kind} questions; expected: '
                f"{', '.join(sorted(_FEEDBACK_KEYS[kind]))}",
                "feedback",
            )
    if kind == "free_text" and not raw.get("model_answer"):
        add("has no model_answer to show after the learner submits", None, "warning")
    if kind == "numeric":
        for name, example, effect in (("answer", 12, "wrong"), ("tolerance", 2, "right")):
            shown_value = _not_finite(raw.get(name))
            if shown_value is not None:
                add(
                    f"{name} is {shown_value}, expected an ordinary number such as {example} "
                    f"(every response would be marked {effect})",
                    name,
                )
        if any(p.level == "error" for p in problems):
            return problems
    if kind == "numeric" and "tolerance" not in raw and not float(raw["answer"]).is_integer():
        add(
            "has a fractional answer and no tolerance: only the exact value counts",
            "answer",
            "warning",
        )
    return problems


def _known_sources(folder: Path) -> set[str] | None:
    for candidate in (folder.parent / "sources.csv", data_dir() / "sources.csv"):
        if candidate.is_file():
            with candidate.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                column = "source_id" if "source_id" in (reader.fieldnames or []) else "id"
                return {row.get(column, "").strip() for row in reader}
    return None


def _exercise_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if (path / "exercises").is_dir():
        path = path / "exercises"
    return sorted(p for p in path.glob("*.yaml") if not p.name.startswith("."))


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(data_dir().parent).as_posix()
    except ValueError:
        return path.as_posix()


def load_all(path: Path | None = None) -> tuple[dict[str, Exercise], list[Problem]]:
    """Load every exercise under ``path`` (default: the course data); return them and problems."""
    folder = Path(path) if path is not None else data_dir() / "exercises"
    if not folder.exists():
        return {}, [Problem(folder.as_posix(), "does not exist (expected a folder of .yaml files)")]
    files = _exercise_files(folder)
    exercises: dict[str, Exercise] = {}
    problems: list[Problem] = []
    sources = _known_sources(folder if folder.is_dir() else folder.parent)
    for file in files:
        shown = _shown(file)
        data, found = read_yaml(file, shown)
        problems += found
        if data is None:
            if not found:
                problems.append(Problem(shown, "is empty (expected notebook: and exercises:)"))
            continue
        schema_problems = _check_schema(data, shown)
        problems += schema_problems
        if not isinstance(data, LinedDict):
            continue
        notebook = data.get("notebook")
        if isinstance(notebook, str) and notebook != file.stem:
            problems.append(
                Problem(
                    shown,
                    f'notebook is "{notebook}", expected "{file.stem}" (the file '
                    "name without .yaml)",
                    row=data.key_lines.get("notebook"),
                    column="notebook",
                )
            )
        for raw in data.get("exercises") or []:
            if not isinstance(raw, LinedDict) or not isinstance(raw.get("id"), str):
                continue
            if raw.get("type") not in TYPES or any(
                p.message.startswith(f"exercise {raw['id']}:") for p in schema_problems
            ):
                continue
            found = _check_exercise(raw, shown)
            problems += found
            if raw["id"] in exercises:
                first = exercises[raw["id"]]
                problems.append(
                    Problem(
                        shown,
                        f'exercise id "{raw["id"]}" is already used in {first.file} (line '
                        f"{first.line}); ids must be unique across the course",
                        row=raw.line,
                        column="id",
                    )
                )
                continue
            if sources is not None and raw.get("source_id") and raw["source_id"] not in sources:
                problems.append(
                    Problem(
                        shown,
                        f'exercise {raw["id"]}: source "{raw["source_id"]}" is not in '
                        f"data/sources.csv; {did_you_mean(raw['source_id'], sources)}",
                        row=raw.key_lines.get("source_id"),
                        column="source_id",
                    )
                )
            if any(p.level == "error" for p in found):
                continue
            exercises[raw["id"]] = _build(raw, str(notebook), shown)
    if sources is None and any(e.source_id for e in exercises.values()):
        problems.append(
            Problem(
                "data/sources.csv",
                "not found, so exercise source ids were not checked",
                level="warning",
            )
        )
    problems += _leak_warnings(exercises)
    problems.sort(key=lambda p: (p.level != "error", p.file, p.row or 0))
    return exercises, problems


def _leak_warnings(exercises: dict[str, Exercise]) -> list[Problem]:
    """Warn where a secret text also appears in visible text of the same notebook."""
    problems = []
    visible: dict[str, str] = {}
    for ex in exercises.values():
        shown = [ex.prompt, *(o.text for o in ex.options), *ex.items, *ex.scale]
        visible[ex.notebook] = visible.get(ex.notebook, "") + "\n" + plain("\n".join(shown))
    for ex in exercises.values():
        for secret in ex.secrets():
            text = plain(secret)
            if len(text) >= MIN_SECRET_LENGTH and text in visible[ex.notebook]:
                problems.append(
                    Problem(
                        ex.file,
                        f"exercise {ex.id}: the secret text {text[:40]!r} also appears in "
                        "a question or option, so the student edition would show it",
                        row=ex.line,
                        level="warning",
                    )
                )
    return problems


def check_inline(raw: dict[str, Any], notebook: str = "inline") -> Exercise:
    """Validate one inline definition (a course builder's cell) and build it, or raise."""
    data = {"notebook": notebook, "exercises": [raw]}
    problems = _check_schema(json.loads(json.dumps(data)), "<inline exercise>")
    if not problems:
        problems = [
            p for p in _check_exercise(LinedDict(raw), "<inline exercise>") if p.level == "error"
        ]
    if problems:
        raise DataError(problems)
    return _build(raw, notebook, "<inline exercise>")
