"""The checks of one case's ``case.yaml`` (used by :mod:`toolkit.data.case_checks`).

``case.yaml`` is the one YAML file of a case: it is read with the course's YAML reader
(:mod:`toolkit.core.yamlio`: dates kept as text, keys given twice recorded), checked against
``data/schemas/case.schema.json`` with jsonschema (the maintained JSON Schema validator), and
its errors are reworded with YAML line numbers. Then what a schema cannot say: real dates, a
period that does not end before it starts, DARA adopted no earlier than it was launched, known
source ids, pseudonyms declared once, and placeholders left from the scaffold (warnings).

:func:`check_case_yaml` returns a :class:`CaseMeta` holding what the events, annotations and
guard checks need.

Examples
--------
>>> keypath(["people", 0, "pseudonym"])
'people[1].pseudonym'
>>> parse_date("2020-02-29"), parse_date("2019-02-29")
(datetime.date(2020, 2, 29), None)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.core.text import plural, suggest
from toolkit.core.yamlio import loader_class
from toolkit.data import reading as _checks
from toolkit.data.context import CaseContext
from toolkit.errors import Problem


@dataclass
class CaseMeta:
    """The parts of case.yaml the other checks need (None where case.yaml is broken)."""

    data: dict[str, Any]
    start: dt.date | None = None
    end: dt.date | None = None
    dara_adopted: dt.date | None = None
    pseudonyms: set[str] = field(default_factory=set)
    terms: set[str] = field(default_factory=set)
    lines: dict[str, int] = field(default_factory=dict)
    dara_given: bool = False
    period_note: str = ""
    """Why the period cannot be used to check event times (empty when it can)."""
    node: Any = None


def _looks_dated(value: str) -> bool:
    """``YYYY-MM-DD`` in form (the schema checks the form; this finds impossible days)."""
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None


def parse_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def keypath(path: list[Any]) -> str:
    """A YAML location for messages, counting list items from 1."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _available(ctx: CaseContext, table: str, value: str) -> dt.date | None:
    """When ``value`` of vocabulary ``table`` came into use (``available_from``), or None."""
    row = ctx.lookups[table].rows.get(value)
    return parse_date(row["available_from"]) if row and row.get("available_from") else None


# ---------------------------------------------------------------- case.yaml


def _line(node: Any, path: list[Any]) -> int | None:
    """The 1-based line of ``path`` inside a composed YAML node tree."""
    import yaml

    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if node is None:
            break
        if isinstance(node, yaml.SequenceNode):
            if not isinstance(part, int) or not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        elif isinstance(node, yaml.MappingNode):
            match = [
                (k, v)
                for k, v in node.value
                if isinstance(k, yaml.ScalarNode) and k.value == str(part)
            ]
            if not match:
                break
            line = match[0][0].start_mark.line + 1
            node = match[0][1]
        else:
            break
    return line


def _path_of(root: Any, target: Any) -> list[Any]:
    """The key path of ``target`` (a node) inside the node tree ``root``; [] when not found."""
    import yaml

    stack: list[tuple[Any, list[Any]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value if isinstance(k, yaml.ScalarNode) else "?"
                if k is target:
                    return [*path, key]
                stack.append((v, [*path, key]))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, [*path, i]) for i, v in enumerate(node.value))
    return []


def _loader_problems(loader: Any, root: Any, shown: str) -> list[Problem]:
    """Keys given twice and numbers too long to read, as the loader noticed them."""
    problems = []
    for mapping, key, line, first in loader.duplicates:
        problems.append(
            Problem(
                shown,
                f"is given twice (first on line {first}); the second would silently replace "
                "the first",
                line,
                keypath([*_path_of(root, mapping), key]),
            )
        )
    for node in loader.long_numbers:
        digits = sum(c.isdigit() for c in node.value)
        where = keypath(_path_of(root, node)) or None
        problems.append(
            Problem(
                shown,
                f"is a number {digits} digits long, too long to read; put it in quotes if it "
                "is text",
                node.start_mark.line + 1,
                where,
            )
        )
    return problems


TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a set of key: value lines",
    "integer": "a whole number",
    "boolean": "true or false",
}


def _schema_problem(err: Any, node: Any, shown: str) -> list[Problem]:
    path = list(err.absolute_path)
    where = keypath(path)
    line = _line(node, path)
    inst, rule = err.instance, err.validator
    if rule == "required":
        missing = [k for k in err.validator_value if not isinstance(inst, dict) or k not in inst]
        return [
            Problem(shown, "is missing (a required key)", None, keypath([*path, k]))
            for k in missing
        ]
    if rule == "additionalProperties":
        allowed = list(err.schema.get("properties", {}))
        out = []
        for key in [k for k in inst if k not in allowed]:
            near = suggest(str(key), allowed)
            hint = f'; did you mean "{near}"?' if near else "."
            out.append(
                Problem(
                    shown,
                    f"is not an expected key{hint} Expected keys: {', '.join(allowed)}",
                    _line(node, [*path, key]),
                    keypath([*path, key]),
                )
            )
        return out
    if rule == "const":
        message = "must be true: every case is a fictional composite"
    elif rule == "type":
        message = f"should be {TYPE_WORDS.get(err.validator_value, err.validator_value)}"
    elif rule in ("pattern", "anyOf"):
        last = path[-1] if path else ""
        if last in ("start", "end", "dara_adopted", "rcrp_adopted"):
            tail = " or null" if rule == "anyOf" else ""
            message = f'"{inst}" is not a date (expected YYYY-MM-DD in quotes{tail})'
        elif last == "pseudonym":
            message = f'"{inst}" should be a capitalised first name, for example "Leanne"'
        elif last == "notice":
            message = "should say that the case is a fictional composite"
        else:
            message = f'"{inst}" does not have the expected form'
    elif rule == "minItems":
        message = f"needs at least {plural(err.validator_value, 'item')}"
    elif rule == "minLength":
        message = f"is too short (at least {plural(err.validator_value, 'character')})"
    elif rule in ("minimum", "maximum"):
        message = f"{inst} is out of range ({rule} {err.validator_value})"
    else:
        message = err.message
    return [Problem(shown, message, line, where or None)]


def check_case_yaml(
    path: Path, ctx: CaseContext, shown: str
) -> tuple[CaseMeta | None, list[Problem]]:
    """Schema and meaning of case.yaml; returns what later checks need.

    The problems are :class:`~toolkit.data.reading.LineProblem` objects: their ``row`` is a line.
    """
    meta, problems = _case_yaml(path, ctx, shown)
    return meta, _checks.at_lines(problems)


def _case_yaml(path: Path, ctx: CaseContext, shown: str) -> tuple[CaseMeta | None, list[Problem]]:
    read = _checks.read_text(path, shown)
    if read.problem:
        return None, [read.problem]
    text = read.text or ""
    try:
        schema = ctx.case_schema()
    except _checks.BadFile as exc:
        return None, [exc.problem]
    loaded = _load(text, shown)
    if isinstance(loaded, Problem):
        return None, [loaded]
    data, node, problems = loaded
    if not isinstance(data, dict):
        return None, [
            Problem(
                shown,
                "should be a set of key: value lines (see the template "
                "that everycall new-case writes)",
            )
        ]
    problems += _schema_problems(schema, data, node, shown)
    meta = CaseMeta(data, node=node)
    problems += _check_period(meta, shown)
    problems += placeholders(data, node, shown)
    problems += _check_policy_context(meta, ctx, shown)
    problems += _check_sources(meta, ctx, shown)
    problems += _check_people(meta, shown)
    meta.terms = {w for t in _list(data, "terms") if isinstance(t, str) for w in t.split()}
    for key in ("title", "summary", "notice", "content_note", "setting"):
        meta.lines[key] = _line(node, [key]) or 1
    return meta, problems


def _load(text: str, shown: str) -> tuple[Any, Any, list[Problem]] | Problem:
    """The parsed document, its node tree (for line numbers) and what the loader noticed
    (keys given twice, numbers too long to read); or the problem when it is not YAML."""
    import yaml

    loader = loader_class()(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        return _checks.yaml_problem(exc, text, shown)
    finally:
        loader.dispose()
    return data, node, _loader_problems(loader, node, shown)


def _schema_problems(schema: Any, data: dict[str, Any], node: Any, shown: str) -> list[Problem]:
    """Every error of case.schema.json, in the order of the keys, reworded for a trainer."""
    from jsonschema import Draft202012Validator

    errors = sorted(
        Draft202012Validator(schema).iter_errors(data),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    return [problem for err in errors for problem in _schema_problem(err, node, shown)]


def _mapping(data: dict[str, Any], key: str) -> dict[Any, Any]:
    """``data[key]`` when it is a mapping, else an empty one (the schema reports it)."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _list(data: dict[str, Any], key: str) -> list[Any]:
    """``data[key]`` when it is a list, else an empty one (the schema reports it)."""
    value = data.get(key)
    return value if isinstance(value, list) else []


def _check_period(meta: CaseMeta, shown: str) -> list[Problem]:
    """Real dates for ``period``, a start no later than the end; sets ``meta.start``,
    ``meta.end`` and, when the period cannot be used, ``meta.period_note``."""
    problems = []
    period = _mapping(meta.data, "period")
    unreadable = []
    for key in ("start", "end"):
        value = period.get(key)
        parsed = parse_date(value) if isinstance(value, str) else None
        if isinstance(value, str) and parsed is None and _looks_dated(value):
            problems.append(
                Problem(
                    shown,
                    f'"{value}" is not a real date',
                    _line(meta.node, ["period", key]),
                    f"period.{key}",
                )
            )
        if parsed is None:
            unreadable.append(f"period.{key}")
        setattr(meta, key, parsed)
    if not isinstance(meta.data.get("period"), dict):
        meta.period_note = "case.yaml has no period"
    elif unreadable:
        meta.period_note = f"{' and '.join(unreadable)} in case.yaml is not a valid date"
    if meta.start and meta.end and meta.start > meta.end:
        problems.append(
            Problem(
                shown,
                f"{meta.start} is after the end {meta.end}",
                _line(meta.node, ["period", "start"]),
                "period.start",
            )
        )
        meta.start = meta.end = None
        meta.period_note = "the period in case.yaml starts after it ends"
    return problems


def _check_policy_context(meta: CaseMeta, ctx: CaseContext, shown: str) -> list[Problem]:
    """Real dates in ``policy_context``, and DARA adopted no earlier than it was launched;
    sets ``meta.dara_adopted`` and ``meta.dara_given``."""
    problems = []
    policy = _mapping(meta.data, "policy_context")
    for key in ("dara_adopted", "rcrp_adopted"):
        value = policy.get(key)
        if isinstance(value, str) and parse_date(value) is None and _looks_dated(value):
            problems.append(
                Problem(
                    shown,
                    f'"{value}" is not a real date',
                    _line(meta.node, ["policy_context", key]),
                    f"policy_context.{key}",
                )
            )
    adopted = policy.get("dara_adopted")
    meta.dara_adopted = parse_date(adopted) if isinstance(adopted, str) else None
    meta.dara_given = adopted is not None
    launch = _available(ctx, "risk_tools", "dara")
    if meta.dara_adopted and launch and meta.dara_adopted < launch:
        problems.append(
            Problem(
                shown,
                f"{meta.dara_adopted} is before DARA was launched on {launch}",
                _line(meta.node, ["policy_context", "dara_adopted"]),
                "policy_context.dara_adopted",
            )
        )
    return problems


def _check_sources(meta: CaseMeta, ctx: CaseContext, shown: str) -> list[Problem]:
    """Every source id in ``sources`` is a row of sources.csv."""
    known = ctx.lookups["sources"]
    return [
        Problem(shown, known.unknown(sid), _line(meta.node, ["sources", i]), f"sources[{i + 1}]")
        for i, sid in enumerate(_list(meta.data, "sources"))
        if isinstance(sid, str) and sid not in known.rows
    ]


def _check_people(meta: CaseMeta, shown: str) -> list[Problem]:
    """Each pseudonym declared once; collects their words in ``meta.pseudonyms``."""
    problems = []
    seen: set[str] = set()
    for i, person in enumerate(_list(meta.data, "people")):
        name = person.get("pseudonym") if isinstance(person, dict) else None
        if not isinstance(name, str):
            continue
        if name in seen:
            problems.append(
                Problem(
                    shown,
                    f'"{name}" is declared twice',
                    _line(meta.node, ["people", i, "pseudonym"]),
                    f"people[{i + 1}].pseudonym",
                )
            )
        seen.add(name)
        meta.pseudonyms.update(name.split())
    return problems


PLACEHOLDER_KEYS = (
    ["title"],
    ["summary"],
    ["content_note"],
    ["learning_objectives", 0],
    ["policy_context", "notes"],
)
"""Keys of case.yaml whose scaffold text (from ``everycall new-case``) is a placeholder."""


def _template_values() -> dict[str, str]:
    import yaml

    template = Path(__file__).parent / "case_template" / "case.yaml"
    data = yaml.load(template.read_text(encoding="utf-8"), Loader=loader_class())  # noqa: S506
    out = {}
    for path in PLACEHOLDER_KEYS:
        value = _get(data, path)
        if isinstance(value, str):
            out[keypath(path)] = " ".join(value.split())
    return out


def _get(data: Any, path: list[Any]) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def placeholders(data: dict[str, Any], node: Any, shown: str) -> list[Problem]:
    """Warnings for case.yaml texts still as ``everycall new-case`` wrote them.

    >>> placeholders({"title": "A short title for learners"}, None, "case.yaml")[0].message
    'is still the placeholder from everycall new-case; replace it'
    >>> placeholders({"title": "Every call on its own"}, None, "case.yaml")
    []
    """
    template = _template_values()
    out = []
    for path in PLACEHOLDER_KEYS:
        value = _get(data, path)
        where = keypath(path)
        if isinstance(value, str) and " ".join(value.split()) == template.get(where):
            out.append(
                Problem(
                    shown,
                    "is still the placeholder from everycall new-case; replace it",
                    _line(node, path),
                    where,
                    "warning",
                )
            )
    return out
