"""The explorer, driven from Python: its pure functions, its callbacks, and saved flags."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from toolkit.answers import AnswerStore
from toolkit.data import load_case
from toolkit.errors import ToolkitError
from toolkit.explorer import (
    TimelineExplorer,
    add_flag,
    event_detail_html,
    filter_events,
    flags_key,
    month_options,
    remove_flag,
)

ROOT = Path(__file__).resolve().parents[1]
SLUG = "unlinked-calls"
NOTEBOOK = "01-reading-a-case-timeline"


@pytest.fixture()
def store(tmp_path: Path) -> AnswerStore:
    return AnswerStore(tmp_path / f"{NOTEBOOK}.json", notebook=NOTEBOOK, learner="Sam")


@pytest.fixture(scope="module")
def events():
    return load_case(SLUG).events


def _trace(explorer: TimelineExplorer, name: str):
    return next(t for t in explorer.figure.data if t.name == name)


def _shown(explorer: TimelineExplorer) -> list[str]:
    n = len(explorer._types)
    return sorted(e for t in explorer.figure.data[:n] for e in t.customdata)


# --------------------------------------------------------------------------------------------
# Pure functions


def test_filter_by_agency_and_whole_days(events):
    gp = filter_events(events, agencies=["gp"])
    assert set(gp["agency"]) == {"gp"}
    day = filter_events(events, start="2017-10-14", end="2017-10-14")
    assert list(day["event_id"]) == ["E01", "E02"]
    with pytest.raises(ToolkitError, match='"31/02/2019" is not a date'):
        filter_events(events, start="31/02/2019")


def test_month_options_span_the_case(events):
    opts = month_options(events)
    assert opts[0][0] == "Oct 2017" and opts[-1][0] == "Apr 2019"


def test_event_detail_shows_what_was_known_in_plain_words_and_escapes_markup(events):
    panel = event_detail_html(events, "E12")
    assert "Scheduled appointment" in panel  # the call grade's vocabulary name
    assert "Victim-survivor" in panel
    tricky = events.copy()
    tricky["summary"] = tricky["summary"].astype(str)
    tricky.loc[0, "summary"] = "<script>alert(1)</script>"
    assert "<script>" not in event_detail_html(tricky, "E01")


def test_add_flag_keeps_the_learners_words_and_replaces_the_same_flag(events):
    flags = add_flag([], events, "E12", "call_graded_too_low", " Stalking booked for later ")
    assert flags[0]["reason"] == "Stalking booked for later"
    again = add_flag(flags, events, "E12", "call_graded_too_low", "Changed my mind: too slow")
    assert len(again) == 1 and again[0]["reason"] == "Changed my mind: too slow"
    both = add_flag(again, events, "E05", "repeat_calls_not_linked", "Second call")
    assert [f["event_id"] for f in both] == ["E05", "E12"]  # in time order
    assert remove_flag(both, "E12") == [both[0]]


@pytest.mark.parametrize(
    ("event_id", "kind", "reason", "message"),
    [
        ("E99", "call_graded_too_low", "x", 'event "E99" is not in this case'),
        ("E12", "too_low", "x", 'opportunity type "too_low" is not in the vocabulary'),
        ("E12", "call_graded_too_low", "   ", "add a short reason in your own words"),
        ("E12", "call_graded_too_low", "x" * 1001, "keep it under 1000"),
    ],
)
def test_add_flag_refuses_bad_input_with_a_clear_message(events, event_id, kind, reason, message):
    with pytest.raises(ToolkitError, match=message):
        add_flag([], events, event_id, kind, reason)


def test_flags_key():
    assert flags_key(SLUG) == "flags:unlinked-calls"


# --------------------------------------------------------------------------------------------
# The widget, driven from Python


def test_filters_update_the_figure_in_place(store):
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    traces_before = [id(t) for t in ex.figure.data]
    assert _shown(ex) == sorted(load_case(SLUG).events["event_id"])
    ex.agency_filter.value = ("gp", "school")
    assert [id(t) for t in ex.figure.data] == traces_before  # updated, not rebuilt
    shown = _shown(ex)
    assert shown == ["E11", "E17", "E18", "E30", "E33"]
    assert list(ex.figure.layout.yaxis.categoryarray) == ["GP", "School"]
    assert "5 contacts" in ex.caption.value
    ex.agency_filter.value = tuple(ex._lanes)
    ex.dates.value = (ex.dates.options[0][1], ex.dates.options[2][1])  # Oct to Dec 2017
    assert _shown(ex) == ["E01", "E02", "E03", "E04", "E05", "E06", "E07", "E08", "E09"]
    assert [v for _, v in ex.event_picker.options][1:] == _shown(ex)


def test_choosing_an_event_shows_it_and_marks_it(store):
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    ex.event_picker.value = "E20"
    assert ex.selected == "E20"
    assert "<h4>E20" in ex.detail.value
    assert len(_trace(ex, "Chosen event").x) == 1


def test_clicking_a_marker_chooses_its_event(store):
    from plotly.callbacks import Points

    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    trace = ex.figure.data[0]
    points = Points(
        point_inds=[1], xs=[trace.x[1]], ys=[trace.y[1]], trace_name=trace.name, trace_index=0
    )
    ex._on_click(trace, points)
    assert ex.selected == trace.customdata[1]
    assert ex.event_picker.value == trace.customdata[1]


def test_flagging_saves_to_the_answer_store_and_draws_the_flag(store):
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    ex.flag_button.click()  # nothing chosen yet
    assert "Choose an event first" in ex.status.value
    ex.event_picker.value = "E12"
    ex.flag_type.value = "call_graded_too_low"
    ex.flag_reason.value = "Stalking booked as an appointment five days away"
    ex.flag_button.click()
    saved = store.get(flags_key(SLUG))
    assert [(f["event_id"], f["opportunity_type"]) for f in saved] == [
        ("E12", "call_graded_too_low")
    ]
    assert list(_trace(ex, "Your flag").customdata) == ["E12"]
    assert "Stalking booked" in ex.flags_table.value and "Saved your flag on E12" in ex.status.value
    assert ex.flag_reason.value == ""
    ex.unflag_button.click()
    assert store.get(flags_key(SLUG)) == []
    assert list(_trace(ex, "Your flag").customdata) == []


def test_a_flag_that_cannot_be_saved_is_reported_and_the_reason_kept(store, monkeypatch):
    from toolkit.errors import AnswerStoreError

    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    ex.event_picker.value = "E12"
    ex.flag_reason.value = "Stalking booked as an appointment"

    def full_disk(*args, **kwargs):
        raise AnswerStoreError(f"{store.path}: could not save: no space left on device")

    monkeypatch.setattr(store, "set", full_disk)
    ex.flag_type.value = "call_graded_too_low"
    ex.flag_button.click()
    assert "no space left on device" in ex.status.value
    assert ex.flag_reason.value == "Stalking booked as an appointment"  # not thrown away
    assert "Saved your flag" not in ex.status.value
    ex.unflag_button.click()
    assert "no space left on device" in ex.status.value and "Removed" not in ex.status.value


def test_an_empty_reason_is_not_saved_and_the_learner_is_told_why(store):
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    ex.event_picker.value = "E12"
    ex.flag_reason.value = ""
    assert ex.flag("call_graded_too_low", "") is False
    assert "add a short reason" in ex.status.value
    assert store.get(flags_key(SLUG)) is None


def test_flags_come_back_in_a_new_explorer_and_a_new_store(store):
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    ex.select_event("E05")
    assert ex.flag("repeat_calls_not_linked", "Second call in seven weeks")
    reopened = AnswerStore(store.path)
    again = TimelineExplorer(SLUG, store=reopened, trainer=False)
    assert list(_trace(again, "Your flag").customdata) == ["E05"]
    assert "Second call in seven weeks" in again.flags_table.value


def test_flags_survive_a_restart_of_the_python_process(tmp_path: Path):
    path = tmp_path / f"{NOTEBOOK}.json"
    script = textwrap.dedent(f"""
        from toolkit.answers import AnswerStore
        from toolkit.explorer import TimelineExplorer
        store = AnswerStore({str(path)!r}, notebook={NOTEBOOK!r}, learner="Sam")
        ex = TimelineExplorer({SLUG!r}, store=store, trainer=False)
        if not ex.flags:
            ex.select_event("E31")
            assert ex.flag("call_graded_too_low", "Dropped call graded priority")
        print([f["event_id"] for f in ex.flags])
    """)
    first = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    second = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert first.stdout.strip() == "['E31']" == second.stdout.strip()


def test_the_reviewers_annotations_appear_only_in_trainer_mode(store):
    learner = TimelineExplorer(SLUG, store=store, trainer=False)
    assert len(_trace(learner, "Reviewer's annotation").x) == 0
    trainer = TimelineExplorer(SLUG, store=store, trainer=True)
    assert len(_trace(trainer, "Reviewer's annotation").x) == len(
        set(load_case(SLUG).annotations["event_id"])
    )


def test_a_course_builders_own_case_can_be_chosen(tmp_path: Path, monkeypatch, store):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    own = data / "cases" / "my-own-case"
    shutil.copytree(data / "cases" / SLUG, own)
    meta = (own / "case.yaml").read_text(encoding="utf-8")
    (own / "case.yaml").write_text(
        meta.replace('title: "Every call on its own"', 'title: "A course builder\'s case"'),
        encoding="utf-8",
    )
    monkeypatch.setenv("EVERYCALL_DATA", str(data))
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    assert "my-own-case" in [v for _, v in ex.case_picker.options]
    ex.case_picker.value = "my-own-case"
    assert ex.case.slug == "my-own-case"
    assert ex.figure.layout.title.text == "Timeline of contacts: A course builder's case"
    ex.select_event("E02")
    assert ex.flag("no_risk_assessment", "DASH at the door with him in earshot")
    assert store.get("flags:my-own-case")[0]["event_id"] == "E02"
    assert store.get(flags_key(SLUG)) is None  # each case keeps its own flags


def test_a_case_with_errors_is_named_under_the_list_not_dropped_silently(
    tmp_path: Path, monkeypatch, store
):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    own = data / "cases" / "harbour-street"
    shutil.copytree(data / "cases" / SLUG, own)
    events = (own / "events.csv").read_text(encoding="utf-8")
    (own / "events.csv").write_text(events.replace(",gp,", ",gpp,", 1), encoding="utf-8")
    monkeypatch.setenv("EVERYCALL_DATA", str(data))
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    assert "harbour-street" not in [v for _, v in ex.case_picker.options]
    assert "Not in the list: harbour-street, which has errors" in ex.case_note.value
    assert "everycall validate" in ex.case_note.value
    assert ex.case_note in ex.widget.children
    clean = TimelineExplorer(SLUG, store=store, trainer=False)
    monkeypatch.delenv("EVERYCALL_DATA")
    assert TimelineExplorer(SLUG, store=store, trainer=False).case_note.value == ""
    assert clean.case_note.value  # the copy with the broken case still says so


# --------------------------------------------------------------------------------------------
# What the browser is sent (glitches seen in JupyterLab)


def _record(widget) -> list[set[str]]:
    sent: list[set[str]] = []
    widget.send_state = lambda key=None: sent.append(
        {key} if isinstance(key, str) else set(key or ())
    )
    return sent


def test_switching_case_sends_each_lists_options_and_choice_together(store):
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    sent = {name: _record(getattr(ex, name)) for name in ("agency_filter", "dates", "event_picker")}
    other = next(v for _, v in ex.case_picker.options if v != SLUG)
    ex.case_picker.value = other
    for name, messages in sent.items():
        with_options = [m for m in messages if "_options_labels" in m]
        assert with_options, name
        # A message with new options but no index lets the browser apply an old index to the
        # new options: "Cannot set properties of undefined (setting 'selected')".
        assert all("index" in m for m in with_options), (name, messages)
    assert ex.event_picker.value in [v for _, v in ex.event_picker.options]
    assert set(ex.agency_filter.value) <= {v for _, v in ex.agency_filter.options}


def test_the_event_list_says_choose_an_event_until_one_is_chosen(store):
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    assert ex.event_picker.label == "(choose an event)"
    ex.event_picker.value = "E20"
    assert ex.selected == "E20"
    ex.event_picker.value = ""  # back to "(choose an event)"
    assert ex.selected is None
    assert "Choose an event from the list" in ex.detail.value


def test_the_chosen_dates_are_written_out_in_full(store):
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    assert ex.dates.readout is False
    assert re.sub(r"<[^>]+>", "", ex.dates_label.value) == "Showing Oct 2017 to Apr 2019"
    # the two ends, for the slider's handles to say (toolkit/core/access.js)
    assert 'data-everycall-from="Oct 2017" data-everycall-to="Apr 2019"' in ex.dates_label.value
    ex.dates.value = (ex.dates.options[0][1], ex.dates.options[2][1])
    assert re.sub(r"<[^>]+>", "", ex.dates_label.value) == "Showing Oct 2017 to Dec 2017"
    assert 'data-everycall-to="Dec 2017"' in ex.dates_label.value


def test_buttons_are_as_wide_as_their_words(store):
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    assert ex.unflag_button.layout.width == "auto"
    assert ex.flag_button.layout.width == "auto"


def test_flags_are_listed_by_type_name_in_the_event_detail(store):
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    ex.select_event("E05")
    assert ex.flag("repeat_calls_not_linked", "Second call in seven weeks")
    assert "You flagged: Repeat calls not linked." in ex.detail.value


# --------------------------------------------------------------------------------------------
# A table with no events, or with a missing time


def test_no_events_give_no_months_and_no_event_choices(events):
    from toolkit.explorer import event_options

    assert month_options(events.iloc[0:0]) == []
    assert event_options(events.iloc[0:0]) == []


@pytest.mark.parametrize("name", ["event_options", "month_options"])
def test_a_missing_time_in_the_event_list_is_named(events, name):
    import toolkit.explorer

    broken = events.copy()
    broken.loc[3, "timestamp"] = None
    with pytest.raises(
        ToolkitError, match=r'^events, row 4, column "timestamp": the time is missing$'
    ):
        getattr(toolkit.explorer, name)(broken)


def test_the_explorer_shows_a_case_with_no_events_without_failing(store, monkeypatch):
    import dataclasses

    # Patched where the explorer looks the name up (the globals of the module it was built in).
    where = TimelineExplorer.__init__.__globals__
    real = where["load_case"]

    def no_events(slug):
        case = real(slug)
        return dataclasses.replace(case, events=case.events.iloc[0:0])

    monkeypatch.setitem(where, "load_case", no_events)
    ex = TimelineExplorer(SLUG, store=store, trainer=False)
    assert _shown(ex) == []
    assert "no events to show" in ex.caption.value
    assert ex.event_picker.options == (("(choose an event)", ""),)
    assert re.sub(r"<[^>]+>", "", ex.dates_label.value) == "Showing no events"
