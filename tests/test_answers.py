"""The answer store: where answers go, what the file holds, and that nothing is ever lost."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

import toolkit
from toolkit import answers
from toolkit.answers import AnswerStore, bind, current_store, default_path, set_learner
from toolkit.errors import AnswerStoreError, ToolkitError


@pytest.fixture()
def path(tmp_path: Path) -> Path:
    return tmp_path / "sam" / "01-reading-a-case-timeline.json"


def test_saved_answer_is_read_back_by_a_new_store(path):
    store = AnswerStore(path, notebook="01-reading-a-case-timeline", learner="Sam")
    store.set("01-first-pattern", "Escalation after separation")
    assert AnswerStore(path).get("01-first-pattern") == "Escalation after separation"
    assert AnswerStore(path).get("never-answered", default="blank") == "blank"


def test_file_holds_schema_learner_notebook_and_per_key_record(path):
    store = AnswerStore(path, notebook="01-reading-a-case-timeline", learner="Sam Patel")
    store.set("01-days-between", 11.0)
    store.set("01-days-between", 12.0, attempt=True, correct=True)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "everycall-answers" and data["schema_version"] == 1
    assert data["learner"] == "Sam Patel"
    assert data["notebook"] == "01-reading-a-case-timeline"
    entry = data["answers"]["01-days-between"]
    assert entry["value"] == 12.0 and entry["attempts"] == 1 and entry["correct"] is True
    first = datetime.fromisoformat(entry["first_answered"])
    last = datetime.fromisoformat(entry["last_answered"])
    assert first.tzinfo is not None and last.tzinfo is not None and first <= last


def test_changes_are_saved_but_only_checks_count_as_attempts(path):
    store = AnswerStore(path, notebook="n1")
    for draft in ("I", "I would", "I would ask"):
        store.set("q", draft)
    assert store.entry("q")["attempts"] == 0
    store.set("q", "I would ask", attempt=True)
    assert store.entry("q")["attempts"] == 1 and "correct" not in store.entry("q")
    assert store.entry("q")["checked"] is True
    store.set("q", "I would ask who else knew")
    assert store.entry("q")["checked"] is False and store.entry("q")["attempts"] == 1


def test_timeline_flags_round_trip(path):
    flags = [
        {
            "event_id": "E07",
            "opportunity_type": "no-risk-assessment",
            "reason": "Disclosure with no DASH",
            "flagged_at": "2026-11-23T10:00:00+00:00",
        }
    ]
    AnswerStore(path, notebook="02-missed-opportunities").set("flags:harbour-street", flags)
    assert AnswerStore(path).get("flags:harbour-street") == flags


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b'{"format": "everycall-answers", "schema_vers', "it is not valid JSON (line 1"),
        (b"", "it is empty"),
        (b"\xff\xfe\x00garbage", "it is not UTF-8 text"),
        (b'["a", "list"]', 'expected a JSON object with "format": "everycall-answers"'),
        (
            b'{"format": "everycall-answers", "schema_version": 1, "notebook": "n1", '
            b'"answers": {"q": 3}}',
            'answer "q" is not an object with a "value"',
        ),
    ],
    ids=["truncated", "empty", "binary", "list", "bad-entry"],
)
def test_unreadable_file_is_kept_aside_and_the_learner_told(path, content, why, caplog):
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = AnswerStore(path, notebook="n1")
    (aside,) = path.parent.glob("01-reading-a-case-timeline.corrupt-*.json")
    assert aside.read_bytes() == content  # kept byte for byte, never discarded
    (notice,) = store.notices
    assert why in notice and aside.name in notice and str(path) in notice
    assert why in caplog.text
    store.set("q", "fresh start")
    assert AnswerStore(path).get("q") == "fresh start"


def test_file_of_another_notebook_is_kept_aside(path):
    AnswerStore(path, notebook="other-notebook").set("q", 1)
    store = AnswerStore(path, notebook="01-reading-a-case-timeline")
    assert 'it holds answers for notebook "other-notebook"' in store.notices[0]
    assert store.get("q") is None


def test_newer_schema_is_refused_and_left_untouched(path):
    path.parent.mkdir(parents=True)
    newer = json.dumps(
        {"format": "everycall-answers", "schema_version": 9, "notebook": "n1", "answers": {}}
    )
    path.write_text(newer)
    with pytest.raises(AnswerStoreError, match="written by a newer Every Call"):
        AnswerStore(path, notebook="n1")
    assert path.read_text() == newer


def test_values_that_are_not_json_are_refused_with_the_reason(path):
    store = AnswerStore(path, notebook="n1")
    with pytest.raises(
        AnswerStoreError,
        match='"q" cannot be saved: expected a JSON-compatible '
        r"value .* got set",
    ):
        store.set("q", {1, 2})
    with pytest.raises(AnswerStoreError, match="got float"):
        store.set("q", float("nan"))
    with pytest.raises(AnswerStoreError, match="answer key '' is not usable"):
        store.set("", 1)
    assert not path.exists()


def test_two_kernels_on_the_same_notebook_merge_instead_of_overwriting(path):
    one, two = AnswerStore(path, notebook="n1"), AnswerStore(path, notebook="n1")
    one.set("a", 1)
    two.set("b", 2)
    one.set("c", 3)
    assert AnswerStore(path).as_dict()["answers"].keys() == {"a", "b", "c"}
    assert two.get("c") == 3  # the other kernel sees the new answer too


def test_temporary_files_of_dead_writers_are_cleaned(path):
    path.parent.mkdir(parents=True)
    stale = path.parent / f".{path.name}.999999999.abcd.tmp"
    stale.write_text("{half a fi")
    AnswerStore(path, notebook="n1")
    assert not stale.exists()


def test_no_temporary_file_is_left_after_saving(path):
    store = AnswerStore(path, notebook="n1")
    for i in range(5):
        store.set("q", i)
    assert sorted(p.name for p in path.parent.iterdir()) == [f".{path.name}.lock", path.name]


def test_save_failure_is_a_clear_error(path, monkeypatch):
    import errno

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    store = AnswerStore(path, notebook="n1")
    monkeypatch.setattr(answers.tempfile, "mkstemp", refuse)
    with pytest.raises(
        AnswerStoreError,
        match="your answer could not be saved "
        r"\(Read-only file system\)",
    ):
        store.set("q", 1)


def test_default_location_is_a_visible_folder_in_home(monkeypatch, tmp_path):
    monkeypatch.delenv("EVERYCALL_ANSWERS")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_path("00-start-here", "Zoë O'Brien") == (
        tmp_path / "everycall-answers" / "zoe-o-brien" / "00-start-here.json"
    )
    assert default_path("00-start-here", None).parent.name == "_unnamed"


def test_answers_env_overrides_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("EVERYCALL_ANSWERS", str(tmp_path / "room-3"))
    assert bind("00-start-here").path == tmp_path / "room-3" / "test-learner" / "00-start-here.json"


def test_current_store_before_begin_says_what_to_do(monkeypatch):
    monkeypatch.setitem(answers._session, "store", None)
    with pytest.raises(AnswerStoreError, match=r'toolkit.begin\("<notebook name>"\)'):
        current_store()


def test_begin_binds_the_store_and_reports_where(capsys, _isolated_learner):
    assert toolkit.begin("00-start-here") is None
    store = current_store()
    assert store.notebook == "00-start-here" and store.learner == "Test Learner"
    out = capsys.readouterr().out
    assert (
        f"Answering as Test Learner. Answers are saved to {_isolated_learner}/test-learner/" in out
        and "trainer mode: off (toolkit.trainer_mode(True) to turn on)." in out
    )


class _FakeShell:
    """Stands in for IPython inside a kernel: records the custom exception handler."""

    def __init__(self) -> None:
        self.custom: tuple = ()
        self._last_traceback: list[str] | None = None

    def set_custom_exc(self, exc_tuple, handler) -> None:
        self.custom = (exc_tuple, handler)


class _FakeHandle:
    def __init__(self) -> None:
        self.updates: list = []

    def update(self, obj) -> None:
        self.updates.append(obj)


def _inside_a_kernel(monkeypatch) -> tuple[_FakeShell, list]:
    from toolkit import _widgets

    shell, shown = _FakeShell(), []

    def display(obj, **kwargs):
        shown.append((obj, kwargs))
        return _FakeHandle() if kwargs.get("display_id") else None

    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    monkeypatch.setattr(_widgets, "display", display)
    monkeypatch.setattr("IPython.display.display", display)
    return shell, shown


def test_status_line_keeps_up_with_trainer_mode(monkeypatch):
    from toolkit import _widgets, exercises

    monkeypatch.setattr(exercises, "_trainer", None)
    _shell, shown = _inside_a_kernel(monkeypatch)
    toolkit.begin("00-start-here")
    status, kwargs = shown[0]
    assert "trainer mode: off (toolkit.trainer_mode(True) to turn on)." in status.data
    assert kwargs["metadata"] == {"everycall": {"status": True}}
    handle = _widgets._status["handle"]
    assert isinstance(handle, _FakeHandle)
    toolkit.trainer_mode(True)
    assert "trainer mode: ON" in handle.updates[-1].data  # the earlier line no longer says off
    assert shown[-1][0]["text/plain"].startswith("Trainer mode on: ")
    toolkit.trainer_mode(False)
    assert "trainer mode: off" in handle.updates[-1].data


def test_begin_shows_a_toolkit_error_as_one_short_message(monkeypatch):
    from toolkit import _widgets
    from toolkit.errors import DataError

    shell, shown = _inside_a_kernel(monkeypatch)
    toolkit.begin("00-start-here")
    exc_tuple, handler = shell.custom
    assert exc_tuple == (ToolkitError,) and handler is _widgets.show_toolkit_error
    shown.clear()
    error = DataError('data/cases/x: there is no such case; did you mean "y"?')
    assert handler(shell, DataError, error, None) == []
    ((bundle, kwargs),) = shown
    assert bundle["text/plain"] == (
        'Something needs fixing: data/cases/x: there is no such case; did you mean "y"?'
    )
    assert "Traceback" not in bundle["text/html"] and "&quot;y&quot;" in bundle["text/html"]
    assert 'role="alert"' in bundle["text/html"]
    assert kwargs["metadata"] == {"everycall": {"error": True}}
    assert shell._last_traceback == [f"DataError: {error}"]


def test_begin_rejects_a_path_as_notebook_name():
    with pytest.raises(ToolkitError, match="expected the notebook's file stem"):
        toolkit.begin("../../etc/passwd")


def test_learner_argument_wins_over_environment():
    assert bind("00-start-here", learner="Alex").learner == "Alex"
    with pytest.raises(ToolkitError, match="cannot be empty"):
        bind("00-start-here", learner="  ")


def test_name_is_asked_once_and_early_answers_follow_the_learner(monkeypatch, _isolated_learner):
    monkeypatch.delenv("EVERYCALL_LEARNER")
    store = bind("00-start-here")
    assert answers.learner_source() == "none" and store.learner is None
    store.set("00-stepping-away", "answered before giving a name")
    unnamed = store.path
    assert unnamed.parent.name == "_unnamed"

    set_learner("  Sam   Patel ")
    assert store.path == _isolated_learner / "sam-patel" / "00-start-here.json"
    assert not unnamed.exists()
    assert AnswerStore(store.path).as_dict()["learner"] == "Sam Patel"

    again = bind("00-start-here")  # a later session: the name is remembered, not asked
    assert answers.learner_source() == "profile"
    assert again.learner == "Sam Patel"
    assert again.get("00-stepping-away") == "answered before giving a name"


def test_unnamed_answers_merge_into_an_existing_file_without_overwriting(monkeypatch):
    monkeypatch.delenv("EVERYCALL_LEARNER")
    AnswerStore(default_path("n1", "Sam"), notebook="n1", learner="Sam").set("a", "old")
    store = bind("n1")
    store.set("a", "new")
    store.set("b", "only here")
    set_learner("Sam")
    assert store.get("a") == "old" and store.get("b") == "only here"


def test_second_learner_on_a_shared_laptop_gets_their_own_file(monkeypatch):
    monkeypatch.delenv("EVERYCALL_LEARNER")
    bind("n1")
    set_learner("Sam").set("q", "Sam's answer")
    alex = set_learner("Alex")
    assert alex.get("q") is None
    assert AnswerStore(default_path("n1", "Sam")).get("q") == "Sam's answer"
    assert answers.read_profile() == "Alex"


def test_answer_files_are_private_to_their_owner(path):
    AnswerStore(path, notebook="n1").set("q", 1)
    if os.name == "posix":
        assert path.stat().st_mode & 0o077 == 0
