"""Where the live cohort service keeps answers: one row per learner, notebook and exercise.

SQLAlchemy Core, so that one set of queries runs on SQLite (the default: one file beside the
hub's state, in WAL mode, so the trainer's page reads while learners write) and on PostgreSQL
(``DATABASE_URL``, for a hub past one machine). Each dialect's own upsert
(``INSERT ... ON CONFLICT DO UPDATE ... WHERE``) makes a write idempotent and ordered: a row
changes only when the incoming ``version`` is higher than the stored one, so a retried send
changes nothing and an older answer arriving late never overwrites a newer one.

Tables (schema version 1)::

    everycall_schema   version                       one row: the schema this database holds
    everycall_answers  learner, notebook, exercise   the key
                       value (JSON text), attempts, correct, checked,
                       first_answered, last_answered the learner's record, as in their file
                       version                       the save's version (higher is newer)
                       received                      when the service stored it (seconds)

Examples
--------
>>> store = LiveStore("sqlite://")           # in memory, for the example
>>> store.upsert("sam", "00-start-here", [{"exercise": "00-q", "value": "A", "version": 2}])
1
>>> store.upsert("sam", "00-start-here", [{"exercise": "00-q", "value": "old", "version": 1}])
0
>>> [(r["learner"], r["value"], r["version"]) for r in store.rows()]
[('sam', 'A', 2)]
>>> LiveStore("mysql://nobody@nowhere/x")
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: DATABASE_URL "mysql://..." is not supported: expected \
sqlite:///PATH or postgresql://USER@HOST/DB (postgresql+psycopg://...)
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from toolkit.errors import ToolkitError

__all__ = ["SCHEMA_VERSION", "LiveStore", "default_url"]

#: The schema this toolkit writes; a database holding a newer one is refused, never changed.
SCHEMA_VERSION = 1

_meta = sa.MetaData()
_schema = sa.Table(
    "everycall_schema",
    _meta,
    sa.Column("version", sa.Integer, nullable=False),
)
_answers = sa.Table(
    "everycall_answers",
    _meta,
    sa.Column("learner", sa.String(200), primary_key=True),
    sa.Column("notebook", sa.String(200), primary_key=True),
    sa.Column("exercise", sa.String(200), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("correct", sa.Boolean, nullable=True),
    sa.Column("checked", sa.Boolean, nullable=True),
    sa.Column("first_answered", sa.String(40), nullable=True),
    sa.Column("last_answered", sa.String(40), nullable=True),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("received", sa.Float, nullable=False),
)


def default_url(state: Path | str) -> str:
    """The SQLite database in the hub's state folder (``DATABASE_URL`` replaces it).

    >>> default_url("/var/lib/everycall-hub")
    'sqlite:////var/lib/everycall-hub/cohort.sqlite'
    """
    return f"sqlite:///{Path(state) / 'cohort.sqlite'}"


def _engine(url: str) -> sa.Engine:
    if url.startswith("postgres://"):  # the form Heroku-style platforms hand out
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite:"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # WAL: readers (the trainer's page) never wait for writers, and a process killed
            # mid-commit leaves the last committed state. FULL: a commit is on disk before
            # the learner's kernel is told it arrived (it then drops its queued copy).
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        return engine
    if url.startswith("postgresql+"):
        return sa.create_engine(url, pool_pre_ping=True)
    shown = url.split("//")[0] + "//..." if "//" in url else url
    raise ToolkitError(
        f'DATABASE_URL "{shown}" is not supported: expected sqlite:///PATH or '
        "postgresql://USER@HOST/DB (postgresql+psycopg://...)"
    )


class LiveStore:
    """The live service's answers, in the database at ``url`` (created on first use).

    Parameters
    ----------
    url
        A SQLAlchemy URL: ``sqlite:///PATH`` (the default on a hub, see :func:`default_url`)
        or ``postgresql://USER@HOST/DB``.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        try:
            self._create()
        except BaseException:
            self.engine.dispose()  # no connection left open behind a refused database
            raise

    def _create(self) -> None:
        with self.engine.begin() as conn:
            _meta.create_all(conn)
            found = conn.execute(sa.select(_schema.c.version)).scalars().all()
            if not found:
                conn.execute(_schema.insert().values(version=SCHEMA_VERSION))
            elif max(found) > SCHEMA_VERSION:
                raise ToolkitError(
                    f"the cohort database ({self.engine.url.render_as_string()}) holds schema "
                    f"version {max(found)}, newer than this toolkit's {SCHEMA_VERSION}: update "
                    "the toolkit in the hub's environment (make hub-install)"
                )

    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(_schema.c.version))).scalar_one())

    def upsert(self, learner: str, notebook: str, answers: Iterable[Mapping[str, Any]]) -> int:
        """Store ``learner``'s answers to ``notebook`` in one transaction; return how many
        rows changed (an answer already stored at the same or a newer version changes none).

        Each answer is a mapping with ``exercise``, ``value``, ``version`` and optionally
        ``attempts``, ``correct``, ``checked``, ``first_answered``, ``last_answered``.
        """
        now = time.time()
        rows = [
            {
                "learner": learner,
                "notebook": notebook,
                "exercise": str(a["exercise"]),
                "value": json.dumps(a.get("value"), ensure_ascii=False),
                "attempts": int(a.get("attempts") or 0),
                "correct": a.get("correct"),
                "checked": a.get("checked"),
                "first_answered": a.get("first_answered"),
                "last_answered": a.get("last_answered"),
                "version": int(a["version"]),
                "received": now,
            }
            for a in answers
        ]
        if not rows:
            return 0
        # One statement per row: a batch may repeat an exercise (the later version wins).
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        changed = 0
        with self.engine.begin() as conn:
            for row in rows:
                statement = insert(_answers).values(**row)
                statement = statement.on_conflict_do_update(
                    index_elements=["learner", "notebook", "exercise"],
                    set_={
                        k: statement.excluded[k]
                        for k in row
                        if k not in ("learner", "notebook", "exercise")
                    },
                    where=_answers.c.version < statement.excluded.version,
                )
                # RETURNING gives a row only when one was written (rowcount is not reliable
                # for upserts across drivers).
                changed += len(conn.execute(statement.returning(_answers.c.version)).all())
        return changed

    def rows(
        self, *, notebook: str | None = None, exercise: str | None = None
    ) -> list[dict[str, Any]]:
        """Every stored answer (optionally of one notebook or exercise), value parsed."""
        query = sa.select(_answers).order_by(
            _answers.c.notebook, _answers.c.exercise, _answers.c.learner
        )
        if notebook is not None:
            query = query.where(_answers.c.notebook == notebook)
        if exercise is not None:
            query = query.where(_answers.c.exercise == exercise)
        with self.engine.connect() as conn:
            found = [dict(r._mapping) for r in conn.execute(query)]
        for row in found:
            row["value"] = json.loads(row["value"])
        return found

    def revision(self) -> str:
        """A short text that changes whenever an answer is stored (the live page polls it)."""
        query = sa.select(sa.func.count(), sa.func.max(_answers.c.received))
        with self.engine.connect() as conn:
            count, latest = conn.execute(query).one()
        return f"{count}-{latest or 0:.6f}"

    def answer_files(self) -> list[dict[str, Any]]:
        """The stored answers as answer-file documents, one per learner and notebook: what
        the cohort debrief reads (``toolkit.cohort.gather_documents``)."""
        files: dict[tuple[str, str], dict[str, Any]] = {}
        for row in self.rows():
            key = (row["learner"], row["notebook"])
            doc = files.setdefault(
                key,
                {
                    "format": "everycall-answers",
                    "schema_version": 1,
                    "notebook": row["notebook"],
                    "learner": row["learner"],
                    "answers": {},
                },
            )
            entry = {"value": row["value"], "attempts": row["attempts"]}
            for name in ("correct", "checked", "first_answered", "last_answered"):
                if row[name] is not None:
                    entry[name] = row[name]
            doc["answers"][row["exercise"]] = entry
        return list(files.values())

    def dispose(self) -> None:
        """Close the database connections."""
        self.engine.dispose()
