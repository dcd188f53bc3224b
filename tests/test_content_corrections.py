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

    from toolkit._paths import notebooks_dir

    cells = json.loads((notebooks_dir() / notebook).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def _sentences_with(text: str, words: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if re.search(words, s)]


def test_the_30_seconds_figure_is_quoted_as_the_source_words_it_an_emergency_call():
    from toolkit import intro
    from toolkit._paths import notebooks_dir

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
