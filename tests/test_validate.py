"""Tests for toolkit.validate: the shipped data passes, every malformed input fails clearly.

The malformed-input corpus lives in tests/data/bad/. Each entry is either a case folder
(case.yaml, events.csv, annotations.csv) or an ``overlay/`` of files written over a copy of the
shipped data folder, with ``expected.txt`` holding the exact lines validation must report.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from toolkit.core.paths import data_dir
from toolkit.data import guard as _guard
from toolkit.errors import DataError
from toolkit.validate import new_case, validate

BAD = Path(__file__).parent / "data" / "bad"
CASE_ENTRIES = sorted(
    p.name for p in BAD.iterdir() if (p / "expected.txt").is_file() and not (p / "overlay").is_dir()
)
OVERLAY_ENTRIES = sorted(p.name for p in BAD.iterdir() if (p / "overlay").is_dir())


def lines(report) -> list[str]:
    return [str(p) for p in report.errors + report.warnings]


def expected(name: str) -> list[str]:
    return (BAD / name / "expected.txt").read_text(encoding="utf-8").splitlines()


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    """A private copy of the shipped data (without exercises), cwd at its parent."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target, ignore=shutil.ignore_patterns("exercises"))
    monkeypatch.chdir(tmp_path)
    return target


def test_corpus_is_big_enough():
    assert len(CASE_ENTRIES) + len(OVERLAY_ENTRIES) >= 25


def test_shipped_data_has_no_errors_and_no_warnings():
    report = validate(data_dir())
    assert lines(report) == []
    assert report.cases == 3
    assert report.summary().startswith("OK:")


@pytest.mark.parametrize("name", CASE_ENTRIES)
def test_bad_case_folder_gives_exact_messages(name, monkeypatch):
    monkeypatch.chdir(BAD)
    before = snapshot(BAD / name)
    report = validate(Path(name))
    assert lines(report) == expected(name)
    assert snapshot(BAD / name) == before  # validation never writes


def apply_overlay(overlay: Path, target: Path) -> None:
    """Write ``overlay`` over ``target``; a folder in the overlay replaces a file of its name."""
    for path in sorted(overlay.rglob("*")):
        there = target / path.relative_to(overlay)
        if path.is_dir() and there.is_file():
            there.unlink()
    shutil.copytree(overlay, target, dirs_exist_ok=True)


@pytest.mark.parametrize("name", OVERLAY_ENTRIES)
def test_bad_package_file_gives_exact_messages(name, data_copy):
    overlay = BAD / name / "overlay"
    apply_overlay(overlay, data_copy)
    changed = [p.relative_to(overlay) for p in overlay.rglob("*") if p.is_file()]
    # One changed dataset: validating that file alone must say the same (and is quicker).
    single = len(changed) == 1 and changed[0].suffix == ".csv" and changed[0].parts[0] != "cases"
    target = Path("data") / changed[0] if single else Path("data")
    report = validate(target)
    assert lines(report) == expected(name)


def test_every_bad_entry_fails_or_warns():
    for name in CASE_ENTRIES + OVERLAY_ENTRIES:
        assert expected(name), name


def test_errors_make_the_summary_count_them_without_claiming_a_rollback(monkeypatch):
    # Validation never writes, so "nothing was changed" would suggest it might have.
    monkeypatch.chdir(BAD)
    report = validate(Path("timestamp-not-a-date"))
    assert not report.ok
    assert report.summary() == "1 error, 0 warnings in timestamp-not-a-date."


def test_validation_of_the_package_writes_nothing(data_copy):
    before = snapshot(data_copy)
    validate(data_copy)
    assert snapshot(data_copy) == before


def test_byte_order_mark_is_tolerated(data_copy):
    events = data_copy / "cases" / "unlinked-calls" / "events.csv"
    events.write_bytes(b"\xef\xbb\xbf" + events.read_bytes())
    assert lines(validate(events.parent)) == []


def test_file_over_five_megabytes_is_refused(data_copy):
    events = data_copy / "cases" / "unlinked-calls" / "events.csv"
    text = events.read_text(encoding="utf-8")
    header, body = text.split("\n", 1)
    events.write_text(header + "\n" + body * 700, encoding="utf-8")
    size = events.stat().st_size
    assert size > 5 * 1024 * 1024
    report = validate(events.parent)
    assert lines(report)[0] == (
        f"data/cases/unlinked-calls/events.csv: is "
        f"{size / 1024 / 1024:.1f} MB; the limit is 5 MB per file"
    )


def test_all_problems_are_reported_in_one_run(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "two-problems"
    shutil.copytree(BAD / "unknown-agency", folder)
    events = folder / "events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace("2020-02-05 10:02", "2020-02-31 10:02"),
        encoding="utf-8",
    )
    messages = [p.message for p in validate(folder).errors]
    assert len(messages) == 2
    assert messages[0].startswith('"Polce response" is not a known agency')
    assert messages[1] == '"2020-02-31 10:02": there is no 31 February 2020'


def test_missing_path_is_one_clear_error():
    report = validate(Path("no/such/place"))
    assert lines(report) == ["no/such/place: does not exist"]


def test_unknown_kind_of_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert lines(validate(Path("notes.txt"))) == [
        "notes.txt: is not a data folder (no datapackage.json), a case folder (no case.yaml) "
        "or a file of either"
    ]


def test_a_misspelt_path_suggests_the_folder_that_exists(monkeypatch):
    monkeypatch.chdir(BAD)
    assert lines(validate(Path("timestamp-not-a-dat"))) == [
        "timestamp-not-a-dat: does not exist; did you mean timestamp-not-a-date?"
    ]


def test_a_single_definition_file_counts_as_one_file_checked():
    path = sorted((data_dir() / "exercises").glob("*.yaml"))[0]
    report = validate(path)
    assert report.ok
    assert "(1 file checked; 0 errors, 0 warnings)" in report.summary()


# ---------------------------------------------------------------- rows out of line and dates


def test_a_row_out_of_line_is_reported_once_and_other_rows_are_still_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "two-rows"
    shutil.copytree(BAD / "row-with-unquoted-comma", folder)
    events = folder / "events.csv"
    text = events.read_text(encoding="utf-8")
    text = text.replace(
        "E07,2020-04-05 10:06,police_call_handling,", "E07,2020-04-05 10:06,Polce response,"
    )
    events.write_text(text, encoding="utf-8")
    known = (BAD / "unknown-agency" / "expected.txt").read_text(encoding="utf-8")
    assert lines(validate(folder)) == [
        "two-rows/events.csv, line 4 (event E03): has 20 cells but the header has 19 (extra value "
        '"everycall-course-team"); text containing a comma must be in double quotes',
        'two-rows/events.csv, line 8 (event E07), column "agency": "Polce response" is not a '
        'known agency; did you mean "police_response"? Known agencies: '
        + known.split("Known agencies: ")[1].strip(),
    ]


def test_rows_after_a_blank_row_keep_their_numbers(tmp_path, monkeypatch):
    # Checks across rows (here linked_to) count a blank row too, as the cell checks do.
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "after-blank"
    shutil.copytree(BAD / "blank-row", folder)
    events = folder / "events.csv"
    rows = events.read_text(encoding="utf-8").split("\n")
    rows[11] = ""  # a truly empty line, not a row of commas
    rows[21] = rows[21].replace(",no_further_action,,,", ",no_further_action,,E99,")
    events.write_text("\n".join(rows), encoding="utf-8")
    assert lines(validate(folder)) == [
        "after-blank/events.csv, line 12: is blank (delete the empty row)",
        'after-blank/events.csv, line 22 (event E20), column "linked_to": "E99" is not an '
        "event_id in this file",
    ]


@pytest.mark.parametrize(
    ("cell", "fmt", "message"),
    [
        ("2020-02-31 09:15", "%Y-%m-%d %H:%M", '"2020-02-31 09:15": there is no 31 February 2020'),
        ("2021-02-29", "default", '"2021-02-29": there is no 29 February 2021'),
        (
            "2020-13-01 10:00",
            "%Y-%m-%d %H:%M",
            '"2020-13-01 10:00": there is no month 13 (months go from 01 to 12; expected '
            "YYYY-MM-DD HH:MM)",
        ),
        (
            "2020-05-05 24:00",
            "%Y-%m-%d %H:%M",
            '"2020-05-05 24:00": there is no time 24:00 (hours go from 00 to 23 and minutes '
            "from 00 to 59; midnight is 00:00 of the next day)",
        ),
        (
            "2020-05-05 10:00 ",
            "%Y-%m-%d %H:%M",
            '"2020-05-05 10:00 " has a space before or after it; remove the space (expected '
            "YYYY-MM-DD HH:MM)",
        ),
        ("31/02/2019", "%Y-%m-%d %H:%M", None),
        ("2020-05-05 10:00", "default", None),
    ],
)
def test_dates_close_to_the_form_say_what_is_wrong(cell, fmt, message):
    from toolkit.core.text import date_message

    assert date_message(cell, fmt) == message


# ---------------------------------------------------------------- case folders gone or renamed


def test_a_removed_case_names_its_resources_and_what_to_do(data_copy):
    shutil.rmtree(data_copy / "cases" / "unlinked-calls")
    assert lines(validate(data_copy)) == [
        'data/datapackage.json: resources "unlinked-calls-events" and '
        '"unlinked-calls-annotations" point at cases/unlinked-calls/, which does not exist; if '
        "you removed the case, remove those resources from datapackage.json; to start the case "
        "again, run everycall new-case unlinked-calls"
    ]


def test_a_renamed_case_says_how_to_rename_its_resources(data_copy):
    (data_copy / "cases" / "unlinked-calls").rename(data_copy / "cases" / "harbour-street")
    # One message, on datapackage.json; no second warning that harbour-street is not listed.
    assert lines(validate(data_copy)) == [
        'data/datapackage.json: resources "unlinked-calls-events" and '
        '"unlinked-calls-annotations" point at cases/unlinked-calls/, which does not exist; if '
        "you renamed the case to harbour-street, change unlinked-calls to harbour-street in the "
        "names and paths of those resources; if you removed it, remove those resources from "
        "datapackage.json"
    ]


# ---------------------------------------------------------------- files that cannot be read


def test_a_link_that_loops_given_by_name_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "loop.csv").symlink_to("loop.csv")
    assert lines(validate(Path("loop.csv"))) == [
        "loop.csv: is a link that loops back on itself, expected a file"
    ]


def test_a_pipe_where_a_case_file_should_be_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "piped"
    shutil.copytree(BAD / "events-file-is-a-folder", folder)
    shutil.rmtree(folder / "events.csv")
    os.mkfifo(folder / "events.csv")  # reading it would wait for a writer for ever
    assert lines(validate(folder)) == [
        "piped/events.csv: is not an ordinary file (a device or a pipe?), expected a file"
    ]


def test_a_missing_vocabulary_is_one_message_not_one_per_cell(data_copy):
    (data_copy / "vocab" / "agencies.csv").unlink()
    assert lines(validate(data_copy / "cases" / "unlinked-calls")) == [
        "data/vocab/agencies.csv: is missing",
        "warning: data/cases/unlinked-calls: nothing else was checked, because every check "
        "depends on the vocabularies and sources",
    ]


def test_a_schema_field_of_an_unknown_type_is_named(data_copy):
    path = data_copy / "schemas" / "events.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "agency")["type"] = "colour"
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    assert lines(validate(data_copy)) == [
        'data/schemas/events.schema.json: is not a valid Table Schema: field type "colour" is '
        "not supported"
    ]


def test_a_key_given_twice_inside_a_list_is_named_by_its_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "twice"
    shutil.copytree(BAD / "events-file-has-no-rows", folder)
    shutil.copy(BAD / "case-yaml-key-given-twice" / "events.csv", folder / "events.csv")
    path = folder / "case.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    pseudonym: Sam\n", "    pseudonym: Sam\n    role: friend\n")
    path.write_text(text, encoding="utf-8")
    assert lines(validate(folder)) == [
        'twice/case.yaml, line 14, key "people[2].role": is given twice (first on line 12); '
        "the second would silently replace the first"
    ]


def test_a_case_with_no_events_cannot_be_loaded(data_copy, monkeypatch):
    from toolkit.data import load_case

    monkeypatch.setenv("EVERYCALL_DATA", str(data_copy))
    events = data_copy / "cases" / "unlinked-calls" / "events.csv"
    events.write_text(events.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_case("unlinked-calls")
    assert str(caught.value) == (
        "data/cases/unlinked-calls/events.csv: has no events; a case needs at least one "
        "(a course case has 30 to 80)"
    )


def test_a_single_case_file_validates_its_case(monkeypatch):
    monkeypatch.chdir(BAD)
    report = validate(Path("duplicate-event-id") / "annotations.csv")
    assert lines(report) == expected("duplicate-event-id")


def test_folder_of_cases_validates_each(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("unknown-agency", "summary-empty"):
        shutil.copytree(BAD / name, tmp_path / "cases" / name)
    report = validate(Path("cases"))
    assert report.cases == 2
    assert len(report.errors) == 2


# ---------------------------------------------------------------- notebooks: hidden inputs


def _notebook(*cells: dict) -> str:
    return json.dumps({"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _code(source: str, **metadata) -> dict:
    return {"cell_type": "code", "source": source, "metadata": metadata, "outputs": [],
            "execution_count": None}  # fmt: skip


def test_a_hidden_input_cell_that_jupyterlab_would_show_is_named_with_the_fix(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    Path("week1.ipynb").write_text(
        _notebook(
            {"cell_type": "markdown", "source": "# Week 1", "metadata": {"tags": ["hide-input"]}},
            _code("toolkit.begin('week1')"),
            _code("toolkit.trainer_note('n1')", tags=["trainer", "remove-input"]),
            _code("setup()", tags=["Hide_Input"], jupyter={"source_hidden": False}),
        ),
        encoding="utf-8",
    )
    fix = (
        'add "jupyter": {"source_hidden": true} to the cell\'s metadata (in JupyterLab: select '
        "the cell, then View > Collapse Selected Code, and save)"
    )
    report = validate("week1.ipynb")
    assert lines(report) == [
        f"week1.ipynb: cell 3: tagged remove-input but its code shows in JupyterLab; {fix}",
        f"week1.ipynb: cell 4: tagged hide-input but its code shows in JupyterLab; {fix}",
    ]
    assert not report.ok


def test_hidden_input_cells_collapsed_in_jupyterlab_pass(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    collapsed = {"source_hidden": True}
    Path("week1.ipynb").write_text(
        _notebook(
            _code("trainer_note('n1')", tags=["trainer", "Remove_Input"], jupyter=collapsed),
            _code("setup()", tags=["hide-input"], jupyter=collapsed),
            _code("shown()", tags=["remove-output"]),
        ),
        encoding="utf-8",
    )
    report = validate("week1.ipynb")
    assert lines(report) == [] and report.ok


def test_every_course_notebook_collapses_its_hidden_inputs():
    from toolkit.validate import collapsed_input_problems

    root = Path(__file__).resolve().parents[1] / "notebooks"
    for path in sorted(root.rglob("*.ipynb")):
        assert collapsed_input_problems(path) == [], path.name


# ---------------------------------------------------------------- the personal-data guard


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("write to sam.jones@example.org", "email"),
        ("call 07700 900123", "phone"),
        ("ring +44 7700 900123 tonight", "phone"),
        ("her landline, 0115 496 0000", "phone"),
        ("call her on +44 (0)20 7946 0123 tonight", "phone"),
        ("ring (020) 7946 0123", "phone"),
        ("from abroad, 0044 20 7946 0123", "phone"),
        ("call 07700\u00a0900123 (a no-break space)", "phone"),
        ("call 020.7946.0123", "phone"),
        ("call 020\u20137946\u20130123 (en dashes)", "phone"),
        ("she lives at 12 Road, SW1A 1AA", "postcode"),
        ("NHS number 943 476 5919", "nhs_number"),
        ("NHS number 9434765919", "nhs_number"),
        ("DOB: 01/02/1980", "date_of_birth"),
        ("date of birth 3 March 1975", "date_of_birth"),
        ("born on 1980-02-01", "date_of_birth"),
        ("then Kevin arrived", "name"),
        ("Dr Patel examined her", "name"),
    ],
)
def test_guard_catches_each_kind(text, kind):
    assert kind in [k for k, _ in _guard.scan(text, {"Alex"})]


@pytest.mark.parametrize(
    "text",
    [
        "National Domestic Abuse Helpline 0808 2000 247 (free, 24 hours).",
        "Men's Advice Line 0808 8010 327.",
        "She called 999, then 101; if you cannot speak, press 55.",
        "From abroad the helpline is +44 808 2000 247; seen on 14.10.2017 at 0930.",
        "The Met's victims' helpline, 0208 284 5100, also written 020 8284 5100.",
        "NHS number 943 476 5918 fails the check digit.",
        "Alex went to the GP on Monday 3 March with Sam.",
        "She was born in a Midlands town.",
    ],
)
def test_guard_leaves_support_numbers_and_ordinary_text_alone(text):
    assert _guard.scan(text, {"Alex", "Sam"}) == []


@pytest.mark.parametrize(
    ("kind", "level"),
    [
        ("email", "error"),
        ("phone", "error"),
        ("postcode", "error"),
        ("nhs_number", "error"),
        ("date_of_birth", "warning"),
        ("name", "warning"),
    ],
)
def test_real_identifiers_are_errors_and_fuzzy_finds_warnings(kind, level):
    assert _guard.level(kind) == level


def test_shipped_cases_raise_no_guard_warnings():
    for case in sorted((data_dir() / "cases").iterdir()):
        assert validate(case).warnings == [], case.name


def test_guard_names_need_case_yaml_terms(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "terms"
    shutil.copytree(BAD / "guard-undeclared-name", folder)
    assert len(validate(folder).warnings) == 1
    yaml_path = folder / "case.yaml"
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8").replace("terms: []", "terms: [Kevin]"),
        encoding="utf-8",
    )
    assert validate(folder).warnings == []


# ---------------------------------------------------------------- YAML mistakes in plain words


@pytest.mark.parametrize(
    ("text", "row", "words"),
    [
        ('title: "A case\nfictional: true\nnotice: "Fictional."\n', 1, "a quote opened on line 1"),
        ("title: 'A case\nfictional: true\n", 1, "a quote opened on line 1 is not closed"),
        ("title: A case\n\tfictional: true\n", 2, "holds a tab; indent with spaces only"),
        ("title: Alex: a case\n", 1, 'has ": " inside a value; put the whole value in quotes'),
        ("title: A case\nfictional\nnotice: x\n", 2, "has no colon after its key"),
        ("period:\n  start: x\n end: y\n", 3, "is not indented like the lines around it"),
        ("title: 'Alex's case'\nfictional: true\n", 1, "a quote mark inside the text ends it"),
    ],
)
def test_yaml_mistakes_are_named_at_the_line_where_they_start(
    tmp_path, monkeypatch, text, row, words
):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "broken"
    shutil.copytree(BAD / "case-yaml-syntax-error", folder)
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    (problem,) = validate(folder).errors
    assert (problem.file, problem.row) == ("broken/case.yaml", row)
    assert problem.message.startswith("is not valid YAML: ")
    assert words in problem.message


def test_an_unreadable_period_end_still_checks_the_start(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "end-broken"
    shutil.copytree(BAD / "timestamp-outside-period", folder)
    path = folder / "case.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('end: "2021-06-30"', 'end: "2021-06-31"'),
        encoding="utf-8",
    )
    assert lines(validate(folder)) == [
        'end-broken/case.yaml, line 8, key "period.end": "2021-06-31" is not a real date',
        'end-broken/events.csv, line 2 (event E01), column "timestamp": "2019-12-24 22:00" is '
        "before the case period starts on 2020-01-01 (case.yaml)",
        "warning: end-broken/events.csv: event times were checked against the start of the case "
        "period only, because period.end in case.yaml is not a valid date",
    ]


# ---------------------------------------------------------------- new_case


def test_new_case_scaffold_validates_with_warnings_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = new_case("harbour-street", root=tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [
        "annotations.csv",
        "case.yaml",
        "events.csv",
    ]
    report = validate(folder)
    assert report.errors == []
    assert "harbour-street" in (folder / "case.yaml").read_text(encoding="utf-8")
    messages = [p.message for p in report.warnings]
    assert "is still an example row from everycall new-case; replace it" in messages
    assert "has 2 events; a course case has 30 to 80" in messages
    assert "uses 1 opportunity type; a course case uses at least 5" in messages
    placeholders = [
        p.column
        for p in report.warnings
        if p.message == "is still the placeholder from everycall new-case; replace it"
    ]
    assert placeholders == [
        "title",
        "summary",
        "content_note",
        "learning_objectives[1]",
        "policy_context.notes",
    ]


def test_new_case_refuses_an_existing_folder(tmp_path):
    new_case("harbour-street", root=tmp_path)
    with pytest.raises(DataError, match="already exists"):
        new_case("harbour-street", root=tmp_path)


def test_new_case_refuses_a_bad_name(tmp_path):
    with pytest.raises(DataError, match="is not a valid case name"):
        new_case("Harbour Street", root=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_new_case_in_a_data_package_is_registered(data_copy, monkeypatch):
    monkeypatch.setenv("EVERYCALL_DATA", str(data_copy))
    folder = new_case("harbour-street")
    assert folder == data_copy / "cases" / "harbour-street"
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in descriptor["resources"]]
    assert "harbour-street-events" in names and "harbour-street-annotations" in names
    report = validate(data_copy)
    assert report.errors == []
    assert not any("not listed in datapackage.json" in p.message for p in report.warnings)
    assert not list((data_copy / "cases").glob(".harbour-street-*"))  # no temporary left


def test_new_case_that_cannot_update_the_package_leaves_nothing_behind(data_copy, monkeypatch):
    monkeypatch.setenv("EVERYCALL_DATA", str(data_copy))
    descriptor = (data_copy / "datapackage.json").read_bytes()
    (data_copy / "datapackage.json.tmp").mkdir()  # where the new descriptor would be written
    with pytest.raises(DataError) as caught:
        new_case("harbour-street")
    assert str(caught.value) == (
        "data/datapackage.json: could not be written (Is a directory); nothing was changed"
    )
    assert not (data_copy / "cases" / "harbour-street").exists()
    assert (data_copy / "datapackage.json").read_bytes() == descriptor


def test_new_case_refuses_a_file_where_the_cases_folder_should_be(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cases").write_text("not a folder", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        new_case("harbour-street", root="cases")
    assert str(caught.value) == "cases: is a file; expected the folder that holds case folders"


def test_dara_events_say_when_the_adoption_date_cannot_be_read():
    import datetime as dt

    from toolkit.data import case_checks
    from toolkit.validate import CaseContext

    meta = case_checks.CaseMeta({}, start=dt.date(2023, 1, 1), end=dt.date(2024, 12, 31))
    meta.dara_given = True  # policy_context.dara_adopted: "2023-02-30"
    row = {"event_id": "E01", "timestamp": "2023-05-01 10:00", "risk_tool": "dara"}
    problems = case_checks.check_events([row], meta, CaseContext(data_dir()), "events.csv")
    assert [str(p) for p in problems] == [
        'warning: events.csv: events using "dara" were not checked against the date the force '
        "adopted it, because policy_context.dara_adopted in case.yaml is not a valid date"
    ]


def test_guard_reports_a_phone_number_as_it_was_written():
    (found,) = _guard.scan("call 07700\u00a0900123 now", set())
    assert found == ("phone", "07700\u00a0900123")
