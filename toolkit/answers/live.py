"""Sending saved answers to the hub's live cohort service, with nothing lost on the way.

On a workshop hub a learner's kernel has the single-user server's hub token
(``JUPYTERHUB_API_TOKEN``) and the service's address (``EVERYCALL_COHORT_URL``, set by the
hub's configuration) in its environment. Then every answer the store saves is also sent to
the service (``POST <url>api/answers``, ``Authorization: token ...``); the service takes the
learner's identity from the token, never from what is sent. Off the hub neither variable is
set and nothing here runs.

The learner's own file stays the source of truth. Each save first writes the answer into the
notebook's outbox (``<learner folder>/.outbox/<notebook>.json``, beside the answers, hidden
from the file browser and from ``everycall answers collect``), then wakes a background thread
that sends everything the outbox holds and removes what the service acknowledged. A send that
fails (the service down, slow or refusing) leaves the answer in the outbox, to go with the next
save or with :func:`sync`; the learner is never kept waiting and never shown a traceback.

Each queued answer carries a ``version``, the save's time in nanoseconds (strictly increasing
within a kernel), so the service keeps the latest answer whatever order sends arrive in, and a
send repeated after a lost acknowledgement changes nothing.

Examples
--------
>>> LiveLink.from_environment({}) is None                       # off the hub
True
>>> link = LiveLink.from_environment({"EVERYCALL_COHORT_URL": "http://127.0.0.1:1/services/c",
...                                   "JUPYTERHUB_API_TOKEN": "abc"})
>>> link.url
'http://127.0.0.1:1/services/c/'
>>> LiveLink("ftp://x/", "abc")
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: EVERYCALL_COHORT_URL="ftp://x/" is not a web address: expected \
http://HOST:PORT/services/everycall-cohort/
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.core.files import atomic_write_text, locked, read_bytes
from toolkit.errors import ToolkitError

__all__ = ["COHORT_URL_VAR", "OUTBOX_FOLDER", "LiveLink", "SyncReport", "outbox_path"]

COHORT_URL_VAR = "EVERYCALL_COHORT_URL"
OUTBOX_FOLDER = ".outbox"
_OUTBOX_FORMAT = "everycall-outbox"
_log = logging.getLogger(__name__)
_clock = threading.Lock()
_last_version = 0
# Answers the service refuses for good (malformed, too large, not a course question) stay in
# the learner's file; these statuses mean that a retry cannot help.
_REFUSED_FOR_GOOD = {400, 404, 413, 422}


def next_version() -> int:
    """A version for a save: its time in nanoseconds, strictly increasing in this process."""
    global _last_version
    with _clock:
        _last_version = max(time.time_ns(), _last_version + 1)
        return _last_version


def outbox_path(answer_file: Path) -> Path:
    """The outbox that holds ``answer_file``'s answers not yet acknowledged by the service.

    >>> outbox_path(Path("/home/sam/everycall-answers/sam/00-start-here.json")).as_posix()
    '/home/sam/everycall-answers/sam/.outbox/00-start-here.json'
    """
    return answer_file.parent / OUTBOX_FOLDER / answer_file.name


def _read_outbox(path: Path) -> dict[str, Any]:
    raw = read_bytes(path)
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        data = None  # a torn outbox cannot happen (atomic writes); a damaged one is rebuilt
    if not isinstance(data, dict) or not isinstance(data.get("pending"), dict):
        return {"format": _OUTBOX_FORMAT, "notebook": path.stem, "pending": {}}
    return data


@dataclass
class SyncReport:
    """What :func:`toolkit.answers.sync` did: answers sent now and answers still waiting."""

    sent: int = 0
    waiting: int = 0
    on_hub: bool = True
    problem: str = ""

    def __str__(self) -> str:
        if not self.on_hub:
            return "Not on a workshop hub: your answers are kept in your own files only."
        if self.waiting:
            why = f" ({self.problem})" if self.problem else ""
            return (
                f"{self.waiting} answer(s) could not reach your trainer yet{why}. They are "
                "safe in your own files and will be sent again with your next answer, or when "
                "you run toolkit.answers.sync() again."
            )
        return f"All your answers have reached your trainer ({self.sent} sent just now)."

    def _repr_markdown_(self) -> str:
        return str(self)


class LiveLink:
    """Where a kernel sends saved answers (the service's address) and how (the hub token).

    One background thread per link sends outboxes as saves wake it; :meth:`flush` sends one
    outbox at once, for :func:`toolkit.answers.sync` and for tests.
    """

    def __init__(self, url: str, token: str, *, timeout: float = 5.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ToolkitError(
                f'{COHORT_URL_VAR}="{url}" is not a web address: expected '
                "http://HOST:PORT/services/everycall-cohort/"
            )
        self.url = url.rstrip("/") + "/"
        self.token = token
        self.timeout = timeout
        self._wanted: set[Path] = set()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self.last_problem = ""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> LiveLink | None:
        """The link from ``EVERYCALL_COHORT_URL`` and ``JUPYTERHUB_API_TOKEN``, or None
        (off the hub, or in a handout build)."""
        env = os.environ if environ is None else environ
        url = env.get(COHORT_URL_VAR, "").strip()
        token = env.get("JUPYTERHUB_API_TOKEN", "").strip()
        if not url or not token or env.get("EVERYCALL_HANDOUT") == "1":
            return None
        return cls(url, token)

    # -- queueing -----------------------------------------------------------------------------

    def queue(self, answer_file: Path, notebook: str, key: str, entry: Mapping[str, Any]) -> None:
        """Put one saved answer in its notebook's outbox and wake the sender (never raises
        for a network problem; a full disk is the answer store's own error to report)."""
        box = outbox_path(answer_file)
        item = {"exercise": key, **{k: v for k, v in entry.items()}, "version": next_version()}
        with locked(box):
            data = _read_outbox(box)
            data["notebook"] = notebook
            data["pending"][key] = item
            atomic_write_text(box, json.dumps(data, ensure_ascii=False) + "\n")
        self.wake(box)

    def wake(self, box: Path) -> None:
        """Ask the background thread to send ``box`` now."""
        with self._wake:
            self._wanted.add(box)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="everycall-live-sender", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._wanted:
                    self._wake.wait()
                boxes, self._wanted = self._wanted, set()
            for box in boxes:
                try:
                    self.flush(box)
                except Exception as exc:  # noqa: BLE001 - a sender thread must never die
                    _log.warning("could not send answers from %s: %s", box, exc)

    # -- sending ------------------------------------------------------------------------------

    def flush(self, box: Path) -> tuple[int, int]:
        """Send everything ``box`` holds; return (answers acknowledged, answers still waiting).

        Answers the service acknowledged leave the outbox unless a newer save of the same
        question arrived meanwhile; anything else stays for the next try.
        """
        with locked(box):
            data = _read_outbox(box)
        pending = list(data["pending"].values())
        if not pending:
            return 0, 0
        notebook = str(data.get("notebook") or box.stem)
        done: list[dict[str, Any]] = []
        status = self._post(notebook, pending)
        if status is not None and 200 <= status < 300:
            done = pending
        elif status in _REFUSED_FOR_GOOD and len(pending) > 1:
            # One answer the service will never take must not hold back the others.
            for item in pending:
                one = self._post(notebook, [item])
                if one is not None and (200 <= one < 300 or one in _REFUSED_FOR_GOOD):
                    done.append(item)
        elif status in _REFUSED_FOR_GOOD:
            done = pending
        if done:
            with locked(box):
                data = _read_outbox(box)
                for item in done:
                    key = item["exercise"]
                    current = data["pending"].get(key)
                    if current is not None and current.get("version") == item["version"]:
                        del data["pending"][key]
                atomic_write_text(box, json.dumps(data, ensure_ascii=False) + "\n")
                left = len(data["pending"])
        else:
            left = len(pending)
        return len(done), left

    def _post(self, notebook: str, answers: list[dict[str, Any]]) -> int | None:
        """POST a batch; the HTTP status, or None when the service could not be reached."""
        body = json.dumps({"notebook": notebook, "answers": answers}, ensure_ascii=False)
        request = urllib.request.Request(
            self.url + "api/answers",
            data=body.encode("utf-8"),
            method="POST",
            headers={
                "Authorization": f"token {self.token}",
                "Content-Type": "application/json; charset=utf-8",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                self.last_problem = ""
                return int(response.status)
        except urllib.error.HTTPError as exc:
            with contextlib.suppress(Exception):
                exc.read()
            self.last_problem = f"the live debrief refused them: HTTP {exc.code}"
            return int(exc.code)
        except (OSError, ValueError) as exc:  # refused, reset, timed out, no such host
            self.last_problem = f"the live debrief could not be reached: {exc}"
            return None


def pending_boxes(folder: Path) -> list[Path]:
    """The outboxes in a learner's answers folder."""
    box_folder = folder / OUTBOX_FOLDER
    try:
        return sorted(p for p in box_folder.glob("*.json") if not p.name.startswith("."))
    except OSError:
        return []
