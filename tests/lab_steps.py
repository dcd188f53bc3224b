"""JupyterLab steps a browser test takes as a learner would, shared by tests/browser and
tests/hub: Run All Cells from the Run menu (the tech notes' recipe: the command palette ran
only the first cell) and wait until every code cell has run and the kernel is idle."""

from __future__ import annotations

# Every code cell's prompt shows a number once it has run ("[*]" while it runs).
_ALL_RUN = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""


def run_all_cells(page, *, timeout_ms: int) -> None:
    """Run > Run All Cells in the open notebook, then wait for every cell and an idle kernel."""
    page.click("div.lm-MenuBar-itemLabel:text-is('Run')")
    page.click("li.lm-Menu-item:has-text('Run All Cells')")
    page.wait_for_function(_ALL_RUN, timeout=timeout_ms)
    page.wait_for_selector("text=| Idle", timeout=timeout_ms)
