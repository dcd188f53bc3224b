"""Swimlane timelines and the chronology summaries, on a shipped case and hand-built events."""

from __future__ import annotations

import pytest

from toolkit.data import load_case, load_vocab
from toolkit.data.synthetic import events_frame, synthetic_events
from toolkit.errors import ToolkitError
from toolkit.timeline import (
    OKABE_ITO,
    contacts_per_agency,
    describe_escalation,
    describe_swimlane,
    escalation,
    escalation_figure,
    gaps,
    lane_order,
    swimlane,
    who_knew_what,
)

SLUG = "unlinked-calls"


@pytest.fixture(scope="module")
def case():
    return load_case(SLUG)


def _contact_traces(fig):
    return [
        t
        for t in fig.data
        if t.yaxis in (None, "y")
        and t.name not in ("Reviewer's annotation", "Rule flag", "Your flag")
    ]


def test_every_event_appears_once_in_its_agency_lane(case):
    fig = swimlane(case.events, title=case.title)
    ids = [e for t in _contact_traces(fig) for e in t.customdata]
    assert sorted(ids) == sorted(case.events["event_id"])
    names = dict(
        zip(load_vocab("agencies")["id"], load_vocab("agencies")["short_name"], strict=True)
    )
    lane_of = {e: y for t in _contact_traces(fig) for e, y in zip(t.customdata, t.y, strict=True)}
    for row in case.events.itertuples():
        assert lane_of[row.event_id] == names[row.agency]


def test_lanes_follow_the_vocabulary_order(case):
    fig = swimlane(case.events)
    order = list(load_vocab("agencies")["id"])
    lanes = lane_order(case.events)
    assert lanes == sorted(lanes, key=order.index)
    assert list(fig.layout.yaxis.categoryarray)[0] == "Police: calls"


def test_every_contact_type_in_the_vocabulary_has_its_own_symbol():
    from toolkit.timeline import marker_style

    styles = [marker_style(t) for t in load_vocab("contact_types")["id"]]
    assert len({symbol for _, symbol in styles}) == len(styles)


def test_contact_types_differ_by_symbol_as_well_as_colour(case):
    traces = _contact_traces(swimlane(case.events))
    pairs = [(t.marker.color, t.marker.symbol) for t in traces]
    assert len(set(pairs)) == len(pairs)
    assert len({t.marker.symbol for t in traces}) == len(traces)  # never colour alone
    assert {t.marker.color for t in traces} <= set(OKABE_ITO)


def test_the_figure_has_a_title_and_a_text_alternative(case):
    fig = swimlane(case.events, title=case.title)
    assert fig.layout.title.text == f"Timeline of contacts: {case.title}"
    text = fig.layout.meta["description"]
    assert text == describe_swimlane(case.events, title=case.title)
    assert f"{len(case.events)} contacts from 14 Oct 2017 to 12 Apr 2019" in text
    assert "high (10 Jun 2018)" in text


def test_the_risk_track_shows_each_recorded_level(case):
    fig = swimlane(case.events)
    risk = next(t for t in fig.data if t.name == "Risk level")
    levelled = case.events["risk_level"].notna()
    assert sorted(risk.customdata) == sorted(case.events.loc[levelled, "event_id"])
    assert set(risk.y) == {"standard risk", "medium risk", "high risk"}


def test_overlays_appear_only_when_given(case):
    plain = swimlane(case.events)
    assert all(
        len(t.x) == 0
        for t in plain.data
        if t.name in ("Reviewer's annotation", "Your flag", "Rule flag")
    )
    flags = [{"event_id": "E05", "opportunity_type": "repeat_calls_not_linked", "reason": "x"}]
    fig = swimlane(case.events, annotations=case.annotations, flags=flags)
    reviewer = next(t for t in fig.data if t.name == "Reviewer's annotation")
    mine = next(t for t in fig.data if t.name == "Your flag")
    assert set(reviewer.customdata) == set(case.annotations["event_id"])
    assert list(mine.customdata) == ["E05"]
    assert "You flagged 1 event: E05." in fig.layout.meta["description"]


def test_hover_text_holds_the_details_and_escapes_markup():
    ev = events_frame(
        [
            {
                "timestamp": "2019-03-01 22:10",
                "summary": "She said <b>help</b>",
                "outcome": "attended",
                "risk_level": "high",
                "risk_tool": "dash",
                "risk_score": 15,
            }
        ]
    )
    trace = _contact_traces(swimlane(ev))[0]
    hover = trace.hovertext[0]
    assert "&lt;b&gt;help&lt;/b&gt;" in hover and "<b>help</b>" not in hover
    assert (
        "Outcome: Attended" in hover
        and "Risk: High risk (DASH (police, ACPO 2009), score 15)" in hover
    )


def test_it_works_on_synthetic_events_with_text_columns():
    ev = synthetic_events(300, n_cases=1, seed=2)
    fig = swimlane(ev)
    assert sum(len(t.x) for t in _contact_traces(fig)) == 300


def test_bad_input_names_the_problem(case):
    with pytest.raises(ToolkitError, match='column "contact_type" is missing'):
        swimlane(case.events.drop(columns=["contact_type"]))
    naive = case.events.assign(timestamp=case.events["timestamp"].dt.tz_localize(None))
    with pytest.raises(ToolkitError, match="time-zone-aware"):
        swimlane(naive)


def test_contacts_per_agency_counts_every_contact(case):
    table = contacts_per_agency(case.events)
    assert table["contacts"].sum() == len(case.events)
    police = table.set_index("agency").loc["police_response"]
    assert police["highest_risk"] == "high"
    assert table.set_index("agency").loc["gp", "disclosures"] == 1


def test_gaps_are_days_since_the_previous_contact():
    ev = events_frame(
        [
            {"timestamp": "2019-01-01 10:00", "agency": "gp"},
            {"timestamp": "2019-01-03 10:00"},
            {"timestamp": "2019-01-11 10:00", "agency": "gp"},
        ]
    )
    table = gaps(ev)
    assert table["days_since_previous"].tolist()[1:] == [2.0, 8.0]
    assert table["days_since_agency_previous"].tolist()[2] == 10.0


def test_escalation_counts_calls_per_period_and_keeps_empty_periods():
    ev = events_frame(
        [
            {"timestamp": "2019-01-05 10:00"},
            {"timestamp": "2019-07-01 10:00"},
            {"timestamp": "2019-07-09 10:00", "agency": "gp", "contact_type": "gp_appointment"},
        ]
    )
    table = escalation(ev, freq="QS")
    assert table["police_calls"].tolist() == [1, 0, 1]
    assert table["contacts"].tolist() == [1, 0, 2]
    fig = escalation_figure(ev, freq="QS")
    assert fig.layout.meta["description"] == describe_escalation(ev, freq="QS")
    assert "Q2 2019: 0 contacts" in fig.layout.meta["description"]


def test_the_shipped_case_escalates(case):
    table = escalation(case.events, freq="QS")
    first_half = table["police_calls"].iloc[: len(table) // 2].sum()
    assert (
        table["police_calls"].sum()
        == case.events["contact_type"].isin(["emergency_call", "non_emergency_call"]).sum()
    )
    assert first_half > 0


def test_who_knew_what_by_a_date(case):
    before = who_knew_what(case.events, "2017-10-15")
    assert list(before["agency"]) == ["police_call_handling", "police_response"]
    later = who_knew_what(case.events, "2017-10-31").set_index("agency")
    assert later.loc["childrens_social_care", "told_by"] == "Police: DA unit"
    assert later.loc["police_safeguarding", "told"] == "Children's social care"
    assert later.loc["police_response", "highest_risk"] == "standard"
    with pytest.raises(ToolkitError, match='date "soon" is not a date'):
        who_knew_what(case.events, "soon")


def test_summaries_shown_to_learners_have_readable_dates_and_names():
    from toolkit.data import for_display, load_case

    events = load_case("unlinked-calls").events
    table = for_display(contacts_per_agency(events).drop(columns=["agency"]))
    assert table.iloc[0][["Name", "First", "Highest risk"]].tolist() == [
        "Police: calls",
        "14 Oct 2017 23:12",
        "",
    ]
    assert "High risk" in set(table["Highest risk"])
    assert not table.to_string().count("+0")  # no UTC offsets such as +01:00
    raw = contacts_per_agency(events)
    assert str(raw["first"].dt.tz) == "Europe/London"  # code still gets timestamps


# --------------------------------------------------------------------------------------------
# A table with no events, or with a missing time, from code that builds its own frame


def test_an_empty_events_table_gives_empty_summaries_and_figures_that_say_so(case):
    empty = case.events.iloc[0:0]
    table = escalation(empty)
    assert table.empty
    assert list(table.columns) == [
        "period",
        "contacts",
        "police_calls",
        "disclosures",
        "highest_risk",
    ]
    assert describe_escalation(empty, freq="YS") == "Contacts and police calls per year: no events."
    bars = escalation_figure(empty)
    assert [a.text for a in bars.layout.annotations] == ["No events to show"]
    lanes = swimlane(empty, title="Empty")
    assert [a.text for a in lanes.layout.annotations] == ["No events to show"]
    assert lanes.layout.meta["description"] == "Timeline of contacts: Empty: no events to show."
    assert contacts_per_agency(empty).empty and gaps(empty).empty


@pytest.mark.parametrize("function", [swimlane, describe_swimlane, escalation, gaps])
def test_a_missing_time_is_named_by_row_and_column(case, function):
    events = case.events.copy()
    events.loc[3, "timestamp"] = None
    with pytest.raises(
        ToolkitError, match=r'^events, row 4, column "timestamp": the time is missing$'
    ):
        function(events)


def test_a_chronology_without_risk_levels_still_draws_its_lanes():
    events = events_frame(
        [{"timestamp": "2019-03-01 22:10"}, {"timestamp": "2019-03-09 23:40", "agency": "gp"}]
    ).drop(columns=["risk_level"])
    fig = swimlane(events)
    risk = [t for t in fig.data if t.name == "Risk level"]
    assert risk and len(risk[0].x) == 0
    assert sum(len(t.x) for t in fig.data if t.name != "Risk level") >= 2
