"""The live cohort service's storage: the same tests on SQLite (the default) and on a real
PostgreSQL server started for the test session (tests/conftest.py, ``postgres_url``)."""

from __future__ import annotations

import random
import secrets
import threading

import pytest

sqlalchemy = pytest.importorskip("sqlalchemy", reason="the hub extra (SQLAlchemy) is needed")

from toolkit.errors import ToolkitError  # noqa: E402
from toolkit.live.storage import SCHEMA_VERSION, LiveStore, default_url  # noqa: E402

NB = "00-start-here"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield default_url(tmp_path)
        return
    server = request.getfixturevalue("postgres_url")
    name = f"t_{secrets.token_hex(6)}"
    admin = sqlalchemy.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    yield server.replace("/everycall?", f"/{name}?")
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _answer(exercise: str, value, version: int, **more) -> dict:
    return {"exercise": exercise, "value": value, "version": version, **more}


def test_a_new_database_records_its_schema_version_and_keeps_answers_across_opens(database_url):
    store = LiveStore(database_url)
    assert store.schema_version() == SCHEMA_VERSION
    store.upsert("sam", NB, [_answer("00-q1", "Take a break", 5, attempts=2, correct=True)])
    store.dispose()
    again = LiveStore(database_url)  # a restarted service
    assert again.schema_version() == SCHEMA_VERSION
    (row,) = again.rows()
    assert (row["learner"], row["notebook"], row["exercise"]) == ("sam", NB, "00-q1")
    assert (row["value"], row["attempts"], row["correct"], row["version"]) == (
        "Take a break",
        2,
        True,
        5,
    )
    again.dispose()


def test_a_database_from_a_newer_toolkit_is_refused_not_changed(database_url):
    store = LiveStore(database_url)
    with store.engine.begin() as conn:
        conn.execute(sqlalchemy.text("UPDATE everycall_schema SET version = 99"))
    store.dispose()
    with pytest.raises(ToolkitError, match="schema version 99, newer than this toolkit's 1"):
        LiveStore(database_url)


def test_sending_the_same_answer_twice_stores_it_once(database_url):
    store = LiveStore(database_url)
    batch = [_answer("00-q1", ["A", "B"], 7), _answer("00-q2", 12.5, 7)]
    assert store.upsert("sam", NB, batch) == 2
    assert store.upsert("sam", NB, batch) == 0  # a retry after a lost acknowledgement
    assert [(r["exercise"], r["value"]) for r in store.rows()] == [
        ("00-q1", ["A", "B"]),
        ("00-q2", 12.5),
    ]
    store.dispose()


def test_an_older_answer_arriving_late_never_replaces_a_newer_one(database_url):
    store = LiveStore(database_url)
    assert store.upsert("sam", NB, [_answer("00-q1", "second thoughts", 20)]) == 1
    assert store.upsert("sam", NB, [_answer("00-q1", "first try", 10)]) == 0
    assert store.rows()[0]["value"] == "second thoughts"
    assert store.upsert("sam", NB, [_answer("00-q1", "third", 30)]) == 1
    assert store.rows()[0]["value"] == "third"
    # Learners are kept apart: the same question for another learner is another row.
    store.upsert("ali", NB, [_answer("00-q1", "mine", 1)])
    assert {(r["learner"], r["value"]) for r in store.rows()} == {("sam", "third"), ("ali", "mine")}
    store.dispose()


def test_many_writers_at_once_leave_exactly_the_latest_version_of_every_answer(database_url):
    store = LiveStore(database_url)
    learners = [f"learner-{n}" for n in range(8)]
    exercises = [f"00-q{n}" for n in range(5)]
    # Every (learner, exercise) is written at versions 1..6, in a shuffled order, twice over.
    work = [(lr, ex, v) for lr in learners for ex in exercises for v in range(1, 7)] * 2
    random.Random(4).shuffle(work)
    chunks = [work[i::6] for i in range(6)]
    errors: list[BaseException] = []

    def write(chunk):
        try:
            for learner, exercise, version in chunk:
                store.upsert(learner, NB, [_answer(exercise, f"v{version}", version)])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = store.rows()
    assert len(rows) == len(learners) * len(exercises)
    assert {r["value"] for r in rows} == {"v6"}
    assert {r["version"] for r in rows} == {6}
    store.dispose()


def test_the_revision_changes_when_an_answer_is_stored_and_not_otherwise(database_url):
    store = LiveStore(database_url)
    empty = store.revision()
    store.upsert("sam", NB, [_answer("00-q1", "A", 1)])
    first = store.revision()
    assert first != empty
    store.upsert("sam", NB, [_answer("00-q1", "A", 1)])  # nothing new
    assert store.revision() == first
    store.dispose()


def test_stored_answers_read_as_the_same_debrief_rows_as_collected_files(database_url):
    from toolkit.cohort import gather_documents

    store = LiveStore(database_url)
    store.upsert("sam", NB, [_answer("00-stepping-away", "Step away at any time", 3, attempts=1)])
    store.upsert("ali", NB, [_answer("00-stepping-away", "Keep going", 4, attempts=2)])
    result = gather_documents(store.answer_files(), source="the live debrief")
    assert result.learners == ["ali", "sam"]
    assert {(r["learner"], r["response"]) for r in result.rows} == {
        ("sam", "Step away at any time"),
        ("ali", "Keep going"),
    }
    store.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = LiveStore(default_url(tmp_path))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.dispose()


def test_an_unsupported_database_url_is_one_clear_message():
    with pytest.raises(ToolkitError, match='DATABASE_URL "mysql://..." is not supported'):
        LiveStore("mysql://user:secret@db/everycall")
