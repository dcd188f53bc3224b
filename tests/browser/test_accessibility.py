"""The live notebooks as a keyboard or screen-reader user meets them, in JupyterLab and Chromium.

- axe-core (the copy the handouts use, WCAG 2.0 to 2.2 A and AA rules) over every notebook's
  outputs after Run All, on JupyterLab's light theme and again on its dark theme (the same
  run, the theme switched from the Settings menu): no serious or critical finding.
- The contrast of every piece of text in the outputs, on both themes, worked out here
  (``a11y_steps.low_contrast_text``): axe-core's own rule checks no text inside JupyterLab.
- Every control in the outputs has a name in Chromium's accessibility tree (read through the
  DevTools protocol, as a screen reader reads it), and a slider says the value it shows.
- One question of every kind, a flag in the timeline explorer and a wide table, done with the
  keyboard alone (Tab, Shift+Tab, the arrow keys, Space and Enter; typing for typed answers):
  the feedback appears, is in a live region, focus stays where it was and always shows, and
  the answer is saved.

These tests run on a JupyterLab of their own (the theme switch is saved in its settings).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from a11y_steps import low_contrast_text, slider_names, unnamed_controls

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "toolkit" / "handouts" / "vendor" / "axe-core" / "axe.min.js"
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")) + [
    "trainer/cohort-debrief.ipynb"
]
DEMO = ROOT / "tests" / "data" / "answers" / "exercises" / "90-demo-all-types.yaml"
KEYBOARD = "zz-keyboard.ipynb"

AXE_RUN = """async () => {
    const result = await axe.run({include: [['.jp-OutputArea']]}, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
        resultTypes: ['violations'],
    });
    return result.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.id} (${v.impact}): `
            + v.nodes.slice(0, 3).map(n => n.html.slice(0, 120)).join(' | '));
}"""


@pytest.fixture(scope="module")
def a11y_lab(module_lab):
    """This module's own JupyterLab (the theme switch is saved in its settings), with a
    notebook holding one question of every kind and the timeline explorer."""
    _write_keyboard_notebook(module_lab.root / KEYBOARD)
    return module_lab


def _write_keyboard_notebook(path: Path) -> None:
    import nbformat
    import yaml

    demo = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    cells = [
        'import toolkit\nfrom IPython.display import display\ntoolkit.begin("zz-keyboard")',
        "from toolkit.exercises.catalog import find\nfrom toolkit.exercises.widgets import widget",
        # one question of every kind, in the demo file's order
        *[f'display(widget(find("{q["id"]}", path=r"{DEMO}")))' for q in demo["exercises"]],
        "from toolkit.explorer import TimelineExplorer\nTimelineExplorer().widget",
        # a table far wider than the page, as a learner's own DataFrame can be
        "import pandas as pd\n"
        "pd.DataFrame({f'column {i}': ['a long value here'] for i in range(40)})",
        "print('after the table')",
    ]
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(nb, str(path))


def _whole_notebook_on_screen(page) -> dict:
    """Make the window as tall as the notebook, with every cell rendered; return the size
    it had.

    axe-core checks the contrast of text on screen only, and JupyterLab's default windowing
    gives each cell ``content-visibility: auto`` (a cell off screen is not rendered at all):
    without this, axe would check the colours of one screenful. A test stylesheet renders
    every cell, and a window as tall as the notebook puts all of them on screen."""
    size = page.viewport_size
    page.add_style_tag(
        content=".jp-content-visibility-mode > .jp-Cell { content-visibility: visible !important; }"
    )
    page.wait_for_timeout(300)
    tall = page.evaluate(
        "() => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
        ".jp-WindowedPanel-outer').scrollHeight"
    )
    page.set_viewport_size({"width": size["width"], "height": min(tall + 400, 32_000)})
    page.wait_for_timeout(500)
    return size


def _axe_both_themes(page, what: str) -> None:
    """axe-core over every output on the light theme, then on the dark theme (then light
    again): no serious or critical finding on either."""
    size = _whole_notebook_on_screen(page)
    page.add_script_tag(path=str(AXE))
    try:
        assert page.evaluate(AXE_RUN) == [], f"{what}, light theme"
        assert low_contrast_text(page) == [], f"{what}, light theme"
        _theme(page, "JupyterLab Dark")
        assert page.evaluate(AXE_RUN) == [], f"{what}, dark theme"
        assert low_contrast_text(page) == [], f"{what}, dark theme"
    finally:
        _theme(page, "JupyterLab Light")
        page.set_viewport_size(size)


def _theme(page, name: str) -> None:
    """Settings > Theme > ``name``, as a learner would choose it; wait until it is applied."""
    light = "true" if "Light" in name else "false"
    if page.evaluate("document.body.dataset.jpThemeLight") == light:
        return
    page.click("div.lm-MenuBar-itemLabel:text-is('Settings')")
    page.hover("li.lm-Menu-item:has-text('Theme')")
    page.click(f"li.lm-Menu-item:has-text('{name}')")
    page.wait_for_function(f"document.body.dataset.jpThemeLight === '{light}'")
    # The attribute flips before the theme's stylesheet is in: wait for its background colour,
    # then until the accessibility helper has made no pass for half a second (new fonts can
    # widen a table, which then needs its scrolling box again).
    page.wait_for_function(
        """(light) => {
            const bg = getComputedStyle(document.body).getPropertyValue('--jp-layout-color0');
            const dark = /#111|rgb\\(17/.test(bg);
            return light === 'true' ? bg.trim() !== '' && !dark : dark;
        }""",
        arg=light,
    )
    page.wait_for_timeout(2600)  # the helper looks again 0.3, 1 and 2.5 s after a switch
    page.wait_for_function(
        """() => {
            const s = window.__everycallAccess && window.__everycallAccess.stats;
            if (!s) return true;
            const now = performance.now();
            if (window.__lastPasses !== s.passes) {
                window.__lastPasses = s.passes;
                window.__passesSince = now;
                return false;
            }
            return now - window.__passesSince > 500;
        }""",
        polling=100,
        timeout=30_000,
    )


# --------------------------------------------------------------------------------------------
# axe-core and names, every notebook, both themes


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_notebook_output_passes_axe_on_light_and_dark_themes(
    page, a11y_lab, run_all, notebook
):
    page.set_viewport_size({"width": 1000, "height": 900})  # tables wider than the page scroll
    _theme_light(page, a11y_lab)
    run_all(page, a11y_lab, notebook, timeout_s=300, restart=True)
    _helper_ready(page)
    assert unnamed_controls(page) == [], f"{notebook}: controls without a name"
    handles = slider_names(page)
    if notebook.startswith(("00-", "01-", "02-", "04-", "06-")):  # the what-if controls
        assert handles, f"{notebook}: no slider found in the accessibility tree"
    for handle in handles:
        assert handle["name"] and handle["name"] != "Slider", handle
        # What is said is what the slider shows ("0.85"), not noUiSlider's own "0.85.00"
        if handle["readout"]:
            assert handle["valuetext"] == handle["readout"], handle
    if notebook.startswith(("01-", "02-")):  # the explorer's dates: said as months, not 0 and 45
        dates = {h["name"]: h["valuetext"] for h in handles if h["name"].startswith("Dates")}
        assert set(dates) == {"Dates, from", "Dates, to"}, handles
        assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", v) for v in dates.values()), dates
    _axe_both_themes(page, notebook)


def _helper_ready(page) -> None:
    """Wait until the page's accessibility helper has loaded and named every slider handle."""
    page.wait_for_function(
        """() => window.__everycallAccess !== undefined
            && [...document.querySelectorAll('.noUi-handle')]
                .every(h => h.hasAttribute('aria-label'))""",
        timeout=30_000,
    )
    page.wait_for_timeout(200)  # its first full pass over the page


def _theme_light(page, lab) -> None:
    """Open JupyterLab and make sure the light theme is on (a failed test may have left dark)."""
    page.goto(f"{lab.url}/lab?reset&token={lab.token}")
    page.wait_for_selector(".jp-LabShell", timeout=60_000)
    _theme(page, "JupyterLab Light")


# --------------------------------------------------------------------------------------------
# The keyboard alone


def _saved(lab) -> dict:
    path = lab.root.parent / "answers" / "browser-test" / "zz-keyboard.json"
    return json.loads(path.read_text(encoding="utf-8"))["answers"]


def _saved_soon(lab, key: str, done=lambda entry: True, timeout_s: float = 20) -> dict:
    """The saved entry ``key`` once the kernel has written it and ``done(entry)`` holds (the
    feedback shows a moment before the attempt is written)."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            entry = _saved(lab)[key]
            if done(entry):
                return entry
        except (FileNotFoundError, KeyError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{key} was not saved as expected: {_saved(lab).get(key)}")
        time.sleep(0.2)


def _focused(page) -> str:
    """What has focus: its tag, type, text or label (for messages and checks)."""
    return page.evaluate(
        """() => { const el = document.activeElement;
        return [el.tagName.toLowerCase(), el.type || '', el.getAttribute('aria-label') || '',
                (el.innerText || el.value || '').trim().slice(0, 60)].join('|'); }"""
    )


# Whether the focused element shows where focus is: an outline (or a ring drawn as a box
# shadow) at least 2 px wide, for every widget control and table region Tab reaches.
_RING = """() => {
    const el = document.activeElement;
    if (!el || !el.closest('.jp-OutputArea-output')) return '';
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow && style.boxShadow !== 'none';
    return outline || shadow ? '' : el.outerHTML.slice(0, 120);
}"""


def _tab_to(page, predicate_js: str, *, back: bool = False, limit: int = 40) -> None:
    """Press Tab (Shift+Tab with ``back``) until the focused element matches ``predicate_js``
    (a function of the element), as a keyboard user moves through the page; every control
    passed on the way must show a focus ring."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        assert page.evaluate(_RING) == "", "focus is not visible here"
        if page.evaluate(f"({predicate_js})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {predicate_js}; focus is on {_focused(page)}")


def _start_at(page, question) -> None:
    """Put the keyboard's place at the start of ``question``, as a screen reader's reading
    cursor (or a click on the question's text) does; everything after is keys."""
    question.scroll_into_view_if_needed()
    question.locator(".everycall-prompt").evaluate(
        """el => { el.tabIndex = -1; el.focus(); el.removeAttribute('tabindex'); }"""
    )


def _group_name(group) -> str:
    """The text a group is named by (its ``aria-labelledby``)."""
    return group.evaluate(
        """el => (el.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean)
            .map(id => document.getElementById(id).innerText).join(' ')"""
    )


def _feedback(page, question, kind: str) -> str:
    box = question.locator(".everycall-feedback")
    box.locator(f".everycall-result.everycall-{kind}").wait_for(timeout=30_000)
    assert box.get_attribute("aria-live") == "polite"
    return box.inner_text()


def _press_check(page, question, label: str = "Check") -> None:
    """Tab to the question's Check (or Submit) button and press Enter; focus stays on it."""
    _tab_to(page, f"el => el.tagName === 'BUTTON' && el.innerText.trim() === '{label}'")
    page.keyboard.press("Enter")


def test_every_kind_of_question_and_a_flag_with_the_keyboard_alone(page, a11y_lab, run_all):
    run_all(page, a11y_lab, KEYBOARD, timeout_s=300, restart=True)
    _helper_ready(page)

    # Single choice: one Tab stop for the group, the arrow keys move and choose.
    q = page.locator(".everycall-single-choice").first
    _start_at(page, q)
    _tab_to(page, "el => el.type === 'radio'")
    assert "DVPN is served" in _group_name(q.locator("[role='radiogroup']"))
    page.keyboard.press("ArrowDown")  # "Within 48 hours", chosen as it is reached
    page.keyboard.press("Tab")  # one Tab leaves the group: the next stop is Check
    assert _focused(page).startswith("button|") and _focused(page).endswith("|Check")
    page.keyboard.press("Enter")
    assert "48 hours" in _feedback(page, q, "correct")
    assert _focused(page).endswith("|Check"), "focus moved away from Check"
    saved = _saved_soon(a11y_lab, "90-dvpo-hearing", lambda e: e.get("attempts"))
    assert saved["value"] == "Within 48 hours" and saved["correct"] is True
    # Enter again, same answer: the same feedback is a change the live region reads out again
    # (emptied, then filled), not a value set twice and never sent.
    q.locator(".everycall-feedback").evaluate(
        """el => { window.__feedbackChanges = 0;
            new MutationObserver(() => window.__feedbackChanges++)
                .observe(el, {childList: true, subtree: true, characterData: true}); }"""
    )
    page.keyboard.press("Enter")
    page.wait_for_function("window.__feedbackChanges >= 2", timeout=20_000)
    assert "48 hours" in _feedback(page, q, "correct")
    assert _focused(page).endswith("|Check")

    # Multiple choice: a named group of checkboxes, each ticked with Space.
    q = page.locator(".everycall-multiple-choice").first
    _start_at(page, q)
    assert "Marac referral criteria" in _group_name(q.locator("[role='group']").first)
    for wanted in [True, True, False, True]:  # the three criteria, not the written request
        _tab_to(page, "el => el.type === 'checkbox'")
        if wanted:
            page.keyboard.press("Space")
    _press_check(page, q)
    _feedback(page, q, "correct")
    saved = _saved_soon(a11y_lab, "90-marac-criteria", lambda e: e.get("attempts"))
    assert saved["correct"] is True and len(saved["value"]) == 3

    # A number: typed, then Tab to Check and Enter; a wrong one first.
    q = page.locator(".everycall-numeric").first
    _start_at(page, q)
    _tab_to(page, "el => el.tagName === 'INPUT' && el.type === 'text'")
    # At full speed, straight on to Check (the next Tab stop) and Enter: the click is held
    # until the number is in the kernel, so "12" is marked, not "1".
    page.keyboard.type("12")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert _focused(page).endswith("|Check")
    assert "Lower than" in _feedback(page, q, "incorrect")
    _tab_to(page, "el => el.tagName === 'INPUT' && el.type === 'text'", back=True)
    page.keyboard.press("Control+a")
    page.keyboard.type("14")
    _press_check(page, q)
    _feedback(page, q, "correct")
    saved = _saved_soon(a11y_lab, "90-dash-threshold", lambda e: e.get("correct"))
    assert saved["value"] == 14

    # Text: typed, then Submit.
    q = page.locator(".everycall-free-text").first
    _start_at(page, q)
    _tab_to(page, "el => el.tagName === 'TEXTAREA'")
    page.keyboard.type("Children, weapons and court orders.", delay=20)
    _press_check(page, q, "Submit")
    _feedback(page, q, "saved")
    saved = _saved_soon(a11y_lab, "90-calm-caller", lambda e: e.get("attempts"))
    assert saved["value"] == "Children, weapons and court orders."

    # Ordering: choose an item in the list with the arrow keys, Tab to Move up, press Enter.
    q = page.locator(".everycall-ordering").first
    _start_at(page, q)
    right = [
        "Police notify the community safety partnership",
        "An independent chair is appointed",
        "Agencies write management reviews with chronologies",
        "The chair combines the chronologies into an overview report",
    ]
    _tab_to(page, "el => el.tagName === 'SELECT'")
    for place, item in enumerate(right):
        shown = q.locator("select option").evaluate_all(
            "options => options.map(o => o.text.replace(/\\u00a0/g, ' '))"
        )  # ipywidgets writes the spaces as no-break spaces
        assert len(shown) == 4 and any(t.endswith(item) for t in shown), (shown, item)
        now = next(i for i, text in enumerate(shown) if text.endswith(item))
        page.keyboard.press("Home")
        for _ in range(now):
            page.keyboard.press("ArrowDown")
        page.wait_for_timeout(300)  # a person's pause: the choice reaches the kernel first
        if now > place:
            _tab_to(page, "el => el.innerText.trim() === 'Move up'")
            for _ in range(now - place):
                page.keyboard.press("Enter")
                page.wait_for_timeout(300)
            page.wait_for_function(
                "([el, text, at]) => el.options[at].text.replace(/\\u00a0/g, ' ').endsWith(text)",
                arg=[q.locator("select").element_handle(), item, place],
                timeout=20_000,
            )
            _tab_to(page, "el => el.tagName === 'SELECT'", back=True)
    _press_check(page, q)
    _feedback(page, q, "correct")
    saved = _saved_soon(a11y_lab, "90-dhr-steps", lambda e: e.get("attempts"))
    assert saved["value"] == right and saved["correct"] is True

    # Confidence: a named group of toggle buttons; Enter chooses one and says it is pressed.
    q = page.locator(".everycall-confidence").first
    _start_at(page, q)
    assert "confident are you about Marac" in _group_name(q.locator("[role='group']").first)
    _tab_to(page, "el => el.innerText.trim() === 'Fairly'")
    page.keyboard.press("Enter")
    fairly = q.locator("button", has_text="Fairly")
    page.wait_for_function(
        "el => el.getAttribute('aria-pressed') === 'true'", arg=fairly.element_handle()
    )
    assert _saved_soon(a11y_lab, "90-confidence")["value"] == "Fairly"

    # The explorer: choose an event and a type with the arrow keys, type a reason, flag it.
    explorer = page.locator(".everycall-explorer").first
    explorer.scroll_into_view_if_needed()
    explorer.locator("select").first.evaluate("el => el.focus()")  # the case list
    _tab_to(
        page,
        "el => el.tagName === 'SELECT' && el.closest('.widget-dropdown') && "
        "el.closest('.widget-dropdown').innerText.startsWith('Event')",
    )
    page.keyboard.press("ArrowDown")  # the first event of the case
    event = explorer.locator(".widget-dropdown", has_text="Event").locator("select")
    page.wait_for_function("el => el.selectedIndex === 1", arg=event.element_handle())
    _tab_to(
        page,
        "el => el.tagName === 'SELECT' && el.closest('.widget-dropdown') && "
        "el.closest('.widget-dropdown').innerText.startsWith('Type')",
    )
    page.keyboard.press("ArrowDown")
    _tab_to(page, "el => el.tagName === 'TEXTAREA'")
    page.keyboard.type("A repeat call could have been linked to the earlier ones.", delay=20)
    _tab_to(page, "el => el.innerText.trim() === 'Flag this event'")
    page.keyboard.press("Enter")
    status = explorer.locator(".everycall-announce", has_text="Saved your flag")
    status.wait_for(timeout=30_000)
    assert status.get_attribute("aria-live") == "polite"
    assert _focused(page).endswith("|Flag this event")
    flags = [v for k, v in _saved(a11y_lab).items() if k.startswith("flags:")]
    assert flags and flags[0]["value"][0]["reason"].startswith("A repeat call")

    # A wide table: its scrolling box is one Tab stop with a name, scrolled with the arrows.
    page.locator(".jp-OutputArea-output", has_text="column 39").last.scroll_into_view_if_needed()
    table_box = page.locator("[data-everycall-scroll]", has_text="column 39").last
    table_box.wait_for(timeout=10_000)
    assert table_box.get_attribute("role") == "region"
    assert "scrolls sideways" in table_box.get_attribute("aria-label")
    _tab_to(page, "el => el.hasAttribute('data-everycall-scroll')")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=table_box.element_handle())

    # With feedback of every kind, a flag and the flags table on show: AA on both themes.
    _axe_both_themes(page, "answered questions and a flag")
