"""Collect a cohort's answer files into a summary CSV and an HTML debrief page.

``everycall answers collect DIR [--out FILE]`` calls :func:`collect`. It reads every ``.json``
file under ``DIR`` (learners' files from ``~/everycall-answers``, handed in or copied from a
hub), skips and reports anything that is not a readable answer file, and writes:

- ``cohort-summary.csv`` (or ``--out``): one row per learner per answer, safe to open in
  Excel: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (also
  after leading spaces), or with a quote, gets a leading ``'`` (OWASP CSV injection), so no
  learner's text runs as a formula; a plain number such as ``-5`` or ``12.5`` cannot run and
  is left as it is. Numbers keep every digit (1234567, not 1.23457e+06). :func:`load_summary`
  undoes exactly that escaping.
- ``cohort-summary.html`` beside it: per exercise, the distribution of choices and how many
  were right, numeric answers, free-text responses, with plotly charts (plotly.js inline once;
  no CDN, works offline). Every learner-written text is HTML-escaped.

Correctness is worked out again from the current exercise definitions (so every learner is
judged by the same key); learner names are kept for the trainer, or replaced by "Learner 1..n"
with ``anonymise=True`` (file paths, which hold learners' folder names, become "file 1..n"
everywhere, skipped files included, numbered in a random order).

A learner is known by their display name and the folder their files were handed in under:
two learners both called Sam in ``laptop-1/sam/`` and ``laptop-2/sam/`` are kept apart as
"Sam (laptop-1)" and "Sam (laptop-2)". Two files for the same learner and notebook (a second
download) keep the one saved later, compared as times, not as text; a file copied unchanged
into a second folder is read once.

Examples
--------
>>> csv_safe("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> csv_safe("  -2+3"), csv_safe("Plain text"), csv_safe("'quoted"), csv_safe("-5")
("'  -2+3", 'Plain text', "''quoted", '-5')
>>> csv_unescape(csv_safe("@SUM(A1)"))
'@SUM(A1)'
>>> collect("/no/such/folder")
Traceback (most recent call last):
...
toolkit.errors.AnswerStoreError: /no/such/folder is not a folder: expected the folder that \
holds learners' answer files (.json)

A folder with no answer files is an error too, and nothing is written:

>>> import tempfile
>>> collect(tempfile.mkdtemp(prefix="empty-"))
Traceback (most recent call last):
...
toolkit.errors.AnswerStoreError: /.../empty-...: no answer files found: expected \
<learner>/<notebook>.json files as the notebooks save them in ~/everycall-answers (for example \
sam-patel/01-reading-a-case-timeline.json); nothing was written
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from toolkit._cohort_page import exercise_figure, flags_figure, page_html
from toolkit._exercise_data import plain_number
from toolkit.answers import (
    PROFILE_FORMAT,
    AnswerStore,
    _when,
    atomic_write_text,
    check_answer_data,
    learner_slug,
)
from toolkit.errors import AnswerStoreError, ToolkitError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from toolkit.exercises import Exercise

__all__ = [
    "COLUMNS",
    "CollectResult",
    "anonymised",
    "collect",
    "csv_safe",
    "csv_unescape",
    "demo_cohort",
    "demo_summary",
    "exercise_figure",
    "figures",
    "free_text_responses",
    "gather",
    "load_summary",
    "summary_table",
]

COLUMNS = (
    "learner",
    "notebook",
    "exercise_id",
    "type",
    "response",
    "correct",
    "attempts",
    "first_answered",
    "last_answered",
    "detail",
    "file",
)
DEFAULT_OUT = "cohort-summary.csv"
MAX_FILE_BYTES = 2_000_000
MAX_TEXT = 4000
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")  # cannot be a formula: no escaping needed


def _shuffle_seed() -> int:
    """A fresh random seed, so "Learner N" numbers carry no link to names or file order.

    Handout builds (``EVERYCALL_HANDOUT=1``) use a fixed seed: the debrief handout shows only
    the demo cohort, and a course pack must come out byte-identical from the same inputs.
    """
    if os.environ.get("EVERYCALL_HANDOUT") == "1":
        return 0
    return secrets.randbits(64)


def csv_safe(text: str) -> str:
    """``text`` made safe for a spreadsheet cell (OWASP CSV injection), reversibly."""
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    if text.startswith(("\t", "\r", "'")) or text.lstrip().startswith(_DANGEROUS):
        return "'" + text
    return text


def csv_unescape(text: str) -> str:
    """Undo :func:`csv_safe`."""
    return text[1:] if text.startswith("'") else text


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

    def summary(self) -> str:
        """A few lines for the terminal: what was read, skipped and written."""
        exercises = {(r["notebook"], r["exercise_id"]) for r in self.rows}
        lines = [
            f"Read {self.files_read} answer file(s) from {self.directory}: "
            f"{len(self.learners)} learner(s), {len(exercises)} exercise(s), "
            f"{len(self.rows)} answer(s).",
        ]
        lines += self.notes
        if self.skipped and self.anonymised:
            lines.append(
                f"Skipped {len(self.skipped)} file(s) (listed above as file N: run without "
                "--anonymise to see which)."
            )
        elif self.skipped:
            lines.append(f"Skipped {len(self.skipped)} file(s) (listed above).")
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
    from toolkit.exercises import _load

    # Every valid definition, even when another file is broken: answers to exercises whose
    # definition cannot be read are still collected, as type "unknown" and unmarked.
    return _load(exercises_dir)[0]


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


def _rows_for(
    data: dict[str, Any], shown: str, learner: str, definitions: dict[str, Exercise]
) -> list[dict[str, str]]:
    from toolkit.exercises import mark

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
            for flag in flags:
                if not isinstance(flag, dict):
                    continue
                rows.append(
                    base
                    | {
                        "type": "flag",
                        "response": _clean(flag.get("event_id", ""), 200),
                        "detail": _clean(
                            f"{flag.get('opportunity_type', '')}: {flag.get('reason', '')}"
                        ),
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
    definitions = _definitions(Path(exercises_dir) if exercises_dir else None)
    result = CollectResult(directory=folder, anonymised=anonymise)
    met: list[str] = []  # every file that says something, for "file N"
    # What to report, in the order met; rendered once names and file numbers are known.
    events: list[tuple[str, ...]] = []
    kept: dict[tuple[str, str, str], _Kept] = {}  # (group, name, notebook) -> the file kept
    contents: dict[tuple[str, str, str], str] = {}  # an identical copy is read once
    for path in sorted(folder.rglob("*.json")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue  # lock and temporary files, checkpoints
        shown = relative.as_posix()
        if not path.is_file() and not path.is_symlink():
            continue
        data, why = _read_file(path)
        if why:
            met.append(shown)
            events.append(("skipped", shown, why))
        if data is None:
            continue
        met.append(shown)
        name = _clean(" ".join((data.get("learner") or "").split()), 100)
        content = (name, data["notebook"], json.dumps(data["answers"], sort_keys=True))
        if name and content in contents:  # the same file copied into two folders
            events.append(("copy", shown, contents[content]))
            continue
        contents[content] = shown
        group = _group(PurePosixPath(relative.parent.as_posix()), name)
        key = (group, name or f"(no name: {shown})", data["notebook"])
        new = _Kept(shown, _when(data.get("updated")), data)
        old = kept.get(key)
        if old is None:
            kept[key] = new
            continue
        winner, loser, newer = old, new, ""  # no way to tell: keep the first one read
        if old.when is not None and new.when is not None and old.when != new.when:
            newer = "newer"
            if new.when > old.when:
                winner, loser = new, old
        events.append(("second", loser.shown, winner.shown, *key, newer))
        kept[key] = winner

    rng = random.Random(_shuffle_seed())  # numbers carry no link to names or file order
    people = sorted({(group, name) for group, name, _nb in kept})
    shared = {name for _g, name in people if sum(n == name for _g2, n in people) > 1}
    label = {
        (group, name): f"{name} ({group or 'top folder'})" if name in shared else name
        for group, name in people
    }
    file_label = {shown: shown for shown in met}
    if anonymise:
        order = list(people)
        rng.shuffle(order)
        label = {person: f"Learner {i + 1}" for i, person in enumerate(order)}
        read = [k.shown for k in kept.values()]  # files read first: "file 1".."file n"
        rng.shuffle(read)
        taken = set(read)
        others = [shown for shown in met if shown not in taken]  # then the skipped ones
        rng.shuffle(others)
        file_label = {shown: f"file {i + 1}" for i, shown in enumerate(read + others)}
    for event in events:
        if event[0] == "skipped":
            message = f"{file_label[event[1]]}: {event[2]}"
        elif event[0] == "copy":
            message = (
                f"{file_label[event[1]]}: the same answers as {file_label[event[2]]}; read once"
            )
        else:
            _kind, dropped, winner, group, name, notebook, newer = event
            outcome = (
                f"kept the newer one ({file_label[winner]})"
                if newer
                else f"the files do not show which is newer, so the first one read was kept "
                f"({file_label[winner]})"
            )
            message = (
                f"{file_label[dropped]}: a second file for {label[(group, name)]}, {notebook}; "
                + outcome
            )
        result.skipped.append(_clean(message, 400))
    for name in sorted(shared):
        count = sum(n == name for _g, n in people)
        if anonymise:
            result.notes.append(
                f"{count} learners with the same name, in different folders, are counted apart."
            )
        else:
            shown_as = ", ".join(label[p] for p in people if p[1] == name)
            result.notes.append(
                f"{count} learners named {name}, in different folders, are shown apart: {shown_as}."
            )

    order_of = {ex_id: i for i, ex_id in enumerate(definitions)}
    for (group, name, _nb), chosen in kept.items():
        rows = _rows_for(chosen.data, file_label[chosen.shown], label[(group, name)], definitions)
        result.rows += rows
    result.rows.sort(
        key=lambda r: (
            r["notebook"],
            order_of.get(r["exercise_id"], 10**6),
            r["exercise_id"],
            r["learner"],
        )
    )
    result.files_read = len(kept)
    result.learners = sorted(set(label.values()))
    return result


# --------------------------------------------------------------------------------------------
# Writing


def _csv_text(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    # QUOTE_ALL as OWASP advises, so a separator or quote inside a learner's text stays in its cell.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([csv_safe(str(row.get(c, ""))) for c in COLUMNS])
    return "\ufeff" + buffer.getvalue()  # a BOM so Excel reads UTF-8 names correctly


def collect(
    directory: Path | str,
    out: Path | str | None = None,
    *,
    anonymise: bool = False,
    exercises_dir: Path | str | None = None,
) -> CollectResult:
    """Gather learners' answer files into a summary CSV and an HTML debrief page beside it.

    Parameters
    ----------
    directory
        The folder holding answer files (searched recursively).
    out
        The CSV to write (default ``cohort-summary.csv`` in the current folder); the HTML page
        gets the same name with ``.html``.
    anonymise
        Replace learners' names with "Learner 1".."Learner n" (in a random order).
    exercises_dir
        Exercise definitions to mark against (default: the course's ``data/exercises``).
    """
    result = gather(directory, anonymise=anonymise, exercises_dir=exercises_dir)
    if not result.files_read:
        raise AnswerStoreError(_nothing_found(result))
    csv_path = Path(out) if out is not None else Path.cwd() / DEFAULT_OUT
    if csv_path.suffix.lower() != ".csv":
        raise ToolkitError(f"--out {csv_path}: expected a file name ending in .csv")
    html_path = csv_path.with_suffix(".html")
    page = debrief_html(result, exercises_dir=exercises_dir)  # build both before writing either
    try:
        atomic_write_text(csv_path, _csv_text(result.rows))
        atomic_write_text(html_path, page)
    except OSError as exc:
        raise AnswerStoreError(f"{csv_path}: could not be written ({exc.strerror})") from None
    result.csv_path, result.html_path = csv_path, html_path
    return result


def _nothing_found(result: CollectResult) -> str:
    """The message when a folder holds no readable answer file (nothing is written)."""
    expected = (
        "expected <learner>/<notebook>.json files as the notebooks save them in "
        "~/everycall-answers (for example sam-patel/01-reading-a-case-timeline.json); "
        "nothing was written"
    )
    if not result.skipped:
        return f"{result.directory}: no answer files found: {expected}"
    listed = "\n".join(f"  skipped: {why}" for why in result.skipped[:10])
    more = len(result.skipped) - 10
    if more > 0:
        listed += f"\n  ... and {more} more"
    return (
        f"{result.directory}: none of the files found is a readable answer file: {expected}\n"
        + listed
    )


def load_summary(path: Path | str) -> pd.DataFrame:
    """Read a summary CSV written by :func:`collect` (escaping undone) as a DataFrame."""
    import pandas as pd

    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise ToolkitError(
            f"{path} does not exist: expected a summary from `everycall answers collect`"
        ) from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ToolkitError(
            f'{path}: column "{missing[0]}" is missing; expected the columns '
            f"{', '.join(COLUMNS)} (a summary from `everycall answers collect`)"
        )
    return frame.apply(lambda col: col.map(csv_unescape))[list(COLUMNS)]


def _frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=list(COLUMNS))


# --------------------------------------------------------------------------------------------
# Tables and charts (pure: DataFrame in, DataFrame or Figure out)


def summary_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per exercise: learners who answered, how many were right, mean attempts."""
    import pandas as pd

    answers = frame[frame["type"] != "flag"]
    if answers.empty:
        return pd.DataFrame(
            columns=[
                "notebook",
                "exercise_id",
                "type",
                "answered",
                "right",
                "right_pct",
                "mean_attempts",
            ]
        )
    grouped = answers.groupby(["notebook", "exercise_id", "type"], sort=False)
    table = grouped.agg(
        answered=("learner", "nunique"),
        right=("correct", lambda s: int((s == "yes").sum())),
        marked=("correct", lambda s: int(s.isin(["yes", "no"]).sum())),
        mean_attempts=("attempts", lambda s: round(pd.to_numeric(s, errors="coerce").mean(), 1)),
    ).reset_index()
    marked = table["marked"] > 0  # free text and confidence are not marked: leave them blank
    table["right"] = table["right"].where(marked).astype("Int64")
    table["right_pct"] = (100 * table["right"] / table["marked"]).where(marked).round(0)
    table["right_pct"] = table["right_pct"].astype("Int64")
    return table.drop(columns="marked")[
        ["notebook", "exercise_id", "type", "answered", "right", "right_pct", "mean_attempts"]
    ]


def figures(
    frame: pd.DataFrame, *, exercises_dir: Path | str | None = None
) -> list[tuple[str, go.Figure]]:
    """A chart per charted exercise (in course order), plus one per case of timeline flags."""
    definitions = _definitions(Path(exercises_dir) if exercises_dir else None)
    out = []
    for ex_id in dict.fromkeys(frame["exercise_id"]):
        if ex_id in definitions:
            fig = exercise_figure(frame, definitions[ex_id])
            if fig is not None:
                out.append((ex_id, fig))
        elif ex_id.startswith("flags:"):
            out.append((ex_id, flags_figure(frame, ex_id)))
    return out


def debrief_html(result: CollectResult, *, exercises_dir: Path | str | None = None) -> str:
    """The HTML debrief page for ``result`` (what :func:`collect` writes beside the CSV)."""
    frame = _frame(result.rows)
    return page_html(
        frame,
        table=summary_table(frame),
        charts=dict(figures(frame, exercises_dir=exercises_dir)) if len(frame) else {},
        definitions=_definitions(Path(exercises_dir) if exercises_dir else None),
        learners=len(result.learners),
        files_read=result.files_read,
        skipped=result.skipped,
        notes=result.notes,
    )


def anonymised(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with learners shown as "Learner 1".."Learner n" (in a random order) and file
    names hidden: for projecting answers to the room.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"learner": ["Sam", "Alex", "Sam"], "file": ["a", "b", "a"]})
    >>> sorted(set(anonymised(frame)["learner"]))
    ['Learner 1', 'Learner 2']
    >>> anonymised(pd.DataFrame({"name": ["Sam"]}))
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: expected a summary with a "learner" column; got columns: name
    """
    if "learner" not in frame.columns:
        raise ToolkitError(
            'expected a summary with a "learner" column; got columns: '
            + ", ".join(map(str, frame.columns))
        )
    names = list(dict.fromkeys(frame["learner"]))
    random.Random(_shuffle_seed()).shuffle(names)
    alias = {name: f"Learner {i + 1}" for i, name in enumerate(names)}
    out = frame.assign(learner=frame["learner"].map(alias))
    if "file" in out.columns:
        out["file"] = ""
    return out


def free_text_responses(frame: pd.DataFrame) -> pd.DataFrame:
    """Every free-text answer (and flag reason), for reading aloud in a debrief."""
    mask = (frame["type"] == "free_text") | (frame["type"] == "flag")
    return frame.loc[mask, ["notebook", "exercise_id", "learner", "response", "detail"]]


# --------------------------------------------------------------------------------------------
# A demo cohort (for the debrief notebook, tests and benchmarks)

_DEMO_NAMES = (
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ellie",
    "Femi",
    "Grace",
    "Hassan",
    "Isla",
    "Jonah",
    "Kemi",
    "Leo",
    "Maya",
    "Nico",
    "Orla",
    "Priya",
)


def demo_cohort(
    folder: Path | str,
    *,
    learners: int = 12,
    seed: int = 2014,
    exercises_dir: Path | str | None = None,
) -> Path:
    """Write a fictional cohort's answer files (every defined exercise) under ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> folder = demo_cohort(tempfile.mkdtemp(), learners=3)
    >>> sorted({path.parent.name for path in folder.rglob("*.json")})  # one folder a learner
    ['amira', 'ben', 'chloe']
    >>> demo_cohort(tempfile.mkdtemp(), learners=0)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: learners is 0: expected a number from 1 to 16
    """
    if not 1 <= learners <= len(_DEMO_NAMES):
        raise ToolkitError(
            f"learners is {learners}: expected a number from 1 to {len(_DEMO_NAMES)}"
        )
    from toolkit.answers import learner_slug
    from toolkit.exercises import load_definitions, mark

    folder = Path(folder)
    rng = random.Random(seed)
    definitions = load_definitions(exercises_dir)
    for name in _DEMO_NAMES[:learners]:
        stores: dict[str, AnswerStore] = {}
        for ex in definitions.values():
            if ex.notebook not in stores:
                path = folder / learner_slug(name) / f"{ex.notebook}.json"
                stores[ex.notebook] = AnswerStore(path, notebook=ex.notebook, learner=name)
            value = _demo_value(ex, rng)
            result = mark(ex, value)
            for _ in range(rng.choice((1, 1, 1, 2))):
                stores[ex.notebook].set(ex.id, value, attempt=True, correct=result.correct)
    return folder


def _demo_value(ex: Exercise, rng: random.Random) -> Any:
    right = rng.random() < 0.7
    if ex.type == "single_choice":
        wrong = [o.text for o in ex.options if not o.correct]
        return ex.correct_options[0].text if right or not wrong else rng.choice(wrong)
    if ex.type == "multiple_choice":
        if right:
            return [o.text for o in ex.correct_options]
        return [o.text for o in ex.options if rng.random() < 0.5] or [ex.options[0].text]
    if ex.type == "numeric":
        assert ex.answer is not None
        return ex.answer + (
            0 if right else rng.choice((-1, 1)) * (ex.tolerance + rng.randint(1, 5))
        )
    if ex.type == "ordering":
        items = list(ex.items)
        if not right:
            rng.shuffle(items)
        return items
    if ex.type == "confidence":
        return rng.choice(ex.scale)
    return rng.choice(
        (
            "Demo reflection: a fictional learner's answer.",
            "Demo reflection: another fictional learner's answer.",
        )
    )


def demo_summary(*, learners: int = 12, seed: int = 2014) -> pd.DataFrame:
    """A fictional cohort's summary as :func:`load_summary` would return it."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="everycall-demo-") as tmp:
        demo_cohort(tmp, learners=learners, seed=seed)
        return _frame(gather(tmp).rows)
