"""The ``everycall`` command as a user meets it: help, version, and no traceback on misuse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import toolkit
from toolkit.cli import main

EVERYCALL = Path(sys.executable).with_name("everycall")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EVERYCALL), *args], capture_output=True, text=True, cwd=cwd, env=dict(os.environ)
    )


def test_help_lists_every_subcommand_and_support():
    out = run("--help")
    assert out.returncode == 0
    for command in ("validate", "new-case", "answers", "handouts", "present", "hub"):
        assert command in out.stdout
    assert "0808 2000 247" in out.stdout


def test_version_matches_the_package():
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"everycall {toolkit.__version__}"


def test_no_command_prints_help(capsys):
    assert main([]) == 0
    assert "usage: everycall" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error_without_traceback():
    out = run("frobnicate")
    assert out.returncode == 2
    assert "invalid choice" in out.stderr
    assert "Traceback" not in out.stderr


def test_toolkit_error_becomes_one_message_and_status_2(monkeypatch, capsys):
    from toolkit import cli
    from toolkit.errors import ToolkitError

    def broken(args):
        raise ToolkitError("data/cases/x/case.yaml: 'title' is missing")

    monkeypatch.setattr(cli, "_cmd_validate", broken)
    assert main(["validate", "somewhere"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "everycall validate: data/cases/x/case.yaml: 'title' is missing"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("00", "00-start-here.ipynb"),
        ("00-start-here", "00-start-here.ipynb"),
        ("00-start-here.ipynb", "00-start-here.ipynb"),
        ("cohort-debrief", "trainer/cohort-debrief.ipynb"),
        ("trainer/cohort-debrief", "trainer/cohort-debrief.ipynb"),
    ],
)
def test_handouts_take_a_notebook_by_the_name_the_build_reports(name, expected):
    from toolkit.cli import _course_notebook

    found = _course_notebook(Path(name))
    assert found.as_posix().endswith(f"notebooks/{expected}")


def test_an_unknown_notebook_name_lists_the_names_the_course_has(capsys):
    assert main(["handouts", "zz-no-such"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("everycall handouts: zz-no-such: no such notebook; the course has: ")
    assert "00-start-here, 01-reading-a-case-timeline" in err and "trainer/cohort-debrief" in err


def test_present_names_an_unknown_notebook_and_a_busy_port_with_status_2(capsys):
    import socket

    assert main(["present", "99", "--no-browser"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("everycall present: 99: no such notebook; the course has: ")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["present", "04", "--port", str(port), "--no-browser"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"everycall present: port {port} is in use (another Voilà, JupyterLab or hub?); stop "
        "it, or choose another port with --port (make present: PORT=)"
    )
    assert "Traceback" not in err


def test_make_present_without_a_notebook_says_how_to_name_one():
    out = subprocess.run(
        ["make", "--no-print-directory", "present", "VENV=" + str(Path(sys.executable).parents[1])],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "make present: say which notebook, for example: make present NB=04" in out.stderr
