"""Building handouts and a course pack from fixture notebooks, as a course builder would.

The fixtures (tests/data/notebooks/) hold everything the export must get right: nbgrader
solutions and hidden tests, a trainer cell, a widget made in a solution region, an exercise,
a plotly figure wider than the page, widgets, and a case summary carrying script payloads.
Builds that need Chromium skip without one (and fail under CI=true).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from toolkit.errors import BrowserNotFoundError, ExportError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "notebooks"
BUILT = [FIXTURES / "handout-fixture.ipynb", FIXTURES / "nbgrader-style.ipynb"]

MODEL_ANSWER = "Model answer: Marac is the multi-agency risk assessment conference for high risk."
FEEDBACK = "Feedback: Marac is right because it is the multi-agency risk assessment conference."
STUDENT_MUST_NOT_HOLD = [
    "Model answer",
    "Feedback: Marac",
    "Facilitator prompt",
    "Speaker note",
    "hidden check on the tenth square number",
    "Award one mark",
    "i * i for i in range",
    "warning sign that the risk is escalating",
    "the first four squares is thirty",
    "mark generously",
    "widget-state+json",
    "second 999 call",  # a trainer note captured inside an Output widget
]
TRAINER_MARK = "Trainer edition: not for learners"


def printed(exercise_id: str, edition: str) -> str:
    """Stands in for toolkit.exercises.render_printed for the fixture's exercise."""
    question = "<p>Which meeting shares information on high-risk cases?</p>"
    options = "<ul><li>Marac</li><li>Case conference</li></ul><p>Answer:</p>"
    extra = f"<p>{MODEL_ANSWER}</p>" if edition == "trainer" else ""
    return f'<section class="printed" data-id="{exercise_id}">{question}{options}{extra}</section>'


def _needs_chromium() -> None:
    from toolkit.handouts.browser import find_chromium

    try:
        find_chromium()
    except BrowserNotFoundError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs a browser: {exc}")
        pytest.skip(f"no browser: {exc}")


def _build(out: Path, notebooks=BUILT, **kwargs):
    from toolkit.handouts import build

    kwargs.setdefault("exercise_renderer", printed)
    kwargs.setdefault("extra_secrets", [MODEL_ANSWER, FEEDBACK])
    return build(notebooks, out=out, progress=False, **kwargs)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory):
    _needs_chromium()
    out = tmp_path_factory.mktemp("pack") / "handouts"
    result = _build(out)
    assert result.ok, result.summary()
    return out


def read(pack: Path, rel: str) -> str:
    return (pack / rel).read_text(encoding="utf-8")


# --- the pack ---------------------------------------------------------------------------


@pytest.mark.slow
def test_pack_has_every_edition_and_format_with_checksums(pack: Path):
    manifest = json.loads(read(pack, "manifest.json"))
    listed = {(f["file"], f["edition"], f["format"]) for f in manifest["files"]}
    for name in ("handout-fixture", "nbgrader-style"):
        for edition in ("student", "trainer"):
            for fmt in ("html", "pdf"):
                assert (f"{edition}/{name}.{fmt}", edition, fmt) in listed
    for f in manifest["files"]:
        assert hashlib.sha256((pack / f["file"]).read_bytes()).hexdigest() == f["sha256"]


@pytest.mark.slow
def test_index_links_every_handout_and_signposts_support(pack: Path):
    index = read(pack, "index.html")
    assert index.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    for f in json.loads(read(pack, "manifest.json"))["files"]:
        assert f'href="{f["file"]}"' in index
    assert "Handout fixture" in index and "read a figure of calls by hour" in index
    assert "0808 2000 247" in index
    # two fixture notebooks, not the course: the page does not claim the whole course
    assert "Handouts for the notebooks listed below (not the whole course)" in index


@pytest.mark.slow
def test_zip_holds_the_pack_in_order_with_fixed_times(pack: Path):
    with zipfile.ZipFile(pack / "everycall-handouts.zip") as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert "everycall-handouts/manifest.json" in names
        assert "everycall-handouts/student/handout-fixture.pdf" in names
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        index = archive.read("everycall-handouts/index.html")
    assert index == (pack / "index.html").read_bytes()


@pytest.mark.slow
def test_two_builds_give_the_same_bytes(pack: Path, tmp_path: Path):
    again = tmp_path / "again"
    assert _build(again).ok
    first = sorted(p.relative_to(pack) for p in pack.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    different = [str(p) for p in first if (pack / p).read_bytes() != (again / p).read_bytes()]
    assert different == []


# --- editions in the output -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["handout-fixture", "nbgrader-style"])
def test_student_files_hold_no_solution_note_or_answer(pack: Path, name: str):
    from toolkit.handouts.scans import pdf_text

    html = read(pack, f"student/{name}.html")
    text = unicodedata.normalize("NFKC", pdf_text(pack / f"student/{name}.pdf"))
    for secret in STUDENT_MUST_NOT_HOLD:
        assert secret not in html, secret
        assert secret not in text, secret
    assert TRAINER_MARK not in html and TRAINER_MARK not in text


@pytest.mark.slow
def test_student_edition_gets_placeholders_and_printed_questions(pack: Path):
    nbg = read(pack, "student/nbgrader-style.html")
    assert "YOUR CODE HERE" in nbg and "NotImplementedError" in nbg
    assert "YOUR ANSWER HERE" in nbg
    fixture = read(pack, "student/handout-fixture.html")
    assert "Which meeting shares information on high-risk cases?" in fixture
    assert 'class="ec-exercise"' in fixture
    # the exercise shown inside an Output widget is printed too, not its live widget
    assert fixture.count('<section class="printed" data-id="fixture-q1">') == 2
    assert "A question shown inside an Output widget" not in fixture


@pytest.mark.slow
def test_trainer_edition_has_everything_and_its_mark_on_every_page(pack: Path):
    from pypdf import PdfReader

    html = read(pack, "trainer/handout-fixture.html")
    assert MODEL_ANSWER in html and "Facilitator prompt" in html
    assert "Captured trainer note: tell the room the answer is the second 999 call." in html
    assert TRAINER_MARK in html
    nbg = read(pack, "trainer/nbgrader-style.html")
    assert "hidden check on the tenth square number" in nbg and "Speaker note" in nbg
    pages = PdfReader(pack / "trainer" / "handout-fixture.pdf").pages
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        text = unicodedata.normalize("NFKC", page.extract_text())
        assert TRAINER_MARK in text, f"page {number} lacks the trainer mark"
        assert f"Page {number} of {len(pages)}" in text


# --- HTML ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_html_is_self_contained_and_includes_plotly_once(pack: Path):
    from toolkit.handouts.scans import offline_scan

    html = read(pack, "student/handout-fixture.html")
    assert offline_scan(html, file="x") == []
    banners = re.findall(r"\* plotly\.js[^\n]*? v\d+\.\d+\.\d+", html)
    assert banners == ["* plotly.js (cartesian - minified) v4.1.1"]  # inlined once, the
    # smaller bundle, since the fixture's only figure is a bar chart
    from toolkit.handouts.html import plotly_bundle

    ours = html.replace(plotly_bundle({"bar"}), "")  # plotly.js mentions its CDN in a string
    for cdn in ("cdnjs", "unpkg", "require.js", "MathJax.js", "cdn.plot.ly"):
        assert cdn not in ours, cdn
    assert '<html lang="en-GB">' in html
    assert 'href="#ec-main"' in html and 'id="ec-main"' in html


@pytest.mark.slow
def test_figure_is_interactive_with_a_text_alternative(pack: Path):
    html = read(pack, "student/handout-fixture.html")
    assert 'id="ec-fig-1"' in html and "Plotly.newPlot" in html
    assert "Bar chart of made-up calls by hour: lowest 2, highest 14." in html
    assert "setAttribute('role', 'img')" in html
    assert '"width":1200' not in html  # the fixed width that would clip the printed page


@pytest.mark.slow
def test_widgets_are_rendered_statically_not_blank(pack: Path):
    html = read(pack, "student/handout-fixture.html")
    assert "Call handlers" in html and '<span class="ec-w-value">12</span>' in html
    assert "Captured inside the Output widget" in html
    assert "application/vnd.jupyter.widget-view+json" not in html


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[tuple[str, str]] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.handlers += [(tag, name) for name, _ in attrs if name.startswith("on")]


@pytest.mark.slow
def test_case_text_is_escaped_in_every_output(pack: Path):
    html = read(pack, "student/handout-fixture.html")
    parser = _Attributes()
    parser.feed(html)
    assert parser.handlers == []  # no onerror= (or any on...=) attribute anywhere
    assert parser.scripts == 2  # plotly.js and the one figure: no script from case text
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html  # shown as text


# --- PDF ----------------------------------------------------------------------------------------


def _png_dark_fraction(pdf: Path, page: int, tmp: Path) -> float:
    """Render one page with pdftoppm (poppler) and return the share of non-white pixels."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    stem = tmp / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-f", str(page), "-l", str(page), "-r", "40", "-gray", str(pdf), str(stem)],
        check=True,
    )
    (pgm,) = tmp.glob(f"page{page}*.pgm")
    data = pgm.read_bytes()
    parts = data.split(maxsplit=4)  # P5, width, height, maxval, pixels
    width, height = int(parts[1]), int(parts[2])
    pixels = parts[4][: width * height]
    return sum(1 for b in pixels if b < 200) / len(pixels)


@pytest.mark.slow
def test_pdf_has_cover_content_and_sources_pages_and_draws_the_figure(pack: Path, tmp_path):
    from pypdf import PdfReader

    pdf = pack / "student" / "handout-fixture.pdf"
    # NFKC: Chromium's PDFs use ligatures ("ﬁ") that pypdf returns as one character
    pages = [unicodedata.normalize("NFKC", p.extract_text()) for p in PdfReader(pdf).pages]
    # cover; figure; table and question; the question captured in an Output widget; sources
    assert len(pages) == 5
    assert "Handout fixture" in pages[0] and "Content note" in pages[0]
    assert "Calls by hour" not in pages[0]  # the cover has a page to itself
    assert pages[-1].split("\n")[1] == "Sources"  # after the "Page 5 of 5" margin box
    assert "Sources" not in pages[-2]
    figure_page = next(i for i, text in enumerate(pages, start=1) if "Figure 1." in text)
    assert "23:00" in pages[figure_page - 1]  # the last bar's label: the figure is not clipped
    assert _png_dark_fraction(pdf, figure_page, tmp_path) > 0.05


# --- failures and options ---------------------------------------------------------------------


@pytest.mark.slow
def test_a_failing_notebook_is_named_and_the_rest_still_build(tmp_path: Path, capsys):
    from toolkit.cli import main

    status = main(
        [
            "handouts",
            str(FIXTURES / "failing.ipynb"),
            str(FIXTURES / "nbgrader-style.ipynb"),
            "--format",
            "html",
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert status == 1
    assert 'cell 3 ("raise ValueError(' in out
    assert "ValueError: planted failure for the handouts test" in out
    assert re.search(r"ok  nbgrader-style\s", out)
    assert (tmp_path / "student" / "nbgrader-style.html").is_file()
    assert not (tmp_path / "student" / "failing.html").exists()


@pytest.mark.slow
def test_a_planted_leak_fails_the_build_and_the_student_file_is_not_shipped(tmp_path: Path):
    visible = "Explain why the call handler asked about previous incidents."
    result = _build(
        tmp_path, [FIXTURES / "nbgrader-style.ipynb"], fmt="html", extra_secrets=[visible]
    )
    assert not result.ok
    messages = [str(p) for r in result.notebooks for p in r.problems]
    assert any(
        m.startswith("student/nbgrader-style.html: contains text that only the trainer")
        and "Explain why the call handler" in m
        for m in messages
    )
    assert not (tmp_path / "student" / "nbgrader-style.html").exists()
    assert (tmp_path / "trainer" / "nbgrader-style.html").is_file()


def test_student_notebooks_for_a_hub(tmp_path: Path, monkeypatch):
    import nbformat

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = _build(tmp_path, [FIXTURES / "nbgrader-style.ipynb"], fmt="ipynb")
    assert result.ok, result.summary()
    student = nbformat.read(tmp_path / "student" / "nbgrader-style.ipynb", as_version=4)
    text = nbformat.writes(student)
    assert "YOUR CODE HERE" in text and "Facilitator prompt" not in text
    assert all(not c.get("outputs") for c in student.cells)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["source_date_epoch"] == 1700000000
    with zipfile.ZipFile(tmp_path / "everycall-handouts.zip") as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


INLINE_CELL = (
    "from toolkit import exercises as ex\n\n"
    'ex.single_choice(id="zz-1", prompt="Who called first?", options=[\n'
    '    {"text": "The mother", "correct": True,\n'
    '     "feedback": "Right: the mother called twice before the neighbour did."},\n'
    '    {"text": "A neighbour"}],\n'
    '    facilitator="Spend ten minutes on why the second call was graded as routine.")'
)


def _inline_notebook(folder: Path) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "zz-inline.ipynb"
    cells = [new_markdown_cell("# Inline\n\nSupport: 0808 2000 247."), new_code_cell(INLINE_CELL)]
    nbformat.write(new_notebook(cells=cells), path)
    return path


@pytest.mark.parametrize("fmt", ["ipynb", "html"])
def test_an_inline_exercise_fails_its_notebook_with_a_clear_message(tmp_path: Path, fmt: str):
    path = _inline_notebook(tmp_path / "nb")
    result = _build(tmp_path / "out", [path], fmt=fmt)
    assert not result.ok
    (report,) = result.notebooks
    assert report.error == (
        f"{path}, cell 2: an inline exercise (single_choice(...)) keeps its answer in the cell, "
        "so it cannot go into a student edition; move it to data/exercises/zz-inline.yaml and "
        'show it with toolkit.exercises.show("zz-1")'
    )
    assert report.execute_seconds == 0  # refused before any kernel ran
    shipped = [p for p in (tmp_path / "out").rglob("*") if p.suffix in (".ipynb", ".html")]
    assert [p.name for p in shipped] == ["index.html"]


def test_an_inline_exercise_in_a_trainer_notebook_cannot_be_printed(tmp_path: Path):
    path = _inline_notebook(tmp_path / "trainer")
    result = _build(tmp_path / "out", [path], fmt="html")
    (report,) = result.notebooks
    assert report.error is not None and not result.ok
    assert "an inline exercise (single_choice(...)) is defined only in the running " in (
        report.error
    )
    assert "so a handout cannot print it; move it to data/exercises/zz-inline.yaml" in report.error
    # a live trainer notebook for a hub needs no printing: it builds
    assert _build(tmp_path / "out2", [path], fmt="ipynb").ok
    assert (tmp_path / "out2" / "trainer" / "zz-inline.ipynb").is_file()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fmt": "docx"}, 'format "docx" is not known; expected one of: html, pdf, ipynb'),
        ({"edition": "learner"}, 'edition "learner" is not known; expected one of: student'),
    ],
)
def test_bad_options_are_refused_before_anything_is_written(tmp_path, kwargs, message):
    from toolkit.handouts import build

    with pytest.raises(ExportError, match=message):
        build(BUILT, out=tmp_path / "out", progress=False, **kwargs)
    assert not (tmp_path / "out").exists()


# --- a rebuild clears only what an earlier everycall pack wrote ------------------------------


def _old_pack(out: Path, files: list[str], generator: str | None = "everycall 0.1.0") -> None:
    out.mkdir(parents=True, exist_ok=True)
    body = {"files": [{"file": f} for f in files]}
    if generator is not None:
        body["generator"] = generator
    (out / "manifest.json").write_text(json.dumps(body), encoding="utf-8")


def test_a_rebuild_removes_the_files_its_last_pack_listed(tmp_path: Path):
    out = tmp_path / "out"
    (out / "student").mkdir(parents=True)
    (out / "student" / "renamed-notebook.html").write_text("from the last build")
    (out / "notes.txt").write_text("the trainer's own file")
    _old_pack(out, ["student/renamed-notebook.html"])
    assert _build(out, [FIXTURES / "nbgrader-style.ipynb"], fmt="ipynb").ok
    assert not (out / "student" / "renamed-notebook.html").exists()
    assert (out / "notes.txt").read_text() == "the trainer's own file"
    assert json.loads((out / "manifest.json").read_text())["generator"].startswith("everycall ")


@pytest.mark.parametrize("generator", [None, "sphinx-build 8.1"], ids=["unmarked", "sphinx"])
def test_a_manifest_another_tool_wrote_is_left_alone(tmp_path: Path, generator):
    out = tmp_path / "site"
    (out / "docs").mkdir(parents=True)
    (out / "docs" / "index.html").write_text("another tool's page")
    _old_pack(out, ["docs/index.html", "index.html"], generator=generator)
    (out / "index.html").write_text("another tool's index")
    with pytest.raises(ExportError) as caught:
        _build(out, [FIXTURES / "nbgrader-style.ipynb"], fmt="ipynb")
    assert str(caught.value) == (
        f"{out / 'manifest.json'}: this folder holds a manifest that everycall did not write "
        '(expected "generator": "everycall ..."); choose an empty folder for --out, or remove '
        "the manifest if its files may go"
    )
    assert (out / "docs" / "index.html").read_text() == "another tool's page"
    assert (out / "index.html").read_text() == "another tool's index"
    assert not (out / "student").exists()


@pytest.mark.parametrize("bad", ["../victim.txt", "student/../../victim.txt", "/ABS"])
def test_a_manifest_pointing_outside_the_pack_deletes_nothing(tmp_path: Path, bad: str):
    victim = tmp_path / "victim.txt"
    victim.write_text("must survive")
    out = tmp_path / "out"
    (out / "student").mkdir(parents=True)
    (out / "student" / "old.html").write_text("from the last build")
    listed = str(victim) if bad == "/ABS" else bad
    _old_pack(out, ["student/old.html", listed])
    with pytest.raises(ExportError) as caught:
        _build(out, [FIXTURES / "nbgrader-style.ipynb"], fmt="ipynb")
    assert str(caught.value) == (
        f'{out / "manifest.json"}, file 2: "{listed}" is not inside the pack folder '
        '(expected a path such as "student/01-reading-a-case-timeline.html"); nothing was removed'
    )
    assert victim.read_text() == "must survive"
    assert (out / "student" / "old.html").exists()


def test_a_foreign_manifest_is_refused_by_the_cli_with_status_2(tmp_path: Path, capsys):
    from toolkit.cli import main

    _old_pack(tmp_path, ["keep.html"], generator="some-other-tool")
    (tmp_path / "keep.html").write_text("kept")
    nb = str(FIXTURES / "nbgrader-style.ipynb")
    status = main(["handouts", nb, "--format", "ipynb", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert status == 2
    assert "holds a manifest that everycall did not write" in captured.err + captured.out
    assert "Traceback" not in captured.err + captured.out
    assert (tmp_path / "keep.html").read_text() == "kept"


def test_bad_source_date_epoch_is_named(tmp_path, monkeypatch):
    from toolkit.handouts import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ExportError, match='SOURCE_DATE_EPOCH="yesterday" is not a whole number'):
        build(BUILT, out=tmp_path, progress=False)


def test_trainer_folder_notebooks_get_the_trainer_edition_only():
    from toolkit.handouts.plan import plan_editions

    assert plan_editions("both", trainer_only=True) == ("trainer",)
    assert plan_editions("student", trainer_only=True) == ()
    assert plan_editions("both") == ("student", "trainer")


# --- the course pack's index ----------------------------------------------------------------


@pytest.mark.slow
def test_index_support_matches_the_start_here_notebook(pack: Path):
    import nbformat

    opening = nbformat.read(ROOT / "notebooks" / "00-start-here.ipynb", as_version=4).cells[0]
    support = next(line for line in opening.source.split("\n") if "**Support.**" in line)
    numbers = re.findall(r"\*\*([0-9][0-9 ]*)\*\*", support)
    assert {"0808 2000 247", "999", "55", "0808 80 10 800", "0800 999 5428"} <= set(numbers)
    index = re.sub(r"<[^>]+>", "", read(pack, "index.html"))
    for number in numbers:
        assert number in index, number
    for words in ("stay on the line", "Live Fear Free (Wales)", "Galop", "Men's Advice Line"):
        assert words in index, words


# --- printed exercises ------------------------------------------------------------------------


def _choice_exercise():
    from toolkit.exercises import Exercise, Option

    return Exercise(
        id="layout-choice",
        type="single_choice",
        notebook="layout",
        prompt="Which meeting shares information on high-risk cases?",
        options=(
            Option("Marac", True, "Right: the multi-agency risk assessment conference."),
            Option("A case conference", False, "Not this one: it is about one child's plan."),
        ),
        hint="Think about who sits round the table.",
        facilitator="Ask who in the room has referred to a Marac.",
        source_id="safelives-marac-criteria",
    )


def test_trainer_print_shows_each_option_feedback_once():
    import html as html_lib

    from toolkit.exercises.html import printed_html

    ex = _choice_exercise()
    trainer = html_lib.unescape(printed_html(ex, "trainer"))
    for text in [o.feedback for o in ex.options] + [ex.hint, ex.facilitator]:
        assert trainer.count(text) == 1, text
    assert trainer.count("✓ correct") == 1 and trainer.count("✗ not right") == 1
    assert "Trainer notes" in trainer
    student = html_lib.unescape(printed_html(ex, "student"))
    assert not any(o.feedback in student for o in ex.options) and "Trainer" not in student


def test_trainer_print_has_no_empty_notes_box():
    from toolkit.exercises import Exercise
    from toolkit.exercises.html import printed_html

    ex = Exercise(id="c", type="confidence", notebook="n", prompt="How sure are you?",
                  scale=("Not at all", "Very"))  # fmt: skip
    assert "Trainer notes" not in printed_html(ex, "trainer")


# --- the sanitizer keeps outputs offline ------------------------------------------------------


@pytest.mark.parametrize(
    "css",
    [
        'p { background-image: image-set("https://x.org/a.png" 1x) }',
        r"p { background: \75 rl(https://x.org/b.png) }",
        '@import "https://x.org/c.css";',
        "@import url(//x.org/d.css);",
    ],
    ids=["image-set", "escaped-url", "import-string", "import-url"],
)
def test_sanitized_output_css_fetches_nothing(css: str):
    from toolkit.core.html import sanitize_html
    from toolkit.handouts.scans import offline_scan

    kept = "<style>.dataframe th { text-align: right; }</style>"
    clean = sanitize_html(f"{kept}<style>{css}</style><p>Case text</p>")
    assert clean == f"{kept}<p>Case text</p>"
    attribute = sanitize_html(
        '<p style="color: navy; cursor: url(https://x.org/c.cur), auto">Case text</p>'
    )
    assert attribute == '<p style="color: navy;">Case text</p>'
    assert offline_scan(clean + attribute, file="a.html") == []


# --- trainer notes in the rendered page ------------------------------------------------------

NOTE = "Ask the group what the call handler could see on screen before grading the call."


def _note_output(note_id: str = "n1"):
    from nbformat.v4 import new_output

    return new_output(
        "display_data",
        data={"text/html": f"<div><p>{NOTE}</p></div>", "text/plain": NOTE},
        metadata={"everycall": {"trainer": True, "note": note_id}},
    )


def _note_boxes(page: str) -> list[str]:
    """What each trainer-note box holds (up to the next box), in a rendered handout."""
    starts = [
        m.end()
        for m in re.finditer(
            r"<(?:aside|div) [^>]*>\s*<p class=\"ec-trainer-label\">Trainer note</p>", page
        )
        if 'aria-label="Trainer note"' in m.group(0) and "ec-trainer-note" in m.group(0)
    ]
    return [page[a : (starts + [len(page)])[i + 1]] for i, a in enumerate(starts)]


def test_a_trainer_note_is_boxed_for_trainers_and_absent_for_students():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from toolkit.handouts.editions import make_edition
    from toolkit.handouts.html import render_html

    nb = new_notebook(
        cells=[
            new_markdown_cell("# Notes fixture"),
            new_markdown_cell("Learners read this paragraph."),
            new_code_cell(
                'toolkit.trainer_note("n1")',
                metadata={"tags": ["trainer", "remove-input"]},
                outputs=[_note_output()],
            ),
            new_code_cell("untagged()", outputs=[_note_output("n2")]),  # a slip: still boxed
        ]
    )
    trainer = render_html(make_edition(nb, "trainer"), edition="trainer", name="n").html
    boxes = _note_boxes(trainer)
    assert len(boxes) == 2 and all(NOTE in body for body in boxes)
    main = trainer[trainer.index("<main") :]  # the page, not its stylesheet
    assert 'trainer_note("n1")' not in main and "Trainer only" not in main
    student = render_html(make_edition(nb, "student"), edition="student", name="n").html
    assert NOTE not in student and "Learners read this paragraph." in student
    # a second lock: a note that reached the student renderer is still not printed
    student_raw = render_html(nb, edition="student", name="n").html
    assert NOTE not in student_raw


def _output_widget_note_notebook():
    """``with out: toolkit.trainer_note(...)``: the note is in the Output widget's state."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    view = "application/vnd.jupyter.widget-view+json"
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Output widget fixture"),
            new_code_cell(
                "out = w.Output()\nwith out:\n    toolkit.trainer_note('n1')\ndisplay(out)",
                metadata={"tags": ["remove-input"]},
                outputs=[new_output("display_data", data={view: {"model_id": "o1"}})],
            ),
        ]
    )
    note = dict(_note_output(), metadata={"everycall": {"trainer": True, "note": "n1"}})
    stream = {"output_type": "stream", "name": "stdout", "text": "Shown to everyone\n"}
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {"o1": {"model_name": "OutputModel", "state": {"outputs": [note, stream]}}},
            "version_major": 2,
            "version_minor": 0,
        }
    }
    return nb


def test_a_trainer_note_inside_an_output_widget_is_boxed_for_trainers_only():
    from toolkit.handouts.editions import make_edition
    from toolkit.handouts.html import render_html

    nb = _output_widget_note_notebook()
    trainer = render_html(make_edition(nb, "trainer"), edition="trainer", name="n").html
    (box,) = _note_boxes(trainer)
    assert NOTE in box
    student = render_html(make_edition(nb, "student"), edition="student", name="n").html
    assert NOTE not in student and "Shown to everyone" in student
    # a second lock: a captured note that reached the student renderer is still not printed
    student_raw = render_html(_output_widget_note_notebook(), edition="student", name="n").html
    assert NOTE not in student_raw and "Shown to everyone" in student_raw


# --- print layout, built by the CLI as a trainer would -----------------------------------

FILLER = (
    "This paragraph only moves the next cell further down the page, so that some cells start "
    "near the foot of a page, where a careless layout leaves the code alone and puts its "
    "output overleaf. "
)
LONG_TEXT = (
    "A call to the police within the window of an earlier call from the same household was "
    "not linked to it by the call handler, which the reviewer noted in Zanzibar."
)
WIDE_ROW = {
    "name": "Repeat call not linked",
    "opportunity_type": "third_party_concern_not_acted_on",
    "description": LONG_TEXT,
    "source_id": "northants-dhr-005",
    "in_force_from": "2009-03-01",
    "parameters": "period_days=60, outcomes=[closed_evidential_difficulties; "
    "closed_victim_does_not_support], police_agencies=[police_call_handling; police_response]",
    "rule": "toolkit.opportunities.rules.repeat_calls_not_linked_within_window",
    "reviewer_comment": "Linked calls show the pattern that single calls hide.",
}


def _layout_notebook() -> object:
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [
        new_markdown_cell(
            "# Layout fixture\n\n**Learning objectives:**\n- read a printed handout\n\n"
            "> **Content note.** Fictional test material. **Support.** National Domestic Abuse "
            "Helpline 0808 2000 247."
        ),
        new_code_cell("import os\n\nimport pandas as pd\nimport plotly.graph_objects as go"),
        new_code_cell(
            f"# cell 00: a wide table\npd.DataFrame([{WIDE_ROW!r}] * 3)",
        ),
        new_code_cell(
            "from IPython.display import HTML, display\n"
            'if os.environ.get("EVERYCALL_HANDOUT") == "1":\n'
            f"    display(HTML({('<p>' + NOTE + '</p>')!r}),\n"
            '            metadata={"everycall": {"trainer": True, "note": "layout-note"}})',
            metadata={"tags": ["trainer", "remove-input"]},
        ),
    ]
    for i in range(1, 16):
        cells.append(new_markdown_cell(FILLER * (1 + (i * 7) % 5)))
        kind = i % 3
        if kind == 0:
            code = (
                f"# cell {i:02d}: a figure\n"
                f"fig = go.Figure(go.Bar(x=['a', 'b', 'c'], y=[3, 1, {i}]))\n"
                f"fig.update_layout(title='Figure title {i:02d}', height=380)\n"
                "fig.show()"
            )
            cells.append(new_code_cell(code))
        elif kind == 1:
            rows = f"[{{'first': 'row {i:02d} first', 'text': {LONG_TEXT!r}}}] * 40"
            cells.append(new_code_cell(f"# cell {i:02d}: a table\npd.DataFrame({rows})"))
        else:
            code = f"# cell {i:02d}: printed lines\nfor k in range(30):\n"
            code += f"    print(f'output {i:02d} line {{k:02d}}')"
            cells.append(new_code_cell(code))
    cells.append(new_markdown_cell("## Sources\n\n- Made-up layout fixture, 2026."))
    return new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    )


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The layout fixture built by ``everycall handouts`` in a child process: (pack, output)."""
    import nbformat

    _needs_chromium()
    folder = tmp_path_factory.mktemp("layout")
    nbformat.write(_layout_notebook(), folder / "layout-fixture.ipynb")
    out = folder / "handouts"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit.cli",
            "handouts",
            str(folder / "layout-fixture.ipynb"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return out, output


def _pdf_pages(pdf: Path, *args: str) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


@pytest.mark.slow
def test_the_build_prints_no_kernel_transport_warning(layout):
    pack, output = layout
    assert "ok  layout-fixture" in output
    assert "IPKernelApp" not in output and "without encryption" not in output, output
    leftovers = [p.name for p in pack.parent.iterdir() if p.name.startswith("kernel")]
    assert leftovers == []  # no socket files beside the notebook


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["student", "trainer"])
def test_each_code_cell_starts_its_output_on_the_same_page(layout, edition):
    pack, _ = layout
    pages = [" ".join(p.split()) for p in _pdf_pages(pack / edition / "layout-fixture.pdf")]
    apart = []
    for i in range(1, 16):
        first = {0: f"Figure title {i:02d}", 1: f"row {i:02d} first", 2: f"output {i:02d} line 00"}
        code = next(n for n, text in enumerate(pages) if f"# cell {i:02d}" in text)
        if first[i % 3] not in pages[code]:
            apart.append(f"cell {i:02d} on page {code + 1}")
    assert apart == [], f"{edition}: input and output on different pages: {apart}"


@pytest.mark.slow
def test_wide_tables_fit_the_page_and_show_every_cell_in_full(layout):
    pack, _ = layout
    html = read(pack, "student/layout-fixture.html")
    assert LONG_TEXT in html and "...</td>" not in html and "…" not in html
    pdf = pack / "student" / "layout-fixture.pdf"
    text = " ".join(" ".join(_pdf_pages(pdf)).split())
    for word in ("Zanzibar.", "police_response]", "reviewer_comment", "hide.", "within_window"):
        assert word in text, word
    # every word on the page lies inside the A4 text column (15 mm margins): nothing clipped
    boxes = "".join(_pdf_pages(pdf, "-bbox"))
    right = [
        float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', boxes)
    ]
    assert right and max(right) <= 595.3 - 15 / 25.4 * 72 + 1, max(right)


@pytest.mark.slow
def test_the_built_trainer_note_is_boxed_for_trainers_only(layout):
    from toolkit.handouts.scans import pdf_text

    pack, _ = layout
    trainer = read(pack, "trainer/layout-fixture.html")
    (box,) = _note_boxes(trainer)
    assert NOTE in box and "EVERYCALL_HANDOUT" not in trainer  # the note, not its code
    assert NOTE not in read(pack, "student/layout-fixture.html")
    assert "call handler could see" not in pdf_text(pack / "student" / "layout-fixture.pdf")
    assert "call handler could see" in pdf_text(pack / "trainer" / "layout-fixture.pdf")


@pytest.mark.slow
def test_leak_scan_covers_trainer_notes(tmp_path: Path, monkeypatch):
    """A note's text reaching a student page fails the build: the text of the executed note,
    and whatever ``toolkit.notes.note_texts()`` lists."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from toolkit.handouts.scans import course_secrets

    listed = "The facilitator should pause here and check how the room is feeling."
    # Patched where the scans look the name up (this module's copy, whichever pytest loaded).
    monkeypatch.setitem(course_secrets.__globals__, "note_texts", lambda notebook=None: [listed])
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Leaky notes\n\nSupport: 0808 2000 247."),
            new_markdown_cell(f"A slip in a learner cell: {NOTE} And: {listed}"),
            new_code_cell(
                "from IPython.display import HTML, display\n"
                f"display(HTML({NOTE!r}), metadata={{'everycall': {{'trainer': True}}}})",
                metadata={"tags": ["trainer", "remove-input"]},
            ),
            new_markdown_cell("## Sources\n\n- Made up, 2026."),
        ]
    )
    path = tmp_path / "leaky-notes.ipynb"
    nbformat.write(nb, path)
    result = _build(tmp_path / "out", [path], fmt="html", extra_secrets=[])
    assert not result.ok
    messages = " ".join(str(p) for r in result.notebooks for p in r.problems)
    assert "only the trainer edition may hold" in messages
    assert "call handler could see on screen" in messages  # from the executed note
    assert "facilitator should pause here" in messages  # from toolkit.notes
    assert not (tmp_path / "out" / "student" / "leaky-notes.html").exists()


def test_a_live_only_caption_is_not_printed_twice_under_its_figure():
    from toolkit.handouts.widgets_static import LIVE_ONLY, render_widget

    def html_model(value: str, classes: list[str]) -> dict:
        return {"model_name": "HTMLModel", "state": {"value": value, "_dom_classes": classes}}

    models = {
        "box": {
            "model_name": "VBoxModel",
            "state": {"children": ["IPY_MODEL_shown", "IPY_MODEL_caption"]},
        },
        "shown": html_model("<p>Staff: 14</p>", []),
        "caption": html_model("<p>A grid of 30 markers. Source: HMIC, 2014.</p>", [LIVE_ONLY]),
    }
    out = render_widget("box", models, lambda output: "")
    assert "Staff: 14" in out and "A grid of 30 markers" not in out


def test_the_widgets_that_repeat_their_figures_description_are_marked_live_only():
    from toolkit.handouts.widgets_static import LIVE_ONLY
    from toolkit.intro import calls_explorer

    box = calls_explorer(15)
    (caption,) = [c for c in box.children if LIVE_ONLY in c._dom_classes]
    assert "A grid of 30 markers" in caption.value


def test_a_second_build_waits_for_the_first_instead_of_emptying_its_folder(tmp_path, capsys):
    import threading

    from toolkit.handouts.course_pack import _one_build_at_a_time

    order: list[str] = []
    entered, release = threading.Event(), threading.Event()

    def first_build() -> None:
        with _one_build_at_a_time(tmp_path, progress=False):
            entered.set()
            release.wait(10)
            order.append("first build done")

    thread = threading.Thread(target=first_build)
    thread.start()
    assert entered.wait(10)
    threading.Timer(0.2, release.set).start()
    with _one_build_at_a_time(tmp_path, progress=True):
        order.append("second build starts")
    thread.join()
    assert order == ["first build done", "second build starts"]
    assert "Waiting for another handouts build by this user to finish" in capsys.readouterr().out


@pytest.mark.slow
def test_pdf_alone_is_built_with_no_html_left_behind(tmp_path: Path):
    _needs_chromium()
    out = tmp_path / "pdf-only"
    result = _build(out, notebooks=BUILT[:1], fmt="pdf", edition="student")
    assert result.ok, result.summary()
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    name = Path(BUILT[0]).stem
    assert f"student/{name}.pdf" in made
    # the HTML it printed from is scratch: only the index page is HTML, and nothing half-written
    assert [m for m in made if m.endswith(".html")] == ["index.html"]
    assert not [m for m in made if m.endswith(".part")]
    assert (out / "student" / f"{name}.pdf").read_bytes().startswith(b"%PDF")
