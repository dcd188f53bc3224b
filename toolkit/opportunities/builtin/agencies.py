"""The built-in rules that look across agencies: whether information passed between them,
whether referrals landed and contacts were followed up, and whether health services explored
what they heard.

:mod:`toolkit.opportunities.builtin.police` describes what every built-in rule reads and how
it explains a flag; :mod:`toolkit.opportunities.builtin` lists them all, in order.

The three police lanes (call handling, response, the domestic abuse unit) count as one
organisation when these rules ask whether an agency followed up or shared information: they
share one record system. Three rules here (third-party concern, cancelled appointment, promised
call back) test patterns that a later review named (Northampton, published July 2023); their
descriptions and explanations say so, and a flag on an event from July 2023 on says instead that
the review had already been published.

Examples
--------
>>> from toolkit.opportunities import get_rule, run_rules
>>> from toolkit.data.synthetic import events_frame
>>> ev = events_frame([{"timestamp": "2019-03-02 10:00", "outcome": "callback_not_made"}])
>>> print(run_rules(ev, rules=[get_rule("callback-not-made")]).loc[0, "explanation"])
A call back was promised here and never made. For someone living with abuse, the call back \
may be the only safe moment to talk.
>>> run_rules(ev, rules=[get_rule("risk-information-not-shared")], min_level="severe")
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: rule "risk-information-not-shared": min_level must be standard, \
medium or high; got 'severe'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from toolkit.data import label
from toolkit.errors import ToolkitError
from toolkit.opportunities.builtin.common import (
    _DAY,
    _LEVELS,
    POLICE,
    THIRD_PARTIES,
    _assessed,
    _col,
    _concat,
    _level,
    _marac_referral,
    _messages,
    _number,
    _org,
    _org_lookup,
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
    import numpy as np
    import pandas as pd


# --------------------------------------------------------------------------------------------
# Information shared between agencies


@builtin_rule(
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


@builtin_rule(
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


@builtin_rule(
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


# --------------------------------------------------------------------------------------------
# Referrals and follow-up


@builtin_rule(
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


@builtin_rule(
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


def _after_northampton(events: pd.DataFrame) -> np.ndarray:
    """True for events from July 2023, when the Northampton review was published: a flag on
    them says what the review had already asked, not what a later review would ask."""
    import numpy as np

    ts = _col(events, "timestamp")
    if ts.dtype.kind != "M":
        return np.zeros(len(events), dtype=bool)
    month = ts.dt.year * 100 + ts.dt.month
    return np.asarray(month.fillna(0) >= 202307, dtype=bool)


_REVIEW_LATER = "A later review (Northampton, 2023)"
_REVIEW_PUBLISHED = "The Northampton review, published in July 2023, had already"


def _review_texts(events: pd.DataFrame, text: str, variant: np.ndarray | None = None) -> Any:
    """``text`` for each event, with ``{review}`` naming the Northampton review as a later
    review for events before its publication and as already published for events after.

    With ``variant`` (true or false per event), ``text`` also has ``{who}``, filled with "" or
    " by the partner". The result is categorical: each event points at one of a few texts, so a
    million events cost a million small codes, not a million copies of a long text.
    """
    import numpy as np
    import pandas as pd

    whos = ("", " by the partner") if variant is not None else ("",)
    texts = [
        text.format(review=review, who=who)
        for review in (_REVIEW_LATER, _REVIEW_PUBLISHED)
        for who in whos
    ]
    codes = _after_northampton(events).astype(np.int8) * len(whos)
    if variant is not None:
        codes += np.asarray(variant, dtype=np.int8)
    return pd.Categorical.from_codes(codes, categories=texts)


@builtin_rule(
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
    base = (
        "Someone close to the victim-survivor raised a concern here. No action, referral or "
        f"further contact by this organisation is recorded within {window:g} days. People "
        "around a victim-survivor often see what agencies do not. {review} asked agencies to act "
        "on such concerns; what did this agency's procedures expect at the time?"
    )
    return flagged(events, hit, _review_texts(events, base))


@builtin_rule(
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
        f"and this agency made no further contact within {window:g} days. {{review}} asked that "
        "cancellations by people known to be at risk are checked with them, not taken at face "
        "value; what did this agency's practice expect at the time?"
    )
    return flagged(events, hit, _review_texts(events, base, variant=by_partner))


@builtin_rule(
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


# --------------------------------------------------------------------------------------------
# Health services


@builtin_rule(
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


@builtin_rule(
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
