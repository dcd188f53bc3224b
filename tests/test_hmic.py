"""Tests for toolkit.hmic: sourced figures over time for the HMIC notebook."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit import data
from toolkit.errors import ModelError
from toolkit.hmic import (
    describe_trend,
    figures_table,
    findings_markdown,
    recommendations_table,
    reports_table,
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
    assert fig.layout.annotations[0].text.split("<br>") == [
        "Sources:",
        "• &lt;ons-2018&gt;",
        "• &lt;ncdv-2019&gt; (secondary)",
        "• &lt;ons-2020&gt;",
    ]
    assert "Open markers come from secondary sources" in fig.layout.meta["description"]


def _squashed(text: str) -> str:
    """Text with line breaks, bullets and spaces taken out, to compare wrapped text."""
    import html
    import re

    return re.sub(r"\s|•", "", html.unescape(text.replace("<br>", "")))


def test_static_chart_footnote_carries_full_citations_by_default():
    # A saved or printed chart has no hover: its footnote must cite each source in full.
    fig = trend_figure(TRENDS, "da_related_crimes")
    text = _squashed(fig.layout.annotations[0].text)
    for sid in ("ons-2018", "ncdv-2019", "ons-2020"):
        assert _squashed(data.cite(sid)) in text, sid
    assert _squashed(data.cite("ncdv-2019") + " (secondary)") in text
    assert "ons-2018" not in text  # no bare ids
    assert "https://www.ons.gov.uk/" in fig.layout.annotations[0].text  # a URL's start is whole
    lines = fig.layout.annotations[0].text.split("<br>")
    assert max(len(line) for line in lines) <= 127  # fits an A4 page: no URL runs off it
    # More sources make a taller chart, so the footnote is never cut off.
    one = trend_figure(TRENDS.iloc[3:], "arrests_per_100_da_crimes")
    assert fig.layout.height > one.layout.height
    one_lines = one.layout.annotations[0].text.split("<br>")
    assert fig.layout.margin.b - one.layout.margin.b == 13 * (len(lines) - len(one_lines))


def test_description_names_sources_without_their_urls():
    text = describe_trend(TRENDS, "da_related_crimes")
    assert "Office for National Statistics, 22 November 2018" in text
    assert "NCDV magazine, November 2019 (secondary)" in text
    assert "http" not in text and "ons-2018" not in text


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
    assert "Arrests per 100" in caption.value
    assert "Office for National Statistics, 23 November 2017" in caption.value
    # The footnote and the room for it follow the measure.
    assert fig.layout.height == trend_figure(TRENDS, "arrests_per_100_da_crimes").layout.height
    assert "year ending March 2017" in fig.layout.annotations[0].text
    assert "NCDV" not in fig.layout.annotations[0].text


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
    table = figures_table(figures, report_id="hmic-2014", cite=str.upper)
    assert list(table.columns) == ["Figure", "Value", "Period", "Source"]
    assert table["Value"].tolist() == ["almost 58,000 victims", "about 600 files"]
    assert table["Source"].tolist() == ["BBC-2014-HMIC (secondary)"] * 2
    assert table.index.tolist() == ["", ""]  # as toolkit.data.for_display shows a table
    ranged = figures.assign(value_high=[None, None, 9.0])
    assert figures_table(ranged)["Value"].iloc[2] == "7 to 9 forces"


def test_shipped_figures_keep_the_sources_rounding_words_and_cite_in_full():
    table = figures_table(data.load_hmic(), report_id="hmic-2014")
    values = dict(zip(table["Figure"], table["Value"], strict=True))
    # HMICFRS's topic page: "nearly 200 professionals"; BBC: "almost 58,000" victims.
    assert values["Professionals who work with victims who answered a survey."] == (
        "nearly 200 people"
    )
    assert values["Victims assessed as at high risk of serious harm or murder."] == (
        "almost 58,000 victims"
    )
    assert not any(v.startswith("under ") for v in table["Value"])
    bbc = data.cite("bbc-2014-hmic") + " (secondary)"
    assert table.loc[table["Value"] == "almost 58,000 victims", "Source"].tolist() == [bbc]
    assert not table["Source"].str.fullmatch(r"[a-z0-9-]+( \(secondary\))?").any()
    pandemic = figures_table(data.load_hmic(), report_id="hmicfrs-2021-pandemic")
    assert set(pandemic["Source"]) == {data.cite("itv-2021-charges") + " (secondary)"}


def test_recommendations_keep_hmic_deadlines_apart_from_what_happened_next():
    table = recommendations_table(data.load_hmic_recommendations())
    assert table["Recommendation"].tolist() == [
        "Force action plans",
        "National oversight and monitoring group",
        "Better data",
        "Training and culture change",
        "Review of DASH",
    ]
    # Only the action plans had a deadline set by HMIC (fact sheet 1.4).
    assert table["Deadline set by HMIC"].tolist() == ["September 2014", "", "", "", ""]
    assert table["When"].tolist() == ["", "", "In force from April 2015", "By mid-2015", "2015"]
    assert "Annual Data Return" in table["What happened next"].iloc[2]
    assert "Hertfordshire" in table["What happened next"].iloc[3]
    assert table["Source"].iloc[2] == data.cite("pq-hl2438-2015")
    core = recommendations_table(data.load_hmic_recommendations(), report_id="hmic-2014-core")
    assert core["Deadline set by HMIC"].tolist() == ["31 March 2015"]
    vawg = recommendations_table(data.load_hmic_recommendations(), report_id="hmicfrs-2021-vawg")
    assert "Deadline set by HMICFRS" in vawg.columns
    with pytest.raises(ModelError, match='no recommendations for report "hmic-2041"'):
        recommendations_table(data.load_hmic_recommendations(), report_id="hmic-2041")


def test_reports_list_shows_dates_as_sources_state_them_and_leaves_out_register_entries():
    table = reports_table(data.load_hmic_reports())
    assert table["Published"].tolist() == [
        "27 March 2014",
        "4 September 2014",
        "December 2015",
        "14 November 2017",
        "February 2019",
        "23 June 2021",
        "Interim report July 2021; final report 17 September 2021",
    ]
    assert not table["Title"].str.contains("register", case=False).any()
    assert table["National recommendations"].tolist()[-3:] == ["0", "3", "5"]
    assert table["National recommendations"].iloc[0] == ""  # not confirmed for 2014
    assert table["Source"].iloc[3] == data.cite("hmicfrs-2017-progress")


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
    text = findings_markdown(findings, cite=lambda s: f"<{s}>")
    assert text.index("**Identifying risk**") < text.index("**Training**")
    assert "- Coercive control not understood. (<grazia-2014>)" in text
    full = findings_markdown(findings)
    assert f"- Coercive control not understood. ({data.cite('grazia-2014')})" in full
    with pytest.raises(ModelError, match='no findings for report "hmic-2015"'):
        findings_markdown(findings, report_id="hmic-2015")


def test_shipped_figures_read_with_pounds_and_an_estimate_in_words():
    table = figures_table(data.load_hmic(), report_id="hmic-2014")
    values = dict(zip(table["Figure"], table["Value"], strict=True))
    assert values["Estimated cost of domestic abuse to society."] == (
        "an estimated £15.7 billion per year"
    )
    assert "GBP" not in " ".join(table["Value"])


def test_x_labels_clear_the_y_axis_zero_and_the_footnote_clears_them():
    # The student trial: with "Marac cases per 10,000 adult women", the first date under the
    # axis ("2017") sat on the y axis's "0". The x labels are pushed down, and the footnote
    # starts below them and the axis title.
    fig = trend_figure(data.load_trends(), "marac_cases_per_10000_women")
    assert fig.layout.yaxis.rangemode == "tozero"
    assert (fig.layout.xaxis.ticklabelstandoff or 0) >= 6
    note = fig.layout.annotations[0]
    assert note.y == 0 and note.yanchor == "top"
    assert -note.yshift >= 60 + fig.layout.xaxis.ticklabelstandoff
    lines = note.text.split("<br>")
    assert fig.layout.margin.b >= -note.yshift + len(lines) * note.font.size * 1.3


def test_footnote_lines_fit_a_printed_page_in_a_wide_font():
    # A4 handout: about 680 CSS px; Verdana (drawn like DejaVu Sans) takes up to 0.55 of the
    # font size per character. The note starts near the figure's left edge.
    import html

    fig = trend_figure(data.load_trends(), "da_related_crimes")
    note = fig.layout.annotations[0]
    left = fig.layout.margin.l + note.xshift
    longest = max(len(html.unescape(line)) for line in note.text.split("<br>"))
    assert 0 <= left and left + longest * note.font.size * 0.55 <= 680
