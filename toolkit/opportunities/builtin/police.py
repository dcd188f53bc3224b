"""The built-in rules about calls, risk assessment and the police response, one function each,
defined with :func:`~toolkit.opportunities.builtin.common.builtin_rule`.

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

Where the rules are written: this module holds the rules about calls to the police, risk
assessment and Marac referral, and the police response to the suspect;
:mod:`toolkit.opportunities.builtin.agencies` holds the rules about information shared between
agencies, referrals and follow-up, and health services; the small readers both are written
with are in :mod:`toolkit.opportunities.builtin.common`. A built-in rule is written here with
``@builtin_rule(...)`` (the same arguments as :func:`toolkit.opportunities.rule`) and listed,
in the order rules are shown, in ``BUILTIN_RULES`` in :mod:`toolkit.opportunities.builtin`.

Examples
--------
>>> from toolkit.opportunities import get_rule, run_rules
>>> from toolkit.data.synthetic import events_frame
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
toolkit.errors.ToolkitError: rule "repeat-calls-not-linked": window_days must be a finite \
number greater than 0; got -1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from toolkit.opportunities.builtin.common import (
    _DAY,
    _LEVEL_NAMES,
    CALLS,
    POLICE,
    _assessed,
    _col,
    _concat,
    _days_phrase,
    _level,
    _marac_referral,
    _number,
    _rows_text,
    _truthy,
    builtin_rule,
)
from toolkit.opportunities.events import (
    day_text,
    flagged,
    is_blank,
    matches,
    previous_in_group,
    seconds_to_next,
    trailing_count,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "call_graded_below_risk",
    "closed_without_arrest",
    "disclosure_no_risk_assessment",
    "emergency_not_attended",
    "escalation_no_marac",
    "high_risk_no_marac",
    "offence_no_arrest",
    "release_without_protection",
    "repeat_calls_not_linked",
    "risk_downgraded",
    "scheduled_response",
]


# --------------------------------------------------------------------------------------------
# Calls to the police


@builtin_rule(
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


@builtin_rule(
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


@builtin_rule(
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


@builtin_rule(
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


# --------------------------------------------------------------------------------------------
# Risk assessment and Marac referral


@builtin_rule(
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


@builtin_rule(
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


@builtin_rule(
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


@builtin_rule(
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


# --------------------------------------------------------------------------------------------
# The police response to the suspect


@builtin_rule(
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


@builtin_rule(
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


@builtin_rule(
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
