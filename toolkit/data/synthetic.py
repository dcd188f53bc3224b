"""Synthetic, seeded case chronologies for tests, benchmarks and practice.

Nothing here describes a real person: every event is drawn from a small set of templates
written for this course, in the same columns and vocabularies as a shipped case (see
``data/cases/<slug>/events.csv``). The same seed always gives the same events, so a test or a
benchmark can be repeated exactly.

Two entry points:

- :func:`synthetic_events` draws many cases at once (vectorised with numpy, so a million events
  take a couple of seconds), with a ``case_id`` column that the rules engine groups by.
- :func:`events_frame` turns a few hand-written rows into a complete events table, filling the
  columns a row leaves out, which is how the tests build small cases where a rule must or
  must not fire.

Examples
--------
>>> ev = synthetic_events(200, n_cases=4, seed=1)
>>> len(ev), ev["case_id"].nunique(), str(ev["timestamp"].dt.tz)
(200, 4, 'Europe/London')
>>> ev.equals(synthetic_events(200, n_cases=4, seed=1))
True
>>> small = events_frame([{"timestamp": "2019-03-01 22:10", "contact_type": "emergency_call"}])
>>> small.loc[0, "event_id"], small.loc[0, "agency"], bool(small.loc[0, "disclosure"])
('E001', 'police_call_handling', False)
>>> events_frame([{"timestamp": "31/02/2019"}])
Traceback (most recent call last):
...
toolkit.errors.DataError: events, row 1, column "timestamp": "31/02/2019" is not a date \
(expected YYYY-MM-DD HH:MM)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from toolkit.errors import DataError, Problem, ToolkitError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "EVENT_COLUMNS",
    "OPTIONAL_COLUMNS",
    "TZ",
    "events_frame",
    "synthetic_events",
]

TZ = "Europe/London"

#: The columns every case's events.csv carries (DESIGN.md, "Data").
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "timestamp",
    "agency",
    "contact_type",
    "initiated_by",
    "summary",
    "risk_tool",
    "risk_score",
    "risk_level",
    "action",
    "referral",
    "outcome",
    "source_id",
)

#: Columns a case may add; rules that need one say so when it is absent.
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "disclosure",
    "linked_to",
    "call_grade",
    "response_target_minutes",
    "attended_minutes",
    "shared_with",
)

_TEXT_DEFAULTS: dict[str, str] = {
    "agency": "police_call_handling",
    "contact_type": "emergency_call",
    "initiated_by": "victim_survivor",
    "summary": "",
    "risk_tool": "",
    "risk_level": "",
    "action": "",
    "referral": "",
    "outcome": "",
    "linked_to": "",
    "call_grade": "",
    "shared_with": "",
    "source_id": "everycall-course-team",
}

# Event templates in the course vocabularies (data/vocab/): agency, contact_type, initiated_by,
# summary, risk tool ("" for none), action, referral, outcome, disclosure, weight.
# The wording is written for this course; none of it describes a real contact.
# fmt: off
_TEMPLATES: tuple[tuple[str, str, str, str, str, str, str, str, bool, float], ...] = (
    ("police_call_handling", "emergency_call", "victim_survivor",
     "Caller says her partner is shouting and throwing things; children are in the house.",
     "", "Officers sent", "", "attended", True, 9.0),
    ("police_call_handling", "emergency_call", "neighbour",
     "Neighbour reports screaming from the flat next door.",
     "", "Officers sent", "", "attended", False, 3.0),
    ("police_call_handling", "non_emergency_call", "victim_survivor",
     "Caller asks for advice about repeated messages from her ex-partner.",
     "", "Advice given", "", "advice_given", True, 5.0),
    ("police_call_handling", "non_emergency_call", "family",
     "Her sister calls, worried about her safety after a family visit.",
     "", "Call logged", "", "no_action_recorded", False, 2.5),
    ("police_response", "police_attendance", "agency",
     "Officers attend; she has a visible injury to her arm.",
     "dash", "Statement taken", "", "crime_recorded", True, 8.0),
    ("police_response", "police_attendance", "agency",
     "Officers attend; a verbal argument is reported.",
     "dash", "Words of advice", "", "no_further_action", True, 4.0),
    ("police_safeguarding", "case_closure", "agency",
     "Investigation reviewed by a supervisor.",
     "", "Case closed", "", "closed_victim_does_not_support", False, 3.0),
    ("ambulance", "ambulance_callout", "victim_survivor",
     "Crew attend a fall at home; the account does not fit the injuries.",
     "", "Treated at scene", "", "treated_discharged", False, 2.5),
    ("gp", "gp_appointment", "victim_survivor",
     "Consultation for low mood and poor sleep.",
     "", "Prescription reviewed", "", "prescribed", False, 5.0),
    ("gp", "appointment", "perpetrator",
     "Appointment cancelled by telephone by the patient's partner.",
     "", "Cancellation accepted", "", "cancelled", False, 3.0),
    ("hospital", "ed_attendance", "victim_survivor",
     "Attends with a wrist injury and says she fell.",
     "", "Treated", "", "treated_discharged", False, 3.5),
    ("housing", "home_visit", "agency",
     "Housing officer visits about rent arrears; her partner answers the door.",
     "", "Follow-up letter sent", "", "no_further_action", False, 3.0),
    ("housing", "concern_report", "neighbour",
     "A neighbour hands in a concern card about shouting at night.",
     "", "", "", "no_action_recorded", False, 2.0),
    ("childrens_social_care", "referral", "professional",
     "School raises concern about a child's attendance and withdrawal.",
     "", "Assessment opened", "", "referral_made", False, 2.0),
    ("idva", "telephone_contact", "agency",
     "Idva offers support and safety planning.",
     "safelives_dash", "Safety plan agreed", "", "plan_agreed", True, 1.5),
    ("idva", "appointment", "victim_survivor",
     "She cancels the planned support session.",
     "", "Cancellation accepted", "", "cancelled", False, 1.5),
    ("idva", "case_closure", "agency",
     "Closed after three attempts to make contact.",
     "", "Case closed", "", "closed_non_engagement", False, 1.0),
    ("marac", "marac_meeting", "agency",
     "Case heard at Marac; actions agreed across agencies.",
     "", "Actions agreed", "", "plan_agreed", False, 1.0),
)
# fmt: on

_RISK_LEVELS = ("standard", "medium", "high")
_POLICE = ("police_call_handling", "police_response", "police_safeguarding")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""


def events_frame(
    records: Sequence[Mapping[str, Any]], *, source: str = "events", tz: str = TZ
) -> pd.DataFrame:
    """Build a complete events table from a few hand-written rows.

    Parameters
    ----------
    records : sequence of mappings
        One mapping per event. Only ``timestamp`` is required (``YYYY-MM-DD HH:MM``, read as
        local time in ``tz``); ``event_id`` defaults to ``E001``, ``E002``, ... and every other
        column to a blank, except ``agency`` (``police_call_handling``), ``contact_type``
        (``emergency_call``), ``initiated_by`` (``victim_survivor``), ``source_id``
        (``everycall-course-team``) and ``disclosure`` (false). Values are ids from the
        course vocabularies in ``data/vocab/``.
    source : str
        Name used in error messages, for example a file name.
    tz : str
        Time zone the timestamps are read in.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`EVENT_COLUMNS` and :data:`OPTIONAL_COLUMNS` in that order, plus
        any extra keys the records carry, sorted by time.

    Raises
    ------
    DataError
        A timestamp is missing or not a date, or a number column holds text.

    Examples
    --------
    >>> ev = events_frame([
    ...     {"timestamp": "2019-03-02 01:00", "risk_score": 15, "risk_level": "high"},
    ...     {"timestamp": "2019-03-01 22:10", "event_id": "first"},
    ... ])
    >>> ev["event_id"].tolist(), int(ev.loc[1, "risk_score"])
    (['first', 'E001'], 15)
    >>> events_frame([{"timestamp": "2019-03-01 22:10", "risk_score": "high"}])
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: events, row 1, column "risk_score": "high" is not a number
    """
    import pandas as pd

    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    extra: list[str] = []
    for i, rec in enumerate(records, start=1):
        row: dict[str, Any] = {c: rec.get(c, _TEXT_DEFAULTS.get(c, "")) for c in _TEXT_DEFAULTS}
        row["event_id"] = str(rec.get("event_id") or f"E{i:03d}")
        raw = rec.get("timestamp")
        try:
            if _blank(raw):
                raise ValueError
            ts = pd.Timestamp(raw)
            if pd.isna(ts):
                raise ValueError
        except (ValueError, TypeError):
            problems.append(
                Problem(
                    source, f'"{raw}" is not a date (expected YYYY-MM-DD HH:MM)', i, "timestamp"
                )
            )
            continue
        row["timestamp"] = ts.tz_localize(tz) if ts.tzinfo is None else ts.tz_convert(tz)
        for col in ("risk_score", "response_target_minutes", "attended_minutes"):
            val = rec.get(col)
            if _blank(val):
                row[col] = float("nan")
                continue
            try:
                row[col] = float(val)  # type: ignore[arg-type]  # bad values are caught below
            except (TypeError, ValueError):
                problems.append(Problem(source, f'"{val}" is not a number', i, col))
        flag = rec.get("disclosure", False)
        if isinstance(flag, str):
            if flag.strip().lower() not in ("", "true", "yes", "false", "no"):
                problems.append(
                    Problem(
                        source,
                        f'"{flag}" is not true or false (expected true or false)',
                        i,
                        "disclosure",
                    )
                )
            flag = flag.strip().lower() in ("true", "yes")
        row["disclosure"] = bool(flag)
        for key in rec:
            if key not in row and key not in extra:
                extra.append(key)
        for key in extra:
            row.setdefault(key, rec.get(key, ""))
        rows.append(row)
    if problems:
        raise DataError(problems)
    columns = list(EVENT_COLUMNS) + list(OPTIONAL_COLUMNS) + extra
    frame = pd.DataFrame(rows, columns=columns)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).dt.tz_convert(tz)
    for col in ("risk_score", "response_target_minutes", "attended_minutes"):
        frame[col] = frame[col].astype("float64")
    return frame.sort_values("timestamp", kind="stable").reset_index(drop=True)


def synthetic_events(
    n_events: int,
    *,
    n_cases: int | None = None,
    seed: int = 0,
    start: str = "2016-01-01",
    end: str = "2023-12-31",
    mean_gap_days: float = 40.0,
) -> pd.DataFrame:
    """Draw ``n_events`` fictional events spread over ``n_cases`` chronologies.

    Each case starts on a random day between ``start`` and ``end`` and its contacts come closer
    together as it goes on (escalation). Police calls are sometimes linked to the previous call,
    emergency calls carry a grade, a target and an attendance time (some late, a few never
    attended), and some contacts record information shared with another agency.

    Parameters
    ----------
    n_events : int
        Total number of events (at least 1).
    n_cases : int, optional
        Number of cases; by default one case per 100 events.
    seed : int
        Seed for :func:`numpy.random.default_rng`; the same seed gives the same table.
    start, end : str
        Range of case start dates.
    mean_gap_days : float
        Average days between a case's first contacts; gaps shrink to a fifth of this by the
        end of the case.

    Returns
    -------
    pandas.DataFrame
        ``case_id`` then the columns of :data:`EVENT_COLUMNS` and :data:`OPTIONAL_COLUMNS`,
        sorted by case and time, with text columns as pandas categoricals (compact at scale).

    Examples
    --------
    >>> ev = synthetic_events(1000, seed=3)
    >>> ev.groupby("case_id", observed=True)["timestamp"].is_monotonic_increasing.all()
    np.True_
    >>> synthetic_events(0)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: n_events must be at least 1; got 0
    """
    import numpy as np

    n_cases = _check_sizes(n_events, n_cases, mean_gap_days)
    rng = np.random.default_rng(seed)
    # The draws below are made in this order for every seed: reordering them would change
    # the events a seed gives.
    cases = _split_into_cases(n_events, n_cases)
    ns = _contact_times(rng, cases, start=start, end=end, mean_gap_days=mean_gap_days)
    drawn = _draw_templates(rng, n_events)
    risk = _assess_risk(rng, drawn.risk_tool, ns, cases.frac)
    referral = _refer_high_risk_to_marac(rng, drawn.referral, risk.high)
    shared_with = _share_with_police(rng, drawn.agency)
    case_ids, event_ids = _event_ids(cases)
    linked_to = _link_repeat_calls(rng, drawn, cases, event_ids)
    calls = _grade_and_attend_calls(rng, drawn.contact_type, drawn.outcome)
    return _events_table(
        cases, ns, drawn, risk, referral, shared_with, case_ids, event_ids, linked_to, calls
    )


class _Cases(NamedTuple):
    """Which case each event belongs to, and where it falls within its case."""

    n_events: int
    n_cases: int
    first: np.ndarray  # True for a case's first event
    starts: np.ndarray  # row of each case's first event
    lengths: np.ndarray  # events in each case
    pos: np.ndarray  # position of each event within its case, from 0
    frac: np.ndarray  # the same as a share of the way through the case, 0 to 1


class _Templates(NamedTuple):
    """The template columns of each event (see ``_TEMPLATES``), one array each."""

    agency: np.ndarray
    contact_type: np.ndarray
    initiated_by: np.ndarray
    summary: np.ndarray
    risk_tool: np.ndarray
    action: np.ndarray
    referral: np.ndarray
    outcome: np.ndarray
    disclosure: np.ndarray


class _Risk(NamedTuple):
    tool: np.ndarray  # "none" where no assessment was made
    score: np.ndarray  # NaN where no score is recorded
    level: np.ndarray
    high: np.ndarray  # assessed as high risk


class _Calls(NamedTuple):
    grade: np.ndarray  # "" except for emergency calls
    target: np.ndarray  # response target in minutes (NaN except for emergency calls)
    attended: np.ndarray  # minutes to attendance (NaN when not attended)
    outcome: np.ndarray  # the templates' outcomes, "not_attended" where nobody came


def _check_sizes(n_events: int, n_cases: int | None, mean_gap_days: float) -> int:
    """The number of cases (one per 100 events by default), once the sizes are checked."""
    if n_events < 1:
        raise ToolkitError(f"n_events must be at least 1; got {n_events}")
    n_cases = n_cases if n_cases is not None else max(1, n_events // 100)
    if not 1 <= n_cases <= n_events:
        raise ToolkitError(f"n_cases must be between 1 and n_events ({n_events}); got {n_cases}")
    if mean_gap_days <= 0:
        raise ToolkitError(f"mean_gap_days must be positive; got {mean_gap_days}")
    return n_cases


def _split_into_cases(n_events: int, n_cases: int) -> _Cases:
    """Split ``n_events`` as evenly as possible into cases, keeping events in case order."""
    import numpy as np

    case = np.repeat(np.arange(n_cases), np.diff(np.linspace(0, n_events, n_cases + 1).astype(int)))
    first = np.r_[True, case[1:] != case[:-1]]
    starts = np.flatnonzero(first)
    lengths = np.diff(np.r_[starts, n_events])
    pos = np.arange(n_events) - np.repeat(starts, lengths)
    frac = pos / np.maximum(np.repeat(lengths, lengths) - 1, 1)
    return _Cases(n_events, n_cases, first, starts, lengths, pos, frac)


def _contact_times(
    rng: np.random.Generator, cases: _Cases, *, start: str, end: str, mean_gap_days: float
) -> np.ndarray:
    """Each event's time in nanoseconds since 1970 (UTC), to the whole minute.

    Each case starts on a random day between ``start`` and ``end``; the gaps between its
    contacts shrink to a fifth across the case (escalation).
    """
    import numpy as np
    import pandas as pd

    gap_days = rng.exponential(mean_gap_days * (1.0 - 0.8 * cases.frac))
    gap_days[cases.first] = 0.0
    cum = np.cumsum(gap_days)
    cum -= np.repeat(cum[cases.starts], cases.lengths)
    t0 = pd.Timestamp(start, tz="UTC").value
    t1 = pd.Timestamp(end, tz="UTC").value
    case_t0 = rng.integers(t0, t1, size=cases.n_cases)
    ns = np.repeat(case_t0, cases.lengths) + (cum * 86_400e9).astype(np.int64)
    ns -= ns % 60_000_000_000  # whole minutes, as a chronology records them
    return ns


def _draw_templates(rng: np.random.Generator, n_events: int) -> _Templates:
    """One template per event, drawn by the templates' weights."""
    import numpy as np

    tpl = np.array(_TEMPLATES, dtype=object)
    weights = tpl[:, 9].astype(float)
    kind = rng.choice(len(tpl), size=n_events, p=weights / weights.sum())
    return _Templates(*(tpl[kind, i] for i in range(9)))


def _assess_risk(
    rng: np.random.Generator, tool: np.ndarray, ns: np.ndarray, frac: np.ndarray
) -> _Risk:
    """Risk assessments on three in four of the templates that name a tool.

    DASH scores (the number of yes answers) rise as a case goes on; after DARA's launch on
    26 November 2022 police record a level only, as the vocabulary says.
    """
    import numpy as np
    import pandas as pd

    n_events = len(tool)
    tool = tool.copy()
    assessed = (tool != "") & (rng.random(n_events) < 0.75)
    tool[~assessed] = ""
    dara = assessed & (tool == "dash") & (ns >= pd.Timestamp("2022-11-26", tz=TZ).value)
    tool[dara] = "dara"
    score = rng.binomial(24, 0.3 + 0.35 * frac).astype(float)
    level_idx = np.where(score >= 14, 2, np.where(score >= 10, 1, 0))
    score[~assessed | dara] = np.nan
    level = np.where(assessed, np.array(_RISK_LEVELS, dtype=object)[level_idx], "")
    return _Risk(np.where(assessed, tool, "none"), score, level, assessed & (level_idx == 2))


def _refer_high_risk_to_marac(
    rng: np.random.Generator, referral: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """The templates' referrals, with six in ten high-risk assessments referred to Marac."""
    referral = referral.copy()
    referral[high & (rng.random(len(referral)) < 0.6)] = "marac"
    return referral


def _share_with_police(rng: np.random.Generator, agency: np.ndarray) -> np.ndarray:
    """``shared_with``: some other agencies' contacts shared with police safeguarding, and
    every Marac meeting's actions with its members."""
    import numpy as np

    sharing = (~np.isin(agency, _POLICE)) & (rng.random(len(agency)) < 0.15)
    shared_with = np.where(sharing, "police_safeguarding", "")
    shared_with[agency == "marac"] = "police_safeguarding;idva;gp;housing"
    return shared_with


def _event_ids(cases: _Cases) -> tuple[np.ndarray, np.ndarray]:
    """Each event's case id (``C000000``) and event id (``C000000-E0001``)."""
    import numpy as np
    import pandas as pd

    case_label = np.char.add("C", np.char.zfill(np.arange(cases.n_cases).astype(str), 6))
    case_ids = np.repeat(case_label, cases.lengths)
    event_ids = pd.Series(case_ids).str.cat(
        pd.Series(np.char.zfill((cases.pos + 1).astype(str), 4)), sep="-E"
    )
    return case_ids, event_ids.to_numpy()


def _link_repeat_calls(
    rng: np.random.Generator, drawn: _Templates, cases: _Cases, event_ids: np.ndarray
) -> np.ndarray:
    """``linked_to``: six in ten calls name the previous police contact in the same case."""
    import numpy as np

    n_events = cases.n_events
    police_row = np.isin(drawn.agency, _POLICE)
    is_call = np.isin(drawn.contact_type, ("emergency_call", "non_emergency_call"))
    last_police = np.maximum.accumulate(np.where(police_row, np.arange(n_events), -1))
    prev_police = np.r_[-1, last_police[:-1]]
    case_first_row = np.repeat(cases.starts, cases.lengths)
    linked = is_call & (prev_police >= case_first_row) & (rng.random(n_events) < 0.6)
    return np.where(linked, event_ids[np.maximum(prev_police, 0)], "")


def _grade_and_attend_calls(
    rng: np.random.Generator, contact_type: np.ndarray, outcome: np.ndarray
) -> _Calls:
    """Emergency calls get a grade, its response target and an attendance time: some late,
    one in twenty never attended."""
    import numpy as np

    n_events = len(contact_type)
    outcome = outcome.copy()
    emergency = contact_type == "emergency_call"
    grade = np.where(rng.random(n_events) < 0.7, "immediate", "priority")
    call_grade = np.where(emergency, grade, "")
    target = np.where(emergency, np.where(grade == "immediate", 15.0, 60.0), np.nan)
    attended = np.round(rng.gamma(2.0, 0.6 * np.nan_to_num(target, nan=1.0)))
    attended[~emergency] = np.nan
    never = emergency & (rng.random(n_events) < 0.05)
    attended[never] = np.nan
    outcome[never] = "not_attended"
    return _Calls(call_grade, target, attended, outcome)


def _events_table(
    cases: _Cases,
    ns: np.ndarray,
    drawn: _Templates,
    risk: _Risk,
    referral: np.ndarray,
    shared_with: np.ndarray,
    case_ids: np.ndarray,
    event_ids: np.ndarray,
    linked_to: np.ndarray,
    calls: _Calls,
) -> pd.DataFrame:
    """The columns as a table, text as pandas categoricals (compact at scale)."""
    import pandas as pd

    def cat(values: np.ndarray) -> pd.Categorical:
        return pd.Categorical(values.astype(object))

    return pd.DataFrame(
        {
            "case_id": pd.Categorical(case_ids),
            "event_id": event_ids,
            "timestamp": pd.to_datetime(ns, utc=True).tz_convert(TZ),
            "agency": cat(drawn.agency),
            "contact_type": cat(drawn.contact_type),
            "initiated_by": cat(drawn.initiated_by),
            "summary": cat(drawn.summary),
            "risk_tool": cat(risk.tool),
            "risk_score": risk.score,
            "risk_level": cat(risk.level),
            "action": cat(drawn.action),
            "referral": cat(referral),
            "outcome": cat(calls.outcome),
            "source_id": pd.Categorical(["everycall-course-team"] * cases.n_events),
            "disclosure": drawn.disclosure.astype(bool),
            "linked_to": linked_to,
            "call_grade": cat(calls.grade),
            "response_target_minutes": calls.target,
            "attended_minutes": calls.attended,
            "shared_with": cat(shared_with),
        }
    )
