"""The built-in missed-opportunity rules, one function each, registered with
:func:`toolkit.opportunities.rule`.

Each rule stands for one missed-opportunity type in ``data/vocab/opportunity_types.csv`` (fact
sheet section 7) and rests on a named source. The rules read the events columns exactly as
``data/schemas/events.schema.json`` describes them: a repeat call is an ``emergency_call`` or
``non_emergency_call`` and an empty ``linked_to`` means it was handled in isolation; a
disclosure is a row with ``disclosure`` true; a risk assessment is a row whose ``risk_tool`` is
not ``none``; a Marac referral is ``referral`` = ``marac``; and so on. Every evaluation is
vectorised over the whole table (no loop over events), so the same code runs on one case of
forty contacts or on a million synthetic events.

The three police lanes (call handling, response, the domestic abuse unit) count as one
organisation when the rules ask whether an agency followed up or shared information: they
share one record system.

The explanations are written for learners: they say what the record shows and what the policy
of the time asked for, and they never judge the victim-survivor. Three rules (third-party
concern, cancelled appointment, promised call back) test patterns that a later review named (the
Northampton review, published July 2023) rather than a national rule of the time; their
descriptions and explanations say so, and their flags on earlier events are questions to weigh
against what was expected then. A flag is a prompt to look
closer, not a finding. Two types in the vocabulary have no rule, because only a reader can see
them in the words of a record: mental health or alcohol masking abuse, and coercive control not
analysed.

Examples
--------
>>> from toolkit.opportunities import run_rules
>>> from toolkit.synthetic import events_frame
>>> ev = events_frame([
...     {"timestamp": "2019-03-01 22:10"},
...     {"timestamp": "2019-03-09 23:40"},
... ])
>>> found = run_rules(ev, rules=[get_rule("repeat-calls-not-linked")])
>>> found["event_id"].tolist()
['E002']
>>> print(found.loc[0, "explanation"])
A call to the police on 9 Mar 2019 came 8 days after an earlier one (E001, 1 Mar 2019) and \
is not linked to it, so it may have been handled as if it were the first.
>>> run_rules(ev, rules=[get_rule("repeat-calls-not-linked")], window_days=-1)
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: rule "repeat-calls-not-linked": window_days must be a positive \
number; got -1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError
from toolkit.opportunities import (
    day_text,
    flagged,
    get_rule,
    is_blank,
    label,
    matches,
    previous_in_group,
    rule,
    seconds_to_next,
    trailing_count,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["get_rule"]

_DAY = 86_400.0
POLICE = ["police_call_handling", "police_response", "police_safeguarding"]
CALLS = ["emergency_call", "non_emergency_call"]
THIRD_PARTIES = ["family", "friend", "neighbour", "colleague"]
_LEVELS = {"standard": 1, "medium": 2, "high": 3}
_LEVEL_NAMES = ("", "standard", "medium", "high")


# --------------------------------------------------------------------------------------------
# Small vectorised readers shared by the rules


def _number(params: Mapping[str, Any], rule_id: str, name: str) -> float:
    value = params[name]
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ToolkitError(f'rule "{rule_id}": {name} must be a positive number; got {value}')
    return float(value)


def _col(events: pd.DataFrame, name: str) -> pd.Series:
    import pandas as pd

    if name in events.columns:
        return events[name]
    return pd.Series(pd.Categorical([""] * len(events)), index=events.index)


def _truthy(events: pd.DataFrame, name: str) -> np.ndarray:
    import numpy as np
    import pandas as pd

    col = _col(events, name)
    if pd.api.types.is_bool_dtype(col.dtype):
        return col.fillna(False).to_numpy(dtype=bool)
    return np.asarray(matches(col, "true", "yes", "1", "1.0"), dtype=bool)


def _marac_referral(events: pd.DataFrame) -> np.ndarray:
    return matches(_col(events, "referral"), "marac") | matches(
        _col(events, "contact_type"), "marac_meeting"
    )


def _assessed(events: pd.DataFrame) -> np.ndarray:
    """Rows that record a risk assessment: a risk tool other than ``none``, or a risk level."""
    tool = _col(events, "risk_tool")
    return (~is_blank(tool) & ~matches(tool, "none")) | (_level(events) > 0)


def _level(events: pd.DataFrame) -> np.ndarray:
    """Risk level as a number: 0 none recorded, 1 standard, 2 medium, 3 high."""
    import numpy as np
    import pandas as pd

    col = _col(events, "risk_level")
    if not isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype("str").astype("category")
    lookup = [_LEVELS.get(str(c).strip().lower(), 0) for c in col.cat.categories]
    return np.array(lookup + [0], dtype=np.int64)[col.cat.codes.to_numpy()]


def _org(events: pd.DataFrame, police: Sequence[str]) -> np.ndarray:
    """An integer per row naming the organisation: the police lanes share one code."""
    return _org_lookup(events, police)[0]


def _org_lookup(events: pd.DataFrame, police: Sequence[str]) -> tuple[np.ndarray, dict[str, int]]:
    """Organisation codes per row, and the code for every agency id (lower case)."""
    import numpy as np
    import pandas as pd

    agency = _col(events, "agency")
    if not isinstance(agency.dtype, pd.CategoricalDtype):
        agency = agency.astype("str").astype("category")
    police_set = {p.strip().lower() for p in police}
    ids = [str(c).strip().lower() for c in agency.cat.categories] + sorted(police_set)
    labels = ["police" if i in police_set else i for i in ids]
    codes, _ = pd.factorize(pd.Index(labels))
    lookup = dict(zip(ids, (int(c) for c in codes), strict=True))
    per_row = np.append(np.asarray(codes[: len(agency.cat.categories)], dtype=np.int64), -1)
    return per_row[agency.cat.codes.to_numpy()], lookup


def _messages(events: pd.DataFrame, org: np.ndarray, lookup: dict[str, int]) -> pd.DataFrame:
    """Every referral or piece of information passed on: one row per (sender row, receiver).

    Columns ``_case``, ``org_a`` (sender), ``org_b`` (receiver), ``t`` (seconds) and
    ``meeting`` (sent from a Marac meeting). ``referral`` and ``shared_with`` name agency ids;
    ``shared_with`` may hold several, separated by ``;``.
    """
    import numpy as np
    import pandas as pd

    case, t = events["_case"].to_numpy(), events["_t"].to_numpy()
    meeting = matches(_col(events, "contact_type"), "marac_meeting")
    parts = [pd.DataFrame({"_case": [], "org_a": [], "org_b": [], "t": [], "meeting": []})]
    for target in ("shared_with", "referral"):
        if target not in events.columns:
            continue
        col = events[target]
        if not isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype("str").astype("category")
        # Split each distinct value once ("a;b" -> a, b), then join rows to their receivers.
        pairs = [
            (ci, lookup[d])
            for ci, value in enumerate(col.cat.categories)
            for d in (p.strip().lower() for p in str(value).split(";"))
            if d in lookup
        ]
        if not pairs:
            continue
        table = pd.DataFrame(pairs, columns=["cat", "org_b"])
        codes = col.cat.codes.to_numpy()
        sent = np.flatnonzero(np.isin(codes, table["cat"].unique()))
        part = pd.DataFrame({"row": sent, "cat": codes[sent]}).merge(table, on="cat")
        rows = part["row"].to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "_case": case[rows],
                    "org_a": org[rows],
                    "org_b": part["org_b"].to_numpy(),
                    "t": t[rows],
                    "meeting": meeting[rows],
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out.astype(
        {"_case": np.int64, "org_a": np.int64, "org_b": np.int64, "t": np.int64, "meeting": bool}
    )


def _concat(*parts: Any) -> np.ndarray:
    """Join text pieces row by row: each part is one string or one text per row.

    A plain comprehension: faster than chains of pandas string additions on object text.
    """
    import itertools

    import numpy as np

    n = max((len(p) for p in parts if not isinstance(p, str)), default=0)
    cols = [
        itertools.repeat(p, n) if isinstance(p, str) else map(str, np.asarray(p).tolist())
        for p in parts
    ]
    return np.array(["".join(t) for t in zip(*cols, strict=False)], dtype=object)


def _days_phrase(days: np.ndarray) -> np.ndarray:
    import numpy as np

    return np.array([("1 day" if d == 1 else f"{d} days") for d in days.tolist()], dtype=object)


def _rows_text(events: pd.DataFrame, rows: np.ndarray, text: Any) -> pd.DataFrame:
    import numpy as np

    return flagged(events.iloc[rows], np.ones(len(rows), dtype=bool), text)


# --------------------------------------------------------------------------------------------
# The rules


@rule(
    "repeat-calls-not-linked",
    name="Repeat call not linked",
    description=(
        "A call to the police (999 or 101) within the window of an earlier call in the same "
        "case, with nothing in the record linking it to that call. Incidents handled one at "
        "a time hide the pattern that the history shows."
    ),
    source_id="iopc-oudeh",
    opportunity_type="repeat_calls_not_linked",
    params={"window_days": 365, "call_types": CALLS},
    requires=("linked_to",),
)
def repeat_calls_not_linked(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    import numpy as np

    window = _number(params, "repeat-calls-not-linked", "window_days")
    calls = matches(events["contact_type"], *params["call_types"])
    prev, since = previous_in_group(events, calls)
    rows = np.flatnonzero(calls & (since <= window * _DAY))
    rows = rows[is_blank(events["linked_to"].iloc[rows])]
    before = prev[rows]
    days = np.round(since[rows] / _DAY).astype(np.int64)
    gap = np.where(days == 0, "the same day as", _concat(_days_phrase(days), " after"))
    text = _concat(
        "A call to the police on ",
        day_text(events["timestamp"].iloc[rows]),
        " came ",
        gap,
        " an earlier one (",
        events["event_id"].to_numpy()[before],
        ", ",
        day_text(events["timestamp"].iloc[before]),
        ") and is not linked to it, so it may have been handled as if it were the first.",
    )
    return _rows_text(events, rows, text)


@rule(
    "disclosure-no-risk-assessment",
    name="Disclosure, no risk assessment",
    description=(
        "Abuse was disclosed to, or seen by, an agency whose job includes assessing risk "
        "(police officers and specialist domestic abuse services), and no risk assessment is "
        "recorded within the time allowed. Reviews ask for an assessment even when the "
        "victim-survivor does not want to take part, and for it to be repeated as things "
        "change."
    ),
    source_id="northants-dhr-005",
    opportunity_type="no_risk_assessment",
    params={
        "within_hours": 24,
        "agencies": ["police_response", "police_safeguarding", "specialist_da_service", "idva"],
    },
    requires=("disclosure",),
    in_force_from="2009-03-01",
)
def disclosure_no_risk_assessment(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    hours = _number(params, "disclosure-no-risk-assessment", "within_hours")
    disclosed = _truthy(events, "disclosure") & matches(events["agency"], *params["agencies"])
    hit = disclosed & (seconds_to_next(events, _assessed(events)) > hours * 3600)
    return flagged(
        events,
        hit,
        f"Abuse was disclosed or seen here and no risk assessment is recorded within {hours:g} "
        "hours. A structured assessment at this point is how risk the victim-survivor may not "
        "name gets seen.",
    )


@rule(
    "high-risk-no-marac",
    name="High risk, no Marac referral",
    description=(
        "A risk assessment graded high, or scoring at or above the Dash threshold (14 yes "
        "answers), with no Marac referral recorded by any agency within the window before or "
        "after it."
    ),
    source_id="safelives-marac-criteria",
    opportunity_type="no_marac_referral",
    params={"threshold": 14, "window_days": 7},
    in_force_from="2009-03-01",
)
def high_risk_no_marac(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    import numpy as np

    window = _number(params, "high-risk-no-marac", "window_days")
    threshold = _number(params, "high-risk-no-marac", "threshold")
    high = _level(events) == 3
    if "risk_score" in events.columns:
        score = events["risk_score"].to_numpy(dtype=float, na_value=np.nan)
        high |= np.nan_to_num(score, nan=-1.0) >= threshold
    marac = _marac_referral(events)
    _, since = previous_in_group(events, marac)
    hit = high & (seconds_to_next(events, marac) > window * _DAY) & (since > window * _DAY)
    return flagged(
        events,
        hit,
        f"This assessment shows high risk (a high grading, or {threshold:g} or more yes answers "
        f"on the Dash checklist) and no Marac referral is recorded within {window:g} days of it. "
        "High-risk cases are meant to reach a Marac, so that agencies plan safety together.",
    )


@rule(
    "escalation-no-marac",
    name="Escalating calls, no Marac referral",
    description=(
        "The number of calls to the police reaches the escalation criterion (by default three "
        "in twelve months) with no Marac referral in that period or soon after."
    ),
    source_id="safelives-marac-criteria",
    opportunity_type="no_marac_referral",
    params={"incidents": 3, "period_days": 365, "window_days": 7, "call_types": CALLS},
)
def escalation_no_marac(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    period = _number(params, "escalation-no-marac", "period_days")
    window = _number(params, "escalation-no-marac", "window_days")
    need = int(_number(params, "escalation-no-marac", "incidents"))
    calls = matches(events["contact_type"], *params["call_types"])
    marac = _marac_referral(events)
    recent = trailing_count(events, marac, period) > 0
    soon = seconds_to_next(events, marac) <= window * _DAY
    # Flag the call at which the criterion is first met in its period (count == need).
    hit = calls & (trailing_count(events, calls, period) == need) & ~recent & ~soon
    return flagged(
        events,
        hit,
        f"This is call {need} to the police within {period:g} days, which meets the "
        "escalation criterion for a Marac referral, and no referral is recorded.",
    )


@rule(
    "risk-downgraded",
    name="Risk graded lower without a recorded reason",
    description=(
        "A risk assessment graded lower than the one before it within the window. A lower "
        "grading can be right, but reviews ask that it be checked against the history and "
        "the reason recorded."
    ),
    source_id="iopc-oudeh",
    opportunity_type="risk_downgraded",
    params={"window_days": 180},
)
def risk_downgraded(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    import numpy as np

    window = _number(params, "risk-downgraded", "window_days")
    level = _level(events)
    prev, since = previous_in_group(events, level > 0)
    prev_level = np.where(prev >= 0, level[np.maximum(prev, 0)], 0)
    rows = np.flatnonzero((level > 0) & (since <= window * _DAY) & (level < prev_level))
    names = np.array(_LEVEL_NAMES, dtype=object)
    text = _concat(
        "Risk graded ",
        names[level[rows]],
        " here, after ",
        names[prev_level[rows]],
        " on ",
        day_text(events["timestamp"].iloc[prev[rows]]),
        " (",
        events["event_id"].to_numpy()[prev[rows]],
        "). The record does not show what changed, "
        "or that the earlier grading and the history were checked.",
    )
    return _rows_text(events, rows, text)


@rule(
    "third-party-concern-not-acted-on",
    name="Third-party concern not acted on",
    description=(
        "A family member, friend, neighbour or colleague raised a concern; the contact ended "
        "with no action, and the same organisation made no further contact within the window. "
        "This tests a pattern that a later review named (Northampton, published July 2023); "
        "there was no national rule on it before then, so weigh each flag against what the "
        "agency's own procedures and the guidance of the time expected."
    ),
    source_id="dhr-northampton-2023",
    opportunity_type="third_party_concern_not_acted_on",
    params={
        "window_days": 7,
        "third_parties": THIRD_PARTIES,
        "no_action_outcomes": [
            "no_action_recorded",
            "no_further_action",
            "callback_not_made",
            "advice_given",
        ],
        "police_agencies": POLICE,
    },
)
def third_party_concern(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    window = _number(params, "third-party-concern-not-acted-on", "window_days")
    third = matches(_col(events, "initiated_by"), *params["third_parties"])
    idle = matches(_col(events, "outcome"), *params["no_action_outcomes"])
    idle &= is_blank(_col(events, "referral")) & is_blank(_col(events, "shared_with"))
    org = _org(events, params["police_agencies"])
    later = seconds_to_next(events, ~third, by=[org], strict=True)
    hit = third & idle & (later > window * _DAY)
    return flagged(
        events,
        hit,
        "Someone close to the victim-survivor raised a concern here. No action, referral or "
        f"further contact by this organisation is recorded within {window:g} days. People "
        "around a victim-survivor often see what agencies do not. A later review (Northampton, "
        "2023) asked agencies to act on such concerns; what did this agency's procedures expect "
        "at the time?",
    )


@rule(
    "cancelled-appointment-accepted",
    name="Cancelled appointment accepted without a check",
    description=(
        "An appointment was cancelled or missed by, or for, someone agencies already knew to "
        "be at risk, and the agency made no further contact within the window. This tests a "
        "pattern that a later review named (Northampton, published July 2023); there was no "
        "national rule on it before then, so weigh each flag against what the agency's own "
        "practice and the guidance of the time expected."
    ),
    source_id="dhr-northampton-2023",
    opportunity_type="cancelled_appointment_accepted",
    params={
        "window_days": 7,
        "outcomes": ["cancelled", "did_not_attend"],
        "police_agencies": POLICE,
    },
)
def cancelled_appointment(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    import numpy as np

    window = _number(params, "cancelled-appointment-accepted", "window_days")
    cancelled = matches(_col(events, "outcome"), *params["outcomes"])
    known = (_level(events) >= 2) | _marac_referral(events) | _truthy(events, "disclosure")
    _, since_known = previous_in_group(events, known)
    org = _org(events, params["police_agencies"])
    later = seconds_to_next(events, ~cancelled, by=[org], strict=True)
    hit = cancelled & np.isfinite(since_known) & (later > window * _DAY)
    by_partner = matches(_col(events, "initiated_by"), "perpetrator")
    base = (
        "This was cancelled{who} after agencies had recorded a risk to the victim-survivor, "
        f"and this agency made no further contact within {window:g} days. A later review "
        "(Northampton, 2023) asked that cancellations by people known to be at risk are checked "
        "with them, not taken at face value; what did this agency's practice expect at the time?"
    )
    choices = np.array([base.format(who=""), base.format(who=" by the partner")], dtype=object)
    return flagged(events, hit, choices[by_partner.astype(np.int64)])


@rule(
    "risk-information-not-shared",
    name="Risk known to one agency, not shared with another",
    description=(
        "One organisation had assessed the victim-survivor's risk as medium or high, a second "
        "came to hold a disclosure or a risk of its own, and nothing in the record (a "
        "referral, information shared, or a Marac both took part in) shows information "
        "passing between them by then or within the window after."
    ),
    source_id="homeoffice-2018-da-consultation",
    opportunity_type="information_not_shared",
    params={"window_days": 28, "min_level": "medium", "police_agencies": POLICE},
)
def information_not_shared(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    window = _number(params, "risk-information-not-shared", "window_days")
    floor = _LEVELS.get(str(params["min_level"]).strip().lower())
    if floor is None:
        raise ToolkitError(
            'rule "risk-information-not-shared": min_level must be standard, medium or high; '
            f"got {params['min_level']!r}"
        )
    org, lookup = _org_lookup(events, params["police_agencies"])
    case, t = events["_case"].to_numpy(), events["_t"].to_numpy()
    not_marac = ~matches(_col(events, "agency"), "marac")
    assessed = not_marac & ((_level(events) >= floor) | _marac_referral(events))
    holds = not_marac & (_truthy(events, "disclosure") | (_level(events) > 0))

    def first(mask: np.ndarray) -> pd.DataFrame:
        rows = pd.DataFrame({"_case": case[mask], "org": org[mask], "row": np.flatnonzero(mask)})
        return rows.groupby(["_case", "org"], sort=False)["row"].min().reset_index()

    pairs = first(assessed).merge(first(holds), on="_case", suffixes=("_a", "_b"))
    pairs = pairs[pairs["org_a"] != pairs["org_b"]]
    pairs["row"] = np.maximum(pairs["row_a"], pairs["row_b"])  # when both held it
    # Who passed information to whom, and when; at a Marac meeting everyone named in
    # shared_with sat at one table.
    msgs = _messages(events, org, lookup)
    table = msgs.loc[msgs["meeting"], ["_case", "org_b", "t"]]
    clique = table.merge(table, on=["_case", "t"]).rename(
        columns={"org_b_x": "org_a", "org_b_y": "org_b"}
    )
    shared = pd.concat([msgs[["_case", "org_a", "org_b", "t"]], clique], ignore_index=True)
    shared = pd.concat([shared, shared.rename(columns={"org_a": "org_b", "org_b": "org_a"})])
    links = pairs.merge(shared, on=["_case", "org_a", "org_b"], how="inner")
    in_time = links[links["t"] <= t[links["row"].to_numpy()] + window * _DAY]
    done = pd.MultiIndex.from_frame(in_time[["_case", "org_a", "org_b"]].drop_duplicates())
    pairs = pairs[~pd.MultiIndex.from_frame(pairs[["_case", "org_a", "org_b"]]).isin(done)]
    pairs = pairs.sort_values(["row", "row_a"]).drop_duplicates("row")
    rows = pairs["row"].to_numpy()
    first_a = pairs["row_a"].to_numpy()
    other = np.where(rows == first_a, pairs["row_b"].to_numpy(), first_a)
    agency = _col(events, "agency").astype("str").to_numpy()
    text = _concat(
        "By now ",
        label(agency[rows]),
        " and ",
        label(agency[other]),
        " each held information about risk to the victim-survivor (",
        label(agency[first_a]),
        " had assessed it as medium or high on ",
        day_text(events["timestamp"].iloc[first_a]),
        "), and nothing in the record shows "
        f"information passing between them by then or in the {window:g} days after.",
    )
    return _rows_text(events, rows, text)


@rule(
    "emergency-call-not-attended-in-time",
    name="Emergency call not attended in time",
    description=(
        "A graded 999 call that nobody attended, or that was attended later than the response "
        "target its grade set."
    ),
    source_id="iopc-met-2018",
    opportunity_type="call_graded_too_low",
    params={"call_types": ["emergency_call"]},
    requires=("call_grade", "attended_minutes", "response_target_minutes"),
)
def emergency_not_attended(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    import numpy as np

    call = matches(events["contact_type"], *params["call_types"]) & ~is_blank(events["call_grade"])
    attended = events["attended_minutes"].to_numpy(dtype=float, na_value=np.nan)
    target = events["response_target_minutes"].to_numpy(dtype=float, na_value=np.nan)
    never = call & np.isnan(attended)
    late = call & (attended > target)
    rows = np.flatnonzero(never | late)
    text = _concat(
        "Officers arrived ",
        np.nan_to_num(attended[rows]).astype(np.int64),
        " minutes after the call, against a target of ",
        np.nan_to_num(target[rows]).astype(np.int64),
        " minutes for its grade.",
    )
    text[never[rows]] = (
        "No attendance is recorded for this graded 999 call. Reviews ask whether the grade "
        "matched the risk, and what happened when officers were sent elsewhere."
    )
    return _rows_text(events, rows, text)


@rule(
    "call-graded-below-known-risk",
    name="Call graded below the known risk",
    description=(
        "A 999 call graded below the top grade when, in the period before, an agency had "
        "assessed the victim-survivor as high risk or referred them to a Marac."
    ),
    source_id="iopc-met-2018",
    opportunity_type="call_graded_too_low",
    params={"top_grades": ["immediate"], "period_days": 365, "call_types": ["emergency_call"]},
    requires=("call_grade",),
)
def call_graded_below_risk(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    period = _number(params, "call-graded-below-known-risk", "period_days")
    grade = events["call_grade"]
    call = matches(events["contact_type"], *params["call_types"])
    lower = ~is_blank(grade) & ~matches(grade, *params["top_grades"])
    known = (_level(events) == 3) | _marac_referral(events)
    _, since = previous_in_group(events, known)
    hit = call & lower & (since <= period * _DAY)
    return flagged(
        events,
        hit,
        "This 999 call was graded below the top grade although an agency had recorded high "
        f"risk, or a Marac referral, in the {period:g} days before. The caller's history is "
        "part of the risk.",
    )


@rule(
    "closed-without-follow-up",
    name="Closed on non-engagement, no follow-up",
    description=(
        "An agency closed its involvement because the victim-survivor did not engage or did "
        "not support action, and made no further contact within the window."
    ),
    source_id="hmicfrs-rec-hampshire-8787",
    opportunity_type="non_engagement_focus",
    params={
        "window_days": 28,
        "outcomes": ["closed_non_engagement", "closed_victim_does_not_support"],
        "police_agencies": POLICE,
    },
)
def closed_without_follow_up(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    window = _number(params, "closed-without-follow-up", "window_days")
    closed = matches(_col(events, "outcome"), *params["outcomes"])
    org = _org(events, params["police_agencies"])
    later = seconds_to_next(events, ~closed, by=[org], strict=True)
    hit = closed & (later > window * _DAY)
    return flagged(
        events,
        hit,
        "Closed because the victim-survivor did not engage or did not support action, and "
        f"this organisation made no further contact within {window:g} days. Fear, control and "
        "past experience of services are common reasons for stepping back; reviews ask "
        "agencies to find out why and to keep a door open.",
    )


@rule(
    "repeat-injuries-not-explored",
    name="Repeat health attendances not explored",
    description=(
        "A second or later emergency health attendance within the window (ambulance, "
        "emergency department, admission) with no risk enquiry, referral or information "
        "shared at any of them."
    ),
    source_id="saferdevon-dhr17-feedback",
    opportunity_type="health_contact_not_explored",
    params={
        "window_days": 180,
        "attendances": 2,
        "contact_types": ["ed_attendance", "ambulance_callout", "hospital_admission"],
    },
)
def repeat_injuries(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    window = _number(params, "repeat-injuries-not-explored", "window_days")
    need = int(_number(params, "repeat-injuries-not-explored", "attendances"))
    attend = matches(events["contact_type"], *params["contact_types"])
    explored = attend & (
        _assessed(events)
        | ~is_blank(_col(events, "referral"))
        | ~is_blank(_col(events, "shared_with"))
    )
    asked = trailing_count(events, explored, window) > 0
    hit = attend & (trailing_count(events, attend, window) >= need) & ~asked
    return flagged(
        events,
        hit,
        f"This is emergency health attendance {need} or more within {window:g} days, and no "
        "question about abuse, risk enquiry or referral is recorded at any of them. Repeat "
        "injuries are a moment to ask directly, and in private.",
    )


@rule(
    "referral-not-followed-up",
    name="Referral with no contact from the receiving agency",
    description=(
        "A referral to another agency (including a Marac) with no contact by that agency "
        "recorded within the window: nobody checked that the referral landed."
    ),
    source_id="northants-dhr-005",
    opportunity_type="follow_up_not_maintained",
    params={"window_days": 28},
)
def referral_not_followed_up(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    window = _number(params, "referral-not-followed-up", "window_days")
    agency = _col(events, "agency")
    referral = _col(events, "referral")
    if not isinstance(agency.dtype, pd.CategoricalDtype):
        agency = agency.astype("str").astype("category")
    if not isinstance(referral.dtype, pd.CategoricalDtype):
        referral = referral.astype("str").astype("category")
    names = [str(c).strip().lower() for c in agency.cat.categories]
    names += [
        n for n in (str(c).strip().lower() for c in referral.cat.categories) if n not in names
    ]
    lookup = {n: i for i, n in enumerate(names)}
    to_code = np.array(
        [lookup[str(c).strip().lower()] for c in referral.cat.categories] + [-1], dtype=np.int64
    )
    receiving = to_code[referral.cat.codes.to_numpy()]
    referred = (receiving >= 0) & ~is_blank(referral)
    ag = agency.cat.codes.to_numpy().astype(np.int64)
    nxt = seconds_to_next(
        events, np.ones(len(events), dtype=bool), by=[receiving], target_by=[ag], strict=True
    )
    rows = np.flatnonzero(referred & (nxt > window * _DAY))
    text = _concat(
        "A referral to ",
        label(referral.astype("str").to_numpy()[rows]),
        " was made here, and no "
        f"contact by that agency is recorded within {window:g} days. A referral protects no "
        "one until someone checks it was received and acted on.",
    )
    return _rows_text(events, rows, text)


@rule(
    "offence-no-arrest",
    name="Offence recorded, no arrest or protective action",
    description=(
        "The police recorded an offence (or interviewed the suspect by appointment) and no "
        "arrest, charge, bail or protection notice is recorded within the window. Arrest is "
        "not always the right step; reviews ask that the reason for another course is "
        "recorded."
    ),
    source_id="iopc-oudeh",
    opportunity_type="perpetrator_not_pursued",
    params={
        "window_days": 2,
        "outcomes": ["crime_recorded", "voluntary_interview"],
        "action_outcomes": ["arrest", "charged", "released_on_bail", "dvpn_issued", "dvpo_granted"],
        "police_agencies": POLICE,
    },
)
def offence_no_arrest(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    window = _number(params, "offence-no-arrest", "window_days")
    outcome = _col(events, "outcome")
    police = matches(_col(events, "agency"), *params["police_agencies"])
    offence = police & matches(outcome, *params["outcomes"])
    acted = matches(outcome, *params["action_outcomes"])
    hit = offence & (seconds_to_next(events, acted) > window * _DAY)
    return flagged(
        events,
        hit,
        "An offence was recorded here (or the suspect interviewed by appointment) and no "
        f"arrest, charge, bail conditions or protection notice follows within {window:g} days. "
        "The record does not say why.",
    )


@rule(
    "high-risk-release-without-protection",
    name="Released after a high-risk assessment, no protection",
    description=(
        "The suspect was released under investigation or interviewed by appointment while "
        "the latest risk assessment was high, and no bail conditions or protection notice "
        "are recorded within the window."
    ),
    source_id="homeoffice-dvpo-guidance",
    opportunity_type="perpetrator_not_pursued",
    params={
        "window_days": 2,
        "period_days": 90,
        "outcomes": ["released_under_investigation", "voluntary_interview"],
        "protection_outcomes": ["released_on_bail", "dvpn_issued", "dvpo_granted", "charged"],
    },
    in_force_from="2014-03-08",
)
def release_without_protection(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    import numpy as np

    window = _number(params, "high-risk-release-without-protection", "window_days")
    period = _number(params, "high-risk-release-without-protection", "period_days")
    outcome = _col(events, "outcome")
    released = matches(outcome, *params["outcomes"])
    level = _level(events)
    prev, since = previous_in_group(events, level > 0)
    latest_high = (np.where(prev >= 0, level[np.maximum(prev, 0)], 0) == 3) | (level == 3)
    protected = matches(outcome, *params["protection_outcomes"])
    hit = released & latest_high & (since <= period * _DAY)
    hit &= seconds_to_next(events, protected) > window * _DAY
    return flagged(
        events,
        hit,
        "The suspect was released without conditions while the latest risk assessment was "
        f"high, and no bail conditions or protection notice follow within {window:g} days. A "
        "domestic violence protection notice gives immediate protection without waiting for a "
        "charge.",
    )


@rule(
    "scheduled-response-to-disclosure",
    name="Abuse reported, appointment booked instead of attendance",
    description=(
        "A call reporting abuse was given a scheduled appointment or resolved without sending "
        "anyone. A third-party reproduction of the College of Policing's call handler guidance "
        "says booking an appointment instead of attending is usually inappropriate for a "
        "domestic abuse call."
    ),
    source_id="points2prove-call-handler",
    opportunity_type="call_graded_too_low",
    params={"call_types": CALLS, "grades": ["scheduled", "resolved_without_deployment"]},
    requires=("call_grade", "disclosure"),
)
def scheduled_response(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    hit = (
        matches(events["contact_type"], *params["call_types"])
        & matches(events["call_grade"], *params["grades"])
        & _truthy(events, "disclosure")
    )
    return flagged(
        events,
        hit,
        "Abuse was reported on this call and it was booked as an appointment (or closed "
        "without sending anyone) rather than attended. Call handling guidance asks call "
        "handlers to check the history, and says an appointment instead of attendance is "
        "usually inappropriate.",
    )


@rule(
    "health-disclosure-not-explored",
    name="Disclosure to a health service, not explored",
    description=(
        "A victim-survivor told a health service about abuse or fear, and no risk checklist, "
        "referral or information shared is recorded at that contact."
    ),
    source_id="safelives-dash-checklist",
    opportunity_type="health_contact_not_explored",
    params={
        "agencies": ["gp", "hospital", "ambulance", "pharmacy", "mental_health", "substance_misuse"]
    },
    requires=("disclosure",),
    in_force_from="2009-03-01",
)
def health_disclosure(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    hit = (
        matches(events["agency"], *params["agencies"])
        & _truthy(events, "disclosure")
        & ~_assessed(events)
        & is_blank(_col(events, "referral"))
        & is_blank(_col(events, "shared_with"))
    )
    return flagged(
        events,
        hit,
        "Abuse or fear was disclosed to a health service here, and no risk checklist, "
        "referral or information sharing is recorded. The Dash checklist is there for any "
        "professional to use, and a referral to a specialist service was available.",
    )


@rule(
    "information-not-acted-on",
    name="Information passed on, no action by the receiver",
    description=(
        "An agency received a referral or information about the case, and a later contact "
        "by it within the window records no action."
    ),
    source_id="northants-dhr-005",
    opportunity_type="follow_up_not_maintained",
    params={
        "window_days": 28,
        "no_action_outcomes": ["no_action_recorded", "no_further_action"],
        "police_agencies": POLICE,
    },
)
def information_not_acted_on(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    import numpy as np

    window = _number(params, "information-not-acted-on", "window_days")
    org, lookup = _org_lookup(events, params["police_agencies"])
    msgs = _messages(events, org, lookup)
    idle = matches(_col(events, "outcome"), *params["no_action_outcomes"])
    idle &= is_blank(_col(events, "referral")) & is_blank(_col(events, "shared_with"))
    # Seconds since this row's organisation last received something (sorted integer keys).
    width = max([int(org.max(initial=0)), *lookup.values()]) + 2
    stride = 10**10
    query = (events["_case"].to_numpy() * width + org + 1) * stride + events["_t"].to_numpy()
    got = np.sort(
        (msgs["_case"].to_numpy() * width + msgs["org_b"].to_numpy() + 1) * stride
        + msgs["t"].to_numpy()
    )
    pos = np.searchsorted(got, query, side="right") - 1
    since = np.where(pos >= 0, query - np.r_[got, 0][np.maximum(pos, 0)], np.inf)
    hit = idle & (since <= window * _DAY)
    return flagged(
        events,
        hit,
        f"This agency had received a referral or information about the case in the {window:g} "
        "days before, and this contact records no action. Information protects no one until "
        "someone acts on it.",
    )


@rule(
    "callback-not-made",
    name="Promised call back not made",
    description=(
        "A contact ended with a call back promised or logged, and the call back never happened. "
        "The standard is the agency's own promise at the time; the Northampton review "
        "(published July 2023) later named missed call backs as a gap."
    ),
    source_id="dhr-northampton-2023",
    opportunity_type="follow_up_not_maintained",
    params={"outcomes": ["callback_not_made"]},
)
def callback_not_made(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    hit = matches(_col(events, "outcome"), *params["outcomes"])
    return flagged(
        events,
        hit,
        "A call back was promised here and never made. For someone living with abuse, the "
        "call back may be the only safe moment to talk.",
    )


@rule(
    "disclosure-kept-within-one-agency",
    name="Disclosure kept within one agency",
    description=(
        "Abuse was disclosed to, or seen by, an agency other than the police, and the contact "
        "ended with no action, no referral and nothing shared with another agency."
    ),
    source_id="homeoffice-2018-da-consultation",
    opportunity_type="information_not_shared",
    params={
        "no_action_outcomes": ["no_action_recorded", "no_further_action"],
        "police_agencies": POLICE,
    },
)
def disclosure_kept(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    hit = (
        _truthy(events, "disclosure")
        & ~matches(_col(events, "agency"), *params["police_agencies"])
        & matches(_col(events, "outcome"), *params["no_action_outcomes"])
        & is_blank(_col(events, "referral"))
        & is_blank(_col(events, "shared_with"))
    )
    return flagged(
        events,
        hit,
        "Abuse was disclosed or seen here, and the record shows no action, no referral and "
        "nothing passed to another agency. What one agency holds alone, no one can act on.",
    )


@rule(
    "investigation-closed-without-arrest",
    name="Investigation closed, suspect never arrested",
    description=(
        "A police investigation was closed for evidential difficulties or because the "
        "victim-survivor did not support action, with no arrest, charge, bail or protection "
        "notice recorded in the period before."
    ),
    source_id="iopc-oudeh",
    opportunity_type="perpetrator_not_pursued",
    params={
        "period_days": 60,
        "outcomes": ["closed_evidential_difficulties", "closed_victim_does_not_support"],
        "action_outcomes": ["arrest", "charged", "released_on_bail", "dvpn_issued", "dvpo_granted"],
        "police_agencies": POLICE,
    },
)
def closed_without_arrest(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    period = _number(params, "investigation-closed-without-arrest", "period_days")
    outcome = _col(events, "outcome")
    closed = matches(_col(events, "agency"), *params["police_agencies"]) & matches(
        outcome, *params["outcomes"]
    )
    _, since = previous_in_group(events, matches(outcome, *params["action_outcomes"]))
    hit = closed & (since > period * _DAY)
    return flagged(
        events,
        hit,
        f"The investigation was closed here with no arrest, charge or protective order in the "
        f"{period:g} days before. Reviews ask whether evidence that does not depend on the "
        "victim-survivor (999 recordings, what officers saw, photographs, other agencies' "
        "records) was gathered and weighed.",
    )
