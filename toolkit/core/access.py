"""Accessible live controls: the names, groups and announcements ipywidgets leaves out.

ipywidgets 8 draws a slider's handle with ``role="slider"`` but no accessible name (noUiSlider,
which it uses, can take one, but ipywidgets passes none), gives the options of a RadioButtons
no shared ``name`` (so each option is its own Tab stop and the arrow keys do nothing), and
announces no change to an HTML widget. A screen reader then says "slider" for every what-if
control in the course. The gap is in ipywidgets itself; this module works around it here.

:func:`helper` is one small, invisible widget per kernel whose front end (``access.js``,
loaded through anywidget, which the course already needs for plotly's FigureWidget) installs
one observer on the page. Wherever an ipywidgets control appears or changes, it:

- names each slider handle from the slider's label ("Staff"; a range slider's two handles
  "Dates, from" and "Dates, to") and gives it the value as shown (a date, not an index);
- makes a RadioButtons a ``radiogroup`` named by its exercise's question, with one ``name``
  for its options (one Tab stop, moved through with the arrow keys, as in any form);
- makes a multiple-choice question's checkboxes a ``group`` named by the question, and a
  row of toggle buttons a group whose buttons say whether they are pressed;
- marks every widget with the class :data:`ANNOUNCE` as ``aria-live="polite"``: feedback
  after Check is read out without taking focus;
- makes an output whose table scrolls sideways a focusable, named region;
- shows a clear focus ring on every widget control, and keeps the course's feedback colours
  at AA contrast on JupyterLab's dark theme.

It never moves focus, and the attributes it sets are not ones it watches, so it cannot loop.
Handouts leave the helper out (it is :data:`~toolkit.core.display.LIVE_ONLY`); they print
controls as text.

``toolkit.begin()`` displays the helper (as a status output, which handouts and saved files
leave out), so every course notebook has it. A question and the timeline explorer also carry
it as a hidden last child, since they can be shown on their own (``exercises.widget``,
``TimelineExplorer().widget``). It also keeps JupyterLab's command-mode shortcuts (the arrow
keys, Enter) from taking over a radio button, list, slider handle, button or wide table.

Examples
--------
>>> h = helper()
>>> h is helper(), h.layout.display, "everycall-live-only" in h._dom_classes
(True, 'none', True)
>>> box = with_helper(__import__("ipywidgets").VBox())
>>> box.children[-1] is h
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.core.display import LIVE_ONLY

__all__ = ["ANNOUNCE", "ESM_PATH", "helper", "with_helper"]

#: The CSS class of a widget whose changes a screen reader should announce (aria-live).
ANNOUNCE = "everycall-announce"
#: The helper's front end.
ESM_PATH = Path(__file__).with_name("access.js")

_helper: Any = None


def _helper_class() -> type:
    # anywidget: a maintained way to ship a widget's front end as one ES module, with no
    # JupyterLab extension to build; it works the same in JupyterLab, Voila and Notebook 7.
    import anywidget
    import traitlets

    class AccessHelper(anywidget.AnyWidget):
        """The invisible widget whose front end makes the page's widget controls accessible."""

        _esm = traitlets.Unicode(ESM_PATH.read_text(encoding="utf-8")).tag(sync=True)

    return AccessHelper


def helper() -> Any:
    """This kernel's accessibility helper (made on first use; hidden, live notebooks only)."""
    global _helper
    if _helper is None or getattr(_helper, "comm", None) is None:
        import ipywidgets as widgets

        made = _helper_class()(layout=widgets.Layout(display="none"))
        made.add_class(LIVE_ONLY)
        _helper = made
    return _helper


def with_helper(box: Any) -> Any:
    """``box`` (an ipywidgets container) with the helper added as its last child."""
    if helper() not in box.children:
        box.children = (*box.children, helper())
    return box
