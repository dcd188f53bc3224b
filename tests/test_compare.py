"""Three views of a case (learner, rules, reviewer) and their agreement, as table and figure."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from toolkit.compare import (
    agreement,
    agreement_figure,
    comparison_figure,
    describe_agreement,
    describe_comparison,
    three_views,
)
from toolkit.data import load_case
from toolkit.data.synthetic import events_frame
from toolkit.errors import ToolkitError
from toolkit.opportunities import run_rules

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def small():
    """Four events; the reviewer marks E1 and E3; the rules flag E1 and E2; the learner E3, E4."""
    events = events_frame(
        [{"timestamp": f"2019-01-0{i} 10:00", "event_id": f"E{i}"} for i in range(1, 5)]
    )
    reviewer = pd.DataFrame(
        {"event_id": ["E1", "E3"], "opportunity_type": ["a", "b"], "explanation": ["r1", "r3"]}
    )
    rules = pd.DataFrame(
        {
            "event_id": ["E1", "E2"],
            "opportunity_type": ["a", "b"],
            "rule_id": ["x", "y"],
            "explanation": ["x1", "y2"],
        }
    )
    flags = [
        {"event_id": "E3", "opportunity_type": "b", "reason": "mine"},
        {"event_id": "E4", "opportunity_type": "a", "reason": "also mine"},
    ]
    return events, reviewer, rules, flags


def test_three_views_has_one_row_per_flagged_event_and_type(small):
    views = three_views(*small)
    assert list(
        zip(views["event_id"], views["reviewer"], views["rules"], views["you"], strict=True)
    ) == [
        ("E1", True, True, False),
        ("E2", False, True, False),
        ("E3", True, False, True),
        ("E4", False, False, True),
    ]
    assert views.loc[views["event_id"] == "E3", "your_reason"].item() == "mine"
    assert views.loc[views["event_id"] == "E1", "rule_explanation"].item() == "x1"


def test_agreement_is_precision_and_recall_against_the_reviewer(small):
    table = agreement(three_views(*small)).set_index(["view", "level"])
    rules = table.loc[("Rules", "event and type")]
    assert (rules["flagged"], rules["agreed"], rules["precision"], rules["recall"]) == (
        2,
        1,
        0.5,
        0.5,
    )
    you = table.loc[("You", "event")]
    assert (you["agreed"], you["precision"], you["recall"]) == (1, 0.5, 0.5)


def test_by_event_counts_a_match_whatever_the_type(small):
    events, reviewer, rules, flags = small
    flags = [{"event_id": "E1", "opportunity_type": "b", "reason": "other type"}]
    table = agreement(three_views(events, reviewer, rules, flags)).set_index(["view", "level"])
    assert table.loc[("You", "event"), "agreed"] == 1
    assert table.loc[("You", "event and type"), "agreed"] == 0


def test_same_type_close_in_time_is_shown_as_close(small):
    events, reviewer, rules, _ = small
    flags = [{"event_id": "E4", "opportunity_type": "b", "reason": "the day after"}]
    views = three_views(events, reviewer, rules, flags)
    assert views.loc[views["event_id"] == "E4", "close_to"].item() == "E3"
    assert (
        agreement(views).set_index(["view", "level"]).loc[("You", "event and type"), "close"] == 1
    )


def test_no_flags_yet_gives_no_precision_and_a_kind_sentence(small):
    events, reviewer, rules, _ = small
    table = agreement(three_views(events, reviewer, rules, None))
    you = table.set_index(["view", "level"]).loc[("You", "event")]
    assert you["flagged"] == 0 and math.isnan(you["precision"]) and you["recall"] == 0
    assert "You have not flagged any events yet." in describe_agreement(table)


def test_the_words_never_mark_a_learner_wrong(small):
    views = three_views(*small)
    text = (describe_agreement(agreement(views)) + describe_comparison(views)).lower()
    for word in ("wrong", "incorrect", "mistake", "fail"):
        assert word not in text


def test_figures_show_three_rows_with_their_own_symbols_and_a_text_alternative(small):
    views = three_views(*small)
    fig = comparison_figure(views, title="Small")
    assert [t.name for t in fig.data] == ["Reviewer", "Rules", "You"]
    assert len({t.marker.symbol for t in fig.data}) == 3
    assert fig.layout.meta["description"] == describe_comparison(views, title="Small")
    assert list(fig.data[2].x) == ["E3", "E4"]
    bars = agreement_figure(agreement(views))
    assert bars.layout.title.subtitle.text == "Rules find patterns; reviewers weigh context."
    assert "precision 50%" in bars.layout.meta["description"]


def test_flags_on_events_outside_the_case_are_refused(small):
    events, reviewer, rules, _ = small
    with pytest.raises(ToolkitError, match="not in this case: E9"):
        three_views(events, reviewer, rules, [{"event_id": "E9", "opportunity_type": "a"}])


def test_on_the_shipped_case_the_rules_agree_with_the_reviewer_more_than_chance():
    case = load_case("unlinked-calls")
    views = three_views(case.events, case.annotations, run_rules(case.events), None)
    table = agreement(views).set_index(["view", "level"])
    rules = table.loc[("Rules", "event")]
    base_rate = case.annotations["event_id"].nunique() / len(case.events)
    assert rules["precision"] > base_rate
    assert rules["recall"] >= 0.5


def test_the_comparison_works_on_a_new_case_a_course_builder_adds(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    own = data / "cases" / "builders-case"
    shutil.copytree(data / "cases" / "unlinked-calls", own)
    for name in ("events.csv", "annotations.csv"):  # the builder numbers events B01, B02, ...
        text = (own / name).read_text(encoding="utf-8")
        (own / name).write_text(re.sub(r"\bE(\d\d)\b", r"B\1", text), encoding="utf-8")
    monkeypatch.setenv("EVERYCALL_DATA", str(data))
    case = load_case("builders-case")
    assert case.events["event_id"].iloc[0] == "B01"
    views = three_views(
        case.events,
        case.annotations,
        run_rules(case.events),
        [
            {
                "event_id": "B05",
                "opportunity_type": "repeat_calls_not_linked",
                "reason": "second call",
            }
        ],
    )
    row = views[
        (views["event_id"] == "B05") & (views["opportunity_type"] == "repeat_calls_not_linked")
    ]
    assert row[["reviewer", "rules", "you"]].values.tolist() == [[True, True, True]]


def test_the_differences_table_names_opportunity_types_in_words(monkeypatch):
    import IPython.display

    from toolkit.compare import differences, show_comparison

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **_: shown.extend(objs))
    case = load_case("unlinked-calls")
    flags = [
        {"event_id": e, "opportunity_type": "repeat_calls_not_linked", "reason": "calls again"}
        for e in ("E05", "E07", "E09")
    ]
    show_comparison(case, flags, trainer=False)
    tables = [o for o in shown if isinstance(o, pd.DataFrame)]
    diff = tables[-1]
    assert "<th></th>" not in diff._repr_html_()  # shown with no index column
    assert list(diff.columns) == ["Event", "Opportunity type", "Who", "Note"]
    assert "Repeat calls not linked" in set(diff["Opportunity type"])
    assert not any("_" in t for t in diff["Opportunity type"])
    # the table for code keeps the ids
    views = three_views(case.events, case.annotations, run_rules(case.events), flags)
    assert "repeat_calls_not_linked" in set(differences(views)["opportunity_type"])
