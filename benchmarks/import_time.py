"""How long ``import toolkit`` takes in a fresh interpreter (goal: under 0.5 s).

Heavy libraries (pandas, plotly, ipywidgets, nbconvert, playwright) load inside the functions
that need them. Prints the median of several fresh-interpreter runs, the interpreter's own
start-up for comparison, and which heavy modules (if any) an import pulls in.

    .venv/bin/python benchmarks/import_time.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

RUNS = 7
HEAVY = [
    "pandas",
    "numpy",
    "plotly",
    "ipywidgets",
    "nbconvert",
    "nbformat",
    "playwright",
    "frictionless",
    "yaml",
    "IPython",
]


def _time(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    baseline = statistics.median(_time("pass") for _ in range(RUNS))
    with_toolkit = statistics.median(_time("import toolkit") for _ in range(RUNS))
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, json, toolkit; "
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(probe.stdout)
    print(f"python start-up alone:         {baseline:.3f} s (median of {RUNS})")
    print(f"python -c 'import toolkit':    {with_toolkit:.3f} s (median of {RUNS})")
    print(f"import toolkit itself:         {with_toolkit - baseline:.3f} s  (goal < 0.5 s)")
    print(f"heavy modules loaded by it:    {', '.join(loaded) or 'none'}")


if __name__ == "__main__":
    main()
