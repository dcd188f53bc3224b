"""Tests for toolkit.risk: the Marac threshold what-if and the Idva caseload calculator."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.errors import ModelError
from toolkit.risk import (
    ROUTES,
    idva_caseload,
    idva_figure,
    referrals,
    synthetic_cohort,
    threshold_explorer,
    threshold_figure,
    threshold_table,
)


def test_cohort_is_reproducible_and_changes_with_the_seed():
    a = synthetic_cohort(800, seed=4)
    assert a.equals(synthetic_cohort(800, seed=4))
    assert not a.equals(synthetic_cohort(800, seed=5))
    assert a["high_risk"].sum() == 80  # 10% at high risk by construction


def test_people_at_high_risk_score_higher_on_average():
    c = synthetic_cohort(4000, seed=0)
    means = c.groupby("high_risk")["score"].mean()
    assert means[True] > means[False] + 5


def test_less_safe_disclosure_lowers_scores_and_misses_more_people():
    open_ = threshold_table(synthetic_cohort(4000, seed=2, disclosure=1.0), thresholds=[14])
    guarded = threshold_table(synthetic_cohort(4000, seed=2, disclosure=0.5), thresholds=[14])
    assert guarded["by_score_alone"].item() < open_["by_score_alone"].item()
    assert guarded["high_risk_missed"].item() > open_["high_risk_missed"].item()


def test_a_higher_threshold_refers_fewer_and_misses_more():
    table = threshold_table(synthetic_cohort(3000, seed=1), thresholds=range(6, 24))
    assert table["referred"].is_monotonic_decreasing
    assert table["high_risk_missed"].is_monotonic_increasing
    total = table["high_risk_referred"] + table["high_risk_missed"]
    assert (total == 300).all()


def test_other_routes_catch_people_the_score_misses():
    cohort = synthetic_cohort(3000, seed=1)
    score_only = threshold_table(cohort, thresholds=[14], judgement=False,
                                 escalation_incidents=None, repeat=False)  # fmt: skip
    all_routes = threshold_table(cohort, thresholds=[14])
    assert score_only["high_risk_referred"].item() == score_only["by_score_alone"].item()
    assert all_routes["high_risk_referred"].item() > score_only["high_risk_referred"].item()


def test_routes_are_named_in_the_safelives_order():
    people = pd.DataFrame(
        {
            "score": [20, 2, 2, 2, 2],
            "professional_concern": [True, True, False, False, False],
            "incidents_12m": [5, 5, 3, 0, 0],
            "referred_last_12m": [True, True, True, True, False],
        }
    )
    r = referrals(people)
    assert r["route"].tolist() == [*ROUTES, ""]
    assert r["referred"].tolist() == [True, True, True, True, False]
    assert referrals(people, escalation_incidents=None)["route"][2] == "repeat referral"
    assert referrals(people, escalation_incidents=6)["route"][2] == "repeat referral"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 14.5}, "threshold must be a whole number of yes answers between 1 and 100"),
        ({"escalation_incidents": 0}, "escalation_incidents must be a whole number of incidents"),
    ],
)
def test_referral_settings_are_checked(kwargs, message):
    with pytest.raises(ModelError, match=message):
        referrals(synthetic_cohort(50), **kwargs)


def test_cohort_without_the_needed_columns_is_named():
    with pytest.raises(ModelError, match="no column.*professional_concern.*columns: score"):
        referrals(pd.DataFrame({"score": [1]}))


def test_idva_calculator_at_the_national_figures():
    # SafeLives' 2014 Idva survey (seed 004): about 500 in post, 930 needed; recommended
    # caseload 60-70 per Idva per year (SafeLives policy blog, fact sheet section 4).
    table = idva_caseload(cases_per_year=930 * 65, idvas=500, caseload=[65])
    row = table.iloc[0]
    assert row["idvas_needed"] == 930
    assert row["coverage"] == pytest.approx(500 / 930)
    assert row["cases_supported"] == 500 * 65
    assert row["cases_per_idva"] == pytest.approx(930 * 65 / 500)


def test_idva_calculator_limits():
    none = idva_caseload(cases_per_year=0, idvas=3)
    assert (none["cases_without_an_idva"] == 0).all() and (none["coverage"] == 1).all()
    nobody = idva_caseload(cases_per_year=100, idvas=0)
    assert (nobody["cases_without_an_idva"] == 100).all()
    with pytest.raises(ModelError, match="idvas must be a finite number at least 0; got -1"):
        idva_caseload(cases_per_year=100, idvas=-1)


def test_figures_describe_themselves_and_cite_sources():
    table = threshold_table(synthetic_cohort(1000, seed=0), thresholds=range(8, 20))
    fig = threshold_figure(table, current=14)
    assert "At 14:" in fig.layout.meta["description"]
    assert "invented" in fig.layout.annotations[0].text
    # Exact local figures (no source wording given): the share is worked out, and a total of
    # areas is shown when the caller's source gives one.
    fig = idva_figure(in_post=12, needed=20, source="a regional needs assessment",
                      areas_below_half=2, areas_below_quarter=1, areas_total=6)  # fmt: skip
    assert fig.layout.meta["description"] == (
        "12 Idvas were in post against 20 needed: 60% of the capacity required. "
        "2 of 6 police force areas had under half, and 1 under a quarter."
    )
    assert "a regional needs assessment" in fig.layout.annotations[0].text


def test_idva_figure_keeps_to_the_sources_own_rounded_words():
    # SafeLives' 2014 survey (seed 004; fact sheet section 4, IDVAs): "just under 500" Idvas,
    # 930 needed "on SafeLives' estimate", "just half" the capacity; 20 force areas under half
    # and five under a quarter. The post gives no total of areas, so none is shown.
    fig = idva_figure(
        in_post=500,
        needed=930,
        source="SafeLives",
        in_post_words="just under 500",
        needed_words="an estimated 930",
        share_words="about half",
        areas_below_half=20,
        areas_below_quarter=5,
    )
    assert fig.layout.meta["description"] == (
        "Just under 500 Idvas were in post against an estimated 930 needed: about half the "
        "capacity required. 20 police force areas had under half, and 5 under a quarter."
    )
    assert "%" not in fig.layout.meta["description"]
    assert list(fig.data[0].text) == ["just under 500", "an estimated 930"]
    assert list(fig.data[0].y) == [500, 930]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"in_post_words": "just under 450"}, r"in_post_words must contain the number it "
         r"describes \(500\); got 'just under 450'"),
        ({"needed_words": "about 1,000"}, r"needed_words must contain the number it describes "
         r"\(930\)"),
        ({"share_words": "  "}, "share_words must be some words, such as 'about half'"),
    ],
)  # fmt: skip
def test_idva_figure_refuses_words_that_do_not_match_the_numbers(kwargs, message):
    with pytest.raises(ModelError, match=message):
        idva_figure(in_post=500, needed=930, source="SafeLives", **kwargs)


def test_idva_figure_reads_thousands_in_words_either_way():
    fig = idva_figure(in_post=1200, needed=2400, source="x", in_post_words="about 1,200",
                      needed_words="2400")  # fmt: skip
    assert fig.layout.meta["description"].startswith("About 1,200 Idvas were in post against 2400")


def test_threshold_explorer_updates_in_place():
    box = threshold_explorer(n=600, seed=0)
    threshold, disclosure, judgement, *_ = box.children
    fig, caption = box.children[-2], box.children[-1]
    before = caption.value
    threshold.value = 18
    assert "At 18:" in caption.value and caption.value != before
    before_y = list(fig.data[0].y)
    judgement.value = False
    assert list(fig.data[0].y) != before_y
    assert box.children[-2] is fig


def test_idva_figures_take_numpy_numbers_and_refuse_a_need_of_zero():
    import numpy as np

    table = idva_caseload(cases_per_year=np.int64(600), idvas=np.int64(5), caseload=[np.int64(60)])
    assert table["idvas_needed"].tolist() == [10.0]
    with pytest.raises(ModelError, match="needed must be a finite number greater than 0; got 0"):
        idva_figure(in_post=5, needed=0, source="a test")


# --------------------------------------------------------------------------- figure layout
# Geometry of a drawn figure (page width, font, note position): tests/figure_geometry.py
from figure_geometry import PAGE, WIDE_EM, note_box  # noqa: E402  (shared helper)


def test_threshold_legend_sits_above_the_plot():
    # The student trial: the legend overlapped the top of the plotting area by about 4 px.
    fig = threshold_figure(threshold_table(synthetic_cohort(600, seed=0)), current=14)
    legend, margin = fig.layout.legend, fig.layout.margin
    assert legend.orientation == "h"
    assert legend.yanchor == "bottom" and legend.y >= 1, "the legend overlaps the plotting area"
    # Three entries of about 26 characters need two rows on the page in a wide font.
    room = PAGE - margin.l - margin.r
    assert sum(50 + len(t.name) * 12 * WIDE_EM for t in fig.data) > room
    assert margin.t >= 40 + 2 * 20, "no room above the plot for the title and two legend rows"


def test_source_notes_show_in_full_on_a_printed_page():
    from toolkit import data

    long = data.cite("safelives-counting-idvas") + "; " + data.cite("safelives-2017-survey")
    figures = [
        threshold_figure(threshold_table(synthetic_cohort(600, seed=0)), source=long),
        idva_figure(in_post=500, needed=930, source=long),
        idva_figure(in_post=500, needed=930, source="SafeLives"),
    ]
    for fig in figures:
        box = note_box(fig)
        assert box["bottom"] <= fig.layout.height, "the note runs past the bottom of the figure"
        assert 0 <= box["left"] and box["right"] <= PAGE, "a line of the note runs off the page"
        assert box["below_plot"] >= 30, "the note sits on the x axis labels"
    assert note_box(figures[0])["below_plot"] >= 50  # that one has an x axis title
    assert figures[1].layout.height > figures[2].layout.height  # a longer note, a taller figure


def test_threshold_sliders_share_a_label_width_and_keep_a_long_track():
    # The student trial: "Safe to disclose (share)" left a 45-50 px track.
    box = threshold_explorer(n=600, seed=0)
    sliders = [c for c in box.children if hasattr(c, "min")]
    assert [s.description for s in sliders] == ["Threshold", "Safe to disclose (share)"]
    widths = {s.style.description_width for s in sliders}
    assert len(widths) == 1 and widths.pop().endswith("px")
    label = int(sliders[0].style.description_width.removesuffix("px"))
    assert label >= len("Safe to disclose (share)") * 13 * WIDE_EM  # 13 px widget text
    for slider in sliders:
        assert slider.layout.width.endswith("px")
        assert int(slider.layout.width.removesuffix("px")) - label - 64 >= 300  # 64 px readout
