"""Presenter mode in Voilà: time from asking for a notebook's page to its last figure drawn.
Prints figures; asserts nothing about time.

Run: .venv/bin/python benchmarks/voila.py [--runs 3]

It starts presenter mode as ``everycall present`` does (``toolkit.present.start``: Voilà on
the course's notebooks folder, the course template, ``EVERYCALL_PRESENTER=1``) and opens each
notebook in the system Chromium at 1280x720, in a fresh browser context each time (so nothing
is cached between runs, as for a trainer opening the page once). Voilà runs every page in a
fresh kernel: the time includes the kernel's start, every cell, sending the page and drawing it.

For each page the figure is ``t_last``: from the navigation's start (``performance.timeOrigin``)
to the moment the last plotly figure got its ``.main-svg`` (watched by a ``MutationObserver``
installed before the page loads). A notebook without figures reports the time its last
output appeared instead (marked "no figures"). The median of ``--runs`` visits is printed.
Goal: under 5 s for each notebook on this machine.

By default presenter mode preheats (Voilà runs each notebook in a waiting kernel before
anyone asks, and again after each visit); ``--warmup`` seconds are left for that before the
first visit, as a trainer starts presenter mode before the session. ``--no-preheat`` measures
Voilà's default, a fresh kernel started and run for every visit.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

# Before any script of the page runs: note the time of the last figure drawn, and of the last
# output added to the page.
WATCH = """
window.__ec = {lastFigure: null, lastOutput: null};
new MutationObserver(records => {
  for (const r of records) for (const n of r.addedNodes) {
    if (!(n instanceof Element)) continue;
    const now = performance.now();
    if (n.matches('.main-svg') || n.querySelector('.main-svg')) window.__ec.lastFigure = now;
    if (n.closest && n.closest('.jp-OutputArea-output')) window.__ec.lastOutput = now;
  }
}).observe(document, {childList: true, subtree: true});
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="visits per notebook (median)")
    parser.add_argument(
        "--warmup",
        type=float,
        default=120,
        help="seconds to let the preheated kernels run each notebook before the first visit",
    )
    parser.add_argument(
        "--no-preheat", action="store_true", help="a fresh kernel for every visit (Voilà's default)"
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright
    from voila_steps import error_outputs, wait_for_voila

    from toolkit.handouts.browser import LAUNCH_ARGS, find_chromium
    from toolkit.present import start

    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    work = Path(tempfile.mkdtemp(prefix="everycall-voila-bench-"))
    os.environ["EVERYCALL_ANSWERS"] = str(work / "answers")
    os.environ["EVERYCALL_LEARNER"] = "Benchmark"
    running = start(notebooks[0], log=work / "voila.log", preheat=not args.no_preheat)
    results: dict[str, list[tuple[float, bool]]] = {}
    try:
        running.wait_ready()
        if not args.no_preheat:
            print(f"letting Voilà preheat a kernel per notebook ({args.warmup:.0f} s)", flush=True)
            time.sleep(args.warmup)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(find_chromium()), headless=True, args=list(LAUNCH_ARGS)
            )
            for run in range(args.runs):
                for nb in notebooks:
                    context = browser.new_context(viewport={"width": 1280, "height": 720})
                    page = context.new_page()
                    page.add_init_script(WATCH)
                    page.goto(running.url_for(nb), timeout=180_000)
                    drawn = wait_for_voila(page, settle_s=2.0)
                    errors = error_outputs(page)
                    marks = page.evaluate("window.__ec")
                    context.close()
                    if errors:
                        print(f"{nb.stem}: error output on the page: {errors[0][:200]}")
                        return 1
                    figures = drawn["plots"] > 0 and marks["lastFigure"] is not None
                    ms = marks["lastFigure"] if figures else marks["lastOutput"] or 0.0
                    results.setdefault(nb.stem, []).append((ms / 1000, figures))
                    print(f"  run {run + 1}: {nb.stem} {ms / 1000:.2f} s", flush=True)
            browser.close()
    finally:
        running.stop()

    print()
    kernels = "a fresh kernel per visit" if args.no_preheat else "preheated kernels"
    print(
        f"Presenter mode (Voilà, {kernels}), request to last figure drawn; median of "
        f"{args.runs} visits; {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{os.cpu_count()} cores"
    )
    print(f"{'notebook':<34} {'median':>8} {'min':>7} {'max':>7}")
    worst = 0.0
    for stem, values in results.items():
        seconds = [v for v, _ in values]
        med = statistics.median(seconds)
        worst = max(worst, med)
        note = "" if values[0][1] else "  (no figures: last output)"
        print(f"{stem:<34} {med:>7.2f}s {min(seconds):>6.2f}s {max(seconds):>6.2f}s{note}")
    print(f"slowest median: {worst:.2f} s (goal: under 5 s for each notebook)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
