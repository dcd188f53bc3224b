"""The seeded generator: same seed, same events; the columns and vocabularies of a real case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.data import load_vocab
from toolkit.data.synthetic import EVENT_COLUMNS, events_frame, synthetic_events
from toolkit.errors import DataError, ToolkitError

ROOT = Path(__file__).resolve().parents[1]


def test_the_same_seed_gives_the_same_events_and_another_seed_does_not():
    a = synthetic_events(5_000, seed=11)
    assert a.equals(synthetic_events(5_000, seed=11))
    assert not a.equals(synthetic_events(5_000, seed=12))


def test_it_has_every_column_of_the_events_schema():
    schema = json.loads((ROOT / "data" / "schemas" / "events.schema.json").read_text())
    fields = [f["name"] for f in schema["fields"]]
    ev = synthetic_events(500, seed=1)
    assert set(fields) <= set(ev.columns)
    assert list(ev.columns[1 : len(EVENT_COLUMNS)]) == list(EVENT_COLUMNS)[: len(EVENT_COLUMNS) - 1]


@pytest.mark.parametrize(
    ("column", "vocab"),
    [
        ("agency", "agencies"),
        ("contact_type", "contact_types"),
        ("initiated_by", "initiated_by"),
        ("outcome", "outcomes"),
        ("risk_tool", "risk_tools"),
    ],
)
def test_values_come_from_the_course_vocabularies(column: str, vocab: str):
    ev = synthetic_events(20_000, seed=2)
    known = set(load_vocab(vocab)["id"].astype(str))
    assert set(ev[column].astype(str)) <= known


def test_cases_are_in_time_order_in_london_time_and_sized_as_asked():
    ev = synthetic_events(1_001, n_cases=10, seed=3)
    assert len(ev) == 1_001 and ev["case_id"].nunique() == 10
    assert str(ev["timestamp"].dt.tz) == "Europe/London"
    assert (
        ev.groupby("case_id", observed=True)["timestamp"]
        .apply(lambda s: s.is_monotonic_increasing)
        .all()
    )
    assert ev["event_id"].is_unique


def test_scores_follow_the_dash_bands_and_dara_records_a_level_only():
    ev = synthetic_events(20_000, seed=5)
    dash = ev[ev["risk_tool"] == "dash"]
    assert (dash.loc[dash["risk_score"] >= 14, "risk_level"] == "high").all()
    assert (dash.loc[dash["risk_score"] < 10, "risk_level"] == "standard").all()
    dara = ev[ev["risk_tool"] == "dara"]
    assert len(dara) and dara["risk_score"].isna().all()
    assert (dara["timestamp"] >= "2022-11-26").all()


def test_bad_sizes_are_refused_with_the_range():
    with pytest.raises(ToolkitError, match="n_cases must be between 1 and n_events"):
        synthetic_events(10, n_cases=11)


def test_events_frame_fills_defaults_and_names_bad_cells():
    ev = events_frame([{"timestamp": "2019-03-01 22:10", "agency": "gp"}])
    assert ev.loc[0, "contact_type"] == "emergency_call"
    assert str(ev["timestamp"].dt.tz) == "Europe/London"
    with pytest.raises(DataError) as err:
        events_frame(
            [
                {"timestamp": "2019-03-01 22:10"},
                {"timestamp": "yesterday"},
                {"timestamp": "2019-03-02 10:00", "attended_minutes": "soon"},
            ]
        )
    assert str(err.value).splitlines() == [
        'events, row 2, column "timestamp": "yesterday" is not a date (expected YYYY-MM-DD HH:MM)',
        'events, row 3, column "attended_minutes": "soon" is not a number',
    ]
