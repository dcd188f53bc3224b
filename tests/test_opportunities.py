"""The rules engine and every built-in rule, on small hand-built cases where each must and
must not fire, and on the shipped cases against the reviewer's annotations."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from toolkit.data.synthetic import events_frame, synthetic_events
from toolkit.errors import ToolkitError
from toolkit.opportunities import (
    RULES,
    Rule,
    flagged,
    get_rule,
    matches,
    registered_rules,
    rule,
    rules_table,
    run_rules,
)

ROOT = Path(__file__).resolve().parents[1]


def fired(rule_id: str, rows: list[dict], **params) -> list[str]:
    """Event ids the one rule flags on a case built from ``rows``."""
    out = run_rules(events_frame(rows), rules=[get_rule(rule_id)], **params)
    return out["event_id"].tolist()


def explanation(rule_id: str, rows: list[dict]) -> str:
    out = run_rules(events_frame(rows), rules=[get_rule(rule_id)])
    assert len(out) == 1, out
    return out.loc[0, "explanation"]


CALL = {"agency": "police_call_handling", "contact_type": "emergency_call"}
ATTEND = {
    "agency": "police_response",
    "contact_type": "police_attendance",
    "initiated_by": "agency",
}


# --------------------------------------------------------------------------------------------
# The registry and the engine


def test_at_least_eight_rules_cover_eight_opportunity_types():
    rules = registered_rules()
    assert len(rules) >= 8
    assert len({r.opportunity_type for r in rules}) >= 8


def test_every_rule_rests_on_a_known_source_and_a_vocabulary_type():
    with (ROOT / "data" / "sources.csv").open(encoding="utf-8") as f:
        sources = {row["source_id"] for row in csv.DictReader(f)}
    with (ROOT / "data" / "vocab" / "opportunity_types.csv").open(encoding="utf-8") as f:
        types = {row["id"] for row in csv.DictReader(f)}
    for r in registered_rules():
        assert r.source_id in sources, r.id
        assert r.opportunity_type in types, r.id
        assert len(r.description) > 40 and r.name, r.id


def test_rules_table_lists_each_rule_with_its_parameters():
    table = rules_table()
    row = table.set_index("rule_id").loc["repeat-calls-not-linked"]
    assert "window_days=365" in row["parameters"]
    assert row["source_id"] == "iopc-oudeh"


def test_a_trainer_adds_a_rule_with_the_decorator_without_touching_the_engine():
    @rule(
        "trainer-any-gp-contact",
        name="Any GP contact",
        description="Every GP contact.",
        source_id="everycall-course-team",
        opportunity_type="health_contact_not_explored",
    )
    def _gp(events, params):
        return flagged(events, matches(events["agency"], "gp"), "A GP contact.")

    try:
        ev = events_frame(
            [{"timestamp": "2019-01-01 10:00", "agency": "gp"}, {"timestamp": "2019-01-02 10:00"}]
        )
        out = run_rules(ev)
        mine = out[out["rule_id"] == "trainer-any-gp-contact"]
        assert mine["event_id"].tolist() == ["E001"]
        assert mine["explanation"].tolist() == ["A GP contact."]
    finally:
        RULES[:] = [r for r in RULES if r.id != "trainer-any-gp-contact"]


def test_a_trainer_can_append_a_rule_object_to_the_registry():
    extra = Rule(
        id="trainer-night-calls",
        name="Night call",
        description="Calls between midnight and 6.",
        source_id="everycall-course-team",
        opportunity_type="repeat_calls_not_linked",
        evaluate=lambda ev, p: flagged(
            ev, ev["timestamp"].dt.hour.to_numpy() < p["hour"], "A call at night."
        ),
        params={"hour": 6},
    )
    registered_rules()
    RULES.append(extra)
    try:
        ev = events_frame([{"timestamp": "2019-01-01 02:00"}, {"timestamp": "2019-01-01 12:00"}])
        out = run_rules(ev, hour=3)
        assert out.loc[out["rule_id"] == "trainer-night-calls", "event_id"].tolist() == ["E001"]
    finally:
        RULES[:] = [r for r in RULES if r.id != "trainer-night-calls"]


def test_a_rule_that_returns_the_wrong_thing_gets_a_clear_message():
    bad = Rule(
        id="bad",
        name="Bad",
        description="",
        source_id="",
        opportunity_type="",
        evaluate=lambda ev, p: [1, 2],
    )
    with pytest.raises(ToolkitError, match='rule "bad" returned list; expected a DataFrame'):
        run_rules(events_frame([{"timestamp": "2019-01-01 02:00"}]), rules=[bad])


def test_an_unknown_parameter_is_named_with_a_suggestion():
    with pytest.raises(ToolkitError, match='"window_day"; did you mean "window_days"'):
        run_rules(events_frame([{"timestamp": "2019-01-01 02:00"}]), window_day=3)


def test_with_params_changes_one_rule_only():
    rows = [{"timestamp": "2019-01-01 10:00", **CALL}, {"timestamp": "2019-01-20 10:00", **CALL}]
    narrow = get_rule("repeat-calls-not-linked").with_params(window_days=7)
    assert run_rules(events_frame(rows), rules=[narrow]).empty
    assert fired("repeat-calls-not-linked", rows) == ["E002"]


def test_missing_columns_name_the_column_and_list_what_is_there():
    import pandas as pd

    with pytest.raises(ToolkitError, match='column "timestamp" is missing.*contains these'):
        run_rules(pd.DataFrame({"event_id": ["E1"], "agency": ["gp"]}))


def test_timestamps_without_a_time_zone_are_refused_with_the_fix():
    ev = events_frame([{"timestamp": "2019-01-01 02:00"}])
    ev["timestamp"] = ev["timestamp"].dt.tz_localize(None)
    with pytest.raises(ToolkitError, match="time-zone-aware"):
        run_rules(ev)


def test_duplicate_event_ids_are_refused():
    ev = events_frame(
        [
            {"timestamp": "2019-01-01 02:00", "event_id": "E1"},
            {"timestamp": "2019-01-02 02:00", "event_id": "E1"},
        ]
    )
    with pytest.raises(ToolkitError, match='event_id "E1" appears more than once'):
        run_rules(ev)


def test_a_rule_needing_an_absent_column_is_skipped_and_says_why():
    ev = events_frame([{"timestamp": "2019-01-01 02:00"}]).drop(columns=["linked_to"])
    out = run_rules(ev, rules=[get_rule("repeat-calls-not-linked")])
    assert out.empty
    assert out.attrs["skipped"] == {"repeat-calls-not-linked": 'needs column "linked_to"'}


def test_the_event_that_ends_the_review_is_never_flagged():
    rows = [
        {"timestamp": "2019-01-01 10:00", **CALL},
        {
            "timestamp": "2019-01-05 10:00",
            "contact_type": "critical_incident",
            "disclosure": True,
            "agency": "police_response",
        },
    ]
    out = run_rules(events_frame(rows))
    assert "E002" not in out["event_id"].tolist()


def test_cases_in_one_table_do_not_leak_into_each_other():
    ev = events_frame(
        [
            {"timestamp": "2019-01-01 10:00", "case_id": "a", **CALL},
            {"timestamp": "2019-01-02 10:00", "case_id": "b", **CALL},
        ]
    )
    assert run_rules(ev, rules=[get_rule("repeat-calls-not-linked")]).empty
    ev["case_id"] = "a"
    assert run_rules(ev, rules=[get_rule("repeat-calls-not-linked")])["event_id"].tolist() == [
        "E002"
    ]


def test_results_keep_the_case_and_time_order_and_carry_sources():
    ev = synthetic_events(2_000, n_cases=20, seed=4)
    out = run_rules(ev)
    assert len(out) > 0
    assert set(out["source_id"]) <= {r.source_id for r in registered_rules()}
    assert (out.groupby("case_id")["timestamp"].apply(lambda s: s.is_monotonic_increasing)).all()


def test_synthetic_events_give_the_same_flags_for_the_same_seed():
    a = run_rules(synthetic_events(3_000, seed=9))
    b = run_rules(synthetic_events(3_000, seed=9))
    assert a.equals(b)


# --------------------------------------------------------------------------------------------
# Each rule: where it must fire and where it must not


def test_repeat_calls_not_linked():
    rows = [{"timestamp": "2019-03-01 22:10", **CALL}, {"timestamp": "2019-03-09 23:40", **CALL}]
    assert fired("repeat-calls-not-linked", rows) == ["E002"]
    assert "8 days after an earlier one (E001" in explanation("repeat-calls-not-linked", rows)
    rows[1]["linked_to"] = "E001"
    assert fired("repeat-calls-not-linked", rows) == []
    far = [{"timestamp": "2017-03-01 22:10", **CALL}, {"timestamp": "2019-03-09 23:40", **CALL}]
    assert fired("repeat-calls-not-linked", far) == []


def test_disclosure_with_no_risk_assessment():
    rows = [{"timestamp": "2019-03-01 22:10", **ATTEND, "disclosure": True}]
    assert fired("disclosure-no-risk-assessment", rows) == ["E001"]
    rows.append(
        {
            "timestamp": "2019-03-02 10:00",
            **ATTEND,
            "risk_tool": "dash",
            "risk_score": 6,
            "risk_level": "standard",
        }
    )
    assert fired("disclosure-no-risk-assessment", rows) == []
    # Not an agency whose role includes a risk assessment at that point.
    assert (
        fired(
            "disclosure-no-risk-assessment",
            [{"timestamp": "2019-03-01 22:10", "agency": "school", "disclosure": True}],
        )
        == []
    )
    # Before DASH existed (March 2009), the rule does not apply: judged by the policy of the time.
    assert (
        fired(
            "disclosure-no-risk-assessment",
            [{"timestamp": "2008-06-01 22:10", **ATTEND, "disclosure": True}],
        )
        == []
    )


def test_a_risk_tool_of_none_is_not_an_assessment():
    rows = [{"timestamp": "2019-03-01 22:10", **ATTEND, "disclosure": True, "risk_tool": "none"}]
    assert fired("disclosure-no-risk-assessment", rows) == ["E001"]


def test_high_risk_without_marac_referral():
    high = {**ATTEND, "risk_tool": "dash", "risk_score": 15, "risk_level": "high"}
    assert fired("high-risk-no-marac", [{"timestamp": "2019-03-01 22:10", **high}]) == ["E001"]
    referred = [
        {"timestamp": "2019-03-01 22:10", **high},
        {"timestamp": "2019-03-03 10:00", "agency": "police_safeguarding", "referral": "marac"},
    ]
    assert fired("high-risk-no-marac", referred) == []
    already = [
        {"timestamp": "2019-02-27 10:00", "referral": "marac"},
        {"timestamp": "2019-03-01 22:10", **high},
    ]
    assert fired("high-risk-no-marac", already) == []
    medium = {**ATTEND, "risk_tool": "dash", "risk_score": 12, "risk_level": "medium"}
    assert fired("high-risk-no-marac", [{"timestamp": "2019-03-01 22:10", **medium}]) == []
    # DARA records a level only: a high level is enough.
    dara = {**ATTEND, "risk_tool": "dara", "risk_level": "high"}
    assert fired("high-risk-no-marac", [{"timestamp": "2023-03-01 22:10", **dara}]) == ["E001"]


def test_escalating_calls_without_marac_referral():
    calls = [
        {"timestamp": t, **CALL}
        for t in ("2019-01-01 10:00", "2019-04-01 10:00", "2019-08-01 10:00", "2019-09-01 10:00")
    ]
    assert fired("escalation-no-marac", calls) == ["E003"]
    spread = [
        {"timestamp": t, **CALL}
        for t in ("2017-01-01 10:00", "2018-02-01 10:00", "2019-03-01 10:00")
    ]
    assert fired("escalation-no-marac", spread) == []
    referred = calls[:2] + [{"timestamp": "2019-05-01 10:00", "referral": "marac"}] + calls[2:]
    assert fired("escalation-no-marac", referred) == []


def test_risk_downgraded():
    rows = [
        {
            "timestamp": "2019-03-01 22:10",
            **ATTEND,
            "risk_tool": "dash",
            "risk_score": 15,
            "risk_level": "high",
        },
        {
            "timestamp": "2019-03-02 10:00",
            "agency": "police_safeguarding",
            "risk_tool": "dash",
            "risk_score": 15,
            "risk_level": "medium",
        },
    ]
    assert fired("risk-downgraded", rows) == ["E002"]
    assert "graded medium here, after high" in explanation("risk-downgraded", rows)
    rows[1]["risk_level"] = "high"
    assert fired("risk-downgraded", rows) == []


def test_third_party_concern_not_acted_on():
    concern = {
        "agency": "housing",
        "contact_type": "concern_report",
        "initiated_by": "neighbour",
        "outcome": "no_action_recorded",
    }
    assert fired(
        "third-party-concern-not-acted-on", [{"timestamp": "2019-03-01 10:00", **concern}]
    ) == ["E001"]
    followed = [
        {"timestamp": "2019-03-01 10:00", **concern},
        {
            "timestamp": "2019-03-04 10:00",
            "agency": "housing",
            "contact_type": "home_visit",
            "initiated_by": "agency",
        },
    ]
    assert fired("third-party-concern-not-acted-on", followed) == []
    own = {**concern, "initiated_by": "victim_survivor"}
    assert (
        fired("third-party-concern-not-acted-on", [{"timestamp": "2019-03-01 10:00", **own}]) == []
    )
    # A police call taken by call handling and followed up by response officers is followed up.
    police = [
        {
            "timestamp": "2019-03-01 10:00",
            **CALL,
            "initiated_by": "family",
            "outcome": "advice_given",
        },
        {"timestamp": "2019-03-02 10:00", **ATTEND},
    ]
    assert fired("third-party-concern-not-acted-on", police) == []


def test_cancelled_appointment_accepted():
    rows = [
        {"timestamp": "2019-03-01 10:00", **ATTEND, "disclosure": True},
        {
            "timestamp": "2019-03-10 10:00",
            "agency": "gp",
            "contact_type": "appointment",
            "initiated_by": "perpetrator",
            "outcome": "cancelled",
        },
    ]
    assert fired("cancelled-appointment-accepted", rows) == ["E002"]
    assert "cancelled by the partner" in explanation("cancelled-appointment-accepted", rows)
    checked = rows + [
        {
            "timestamp": "2019-03-12 10:00",
            "agency": "gp",
            "contact_type": "gp_telephone",
            "initiated_by": "agency",
        }
    ]
    assert fired("cancelled-appointment-accepted", checked) == []
    assert fired("cancelled-appointment-accepted", rows[1:]) == []  # nobody knew of a risk yet


def test_risk_information_not_shared():
    police = {
        "timestamp": "2019-03-01 10:00",
        **ATTEND,
        "risk_tool": "dash",
        "risk_score": 11,
        "risk_level": "medium",
    }
    gp = {
        "timestamp": "2019-04-01 10:00",
        "agency": "gp",
        "contact_type": "gp_appointment",
        "disclosure": True,
    }
    assert fired("risk-information-not-shared", [police, gp]) == ["E002"]
    assert fired("risk-information-not-shared", [{**police, "shared_with": "gp"}, gp]) == []
    marac = {
        "timestamp": "2019-04-10 10:00",
        "agency": "marac",
        "contact_type": "marac_meeting",
        "shared_with": "police_safeguarding;gp;idva",
    }
    assert fired("risk-information-not-shared", [police, gp, marac]) == []
    late = {**marac, "timestamp": "2019-09-10 10:00"}  # long after: it was not shared in time
    assert fired("risk-information-not-shared", [police, gp, late]) == ["E002"]


def test_emergency_call_not_attended_in_time():
    graded = {**CALL, "call_grade": "immediate", "response_target_minutes": 15}
    assert fired(
        "emergency-call-not-attended-in-time",
        [{"timestamp": "2019-03-01 10:00", **graded, "attended_minutes": 40}],
    ) == ["E001"]
    assert (
        fired(
            "emergency-call-not-attended-in-time",
            [{"timestamp": "2019-03-01 10:00", **graded, "attended_minutes": 10}],
        )
        == []
    )
    text = explanation(
        "emergency-call-not-attended-in-time", [{"timestamp": "2019-03-01 10:00", **graded}]
    )
    assert text.startswith("No attendance is recorded")
    assert (
        fired("emergency-call-not-attended-in-time", [{"timestamp": "2019-03-01 10:00", **CALL}])
        == []
    )  # not graded


def test_call_graded_below_known_risk():
    high = {
        "timestamp": "2019-01-01 10:00",
        **ATTEND,
        "risk_tool": "dash",
        "risk_score": 16,
        "risk_level": "high",
    }
    call = {"timestamp": "2019-06-01 10:00", **CALL, "call_grade": "priority"}
    assert fired("call-graded-below-known-risk", [high, call]) == ["E002"]
    assert fired("call-graded-below-known-risk", [high, {**call, "call_grade": "immediate"}]) == []
    assert fired("call-graded-below-known-risk", [call]) == []


def test_closed_without_follow_up():
    closed = {
        "timestamp": "2019-03-01 10:00",
        "agency": "idva",
        "contact_type": "case_closure",
        "outcome": "closed_non_engagement",
    }
    assert fired("closed-without-follow-up", [closed]) == ["E001"]
    again = {"timestamp": "2019-03-11 10:00", "agency": "idva", "contact_type": "telephone_contact"}
    assert fired("closed-without-follow-up", [closed, again]) == []


def test_repeat_injuries_not_explored():
    ed = {"agency": "hospital", "contact_type": "ed_attendance"}
    rows = [{"timestamp": "2019-03-01 10:00", **ed}, {"timestamp": "2019-04-01 10:00", **ed}]
    assert fired("repeat-injuries-not-explored", rows) == ["E002"]
    rows[0]["referral"] = "specialist_da_service"
    assert fired("repeat-injuries-not-explored", rows) == []
    assert fired("repeat-injuries-not-explored", rows[1:]) == []


def test_referral_not_followed_up():
    ref = {"timestamp": "2019-03-01 10:00", "agency": "police_safeguarding", "referral": "idva"}
    assert fired("referral-not-followed-up", [ref]) == ["E001"]
    idva = {"timestamp": "2019-03-05 10:00", "agency": "idva", "contact_type": "telephone_contact"}
    assert fired("referral-not-followed-up", [ref, idva]) == []


def test_offence_recorded_without_arrest():
    crime = {"timestamp": "2019-03-01 10:00", **ATTEND, "outcome": "crime_recorded"}
    assert fired("offence-no-arrest", [crime]) == ["E001"]
    arrest = {"timestamp": "2019-03-01 12:00", **ATTEND, "outcome": "arrest"}
    assert fired("offence-no-arrest", [crime, arrest]) == []


def test_release_after_high_risk_without_protection():
    high = {
        "timestamp": "2019-03-01 10:00",
        **ATTEND,
        "risk_tool": "dash",
        "risk_score": 18,
        "risk_level": "high",
        "outcome": "arrest",
    }
    rui = {
        "timestamp": "2019-03-02 10:00",
        "agency": "police_safeguarding",
        "outcome": "released_under_investigation",
    }
    assert fired("high-risk-release-without-protection", [high, rui]) == ["E002"]
    bail = {**rui, "outcome": "released_on_bail"}
    assert fired("high-risk-release-without-protection", [high, bail]) == []
    early = [{**high, "timestamp": "2013-03-01 10:00"}, {**rui, "timestamp": "2013-03-02 10:00"}]
    assert fired("high-risk-release-without-protection", early) == []  # before DVPNs existed


def test_scheduled_response_to_a_disclosure():
    call = {
        "timestamp": "2019-03-01 10:00",
        "agency": "police_call_handling",
        "contact_type": "non_emergency_call",
        "disclosure": True,
        "call_grade": "scheduled",
    }
    assert fired("scheduled-response-to-disclosure", [call]) == ["E001"]
    assert fired("scheduled-response-to-disclosure", [{**call, "call_grade": "immediate"}]) == []


def test_health_disclosure_not_explored():
    gp = {
        "timestamp": "2019-03-01 10:00",
        "agency": "gp",
        "contact_type": "gp_appointment",
        "disclosure": True,
    }
    assert fired("health-disclosure-not-explored", [gp]) == ["E001"]
    assert (
        fired("health-disclosure-not-explored", [{**gp, "referral": "specialist_da_service"}]) == []
    )
    assert fired("health-disclosure-not-explored", [{**gp, "disclosure": False}]) == []


def test_information_passed_on_and_not_acted_on():
    shared = {
        "timestamp": "2019-03-10 10:00",
        "agency": "idva",
        "shared_with": "police_safeguarding",
    }
    idle = {
        "timestamp": "2019-03-18 10:00",
        "agency": "police_safeguarding",
        "outcome": "no_action_recorded",
    }
    assert fired("information-not-acted-on", [shared, idle]) == ["E002"]
    assert fired("information-not-acted-on", [shared, {**idle, "outcome": "arrest"}]) == []
    assert fired("information-not-acted-on", [idle]) == []


# --------------------------------------------------------------------------------------------
# The shipped cases: the rules find the annotated opportunities they are designed for.

# (event, opportunity type) that a rule is designed to find in each shipped case. The
# reviewer's other annotations rest on what only a reader sees (a DASH done with the
# perpetrator in earshot, strangulation below the score threshold, coercive control, mental
# health or alcohol masking abuse). A case a course builder adds gets the general check only.
DESIGNED_FOR = {
    "unlinked-calls": [
        ("E05", "repeat_calls_not_linked"),
        ("E15", "repeat_calls_not_linked"),
        ("E31", "repeat_calls_not_linked"),
        ("E12", "call_graded_too_low"),
        ("E15", "call_graded_too_low"),
        ("E31", "call_graded_too_low"),
        ("E16", "no_risk_assessment"),
        ("E20", "third_party_concern_not_acted_on"),
        ("E23", "risk_downgraded"),
        ("E23", "no_marac_referral"),
        ("E10", "non_engagement_focus"),
        ("E28", "non_engagement_focus"),
        ("E30", "health_contact_not_explored"),
        ("E09", "perpetrator_not_pursued"),
        ("E38", "perpetrator_not_pursued"),
        ("E43", "follow_up_not_maintained"),
    ],
    "health-and-housing": [
        ("E06", "cancelled_appointment_accepted"),
        ("E30", "cancelled_appointment_accepted"),
        ("E08", "non_engagement_focus"),
        ("E18", "non_engagement_focus"),
        ("E09", "third_party_concern_not_acted_on"),
        ("E24", "third_party_concern_not_acted_on"),
        ("E13", "health_contact_not_explored"),
        ("E15", "follow_up_not_maintained"),
        ("E25", "call_graded_too_low"),
        ("E25", "repeat_calls_not_linked"),
        ("E27", "no_marac_referral"),
        ("E31", "information_not_shared"),
        ("E40", "information_not_shared"),
        ("E42", "perpetrator_not_pursued"),
    ],
    "older-parent": [
        ("E05", "information_not_shared"),
        ("E06", "health_contact_not_explored"),
        ("E11", "cancelled_appointment_accepted"),
        ("E32", "cancelled_appointment_accepted"),
        ("E12", "call_graded_too_low"),
        ("E35", "call_graded_too_low"),
        ("E21", "repeat_calls_not_linked"),
        ("E12", "third_party_concern_not_acted_on"),
        ("E19", "third_party_concern_not_acted_on"),
        ("E16", "follow_up_not_maintained"),
        ("E23", "follow_up_not_maintained"),
        ("E37", "follow_up_not_maintained"),
        ("E27", "perpetrator_not_pursued"),
        ("E31", "non_engagement_focus"),
    ],
}


def _shipped() -> list[str]:
    return sorted(p.name for p in (ROOT / "data" / "cases").iterdir() if p.is_dir())


@pytest.mark.parametrize("slug", _shipped())
def test_rules_find_the_annotated_opportunities_they_are_designed_for(slug: str):
    from toolkit.data import load_case

    case = load_case(slug)
    found = run_rules(case.events)
    assert not found.attrs["skipped"], found.attrs["skipped"]
    got = set(zip(found["event_id"], found["opportunity_type"], strict=True))
    reviewer = set(
        zip(case.annotations["event_id"], case.annotations["opportunity_type"], strict=True)
    )
    expected = set(DESIGNED_FOR.get(slug, []))
    assert expected <= reviewer, "the expectations must be reviewer annotations"
    assert expected - got == set()
    # And on any case, the rules agree with the reviewer on at least a third of annotations.
    assert len(got & reviewer) >= len(reviewer) / 3


def test_callback_not_made():
    row = {"timestamp": "2019-03-01 10:00", "agency": "housing", "outcome": "callback_not_made"}
    assert fired("callback-not-made", [row]) == ["E001"]
    assert fired("callback-not-made", [{**row, "outcome": "advice_given"}]) == []


def test_disclosure_kept_within_one_agency():
    row = {
        "timestamp": "2019-03-01 10:00",
        "agency": "housing",
        "contact_type": "home_visit",
        "disclosure": True,
        "outcome": "no_action_recorded",
    }
    assert fired("disclosure-kept-within-one-agency", [row]) == ["E001"]
    assert (
        fired("disclosure-kept-within-one-agency", [{**row, "shared_with": "police_safeguarding"}])
        == []
    )
    assert (
        fired("disclosure-kept-within-one-agency", [{**row, **ATTEND}]) == []
    )  # police: other rules


def test_investigation_closed_without_arrest():
    closed = {
        "timestamp": "2019-03-20 10:00",
        "agency": "police_safeguarding",
        "outcome": "closed_evidential_difficulties",
    }
    assert fired("investigation-closed-without-arrest", [closed]) == ["E001"]
    arrest = {"timestamp": "2019-03-01 10:00", **ATTEND, "outcome": "arrest"}
    assert fired("investigation-closed-without-arrest", [arrest, closed]) == []


# Rules that rest on a review published after the events they are applied to must say so: the
# notebook tells learners that a flag from them is a question to weigh against what was expected
# at the time, not a finding that a rule of the time was broken.
LATER_REVIEW_RULES = (
    "third-party-concern-not-acted-on",
    "cancelled-appointment-accepted",
    "callback-not-made",
)


def test_rules_resting_on_a_later_review_say_so():
    from toolkit.data import load_sources

    later = {r.id for r in registered_rules() if r.source_id == "dhr-northampton-2023"}
    assert later == set(LATER_REVIEW_RULES)
    published = load_sources().set_index("source_id").loc["dhr-northampton-2023", "date"]
    assert published == "2023-07"
    for rule_id in LATER_REVIEW_RULES:
        r = get_rule(rule_id)
        assert r.in_force_from is None  # still applied to earlier events, as a prompt
        assert "Northampton" in r.description and "2023" in r.description, rule_id
        assert "later review" in r.description or "later named" in r.description, rule_id


def test_later_review_flags_on_earlier_events_say_what_to_weigh():
    from toolkit.data import load_case

    found = run_rules(load_case("health-and-housing").events)
    for rule_id in ("third-party-concern-not-acted-on", "cancelled-appointment-accepted"):
        texts = found.loc[found["rule_id"] == rule_id, "explanation"]
        assert len(texts) > 0
        assert texts.str.contains("A later review \\(Northampton, 2023\\)").all(), rule_id
        assert texts.str.contains("at the time\\?").all(), rule_id


def test_no_events_means_no_flags_and_every_column():
    from toolkit.data import load_case

    empty = load_case("unlinked-calls").events.iloc[0:0]
    out = run_rules(empty)
    assert out.empty
    assert list(out.columns) == list(run_rules(load_case("unlinked-calls").events).columns)


# ---------------------------------------------------------------------------- tables for learners


def test_rules_table_for_learners_has_plain_headings_no_index_and_settings_in_words():
    table = rules_table(readable=True)
    assert list(table.columns) == [
        "Rule",
        "Opportunity type",
        "What it looks for",
        "Rests on",
        "In force from",
        "Settings",
    ]
    assert set(table.index) == {""}  # no 0, 1, 2 ... beside the rules
    rows = table.set_index("Rule")
    repeat = rows.loc[get_rule("repeat-calls-not-linked").name]
    assert repeat["Settings"] == (
        "window: 365 days; call types: emergency call (999), non-emergency call (101)"
    )
    assert repeat["Opportunity type"] == "Repeat calls not linked"
    assert repeat["Rests on"] == (
        "IOPC investigation into West Midlands Police contact with Raneem Oudeh. "
        "Independent Office for Police Conduct, 2022"
    )
    marac = rows.loc[get_rule("high-risk-no-marac").name]
    assert marac["In force from"] == "1 Mar 2009" and repeat["In force from"] == ""
    cells = " ".join(table.to_numpy().ravel().tolist())
    for code in ("_", "window_days=", "[", "nan", "None"):
        assert code not in cells, code  # no ids, code or missing-value markers on show


def test_parameters_of_a_trainers_rule_read_in_words_too():
    from toolkit.opportunities import describe_parameters

    assert describe_parameters(
        {"look_back_days": 1, "flags": ["some_thing", "gp"], "strict": True, "ratio": 0.5}
    ) == ("look back: 1 day; flags: some thing, gp; strict: yes; ratio: 0.5")
    assert describe_parameters({"agencies": ["gp", "hospital"], "min_level": "high"}) == (
        "agencies: GP practice, hospital and emergency department; lowest risk level: high risk"
    )
    with pytest.raises(ToolkitError, match="expected a mapping of parameter names to values"):
        describe_parameters(["window_days"])


def test_the_raw_rules_table_keeps_ids_for_code():
    table = rules_table([get_rule("high-risk-no-marac")])
    assert table.loc[0, "parameters"] == "threshold=14, window_days=7"
    assert table.loc[0, "in_force_from"] == "2009-03-01"
    with pytest.raises(ToolkitError, match="expected Rule objects"):
        rules_table(["high-risk-no-marac"])


def test_notebook_02_shows_learners_readable_tables_not_raw_frames():
    import ast
    import json

    nb = json.loads((ROOT / "notebooks" / "02-missed-opportunities.ipynb").read_text("utf-8"))
    raw = {"run_rules", "load_vocab", "rules_table", "agreement", "three_views"}
    shown = []
    for i, cell in enumerate(nb["cells"]):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] != "code" or tags & {"trainer", "trainer-only", "instructor"}:
            continue
        last = ast.parse("".join(cell["source"])).body[-1]
        if not isinstance(last, ast.Expr):
            continue
        value = last.value
        if isinstance(value, ast.Subscript):  # frame[[...]]: pandas' index and snake_case
            shown.append(i)
        elif isinstance(value, ast.Call) and ast.unparse(value.func).split(".")[-1] in raw:
            readable = any(
                k.arg == "readable" and getattr(k.value, "value", False) is True
                for k in value.keywords
            )
            if not readable:
                shown.append(i)
    assert shown == [], f"cells {shown} show a raw DataFrame; pass it through for_display"


# --------------------------------------------------------------------------- a worked example


def test_the_example_rule_flags_an_attendance_where_the_partner_stayed_and_nothing_else():
    from toolkit.opportunities import example_rule, rule_flags_table

    ev = events_frame(
        [
            {
                "timestamp": "2019-01-01 10:00",
                "agency": "hospital",
                "contact_type": "ed_attendance",
                "summary": "Seen with a cut lip; her partner stayed THROUGHOUT.",
            },
            {
                "timestamp": "2019-01-02 10:00",
                "agency": "hospital",
                "contact_type": "ed_attendance",
                "summary": "Seen alone; asked about safety at home.",
            },
            {
                "timestamp": "2019-01-03 10:00",
                "agency": "gp",
                "contact_type": "gp_appointment",
                "summary": "Her partner answers for her throughout.",
            },
        ]
    )
    table = rule_flags_table(ev, example_rule())
    assert list(table.columns) == ["Event", "Timestamp", "Explanation"]
    assert table.values.tolist() == [
        [
            "E001",
            "1 Jan 2019 10:00",
            "The partner was present throughout: no chance to ask about abuse in private.",
        ]
    ]
    # an example only: the course's rules, and every table of them, leave it out
    assert "example-not-seen-alone" not in set(run_rules(ev)["rule_id"])
    assert "Emergency attendance, not seen alone" not in set(rules_table()["name"])
    with pytest.raises(ToolkitError, match="expected a Rule"):
        rule_flags_table(ev, "example-not-seen-alone")


def test_a_rule_shows_as_the_code_a_trainer_would_write_with_the_decorator():
    import ast

    from toolkit.opportunities import example_rule, rule_code

    code = rule_code(example_rule()).text
    assert code.startswith('@rule(\n    "example-not-seen-alone",\n')
    assert "def not_seen_alone(events" in code and "lambda" not in code
    assert "<pre" in rule_code(example_rule())._repr_html_()
    ast.parse(code)  # runs as written
    # a built-in rule keeps its settings, required columns and start date
    builtin = rule_code(get_rule("health-disclosure-not-explored")).text
    assert 'requires=["disclosure"]' in builtin and 'in_force_from="2009-03-01"' in builtin
    assert 'params={"agencies": ["gp", ' in builtin
    assert builtin.count("@") == 1  # the module's own decorator is not shown twice
    ast.parse(builtin)
    quick = Rule(
        id="quick",
        name="Quick",
        description="",
        source_id="",
        opportunity_type="",
        evaluate=lambda ev, p: flagged(ev, matches(ev["agency"], "gp"), "A GP contact."),
    )
    with pytest.raises(ToolkitError, match='rule "quick": its evaluate is a lambda'):
        rule_code(quick)


def test_notebook_02_defines_no_rule_of_its_own():
    import json

    nb = json.loads((ROOT / "notebooks" / "02-missed-opportunities.ipynb").read_text("utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    for source in code:
        assert "lambda" not in source and "Rule(" not in source and "def " not in source
        assert "fmt: skip" not in source
    assert any("rule_code(" in source for source in code)


def test_a_rule_reading_a_missing_column_is_skipped_and_says_which():
    events = events_frame(
        [
            {"timestamp": "2019-03-01 22:10"},
            {"timestamp": "2019-03-09 23:40"},
        ]
    ).drop(columns=["contact_type"])
    found = run_rules(events)
    assert found.empty
    assert found.attrs["skipped"]["repeat-calls-not-linked"] == 'needs column "contact_type"'
