"""Case-folder checks a Table Schema cannot express (used by :mod:`toolkit.validate`).

``case.yaml`` is checked in :mod:`toolkit.data.case_yaml` (its schema with jsonschema, errors
reworded with YAML line numbers, dates, sources, pseudonyms and placeholders). This module
holds the cross-file rules: event
times inside the case period and real in UK local time; tools, contact types and outcomes used
only once they existed (``available_from`` in the vocabularies; DARA only after the force
adopted it); scores only with a scored tool; links, sharing and annotations pointing at things
that exist; placeholders left from the scaffold and the course standards (warnings); and the
personal-data guard (errors for real identifiers, warnings for possible names and dates of
birth). A check that cannot run because case.yaml is broken says so, rather than passing in
silence.

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
from typing import Any
from zoneinfo import ZoneInfo

from toolkit.core.text import plural
from toolkit.data import guard as _guard
from toolkit.data import reading as _checks
from toolkit.data.case_yaml import CaseMeta, _available, _line, keypath
from toolkit.data.context import CaseContext
from toolkit.errors import Problem

LONDON = ZoneInfo("Europe/London")
STANDARDS: dict[str, Any] = {
    "events": (30, 80),
    "agencies": 6,
    "opportunity_types": 5,
    "years": (1, 5),
}
"""What a course case needs (issue 3). A case short of these gets warnings, not errors (except
a case with no events at all, which is an error)."""
NAME_FIELDS = {"summary", "action", "explanation"}


def parse_local(value: str) -> dt.datetime | None:
    """``YYYY-MM-DD HH:MM`` as a naive datetime, or None when it does not parse."""
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        return None


def exists_in_london(moment: dt.datetime) -> bool:
    """False for wall-clock times skipped when the clocks go forward."""
    aware = moment.replace(tzinfo=LONDON)
    back = aware.astimezone(dt.UTC).astimezone(LONDON).replace(tzinfo=None)
    return back == moment


# ---------------------------------------------------------------- events and annotations


def check_events(
    rows: list[dict[str, str]], meta: CaseMeta | None, ctx: CaseContext, shown: str
) -> list[Problem]:
    """Rules across rows and files; cells that failed their type were reported already."""
    whens = [parse_local(r.get("timestamp", "")) for r in rows]
    times = {r.get("event_id", ""): when for r, when in zip(rows, whens, strict=True)}
    fields = {f["name"]: f for f in ctx.schema("events")["fields"]}
    score_max = int(fields["risk_score"].get("constraints", {}).get("maximum", 10**6))
    problems: list[Problem] = []
    for i, (row, when) in enumerate(zip(rows, whens, strict=True), 1):
        found = [
            *_time_problems(row, when, meta, ctx),
            *_score_problems(row, ctx, score_max),
            *_link_problems(row, when, times),
            *_sharing_problems(row, ctx),
            *_call_problems(row),
            *_example_problems(row),
        ]
        problems += [Problem(shown, message, i, column, level) for column, message, level in found]
    return problems + _unchecked_warnings(rows, whens, meta, shown)


#: A problem found in one row of events.csv: (column, message, level).
_RowProblem = tuple[str, str, str]


def _time_problems(
    row: dict[str, str], when: dt.datetime | None, meta: CaseMeta | None, ctx: CaseContext
) -> Iterator[_RowProblem]:
    """The event's time: real in UK local time, inside the case period, and no earlier than
    the contact type, outcome and risk tool it uses (and DARA no earlier than the force
    adopted it)."""
    if when is None:
        return
    stamp = row["timestamp"].strip()
    if not exists_in_london(when):
        yield (
            "timestamp",
            f'"{stamp}" does not exist in UK local time (the clocks went forward that night)',
            "error",
        )
    if meta:
        outside = _outside_period(stamp, when.date(), meta)
        if outside:
            yield "timestamp", outside, "error"
    for column, table in (
        ("contact_type", "contact_types"),
        ("outcome", "outcomes"),
        ("risk_tool", "risk_tools"),
    ):
        value = row.get(column, "").strip()
        since = _available(ctx, table, value) if value else None
        if since and when.date() < since:
            yield (
                column,
                f'"{value}" did not exist before {since} (this event is on '
                f"{when.date()}; see data/vocab/{table}.csv)",
                "error",
            )
    if row.get("risk_tool", "").strip() != "dara" or meta is None:
        return
    if meta.dara_adopted is None and not meta.dara_given:
        yield (
            "risk_tool",
            '"dara" is used but case.yaml does not say when the force '
            "adopted it (policy_context.dara_adopted)",
            "error",
        )
    elif meta.dara_adopted is not None and when.date() < meta.dara_adopted:
        yield (
            "risk_tool",
            f'"dara" is used before the force adopted it on '
            f"{meta.dara_adopted} (case.yaml policy_context.dara_adopted)",
            "error",
        )


def _score_problems(row: dict[str, str], ctx: CaseContext, score_max: int) -> Iterator[_RowProblem]:
    """A score only with a scored risk tool, and no more than the tool's questions."""
    score, tool = row.get("risk_score", "").strip(), row.get("risk_tool", "").strip()
    if not (score and score.isdigit()):
        return
    spec = ctx.lookups["risk_tools"].rows.get(tool or "none")
    if spec and spec.get("scored") != "true":
        yield (
            "risk_score",
            f"a score needs a scored risk_tool (dash or safelives_dash); "
            f'risk_tool is "{tool or "none"}"',
            "error",
        )
    elif spec and spec.get("questions") and int(spec["questions"]) < int(score) <= score_max:
        yield (
            "risk_score",
            f'"{score}" is more than the {spec["questions"]} questions of {tool}',
            "error",
        )


def _link_problems(
    row: dict[str, str], when: dt.datetime | None, times: dict[str, dt.datetime | None]
) -> Iterator[_RowProblem]:
    """``linked_to`` names earlier events of this file."""
    for link in _split(row.get("linked_to", "")):
        if link not in times:
            near = same_id(link, list(times))
            hint = f'; did you mean "{near}"?' if near else ""
            yield "linked_to", f'"{link}" is not an event_id in this file{hint}', "error"
        elif link == row.get("event_id"):
            yield "linked_to", f'"{link}" is this event (linked_to names earlier events)', "error"
        elif (earlier := times[link]) and when and earlier > when:
            yield (
                "linked_to",
                f'"{link}" is later than this event (linked_to names earlier events)',
                "error",
            )


def _sharing_problems(row: dict[str, str], ctx: CaseContext) -> Iterator[_RowProblem]:
    """``shared_with`` names known agencies."""
    agencies = ctx.lookups["agencies"]
    for agency in _split(row.get("shared_with", "")):
        if agency not in agencies.rows:
            yield "shared_with", agencies.unknown(agency), "error"


def _call_problems(row: dict[str, str]) -> Iterator[_RowProblem]:
    """A response target or attendance time only for a graded call, and no attendance time
    for a call nobody attended."""
    if not row.get("call_grade", "").strip():
        for column in ("response_target_minutes", "attended_minutes"):
            if row.get(column, "").strip():
                yield column, "is set but call_grade is empty (give the call's grade)", "error"
    if row.get("outcome", "").strip() == "not_attended" and row.get("attended_minutes", "").strip():
        yield "attended_minutes", 'is set but the outcome is "not_attended"', "error"


def _example_problems(row: dict[str, str]) -> Iterator[_RowProblem]:
    """A row left as the example ``everycall new-case`` writes (a warning)."""
    if row.get("summary", "").strip().upper().startswith("EXAMPLE"):
        yield "summary", "is still an example row from everycall new-case; replace it", "warning"


def _unchecked_warnings(
    rows: list[dict[str, str]],
    whens: list[dt.datetime | None],
    meta: CaseMeta | None,
    shown: str,
) -> list[Problem]:
    """What could not be checked against case.yaml, and why (a check that cannot run says so
    rather than passing in silence)."""
    out = []
    if rows and meta is None:
        out.append(
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
        out.append(
            Problem(shown, f"event times {checked}, because {meta.period_note}", level="warning")
        )
    dara_unchecked = (
        meta is not None
        and meta.dara_adopted is None
        and meta.dara_given
        and any(
            when is not None and row.get("risk_tool", "").strip() == "dara"
            for row, when in zip(rows, whens, strict=True)
        )
    )
    if dara_unchecked:
        out.append(
            Problem(
                shown,
                'events using "dara" were not checked against the date the force adopted it, '
                "because policy_context.dara_adopted in case.yaml is not a valid date",
                level="warning",
            )
        )
    return out


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
                    f"repeats line {seen[key] + 1} (the same event and opportunity type)",
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
    if events is not None:
        events = [e for e in events if any(v.strip() for v in e.values())]  # not blank rows
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
                f"has {plural(len(events), 'event')}; a course case has {low} to {high}",
                level="warning",
            )
        )
    # Counted only when every row gives the value: a row that lacks it (an error already,
    # or a row whose cells do not line up with the header) would make the count wrong.
    agencies = {e.get("agency", "") for e in events or [] if e.get("agency")}
    if events and all(e.get("agency") for e in events) and len(agencies) < STANDARDS["agencies"]:
        out.append(
            Problem(
                shown["events.csv"],
                f"involves {plural(len(agencies), 'agency', 'agencies')}; a course "
                f"case involves at least {STANDARDS['agencies']}",
                level="warning",
            )
        )
    if annotations is not None:
        annotations = [a for a in annotations if any(v.strip() for v in a.values())]
    kinds = {a.get("opportunity_type", "") for a in annotations or [] if a.get("opportunity_type")}
    complete = all(a.get("opportunity_type") for a in annotations or [])
    if annotations is not None and complete and len(kinds) < STANDARDS["opportunity_types"]:
        out.append(
            Problem(
                shown["annotations.csv"],
                f"uses {plural(len(kinds), 'opportunity type')}; a "
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
    ctx: CaseContext,
    shown: dict[str, str],
) -> list[Problem]:
    """The personal-data guard over every text in the case (see :mod:`toolkit.data.guard`).

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
            make = _checks.LineProblem if file == shown["case.yaml"] else Problem
            out.append(make(file, _guard.message(kind, found), row, column, _guard.level(kind)))

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
