"""The start notebook's calls figure: one marker per call, sourced from HMIC 2014 in the data."""

from __future__ import annotations

import pytest

from toolkit import intro
from toolkit.errors import ToolkitError


def test_call_interval_comes_from_the_data_package_with_its_source():
    seconds, source = intro.call_interval()
    assert seconds == 30  # HMIC 2014: a domestic abuse-related call every 30 seconds
    assert "Everyone's business" in source and "2014" in source


def test_figure_draws_one_marker_per_call_and_describes_itself():
    fig = intro.calls_figure(15, seconds_per_call=30, source="HMIC 2014")
    assert len(fig.data[0].x) == 30
    assert "In 15 minutes, about 30" in fig.layout.title.text
    assert fig.layout.meta["description"].startswith("A grid of 30 markers")
    assert "HMIC 2014" in fig.layout.annotations[0].text


def test_explorer_slider_updates_the_same_figure_in_place():
    box = intro.calls_explorer(minutes=10)
    slider, fig, caption = box.children
    before = fig
    slider.value = 60
    assert box.children[1] is before
    assert len(fig.data[0].x) == 120
    assert "120 markers" in caption.value


@pytest.mark.parametrize("minutes", [-5, 241])
def test_minutes_outside_the_range_are_refused(minutes):
    with pytest.raises(ToolkitError, match="minutes must be between 0 and 240"):
        intro.calls_in(minutes, seconds_per_call=30)
