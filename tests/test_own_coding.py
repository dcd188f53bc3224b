"""Notebook 05's own coding: a list per recommendation, choices saved, compared, debriefed."""

from __future__ import annotations

import json

import pytest

import toolkit
from toolkit import answers, cohort, data
from toolkit import recommendations as rec
from toolkit.own_coding import KEY, comparison_html, own_coding


@pytest.fixture
def coded():
    return rec.code(data.load_recommendations())


def test_choices_are_saved_as_made_and_come_back(coded, tmp_path, monkeypatch):
    monkeypatch.setenv("EVERYCALL_ANSWERS", str(tmp_path))
    toolkit.begin("05-learning-from-reviews", learner="Sam")
    sample = rec.sample(coded, n=6, seed=5)
    box = own_coding(coded, sample)
    lists = [w for w in box.children if "everycall-coding-item" in w._dom_classes]
    assert len(lists) == 6
    first = lists[0].children[1]
    assert first.value == "" and first.description == "Main theme"
    first.value = "training"
    saved = json.loads((tmp_path / "sam" / "05-learning-from-reviews.json").read_text())
    assert saved["answers"][KEY]["value"][str(sample["rec_id"].iloc[0])] == "training"
    again = own_coding(coded, sample)  # the notebook opened again
    assert again.children[0].children[1].value == "training"


def test_compare_says_what_is_left_then_gives_kappa(coded):
    sample = rec.sample(coded, n=6, seed=5)
    ids = [str(r) for r in sample["rec_id"]]
    assert "(5 left)" in comparison_html(coded, {**dict.fromkeys(ids, ""), ids[0]: "training"})
    chosen = dict(zip(ids, coded.set_index("rec_id").loc[ids, "coder_theme"], strict=True))
    page = comparison_html(coded, chosen)
    assert "agreed on 6 of 6" in page and "Cohen&#x27;s kappa is 1.00" in page


def test_the_coding_reaches_the_debrief(coded, tmp_path):
    store = answers.AnswerStore(
        tmp_path / "in" / "sam" / "05-learning-from-reviews.json",
        notebook="05-learning-from-reviews",
        learner="Sam",
    )
    store.set(KEY, {"northampton-2023-r04": "training", "northampton-2023-r19": "governance"})
    result = cohort.collect(tmp_path / "in", out=tmp_path / "out.csv")
    rows = [r for r in result.rows if r["exercise_id"] == KEY]
    assert {(r["detail"], r["response"]) for r in rows} == {
        ("northampton-2023-r04", "training"),
        ("northampton-2023-r19", "governance"),
    }
    page = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "Your own coding: the main theme of six recommendations" in page
    assert "northampton-2023-r04: training (1 learner)" in page
