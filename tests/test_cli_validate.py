"""End-to-end tests of ``everycall validate`` and ``everycall new-case`` in a temporary folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.core.paths import data_dir

EVERYCALL = str(Path(sys.executable).parent / "everycall")
BAD = Path(__file__).parent / "data" / "bad"


def run(*args: str, cwd: Path, env_data: Path | None = None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ)
    env.pop("EVERYCALL_DATA", None)
    if env_data is not None:
        env["EVERYCALL_DATA"] = str(env_data)
    return subprocess.run(
        [EVERYCALL, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


# Inputs that once gave a traceback and exit status 1 (a code review's fuzzing).
UNREADABLE = (
    "events-file-is-a-link-loop",
    "events-file-is-a-folder",
    "events-file-has-no-rows",
    "case-yaml-key-is-a-number",
    "case-yaml-number-too-long",
    "case-yaml-key-given-twice",
)


@pytest.fixture
def workspace(tmp_path) -> Path:
    for name in (
        "timestamp-not-a-date",
        "unknown-agency",
        "latin-1-encoding",
        "case-yaml-syntax-error",
        "case-yaml-unclosed-quote",
        "guard-phone-number",
        "guard-date-of-birth",
        "guard-identifiers-in-case-summary",
        *UNREADABLE,
    ):
        shutil.copytree(BAD / name, tmp_path / name, symlinks=True)
    return tmp_path


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("timestamp-not-a-date", "1 error, 0 warnings"),
        ("unknown-agency", "1 error, 0 warnings"),
        ("latin-1-encoding", "1 error, 0 warnings"),
        ("case-yaml-syntax-error", "1 error, 1 warning"),
        ("case-yaml-unclosed-quote", "1 error, 1 warning"),
        ("guard-phone-number", "1 error, 0 warnings"),
        ("guard-identifiers-in-case-summary", "3 errors, 0 warnings"),
        *((name, "1 error, 0 warnings") for name in UNREADABLE),
    ],
)
def test_bad_case_exits_2_with_exact_messages_and_no_traceback(workspace, name, counts):
    result = run("validate", name, cwd=workspace)
    expected = (workspace / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [*expected, f"{counts} in {name}."]
    assert result.stdout == ""


def test_real_identifiers_in_a_summary_fail_and_say_how_to_proceed(workspace):
    # An email address, a phone number and a postcode, and nothing else wrong: exit status 2.
    result = run("validate", "guard-identifiers-in-case-summary", cwd=workspace)
    assert result.returncode == 2
    lines = result.stderr.splitlines()[:-1]
    assert [line.split("looks like ")[1].split(" (")[0] for line in lines] == [
        "an email address",
        "a UK phone number",
        "a postcode",
    ]
    assert all(
        line.endswith(
            "replace it with a pseudonym or remove it; cases must hold no real identifiers"
        )
        for line in lines
    )


def test_the_issue_example_message(workspace):
    result = run("validate", "timestamp-not-a-date", cwd=workspace)
    assert (
        'timestamp-not-a-date/events.csv, line 15 (event E14), column "timestamp": '
        '"31/02/2019" is not a date (expected YYYY-MM-DD HH:MM)'
    ) in result.stderr.splitlines()


def test_warnings_alone_exit_0(workspace):
    result = run("validate", "guard-date-of-birth", cwd=workspace)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        'warning: guard-date-of-birth/events.csv, line 5 (event E04), column "summary": '
        'looks like a date of birth ("14/02/1988"); give an age instead or remove it; cases '
        "must hold no real identifiers"
    ]
    assert result.stdout.strip() == (
        "OK: guard-date-of-birth (3 files checked, 1 case; 0 errors, 1 warning)."
    )


def test_shipped_data_passes(tmp_path):
    result = run("validate", str(data_dir()), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("OK: ")


def test_missing_path_exits_2(tmp_path):
    result = run("validate", "nowhere", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "nowhere: does not exist",
        "1 error, 0 warnings in nowhere.",
    ]
    assert "Traceback" not in result.stderr


def test_validate_changes_nothing(workspace):
    before = {p: p.read_bytes() for p in workspace.rglob("*") if p.is_file()}
    run("validate", ".", cwd=workspace)
    after = {p: p.read_bytes() for p in workspace.rglob("*") if p.is_file()}
    assert after == before


def test_new_case_then_validate(tmp_path):
    created = run("new-case", "harbour-street", "--root", "cases", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "cases" / "harbour-street" / "case.yaml").is_file()
    checked = run("validate", "cases/harbour-street", cwd=tmp_path)
    assert checked.returncode == 0
    assert "is still an example row from everycall new-case" in checked.stderr


def test_a_misspelt_case_folder_suggests_the_one_that_exists(tmp_path):
    run("new-case", "harbour-street", "--root", "cases", cwd=tmp_path)
    result = run("validate", "cases/harbour-stret", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "cases/harbour-stret: does not exist; did you mean cases/harbour-street?",
        "1 error, 0 warnings in cases/harbour-stret.",
    ]


def test_new_case_with_a_bad_name_exits_2(tmp_path):
    result = run("new-case", "Harbour Street", "--root", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "everycall new-case: Harbour Street: is not a valid case "
        "name: use lower case words joined by hyphens, for example "
        "harbour-street"
    )
    assert "Traceback" not in result.stderr


def test_a_mistyped_everycall_data_exits_2_naming_the_variable(tmp_path):
    result = run("validate", cwd=tmp_path, env_data=tmp_path / "dta")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"everycall validate: EVERYCALL_DATA={tmp_path / 'dta'}: no such folder (expected a copy "
        "of the course's data/ folder with your cases in its cases/ folder; unset "
        "EVERYCALL_DATA to use the course data)"
    )
    assert "Traceback" not in result.stderr


def test_the_readme_commands_work_from_the_repository_root(tmp_path):
    # data/README.md, "Adding a case", step 5: run from the root of a checkout.
    root = tmp_path / "checkout"
    shutil.copytree(data_dir(), root / "data", ignore=shutil.ignore_patterns("exercises"))
    created = run("new-case", "harbour-street", cwd=root, env_data=root / "data")
    assert created.returncode == 0, created.stderr
    checked = run("validate", "data/cases/harbour-street", cwd=root, env_data=root / "data")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("OK: data/cases/harbour-street (3 files checked, 1 case;")
    readme = (Path(__file__).parents[1] / "data" / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/everycall validate data/cases/harbour-street" in readme


@pytest.mark.parametrize(
    "name", ["pkg-sources-is-a-folder", "pkg-schema-not-json", "pkg-schema-not-an-object"]
)
def test_broken_shared_files_exit_2_with_one_message_and_no_traceback(tmp_path, name):
    shutil.copytree(data_dir(), tmp_path / "data", ignore=shutil.ignore_patterns("exercises"))
    overlay = BAD / name / "overlay"
    for path in overlay.rglob("*"):
        there = tmp_path / "data" / path.relative_to(overlay)
        if path.is_dir() and there.is_file():
            there.unlink()  # a folder in the overlay stands where a file should be
    shutil.copytree(overlay, tmp_path / "data", dirs_exist_ok=True)
    expected = (BAD / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    result = run("validate", "data", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = sum(not line.startswith("warning: ") for line in expected)
    warnings = len(expected) - errors
    counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    assert result.stderr.splitlines() == [*expected, f"{counts} in data."]
