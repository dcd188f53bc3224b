"""The per-learner answer store: one JSON file per learner per notebook, never lost.

Where answers live
------------------
``<answers folder>/<learner slug>/<notebook>.json``, where the answers folder is
``EVERYCALL_ANSWERS`` when set, otherwise ``~/everycall-answers``. The folder is visible on
purpose: JupyterLab's file browser hides dot-folders, and a learner must be able to find and
download their answers to hand them in. On a JupyterHub each home folder belongs to one user;
on a laptop shared by several learners each learner's name gives them their own sub-folder.
Until a learner has given their name, answers go to ``_unnamed/`` and move to the learner's
folder as soon as they give it (see :func:`set_learner`).

The file format (schema version 1)::

    {
      "format": "everycall-answers",
      "schema_version": 1,
      "notebook": "01-reading-a-case-timeline",
      "learner": "Sam Example",
      "updated": "2026-11-23T10:15:02+00:00",
      "answers": {
        "01-first-pattern": {"value": "An option", "attempts": 2, "correct": true,
                             "checked": true, "first_answered": "...", "last_answered": "..."},
        "flags:harbour-street": {"value": [...], "attempts": 0, ...}
      }
    }

``attempts`` counts presses of Check (not every keystroke); ``correct`` is the result of the
last check (absent for questions that are not marked); ``checked`` says whether the saved
value is the one that was last checked. Times are time-zone aware ISO 8601 strings.

Every save is atomic: a temporary file in the same folder, flush, fsync, ``os.replace``, fsync
of the folder. A crash or SIGKILL mid-save leaves either the old file or the new one, never a
torn or empty one (``tests/test_answers_stress.py``). Two kernels saving the same notebook's
file merge key by key under a lock instead of overwriting each other. A file that cannot be
read as an answer file is moved aside to ``<name>.corrupt-<timestamp>.json`` and the learner
is told where it went; it is never deleted.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> store = AnswerStore(folder / "00-start-here.json", notebook="00-start-here", learner="Sam")
>>> store.set("00-stepping-away", "Take a break", attempt=True, correct=True)
>>> store.get("00-stepping-away")
'Take a break'
>>> store.entry("00-stepping-away")["attempts"]
1
>>> AnswerStore(store.path).get("00-stepping-away")      # a new kernel reads the same answers
'Take a break'
>>> store.set("00-stepping-away", {1, 2})
Traceback (most recent call last):
...
toolkit.errors.AnswerStoreError: ...: the answer for "00-stepping-away" cannot be saved: expected \
a JSON-compatible value (text, number, true/false, null, list or mapping), got set
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.errors import AnswerStoreError, ToolkitError

__all__ = [
    "FORMAT",
    "SCHEMA_VERSION",
    "AnswerStore",
    "answers_root",
    "atomic_write_text",
    "bind",
    "check_answer_data",
    "current_store",
    "default_path",
    "learner_slug",
    "read_profile",
    "set_learner",
]

FORMAT = "everycall-answers"
PROFILE_FORMAT = "everycall-profile"
SCHEMA_VERSION = 1
UNNAMED = "_unnamed"

_log = logging.getLogger(__name__)
_NOTEBOOK_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
_MAX_KEY = 200


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


# --------------------------------------------------------------------------------------------
# Locations


def answers_root() -> Path:
    """The folder holding all learners' answers: ``EVERYCALL_ANSWERS`` or ``~/everycall-answers``.

    Examples
    --------
    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"EVERYCALL_ANSWERS": "/tmp/room-3"}):
    ...     print(answers_root())
    /tmp/room-3
    """
    override = os.environ.get("EVERYCALL_ANSWERS")
    if override:
        return Path(override).expanduser()
    return Path.home() / "everycall-answers"


def learner_slug(name: str) -> str:
    """A folder name for a learner's display name (ASCII, lower case, hyphens).

    Examples
    --------
    >>> learner_slug("Zoë O'Brien")
    'zoe-o-brien'
    >>> learner_slug("   ")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: a learner's name cannot be empty (expected a display name such \
as "Sam" or "Sam Patel")
    """
    # python-slugify (maintained; already required by frictionless) transliterates any script
    # to a safe ASCII folder name, which a hand-written regex would not.
    from slugify import slugify

    clean = " ".join(str(name).split())
    if not clean:
        raise ToolkitError(
            'a learner\'s name cannot be empty (expected a display name such as "Sam" or '
            '"Sam Patel")'
        )
    slug = slugify(clean, max_length=60)
    if not slug:  # a name with no letters or digits at all, such as an emoji
        import hashlib

        slug = "learner-" + hashlib.sha256(clean.encode("utf-8")).hexdigest()[:10]
    return slug


def _check_notebook(notebook: str) -> str:
    if not isinstance(notebook, str) or not _NOTEBOOK_RE.match(notebook):
        raise ToolkitError(
            f"notebook {notebook!r} is not a notebook name: expected the notebook's file stem, "
            'for example toolkit.begin("01-reading-a-case-timeline")'
        )
    return notebook


def default_path(notebook: str, learner: str | None) -> Path:
    """Where ``learner``'s answers to ``notebook`` are kept (``_unnamed/`` before a name).

    Examples
    --------
    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"EVERYCALL_ANSWERS": "/tmp/room-3"}):
    ...     print(default_path("01-reading-a-case-timeline", "Sam Patel").as_posix())
    /tmp/room-3/sam-patel/01-reading-a-case-timeline.json
    >>> default_path("../etc/passwd", "Sam")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: notebook '../etc/passwd' is not a notebook name: expected ...
    """
    _check_notebook(notebook)
    folder = learner_slug(learner) if learner else UNNAMED
    return answers_root() / folder / f"{notebook}.json"


# --------------------------------------------------------------------------------------------
# Atomic writing


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers only ever see the old or the whole new file.

    A temporary file in the same folder is written, flushed and fsynced, then renamed over
    ``path`` with ``os.replace`` (atomic on POSIX and Windows), then the folder is fsynced so
    the rename itself survives a power cut.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its rename is already durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_stale_temps(path: Path) -> None:
    """Delete temporary files left by writers that died mid-save (their pid is gone)."""
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows: go by age
        for tmp in path.parent.glob(f".{path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                if time.time() - tmp.stat().st_mtime > 86400:
                    tmp.unlink()
        return
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            pid = int(tmp.name[len(path.name) + 2 :].split(".", 1)[0])
        except ValueError:
            continue
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                tmp.unlink()
        except (PermissionError, OSError):
            continue


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for ``path`` (POSIX ``flock``; a no-op where it is missing)."""
    try:
        import fcntl
    except ImportError:  # Windows: one kernel per notebook is the norm; no lock
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.parent / f".{path.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock; so does the death of the process


# --------------------------------------------------------------------------------------------
# Checking a file's content


def _describe(value: Any) -> str:
    return type(value).__name__


def check_answer_data(data: Any, *, notebook: str | None = None) -> str | None:
    """Return why ``data`` (a parsed JSON document) is not an answer file, or None if it is.

    Examples
    --------
    >>> check_answer_data({"format": "everycall-answers", "schema_version": 1,
    ...                    "notebook": "00-start-here", "learner": "Sam", "answers": {}})
    >>> check_answer_data(["not", "a", "mapping"])
    'expected a JSON object with "format": "everycall-answers", got a list'
    """
    if not isinstance(data, dict):
        return f'expected a JSON object with "format": "{FORMAT}", got a {_describe(data)}'
    if "format" not in data:
        return f'it has no "format": "{FORMAT}" (not an answer file)'
    if data.get("format") != FORMAT:
        return f'"format" is {data.get("format")!r}, expected "{FORMAT}" (not an answer file)'
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return f'"schema_version" is {version!r}, expected a whole number such as 1'
    if version > SCHEMA_VERSION:
        return (
            f"it was written by a newer Every Call (schema version {version}; this toolkit "
            f"reads up to {SCHEMA_VERSION}): update the toolkit"
        )
    nb = data.get("notebook")
    if not isinstance(nb, str) or not _NOTEBOOK_RE.match(nb):
        return f'"notebook" is {nb!r}, expected a notebook name such as "00-start-here"'
    if notebook is not None and nb != notebook:
        return f'it holds answers for notebook "{nb}", expected "{notebook}"'
    learner = data.get("learner")
    if learner is not None and not isinstance(learner, str):
        return f'"learner" is a {_describe(learner)}, expected text'
    answers = data.get("answers")
    if not isinstance(answers, dict):
        return f'"answers" is a {_describe(answers)}, expected a JSON object keyed by exercise id'
    for key, entry in answers.items():
        if not key or len(key) > _MAX_KEY:
            return f"answer key {key[:40]!r} is empty or longer than {_MAX_KEY} characters"
        if not isinstance(entry, dict) or "value" not in entry:
            return f'answer "{key}" is not an object with a "value"'
        attempts = entry.get("attempts", 0)
        if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 0:
            return f'answer "{key}": "attempts" is {attempts!r}, expected a whole number >= 0'
        if entry.get("correct") is not None and not isinstance(entry.get("correct"), bool):
            return f'answer "{key}": "correct" is {entry.get("correct")!r}, expected true/false'
        for stamp in ("first_answered", "last_answered"):
            if entry.get(stamp) is not None and not isinstance(entry.get(stamp), str):
                return f'answer "{key}": "{stamp}" is {entry.get(stamp)!r}, expected a time'
    return None


def _json_value(value: Any, key: str, path: Path) -> Any:
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError):
        raise AnswerStoreError(
            f'{path}: the answer for "{key}" cannot be saved: expected a JSON-compatible value '
            f"(text, number, true/false, null, list or mapping), got {_describe(value)}"
        ) from None


# --------------------------------------------------------------------------------------------
# The store


class AnswerStore:
    """A learner's answers to one notebook, saved to ``path`` on every change.

    Parameters
    ----------
    path
        The JSON file (created on the first save).
    notebook
        The notebook id written into a new file; taken from an existing file when omitted.
    learner
        The learner's display name written into the file.

    Attributes
    ----------
    notices : list of str
        Messages for the learner, for example that a damaged file was moved aside.
    """

    def __init__(
        self, path: Path | str, *, notebook: str | None = None, learner: str | None = None
    ) -> None:
        self.path = Path(path).expanduser()
        self.notices: list[str] = []
        self._stamp: tuple[int, int, int] | None = None
        if notebook is not None:
            _check_notebook(notebook)
        self._data = self._load(notebook)
        if notebook is not None:
            self._data["notebook"] = notebook
        if learner is not None:
            self._data["learner"] = learner

    # -- reading ------------------------------------------------------------------------------

    @property
    def notebook(self) -> str:
        """The notebook these answers belong to."""
        return str(self._data["notebook"])

    @property
    def learner(self) -> str | None:
        """The learner's display name, if known."""
        return self._data.get("learner")

    def _fresh(self, notebook: str | None) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "notebook": notebook or self.path.stem,
            "learner": None,
            "updated": None,
            "answers": {},
        }

    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AnswerStoreError(f"{self.path}: cannot be read ({exc.strerror})") from None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _load(self, notebook: str | None) -> dict[str, Any]:
        _remove_stale_temps(self.path)
        stamp = self._file_stamp()  # before reading: a save in between makes the next get reload
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self._stamp = None
            return self._fresh(notebook)
        except IsADirectoryError:
            raise AnswerStoreError(
                f"{self.path} is a folder, expected an answer file (.json)"
            ) from None
        except OSError as exc:
            raise AnswerStoreError(
                f"{self.path}: cannot be read ({exc.strerror}); check the file's permissions"
            ) from None
        problem: str | None
        data: Any = None
        if not raw.strip():
            problem = "it is empty"
        else:
            try:
                data = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                problem = "it is not UTF-8 text"
            except json.JSONDecodeError as exc:
                problem = f"it is not valid JSON (line {exc.lineno}, column {exc.colno})"
            else:
                problem = check_answer_data(data, notebook=notebook)
        if problem and isinstance(data, dict) and data.get("format") == FORMAT:
            version = data.get("schema_version")
            if isinstance(version, int) and version > SCHEMA_VERSION:
                # Valid answers we cannot read: keep the file exactly where it is.
                raise AnswerStoreError(f"{self.path}: {problem}")
        if problem:
            aside = self._set_aside()
            message = (
                f"Your saved answers file {self.path} could not be read ({problem}). It has been "
                f"kept, renamed to {aside.name} in the same folder, and a new file was started. "
                "Your trainer can help recover earlier answers from it."
            )
            self.notices.append(message)
            _log.warning(message)
            self._stamp = None
            return self._fresh(notebook)
        self._stamp = stamp
        return data

    def _set_aside(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = self.path.with_name(f"{self.path.stem}.corrupt-{stamp}.json")
        try:
            os.replace(self.path, aside)
        except OSError as exc:
            raise AnswerStoreError(
                f"{self.path} could not be read and could not be moved aside to {aside.name} "
                f"({exc.strerror}); nothing was changed"
            ) from None
        _fsync_dir(self.path.parent)
        return aside

    def _refresh(self) -> None:
        """Reload if another process saved the file since we last read or wrote it."""
        if self._file_stamp() != self._stamp:
            learner = self._data.get("learner")
            seen = len(self.notices)
            fresh = self._load(self._data.get("notebook"))
            if len(self.notices) > seen and self._data["answers"]:
                # Damaged on disk since we last saved: our copy is the last good state.
                self.notices[-1] += " The answers from this session were kept."
                return
            if fresh.get("learner") is None:
                fresh["learner"] = learner
            self._data = fresh

    def get(self, key: str, default: Any = None) -> Any:
        """The saved value for ``key``, or ``default`` when nothing is saved."""
        self._refresh()
        entry = self._data["answers"].get(key)
        return json.loads(json.dumps(entry["value"])) if entry is not None else default

    def entry(self, key: str) -> dict[str, Any] | None:
        """A copy of the whole record for ``key`` (value, attempts, correct, times), or None."""
        self._refresh()
        entry = self._data["answers"].get(key)
        return json.loads(json.dumps(entry)) if entry is not None else None

    def keys(self) -> list[str]:
        """Every key with a saved answer."""
        self._refresh()
        return list(self._data["answers"])

    def as_dict(self) -> dict[str, Any]:
        """A copy of the whole file's content."""
        self._refresh()
        return json.loads(json.dumps(self._data))

    # -- writing ------------------------------------------------------------------------------

    def set(
        self, key: str, value: Any, *, attempt: bool = False, correct: bool | None = None
    ) -> None:
        """Save ``value`` for ``key`` now, atomically.

        ``attempt=True`` records a press of Check (adds one to ``attempts``) with its result
        ``correct`` (None for questions that are not marked); without it the value is saved as
        a change not yet checked.
        """
        if not isinstance(key, str) or not key or len(key) > _MAX_KEY:
            raise AnswerStoreError(
                f"{self.path}: answer key {key!r} is not usable: expected text of 1 to "
                f"{_MAX_KEY} characters, such as an exercise id"
            )
        clean = _json_value(value, key, self.path)
        with _locked(self.path):
            self._refresh()
            now = _now()
            answers = self._data["answers"]
            previous = answers.get(key)
            entry = dict(previous) if previous else {"attempts": 0, "first_answered": now}
            entry["value"] = clean
            entry["last_answered"] = now
            entry.setdefault("first_answered", now)
            entry.setdefault("attempts", 0)
            if attempt:
                entry["attempts"] = int(entry["attempts"]) + 1
                entry["checked"] = True
                if correct is None:
                    entry.pop("correct", None)
                else:
                    entry["correct"] = bool(correct)
            elif previous is None or previous.get("value") != clean:
                entry["checked"] = False  # the feedback shown earlier no longer fits this value
            order = ("value", "attempts", "correct", "checked", "first_answered", "last_answered")
            answers[key] = {k: entry[k] for k in order if k in entry} | {
                k: v for k, v in entry.items() if k not in order
            }
            self._data["updated"] = now
            self._write()

    def _write(self) -> None:
        text = json.dumps(self._data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
        try:
            atomic_write_text(self.path, text)
        except OSError as exc:
            raise AnswerStoreError(
                f"{self.path}: your answer could not be saved ({exc.strerror or exc}); check "
                "that the folder exists and there is space on the disk, then try again"
            ) from None
        self._stamp = self._file_stamp()

    def move_to(self, path: Path | str, *, learner: str | None) -> None:
        """Move these answers to ``path`` (merging into a file already there) for ``learner``.

        Answers already in the target file win over these for the same key; the old file is
        removed only after the merged file is safely written.
        """
        target = AnswerStore(path, notebook=self.notebook, learner=learner)
        self._refresh()
        for key, entry in self._data["answers"].items():
            target._data["answers"].setdefault(key, entry)
        if self._data["answers"]:
            target._data["updated"] = _now()
            with _locked(target.path):
                target._write()
        old = self.path
        self.notices.extend(target.notices)
        self.path, self._data, self._stamp = target.path, target._data, target._stamp
        if old != self.path:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()

    def __repr__(self) -> str:
        notebook = getattr(self, "_data", {}).get("notebook")
        return f"AnswerStore({str(self.path)!r}, notebook={notebook!r})"


# --------------------------------------------------------------------------------------------
# Profile (the learner's name, asked once) and the session binding used by toolkit.begin()


def _profile_path() -> Path:
    return answers_root() / "profile.json"


def read_profile() -> str | None:
    """The display name remembered on this machine (None if never given or unreadable)."""
    try:
        data = json.loads(_profile_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = data.get("learner") if isinstance(data, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def _save_profile(name: str) -> None:
    text = json.dumps(
        {"format": PROFILE_FORMAT, "schema_version": SCHEMA_VERSION, "learner": name},
        ensure_ascii=False,
    )
    try:
        atomic_write_text(_profile_path(), text + "\n")
    except OSError as exc:
        raise AnswerStoreError(
            f"{_profile_path()}: your name could not be saved ({exc.strerror or exc})"
        ) from None


_session: dict[str, Any] = {"store": None, "learner_source": None}


def bind(notebook: str, learner: str | None = None) -> AnswerStore:
    """Bind and return the answer store for ``notebook`` (what ``toolkit.begin`` does first).

    The learner is ``learner`` if given, else ``EVERYCALL_LEARNER``, else the name remembered
    in the profile, else nobody yet (answers go to ``_unnamed/`` until :func:`set_learner`).
    """
    _check_notebook(notebook)
    if learner is not None and not str(learner).strip():
        learner_slug(learner)  # raises the clear empty-name message
    source = "argument"
    name = " ".join(str(learner).split()) if learner is not None else None
    if name is None:
        env = os.environ.get("EVERYCALL_LEARNER", "").strip()
        name, source = (env, "environment") if env else (read_profile(), "profile")
    if name is None:
        source = "none"
    store = AnswerStore(default_path(notebook, name), notebook=notebook, learner=name)
    _session["store"] = store
    _session["learner_source"] = source
    return store


def current_store() -> AnswerStore:
    """The store bound by ``toolkit.begin()`` in this kernel.

    Examples
    --------
    >>> _session["store"] = None
    >>> current_store()
    Traceback (most recent call last):
    ...
    toolkit.errors.AnswerStoreError: no answer store is bound yet: run the notebook's first \
code cell, toolkit.begin("<notebook name>"), before the exercises
    """
    store = _session.get("store")
    if store is None:
        raise AnswerStoreError(
            "no answer store is bound yet: run the notebook's first code cell, "
            'toolkit.begin("<notebook name>"), before the exercises'
        )
    return store


def learner_source() -> str | None:
    """How the bound learner was found: "argument", "environment", "profile" or "none"."""
    return _session.get("learner_source")


def set_learner(name: str) -> AnswerStore:
    """Remember ``name`` as this machine's learner and move the bound store to their folder.

    Answers given before a name was known (in ``_unnamed/``) move into the learner's file; if
    the bound store already belonged to another learner, their file stays untouched and the
    new learner's own file is opened instead.
    """
    clean = " ".join(str(name).split())
    learner_slug(clean)  # clear message for an empty name
    _save_profile(clean)
    store = current_store()
    target = default_path(store.notebook, clean)
    if store.path.parent.name == UNNAMED:
        store.move_to(target, learner=clean)
    elif store.path != target:
        _session["store"] = store = AnswerStore(target, notebook=store.notebook, learner=clean)
    else:
        store._data["learner"] = clean
    _session["learner_source"] = "profile"
    return store
