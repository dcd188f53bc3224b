"""Reading a folder of learners' answer files into rows, each file judged once.

This part only reads and de-duplicates what learners handed in (:mod:`toolkit.cohort.summary` writes
the summary CSV and the page): it refuses anything that is not an answer file and says why (a
symbolic link, a file set aside earlier, one too large, not UTF-8, not JSON, not the answer format),
tells two learners of one name apart by the folder above their own, keeps the later of two files for
the same learner and notebook (compared as times), reads a file copied unchanged into a second
folder once, marks every answer against the current definitions, and numbers learners and files in a
random order when anonymising.

Examples
--------
>>> import pathlib, shutil, tempfile
>>> from toolkit.cohort import demo_cohort
>>> folder = demo_cohort(pathlib.Path(tempfile.mkdtemp()) / "in", learners=2)
>>> (folder / "laptop-2").mkdir()
>>> _ = shutil.copy(folder / "ben" / "00-start-here.json", folder / "laptop-2")
>>> _ = (folder / "notes.json").write_text("{not json", encoding="utf-8")
>>> result = gather(folder)
>>> result.learners, result.unreadable
(['Amira', 'Ben'], 1)
>>> for line in result.skipped:
...     print(line)
laptop-2/00-start-here.json: the same answers as ben/00-start-here.json; read once
notes.json: is not valid JSON (line 1, column 2)
>>> gather(folder / "no-such-folder")
Traceback (most recent call last):
...
toolkit.errors.AnswerStoreError: /.../no-such-folder is not a folder: expected the folder \
that holds learners' answer files (.json)
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from toolkit.answers import (
    PROFILE_FORMAT,
    check_answer_data,
    learner_slug,
    parse_time,
)
from toolkit.data import vocab_labels
from toolkit.errors import AnswerStoreError, ToolkitError
from toolkit.exercises import mark, plain_number, valid_definitions

if TYPE_CHECKING:
    from toolkit.exercises import Exercise

MAX_FILE_BYTES = 2_000_000
MAX_TEXT = 4000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _shuffle_seed() -> int:
    """A fresh random seed, so "Learner N" numbers carry no link to names or file order.

    Handout builds (``EVERYCALL_HANDOUT=1``) use a fixed seed: the debrief handout shows only
    the demo cohort, and a course pack must come out byte-identical from the same inputs.
    """
    if os.environ.get("EVERYCALL_HANDOUT") == "1":
        return 0
    return secrets.randbits(64)


def _clean(text: Any, limit: int = MAX_TEXT) -> str:
    value = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    value = _CONTROL.sub("", value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# Gathering


@dataclass
class CollectResult:
    """What :func:`collect` read and wrote.

    ``rows`` are the CSV's rows as dicts (unescaped); ``skipped`` holds one line per bad or
    foreign file: its name (or "file N" when anonymised) and why; ``notes`` holds anything
    else the trainer should know, such as two learners of the same name kept apart.
    """

    directory: Path
    rows: list[dict[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    files_read: int = 0
    learners: list[str] = field(default_factory=list)
    csv_path: Path | None = None
    html_path: Path | None = None
    notes: list[str] = field(default_factory=list)
    anonymised: bool = False
    unreadable: int = 0  # files (or answers in them) left out because they could not be read

    def summary(self) -> str:
        """A few lines for the terminal: what was read, skipped and written."""
        exercises = {(r["notebook"], r["exercise_id"]) for r in self.rows}

        def n(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        lines = [
            f"Read {n(self.files_read, 'answer file')} from {self.directory}: "
            f"{n(len(self.learners), 'learner')}, {n(len(exercises), 'exercise')}, "
            f"{n(len(self.rows), 'answer')}.",
        ]
        lines += self.notes
        if self.skipped and self.anonymised:
            lines.append(
                f"Skipped {n(len(self.skipped), 'file')} (listed above as file N: run without "
                "--anonymise to see which)."
            )
        elif self.skipped:
            lines.append(f"Skipped {n(len(self.skipped), 'file')} (listed above).")
        if not self.files_read:
            lines.append("No answer files were found: check the folder.")
        if self.csv_path:
            lines.append(f"Summary: {self.csv_path}")
        if self.html_path:
            lines.append(f"Debrief page: {self.html_path}")
        return "\n".join(lines)


def _read_file(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The parsed answer file, or why it was skipped (None, None for a profile file)."""
    if path.is_symlink():
        return None, "is a symbolic link; copy the file itself into the folder"
    if ".corrupt-" in path.name:
        return None, "was set aside earlier because it could not be read"
    if ".merged-" in path.name:
        return None, "was kept aside after its answers were added to the learner's own file"
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, (
                f"is {size / 1e6:.1f} MB, larger than any answer file "
                f"(limit {MAX_FILE_BYTES / 1e6:.0f} MB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    if not raw.strip():
        return None, "is empty"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "is not UTF-8 text (not an answer file)"
    except json.JSONDecodeError as exc:
        return None, f"is not valid JSON (line {exc.lineno}, column {exc.colno})"
    except (ValueError, RecursionError):
        return None, "is not valid JSON (too deeply nested or too large a number)"
    if isinstance(data, dict) and data.get("format") == PROFILE_FORMAT:
        return None, None
    problem = check_answer_data(data)  # also refuses numbers that are not finite (1e400)
    if problem:
        return None, problem
    return data, None


def _definitions(exercises_dir: Path | None) -> dict[str, Exercise]:

    # Every valid definition, even when another file is broken: answers to exercises whose
    # definition cannot be read are still collected, as type "unknown" and unmarked.
    return valid_definitions(exercises_dir)


def _response_text(ex: Exercise | None, value: Any) -> str:
    if ex is not None and ex.type == "multiple_choice" and isinstance(value, list):
        return " | ".join(str(v) for v in value)
    if ex is not None and ex.type == "ordering" and isinstance(value, list):
        return " > ".join(str(v) for v in value)
    if (
        ex is not None
        and ex.type == "numeric"
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return plain_number(value)  # every digit: 1234567, not 1.23457e+06
    return _clean(value) if value is not None else ""


def _opportunity_names() -> dict[str, str]:
    """Opportunity type ids in words (the course's vocabulary), for flags in the debrief."""
    try:
        return vocab_labels("opportunity_types", column="name")
    except ToolkitError:  # a broken data folder: the ids still say what was flagged
        return {}


def _rows_for(
    data: dict[str, Any], shown: str, learner: str, definitions: dict[str, Exercise]
) -> list[dict[str, str]]:

    rows = []
    notebook = data["notebook"]
    for key, entry in data["answers"].items():
        base = {
            "learner": learner,
            "notebook": notebook,
            "exercise_id": _clean(key, 200),
            "attempts": str(entry.get("attempts", 0)),
            "first_answered": _clean(entry.get("first_answered") or "", 40),
            "last_answered": _clean(entry.get("last_answered") or "", 40),
            "file": shown,
            "correct": "",
            "detail": "",
        }
        value = entry.get("value")
        if key.startswith("flags:"):
            flags = value if isinstance(value, list) else []
            types = _opportunity_names()
            for flag in flags:
                if not isinstance(flag, dict):
                    continue
                kind = str(flag.get("opportunity_type", ""))
                rows.append(
                    base
                    | {
                        "type": "flag",
                        "response": _clean(flag.get("event_id", ""), 200),
                        "detail": _clean(f"{types.get(kind, kind)}: {flag.get('reason', '')}"),
                    }
                )
            continue
        if key.startswith("coding:"):  # a learner's own coding: one row per item coded
            for item, theme in (value if isinstance(value, dict) else {}).items():
                if theme:
                    rows.append(
                        base
                        | {
                            "type": "coding",
                            "response": _clean(theme, 200),
                            "detail": _clean(item, 200),
                        }
                    )
            continue
        ex = definitions.get(key)
        row = base | {"type": ex.type if ex else "unknown", "response": _response_text(ex, value)}
        if ex is not None and value is not None:
            try:
                result = mark(ex, value)
            except ToolkitError:
                row["detail"] = "does not fit the current question (edited since?)"
            else:
                row["correct"] = {True: "yes", False: "no", None: ""}[result.correct]
        rows.append(row)
    return rows


def _group(parent: PurePosixPath, name: str) -> str:
    """The folder above a learner's own folder: what tells two learners of one name apart.

    ``laptop-1/sam/x.json`` by Sam gives ``laptop-1``; ``sam/x.json`` and ``x.json`` give "".
    """
    parts = parent.parts
    if parts and name:
        slug = learner_slug(name)
        if parts[-1] == slug or re.fullmatch(re.escape(slug) + r"-\d+", parts[-1]):
            parts = parts[:-1]
    return "/".join(parts)


@dataclass
class _Kept:
    shown: str
    when: datetime | None
    data: dict[str, Any]


def gather(
    directory: Path | str, *, anonymise: bool = False, exercises_dir: Path | str | None = None
) -> CollectResult:
    """Read every answer file under ``directory`` into rows, without writing anything."""
    folder = Path(directory).expanduser()
    if not folder.is_dir():
        raise AnswerStoreError(
            f"{folder} is not a folder: expected the folder that holds learners' answer "
            "files (.json)"
        )
    found = _read_folder(folder)
    return _result(found, folder, anonymise=anonymise, exercises_dir=exercises_dir)


def gather_documents(
    documents: Iterable[dict[str, Any]],
    *,
    source: str,
    anonymise: bool = False,
    exercises_dir: Path | str | None = None,
    seed: int | None = None,
    row_cache: dict[Any, list[dict[str, str]]] | None = None,
) -> CollectResult:
    """Rows from answer-file documents already in memory (the live service's database), each
    judged as :func:`gather` judges a file: the same marking, labels and anonymising.

    ``source`` names where they came from, in place of a folder (for the page's notes);
    ``seed`` keeps "Learner N" the same person from one call to the next (a live page), and
    ``row_cache`` (a dict kept between calls) saves marking again the answers of a learner and
    notebook that did not change.

    >>> doc = {"format": "everycall-answers", "schema_version": 1, "notebook": "00-start-here",
    ...        "learner": "sam", "answers": {"00-stepping-away": {"value": "Take a break"}}}
    >>> result = gather_documents([doc, {"format": "nope"}], source="the live service")
    >>> result.learners, result.files_read
    (['sam'], 1)
    >>> print(result.skipped[0])
    document 2: "format" is 'nope', expected "everycall-answers" (not an answer file)
    """
    found = _Found()
    for number, data in enumerate(documents, start=1):
        problem = check_answer_data(data)
        learner = data.get("learner") if isinstance(data, dict) else None
        shown = (
            f"{learner_slug(learner)}/{data['notebook']}.json"
            if not problem and isinstance(learner, str) and learner.strip()
            else f"document {number}"
        )
        found.met.append(shown)
        if problem:
            found.events.append(("skipped", shown, problem))
            found.unreadable += 1
            continue
        _keep_latest(found, Path(shown), data)
    return _result(
        found,
        Path(source),
        anonymise=anonymise,
        exercises_dir=exercises_dir,
        seed=seed,
        row_cache=row_cache,
    )


def _result(
    found: _Found,
    folder: Path,
    *,
    anonymise: bool,
    exercises_dir: Path | str | None,
    seed: int | None = None,
    row_cache: dict[Any, list[dict[str, str]]] | None = None,
) -> CollectResult:
    """What :func:`gather` and :func:`gather_documents` return for what they found."""
    definitions = _definitions(Path(exercises_dir) if exercises_dir else None)
    result = CollectResult(directory=folder, anonymised=anonymise)
    people = sorted({(group, name) for group, name, _nb in found.kept})
    shared = {name for _g, name in people if sum(n == name for _g2, n in people) > 1}
    label, file_label = _labels(found, people, shared, anonymise=anonymise, seed=seed)
    result.unreadable = found.unreadable
    result.skipped = [_clean(_report(event, label, file_label), 400) for event in found.events]
    result.notes = _notes(people, shared, label, found.trainer_files, anonymise=anonymise)
    result.rows = _sorted_rows(found.kept, label, file_label, definitions, row_cache)
    result.files_read = len(found.kept)
    result.learners = sorted(set(label.values()))
    return result


@dataclass
class _Found:
    """What a pass over the folder found, before learners and files are labelled."""

    met: list[str] = field(default_factory=list)  # every file that says something, for "file N"
    # What to report, in the order met: ("skipped", file, why), ("copy", file, first copy) or
    # ("second", dropped, kept, group, name, notebook, "newer" or "").
    events: list[tuple[str, ...]] = field(default_factory=list)
    kept: dict[tuple[str, str, str], _Kept] = field(default_factory=dict)  # (group, name, nb)
    contents: dict[tuple[str, str, str], str] = field(default_factory=dict)  # read once
    unreadable: int = 0
    trainer_files: int = 0


def _read_folder(folder: Path) -> _Found:
    """Judge every answer file under ``folder`` once, keeping one file per learner and
    notebook; the trainer's own answers (trainer mode) are counted, not kept."""
    found = _Found()
    for path in sorted(folder.rglob("*.json")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue  # lock and temporary files, checkpoints
        shown = relative.as_posix()
        if not path.is_file() and not path.is_symlink():
            continue
        data, why = _read_file(path)
        if why:
            found.met.append(shown)
            found.events.append(("skipped", shown, why))
            found.unreadable += 1
        if data is None:
            continue
        if data.get("role") == "trainer" or "_trainer" in relative.parts[:-1]:
            found.trainer_files += 1
            continue
        found.met.append(shown)
        _keep_latest(found, relative, data)
    return found


def _keep_latest(found: _Found, relative: Path, data: dict[str, Any]) -> None:
    """Keep a learner's file unless it copies one already read, or the learner has a newer
    file for the same notebook (compared as times; the first read when they do not say)."""
    shown = relative.as_posix()
    name = _clean(" ".join((data.get("learner") or "").split()), 100)
    content = (name, data["notebook"], json.dumps(data["answers"], sort_keys=True))
    if name and content in found.contents:  # the same file copied into two folders
        found.events.append(("copy", shown, found.contents[content]))
        return
    found.contents[content] = shown
    group = _group(PurePosixPath(relative.parent.as_posix()), name)
    key = (group, name or f"(no name: {shown})", data["notebook"])
    new = _Kept(shown, parse_time(data.get("updated")), data)
    old = found.kept.get(key)
    if old is None:
        found.kept[key] = new
        return
    winner, loser, newer = old, new, ""  # no way to tell: keep the first one read
    if old.when is not None and new.when is not None and old.when != new.when:
        newer = "newer"
        if new.when > old.when:
            winner, loser = new, old
    found.events.append(("second", loser.shown, winner.shown, *key, newer))
    found.kept[key] = winner


def _labels(
    found: _Found,
    people: list[tuple[str, str]],
    shared: set[str],
    *,
    anonymise: bool,
    seed: int | None = None,
) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """How each learner (group, name) and each file is shown: as themselves, two learners of
    one name told apart by their folder; or, anonymised, as "Learner N" and "file N"."""
    # Numbers carry no link to names or file order.
    rng = random.Random(_shuffle_seed() if seed is None else seed)
    label = {
        (group, name): f"{name} ({group or 'top folder'})" if name in shared else name
        for group, name in people
    }
    file_label = {shown: shown for shown in found.met}
    if anonymise:
        order = list(people)
        rng.shuffle(order)
        label = {person: f"Learner {i + 1}" for i, person in enumerate(order)}
        read = [k.shown for k in found.kept.values()]  # files read first: "file 1".."file n"
        rng.shuffle(read)
        taken = set(read)
        others = [shown for shown in found.met if shown not in taken]  # then the skipped ones
        rng.shuffle(others)
        file_label = {shown: f"file {i + 1}" for i, shown in enumerate(read + others)}
    return label, file_label


def _report(
    event: tuple[str, ...], label: dict[tuple[str, str], str], file_label: dict[str, str]
) -> str:
    """One line of ``CollectResult.skipped``: a file set aside, and why."""
    if event[0] == "skipped":
        return f"{file_label[event[1]]}: {event[2]}"
    if event[0] == "copy":
        return f"{file_label[event[1]]}: the same answers as {file_label[event[2]]}; read once"
    _kind, dropped, kept_file, group, name, notebook, newer = event
    outcome = (
        f"kept the newer one ({file_label[kept_file]})"
        if newer
        else f"the files do not show which is newer, so the first one read was kept "
        f"({file_label[kept_file]})"
    )
    return (
        f"{file_label[dropped]}: a second file for {label[(group, name)]}, {notebook}; " + outcome
    )


def _notes(
    people: list[tuple[str, str]],
    shared: set[str],
    label: dict[tuple[str, str], str],
    trainer_files: int,
    *,
    anonymise: bool,
) -> list[str]:
    """What else the trainer should know: learners of one name kept apart, and the trainer's
    own answers left out."""
    notes = []
    for name in sorted(shared):
        count = sum(n == name for _g, n in people)
        if anonymise:
            notes.append(
                f"{count} learners with the same name, in different folders, are counted apart."
            )
        else:
            shown_as = ", ".join(label[p] for p in people if p[1] == name)
            notes.append(
                f"{count} learners named {name}, in different folders, are shown apart: {shown_as}."
            )
    if trainer_files:
        notes.append(
            f"The trainer's own answers (given in trainer mode; {trainer_files} "
            f"file{'' if trainer_files == 1 else 's'}) are left out of the cohort."
        )
    return notes


def _sorted_rows(
    kept: dict[tuple[str, str, str], _Kept],
    label: dict[tuple[str, str], str],
    file_label: dict[str, str],
    definitions: dict[str, Exercise],
    row_cache: dict[Any, list[dict[str, str]]] | None = None,
) -> list[dict[str, str]]:
    """Every kept file's answers as rows, by notebook, exercise (in the definitions' order)
    and learner."""
    order_of = {ex_id: i for i, ex_id in enumerate(definitions)}
    rows: list[dict[str, str]] = []
    for (group, name, _nb), chosen in kept.items():
        shown, learner = file_label[chosen.shown], label[(group, name)]
        if row_cache is None:
            rows += _rows_for(chosen.data, shown, learner, definitions)
            continue
        key = (shown, learner, chosen.data["notebook"], json.dumps(chosen.data["answers"]))
        if key not in row_cache:
            row_cache[key] = _rows_for(chosen.data, shown, learner, definitions)
        rows += [dict(row) for row in row_cache[key]]
    rows.sort(
        key=lambda r: (
            r["notebook"],
            order_of.get(r["exercise_id"], 10**6),
            r["exercise_id"],
            r["learner"],
        )
    )
    return rows
