"""Exercises: definitions and their validation, marking, widgets driven from Python, printed
editions, and answers restored after a kernel restart."""

from __future__ import annotations

import html
import textwrap
from pathlib import Path

import pytest

import toolkit
from toolkit import exercises, session
from toolkit.answers import AnswerStore, bind, current_store, default_path
from toolkit.answers import store as answer_store
from toolkit.core import access
from toolkit.core.session import SESSION
from toolkit.errors import DataError, ToolkitError
from toolkit.exercises import (
    answer_texts,
    find,
    load_definitions,
    mark,
    render_printed,
    validate_definitions,
)
from toolkit.exercises.widgets import ExerciseWidget

FIXTURES = Path(__file__).parent / "data" / "answers" / "exercises"


@pytest.fixture(scope="module")
def defs():
    return load_definitions(FIXTURES)


@pytest.fixture()
def store(tmp_path):
    return AnswerStore(
        tmp_path / "90-demo-all-types.json", notebook="90-demo-all-types", learner="Test Learner"
    )


@pytest.fixture(autouse=True)
def _trainer_off():
    SESSION.trainer = None
    yield
    SESSION.trainer = None


# ---------------------------------------------------------------------------- definitions


def test_shipped_start_notebook_has_its_two_practice_questions():
    assert [p for p in validate_definitions() if p.level == "error"] == []
    step_away, rating = find("00-stepping-away"), find("00-confidence")
    assert step_away.notebook == rating.notebook == "00-start-here"
    assert step_away.type == "single_choice" and len(step_away.correct_options) == 1
    assert "0808 2000 247" in step_away.correct_options[0].feedback
    assert rating.type == "confidence" and rating.scale[0] == "Not at all"


def test_fixture_defines_every_type(defs):
    assert sorted(e.type for e in defs.values()) == sorted(exercises.TYPES)
    assert [p for p in validate_definitions(FIXTURES) if p.level == "error"] == []


def _validate(tmp_path: Path, text: str, name: str = "09-demo.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return [
        f"{p.row}|{p.column}|{p.message}" for p in validate_definitions(path) if p.level == "error"
    ]


HEAD = "notebook: 09-demo\nexercises:\n  - id: 09-a\n"

BAD = {
    "unknown type": (
        HEAD + "    type: singel_choice\n    prompt: Which?\n",
        '4|type|exercise 09-a: "singel_choice" is not a known question type; did you mean '
        '"single_choice"? known types: single_choice, multiple_choice, numeric, free_text, '
        "ordering, confidence",
    ),
    "two correct options": (
        HEAD + "    type: single_choice\n    prompt: Which?\n    options:\n"
        "      - {text: A, correct: true, feedback: because}\n      - {text: B, correct: true}\n",
        "6|options|exercise 09-a: has 2 options marked correct: true, expected exactly one "
        "(use multiple_choice for several)",
    ),
    "misspelt field": (
        HEAD + "    type: confidence\n    prompt: How sure?\n    scale: [Low, High]\n"
        "    facilitater: note\n",
        '7|facilitater|exercise 09-a: field "facilitater" is not known; did you mean '
        '"facilitator"? known fields: answer, facilitator, feedback, hint, id, items, '
        "model_answer, options, prompt, scale, source_id, tolerance, type, unit",
    ),
    "yes read as true": (
        HEAD + "    type: single_choice\n    prompt: Which?\n    options:\n"
        "      - text: Yes\n        correct: true\n      - text: 'No'\n",
        "7|options[1].text|exercise 09-a: true is not text (YAML reads "
        "yes/no/on/off/true/false as true or false: put the text in quotes)",
    ),
    "answer not a number": (
        HEAD + "    type: numeric\n    prompt: How many?\n    answer: twelve\n",
        '6|answer|exercise 09-a: "twelve" is not a number',
    ),
    "field of another type": (
        HEAD + "    type: single_choice\n    prompt: Which?\n    answer: 3\n    options:\n"
        "      - {text: A, correct: true}\n      - {text: B}\n",
        '6|answer|exercise 09-a: field "answer" is not used by single_choice questions (it '
        "belongs to numeric); fields for single_choice: facilitator, hint, id, options, prompt, "
        "source_id, type",
    ),
    "missing options": (
        HEAD + "    type: multiple_choice\n    prompt: Which?\n",
        '3|None|exercise 09-a: field "options" is missing',
    ),
    "key given twice": (
        HEAD + "    type: confidence\n    prompt: Sure?\n    prompt: Really?\n    scale: [A, B]\n",
        '6|None|"prompt" is given twice; the second one would silently win',
    ),
    "broken yaml": (
        HEAD + "    type: [single_choice\n",
        "5|None|is not valid YAML: expected ',' or ']', but got '<stream end>'",
    ),
    "repeated scale point": (
        HEAD + "    type: confidence\n    prompt: Sure?\n    scale: [Low, Low]\n",
        '6|scale|exercise 09-a: lists "Low" twice (expected each once)',
    ),
    "answer not a number at all": (
        HEAD + "    type: numeric\n    prompt: How many?\n    answer: .nan\n",
        "6|answer|exercise 09-a: answer is .nan, expected an ordinary number such as 12 "
        "(every response would be marked wrong)",
    ),
    "answer infinite": (
        HEAD + "    type: numeric\n    prompt: How many?\n    answer: -.inf\n",
        "6|answer|exercise 09-a: answer is -.inf, expected an ordinary number such as 12 "
        "(every response would be marked wrong)",
    ),
    "answer too large": (
        HEAD + "    type: numeric\n    prompt: How many?\n    answer: 1" + "0" * 400 + "\n",
        "6|answer|exercise 09-a: answer is a number with 401 digits, expected an ordinary "
        "number such as 12 (every response would be marked wrong)",
    ),
    "tolerance infinite": (
        HEAD + "    type: numeric\n    prompt: How many?\n    answer: 3\n    tolerance: .inf\n",
        "7|tolerance|exercise 09-a: tolerance is .inf, expected an ordinary number such as 2 "
        "(every response would be marked right)",
    ),
    "number too long to read": (
        HEAD + "    type: numeric\n    prompt: How many?\n    answer: " + "9" * 5000 + "\n",
        "6|None|is not valid YAML: a number has more than 4300 digits",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_definition_gives_row_column_and_expectation(tmp_path, case):
    text, expected = BAD[case]
    assert _validate(tmp_path, text) == [expected]


def test_inline_numeric_with_an_answer_that_is_not_finite_is_refused():
    with pytest.raises(DataError, match="answer is .nan, expected an ordinary number"):
        exercises.numeric(id="x-nan", prompt="How many?", answer=float("nan"))


def test_notebook_must_match_file_name(tmp_path):
    text = (
        "notebook: 09-other\nexercises:\n  - {id: 09-a, type: confidence, prompt: S, "
        "scale: [A, B]}\n"
    )
    assert _validate(tmp_path, text) == [
        '1|notebook|notebook is "09-other", expected "09-demo" (the file name without .yaml)'
    ]


def test_ids_unique_across_the_course(tmp_path):
    one = (
        "notebook: 09-demo\nexercises:\n  - {id: 09-a, type: confidence, prompt: S, "
        "scale: [A, B]}\n"
    )
    (tmp_path / "09-demo.yaml").write_text(one)
    (tmp_path / "10-next.yaml").write_text(one.replace("09-demo", "10-next"))
    problems = [p for p in validate_definitions(tmp_path) if p.level == "error"]
    assert [p.file.endswith("10-next.yaml") for p in problems] == [True]
    assert 'exercise id "09-a" is already used in' in problems[0].message


def test_unknown_source_id_suggests_a_known_one(tmp_path):
    (tmp_path / "sources.csv").write_text("source_id,title\nhmic-2014,Everyone's business\n")
    folder = tmp_path / "exercises"
    folder.mkdir()
    (folder / "09-demo.yaml").write_text(
        "notebook: 09-demo\nexercises:\n  - {id: 09-a, type: confidence, prompt: S, "
        "scale: [A, B], source_id: hmic-2041}\n"
    )
    (problem,) = [p for p in validate_definitions(folder) if p.level == "error"]
    assert problem.column == "source_id"
    assert (
        'source "hmic-2041" is not in data/sources.csv; did you mean "hmic-2014"?'
        in problem.message
    )


def test_load_definitions_raises_data_error_listing_every_problem(tmp_path):
    (tmp_path / "09-demo.yaml").write_text(
        HEAD + "    type: numeric\n    prompt: ''\n    answer: x\n"
    )
    with pytest.raises(DataError) as info:
        load_definitions(tmp_path)
    assert len(info.value.problems) == 2
    assert '09-demo.yaml, line 5, key "prompt"' in str(info.value)


def test_secret_repeated_in_an_option_is_warned(tmp_path):
    (tmp_path / "09-demo.yaml").write_text(
        HEAD + "    type: single_choice\n    prompt: Which?\n    options:\n"
        "      - {text: The answer is forty-eight hours, correct: true,"
        " feedback: The answer is forty-eight hours}\n      - {text: B}\n"
    )
    warnings = [p.message for p in validate_definitions(tmp_path) if p.level == "warning"]
    assert any("student edition would show it" in w for w in warnings)


def test_a_broken_file_does_not_stop_other_notebooks(tmp_path):
    (tmp_path / "09-demo.yaml").write_text(
        "notebook: 09-demo\nexercises:\n  - {id: 09-a, type: confidence, prompt: S, "
        "scale: [A, B]}\n"
    )
    (tmp_path / "10-broken.yaml").write_text("notebook: 10-broken\nexercises: [\n")
    assert find("09-a", path=tmp_path).type == "confidence"
    with pytest.raises(DataError, match="10-broken.yaml, line 3: is not valid YAML"):
        find("10-anything", path=tmp_path)


def test_unknown_id_suggests_the_nearest():
    with pytest.raises(ToolkitError, match='did you mean "00-confidence"'):
        find("00-confidnce")


# ---------------------------------------------------------------------------- marking


def test_single_choice_feedback_per_option(defs):
    ex = defs["90-dvpo-hearing"]
    right = mark(ex, "Within 48 hours")
    wrong = mark(ex, 0)
    assert right.correct is True and "within 48 hours of the notice" in right.details[0]
    assert wrong.correct is False and wrong.details == (ex.options[0].feedback,)


def test_multiple_choice_partial_answer_says_how_many_without_revealing(defs):
    ex = defs["90-marac-criteria"]
    result = mark(
        ex, ["Professional judgement", "The victim-survivor asks for a referral in writing"]
    )
    assert result.correct is False
    assert (
        result.feedback == "Not quite. You chose 1 of the 3 right answers and 1 that is not right."
    )
    assert "There are 2 more to find." in result.details
    assert not any("Potential escalation" in d for d in result.details)
    full = mark(ex, [o.text for o in ex.correct_options])
    assert full.correct is True


@pytest.mark.parametrize(
    ("typed", "correct", "feedback_key"),
    [("14", True, "correct"), (" 13 ", False, "low"), (15.0, False, "high")],
)
def test_numeric_low_high_and_right(defs, typed, correct, feedback_key):
    ex = defs["90-dash-threshold"]
    result = mark(ex, typed)
    assert result.correct is correct
    assert result.details == (ex.feedback[feedback_key],)


def test_numeric_tolerance(defs):
    ex = exercises.Exercise(
        id="t", type="numeric", prompt="p", notebook="n", answer=12, tolerance=1
    )
    assert [mark(ex, v).correct for v in (10.9, 11, 13, 13.1)] == [False, True, True, False]


def test_numeric_rejects_words(defs):
    with pytest.raises(ToolkitError, match="expected a number, such as 12"):
        mark(defs["90-dash-threshold"], "fourteen")


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("40%", 40.0),
        ("40 %", 40.0),
        (" 40 ", 40.0),
        ("40 per cent", 40.0),
        ("1,200", 1200.0),
        ("12.5", 12.5),
        ("\u221212", -12.0),  # the typographic minus sign a phone or word processor types
    ],
)
def test_numeric_answers_accept_numbers_as_people_type_them(typed, value):
    assert exercises.parse_number(typed) == value
    ex = exercises.Exercise(id="t", type="numeric", prompt="p", notebook="n", answer=value)
    assert mark(ex, typed).correct is True


@pytest.mark.parametrize("typed", ["forty", "12,5", "1,20", "%", "4O", "--3", "1e3"])
def test_text_that_is_not_a_number_is_not_guessed_at(typed):
    assert exercises.parse_number(typed) is None
    with pytest.raises(ToolkitError, match="expected a number, such as 12"):
        mark(find("02-precision"), typed)


def test_numeric_widget_takes_a_per_cent_answer_and_explains_words(store):
    ex = find("02-precision")  # "in per cent": learners type 40%
    w = ExerciseWidget(ex, store)
    w._number.value = "40 %"
    assert store.get(ex.id) == 40.0 and "Type a number" not in w.feedback.value
    assert w.check().correct is True
    w._number.value = "forty per cent"
    assert "Press Check" in w.feedback.value  # typing: not an answer yet, nothing said about it
    assert w.check().answered is False and store.get(ex.id) == 40.0
    assert "Type a number, such as 12." in w.feedback.value


def test_a_number_too_large_to_check_is_refused_with_a_clear_message(defs, store):
    ex = defs["90-dash-threshold"]
    huge = "9" * 400
    assert exercises.parse_number(huge) is None and exercises.parse_number(10**400) is None
    assert exercises.number_problem(huge) == "That number is too large to check."
    assert exercises.number_problem("forty") == "Type a number, such as 12."
    assert exercises.number_problem(" 40 % ") is None
    with pytest.raises(ToolkitError, match="too large to check"):
        mark(ex, huge)
    w = ExerciseWidget(ex, store)
    w._number.value = huge
    assert w.save_error.value == "" and store.entry(ex.id) is None
    result = w.check()
    assert result.answered is False and "inf" not in w.feedback.value
    assert "That number is too large to check." in w.feedback.value
    assert store.entry(ex.id) is None


@pytest.mark.parametrize(
    ("saved", "shown"),
    [(1234567.0, "1234567"), (0.1234567, "0.1234567"), (-5.0, "-5"), (12.5, "12.5")],
)
def test_a_saved_number_comes_back_as_it_was_typed(defs, store, saved, shown):
    ex = defs["90-dash-threshold"]
    store.set(ex.id, saved)
    w = ExerciseWidget(ex, store)
    assert w._number.value == shown
    w.check()
    assert store.get(ex.id) == saved  # checking the restored text keeps the same number


def test_model_answer_lead_in_does_not_double_up():
    example = mark(find("01-one-piece"), "The school knew about Mia.")
    (detail,) = example.details
    assert detail.startswith("An example answer to compare with yours: the school knew that Mia")
    assert "For example" not in detail
    plain = mark(find("03-every-call"), "Every call is checked against the last.")
    (detail,) = plain.details
    assert detail == "A model answer to compare with yours: " + find("03-every-call").model_answer


def test_trainer_mode_says_what_it_did_in_one_line(capsys):
    toolkit.trainer_mode(True)
    assert capsys.readouterr().out == (
        "Trainer mode on: model answers, facilitator notes and reviewer annotations will show "
        "in cells you run from now on. Do not project the screen.\n"
    )
    toolkit.trainer_mode(False)
    out = capsys.readouterr().out
    assert out.startswith("Trainer mode off: ") and out.count("\n") == 1
    assert toolkit.is_trainer_mode() is False


def test_trainer_mode_in_a_notebook_shows_its_line_as_a_status_output(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append((obj, kw)))
    toolkit.trainer_mode(True)
    ((bundle, kwargs),) = shown
    assert kwargs == {"raw": True, "metadata": {"everycall": {"status": True}}}
    assert bundle["text/plain"] == session.TRAINER_ON_MESSAGE
    assert 'role="status"' in bundle["text/html"]


def test_free_text_is_not_marked_and_offers_the_model_answer(defs):
    ex = defs["90-calm-caller"]
    result = mark(ex, "I would ask about children and weapons.")
    assert result.correct is None and result.answered
    assert ex.model_answer in result.details[0]
    assert mark(ex, "   ").answered is False


def test_ordering_counts_items_in_place(defs):
    ex = defs["90-dhr-steps"]
    assert mark(ex, list(ex.items)).correct is True
    swapped = [ex.items[1], ex.items[0], *ex.items[2:]]
    result = mark(ex, swapped)
    assert result.feedback == "Not quite: 2 of 4 are in the right place."
    with pytest.raises(ToolkitError, match="each of these items once"):
        mark(ex, ex.items[:2])


def test_confidence_is_saved_not_marked(defs):
    result = mark(defs["90-confidence"], "Fairly")
    assert result.correct is None and "no right or wrong" in result.feedback


def test_ordering_first_shown_shuffled_the_same_way_every_time(defs):
    ex = defs["90-dhr-steps"]
    order = exercises.display_order(ex)
    assert order == exercises.display_order(ex)
    assert sorted(order) == sorted(ex.items) and order != list(ex.items)


# ---------------------------------------------------------------------------- widgets


def test_single_choice_widget_feedback_only_after_an_attempt(defs, store):
    w = ExerciseWidget(defs["90-dvpo-hearing"], store)
    assert w.feedback.value == "" and w.hint.value == "" and w.attempts.value == ""
    assert (
        "everycall-exercise" in w._dom_classes and "everycall-check" in w.check_button._dom_classes
    )
    w.answer("Within 7 days")
    assert w.feedback.value == ""  # a change is saved, but not marked
    assert store.entry("90-dvpo-hearing")["attempts"] == 0
    result = w.check()
    assert result.correct is False
    assert html.escape("Too long: the notice only protects") in w.feedback.value
    assert "Attempts: 1" in w.attempts.value
    assert store.entry("90-dvpo-hearing") | {"first_answered": "", "last_answered": ""} == {
        "value": "Within 7 days",
        "attempts": 1,
        "correct": False,
        "checked": True,
        "first_answered": "",
        "last_answered": "",
    }
    w.show_hint()
    assert "The notice takes effect at once" in w.hint.value
    assert w.hint_button.description == "Hide hint"


def test_check_with_nothing_chosen_does_not_count_an_attempt(defs, store):
    w = ExerciseWidget(defs["90-dvpo-hearing"], store)
    w.check()
    assert "Choose an option, then press Check." in w.feedback.value
    assert store.entry("90-dvpo-hearing") is None


def test_multiple_choice_widget(defs, store):
    ex = defs["90-marac-criteria"]
    w = ExerciseWidget(ex, store)
    w._boxes[1].value = True  # a click on "Professional judgement"
    assert store.get(ex.id) == ["Professional judgement"]
    w._boxes[0].value = True
    w._boxes[3].value = True
    assert w.check().correct is True
    assert "Correct: you found every right answer." in w.feedback.value


def test_numeric_widget_explains_words_and_saves_numbers(defs, store):
    ex = defs["90-dash-threshold"]
    w = ExerciseWidget(ex, store)
    w._number.value = "fourteen"
    assert w.feedback.value == "" and store.entry(ex.id) is None  # still typing, perhaps
    w.check()
    assert "Type a number, such as 12." in w.feedback.value
    assert store.entry(ex.id) is None
    w._number.value = "13"
    assert store.get(ex.id) == 13.0
    assert w.feedback.value == ""  # the message was about the words, now gone
    w.check()
    assert html.escape(ex.feedback["low"]) in w.feedback.value


def test_free_text_widget_saves_as_typed_and_shows_model_answer_on_submit(defs, store):
    ex = defs["90-calm-caller"]
    w = ExerciseWidget(ex, store)
    assert w.check_button.description == "Submit"
    w._text.value = "Ask about the children"
    assert store.get(ex.id) == "Ask about the children"
    assert ex.model_answer[:20] not in w.feedback.value
    w.check()
    assert html.escape(ex.model_answer[:40]) in w.feedback.value
    assert "Submitted" in w.attempts.value


def test_ordering_widget_moves_with_buttons(defs, store):
    ex = defs["90-dhr-steps"]
    w = ExerciseWidget(ex, store)
    for target, item in enumerate(ex.items):
        while w._order.index(item) > target:
            w.move(w._order.index(item), -1)
    assert w._order == list(ex.items)
    assert store.get(ex.id) == list(ex.items)
    assert w.check().correct is True
    assert [label for label, _ in w._select.options][0].startswith("1. Police notify")


def test_confidence_widget_saves_on_choice(defs, store):
    w = ExerciseWidget(defs["90-confidence"], store)
    w._scale.value = "A little"
    assert store.entry("90-confidence")["value"] == "A little"
    assert "Saved: A little." in w.feedback.value


def test_rerun_cell_restores_value_and_feedback(defs, store):
    ex = defs["90-dvpo-hearing"]
    first = ExerciseWidget(ex, store)
    first.answer("Within 48 hours")
    first.check()
    again = ExerciseWidget(ex, AnswerStore(store.path))  # the cell ran again in a new kernel
    assert again._radio.value == "Within 48 hours"
    assert "everycall-correct" in again.feedback.value
    assert "Attempts: 1" in again.attempts.value
    again.answer("Within 24 hours")  # changed after checking: old feedback no longer shown
    third = ExerciseWidget(ex, AnswerStore(store.path))
    assert third._radio.value == "Within 24 hours"
    assert "Press Check to see feedback on your new answer." in third.feedback.value


def test_each_exercise_carries_its_layout_css_which_handouts_leave_out(defs, store):
    import ipywidgets as widgets

    from toolkit.handouts.widgets_static import render_widget

    w = ExerciseWidget(defs["90-dvpo-hearing"], store)
    style = w.children[0]
    assert style.layout.display == "none" and "everycall-live-only" in style._dom_classes
    css = style.value
    # long options wrap: a radio row and a checkbox label grow with their text ...
    assert ".everycall-single-choice" in css and "height: auto" in css
    assert ".everycall-multiple-choice" in css and "white-space: normal" in css
    # ... and a number box keeps room for its placeholder whatever the label's length
    assert ".everycall-numeric .everycall-control input" in css and "min-width: 10em" in css
    models = widgets.Widget.get_manager_state(drop_defaults=False)["state"]
    printed = render_widget(w.model_id, models, lambda out: "")
    assert "Within 24 hours" in printed and "everycall-single-choice" not in printed
    assert "<style" not in printed and "height: auto" not in printed


def test_typed_answers_reach_the_kernel_as_typed_not_on_leaving_the_box(defs, store):
    # Sent on blur, a typed value raced the click on Check (JupyterLab handles the two on
    # separate kernel threads) and Check marked the number typed before.
    assert ExerciseWidget(defs["90-dash-threshold"], store)._number.continuous_update is True
    assert ExerciseWidget(defs["90-calm-caller"], store)._text.continuous_update is True
    from toolkit.session import NamePrompt

    assert NamePrompt(lambda _s: None).name.continuous_update is True


def test_half_typed_numbers_are_not_saved_or_scolded(defs, store):
    ex = defs["90-dash-threshold"]
    w = ExerciseWidget(ex, store)
    for partial in ["-", "1,", "1,2", "1,20", "1,200"]:
        w._number.value = partial
        assert "Type a number" not in w.feedback.value
    assert store.get(ex.id) == 1200.0  # only the finished number was saved


def test_the_same_value_arriving_after_check_keeps_its_feedback(defs, store):
    ex = defs["90-dash-threshold"]
    w = ExerciseWidget(ex, store)
    w._number.value = "14"
    assert w.check().correct is True
    for again in ["14.0", "14"]:  # the box sends the value again: still the checked number
        w._number.value = again
        assert "everycall-correct" in w.feedback.value and "Press Check" not in w.feedback.value
    assert store.entry(ex.id)["attempts"] == 1 and store.entry(ex.id)["checked"] is True
    rerun = ExerciseWidget(ex, AnswerStore(store.path))
    rerun._number.value = "14.0"  # the restored answer, sent again
    assert "everycall-correct" in rerun.feedback.value
    w._number.value = "15"  # a different number: the feedback no longer fits it
    assert "Press Check to see feedback on your new answer." in w.feedback.value
    w._number.value = "14"  # back to the number checked: its feedback fits again
    assert "everycall-correct" in w.feedback.value


def test_a_value_typed_before_the_click_but_handled_after_it_is_the_one_marked(
    defs, store, monkeypatch
):
    from datetime import UTC, datetime, timedelta

    import toolkit.exercises.widgets as widget_module

    t0 = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    now: dict[str, widget_module._Sent | None] = {}
    monkeypatch.setattr(widget_module, "_browser_message", lambda: now["message"])
    ex = defs["90-dash-threshold"]
    w = ExerciseWidget(ex, store)
    now["message"] = widget_module._Sent("type-13", t0)
    w._number.value = "13"
    now["message"] = widget_module._Sent("type-12", t0 + timedelta(seconds=5))
    w._number.value = "12"
    # The learner typed 1, 14 (sent at +8 s and +9 s) and clicked Check (+10 s); the click was
    # handled first and marked 12, then the 1 and the 14 arrived.
    now["message"] = widget_module._Sent("click", t0 + timedelta(seconds=10))
    assert w.check().correct is False
    now["message"] = widget_module._Sent("type-1", t0 + timedelta(seconds=8))
    w._number.value = "1"
    now["message"] = widget_module._Sent("type-14", t0 + timedelta(seconds=9))
    w._number.value = "14"
    assert "everycall-correct" in w.feedback.value
    assert store.entry(ex.id)["value"] == 14.0 and store.entry(ex.id)["correct"] is True
    # typed after the click: a new answer, waiting for its own check
    now["message"] = widget_module._Sent("type-15", t0 + timedelta(seconds=20))
    w._number.value = "15"
    assert "Press Check to see feedback on your new answer." in w.feedback.value
    assert store.entry(ex.id)["correct"] is True and store.entry(ex.id)["checked"] is False


def test_a_change_on_another_thread_waits_for_a_check_in_progress(defs, store, monkeypatch):
    import threading

    ex = defs["90-dash-threshold"]
    w = ExerciseWidget(ex, store)
    w._number.value = "13"
    inside, release = threading.Event(), threading.Event()
    real_set = store.set

    def slow_set(key, value, **kwargs):
        if kwargs.get("attempt"):
            inside.set()
            release.wait(10)
        real_set(key, value, **kwargs)

    monkeypatch.setattr(store, "set", slow_set)
    checking = threading.Thread(target=w.check)
    checking.start()
    assert inside.wait(10)
    typing = threading.Thread(target=lambda: setattr(w._number, "value", "14"))
    typing.start()
    typing.join(0.3)
    assert typing.is_alive()  # held until the check has finished and shown its feedback
    release.set()
    checking.join(10)
    typing.join(10)
    # The check marked 13; the 14 typed during it came after, so it waits for its own check
    # instead of being hidden under the check's feedback.
    assert store.entry(ex.id)["value"] == 14.0 and store.entry(ex.id)["attempts"] == 1
    assert "Press Check to see feedback on your new answer." in w.feedback.value


def test_saved_answer_that_no_longer_fits_is_not_forced_in(defs, store):
    store.set("90-dvpo-hearing", "An option since removed", attempt=True, correct=False)
    w = ExerciseWidget(defs["90-dvpo-hearing"], store)
    assert w._radio.value is None
    assert "Please answer again." in w.feedback.value


def test_save_failure_is_shown_not_swallowed(defs, store, monkeypatch):
    import errno

    def disk_full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("toolkit.answers.store.atomic_write_text", disk_full)
    w = ExerciseWidget(defs["90-confidence"], store)
    w._scale.value = "Very"
    assert "Not saved." in w.save_error.value
    assert "No space left on device" in w.save_error.value
    monkeypatch.undo()
    w._scale.value = "Fairly"
    assert w.save_error.value == ""


def _refuse_lock_files(monkeypatch) -> None:
    import errno
    import os

    real_open = os.open

    def open_except_locks(where, flags, *args):
        if str(where).endswith(".lock"):
            raise OSError(errno.EROFS, "Read-only file system", str(where))
        return real_open(where, flags, *args)

    monkeypatch.setattr("toolkit.core.files.os.open", open_except_locks)


@pytest.mark.parametrize("kind", ["confidence", "numeric", "free_text"])
def test_a_folder_that_cannot_be_written_shows_not_saved(defs, store, monkeypatch, kind):
    ex = next(e for e in defs.values() if e.type == kind)
    w = ExerciseWidget(ex, store)
    _refuse_lock_files(monkeypatch)
    w.answer({"confidence": "Very", "numeric": "14", "free_text": "My reflection"}[kind])
    assert "Not saved." in w.save_error.value
    assert "Read-only file system" in w.save_error.value and str(store.path) in w.save_error.value
    monkeypatch.undo()
    w.check()
    assert w.save_error.value == ""


def test_trainer_view_only_in_trainer_mode_and_updates_live(defs, store, monkeypatch):
    ex = defs["90-dvpo-hearing"]
    w = ExerciseWidget(ex, store)
    assert w.trainer.value == "" and w.trainer.layout.display == "none"
    session.trainer_mode(True)
    assert html.escape(ex.facilitator) in w.trainer.value
    assert "Within 48 hours</strong> (✓ correct)" in w.trainer.value
    session.trainer_mode(False)
    assert w.trainer.value == ""
    SESSION.trainer = None
    monkeypatch.setenv("EVERYCALL_TRAINER", "1")
    assert html.escape(ex.facilitator) in ExerciseWidget(ex, store).trainer.value


def test_widget_plain_text_and_metadata_carry_no_answers(defs, store):
    for ex in defs.values():
        data, metadata = ExerciseWidget(ex, store)._repr_mimebundle_()
        assert metadata == {"everycall": {"exercise": ex.id}}
        assert not any(secret in data["text/plain"] for secret in ex.secrets(include_hints=True))


def test_show_displays_with_exercise_metadata(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append((obj, kw)))
    bind("00-start-here")
    exercises.show("00-stepping-away")
    ((obj, kwargs),) = shown
    assert isinstance(obj, ExerciseWidget)
    assert kwargs["metadata"] == {"everycall": {"exercise": "00-stepping-away"}}


def test_show_before_begin_says_what_to_do(monkeypatch):
    monkeypatch.setattr(SESSION, "store", None)
    with pytest.raises(ToolkitError, match=r'toolkit.begin\("<notebook name>"\)'):
        exercises.show("00-stepping-away")


def test_inline_exercise_is_validated_like_yaml():
    bind("scratch")
    w = exercises.single_choice(
        id="x-inline",
        prompt="Pick one",
        options=[{"text": "A", "correct": True, "feedback": "Because A."}, "B"],
    )
    assert w.check().answered is False
    w.answer("A")
    assert w.check().correct is True
    with pytest.raises(DataError, match='exercise id "00-stepping-away" is already used'):
        exercises.confidence(id="00-stepping-away", prompt="Sure?")
    with pytest.raises(DataError, match="has 0 options marked correct"):
        exercises.single_choice(id="x-two", prompt="P", options=["A", "B"])


# ---------------------------------------------------------------------------- printed editions


@pytest.mark.parametrize(
    "ex_id",
    [
        "90-dvpo-hearing",
        "90-marac-criteria",
        "90-dash-threshold",
        "90-calm-caller",
        "90-dhr-steps",
        "90-confidence",
    ],
)
def test_student_print_has_question_and_nothing_secret(defs, ex_id):
    ex = defs[ex_id]
    student = html.unescape(render_printed(ex, "student"))
    trainer = html.unescape(render_printed(ex, "trainer"))
    assert ex.prompt.split()[1] in student
    for option in ex.options:
        assert option.text in student
    for secret in ex.secrets(include_hints=True):
        assert secret not in student
        assert secret in trainer
    assert "✓" not in student


def test_printed_text_is_escaped():
    ex = exercises.Exercise(
        id="x",
        type="single_choice",
        notebook="n",
        prompt="Why <script>alert(1)</script>?",
        options=(exercises.Option("<img src=x onerror=alert(1)>", True), exercises.Option("B")),
    )
    page = render_printed(ex, "trainer")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_secret_texts_cover_feedback_model_answers_and_notes():
    secrets = answer_texts("00-start-here")
    ex = find("00-stepping-away")
    assert all(o.feedback in secrets for o in ex.options)
    assert ex.facilitator in secrets and ex.hint not in secrets
    assert ex.hint in answer_texts("00-start-here", include_hints=True)


# ---------------------------------------------------------------------------- kernel restart


def _notebook(path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('import toolkit\ntoolkit.begin("00-start-here")'),
            nbformat.v4.new_code_cell('toolkit.exercises.show("00-stepping-away")'),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "language": "python",
        "display_name": "Python 3",
    }
    nbformat.write(nb, path)


def _execute(path: Path) -> dict:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        kernel_name="python3",
        store_widget_state=True,
        timeout=120,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return nb


def _widget_models(nb: dict) -> dict:
    return nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]


@pytest.mark.slow
def test_answers_restored_after_kernel_restart(tmp_path):
    notebook = tmp_path / "restart.ipynb"
    _notebook(notebook)
    first = _execute(notebook)
    output = first.cells[1].outputs[0]
    assert output["metadata"] == {"everycall": {"exercise": "00-stepping-away"}}
    radios = [
        m["state"] for m in _widget_models(first).values() if m["model_name"] == "RadioButtonsModel"
    ]
    assert [r["index"] for r in radios] == [None]

    # Between the two runs the learner answers (here through a widget in this process, using
    # the same answer file the kernel used).
    ex = find("00-stepping-away")
    path = default_path("00-start-here", "Test Learner")
    widget = ExerciseWidget(ex, AnswerStore(path))
    widget.answer(ex.correct_options[0].text)
    widget.check()

    second = _execute(notebook)
    models = _widget_models(second)
    radios = [m["state"] for m in models.values() if m["model_name"] == "RadioButtonsModel"]
    right = [o.text for o in ex.options].index(ex.correct_options[0].text)
    assert [r["index"] for r in radios] == [right]
    html_values = [
        m["state"].get("value", "") for m in models.values() if m["model_name"] == "HTMLModel"
    ]
    assert any("everycall-correct" in v and "Attempts" not in v for v in html_values)
    assert any("Attempts: 1" in v for v in html_values)
    status = second.cells[0].outputs[0]
    assert "Answering as Test Learner" in status["data"]["text/html"]


# ---------------------------------------------------------------------------- toolkit.begin()


def test_begin_asks_the_name_once_and_answers_follow_it(monkeypatch):

    monkeypatch.delenv("EVERYCALL_LEARNER")
    monkeypatch.setattr("IPython.get_ipython", lambda: object())  # as if inside a kernel
    shown = []
    monkeypatch.setattr(session, "display", lambda obj, **kw: shown.append(obj))
    toolkit.begin("00-start-here")
    status, helper, prompt = shown
    assert "until you give your name below" in status.data
    assert helper is access.helper()  # names and groups for the page's controls, hidden
    assert isinstance(prompt, session.NamePrompt)

    exercise = ExerciseWidget(find("00-stepping-away"), current_store())
    exercise.answer(2)  # answered before giving a name
    prompt.save("   ")
    assert "cannot be empty" in prompt.message.value
    prompt.name.value = "Sam Patel"
    prompt.save_button.click()
    assert "Thank you, Sam Patel." in prompt.message.value
    assert prompt.change_button.description == "Not Sam Patel? Change name"
    assert exercise.store.path.parent.name == "sam-patel"
    assert AnswerStore(exercise.store.path).get("00-stepping-away") == exercise.response

    shown.clear()
    toolkit.begin("00-start-here")  # next time: remembered, only a "change name" button
    status, _helper, prompt = shown
    assert status.data.count("Answering as Sam Patel.") == 1
    assert prompt.children == (prompt.change_button,)


def test_changing_learner_shows_the_new_learners_answers(monkeypatch):

    monkeypatch.delenv("EVERYCALL_LEARNER")
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    shown = []
    monkeypatch.setattr(session, "display", lambda obj, **kw: shown.append(obj))
    AnswerStore(default_path("00-start-here", "Alex"), notebook="00-start-here").set(
        "00-stepping-away", find("00-stepping-away").options[0].text
    )
    answer_store._save_profile("Sam")  # Sam used this laptop last
    toolkit.begin("00-start-here")
    prompt = shown[-1]
    assert prompt.change_button.description == "Not Sam? Change name"
    exercise = ExerciseWidget(find("00-stepping-away"), current_store())
    exercise.answer(1)
    prompt.change_button.click()
    assert prompt.form in prompt.children
    prompt.save("Alex")
    assert exercise._radio.index == 0  # Alex's own answer, not Sam's
    assert (
        AnswerStore(default_path("00-start-here", "Sam")).get("00-stepping-away")
        == find("00-stepping-away").options[1].text
    )


def test_file_damaged_while_open_is_set_aside_and_the_learner_told(defs, store):
    store.set("90-calm-caller", "Answered earlier in this session")
    w = ExerciseWidget(defs["90-confidence"], store)
    w._scale.value = "Fairly"
    store.path.write_text("{ damaged by something else")
    w._scale.value = "Very"
    assert "could not be read" in w.save_error.value and ".corrupt-" in w.save_error.value
    assert "The answers from this session were kept." in w.save_error.value
    reopened = AnswerStore(store.path)
    assert reopened.get("90-confidence") == "Very"
    assert reopened.get("90-calm-caller") == "Answered earlier in this session"
    assert len(list(store.path.parent.glob("*.corrupt-*.json"))) == 1


def _begin_in_a_kernel(monkeypatch) -> list:

    monkeypatch.delenv("EVERYCALL_LEARNER")
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    shown: list = []
    monkeypatch.setattr(session, "display", lambda obj, **kw: shown.append(obj))
    toolkit.begin("00-start-here")
    return shown


def test_a_name_that_cannot_be_saved_is_said_in_the_prompt(monkeypatch):
    prompt = _begin_in_a_kernel(monkeypatch)[-1]
    ExerciseWidget(find("00-stepping-away"), current_store()).answer(2)
    _refuse_lock_files(monkeypatch)
    prompt.save("Sam Patel")
    assert "could not be saved (Read-only file system)" in prompt.message.value
    assert 'role="alert"' in prompt.message.value


def test_name_prompt_says_where_answers_go_when_a_similar_name_has_the_folder(monkeypatch):
    first = find("00-stepping-away").options[0].text
    AnswerStore(
        default_path("00-start-here", "王伟"), notebook="00-start-here", learner="王伟"
    ).set("00-stepping-away", first)
    prompt = _begin_in_a_kernel(monkeypatch)[-1]
    exercise = ExerciseWidget(find("00-stepping-away"), current_store())
    prompt.save("汪巍")
    assert "Thank you, 汪巍." in prompt.message.value
    assert "wang-wei-2/" in prompt.message.value
    assert exercise.store.path.parent.name == "wang-wei-2"
    assert exercise.response is None  # not the other learner's answer
