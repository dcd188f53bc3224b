"""The per-learner answer store: one JSON file per learner per notebook, never lost.

Where answers live
------------------
``<answers folder>/<learner slug>/<notebook>.json``, where the answers folder is
``EVERYCALL_ANSWERS`` when set, otherwise ``~/everycall-answers``. The folder is visible on
purpose: JupyterLab's file browser hides dot-folders, and a learner must be able to find and
download their answers to hand them in. On a JupyterHub each home folder belongs to one user;
on a laptop shared by several learners each learner's name gives them their own sub-folder.
Until a learner has given their name, answers go to ``_unnamed/`` and move to the learner's
folder as soon as they give it (see :func:`set_learner`), or the next time the notebook opens
with a name known (see :func:`bind`). Where both files hold an answer to the same question, the
one answered last is kept and the presses of Check are added up; the ``_unnamed`` file is then
kept aside as ``<notebook>.merged-<timestamp>.json``, never deleted. Two names that make the
same folder name (王伟 and 汪巍 both give ``wang-wei``) get separate folders (``wang-wei-2``):
each answer file records its learner's display name, and a folder belongs to the name written
in its files (the same letters in another case count as the same name).

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
read as an answer file is moved aside to ``<name>.corrupt-<timestamp>.json`` (under the lock,
after reading it again, so a good file another kernel has just saved is never moved) and the
learner is told where it went; it is never deleted. Any failure to save (a read-only or full
folder) is an :class:`~toolkit.errors.AnswerStoreError` saying where and what to do.

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
import math
import os
import re
import sys
import tempfile
import threading
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
    "learner_folder",
    "learner_slug",
    "merge_entry",
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
_MAX_SAME_SLUG = 50  # folders tried for one slug (wang-wei, wang-wei-2, ...)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def _when(text: Any) -> datetime | None:
    """An ISO 8601 time from a file as an aware datetime (naive ones read as UTC), or None."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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
    folder = learner_folder(learner) if learner else UNNAMED
    return answers_root() / folder / f"{notebook}.json"


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _folder_names(folder: Path) -> set[str]:
    """The learners' names (compared case-blind) written in a folder's answer files."""
    names: set[str] = set()
    try:
        files = sorted(folder.glob("*.json"))[:200]
    except OSError:
        return names
    for file in files:
        if file.name.startswith(".") or ".corrupt-" in file.name or ".merged-" in file.name:
            continue
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            continue
        learner = data.get("learner") if isinstance(data, dict) else None
        if isinstance(learner, str) and learner.strip():
            names.add(_same_name(learner))
    return names


def learner_folder(name: str, *, root: Path | None = None) -> str:
    """The folder under the answers folder that holds ``name``'s answers.

    Usually :func:`learner_slug`; but when that folder's answer files belong to a different
    display name (王伟 and 汪巍 both make ``wang-wei``), the first of ``wang-wei-2``,
    ``wang-wei-3``, ... that belongs to ``name`` or to nobody yet.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> learner_folder("Jo Smith", root=root)
    'jo-smith'
    >>> AnswerStore(root / "jo-smith" / "n1.json", notebook="n1", learner="Jo-Smith").set("q", 1)
    >>> learner_folder("Jo Smith", root=root), learner_folder("jo-smith", root=root)
    ('jo-smith-2', 'jo-smith')
    >>> learner_folder("", root=root)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: a learner's name cannot be empty (expected a display name such \
as "Sam" or "Sam Patel")
    """
    base = learner_slug(name)
    root = answers_root() if root is None else Path(root)
    try:
        existing = {entry.name for entry in os.scandir(root) if entry.is_dir()}
    except OSError:  # no answers folder yet (or unreadable: saving will say so)
        return base
    wanted = _same_name(name)
    free: str | None = None
    for n in range(1, _MAX_SAME_SLUG + 1):
        candidate = base if n == 1 else f"{base}-{n}"
        owners = _folder_names(root / candidate) if candidate in existing else set()
        if wanted in owners:
            return candidate
        if not owners and free is None:
            free = candidate
    return free or base


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


def _cannot_save(path: Path, exc: OSError, what: str = "your answer") -> AnswerStoreError:
    return AnswerStoreError(
        f"{path}: {what} could not be saved ({exc.strerror or exc}); check that you can write "
        f"to {path.parent} and that there is space on the disk, then try again (a trainer can "
        "set EVERYCALL_ANSWERS to a folder learners can write to)"
    )


_held = threading.local()  # lock files this thread holds: taking one again must not wait


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for ``path`` (POSIX ``flock``; a no-op where it is missing).

    Re-entrant within one thread (a save that finds a damaged file sets it aside under the
    same lock). Any ``OSError`` in taking the lock becomes an ``AnswerStoreError``.
    """
    try:
        import fcntl
    except ImportError:  # Windows: one kernel per notebook is the norm; no lock
        yield
        return
    lock = path.parent / f".{path.name}.lock"
    held: set[str] = getattr(_held, "paths", None) or set()
    _held.paths = held
    if str(lock) in held:
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise _cannot_save(path, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError as exc:
        os.close(fd)
        raise _cannot_save(path, exc) from None
    held.add(str(lock))
    try:
        yield
    finally:
        held.discard(str(lock))
        os.close(fd)  # closing releases the lock; so does the death of the process


# --------------------------------------------------------------------------------------------
# Checking a file's content


def _describe(value: Any) -> str:
    return type(value).__name__


def _all_finite(value: Any) -> bool:
    """True when every number inside ``value`` is finite and fits a float (no 1e400, NaN).

    Walks without recursion: a parsed file may nest close to Python's recursion limit.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, bool) or item is None or isinstance(item, str):
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif isinstance(item, int):
            if abs(item) > sys.float_info.max:
                return False
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


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
        if not _all_finite(entry["value"]):
            return (
                f'answer "{key}": the value holds a number that is not finite or too large '
                "(expected ordinary numbers, up to about 1.8e308)"
            )
    return None


def _json_value(value: Any, key: str, path: Path) -> Any:
    try:
        clean = json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        raise AnswerStoreError(
            f'{path}: the answer for "{key}" cannot be saved: expected a JSON-compatible value '
            f"(text, number, true/false, null, list or mapping), got {_describe(value)}"
        ) from None
    if not _all_finite(clean):
        raise AnswerStoreError(
            f'{path}: the answer for "{key}" cannot be saved: it holds a number too large to '
            "keep (expected ordinary numbers, up to about 1.8e308)"
        )
    return clean


def merge_entry(kept: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """One answer from two files for the same question: the one answered last wins.

    Presses of Check are added up and the earliest first answer is kept; two identical
    records (a merge repeated after a crash) count once. On a tie the incoming one wins.

    Examples
    --------
    >>> old = {"value": "A", "attempts": 1, "first_answered": "2026-11-22T09:00:00+00:00",
    ...        "last_answered": "2026-11-22T09:00:00+00:00"}
    >>> new = {"value": "B", "attempts": 2, "first_answered": "2026-11-23T10:00:00+01:00",
    ...        "last_answered": "2026-11-23T10:00:00+01:00"}
    >>> merged = merge_entry(old, new)
    >>> merged["value"], merged["attempts"], merged["first_answered"]
    ('B', 3, '2026-11-22T09:00:00+00:00')
    >>> merge_entry(old, "B")
    Traceback (most recent call last):
    ...
    toolkit.errors.AnswerStoreError: cannot merge answers: expected two answer records \
(mappings with a "value"), got dict and str
    """
    if not (isinstance(kept, dict) and isinstance(incoming, dict)):
        raise AnswerStoreError(
            'cannot merge answers: expected two answer records (mappings with a "value"), '
            f"got {_describe(kept)} and {_describe(incoming)}"
        )
    if kept == incoming:
        return dict(kept)
    newer = (_when(incoming.get("last_answered")) or _EPOCH) >= (
        _when(kept.get("last_answered")) or _EPOCH
    )
    merged = dict(incoming if newer else kept)
    merged["attempts"] = int(kept.get("attempts", 0) or 0) + int(incoming.get("attempts", 0) or 0)
    firsts = [e.get("first_answered") for e in (kept, incoming) if _when(e.get("first_answered"))]
    if firsts:
        merged["first_answered"] = min(firsts, key=lambda t: _when(t) or _EPOCH)
    return merged


def _holds_every_key(path: Path, answers: dict[str, Any]) -> bool:
    try:
        saved = json.loads(path.read_text(encoding="utf-8")).get("answers", {})
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(saved, dict) and all(key in saved for key in answers)


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

    def _read(self) -> bytes | None:
        """The file's bytes, or None when there is no file yet."""
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise AnswerStoreError(
                f"{self.path} is a folder, expected an answer file (.json)"
            ) from None
        except OSError as exc:
            raise AnswerStoreError(
                f"{self.path}: cannot be read ({exc.strerror}); check the file's permissions"
            ) from None

    def _parse(self, raw: bytes, notebook: str | None) -> tuple[Any, str | None]:
        """The parsed file and why it is not a usable answer file (None when it is)."""
        if not raw.strip():
            return None, "it is empty"
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return None, "it is not UTF-8 text"
        except json.JSONDecodeError as exc:
            return None, f"it is not valid JSON (line {exc.lineno}, column {exc.colno})"
        except (ValueError, RecursionError):
            return None, "it is not valid JSON (too deeply nested or too large a number)"
        problem = check_answer_data(data, notebook=notebook)
        if problem and isinstance(data, dict) and data.get("format") == FORMAT:
            version = data.get("schema_version")
            if isinstance(version, int) and version > SCHEMA_VERSION:
                # Valid answers we cannot read: keep the file exactly where it is.
                raise AnswerStoreError(f"{self.path}: {problem}")
        return data, problem

    def _load(self, notebook: str | None) -> dict[str, Any]:
        _remove_stale_temps(self.path)
        stamp = self._file_stamp()  # before reading: a save in between makes the next get reload
        raw = self._read()
        if raw is None:
            self._stamp = None
            return self._fresh(notebook)
        data, problem = self._parse(raw, notebook)
        if problem:
            return self._quarantine(notebook)
        self._stamp = stamp
        return data

    def _quarantine(self, notebook: str | None) -> dict[str, Any]:
        """Set a damaged file aside, under the lock and only if it is still damaged.

        Another kernel may have set it aside and saved a good file since we read it: read it
        again under the lock (every save holds it) and keep what is there if it is good.
        """
        with _locked(self.path):
            stamp = self._file_stamp()
            raw = self._read()
            if raw is None:
                self._stamp = None
                return self._fresh(notebook)
            data, problem = self._parse(raw, notebook)
            if not problem:
                self._stamp = stamp
                return data
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

    def _set_aside(self, kind: str = "corrupt") -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = self.path.with_name(f"{self.path.stem}.{kind}-{stamp}.json")
        try:
            os.replace(self.path, aside)
        except OSError as exc:
            what = "could not be read and" if kind == "corrupt" else "was merged but"
            raise AnswerStoreError(
                f"{self.path} {what} could not be moved aside to {aside.name} "
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

        Both files are locked for the whole move (in a fixed order, so two kernels cannot
        wait on each other), and both are read again under their locks. Where both hold an
        answer to the same question, the one answered last wins and the attempts are added
        up (see :func:`merge_entry`). The old file is then kept aside as
        ``<notebook>.merged-<timestamp>.json`` once the merged file is safely written and
        holds every one of its answers; it is never deleted.
        """
        target_path = Path(path).expanduser()
        old = self.path
        if target_path == old:
            self._data["learner"] = learner
            return
        first, second = sorted((old, target_path), key=str)
        with _locked(first), _locked(second):
            self._refresh()  # a save from another kernel since we last looked is moved too
            ours = self._data["answers"]
            target = AnswerStore(target_path, notebook=self.notebook, learner=learner)
            if ours:
                merged = dict(target._data["answers"])
                for key, entry in ours.items():
                    merged[key] = merge_entry(merged[key], entry) if key in merged else entry
                target._data["answers"] = merged
                target._data["updated"] = _now()
                target._write()
            self.notices.extend(target.notices)
            if old.exists():
                if ours and not _holds_every_key(target_path, ours):
                    raise AnswerStoreError(
                        f"{target_path}: the answers in {old} could not be confirmed in it "
                        "after merging; both files were kept"
                    )
                if ours:
                    self._set_aside("merged")
                else:
                    with contextlib.suppress(OSError):  # no answers in it: nothing to lose
                        old.unlink()
        self.path, self._data, self._stamp = target.path, target._data, target._stamp

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
    if name is not None:
        store = _adopt_unnamed(store, name)
    _session["store"] = store
    _session["learner_source"] = source
    return store


def _adopt_unnamed(store: AnswerStore, name: str) -> AnswerStore:
    """Merge answers this notebook saved in ``_unnamed/`` (before a name was known) into
    ``name``'s file, as :func:`set_learner` would have done had this kernel been open."""
    early_path = default_path(store.notebook, None)
    if not early_path.exists():
        return store
    try:
        early = AnswerStore(early_path, notebook=store.notebook)
        count = len(early.keys())
        early.move_to(store.path, learner=name)
    except AnswerStoreError as exc:
        store.notices.append(
            f"Answers you gave in this notebook before you gave your name are still in "
            f"{early_path}: they could not be added to your file ({exc})."
        )
        return store
    if count:
        early.notices.append(
            f"{count} answer(s) you gave in this notebook before you gave your name "
            "have been added to your answers."
        )
    return early


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
    new learner's own file is opened instead. When another learner's name makes the same
    folder name, this learner gets a folder of their own (``wang-wei-2``) and a notice on the
    returned store says where their answers go.
    """
    clean = " ".join(str(name).split())
    learner_slug(clean)  # clear message for an empty name
    store = current_store()
    target = default_path(store.notebook, clean)
    _save_profile(clean)
    if store.path.parent.name == UNNAMED:
        store.move_to(target, learner=clean)
    elif store.path != target:
        _session["store"] = store = AnswerStore(target, notebook=store.notebook, learner=clean)
    else:
        store._data["learner"] = clean
    if target.parent.name != learner_slug(clean):
        store.notices.append(
            f"Someone else on this computer has a name that makes the same folder name "
            f"({learner_slug(clean)}), so your answers are kept in {target.parent.name}/ "
            f"({target.parent}), apart from theirs."
        )
    _session["learner_source"] = "profile"
    return store
