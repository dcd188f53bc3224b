"""The real course, built as `make handouts` builds it: every notebook, both editions, HTML
and PDF, with the build's own leak, offline and accessibility checks, and then checked again
here from the outside, the way a course builder handing it out would."""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
LEARNER_NOTEBOOKS = [p for p in NOTEBOOKS if p.parent.name != "trainer"]

pytestmark = pytest.mark.slow


def _pages(course: Path) -> list[Path]:
    """The pack's HTML pages: index.html and each edition's handouts (not the build cache)."""
    return [*course.glob("*.html"), *course.glob("[!.]*/*.html")]


def _visible_text(document: str) -> str:
    document = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", document)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", document)))


def test_every_notebook_has_its_editions_in_both_formats(course: Path):
    manifest = json.loads((course / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["file"] for f in manifest["files"]}
    for nb in NOTEBOOKS:
        editions = ("trainer",) if nb.parent.name == "trainer" else ("student", "trainer")
        for edition in editions:
            for fmt in ("html", "pdf"):
                assert f"{edition}/{nb.stem}.{fmt}" in listed, (nb.name, edition, fmt)
    for f in manifest["files"]:
        assert hashlib.sha256((course / f["file"]).read_bytes()).hexdigest() == f["sha256"]
    assert (course / "everycall-handouts.zip").stat().st_size > 0


@pytest.mark.parametrize("nb", LEARNER_NOTEBOOKS, ids=[p.stem for p in LEARNER_NOTEBOOKS])
def test_student_handout_holds_no_answer_feedback_or_trainer_note(course: Path, nb: Path):
    import nbformat

    from toolkit import exercises
    from toolkit.handouts.editions import notebook_secrets

    page = (course / "student" / f"{nb.stem}.html").read_text(encoding="utf-8")
    text = _visible_text(page)
    secrets = [s for s in exercises.answer_texts(nb.stem) if len(s) >= 12]
    secrets += notebook_secrets(nbformat.read(nb, as_version=4), name=nb.name)
    leaked = [s[:60] for s in secrets if re.sub(r"\s+", " ", s).strip() in text]
    assert not leaked, f"{nb.name}: student handout contains {leaked}"
    assert "widget-state+json" not in page
    assert "Trainer edition" not in text


@pytest.mark.parametrize("nb", LEARNER_NOTEBOOKS, ids=[p.stem for p in LEARNER_NOTEBOOKS])
def test_handout_opens_with_content_note_support_and_ends_with_sources(course: Path, nb: Path):
    text = _visible_text((course / "student" / f"{nb.stem}.html").read_text(encoding="utf-8"))
    assert "Content note" in text[:6000] and "0808 2000 247" in text[:6000]
    assert text.count("Sources") >= 1 and text.rstrip().rfind("Sources") > len(text) * 0.6


def test_no_handout_asks_another_host_for_anything(course: Path):
    pattern = re.compile(
        r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I
    )
    for page in _pages(course):
        assert not pattern.search(page.read_text(encoding="utf-8")), page.name


def test_every_figure_has_a_text_alternative(course: Path):
    # Each plotly figure sits in a <figure> whose <figcaption> carries its description (the
    # chart's SVG is pointed at it with aria-describedby once plotly.js draws it).
    total = 0
    for page in (course / "student").glob("*.html"):
        document = page.read_text(encoding="utf-8")
        total += len(re.findall(r'class="plotly-graph-div"', document))
        figures = len(re.findall(r'class="plotly-graph-div"', document))
        captions = re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", document, re.S)
        described = [c for c in captions if len(_visible_text(c).strip()) >= 40]
        assert len(described) >= figures, (
            f"{page.name}: {figures} figures, {len(described)} captions"
        )
        assert '<html lang="en-GB"' in document
    assert total >= 10, f"expected the course's figures in the student handouts, found {total}"


def test_the_trainer_edition_is_marked_on_every_pdf_page(course: Path):
    from pypdf import PdfReader

    for pdf in (course / "trainer").glob("*.pdf"):
        pages = PdfReader(pdf).pages
        unmarked = [i + 1 for i, p in enumerate(pages) if "Trainer edition" not in p.extract_text()]
        assert not unmarked, f"{pdf.name}: pages without the trainer mark: {unmarked}"


def test_building_the_course_again_gives_the_same_html(course: Path, tmp_path: Path):
    from toolkit.handouts import build

    again = build(None, out=tmp_path / "again", fmt="html", progress=False)
    assert again.ok, again.summary()
    for first in _pages(course):
        rel = first.relative_to(course)
        if rel.as_posix() == "index.html":
            continue
        second = tmp_path / "again" / rel
        assert first.read_bytes() == second.read_bytes(), f"{rel} differs between two builds"


def test_tables_show_every_cell_in_full(course: Path):
    # pandas cuts a cell at 50 characters with "..." unless the build tells it not to
    for page in _pages(course):
        document = page.read_text(encoding="utf-8")
        cut = re.findall(r"<td>[^<]{20,}\.\.\.</td>", document)
        assert cut == [], f"{page.name}: cells cut short: {cut[:2]}"


def test_trainer_handout_prints_each_option_feedback_once(course: Path):
    from toolkit.exercises import load_definitions

    for nb in LEARNER_NOTEBOOKS:
        text = _visible_text((course / "trainer" / f"{nb.stem}.html").read_text(encoding="utf-8"))
        for ex in load_definitions().values():
            if ex.notebook != nb.stem:
                continue
            for option in ex.options:
                markup = set("*_[`<>&\\")
                if (
                    option.feedback
                    and len(option.feedback) >= 40
                    and not markup & set(option.feedback)
                ):
                    plain = " ".join(option.feedback.split())
                    assert text.count(plain) == 1, (nb.stem, ex.id, plain[:50], text.count(plain))


def test_trainer_notes_are_boxed_for_trainers_and_absent_for_students(course: Path):
    from toolkit import notes

    for nb in LEARNER_NOTEBOOKS:
        texts = [t for t in notes.note_texts() if len(t) >= 40]
        student = _visible_text((course / "student" / f"{nb.stem}.html").read_text("utf-8"))
        assert not [t[:50] for t in texts if t in student], nb.stem
    shown = 0
    for page in (course / "trainer").glob("*.html"):
        document = page.read_text(encoding="utf-8")
        for match in re.finditer(r'<div [^>]*class="everycall-trainer-note"', document):
            opening = document.rfind("<aside", 0, match.start())
            tag = document[opening : document.find(">", opening)]
            assert opening != -1 and 'aria-label="Trainer note"' in tag, page.name
            assert document.rfind("</aside>", 0, match.start()) < opening, page.name
            shown += 1
    assert shown >= 1, "no trainer note reached a trainer handout"


def test_the_index_of_the_whole_course_says_so_and_marks_trainer_only_notebooks(course: Path):
    index = (course / "index.html").read_text(encoding="utf-8")
    assert "Handouts for every notebook in the course" in index
    assert "Not built this time" not in index
    assert index.count(">Trainer only") == 1  # the cohort debrief has no student edition


# ------------------------------------------------------------------ what a printed page shows


@pytest.mark.parametrize("edition", ["student", "trainer"])
def test_no_page_is_left_blank_before_a_figure_that_would_fit(course: Path, edition: str):
    from pdf_pages import figures_pushed_over

    found = [
        problem
        for pdf in sorted((course / edition).glob("*.pdf"))
        for problem in figures_pushed_over(pdf)
    ]
    assert not found, "\n".join(found)


def test_long_lists_print_as_one_line_saying_what_they_hold(course: Path):
    for page in sorted((course / "student").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        for listing in re.findall(r'<ul class="ec-w-options">(.*?)</ul>', text, flags=re.S):
            assert listing.count("<li") <= 6, f"{page.name}: a list printed option by option"
    explorer = (course / "student" / "02-missed-opportunities.html").read_text(encoding="utf-8")
    shown = _visible_text(explorer)
    assert "(a list of 47 options)" in shown  # the event list: "(choose an event)" and 46
    assert "E46 ·" not in shown


def test_cells_that_only_show_a_question_print_no_code_for_students(course: Path):
    call = re.compile(r"exercises\s*\.\s*show\s*\(")  # highlighted code: a span a token
    for page in sorted((course / "student").glob("*.html")):
        shown = _visible_text(page.read_text(encoding="utf-8"))
        assert not call.search(shown), page.name
    trainer = _visible_text(
        (course / "trainer" / "02-missed-opportunities.html").read_text(encoding="utf-8")
    )
    assert call.search(trainer)  # trainers keep the id of each question


def test_a_figure_description_is_printed_once(course: Path):
    for page in sorted((course / "student").glob("*.html")):
        document = page.read_text(encoding="utf-8")
        captions = re.findall(r"<figcaption[^>]*>(.*?)</figcaption>", document, flags=re.S)
        elsewhere = _visible_text(re.sub(r"(?s)<figcaption.*?</figcaption>", " ", document))
        for caption in captions:
            words = re.sub(r"^\s*Figure \d+\.\s*", "", _visible_text(caption)).strip()[:120]
            if len(words) > 40:
                assert words not in elsewhere, f"{page.name}: printed twice: {words[:60]}..."


def test_building_the_course_again_into_the_same_folder_runs_nothing(course: Path):
    """`make handouts` twice in a row: the second build executes no notebook and prints no
    page, and the pack is the same, byte for byte."""
    from toolkit.handouts import build

    before = {
        p: p.read_bytes() for p in course.rglob("*") if p.is_file() and ".cache" not in p.parts
    }
    result = build(None, out=course, progress=False)
    assert result.ok, result.summary()
    assert [r.name for r in result.notebooks if not r.cached] == []
    assert all(r.execute_seconds == 0 for r in result.notebooks)
    assert result.phases["kernel start"] == 0 and result.phases["pdf"] == 0
    after = {
        p: p.read_bytes() for p in course.rglob("*") if p.is_file() and ".cache" not in p.parts
    }
    assert after == before
