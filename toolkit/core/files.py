"""Crash-safe file handling: atomic writes, locks, reads, setting a damaged file aside.

Used by the answer store (:mod:`toolkit.answers`) and by every writer of files; none of it
knows what an answer is: how to
replace a file so a reader only ever sees the old or the whole new one (a temporary file in the
same folder, flush, fsync, ``os.replace``, fsync of the folder), how to tidy temporary files
left by a writer that died mid-save, how to hold one lock per file so two kernels saving the
same notebook take turns, how to tell whether a file changed since it was last read, and how to
move a file aside without ever deleting it. Each failure becomes an
:class:`~toolkit.errors.AnswerStoreError` naming the file.

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "notes" / "n1.json"
>>> with locked(target):
...     atomic_write_text(target, '{"answers": {}}')
>>> read_bytes(target)
b'{"answers": {}}'
>>> sorted(p.name for p in target.parent.iterdir())
['.n1.json.lock', 'n1.json']
>>> read_bytes(target.parent)
Traceback (most recent call last):
...
toolkit.errors.AnswerStoreError: ...notes is a folder, expected an answer file (.json)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from toolkit.errors import AnswerStoreError

__all__ = [
    "atomic_write_text",
    "file_stamp",
    "locked",
    "move_aside",
    "read_bytes",
    "remove_stale_temps",
]


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


def remove_stale_temps(path: Path) -> None:
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
def locked(path: Path) -> Iterator[None]:
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


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """The file's identity and version (inode, mtime, size), or None when there is no file."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AnswerStoreError(f"{path}: cannot be read ({exc.strerror})") from None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when there is no file yet."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise AnswerStoreError(f"{path} is a folder, expected an answer file (.json)") from None
    except OSError as exc:
        raise AnswerStoreError(
            f"{path}: cannot be read ({exc.strerror}); check the file's permissions"
        ) from None


def move_aside(path: Path, kind: str = "corrupt") -> Path:
    """Rename ``path`` to ``<stem>.<kind>-<timestamp>.json`` beside it (kept, never deleted)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.stem}.{kind}-{stamp}.json")
    try:
        os.replace(path, aside)
    except OSError as exc:
        what = "could not be read and" if kind == "corrupt" else "was merged but"
        raise AnswerStoreError(
            f"{path} {what} could not be moved aside to {aside.name} "
            f"({exc.strerror}); nothing was changed"
        ) from None
    _fsync_dir(path.parent)
    return aside


# --------------------------------------------------------------------------------------------
# Reading course files again only when they change

T = TypeVar("T")
_BY_FILES: dict[tuple[Any, ...], Any] = {}


def files_key(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """A key that changes when any of ``paths`` is edited, created or deleted."""
    key = []
    for p in paths:
        try:
            st = os.stat(p)
            key.append((str(p), st.st_mtime_ns, st.st_size))
        except OSError:
            key.append((str(p), -1, -1))
    return tuple(key)


def cached_by_files(kind: str, files: Iterable[Path], build: Callable[[], T]) -> T:
    """``build()``, run again only when one of ``files`` changed since the last call.

    Course files are parsed and checked once and then served from memory until a course
    builder edits one, so widgets can ask for a case or the exercises on every click.

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.yaml"
    >>> _ = f.write_text("one")
    >>> calls = []
    >>> def build():
    ...     calls.append(1)
    ...     return f.read_text()
    >>> cached_by_files("demo", [f], build), cached_by_files("demo", [f], build), len(calls)
    ('one', 'one', 1)
    >>> _ = f.write_text("three")
    >>> cached_by_files("demo", [f], build), len(calls)
    ('three', 2)
    """
    key = (kind, files_key(files))
    if key not in _BY_FILES:
        if len(_BY_FILES) > 256:
            _BY_FILES.clear()
        _BY_FILES[key] = build()
    return _BY_FILES[key]
