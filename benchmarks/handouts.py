"""The whole course pack against the path a course builder would otherwise script, cold and warm.

Side by side, in one run, on the same notebooks and editions (a copy of ``notebooks/``, so
that one notebook can be changed):

* ours, cold: ``toolkit.handouts.build()`` into an empty folder (every notebook executed
  once, both editions from that execution, one Chromium, HTML + PDF + checks + pack), with
  its time by phase and the floor (the kernel starts plus the longest notebook's cells);
* ours, one notebook changed: a sentence added to one notebook, then the same build into
  the same folder (the cache serves the rest);
* ours, nothing changed: ``everycall handouts`` run again as a course builder runs it (a
  new process, so Python's start is counted);
* stock: per notebook per edition, ``jupyter nbconvert --execute --to html`` and
  ``jupyter nbconvert --execute --to webpdf``, with ``TagRemovePreprocessor`` options for the
  student edition. Stock ``webpdf`` cannot find the system Chromium, so it is pointed at it
  through the ``PLAYWRIGHT_BROWSERS_PATH`` workaround from the tech notes.

Goals: cold at least 6 times faster than stock; one notebook changed at least 5 times faster
than our cold build; nothing changed under 3 s. Also printed: whether the stock PDFs are
complete (their text reaches the notebook's last cell), how many plotly figures the stock
HTML kept, the largest HTML handout's size (goal: at most 1 MB above plotly.js), and how
many A4 pages our PDFs print per edition.

    .venv/bin/python benchmarks/handouts.py [--only-ours] [--changed 03-hmic-findings]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STUDENT_TAGS = {
    "remove_cell_tags": ["trainer", "trainer-only", "trainer_only", "instructor", "remove-cell"],
    "remove_input_tags": ["remove-input"],
    "remove_all_outputs_tags": ["remove-output"],
}


def _browsers_folder(work: Path) -> Path:
    """The workaround: Playwright's expected headless-shell path, pointing at system Chromium."""
    import playwright

    from toolkit.handouts.browser import find_chromium

    spec = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    revision = next(
        b["revision"]
        for b in json.loads(spec.read_text())["browsers"]
        if b["name"] == "chromium-headless-shell"
    )
    target = Path("/usr/lib/chromium/chromium")
    if not target.exists():
        target = find_chromium()
    shell = work / "ms-playwright" / f"chromium_headless_shell-{revision}"
    shell = shell / "chrome-headless-shell-linux64" / "chrome-headless-shell"
    shell.parent.mkdir(parents=True, exist_ok=True)
    if not shell.exists():
        shell.symlink_to(target)
    return work / "ms-playwright"


def _last_words(nb_path: Path) -> str:
    """Words from the notebook's last markdown cell: a complete PDF contains them."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    last = next(c for c in reversed(nb["cells"]) if c["cell_type"] == "markdown")
    text = re.sub(r"[^A-Za-z ]+", " ", "".join(last["source"]))
    return " ".join(text.split()[:3])


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)
    return " ".join(re.sub(r"[^A-Za-z ]+", " ", unicodedata.normalize("NFKC", text)).split())


def stock(notebooks: list[tuple[Path, tuple[str, ...]]], work: Path) -> dict:
    env = dict(os.environ)
    env.update(
        PLAYWRIGHT_BROWSERS_PATH=str(_browsers_folder(work)),
        EVERYCALL_LEARNER="handout",
        EVERYCALL_ANSWERS=str(work / "answers"),
    )
    jupyter = str(Path(sys.executable).parent / "jupyter")
    out = work / "stock"
    complete = total_pdfs = figures = 0
    failures: list[str] = []
    start = time.perf_counter()
    for path, editions in notebooks:
        for edition in editions:
            opts = []
            if edition == "student":
                opts.append("--TagRemovePreprocessor.enabled=True")
                for trait, tags in STUDENT_TAGS.items():
                    opts.append(f"--TagRemovePreprocessor.{trait}={json.dumps(tags)}")
            for fmt in ("html", "webpdf"):
                cmd = [
                    jupyter, "nbconvert", "--execute", "--to", fmt, str(path),
                    "--output-dir", str(out / edition), "--output", path.stem, *opts,
                ]  # fmt: skip
                done = subprocess.run(cmd, env=env, capture_output=True, text=True)
                if done.returncode != 0:
                    failures.append(f"{edition}/{path.stem} {fmt}: {done.stderr.strip()[-300:]}")
                    continue
                if fmt == "webpdf":
                    total_pdfs += 1
                    if _last_words(path) in _pdf_text(out / edition / f"{path.stem}.pdf"):
                        complete += 1
                else:
                    html = (out / edition / f"{path.stem}.html").read_text(encoding="utf-8")
                    figures += html.count('class="plotly-graph-div"')
    return {
        "seconds": time.perf_counter() - start,
        "pdfs": total_pdfs,
        "complete": complete,
        "figures": figures,
        "failures": failures,
    }


def _copy_notebooks(work: Path) -> list[Path]:
    """The course's notebooks, copied (with their folders) so one can be changed."""
    from toolkit.handouts import course_notebooks

    source = ROOT / "notebooks"
    copies = []
    for path in course_notebooks():
        target = work / "notebooks" / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        copies.append(target)
    return copies


def _change(path: Path) -> None:
    """What a course builder does between builds: add a sentence to the notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    first["source"] = "".join(first["source"]) + "\n\nRevised for the spring cohort."
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")


def ours(work: Path, changed: str) -> dict:
    from pypdf import PdfReader

    from toolkit.handouts import build

    notebooks = _copy_notebooks(work)
    out = work / "ours"
    start = time.perf_counter()
    result = build(notebooks, out=out, progress=False)
    cold = time.perf_counter() - start
    htmls = [f for f in result.files if f.format == "html"]
    largest = max(htmls, key=lambda f: f.bytes)
    figures = sum((out / f.file).read_text().count('<figure class="ec-figure">') for f in htmls)
    pages: dict[str, int] = {}  # printed A4 pages per edition (the layout's figure)
    for f in result.files:
        if f.format == "pdf":
            count = len(PdfReader(out / f.file).pages)
            pages[f.edition] = pages.get(f.edition, 0) + count
    ran = [r for r in result.notebooks if r.execute_seconds]
    floor = sum(r.kernel_seconds for r in ran) + max(
        r.execute_seconds - r.kernel_seconds for r in ran
    )

    target = next(p for p in notebooks if p.stem == changed)
    _change(target)
    start = time.perf_counter()
    one = build(notebooks, out=out, progress=False)
    warm_one = time.perf_counter() - start
    rebuilt = [r.name for r in one.notebooks if not r.cached]

    cli = [sys.executable, "-m", "toolkit.cli", "handouts", *map(str, notebooks), "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(cli, capture_output=True, text=True)
    no_change = time.perf_counter() - start
    return {
        "seconds": cold,
        "ok": result.ok and one.ok and done.returncode == 0,
        "summary": "\n".join([result.summary(), one.summary(), done.stdout[-2000:]]),
        "files": len(result.files),
        "largest": largest,
        "figures": figures,
        "pages": pages,
        "phases": result.phases,
        "floor": floor,
        "warm_one": warm_one,
        "rebuilt": rebuilt,
        "no_change": no_change,
        "no_change_executed": "from the cache" not in done.stdout or "run " in done.stdout,
    }


def main() -> None:
    from toolkit.handouts import course_notebooks
    from toolkit.handouts.html import plotly_js
    from toolkit.handouts.plan import plan_editions

    only_ours = "--only-ours" in sys.argv
    changed = (
        sys.argv[sys.argv.index("--changed") + 1] if "--changed" in sys.argv else "03-hmic-findings"
    )
    notebooks = [
        (p, plan_editions("both", trainer_only=p.parent.name == "trainer"))
        for p in course_notebooks()
    ]
    editions = sum(len(e) for _, e in notebooks)
    print(f"{len(notebooks)} notebooks, {editions} notebook-editions, HTML and PDF each")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        mine = ours(work, changed)
        cold = mine["seconds"]
        print(f"ours, cold:                {cold:6.1f} s  ok={mine['ok']}  files={mine['files']}")
        print(
            f"ours, {changed} changed: {mine['warm_one']:6.1f} s  "
            f"{cold / mine['warm_one']:4.1f}x faster than cold (goal: at least 5x); "
            f"rebuilt: {', '.join(mine['rebuilt']) or 'nothing'}"
        )
        print(
            f"ours, nothing changed:     {mine['no_change']:6.1f} s  (a new everycall process; "
            f"goal: under 3 s){'  EXECUTED SOMETHING' if mine['no_change_executed'] else ''}"
        )
        phases = mine["phases"]
        print("cold build by phase (seconds summed over notebooks; two run at once):")
        print("  " + ", ".join(f"{name} {secs:.1f}" for name, secs in phases.items()))
        print(
            f"floor (kernel starts + the longest notebook's cells): {mine['floor']:.1f} s; "
            f"cold build {cold / mine['floor']:.1f}x the floor"
        )
        print("PDF pages: " + ", ".join(f"{e} {n}" for e, n in sorted(mine["pages"].items())))
        if not mine["ok"]:
            print(mine["summary"])
        plotly_mb = len(plotly_js().encode()) / 1e6
        big = mine["largest"]
        print(
            f"largest HTML handout: {big.file} {big.bytes / 1e6:.2f} MB "
            f"(goal: at most plotly.js {plotly_mb:.2f} MB + 1 MB = {plotly_mb + 1:.2f} MB)"
        )
        if only_ours:
            return
        theirs = stock(notebooks, work)
        stock_s = theirs["seconds"]
        print(f"stock: {stock_s:6.1f} s  (nbconvert --execute, html + webpdf)")
        print(
            f"ratios against stock: cold {stock_s / cold:.1f}x (goal: at least 6x), one changed "
            f"{stock_s / mine['warm_one']:.1f}x, nothing changed {stock_s / mine['no_change']:.0f}x"
        )
        print(
            f"stock PDFs complete (text reaches the last cell): "
            f"{theirs['complete']} of {theirs['pdfs']}"
        )
        print(f"plotly figures kept in stock HTML: {theirs['figures']} (ours: {mine['figures']})")
        for failure in theirs["failures"]:
            print(f"stock failure: {failure}")


if __name__ == "__main__":
    main()
