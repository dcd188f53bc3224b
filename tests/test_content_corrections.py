"""Content that a review against the sources corrected, held where a check can hold it.

Each test names the fact it keeps: what a source says, or what was known on an event's date.
"""

from __future__ import annotations

import re

import pandas as pd

from toolkit import data
from toolkit.opportunities import run_rules

# ------------------------------------------- what was known on the date: the Northampton review

_LATER = re.compile(r"Northampton[^.;]*\blater\b|\blater\b[^.;]*Northampton")


def _northampton_published() -> pd.Timestamp:
    date = data.load_sources().set_index("source_id").loc["dhr-northampton-2023", "date"]
    assert date == "2023-07"
    return pd.Timestamp(f"{date}-01", tz="Europe/London")


def test_annotations_call_the_northampton_review_later_only_before_it_was_published():
    published = _northampton_published()
    checked = {"before": 0, "after": 0}
    for case in data.list_cases():
        when = data.load_events(case).set_index("event_id")["timestamp"]
        for _, row in data.load_annotations(case).iterrows():
            text = f"{row['explanation']} {row['policy_at_the_time']}"
            if "Northampton" not in text:
                continue
            after = when[row["event_id"]] >= published
            checked["after" if after else "before"] += 1
            if after:
                assert not _LATER.search(text), (case, row["event_id"], text)
                assert "published in July 2023" in text, (case, row["event_id"], text)
    # older-parent E32 (30 August 2023) is after publication; the 2019-2022 events are before
    assert checked["after"] >= 1 and checked["before"] >= 3, checked


def test_rule_flags_say_the_northampton_review_had_already_asked_after_it_was_published():
    published = _northampton_published()
    events = data.load_case("older-parent").events
    found = run_rules(events)
    found = found[found["rule_id"].isin(["cancelled-appointment-accepted"])]
    when = events.set_index("event_id")["timestamp"]
    after = found["event_id"].map(when) >= published
    assert after.any() and (~after).any()
    assert not found.loc[after, "explanation"].str.contains("later review").any()
    assert found.loc[after, "explanation"].str.contains("published in July 2023").all()
    assert found.loc[~after, "explanation"].str.contains("A later review").all()


# ------------------------------------------------ HMIC 2014: an emergency call every 30 seconds


def _markdown(notebook: str) -> str:
    """The markdown cells of a notebook, joined."""
    import json

    from toolkit.core.paths import notebooks_dir

    cells = json.loads((notebooks_dir() / notebook).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def _sentences_with(text: str, words: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if re.search(words, s)]


def test_the_30_seconds_figure_is_quoted_as_the_source_words_it_an_emergency_call():
    from toolkit import intro
    from toolkit.core.paths import notebooks_dir

    hmic = data.load_hmic().set_index("measure")
    assert "emergency call" in hmic.loc["seconds_between_da_calls", "description"]
    texts = {p.name: _markdown(p.name) for p in sorted(notebooks_dir().glob("*.ipynb"))}
    texts["toolkit.intro"] = " ".join(str(intro.__doc__).split())
    texts["the figure's description"] = intro.describe_calls(15, seconds_per_call=30, source="-")
    quoted = []
    for where, text in texts.items():
        for sentence in _sentences_with(text, r"every 30 seconds"):
            quoted.append(where)
            assert "emergency call" in sentence, (where, sentence)
    assert {"00-start-here.ipynb", "toolkit.intro", "the figure's description"} <= set(quoted)


def test_the_start_figure_counts_emergency_calls():
    from toolkit import intro

    fig = intro.calls_figure(15, seconds_per_call=30, source="HMIC 2014")
    assert "as emergency calls" in fig.layout.title.text
    assert "one emergency call every 30 seconds" in fig.layout.meta["description"]
    assert fig.layout.annotations[0].text.startswith("One marker = one emergency call")


# ------------------------------------- the definition: family members since 2013, statute 2021

_CREDITS_2021 = re.compile(
    r"2021[^.|;]*\b(?:so|therefore|which means)\b[^.|;]*\b(?:parent|son|relative|family)",
    re.IGNORECASE,
)


def _policy_table(notebook: str) -> dict[str, str]:
    """The "policy at the time" table of a notebook: its From column to its row."""
    rows = [line for line in _markdown(notebook).splitlines() if line.startswith("| ")]
    return {line.split("|")[1].strip(): line for line in rows}


def test_the_policy_table_dates_familial_abuse_from_the_2013_definition():
    table = _policy_table("02-missed-opportunities.ipynb")
    (row_2013,) = [row for date, row in table.items() if date.endswith("2013")]
    assert "16 or over" in row_2013 and "family members" in row_2013
    assert "Home Office circular 003/2013" in row_2013
    assert "already counted under the 2013 definition" in table["2021"]
    source = data.load_sources().set_index("source_id").loc["homeoffice-2013-da-definition"]
    assert source["date"] == "2013-02-14" and "31 March 2013" in source["note"]
    assert "homeoffice-2013-da-definition" in _sources_cell("02-missed-opportunities.ipynb")


def _sources_cell(notebook: str) -> str:
    import json

    from toolkit.core.paths import notebooks_dir

    cells = json.loads((notebooks_dir() / notebook).read_text(encoding="utf-8"))["cells"]
    return "".join(cells[-1]["source"])


def test_nothing_says_familial_abuse_counts_because_of_the_2021_act():
    from toolkit import exercises
    from toolkit.core.paths import notebooks_dir

    texts = {p.name: _markdown(p.name) for p in notebooks_dir().glob("*.ipynb")}
    for case in data.list_cases():
        notes = data.load_annotations(case)
        texts[case] = " ".join(notes["explanation"]) + " " + " ".join(notes["policy_at_the_time"])
    for ex in exercises.load_definitions().values():
        texts[ex.id] = " ".join(
            [ex.prompt, ex.model_answer or "", *(o.feedback or "" for o in ex.options)]
        )
    for where, text in texts.items():
        assert not _CREDITS_2021.search(text), (where, _CREDITS_2021.search(text).group())
    older = data.load_annotations("older-parent")
    (e12,) = older.loc[
        (older["event_id"] == "E12")
        & (older["opportunity_type"] == "third_party_concern_not_acted_on"),
        "policy_at_the_time",
    ]
    assert "since March 2013" in e12


# ------------------------------------------------------------ THRIVE: what a call handler weighs


def test_the_call_grading_annotation_says_what_thrive_asks_a_call_handler_to_weigh():
    notes = data.load_annotations("unlinked-calls")
    (row,) = notes[
        notes["event_id"].eq("E15") & notes["opportunity_type"].eq("call_graded_too_low")
    ].to_dict("records")
    assert row["source_id"] == "north-yorkshire-thrive"
    policy = row["policy_at_the_time"]
    assert "weigh" in policy
    after = policy.split("weigh", 1)[1]
    for factor in ("threat", "harm", "risk", "investigat", "vulnerab", "engagement"):
        assert factor in after.lower(), factor


# ------------------------------------------------- Marac: a high-risk referral without consent


def test_the_marac_annotation_says_what_guidance_expects_without_consent():
    notes = data.load_annotations("health-and-housing")
    (row,) = notes[
        notes["event_id"].eq("E27") & notes["opportunity_type"].eq("no_marac_referral")
    ].to_dict("records")
    text = f"{row['explanation']} {row['policy_at_the_time']}"
    assert "consent" in row["policy_at_the_time"]
    assert "with or without it" in row["policy_at_the_time"]
    assert "where it is safe" in text and "Idva" in row["explanation"]
    sources = data.load_sources().set_index("source_id")
    cited = sources.loc[row["source_id"]]
    assert cited["publisher"].startswith("SafeLives") and "consent" in cited["note"]
    for other in ("safelives-marac-victim-info", "cheshire-west-marac-referral"):
        assert "consent" in sources.loc[other, "note"] or "safe" in sources.loc[other, "note"]


# ------------------------------------- arrests per 100 crimes: 32 in 39 forces, 33 in 37 forces


def _arrests() -> pd.DataFrame:
    trends = data.load_trends()
    rows = trends[trends["measure"] == "arrests_per_100_da_crimes"]
    return rows.sort_values("period_end").set_index("period")


def test_the_trends_table_gives_each_arrest_figure_its_base_and_both_2019_figures_a_source():
    rows = _arrests()
    assert rows["base"].notna().all() and (rows["base"].str.strip() != "").all()
    y2019 = rows.loc["YE Mar 2019"]
    assert (y2019["value"], y2019["base"], y2019["source_id"]) == (
        32,
        "39 forces",
        "womensaid-2019-ons",
    )
    assert "33" in y2019["note"] and "37 forces" in y2019["note"]
    # The 37-force comparison that gives 33 for the same year sits on the row whose source
    # (the November 2020 release) gives it.
    y2020 = rows.loc["YE Mar 2020"]
    assert (y2020["base"], y2020["source_id"]) == ("37 forces", "ons-2020")
    assert "year ending March 2019 was also 33" in y2020["note"]
    sources = data.load_sources().set_index("source_id")
    women = sources.loc["womensaid-2019-ons"]
    assert women["kind"] == "secondary" and women["url"].startswith("https://www.womensaid.org.uk/")
    assert "39 police forces" in women["note"] and "32 arrests per 100" in women["note"]
    assert bool(y2019["secondary"])


def test_the_trend_chart_joins_only_figures_on_the_same_base_and_marks_each_change():
    from toolkit.hmic import trend_figure

    rows = _arrests()
    base_at = dict(zip(rows["period_end"], rows["base"], strict=True))
    fig = trend_figure(data.load_trends(), "arrests_per_100_da_crimes")
    points, *lines = fig.data
    assert "lines" not in points.mode and len(points.x) == len(rows)
    for line in lines:
        assert len({base_at[pd.Timestamp(x)] for x in line.x}) == 1
    changes = int((rows["base"] != rows["base"].shift()).sum()) - 1
    assert changes == 2 and len(fig.layout.shapes) == changes
    labels = [a.text for a in fig.layout.annotations[1:]]
    assert labels == ["39 forces →<br>37 forces", "37 forces →<br>38 forces"]
    assert "not all counted over the same base" in fig.layout.meta["description"]
    # A measure whose base never changes keeps one line through every point.
    crimes = trend_figure(data.load_trends(), "da_related_crimes")
    assert len(crimes.data) == 1 and crimes.data[0].mode == "lines+markers"
    assert not crimes.layout.shapes
