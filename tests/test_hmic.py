"""Tests for toolkit.hmic: sourced figures over time for the HMIC notebook."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.errors import ModelError
from toolkit.hmic import (
    describe_trend,
    figures_table,
    findings_markdown,
    trend_explorer,
    trend_figure,
)

# Figures from the fact sheet, section 2.6 (ONS bulletins), in the data package's shape.
TRENDS = pd.DataFrame(
    {
        "measure": ["da_related_crimes"] * 3 + ["arrests_per_100_da_crimes"] * 2,
        "value": [599549.0, 746219.0, 758941.0, 46.0, 33.0],
        "unit": ["crimes"] * 3 + ["per 100 crimes"] * 2,
        "period": ["YE Mar 2018", "YE Mar 2019", "YE Mar 2020", "YE Jun 2017", "YE Mar 2020"],
        "period_end": pd.to_datetime(
            ["2018-03-31", "2019-03-31", "2020-03-31", "2017-06-30", "2020-03-31"]
        ),
        "note": ["", "", "excluding Greater Manchester Police", "39 forces", ""],
        "secondary": [False, True, False, False, False],
        "source_id": ["ons-2018", "ncdv-2019", "ons-2020", "ons-2017", "ons-2020"],
    }
)


def test_trend_figure_keeps_every_source_and_marks_secondary_points():
    fig = trend_figure(TRENDS, "da_related_crimes", cite=lambda s: f"<{s}>")
    trace = fig.data[0]
    assert list(trace.y) == [599549.0, 746219.0, 758941.0]
    assert "Source: &lt;ncdv-2019&gt; (secondary)" in trace.hovertext[1]
    assert "excluding Greater Manchester Police" in trace.hovertext[2]
    assert list(trace.marker.color) == ["#0072B2", "white", "#0072B2"]
    assert "ons-2018; ncdv-2019; ons-2020" in fig.layout.annotations[0].text
    assert "Open markers come from secondary sources" in fig.layout.meta["description"]


def test_description_gives_first_and_last_values_with_periods():
    text = describe_trend(TRENDS, "da_related_crimes")
    assert text.startswith("Police-recorded domestic abuse-related crimes: 599,549 crimes")
    assert "758,941 crimes (YE Mar 2020), 3 figures" in text


def test_unknown_measure_suggests_the_nearest():
    with pytest.raises(ModelError, match='did you mean "da_related_crimes"'):
        trend_figure(TRENDS, "da_crimes")


def test_trends_table_missing_columns_is_named():
    with pytest.raises(ModelError, match=r"no column\(s\) period_end"):
        trend_figure(TRENDS.drop(columns="period_end"), "da_related_crimes")


def test_explorer_swaps_the_measure_in_place():
    box = trend_explorer(TRENDS)
    menu, fig, caption = box.children
    assert len(fig.data[0].y) == 3
    menu.value = "arrests_per_100_da_crimes"
    assert list(fig.data[0].y) == [46.0, 33.0]
    assert box.children[1] is fig
    assert "Arrests per 100" in caption.value and "ons-2017" in caption.value


def test_figures_table_states_qualifiers_ranges_and_secondary_sources():
    figures = pd.DataFrame(
        {
            "report_id": ["hmic-2014", "hmic-2014", "hmic-2017"],
            "measure": ["victims_high_risk", "files_reviewed", "forces_cause_of_concern"],
            "value": [58000.0, 600.0, 7.0],
            "value_high": [None, None, None],
            "unit": ["victims", "files", "forces"],
            "qualifier": ["almost", "about", "exact"],
            "period": ["c.2013", "2013", "2017"],
            "description": ["Victims at high risk", "Assault files reviewed", "Cause of concern"],
            "secondary": [True, True, True],
            "source_id": ["bbc-2014-hmic", "bbc-2014-hmic", "willis-palmer-2017"],
        }
    )
    table = figures_table(figures, report_id="hmic-2014")
    assert table["value"].tolist() == ["almost 58,000 victims", "about 600 files"]
    assert table["source"].tolist() == ["bbc-2014-hmic (secondary)"] * 2
    ranged = figures.assign(value_high=[None, None, 9.0])
    assert figures_table(ranged).loc[2, "value"] == "7 to 9 forces"


def test_findings_are_grouped_by_theme_with_sources():
    findings = pd.DataFrame(
        {
            "report_id": ["hmic-2014"] * 3,
            "theme": ["identifying risk", "identifying risk", "training"],
            "finding": ["Risk assessment applied inconsistently.", "No serial perpetrator process.",
                        "Coercive control not understood."],
            "source_id": ["northern-echo-2014", "northern-echo-2014", "grazia-2014"],
        }
    )  # fmt: skip
    text = findings_markdown(findings)
    assert text.index("**Identifying risk**") < text.index("**Training**")
    assert "- Coercive control not understood. [grazia-2014]" in text
    with pytest.raises(ModelError, match='no findings for report "hmic-2015"'):
        findings_markdown(findings, report_id="hmic-2015")


def test_shipped_figures_read_with_pounds_and_an_estimate_in_words():
    from toolkit.data import load_hmic

    table = figures_table(load_hmic(), report_id="hmic-2014")
    values = dict(zip(table["figure"], table["value"], strict=True))
    assert values["Estimated cost of domestic abuse to society."] == (
        "an estimated £15.7 billion per year"
    )
    assert "GBP" not in " ".join(table["value"])
