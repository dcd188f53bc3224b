"""Collect a cohort's answer files into a summary CSV and an HTML debrief page.

``everycall answers collect DIR [--out FILE]`` calls :func:`collect`. It reads every ``.json``
file under ``DIR`` (learners' files from ``~/everycall-answers``, handed in or copied from a
hub), skips and reports anything that is not a readable answer file, and writes:

- ``cohort-summary.csv`` (or ``--out``): one row per learner per answer, safe to open in
  Excel: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (also
  after leading spaces), or with a quote, gets a leading ``'`` (OWASP CSV injection), so no
  learner's text runs as a formula. :func:`load_summary` undoes exactly that.
- ``cohort-summary.html`` beside it: per exercise, the distribution of choices and how many
  were right, numeric answers, free-text responses, with plotly charts (plotly.js inline once;
  no CDN, works offline). Every learner-written text is HTML-escaped.

Correctness is worked out again from the current exercise definitions (so every learner is
judged by the same key); learner names are kept for the trainer, or replaced by "Learner 1..n"
with ``anonymise=True``.

Examples
--------
>>> csv_safe("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> csv_safe("  -2+3"), csv_safe("Plain text"), csv_safe("'quoted")
("'  -2+3", 'Plain text', "''quoted")
>>> csv_unescape(csv_safe("@SUM(A1)"))
'@SUM(A1)'
>>> collect("/no/such/folder")
Traceback (most recent call last):
...
toolkit.errors.AnswerStoreError: /no/such/folder is not a folder: expected the folder that \
holds learners' answer files (.json)
"""

from __future__ import annotations

import csv
import html
import io
import json
import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.answers import PROFILE_FORMAT, AnswerStore, atomic_write_text, check_answer_data
from toolkit.errors import AnswerStoreError, ToolkitError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from toolkit.exercises import Exercise

__all__ = [
    "COLUMNS",
    "CollectResult",
    "collect",
    "csv_safe",
    "csv_unescape",
    "demo_cohort",
    "demo_summary",
    "figures",
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


def csv_safe(text: str) -> str:
    """``text`` made safe for a spreadsheet cell (OWASP CSV injection), reversibly."""
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
    foreign file: its name and why.
    """

    directory: Path
    rows: list[dict[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    files_read: int = 0
    learners: list[str] = field(default_factory=list)
    csv_path: Path | None = None
    html_path: Path | None = None

    def summary(self) -> str:
        """A few lines for the terminal: what was read, skipped and written."""
        exercises = {(r["notebook"], r["exercise_id"]) for r in self.rows}
        lines = [
            f"Read {self.files_read} answer file(s) from {self.directory}: "
            f"{len(self.learners)} learner(s), {len(exercises)} exercise(s), "
            f"{len(self.rows)} answer(s).",
        ]
        if self.skipped:
            lines.append(f"Skipped {len(self.skipped)} file(s) (listed above).")
        if not self.files_read:
            lines.append("No answer files were found: check the folder.")
        if self.csv_path:
            lines.append(f"Summary: {self.csv_path}")
        if self.html_path:
            lines.append(f"Debrief page: {self.html_path}")
        return "\n".join(lines)


def _read_file(path: Path, shown: str) -> tuple[dict[str, Any] | None, str | None]:
    """The parsed answer file, or why it was skipped (None, None for a profile file)."""
    if path.is_symlink():
        return None, f"{shown}: is a symbolic link; copy the file itself into the folder"
    if ".corrupt-" in path.name:
        return None, f"{shown}: was set aside earlier because it could not be read"
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, (f"{shown}: is {size / 1e6:.1f} MB, larger than any answer file "
                          f"(limit {MAX_FILE_BYTES / 1e6:.0f} MB)")
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"{shown}: cannot be read ({exc.strerror})"
    if not raw.strip():
        return None, f"{shown}: is empty"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, f"{shown}: is not UTF-8 text (not an answer file)"
    except json.JSONDecodeError as exc:
        return None, f"{shown}: is not valid JSON (line {exc.lineno}, column {exc.colno})"
    except (ValueError, RecursionError):
        return None, f"{shown}: is not valid JSON (too deeply nested or too large a number)"
    if isinstance(data, dict) and data.get("format") == PROFILE_FORMAT:
        return None, None
    problem = check_answer_data(data)
    if problem:
        return None, f"{shown}: {problem}"
    return data, None


def _definitions(exercises_dir: Path | None) -> dict[str, Exercise]:
    from toolkit.exercises import load_definitions

    try:
        return load_definitions(exercises_dir)
    except ToolkitError:
        return {}  # broken definitions: collect answers anyway, unmarked


def _response_text(ex: Exercise | None, value: Any) -> str:
    if ex is not None and ex.type == "multiple_choice" and isinstance(value, list):
        return " | ".join(str(v) for v in value)
    if ex is not None and ex.type == "ordering" and isinstance(value, list):
        return " > ".join(str(v) for v in value)
    if ex is not None and ex.type == "numeric" and isinstance(value, int | float):
        return f"{value:g}"
    return _clean(value) if value is not None else ""


def _rows_for(data: dict[str, Any], shown: str, learner: str,
              definitions: dict[str, Exercise]) -> list[dict[str, str]]:
    from toolkit.exercises import mark

    rows = []
    notebook = data["notebook"]
    for key, entry in data["answers"].items():
        base = {
            "learner": learner, "notebook": notebook, "exercise_id": _clean(key, 200),
            "attempts": str(entry.get("attempts", 0)),
            "first_answered": _clean(entry.get("first_answered") or "", 40),
            "last_answered": _clean(entry.get("last_answered") or "", 40),
            "file": shown, "correct": "", "detail": "",
        }
        value = entry.get("value")
        if key.startswith("flags:"):
            flags = value if isinstance(value, list) else []
            for flag in flags:
                if not isinstance(flag, dict):
                    continue
                rows.append(base | {
                    "type": "flag",
                    "response": _clean(flag.get("event_id", ""), 200),
                    "detail": _clean(
                        f"{flag.get('opportunity_type', '')}: {flag.get('reason', '')}"
                    ),
                })
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
    result = CollectResult(directory=folder)
    kept: dict[tuple[str, str], tuple[str, str, dict[str, Any]]] = {}
    for path in sorted(folder.rglob("*.json")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue  # lock and temporary files, checkpoints
        shown = path.relative_to(folder).as_posix()
        if not path.is_file() and not path.is_symlink():
            continue
        data, why = _read_file(path, shown)
        if why:
            result.skipped.append(_clean(why, 400))
        if data is None:
            continue
        learner = _clean(" ".join((data.get("learner") or "").split()), 100)
        learner = learner or f"(no name: {shown})"
        key = (learner, data["notebook"])
        if key in kept:
            other_shown, other_updated, _ = kept[key]
            newer = str(data.get("updated") or "") > other_updated
            dropped = other_shown if newer else shown
            result.skipped.append(_clean(
                f"{dropped}: a second file for {learner}, {data['notebook']}; kept the newer "
                f"one ({shown if newer else other_shown})", 400))
            if not newer:
                continue
        kept[key] = (shown, str(data.get("updated") or ""), data)
    order = {ex_id: i for i, ex_id in enumerate(definitions)}
    names = sorted({k[0] for k in kept})
    alias = {name: name for name in names}
    if anonymise:
        shuffled = list(names)
        random.Random(secrets.randbits(64)).shuffle(shuffled)  # no link to names or files
        alias = {name: f"Learner {i + 1}" for i, name in enumerate(shuffled)}
    files = {shown: f"file {i + 1}" for i, (shown, _u, _d) in enumerate(kept.values())}
    for (learner, _nb), (shown, _u, data) in kept.items():
        rows = _rows_for(data, shown, alias[learner], definitions)
        if anonymise:
            for row in rows:
                row["file"] = files[shown]
        result.rows += rows
    result.rows.sort(key=lambda r: (r["notebook"], order.get(r["exercise_id"], 10**6),
                                    r["exercise_id"], r["learner"]))
    result.files_read = len(kept)
    result.learners = sorted({alias[k[0]] for k in kept})
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
            f"{path}: column \"{missing[0]}\" is missing; expected the columns "
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
        return pd.DataFrame(columns=["notebook", "exercise_id", "type", "answered", "right",
                                     "right_pct", "mean_attempts"])
    grouped = answers.groupby(["notebook", "exercise_id", "type"], sort=False)
    table = grouped.agg(
        answered=("learner", "nunique"),
        right=("correct", lambda s: int((s == "yes").sum())),
        marked=("correct", lambda s: int(s.isin(["yes", "no"]).sum())),
        mean_attempts=("attempts", lambda s: round(pd.to_numeric(s, errors="coerce").mean(), 1)),
    ).reset_index()
    table["right_pct"] = (100 * table["right"] / table["marked"].where(table["marked"] > 0)).round(0)
    return table.drop(columns="marked")[["notebook", "exercise_id", "type", "answered", "right",
                                         "right_pct", "mean_attempts"]]


def _label(ex: Exercise) -> str:
    from toolkit._exercise_data import _plain

    text = _plain(ex.prompt)
    return text if len(text) <= 90 else text[:89] + "…"


def _safe_label(text: str) -> str:
    """Learner-supplied text reduced to a harmless chart label (plotly reads some HTML tags)."""
    return re.sub(r"[^A-Za-z0-9 _.:-]", "", text)[:40] or "?"


def exercise_figure(frame: pd.DataFrame, exercise: Exercise) -> go.Figure | None:
    """One chart for one exercise's answers, or None when there is nothing to chart.

    Labels come from the exercise definition (options, scale), never from learners' text.
    """
    import plotly.graph_objects as go

    rows = frame[frame["exercise_id"] == exercise.id]
    if rows.empty or exercise.type == "free_text":
        return None
    title = f"{exercise.id}: {_label(exercise)}"
    if exercise.type in ("single_choice", "multiple_choice", "confidence"):
        labels = [o.text for o in exercise.options] or list(exercise.scale)
        sep = " | " if exercise.type == "multiple_choice" else None
        chosen = [v for r in rows["response"] for v in (r.split(sep) if sep else [r]) if v]
        counts = [sum(v == label for v in chosen) for label in labels]
        other = sum(v not in labels for v in chosen)
        if exercise.type != "confidence":
            labels = [f"{t} ✓" if o.correct else t for t, o in zip(labels, exercise.options,
                                                                     strict=True)]
        if other:
            labels, counts = labels + ["(not an option)"], counts + [other]
        short = [t if len(t) <= 60 else t[:59] + "…" for t in labels]
        fig = go.Figure(go.Bar(x=counts, y=short, orientation="h", hovertext=labels,
                               marker_color="#3f6f8f"))
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(title_text="learners", dtick=1)
    elif exercise.type == "numeric":
        import pandas as pd

        values = pd.to_numeric(rows["response"], errors="coerce").dropna()
        fig = go.Figure(go.Histogram(x=values, marker_color="#3f6f8f", name="answers"))
        if exercise.answer is not None:
            fig.add_vline(x=exercise.answer, line_dash="dash",
                          annotation_text=f"answer {exercise.answer:g}")
        fig.update_xaxes(title_text=exercise.unit or "answer")
        fig.update_yaxes(title_text="learners")
    else:  # ordering: how many items each learner had in the right place
        placed = [sum(a == b for a, b in zip(r.split(" > "), exercise.items, strict=False))
                  for r in rows["response"]]
        n = len(exercise.items)
        fig = go.Figure(go.Bar(x=list(range(n + 1)), y=[placed.count(k) for k in range(n + 1)],
                               marker_color="#3f6f8f"))
        fig.update_xaxes(title_text=f"items in the right place (of {n})", dtick=1)
        fig.update_yaxes(title_text="learners")
    fig.update_layout(title_text=title, height=320, margin=dict(l=20, r=20, t=60, b=40),
                      template="simple_white")
    return fig


def figures(frame: pd.DataFrame, *, exercises_dir: Path | str | None = None
            ) -> list[tuple[str, go.Figure]]:
    """A chart per charted exercise (in course order), plus one per case of timeline flags."""
    import plotly.graph_objects as go

    definitions = _definitions(Path(exercises_dir) if exercises_dir else None)
    out = []
    for ex_id in dict.fromkeys(frame["exercise_id"]):
        if ex_id in definitions:
            fig = exercise_figure(frame, definitions[ex_id])
            if fig is not None:
                out.append((ex_id, fig))
        elif ex_id.startswith("flags:"):
            flags = frame[(frame["exercise_id"] == ex_id) & (frame["type"] == "flag")]
            counts = flags.groupby("response")["learner"].nunique().sort_values(ascending=False)
            fig = go.Figure(go.Bar(x=[_safe_label(str(i)) for i in counts.index],
                                   y=counts.values, marker_color="#6d4c7d"))
            fig.update_layout(title_text=f"Events flagged ({_safe_label(ex_id[6:])})",
                              height=320, template="simple_white",
                              yaxis_title="learners", xaxis_title="event")
            out.append((ex_id, fig))
    return out


def free_text_responses(frame: pd.DataFrame) -> pd.DataFrame:
    """Every free-text answer (and flag reason), for reading aloud in a debrief."""
    mask = (frame["type"] == "free_text") | (frame["type"] == "flag")
    return frame.loc[mask, ["notebook", "exercise_id", "learner", "response", "detail"]]


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1a1a1a;line-height:1.45}
table{border-collapse:collapse;margin:0.5rem 0}th,td{border:1px solid #bbb;padding:0.25rem
0.5rem;text-align:left;vertical-align:top}th{background:#eef2f5}
.note{background:#f4f6f8;border-left:4px solid #3f6f8f;padding:0.5rem 1rem}
"""


def _table_html(frame: pd.DataFrame) -> str:
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def debrief_html(result: CollectResult, *, exercises_dir: Path | str | None = None) -> str:
    """The debrief page: a table per exercise, charts, free text and skipped files; offline."""
    import plotly.io as pio

    frame = _frame(result.rows)
    definitions = _definitions(Path(exercises_dir) if exercises_dir else None)
    when = datetime.now(timezone.utc).astimezone().strftime("%d %B %Y, %H:%M %Z")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Cohort debrief: Every Call</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>Cohort debrief</h1>",
        f'<p class="note">{len(result.learners)} learner(s), {result.files_read} answer '
        f"file(s), collected {html.escape(when)}. Learners' answers are shown as they wrote "
        "them. They are for this workshop's debrief only: please do not share them further."
        "</p>",
        "<h2>Summary</h2>",
        _table_html(summary_table(frame)) if len(frame) else "<p>No answers were found.</p>",
    ]
    plotly_included = False
    charts = dict(figures(frame, exercises_dir=exercises_dir)) if len(frame) else {}
    for ex_id in dict.fromkeys(frame["exercise_id"]):
        ex = definitions.get(ex_id)
        heading = f"{ex_id}: {_label(ex)}" if ex else ex_id
        parts.append(f"<section><h2>{html.escape(heading)}</h2>")
        if ex_id in charts:
            fig = charts[ex_id]
            parts.append(
                pio.to_html(fig, include_plotlyjs=not plotly_included, full_html=False,
                            include_mathjax=False, config={"displaylogo": False})
            )
            plotly_included = True
        rows = frame[frame["exercise_id"] == ex_id]
        if (ex is not None and ex.type == "free_text") or ex_id.startswith("flags:"):
            parts.append(_table_html(rows[["learner", "response", "detail"]]))
        else:
            parts.append("<details><summary>Every answer</summary>"
                         + _table_html(rows[["learner", "response", "correct", "attempts"]])
                         + "</details>")
        parts.append("</section>")
    if result.skipped:
        items = "".join(f"<li>{html.escape(s)}</li>" for s in result.skipped)
        parts.append(f"<h2>Files skipped</h2><ul>{items}</ul>")
    parts.append(
        '<footer><p class="note">If this material affects you or someone you know: National '
        "Domestic Abuse Helpline 0808 2000 247 (free, 24 hours); in an emergency call 999."
        "</p></footer></main></body></html>"
    )
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# A demo cohort (for the debrief notebook, tests and benchmarks)

_DEMO_NAMES = ("Amira", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Hassan", "Isla",
               "Jonah", "Kemi", "Leo", "Maya", "Nico", "Orla", "Priya")


def demo_cohort(folder: Path | str, *, learners: int = 12, seed: int = 2014,
                exercises_dir: Path | str | None = None) -> Path:
    """Write a fictional cohort's answer files (every defined exercise) under ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> folder = demo_cohort(tempfile.mkdtemp(), learners=3)
    >>> len(list(folder.rglob("*.json")))
    3
    >>> demo_cohort(tempfile.mkdtemp(), learners=0)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: learners is 0: expected a number from 1 to 16
    """
    if not 1 <= learners <= len(_DEMO_NAMES):
        raise ToolkitError(f"learners is {learners}: expected a number from 1 to "
                           f"{len(_DEMO_NAMES)}")
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
        return ex.answer + (0 if right else rng.choice((-1, 1)) * (ex.tolerance + rng.randint(1, 5)))
    if ex.type == "ordering":
        items = list(ex.items)
        if not right:
            rng.shuffle(items)
        return items
    if ex.type == "confidence":
        return rng.choice(ex.scale)
    return rng.choice(("Demo reflection: a fictional learner's answer.",
                       "Demo reflection: another fictional learner's answer."))


def demo_summary(*, learners: int = 12, seed: int = 2014) -> pd.DataFrame:
    """A fictional cohort's summary as :func:`load_summary` would return it."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="everycall-demo-") as tmp:
        demo_cohort(tmp, learners=learners, seed=seed)
        return _frame(gather(tmp).rows)
