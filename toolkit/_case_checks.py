"""Case-folder checks a Table Schema cannot express (used by :mod:`toolkit.validate`).

``case.yaml`` is checked against ``data/schemas/case.schema.json`` with jsonschema (the
maintained JSON Schema validator) and its errors are reworded with YAML line numbers. Then the
cross-file rules: event times inside the case period and real in UK local time; tools,
contact types and outcomes used only once they existed (``available_from`` in the
vocabularies; DARA only after the force adopted it); scores only with a scored tool; links,
sharing and annotations pointing at things that exist; placeholders left from the scaffold and
the course standards (warnings); and the personal-data guard (errors for real identifiers,
warnings for possible names and dates of birth). A check that cannot run because case.yaml is
broken says so, rather than passing in silence.

Examples
--------
>>> exists_in_london(dt.datetime(2019, 3, 31, 1, 30)), exists_in_london(dt.datetime(2019, 3, 31, 2, 30))
(False, True)
>>> keypath(["people", 0, "pseudonym"])
'people[1].pseudonym'
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from toolkit import _checks, _guard
from toolkit.errors import Problem

if TYPE_CHECKING:
    from toolkit.validate import _Context

LONDON = ZoneInfo("Europe/London")
STANDARDS = {"events": (30, 80), "agencies": 6, "opportunity_types": 5, "years": (1, 5)}
"""What a course case needs (issue 3). A case short of these gets warnings, not errors (except
a case with no events at all, which is an error)."""
NAME_FIELDS = {"summary", "action", "explanation"}


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


def parse_local(value: str) -> dt.datetime | None:
    """``YYYY-MM-DD HH:MM`` as a naive datetime, or None when it does not parse."""
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        return None


def _looks_dated(value: str) -> bool:
    """``YYYY-MM-DD`` in form (the schema checks the form; this finds impossible days)."""
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None


def parse_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def exists_in_london(moment: dt.datetime) -> bool:
    """False for wall-clock times skipped when the clocks go forward."""
    aware = moment.replace(tzinfo=LONDON)
    back = aware.astimezone(dt.UTC).astimezone(LONDON).replace(tzinfo=None)
    return back == moment


def keypath(path: list[Any]) -> str:
    """A YAML location for messages, counting list items from 1."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ---------------------------------------------------------------- case.yaml


def _loader() -> type:
    """A PyYAML SafeLoader for case files (use an instance: it records what it noticed).

    It keeps dates as text, so the schema sees what the author wrote; reads every key as the
    text written (``5:`` is the key ``"5"``); records keys given twice in one mapping
    (``duplicates``: mapping node, key, line, first line), which plain YAML silently lets the
    last one win; and keeps a number too long for Python to read as its text
    (``long_numbers``), rather than failing.
    """
    import yaml
    from yaml.constructor import ConstructorError

    class Loader(yaml.SafeLoader):
        def __init__(self, stream: Any) -> None:
            super().__init__(stream)
            self.duplicates: list[tuple[Any, str, int, int]] = []
            self.long_numbers: list[Any] = []

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            if not isinstance(node, yaml.MappingNode):
                raise ConstructorError(
                    None, None, f"expected a mapping node, but found {node.id}", node.start_mark
                )
            own = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
            self.flatten_mapping(node)
            mapping: dict[Any, Any] = {}
            first: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, str) and isinstance(key_node, yaml.ScalarNode):
                    key = key_node.value
                try:
                    hash(key)
                except TypeError:
                    raise ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found unhashable key",
                        key_node.start_mark,
                    ) from None
                line = key_node.start_mark.line + 1
                if id(key_node) in own:
                    if key in first:
                        self.duplicates.append((node, key, line, first[key]))
                    else:
                        first[key] = line
                mapping[key] = self.construct_object(value_node, deep=deep)
            return mapping

        def construct_yaml_int(self, node: Any) -> Any:
            try:
                return super().construct_yaml_int(node)
            except ValueError:  # more digits than Python reads (sys.get_int_max_str_digits)
                self.long_numbers.append(node)
                return node.value

    Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
    Loader.yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


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
                f"is given twice (first on row {first}); the second would silently replace "
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
            near = _checks.suggest(str(key), allowed)
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
        n = err.validator_value
        message = f"needs at least {n} item{'s' * (n != 1)}"
    elif rule == "minLength":
        message = f"is too short (at least {err.validator_value} characters)"
    elif rule in ("minimum", "maximum"):
        message = f"{inst} is out of range ({rule} {err.validator_value})"
    else:
        message = err.message
    return [Problem(shown, message, line, where or None)]


def check_case_yaml(path: Path, ctx: _Context, shown: str) -> tuple[CaseMeta | None, list[Problem]]:
    """Schema and meaning of case.yaml; returns what later checks need."""
    import yaml
    from jsonschema import Draft202012Validator

    read = _checks.read_text(path, shown)
    if read.problem:
        return None, [read.problem]
    text = read.text or ""
    try:
        schema = ctx.case_schema()
    except _checks.BadFile as exc:
        return None, [exc.problem]
    loader = _loader()(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        return None, [_checks.yaml_problem(exc, text, shown)]
    finally:
        loader.dispose()
    loaded = _loader_problems(loader, node, shown)
    if not isinstance(data, dict):
        return None, [
            Problem(
                shown,
                "should be a set of key: value lines (see the template "
                "that everycall new-case writes)",
            )
        ]
    problems: list[Problem] = loaded
    errors = sorted(
        Draft202012Validator(schema).iter_errors(data),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    for err in errors:
        problems += _schema_problem(err, node, shown)
    meta = CaseMeta(data, node=node)
    period = data.get("period") if isinstance(data.get("period"), dict) else {}
    unreadable = []
    for key in ("start", "end"):
        value = period.get(key)
        parsed = parse_date(value) if isinstance(value, str) else None
        if isinstance(value, str) and parsed is None and _looks_dated(value):
            problems.append(
                Problem(
                    shown,
                    f'"{value}" is not a real date',
                    _line(node, ["period", key]),
                    f"period.{key}",
                )
            )
        if parsed is None:
            unreadable.append(f"period.{key}")
        setattr(meta, key, parsed)
    if not isinstance(data.get("period"), dict):
        meta.period_note = "case.yaml has no period"
    elif unreadable:
        meta.period_note = f"{' and '.join(unreadable)} in case.yaml is not a valid date"
    if meta.start and meta.end and meta.start > meta.end:
        problems.append(
            Problem(
                shown,
                f"{meta.start} is after the end {meta.end}",
                _line(node, ["period", "start"]),
                "period.start",
            )
        )
        meta.start = meta.end = None
        meta.period_note = "the period in case.yaml starts after it ends"
    problems += placeholders(data, node, shown)
    policy = data.get("policy_context") if isinstance(data.get("policy_context"), dict) else {}
    for key in ("dara_adopted", "rcrp_adopted"):
        value = policy.get(key)
        if isinstance(value, str) and parse_date(value) is None and _looks_dated(value):
            problems.append(
                Problem(
                    shown,
                    f'"{value}" is not a real date',
                    _line(node, ["policy_context", key]),
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
                _line(node, ["policy_context", "dara_adopted"]),
                "policy_context.dara_adopted",
            )
        )
    sources = data.get("sources") if isinstance(data.get("sources"), list) else []
    for i, sid in enumerate(sources):
        if isinstance(sid, str) and sid not in ctx.lookups["sources"].rows:
            problems.append(
                Problem(
                    shown,
                    ctx.lookups["sources"].unknown(sid),
                    _line(node, ["sources", i]),
                    f"sources[{i + 1}]",
                )
            )
    people = data.get("people") if isinstance(data.get("people"), list) else []
    seen: set[str] = set()
    for i, person in enumerate(people):
        name = person.get("pseudonym") if isinstance(person, dict) else None
        if isinstance(name, str):
            if name in seen:
                problems.append(
                    Problem(
                        shown,
                        f'"{name}" is declared twice',
                        _line(node, ["people", i, "pseudonym"]),
                        f"people[{i + 1}].pseudonym",
                    )
                )
            seen.add(name)
            meta.pseudonyms.update(name.split())
    terms = data.get("terms") if isinstance(data.get("terms"), list) else []
    meta.terms = {w for t in terms if isinstance(t, str) for w in t.split()}
    for key in ("title", "summary", "notice", "content_note", "setting"):
        meta.lines[key] = _line(node, [key]) or 1
    return meta, problems


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

    template = Path(__file__).parent / "_case_template" / "case.yaml"
    data = yaml.load(template.read_text(encoding="utf-8"), Loader=_loader())  # noqa: S506
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


# ---------------------------------------------------------------- events and annotations


def _available(ctx: _Context, table: str, value: str) -> dt.date | None:
    row = ctx.lookups[table].rows.get(value)
    return parse_date(row["available_from"]) if row and row.get("available_from") else None


def check_events(
    rows: list[dict[str, str]], meta: CaseMeta | None, ctx: _Context, shown: str
) -> list[Problem]:
    """Rules across rows and files; cells that failed their type were reported already."""
    problems: list[Problem] = []
    times = {r.get("event_id", ""): parse_local(r.get("timestamp", "")) for r in rows}
    agencies = ctx.lookups["agencies"]
    tools = ctx.lookups["risk_tools"].rows
    fields = {f["name"]: f for f in ctx.schema("events")["fields"]}
    score_max = int(fields["risk_score"].get("constraints", {}).get("maximum", 10**6))
    dara_unchecked = False
    for i, row in enumerate(rows, 1):

        def err(column: str, message: str, level: str = "error", _i: int = i) -> None:
            problems.append(Problem(shown, message, _i, column, level))

        when = parse_local(row.get("timestamp", ""))
        if when is not None:
            stamp = row["timestamp"].strip()
            if not exists_in_london(when):
                err(
                    "timestamp",
                    f'"{stamp}" does not exist in UK local time (the clocks went '
                    "forward that night)",
                )
            if meta:
                outside = _outside_period(stamp, when.date(), meta)
                if outside:
                    err("timestamp", outside)
            for column, table in (
                ("contact_type", "contact_types"),
                ("outcome", "outcomes"),
                ("risk_tool", "risk_tools"),
            ):
                value = row.get(column, "").strip()
                since = _available(ctx, table, value) if value else None
                if since and when.date() < since:
                    err(
                        column,
                        f'"{value}" did not exist before {since} (this event is on '
                        f"{when.date()}; see data/vocab/{table}.csv)",
                    )
            if row.get("risk_tool", "").strip() == "dara" and meta is not None:
                if meta.dara_adopted is None and meta.dara_given:
                    dara_unchecked = True
                elif meta.dara_adopted is None:
                    err(
                        "risk_tool",
                        '"dara" is used but case.yaml does not say when the force '
                        "adopted it (policy_context.dara_adopted)",
                    )
                elif when.date() < meta.dara_adopted:
                    err(
                        "risk_tool",
                        f'"dara" is used before the force adopted it on '
                        f"{meta.dara_adopted} (case.yaml policy_context.dara_adopted)",
                    )
        score, tool = row.get("risk_score", "").strip(), row.get("risk_tool", "").strip()
        if score and score.isdigit():
            spec = tools.get(tool or "none")
            if spec and spec.get("scored") != "true":
                err(
                    "risk_score",
                    f"a score needs a scored risk_tool (dash or safelives_dash); "
                    f'risk_tool is "{tool or "none"}"',
                )
            elif (
                spec and spec.get("questions") and int(spec["questions"]) < int(score) <= score_max
            ):
                err(
                    "risk_score",
                    f'"{score}" is more than the {spec["questions"]} questions of {tool}',
                )
        for link in _split(row.get("linked_to", "")):
            if link not in times:
                near = same_id(link, list(times))
                hint = f'; did you mean "{near}"?' if near else ""
                err("linked_to", f'"{link}" is not an event_id in this file{hint}')
            elif link == row.get("event_id"):
                err("linked_to", f'"{link}" is this event (linked_to names earlier events)')
            elif times[link] and when and times[link] > when:
                err(
                    "linked_to",
                    f'"{link}" is later than this event (linked_to names earlier events)',
                )
        for agency in _split(row.get("shared_with", "")):
            if agency not in agencies.rows:
                err("shared_with", agencies.unknown(agency))
        if not row.get("call_grade", "").strip():
            for column in ("response_target_minutes", "attended_minutes"):
                if row.get(column, "").strip():
                    err(column, "is set but call_grade is empty (give the call's grade)")
        if (
            row.get("outcome", "").strip() == "not_attended"
            and row.get("attended_minutes", "").strip()
        ):
            err("attended_minutes", 'is set but the outcome is "not_attended"')
        if row.get("summary", "").strip().upper().startswith("EXAMPLE"):
            err("summary", "is still an example row from everycall new-case; replace it", "warning")
    if rows and meta is None:
        problems.append(
            Problem(
                shown,
                "was not checked against case.yaml (the case period, the date DARA was "
                "adopted), because case.yaml could not be read",
                level="warning",
            )
        )
    elif rows and meta is not None and meta.period_note:
        side = "start" if meta.start else "end" if meta.end else ""
        checked = (
            f"were checked against the {side} of the case period only"
            if side
            else "were not checked against the case period"
        )
        problems.append(
            Problem(shown, f"event times {checked}, because {meta.period_note}", level="warning")
        )
    if dara_unchecked:
        problems.append(
            Problem(
                shown,
                'events using "dara" were not checked against the date the force adopted it, '
                "because policy_context.dara_adopted in case.yaml is not a valid date",
                level="warning",
            )
        )
    return problems


def _outside_period(stamp: str, day: dt.date, meta: CaseMeta) -> str | None:
    """The message for an event outside the case period (either end, when only one is known)."""
    if meta.start and meta.end and not meta.start <= day <= meta.end:
        return f'"{stamp}" is outside the case period {meta.start} to {meta.end} (case.yaml)'
    if meta.start and not meta.end and day < meta.start:
        return f'"{stamp}" is before the case period starts on {meta.start} (case.yaml)'
    if meta.end and not meta.start and day > meta.end:
        return f'"{stamp}" is after the case period ends on {meta.end} (case.yaml)'
    return None


def same_id(value: str, ids: list[str]) -> str | None:
    """An event id that differs only in case or leading zeros (``e5`` for ``E05``)."""

    def norm(text: str) -> str:
        return re.sub(r"(?<=\D)0+(?=\d)", "", text.strip().upper())

    matches = [i for i in ids if norm(i) == norm(value)]
    return matches[0] if matches else None


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def check_annotations(
    rows: list[dict[str, str]], events: list[dict[str, str]] | None, shown: dict[str, str]
) -> list[Problem]:
    problems: list[Problem] = []
    ids = [e.get("event_id", "") for e in events] if events is not None else None
    seen: dict[tuple[str, str], int] = {}
    for i, row in enumerate(rows, 1):
        event = row.get("event_id", "").strip()
        if ids is not None and event and event not in ids:
            near = same_id(event, ids)
            hint = f'; did you mean "{near}"?' if near else ""
            problems.append(
                Problem(
                    shown["annotations.csv"],
                    f'"{event}" is not an event_id in events.csv{hint}',
                    i,
                    "event_id",
                )
            )
        key = (event, row.get("opportunity_type", "").strip())
        if all(key) and key in seen:
            problems.append(
                Problem(
                    shown["annotations.csv"],
                    f"repeats row {seen[key]} (the same event and opportunity type)",
                    i,
                    "opportunity_type",
                )
            )
        seen.setdefault(key, i)
        if row.get("explanation", "").strip().upper().startswith("EXAMPLE"):
            problems.append(
                Problem(
                    shown["annotations.csv"],
                    "is still an example row from everycall new-case; replace it",
                    i,
                    "explanation",
                    "warning",
                )
            )
    return problems


def standards(
    meta: CaseMeta | None,
    events: list[dict[str, str]] | None,
    annotations: list[dict[str, str]] | None,
    shown: dict[str, str],
) -> list[Problem]:
    """Warnings when a case is short of what a course case needs; an error when it has no
    events at all (the notebooks have nothing to show)."""
    out: list[Problem] = []
    low, high = STANDARDS["events"]
    if events is not None and not events:
        out.append(
            Problem(
                shown["events.csv"],
                f"has no events; a case needs at least one (a course case has {low} to {high})",
            )
        )
    elif events is not None and not low <= len(events) <= high:
        out.append(
            Problem(
                shown["events.csv"],
                f"has {len(events)} events; a course case has {low} to {high}",
                level="warning",
            )
        )
    agencies = {e.get("agency", "") for e in events or [] if e.get("agency")}
    if events and len(agencies) < STANDARDS["agencies"]:
        out.append(
            Problem(
                shown["events.csv"],
                f"involves {len(agencies)} agencies; a course "
                f"case involves at least {STANDARDS['agencies']}",
                level="warning",
            )
        )
    kinds = {a.get("opportunity_type", "") for a in annotations or [] if a.get("opportunity_type")}
    if annotations is not None and len(kinds) < STANDARDS["opportunity_types"]:
        out.append(
            Problem(
                shown["annotations.csv"],
                f"uses {len(kinds)} opportunity types; a "
                f"course case uses at least {STANDARDS['opportunity_types']}",
                level="warning",
            )
        )
    if meta and meta.start and meta.end:
        years = (meta.end - meta.start).days / 365.25
        lo, hi = STANDARDS["years"]
        if not lo - 0.05 <= years <= hi + 0.05:
            out.append(
                Problem(
                    shown["case.yaml"],
                    f"the period covers {years:.1f} years; a course case covers {lo} to {hi} years",
                    level="warning",
                    column="period",
                )
            )
    return out


def _strings(data: Any, path: list[Any]) -> Iterator[tuple[list[Any], str]]:
    """Every text in parsed YAML, with its key path."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, [*path, key])
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, [*path, i])


def guard(
    meta: CaseMeta | None,
    events: list[dict[str, str]] | None,
    annotations: list[dict[str, str]] | None,
    ctx: _Context,
    shown: dict[str, str],
) -> list[Problem]:
    """The personal-data guard over every text in the case (see :mod:`toolkit._guard`).

    Real identifiers (email, phone, postcode, NHS number) are errors wherever they appear,
    including every text in case.yaml; possible names and dates of birth are warnings. Names
    are only checked when case.yaml could be read, since its pseudonyms are the list of names
    that are allowed."""
    allowed = set(meta.pseudonyms | meta.terms) if meta else set()
    for table in ("agencies", "contact_types", "outcomes", "risk_tools", "opportunity_types"):
        for row in ctx.rows.get(table, []):
            for col in ("name", "short_name"):
                allowed.update(w.strip("(),:;") for w in row.get(col, "").split())
    out: list[Problem] = []

    def scan(text: str, file: str, row: int | None, column: str, names: bool) -> None:
        for kind, found in _guard.scan(text, allowed):
            if kind == "name" and (not names or meta is None):
                continue
            out.append(Problem(file, _guard.message(kind, found), row, column, _guard.level(kind)))

    if meta:
        for path, value in _strings(meta.data, []):
            if path[:1] == ["sources"]:
                continue  # source ids, checked against sources.csv
            line = _line(meta.node, path) if meta.node is not None else meta.lines.get(path[0])
            scan(value, shown["case.yaml"], line, keypath(path), path == ["summary"])
    for name, rows in (("events.csv", events), ("annotations.csv", annotations)):
        for i, row in enumerate(rows or [], 1):
            for column, value in row.items():
                scan(value, shown[name], i, column, column in NAME_FIELDS)
    return out
