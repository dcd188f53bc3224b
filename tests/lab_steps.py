"""JupyterLab steps a browser test takes as a learner would, shared by tests/browser and
tests/hub: Run All Cells from the Run menu (the tech notes' recipe: the command palette ran
only the first cell) and wait until the run has finished.

"Finished" is read from the kernel's status and the cells, not from execution numbers: a cell
whose input is collapsed (``jupyter.source_hidden``, as the course's ``remove-input`` cells
are) shows a placeholder whose prompt stays empty after it runs. JupyterLab 4 (checked on
4.6) marks the run in three places:

- the notebook toolbar's execution indicator (``.jp-Notebook-ExecutionIndicator``) has
  ``data-status="busy"`` from the first cell's start until 150 ms after the last scheduled
  cell (collapsed ones included) is done, then the kernel's status (``idle``);
- a code cell queued or running shows ``[*]`` in its input prompt;
- the status bar reads "<kernel> | Busy", then "| Idle".

The status bar reads "| Idle" before the run starts too, so the wait first needs evidence
that this run started: a MutationObserver, installed before the click so that a notebook
that runs faster than any poll is still seen, notes the indicator, a prompt or the status
bar going busy (a prompt whose number changed counts as well). Then it waits until all
three are idle again and the number of code cells with outputs has not changed for a second.
"""

from __future__ import annotations

import contextlib

_WATCH = """() => {
    const panel = () =>
        document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)') || document;
    // A collapsed input's placeholder has a prompt of its own that stays empty: not counted.
    const prompts = () =>
        [...panel().querySelectorAll('.jp-CodeCell .jp-InputArea .jp-InputPrompt')]
            .map(p => p.textContent.trim());
    const busy = () => {
        const indicator = panel().querySelector('.jp-Notebook-ExecutionIndicator');
        return (indicator !== null && indicator.dataset.status === 'busy')
            || prompts().some(p => p.includes('[*]'))
            || [...document.querySelectorAll('.jp-StatusBar-Item')]
                .some(item => /\\|\\s*Busy\\b/.test(item.textContent));
    };
    const state = {started: false, before: prompts(), outputs: -1, since: 0, busy, prompts, panel};
    if (window.__everycallRunAll) window.__everycallRunAll.observer.disconnect();
    state.observer = new MutationObserver(() => {
        if (!state.started && busy()) state.started = true;
    });
    state.observer.observe(document.body, {
        subtree: true, childList: true, characterData: true, attributes: true,
        attributeFilter: ['data-status', 'class'],
    });
    window.__everycallRunAll = state;
}"""

_FINISHED = """() => {
    const state = window.__everycallRunAll;
    if (!state) return false;
    const now = state.prompts();
    if (!state.started) {
        state.started = state.busy()
            || now.some((p, i) => /\\[\\d+\\]/.test(p) && p !== state.before[i]);
        if (!state.started) return false;
    }
    const indicator = state.panel().querySelector('.jp-Notebook-ExecutionIndicator');
    const idle = !state.busy()
        && (indicator === null || indicator.dataset.status === 'idle')
        && [...document.querySelectorAll('.jp-StatusBar-Item')]
            .some(item => /\\|\\s*Idle\\b/.test(item.textContent));
    const outputs = state.panel()
        .querySelectorAll('.jp-CodeCell:not(.jp-mod-noOutputs)').length;
    if (!idle || outputs !== state.outputs) {
        state.outputs = idle ? outputs : -1;
        state.since = performance.now();
        return false;
    }
    return performance.now() - state.since >= 1000;
}"""

_STOP = """() => {
    if (window.__everycallRunAll) window.__everycallRunAll.observer.disconnect();
    delete window.__everycallRunAll;
}"""


def run_all_cells(page, *, timeout_ms: int) -> None:
    """Run > Run All Cells in the open notebook, then wait until the run has finished.

    Finished: the run was seen to start (the kernel or a cell went busy), the kernel and the
    notebook's execution indicator are idle again with no cell queued or running, and the
    number of code cells with outputs has held for a second (see the module docstring).
    """
    page.evaluate(_WATCH)
    try:
        page.click("div.lm-MenuBar-itemLabel:text-is('Run')")
        page.click("li.lm-Menu-item:has-text('Run All Cells')")
        page.wait_for_function(_FINISHED, timeout=timeout_ms, polling=100)
    finally:
        with contextlib.suppress(Exception):  # a page already gone has nothing to stop
            page.evaluate(_STOP)
    page.wait_for_selector("text=| Idle", timeout=timeout_ms)
