"""The build cache: a notebook whose inputs have not changed is not executed again.

Each notebook's handouts (its HTML, PDF and ``.ipynb`` files, and what the build reported
about it: title, objectives, warnings) are kept in the cache folder (default
``<out>/.cache``, never in the pack's manifest or zip) under a key made of everything those
files depend on:

* the notebook file's bytes and its name in the course (the name is printed in the handout);
* the other files in the notebook's folder (images, or a CSV a notebook reads beside it);
* the data package in use (``data/``, or ``EVERYCALL_DATA``): every file's path and bytes;
* the toolkit: its version and every file of the package (code, templates, vendored
  scripts), so a change to a template or a rule rebuilds every notebook;
* the kernel's packages (every installed distribution and its version, from the Python
  that runs the kernel) and the Chromium that prints (its path, size and date);
* the edition settings: editions, formats, the build date (``SOURCE_DATE_EPOCH``), extra
  leak-scan texts, and whether a browser checks and prints.

Why not jupyter-cache (what Jupyter Book uses)? It keys an executed notebook on its code
cells' source alone, so a change to ``data/`` or to the toolkit, which is where this
course's answers and figures come from, would serve stale outputs; and it caches the
execution, while most of a handout build's time is after it (Chromium checking and printing
each page). A content hash over the inputs above, with the finished files as the entry,
covers both; nbclient still executes.

An entry is a folder ``<cache>/<notebook>/<key>/`` with the files and ``entry.json``
(written last, through a rename); on use, every file's SHA-256 is checked against
``entry.json``. A damaged or incomplete entry is removed and the notebook rebuilt, never
trusted. Only builds with no error are stored, and each notebook keeps its
:data:`KEEP` most recently used entries.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> key = cache_key({"notebook": "abc"}, {"toolkit": "1"})
>>> len(key), key == cache_key({"notebook": "abc"}, {"toolkit": "2"})
(64, False)
>>> Cache(folder).load("00-start-here", key) is None
True
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from toolkit import __version__
from toolkit.errors import ExportError, ToolkitError
from toolkit.handouts.browser import find_chromium

__all__ = ["KEEP", "Cache", "CachedNotebook", "cache_key", "shared_inputs"]

#: Entries kept per notebook (so switching between, say, a student-only and a full build
#: does not throw the other away).
KEEP = 4
_ENTRY = "entry.json"
_FORMAT = 1  # the layout of entry.json; a change makes every older entry a miss


def _hash_files(files: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _tree_files(root: Path) -> list[Path]:
    skip = {"__pycache__", ".ipynb_checkpoints", ".cache", ".git"}
    return [
        p
        for p in root.rglob("*")
        if p.is_file() and not skip & set(p.relative_to(root).parts) and p.suffix != ".pyc"
    ]


def folder_hash(root: Path) -> str:
    """A hash of every file under ``root`` (paths and bytes; caches and bytecode skipped)."""
    return _hash_files(_tree_files(root), root) if root.is_dir() else "missing"


def _toolkit_hash() -> str:
    package = Path(__file__).resolve().parents[1]
    return f"{__version__}:{folder_hash(package)}"


def _packages_hash() -> str:
    """The kernel's packages: the handout kernel (``python3``) runs this Python."""
    names = sorted(
        f"{(d.metadata['Name'] or '').lower()}=={d.version}" for d in metadata.distributions()
    )
    return hashlib.sha256("\n".join([sys.version, *names]).encode()).hexdigest()


def _chromium() -> str:
    try:
        path = Path(find_chromium()).resolve()
        stat = path.stat()
    except (ToolkitError, OSError):  # no browser: the build says so, and the key records it
        return "none"
    return f"{path}:{stat.st_size}:{int(stat.st_mtime)}"


def shared_inputs(data: Path, *, settings: dict[str, Any]) -> dict[str, Any]:
    """The parts of the key every notebook of one build shares."""
    return {
        "format": _FORMAT,
        "toolkit": _toolkit_hash(),
        "packages": _packages_hash(),
        "chromium": _chromium(),
        "data": folder_hash(data),
        "settings": settings,
    }


def notebook_inputs(
    source: Path, name: str, editions: Iterable[str], *, skip: Iterable[Path] = ()
) -> dict[str, Any]:
    """The parts of the key that belong to one notebook: its bytes, its name, its editions,
    and every other file under its folder (subfolders too) except notebooks and ``skip``
    (the pack and cache folders, when they sit inside it)."""
    folder = source.parent
    away = [p.resolve() for p in skip]
    beside = [
        p
        for p in _tree_files(folder)
        if p.suffix != ".ipynb" and not any(p.resolve().is_relative_to(a) for a in away)
    ]
    return {
        "notebook": hashlib.sha256(source.read_bytes()).hexdigest(),
        "name": name,
        "beside": _hash_files(beside, folder),
        "editions": list(editions),
    }


def cache_key(notebook: dict[str, Any], shared: dict[str, Any]) -> str:
    text = json.dumps({"notebook": notebook, "shared": shared}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class CachedNotebook:
    """A usable entry: the files (relative to the pack folder) and the report's fields."""

    folder: Path
    files: list[dict[str, Any]]
    report: dict[str, Any]


class Cache:
    """The cache folder of one build (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.damaged: list[str] = []  # notebooks whose entry was damaged and is rebuilt

    def check_writable(self) -> None:
        """``ExportError`` naming the folder if the cache cannot be made or written."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".probe-"):
                pass
        except OSError as exc:
            raise ExportError(
                f"{self.folder}: the build cache cannot be written here "
                f"({exc.strerror or exc}); choose another folder with --cache-dir, "
                "or build without a cache (--no-cache)"
            ) from None

    def load(self, notebook: str, key: str) -> CachedNotebook | None:
        """The entry for ``key``, or None; a damaged entry is removed and reported."""
        entry = self.folder / notebook / key
        if not entry.is_dir():
            return None
        try:
            body = json.loads((entry / _ENTRY).read_text(encoding="utf-8"))
            if not isinstance(body, dict) or body.get("key") != key:
                raise ValueError("written for other inputs")
            if body.get("format") != _FORMAT or not isinstance(body.get("report"), dict):
                raise ValueError("written by another version")
            for record in body["files"]:
                rel = Path(record["file"])
                if rel.is_absolute() or ".." in rel.parts:
                    raise ValueError(f"{record['file']} is not inside the pack")
                data = (entry / "files" / rel).read_bytes()
                if hashlib.sha256(data).hexdigest() != record["sha256"]:
                    raise ValueError(f"{record['file']} does not match its checksum")
            os.utime(entry)  # most recently used: kept longest
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            self.discard(notebook, key, str(exc))
            return None
        return CachedNotebook(entry / "files", body["files"], body["report"])

    def discard(self, notebook: str, key: str, why: str) -> None:
        """Remove a damaged entry (the notebook is then built afresh)."""
        self.damaged.append(f"{notebook} ({why})")
        shutil.rmtree(self.folder / notebook / key, ignore_errors=True)

    def store(
        self, notebook: str, key: str, out: Path, files: list[dict[str, Any]], report: dict
    ) -> None:
        """Keep a built notebook's files (``files[i]["file"]`` is relative to ``out``)."""
        home = self.folder / notebook
        home.mkdir(parents=True, exist_ok=True)
        part = Path(tempfile.mkdtemp(dir=home, prefix=".part-"))
        try:
            for record in files:
                target = part / "files" / record["file"]
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(out / record["file"], target)
            body = {"format": _FORMAT, "key": key, "files": files, "report": report}
            (part / _ENTRY).write_text(json.dumps(body, indent=1), encoding="utf-8")
            final = home / key
            shutil.rmtree(final, ignore_errors=True)
            os.replace(part, final)
        finally:
            shutil.rmtree(part, ignore_errors=True)
        self._prune(home)

    @staticmethod
    def _prune(home: Path) -> None:
        entries = sorted(
            (p for p in home.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in entries[KEEP:]:
            shutil.rmtree(old, ignore_errors=True)
        for stale in home.glob(".part-*"):  # left by a build that was killed
            if time.time() - stale.stat().st_mtime > 3600:
                shutil.rmtree(stale, ignore_errors=True)

    def load_index(self, sha: str) -> list[dict[str, Any]] | None:
        """axe-core's findings on a course map with this SHA-256, if one was checked."""
        try:
            found = json.loads((self.folder / ".index" / f"{sha}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return found if isinstance(found, list) else None

    def store_index(self, sha: str, violations: list[dict[str, Any]]) -> None:
        home = self.folder / ".index"
        try:
            home.mkdir(parents=True, exist_ok=True)
            for old in sorted(home.glob("*.json"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
                old.unlink()
            tmp = home / f"{sha}.json.part"
            tmp.write_text(json.dumps(violations), encoding="utf-8")
            os.replace(tmp, home / f"{sha}.json")
        except OSError:  # only the next build's check is slower
            pass

    def restore(self, entry: CachedNotebook, out: Path) -> None:
        """Copy an entry's files into the pack folder."""
        for record in entry.files:
            target = out / record["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".part")
            shutil.copyfile(entry.folder / record["file"], tmp)
            os.replace(tmp, target)
