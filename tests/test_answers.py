"""The answer store: where answers go, what the file holds, and that nothing is ever lost."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

import toolkit
from toolkit import answers
from toolkit.answers import AnswerStore, bind, current_store, default_path, fileformat, set_learner
from toolkit.answers import store as answer_store
from toolkit.core import files
from toolkit.core.session import SESSION
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
    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
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
    monkeypatch.setattr(SESSION, "store", None)
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
    from toolkit import session as learner_session

    shell, shown = _FakeShell(), []

    def display(obj, **kwargs):
        shown.append((obj, kwargs))
        return _FakeHandle() if kwargs.get("display_id") else None

    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    monkeypatch.setattr(learner_session, "display", display)
    monkeypatch.setattr("IPython.display.display", display)
    return shell, shown


def test_status_line_keeps_up_with_trainer_mode(monkeypatch):

    monkeypatch.setattr(SESSION, "trainer", None)
    _shell, shown = _inside_a_kernel(monkeypatch)
    toolkit.begin("00-start-here")
    status, kwargs = shown[0]
    assert "trainer mode: off (toolkit.trainer_mode(True) to turn on)." in status.data
    assert kwargs["metadata"] == {"everycall": {"status": True}}
    handle = SESSION.status_handle
    assert isinstance(handle, _FakeHandle)
    toolkit.trainer_mode(True)
    assert "Trainer mode ON" in handle.updates[-1].data  # the earlier line no longer says off
    assert "saved as the trainer" in handle.updates[-1].data
    assert shown[-1][0]["text/plain"].startswith("Trainer mode on: ")
    toolkit.trainer_mode(False)
    assert "trainer mode: off" in handle.updates[-1].data


def test_trainer_mode_answers_are_the_trainers_never_the_last_learners(monkeypatch, tmp_path):
    """On a shared laptop, a trainer in trainer mode never answers as the learner who used it
    last: answers go to _trainer/, and back to the learner's own file when it is turned off;
    the cohort debrief leaves the trainer's answers out."""
    from toolkit import answers, cohort

    monkeypatch.setenv("EVERYCALL_ANSWERS", str(tmp_path))
    monkeypatch.delenv("EVERYCALL_LEARNER", raising=False)
    answer_store._save_profile("Sam Learner")  # the last learner on this computer
    monkeypatch.setattr(SESSION, "trainer", None)
    monkeypatch.setenv("EVERYCALL_TRAINER", "1")
    _inside_a_kernel(monkeypatch)
    toolkit.begin("00-start-here")
    answers.current_store().set("00-stepping-away", "Take a break", attempt=True, correct=True)
    assert (tmp_path / "_trainer" / "00-start-here.json").is_file()
    assert not (tmp_path / "sam-learner").exists()
    toolkit.trainer_mode(False)
    store = answers.current_store()
    assert store.learner == "Sam Learner" and store.path.parent.name == "sam-learner"
    store.set("00-stepping-away", "Keep going", attempt=True, correct=False)
    toolkit.trainer_mode(True)
    assert answers.current_store().path.parent.name == "_trainer"
    result = cohort.collect(tmp_path)
    assert {row["learner"] for row in result.rows} == {"Sam Learner"}
    assert any("trainer's own answers" in note for note in result.notes)


def test_begin_shows_a_toolkit_error_as_one_short_message(monkeypatch):
    from toolkit import session as learner_session
    from toolkit.errors import DataError

    shell, shown = _inside_a_kernel(monkeypatch)
    toolkit.begin("00-start-here")
    exc_tuple, handler = shell.custom
    assert exc_tuple == (ToolkitError,) and handler is learner_session.show_toolkit_error
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


def _answered_at(path: Path, key: str, when: str) -> None:
    """Rewrite when ``key`` was last answered in the file at ``path`` (as if on another day)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["answers"][key]["first_answered"] = data["answers"][key]["last_answered"] = when
    path.write_text(json.dumps(data), encoding="utf-8")


def test_giving_a_name_keeps_the_newer_answer_and_sets_the_early_file_aside(monkeypatch):
    monkeypatch.delenv("EVERYCALL_LEARNER")
    named = AnswerStore(default_path("n1", "Sam"), notebook="n1", learner="Sam")
    named.set("a", "old answer", attempt=True, correct=False)
    _answered_at(named.path, "a", "2026-11-22T09:00:00+00:00")  # yesterday, under the name
    store = bind("n1")  # today the name was not known yet
    store.set("a", "NEW better answer", attempt=True, correct=True)
    store.set("b", "only here")
    unnamed = store.path
    set_learner("Sam")
    now = current_store()
    assert now.get("a") == "NEW better answer" and now.get("b") == "only here"
    entry = now.entry("a")
    assert entry["attempts"] == 2 and entry["correct"] is True  # both presses of Check count
    assert entry["first_answered"] == "2026-11-22T09:00:00+00:00"
    assert not unnamed.exists()
    (aside,) = unnamed.parent.glob("n1.merged-*.json")  # kept, never deleted
    assert json.loads(aside.read_text())["answers"]["a"]["value"] == "NEW better answer"


def test_giving_a_name_keeps_a_named_answer_that_is_newer(monkeypatch):
    monkeypatch.delenv("EVERYCALL_LEARNER")
    store = bind("n1")
    store.set("a", "early draft")
    _answered_at(store.path, "a", "2026-11-20T09:00:00+00:00")
    AnswerStore(default_path("n1", "Sam"), notebook="n1", learner="Sam").set("a", "final")
    set_learner("Sam")
    assert current_store().get("a") == "final"


@pytest.mark.skipif(os.name != "posix", reason="flock locks are POSIX")
def test_the_move_to_the_named_file_holds_both_files_locks(monkeypatch):
    import fcntl

    monkeypatch.delenv("EVERYCALL_LEARNER")
    store = bind("n1")
    store.set("a", 1)
    unnamed, target = store.path, default_path("n1", "Sam")
    held: list[str] = []
    write = answers.atomic_write_text

    def probe(where: Path, text: str) -> None:
        if where == target:  # while the merged file is written, can anyone else take a lock?
            for p in (unnamed, target):
                fd = os.open(p.parent / f".{p.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    held.append(p.parent.name)
                finally:
                    os.close(fd)
        write(where, text)

    monkeypatch.setattr(answer_store, "atomic_write_text", probe)  # where the store looks it up
    set_learner("Sam")
    assert held == ["_unnamed", "sam"]


def test_answers_saved_unnamed_after_the_move_join_the_file_when_the_notebook_reopens(
    monkeypatch,
):
    monkeypatch.delenv("EVERYCALL_LEARNER")
    kernel_1 = bind("01-x")
    kernel_1.set("q1", "from kernel 1")
    kernel_2 = AnswerStore(kernel_1.path, notebook="01-x")  # a second kernel, also unnamed
    set_learner("Sam")  # given in kernel 1
    kernel_2.set("q3", "saved in kernel 2 after the name was given")
    assert kernel_2.path.parent.name == "_unnamed"
    reopened = bind("01-x")
    assert reopened.path == default_path("01-x", "Sam")
    assert reopened.get("q1") == "from kernel 1"
    assert reopened.get("q3") == "saved in kernel 2 after the name was given"
    assert any("before you gave your name" in n for n in reopened.notices)
    assert not default_path("01-x", None).exists()  # merged, then kept aside


def test_answers_in_another_notebook_before_the_name_are_found_when_it_reopens(monkeypatch):
    monkeypatch.delenv("EVERYCALL_LEARNER")
    bind("01-reading-a-case-timeline").set("01-count-the-calls", 9, attempt=True, correct=True)
    bind("00-start-here")
    set_learner("Sam Patel")  # the name is given in notebook 00
    reopened = bind("01-reading-a-case-timeline")  # the next day, notebook 01 again
    assert reopened.path.parent.name == "sam-patel"
    assert reopened.get("01-count-the-calls") == 9
    assert reopened.entry("01-count-the-calls")["attempts"] == 1


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


# ---------------------------------------------------------------------------- saving can fail


def _refuse_lock_files(monkeypatch) -> None:
    import errno

    real_open = os.open

    def open_except_locks(where, flags, *args):
        if str(where).endswith(".lock"):
            raise OSError(errno.EROFS, "Read-only file system", str(where))
        return real_open(where, flags, *args)

    monkeypatch.setattr(files.os, "open", open_except_locks)


def test_a_lock_that_cannot_be_created_is_a_clear_error(path, monkeypatch):
    store = AnswerStore(path, notebook="n1")
    _refuse_lock_files(monkeypatch)
    with pytest.raises(AnswerStoreError) as caught:
        store.set("q", 1)
    message = str(caught.value)
    assert message.startswith(f"{path}: your answer could not be saved (Read-only file system")
    assert f"check that you can write to {path.parent}" in message
    assert "EVERYCALL_ANSWERS" in message


def test_giving_a_name_in_a_folder_that_cannot_be_written_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("EVERYCALL_LEARNER")
    bind("n1").set("q", "early answer")
    _refuse_lock_files(monkeypatch)
    with pytest.raises(AnswerStoreError, match=r"could not be saved \(Read-only file system"):
        set_learner("Sam")


# ---------------------------------------------------------------------------- damaged files


def test_a_good_file_saved_by_another_kernel_is_never_set_aside(path, monkeypatch):
    path.parent.mkdir(parents=True)
    path.write_text('["not", "an", "answer", "file"]')
    check = fileformat.check_answer_data
    calls: list[int] = []

    def other_kernel_saves_first(data, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # kernel 1 has read the damaged bytes; kernel 2 runs now
            AnswerStore(path, notebook="n1", learner="Sam").set("q2", "kernel 2's answer")
        return check(data, **kwargs)

    # Patched where the store looks it up (it reads files through toolkit.answers.fileformat).
    monkeypatch.setattr(fileformat, "check_answer_data", other_kernel_saves_first)
    kernel_1 = AnswerStore(path, notebook="n1", learner="Sam")
    assert kernel_1.get("q2") == "kernel 2's answer"
    assert kernel_1.notices == []
    (aside,) = path.parent.glob("*.corrupt-*.json")  # only the damaged file was set aside
    assert aside.read_text() == '["not", "an", "answer", "file"]'
    assert AnswerStore(path).get("q2") == "kernel 2's answer"


# ---------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "number",
    [b"1e400", b"-1e400", b"Infinity", b"NaN", b"1" + b"0" * 400],
    ids=["overflowing-float", "overflowing-negative", "infinity", "nan", "400-digit-int"],
)
def test_numbers_that_are_not_finite_make_a_file_unreadable(number):
    text = (
        b'{"format": "everycall-answers", "schema_version": 1, "notebook": "n1", '
        b'"answers": {"q": {"value": [1, {"deep": ' + number + b"}]}}}"
    )
    problem = answers.check_answer_data(json.loads(text))
    assert problem == (
        'answer "q": the value holds a number that is not finite or too large '
        "(expected ordinary numbers, up to about 1.8e308)"
    )


def test_a_number_too_large_for_the_file_is_refused(path):
    store = AnswerStore(path, notebook="n1")
    with pytest.raises(AnswerStoreError, match='"q" cannot be saved: .* too large'):
        store.set("q", 10**400)
    assert not path.exists()


# ---------------------------------------------------------------------------- similar names


def test_names_that_make_the_same_folder_name_get_separate_folders(monkeypatch):
    monkeypatch.delenv("EVERYCALL_LEARNER")
    bind("n1")
    set_learner("王伟").set("q", "Wang Wei's answer")
    bind("n1")
    second = set_learner("汪巍")
    assert second.path.parent.name == "wang-wei-2"
    assert second.get("q") is None  # nobody else's answers
    (notice,) = [n for n in second.notices if "wang-wei-2" in n]
    assert "your answers are kept in" in notice
    second.set("q", "the second learner's answer")
    assert AnswerStore(default_path("n1", "王伟")).get("q") == "Wang Wei's answer"
    assert bind("n1").path.parent.name == "wang-wei-2"  # remembered for the next session
    assert set_learner("王伟").get("q") == "Wang Wei's answer"


def test_punctuation_and_case_in_names(monkeypatch):
    monkeypatch.delenv("EVERYCALL_LEARNER")
    folders = []
    for name in ("Jo Smith", "Jo-Smith", "Jo_Smith", "jo  smith"):
        bind("n1")
        store = set_learner(name)
        store.set("q", name)
        folders.append(store.path.parent.name)
    # The same letters in another case are the same learner typing their name again.
    assert folders == ["jo-smith", "jo-smith-2", "jo-smith-3", "jo-smith"]
    assert AnswerStore(default_path("n1", "Jo Smith")).get("q") == "jo  smith"
