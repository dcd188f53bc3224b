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
import random
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.answers import atomic_write_text
from toolkit.cohort.page import (
    chart_description,
    coding_description,
    coding_figure,
    exercise_figure,
    flags_description,
    flags_figure,
    notebook_title,
    page_html,
    question_title,
    readable_summary,
)
from toolkit.cohort.reading import (
    CollectResult,
    _definitions,
    _shuffle_seed,
    gather,
)
from toolkit.core.tables import display_table
from toolkit.errors import AnswerStoreError, ToolkitError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go


__all__ = [
    "COLUMNS",
    "DEFAULT_OUT",
    "anonymised",
    "collect",
    "csv_safe",
    "csv_text",
    "csv_unescape",
    "debrief_html",
    "figures",
    "free_text_responses",
    "load_summary",
    "readable_summary_table",
    "show_debrief",
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
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")  # cannot be a formula: no escaping needed


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


# --------------------------------------------------------------------------------------------
# Writing


def csv_text(rows: list[dict[str, str]]) -> str:
    """The summary CSV's text for ``rows``: every cell :func:`csv_safe`, UTF-8 with a BOM."""
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
        atomic_write_text(csv_path, csv_text(result.rows))
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
    """A chart per charted exercise (in course order), plus one per case of timeline flags.

    Each carries its text alternative in ``layout.meta["description"]`` (as every toolkit
    figure does), so a notebook can print it and a handout captions the chart with it.
    """
    definitions = _definitions(Path(exercises_dir) if exercises_dir else None)
    out = []
    for ex_id in dict.fromkeys(frame["exercise_id"]):
        fig = _figure_for(frame, ex_id, definitions)
        if fig is not None:
            out.append((ex_id, fig))
    return out


def _figure_for(frame: pd.DataFrame, ex_id: str, definitions: dict) -> go.Figure | None:
    """One exercise's chart with its text alternative, or None when it has none."""
    fig: go.Figure | None = None
    if ex_id in definitions:
        fig = exercise_figure(frame, definitions[ex_id])
        description = chart_description(frame, definitions[ex_id])
    elif ex_id.startswith("flags:"):
        fig, description = flags_figure(frame, ex_id), flags_description(frame, ex_id)
    elif ex_id.startswith("coding:"):
        fig, description = coding_figure(frame, ex_id), coding_description(frame, ex_id)
    if fig is None:
        return None
    meta = dict(fig.layout.meta or {})  # keeps the chart's title for screen readers
    return fig.update_layout(meta=meta | {"description": description})


class _Charts(Mapping):
    """The page's charts, each drawn when the page first asks for it: a live page keeps the
    sections that did not change and never asks for their charts again."""

    def __init__(self, frame: pd.DataFrame, definitions: dict) -> None:
        self.frame, self.definitions = frame, definitions
        self.ids = list(dict.fromkeys(frame["exercise_id"]))
        self.drawn: dict[str, go.Figure | None] = {}

    def _get(self, ex_id: object) -> go.Figure | None:
        if not isinstance(ex_id, str) or ex_id not in self.ids:
            return None
        if ex_id not in self.drawn:
            self.drawn[ex_id] = _figure_for(self.frame, ex_id, self.definitions)
        return self.drawn[ex_id]

    def __contains__(self, ex_id: object) -> bool:
        return self._get(ex_id) is not None

    def __getitem__(self, ex_id: str) -> go.Figure:
        fig = self._get(ex_id)
        if fig is None:
            raise KeyError(ex_id)
        return fig

    def __iter__(self) -> Iterator[str]:
        return (ex_id for ex_id in self.ids if ex_id in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def show_debrief(frame: pd.DataFrame, *, exercises_dir: Path | str | None = None) -> None:
    """In a notebook: for each question, its heading (the whole question, once), its chart
    and the chart's caption, grouped by notebook; as the debrief page shows them."""
    from IPython.display import Markdown, display

    definitions = _definitions(Path(exercises_dir) if exercises_dir else None)
    charts = dict(figures(frame, exercises_dir=exercises_dir))
    learners = frame["learner"].nunique()
    if learners == 1:
        display(
            Markdown(
                "*Only one learner's answers so far: the charts fill in as more answers arrive.*"
            )
        )
    notebook = None
    for ex_id, fig in charts.items():
        here = str(frame.loc[frame["exercise_id"] == ex_id, "notebook"].iloc[0])
        if here != notebook:
            notebook = here
            display(Markdown(f"### {notebook_title(here)}"))
        display(Markdown(f"**{question_title(ex_id, definitions)}** ({ex_id})"))
        display(fig)
        display(Markdown(f"*{fig.layout.meta['description']}*"))


def readable_summary_table(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`summary_table` with headings and values in words (for the notebook and page)."""

    return display_table(readable_summary(summary_table(frame)))


def debrief_html(
    result: CollectResult,
    *,
    exercises_dir: Path | str | None = None,
    plotly_src: str | None = None,
    toolbar: str = "",
    section_cache: dict[Any, tuple[str, bool]] | None = None,
) -> str:
    """The HTML debrief page for ``result`` (what :func:`collect` writes beside the CSV).

    The live service shows the same page with ``plotly_src`` (plotly.js loaded once from
    that address instead of inline) and its ``toolbar`` (trusted HTML above the summary).
    """
    frame = _frame(result.rows)
    definitions = _definitions(Path(exercises_dir) if exercises_dir else None)
    return page_html(
        frame,
        table=summary_table(frame),
        charts=_Charts(frame, definitions) if len(frame) else {},
        definitions=definitions,
        learners=len(result.learners),
        files_read=result.files_read,
        skipped=result.skipped,
        notes=result.notes,
        plotly_src=plotly_src,
        toolbar=toolbar,
        section_cache=section_cache,
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


def free_text_responses(frame: pd.DataFrame, *, readable: bool = False) -> pd.DataFrame:
    """Every free-text answer (and flag reason), for reading aloud in a debrief.

    ``readable=True`` gives the table to show: the question in words (whole), the learner,
    the answer, and for a flag its type and reason.
    """
    mask = (frame["type"] == "free_text") | (frame["type"] == "flag")
    rows = frame.loc[mask, ["notebook", "exercise_id", "learner", "response", "detail"]]
    if not readable:
        return rows
    import pandas as pd

    definitions = _definitions(None)
    return display_table(
        pd.DataFrame(
            {
                "Question": [question_title(e, definitions) for e in rows["exercise_id"]],
                "Learner": rows["learner"].tolist(),
                "Answer, or event flagged": rows["response"].tolist(),
                "Type and reason (flags)": rows["detail"].tolist(),
            }
        )
    )


# --------------------------------------------------------------------------------------------
# A demo cohort (for the debrief notebook, tests and benchmarks)
