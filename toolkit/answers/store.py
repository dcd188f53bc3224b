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
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toolkit.answers.fileformat import (
    _MAX_KEY,
    _NOTEBOOK_RE,
    FORMAT,
    SCHEMA_VERSION,
    _holds_every_key,
    _json_value,
    _parse,
    _record,
    merge_entry,
)
from toolkit.answers.live import LiveLink, SyncReport, pending_boxes
from toolkit.core.files import (
    atomic_write_text,
    file_stamp,
    locked,
    move_aside,
    read_bytes,
    remove_stale_temps,
)
from toolkit.core.session import SESSION
from toolkit.errors import AnswerStoreError, ToolkitError

__all__ = [
    "PROFILE_FORMAT",
    "TRAINER_FOLDER",
    "TRAINER_NAME",
    "UNNAMED",
    "AnswerStore",
    "answers_root",
    "bind",
    "current_store",
    "default_path",
    "is_trainer_store",
    "learner_folder",
    "learner_slug",
    "learner_source",
    "read_profile",
    "set_learner",
    "sync",
]

PROFILE_FORMAT = "everycall-profile"
UNNAMED = "_unnamed"
#: The trainer's own answers, given in trainer mode: never under a learner's name, and left
#: out of the cohort debrief (``everycall answers collect``).
TRAINER_FOLDER = "_trainer"
TRAINER_NAME = "Trainer"

_log = logging.getLogger(__name__)
_MAX_SAME_SLUG = 50  # folders tried for one slug (wang-wei, wang-wei-2, ...)


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
    link : LiveLink or None
        On a workshop hub, where each saved answer is also sent (see
        :mod:`toolkit.answers.live`); None keeps answers in the file only.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        notebook: str | None = None,
        learner: str | None = None,
        link: LiveLink | None = None,
    ) -> None:
        self.path = Path(path).expanduser()
        self.link = link
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

    def _load(self, notebook: str | None) -> dict[str, Any]:
        remove_stale_temps(self.path)
        # The stamp is taken before reading: a save in between makes the next get reload.
        stamp = file_stamp(self.path)
        raw = read_bytes(self.path)
        if raw is None:
            self._stamp = None
            return self._fresh(notebook)
        data, problem = _parse(raw, notebook, self.path)
        if problem:
            return self._quarantine(notebook)
        self._stamp = stamp
        return data

    def _quarantine(self, notebook: str | None) -> dict[str, Any]:
        """Set a damaged file aside, under the lock and only if it is still damaged.

        Another kernel may have set it aside and saved a good file since we read it: read it
        again under the lock (every save holds it) and keep what is there if it is good.
        """
        with locked(self.path):
            stamp = file_stamp(self.path)
            raw = read_bytes(self.path)
            if raw is None:
                self._stamp = None
                return self._fresh(notebook)
            data, problem = _parse(raw, notebook, self.path)
            if not problem:
                self._stamp = stamp
                return data
            aside = move_aside(self.path)
        message = (
            f"Your saved answers file {self.path} could not be read ({problem}). It has been "
            f"kept, renamed to {aside.name} in the same folder, and a new file was started. "
            "Your trainer can help recover earlier answers from it."
        )
        self.notices.append(message)
        _log.warning(message)
        self._stamp = None
        return self._fresh(notebook)

    def _refresh(self) -> None:
        """Reload if another process saved the file since we last read or wrote it."""
        if file_stamp(self.path) != self._stamp:
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
        with locked(self.path):
            self._refresh()
            now = _now()
            answers = self._data["answers"]
            answers[key] = _record(answers.get(key), clean, now, attempt=attempt, correct=correct)
            self._data["updated"] = now
            self._write()
            saved = dict(answers[key])
        if self.link is not None:
            self._send(key, saved)

    def _send(self, key: str, entry: dict[str, Any]) -> None:
        """Queue a saved answer for the live debrief. The answer is already safe in the
        file, so nothing here may fail the save: a problem is logged, never raised."""
        assert self.link is not None
        try:
            self.link.queue(self.path, self.notebook, key, entry)
        except Exception as exc:  # noqa: BLE001 - the learner's answer is saved; say so only
            _log.warning("%s: answer saved, but not queued for the live debrief: %s", key, exc)

    def _write(self) -> None:
        text = json.dumps(self._data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
        try:
            atomic_write_text(self.path, text)
        except OSError as exc:
            raise AnswerStoreError(
                f"{self.path}: your answer could not be saved ({exc.strerror or exc}); check "
                "that the folder exists and there is space on the disk, then try again"
            ) from None
        self._stamp = file_stamp(self.path)

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
        with locked(first), locked(second):
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
                    move_aside(self.path, "merged")
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


def is_trainer_store(store: AnswerStore) -> bool:
    """True for the trainer's own answers (trainer mode), kept apart from every learner's."""
    return store.path.parent.name == TRAINER_FOLDER or store._data.get("role") == "trainer"


def bind(notebook: str, learner: str | None = None, *, trainer: bool = False) -> AnswerStore:
    """Bind and return the answer store for ``notebook`` (what ``toolkit.begin`` does first).

    The learner is ``learner`` if given, else ``EVERYCALL_LEARNER``, else the name remembered
    in the profile, else nobody yet (answers go to ``_unnamed/`` until :func:`set_learner`).
    With ``trainer=True`` (trainer mode) answers are the trainer's own, in ``_trainer/``, never
    under a learner's name, whoever used the computer last.

    Examples
    --------
    >>> import tempfile
    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"EVERYCALL_ANSWERS": tempfile.mkdtemp()}):
    ...     store = bind("00-start-here", "Sam", trainer=True)
    >>> store.path.parent.name, store.learner, is_trainer_store(store)
    ('_trainer', 'Trainer', True)
    """
    _check_notebook(notebook)
    SESSION.learner_arg = learner
    if trainer:
        store = AnswerStore(
            answers_root() / TRAINER_FOLDER / f"{notebook}.json",
            notebook=notebook,
            learner=TRAINER_NAME,
        )
        store._data["role"] = "trainer"
        SESSION.store = store
        SESSION.learner_source = "trainer"
        return store
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
    store.link = _live_link()
    if store.link is not None:  # answers a restarted service missed go with this session
        for box in pending_boxes(store.path.parent):
            store.link.wake(box)
    SESSION.store = store
    SESSION.learner_source = source
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
    >>> SESSION.store = None
    >>> current_store()
    Traceback (most recent call last):
    ...
    toolkit.errors.AnswerStoreError: no answer store is bound yet: run the notebook's first \
code cell, toolkit.begin("<notebook name>"), before the exercises
    """
    store = SESSION.store
    if store is None:
        raise AnswerStoreError(
            "no answer store is bound yet: run the notebook's first code cell, "
            'toolkit.begin("<notebook name>"), before the exercises'
        )
    return store


def learner_source() -> str | None:
    """How the bound learner was found: "argument", "environment", "profile" or "none"."""
    return SESSION.learner_source


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
    if is_trainer_store(store):  # trainer mode: the name is kept for later, answers stay apart
        SESSION.learner_source = "profile"
        return store
    if store.path.parent.name == UNNAMED:
        store.move_to(target, learner=clean)
    elif store.path != target:
        SESSION.store = store = AnswerStore(
            target, notebook=store.notebook, learner=clean, link=store.link
        )
    else:
        store._data["learner"] = clean
    if target.parent.name != learner_slug(clean):
        store.notices.append(
            f"Someone else on this computer has a name that makes the same folder name "
            f"({learner_slug(clean)}), so your answers are kept in {target.parent.name}/ "
            f"({target.parent}), apart from theirs."
        )
    SESSION.learner_source = "profile"
    return store


# --------------------------------------------------------------------------------------------
# The live debrief on a workshop hub


def _live_link() -> LiveLink | None:
    """This kernel's link to the hub's live cohort service (one per kernel), or None."""
    link = LiveLink.from_environment()
    if link is None:
        SESSION.live_link = None
        return None
    kept = SESSION.live_link
    if isinstance(kept, LiveLink) and (kept.url, kept.token) == (link.url, link.token):
        return kept
    SESSION.live_link = link
    return link


def sync(*, timeout: float = 10.0) -> SyncReport:
    """Send every answer still waiting for the hub's live debrief, now, and say how it went.

    Answers are saved in the learner's own files first; on a workshop hub each is also sent to
    the trainer's live debrief. One that could not be sent (the service was restarting) waits
    in the learner's folder and goes with the next answer; this sends them all at once. Off a
    hub it does nothing and says so.

    Examples
    --------
    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"EVERYCALL_COHORT_URL": ""}):
    ...     print(sync())
    Not on a workshop hub: your answers are kept in your own files only.
    """
    link = _live_link()
    if link is None:
        return SyncReport(on_hub=False)
    link.timeout = timeout
    report = SyncReport()
    try:
        folders = [
            entry
            for entry in answers_root().iterdir()
            if entry.is_dir() and entry.name != TRAINER_FOLDER
        ]
    except OSError:
        folders = []
    for folder in folders:
        for box in pending_boxes(folder):
            try:
                sent, waiting = link.flush(box)
            except Exception as exc:  # noqa: BLE001 - say what happened; never a traceback
                report.waiting += 1
                report.problem = str(exc)
                continue
            report.sent += sent
            report.waiting += waiting
    if report.waiting and not report.problem:
        report.problem = link.last_problem
    return report
