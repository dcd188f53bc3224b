"""Tests for toolkit.recommendations: the keyword theme coder, Cohen's kappa, SMART prompts.

The hand-picked recommendations are quoted as data from the Northampton domestic homicide
review's extracted recommendations (Home Office DHR Library; source id dhr-northampton-2023).
"""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.errors import ModelError
from toolkit.recommendations import (
    NO_THEME,
    THEMES,
    agency_theme_figure,
    agreement_with_column,
    by_agency,
    code,
    coder_explorer,
    coding_agreement,
    cohen_kappa,
    default_rules,
    explain,
    format_rules,
    parse_rules,
    smart_check,
)

NORTHAMPTON = pd.DataFrame(
    [
        ("r1", "A process for the recording and storing of letters to be devised and implemented.",
         ["Northampton Partnership Housing"]),
        ("r2", "The Department to devise and implement an Audit Framework that seeks to ensure "
               "that each tier of staff including management carry out frequent audits including "
               "peer audits.", ["Northampton County Council"]),
        ("r3", "Housing Officers and Support Officers to receive guidance/training on the "
               "importance of sharing intelligence and information.",
         ["Northampton Partnership Housing"]),
        ("r4", "Northamptonshire Police develops a model to identify, problem solve and actively "
               "manage investigations where the victim(s) are vulnerable and reluctant to engage "
               "with the police beyond the initial report.", ["Northamptonshire Police"]),
        ("r5", "All agencies should be aware of the need to consider calling for a multi-agency "
               "meeting with regard to those known vulnerable people who are regularly calling "
               "for assistance from a variety of agencies in circumstances when the calls are "
               "unnecessary or inappropriate.", ["All agencies"]),
        ("r6", "There is a level 2 safeguarding workbook containing information on DVA to be "
               "provided to all staff during February 2017. From April 2017 all staff will be "
               "required to complete an eLearning package and assessment around safeguarding and "
               "DVA.", ["East Midlands Ambulance Service"]),
        ("r7", "The NSAB to ensure and oversee the timely review and ratification of Policy "
               "Documents.", ["NSAB", "Northampton County Council"]),
    ],
    columns=["rec_id", "text", "addressed_to"],
)  # fmt: skip


def test_coder_gives_the_theme_a_reader_would_on_hand_picked_recommendations():
    coded = code(NORTHAMPTON).set_index("rec_id")
    assert coded.loc["r1", "coder_theme"] == "record keeping"
    assert coded.loc["r2", "coder_theme"] == "supervision or audit"
    assert coded.loc["r4", "coder_theme"] == "investigation"
    assert coded.loc["r5", "coder_theme"] == "multi-agency working"
    assert coded.loc["r6", "coder_theme"] == "training"
    assert "governance" in coded.loc["r7", "coder_themes"]
    # a recommendation can carry several themes: guidance, training and information sharing
    assert {"training", "policy or procedure", "information sharing"} <= set(
        coded.loc["r3", "coder_themes"]
    )
    assert "audit" in coded.loc["r2", "coder_evidence"].lower()


def test_editing_the_rules_changes_the_coding():
    rules = default_rules()
    text = pd.DataFrame({"text": ["Trigger a holistic review of long-open cases."]})
    assert code(text, rules=rules).loc[0, "coder_theme"] == NO_THEME
    rules["supervision or audit"].append("holistic review")
    assert code(text, rules=rules).loc[0, "coder_theme"] == "supervision or audit"
    # a learner-defined theme works too
    rules = {"housing": ["housing officer*", "tenant*"]}
    assert code(NORTHAMPTON, rules=rules).set_index("rec_id").loc["r3", "coder_theme"] == "housing"


def test_keyword_syntax_wildcards_and_hyphens():
    rules = {"training": ["train*"], "multi-agency working": ["multi agency"]}
    table = explain("Trained staff joined a multi-agency meeting; no restraint used.", rules)
    assert table["matched"].tolist() == ["Trained", "multi-agency"]  # not "restraint"


def test_rules_round_trip_through_the_text_editor_format():
    assert parse_rules(format_rules()) == default_rules()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("training train*", 'rules, line 1: "training train*" has no colon'),
        ("training: *", 'keyword "*" is empty'),
        ("\n\nrecord keeping:", 'rules, line 3: "record keeping:" needs a theme'),
        ("", "rules: no themes given"),
    ],
)
def test_rule_mistakes_name_the_line(text: str, message: str):
    with pytest.raises(ModelError) as err:
        parse_rules(text)
    assert message in str(err.value)


def test_missing_text_column_lists_the_columns():
    with pytest.raises(ModelError, match=r'no column "text" \(columns: recommendation, owner\)'):
        code(pd.DataFrame({"recommendation": ["x"], "owner": ["y"]}))


# --------------------------------------------------------------------------- kappa


def _from_table(yes_yes: int, yes_no: int, no_yes: int, no_no: int) -> tuple[list, list]:
    first = ["yes"] * (yes_yes + yes_no) + ["no"] * (no_yes + no_no)
    second = ["yes"] * yes_yes + ["no"] * yes_no + ["yes"] * no_yes + ["no"] * no_no
    return first, second


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # Wikipedia, "Cohen's kappa", worked example: 50 applications, kappa 0.4
        ((20, 5, 10, 15), 0.4),
        # Wikipedia, "Cohen's kappa", same 60% agreement giving different kappas
        ((45, 15, 25, 15), 0.1304),
        ((25, 35, 5, 35), 0.2593),
    ],
)
def test_kappa_matches_published_worked_examples(cells, expected):
    assert round(cohen_kappa(*_from_table(*cells)), 4) == expected


def test_kappa_limits():
    labels = ["training", "governance", "investigation", "training"]
    assert cohen_kappa(labels, labels) == 1.0
    assert cohen_kappa(["a", "b", "a", "b"], ["b", "a", "b", "a"]) == -1.0
    with pytest.raises(ModelError, match="different lengths"):
        cohen_kappa(["a"], ["a", "b"])
    with pytest.raises(ModelError, match="undefined"):
        cohen_kappa(["a", "a"], ["a", "a"])


def test_agreement_compares_a_learner_with_the_coder():
    coded = code(NORTHAMPTON)
    learner = {"r1": "record keeping", "r2": "supervision or audit", "r4": "risk assessment",
               "r6": "training"}  # fmt: skip
    result = coding_agreement(coded, learner)
    assert result.table["agree"].tolist() == [True, True, False, True]
    assert result.observed == 0.75
    assert result.kappa == pytest.approx(
        cohen_kappa(
            list(learner.values()),
            ["record keeping", "supervision or audit", "investigation", "training"],
        )  # fmt: skip
    )
    assert "agreed on 3 of 4" in result.describe()
    with pytest.raises(ModelError, match='theme "trainning" .* is not a theme'):
        coding_agreement(coded, {"r1": "trainning"})


# --------------------------------------------------------------------------- agencies and SMART


def test_by_agency_counts_shared_recommendations_for_each_agency():
    long = by_agency(NORTHAMPTON)
    assert len(long) == len(NORTHAMPTON) + 1  # r7 is addressed to two bodies
    assert set(long.loc[long["rec_id"] == "r7", "agency"]) == {"NSAB", "Northampton County Council"}
    piped = NORTHAMPTON.assign(addressed_to=["A | B"] + [""] * 6)
    assert by_agency(piped)["agency"].tolist()[:2] == ["A", "B"]


def test_smart_prompts_on_hand_picked_recommendations():
    checked = smart_check(NORTHAMPTON).set_index("rec_id")
    # dated, owned, countable, concrete
    assert checked.loc["r6", ["specific", "owned", "measurable", "time_bound"]].all()
    # "all agencies should be aware": nobody in particular owns it, nothing concrete to do
    assert not checked.loc["r5", "owned"] and not checked.loc["r5", "specific"]
    assert checked.loc["r5", "smart_score"] < checked.loc["r6", "smart_score"]
    # "may" as in "may be missed" is not a month
    maybe = pd.DataFrame({"text": ["An opportunity may be missed."], "addressed_to": [["Police"]]})
    assert not smart_check(maybe).loc[0, "time_bound"]


def test_figure_and_editor_widget():
    fig = agency_theme_figure(code(NORTHAMPTON), source="Home Office DHR Library")
    assert "7 recommendations" in fig.layout.meta["description"]
    assert "Home Office DHR Library" in fig.layout.annotations[0].text.replace("<br>", " ")
    box = coder_explorer(NORTHAMPTON, source="Home Office DHR Library")
    editor, button, message, figure = box.children
    before = list(figure.data[0].y)
    editor.value = "housing: housing officer*, tenant*, letters"
    button.click()
    assert list(figure.data[0].y) != before and "housing" in list(figure.data[0].y)
    editor.value = "housing housing officer*"
    button.click()
    assert "has no colon" in message.value  # the figure keeps its last good state
    assert "housing" in list(figure.data[0].y)


def test_the_coder_caption_says_no_rule_matched_once():
    from toolkit.data import load_recommendations

    caption = coder_explorer(load_recommendations(), source="Home Office DHR Library")
    caption = caption.children[2].value.lower()
    assert caption.count("no rule matched") == 1, caption


def test_every_default_theme_is_one_of_the_course_themes():
    assert tuple(default_rules()) == THEMES


def test_works_unchanged_on_the_data_package_and_an_appended_review():
    from toolkit.data import load_recommendations

    recs = load_recommendations()
    other = pd.DataFrame(
        {
            "rec_id": ["other-r01"],
            "text": ["The force to audit the supervision of every case by March 2026."],
            "addressed_to": [("Police",)],
            "theme": ["supervision_audit"],
        }
    )
    combined = pd.concat([recs, other], ignore_index=True)
    coded = code(combined)
    assert len(coded) == len(recs) + 1
    assert coded["theme"].equals(combined["theme"])  # the course team's coding is kept
    row = smart_check(coded).set_index("rec_id").loc["other-r01"]
    assert row[["specific", "owned", "measurable", "time_bound"]].all()
    team = agreement_with_column(coded)
    assert team.table.set_index("rec_id").loc["other-r01", "agree"]
    assert -1 <= team.kappa <= 1 and len(team.table) == len(combined)
    assert "Police" in set(by_agency(coded)["agency"])


def test_bodies_column_counts_one_housing_body_once():
    # The Northampton review names its housing body two ways; the data's bodies column brings
    # them together, and the verbatim names stay in addressed_to.
    from toolkit import data

    recs = data.load_recommendations()
    verbatim = by_agency(recs)["agency"].value_counts()
    bodies = by_agency(recs, column="bodies")["agency"].value_counts()
    assert {"Northampton Partnership Housing", "Northampton Partnership Homes"} <= set(
        verbatim.index
    )
    housing = sum(verbatim[f"Northampton Partnership {n}"] for n in ("Housing", "Homes"))
    assert bodies["Northampton Partnership Homes (NPH)"] == housing
    assert bodies["All agencies"] == 3
    assert len(bodies) == len(verbatim) - 1
    fig = agency_theme_figure(code(recs.assign(addressed_to=recs["bodies"])), source="x")
    assert "Northampton Partnership Housing" not in fig.data[0].y


# --------------------------------------------------------------------------- figure layout
# Geometry of a drawn figure (page width, font, note position): tests/figure_geometry.py
from figure_geometry import PAGE, WIDE_EM, note_box  # noqa: E402  (shared helper)


def the_notebooks_figures():
    """The three figures of notebook 05 with the sources the notebook gives them."""
    from toolkit import data
    from toolkit.recommendations import implementation_figure

    recs = data.load_recommendations()
    coded = code(recs)
    northampton = data.cite("dhr-northampton-2023")
    implementation = data.load_dhr_implementation()
    status = implementation.query("measure == 'share_by_status'")
    reported = (
        data.cite("guardian-2025-learning-from-loss")
        + " (secondary source), reporting "
        + data.cite("dac-2025-learning-from-loss")
    )
    coder = coder_explorer(recs, source=northampton).children[-1]
    return {
        "agency and theme": agency_theme_figure(
            coded.assign(addressed_to=coded["bodies"]), source=northampton
        ),
        "implementation": implementation_figure(status, source=reported),
        "coder explorer": coder,
    }


@pytest.mark.parametrize("name", ["agency and theme", "implementation", "coder explorer"])
def test_every_line_of_the_source_note_shows_on_a_printed_page(name):
    # The student trial: the implementation note ran 75 px past the figure's bottom, the
    # heatmap's URL line was hidden, and the coder's first line stopped at "Home Office DHR Li".
    fig = the_notebooks_figures()[name]
    box = note_box(fig)
    assert box["bottom"] <= fig.layout.height, "the note runs past the bottom of the figure"
    assert 0 <= box["left"] and box["right"] <= PAGE, "a line of the note runs off the page"
    assert box["below_plot"] >= 50, "the note sits on the x axis labels"
    if name == "agency and theme":  # theme names slant 30 degrees under the axis
        longest = max(len(x) for x in fig.data[0].x)
        assert box["below_plot"] >= longest * 12 * WIDE_EM / 2


def test_a_longer_source_makes_a_taller_figure_not_a_smaller_plot():
    from toolkit.recommendations import implementation_figure

    status = pd.DataFrame({"status": ["Fully implemented", "Not met"], "value": [25.0, 8.0]})
    short = implementation_figure(status, source="x")
    long = implementation_figure(status, source="a long source, " * 30)
    assert long.layout.height > short.layout.height
    plot = [f.layout.height - f.layout.margin.t - f.layout.margin.b for f in (short, long)]
    assert plot[0] == plot[1]
    assert note_box(long)["bottom"] <= long.layout.height
    # The wording is kept: only line breaks are added.
    text = long.layout.annotations[0].text.replace("<br>", " ")
    assert " ".join(text.split()) == "Source: " + " ".join(("a long source, " * 30).split())
