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
