"""Steps a browser test takes on a Voilà page (presenter mode or the code-free view), shared
by tests/browser/test_voila.py, tests/hub and benchmarks/voila.py."""

from __future__ import annotations

import time

# Voilà shows the cells once the kernel has run them all; outputs and widgets then render in
# the page (a FigureWidget only once plotly.js has loaded, which can take a second or two).
# Ready: cells shown, no spinner, every plotly figure drawn, nothing new for 3 s.
_SNAPSHOT = """() => {
    const cells = document.querySelector('#rendered_cells');
    if (!cells || getComputedStyle(cells).display === 'none' || document.getElementById('loading'))
        return null;
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return {
        plots: plots.length,
        drawn: plots.filter(p => p.querySelector('.main-svg')).length,
        empty: plots.filter(p => !(p.data && p.data.length)).length,
        widgets: document.querySelectorAll('.jupyter-widgets').length,
        outputs: document.querySelectorAll('.jp-OutputArea-output').length,
    };
}"""


def wait_for_voila(page, *, timeout_s: float = 180, settle_s: float = 3.0) -> dict:
    """Wait until a Voilà page has run and drawn everything; returns what it counted."""
    deadline = time.monotonic() + timeout_s
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        now = page.evaluate(_SNAPSHOT)
        if now is None or now["drawn"] < now["plots"] or now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= settle_s:
            return now
        time.sleep(0.2)
    raise AssertionError(f"the Voilà page did not finish drawing in {timeout_s:.0f} s: {last}")


def error_outputs(page) -> list[str]:
    """Text of any error output (a traceback or an error message) on the page."""
    return page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
    ).all_inner_texts()
