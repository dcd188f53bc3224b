"""The cohort debrief page and its charts: one renderer for every place a debrief is shown.

Chart labels come from exercise definitions (options, scale points), never from learners'
text; the few learner-supplied labels (timeline event ids) are reduced to safe characters.
Every learner text on the page goes through ``html.escape``. The bars for numeric answers and
the way numbers are written on them are in ``toolkit.cohort.numeric``.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

# The numeric answers' bars and the numbers written in words live in _cohort_numeric.
from toolkit.cohort.numeric import _accepted, _natural, _whole_numbers, numeric_figure
from toolkit.core.paths import notebooks_dir
from toolkit.core.text import plain
from toolkit.data import load_case
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from toolkit.exercises import Exercise


def _label(ex: Exercise) -> str:
    """The question's prompt as plain text, whole."""

    return plain(ex.prompt)


#: What a learner's own coding (answers saved under ``coding:<id>``) is called in a debrief.
CODING_TITLES = {
    "coding:05-own-coding": "Your own coding: the main theme of six recommendations",
}
TYPE_WORDS = {
    "single_choice": "single choice",
    "multiple_choice": "multiple choice",
    "numeric": "number",
    "ordering": "ordering",
    "free_text": "free text",
    "confidence": "confidence",
    "flag": "timeline flags",
    "coding": "own coding",
    "unknown": "not in the course's questions",
}


def notebook_title(stem: str) -> str:
    """A notebook's title: its first heading (before any colon) when the course's notebook is
    at hand, else its file stem in words.

    >>> notebook_title("03-hmic-findings"), notebook_title("90-demo-all-types")
    ('03 What the inspectorate found', '90 Demo all types')
    """

    folder = notebooks_dir()
    path = (
        folder / f"{stem}.ipynb" if folder is not None and re.fullmatch(r"[\w-]+", stem) else None
    )
    if path is not None and path.is_file():
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            first = "".join(cells[0]["source"]).strip().splitlines()[0]
        except (OSError, ValueError, KeyError, IndexError):
            first = ""
        if first.startswith("# "):
            title = first[2:].strip()  # "03 What the inspectorate found: HMIC 2014 and after"
            return title.split(":")[0].strip() if title[:2].isdigit() else title
    number, _, rest = stem.partition("-")
    if number.isdigit() and rest:
        return f"{number} {rest.replace('-', ' ').capitalize()}"
    return stem.replace("-", " ").capitalize()


def case_title(slug: str) -> str:
    """A case's title from the data in use, or its folder name if it cannot be loaded."""
    try:
        return str(load_case(slug).title)
    except Exception:  # noqa: BLE001 - a learner's file may name a case this folder lacks
        return _safe_label(slug)


def question_title(ex_id: str, definitions: dict[str, Exercise]) -> str:
    """What a debrief calls an answer key: the question's whole prompt, a case's flags, ...

    >>> question_title("flags:unlinked-calls", {})
    'Missed opportunities flagged in the case "Every call on its own"'
    >>> question_title("99-gone", {})
    '99-gone'
    """
    ex = definitions.get(ex_id)
    if ex is not None:
        return _label(ex)
    if ex_id.startswith("flags:"):
        return f'Missed opportunities flagged in the case "{case_title(ex_id[6:])}"'
    return CODING_TITLES.get(ex_id, ex_id)


def readable_summary(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`toolkit.cohort.summary_table` with headings and values in words, for a page.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"notebook": ["00-start-here"], "exercise_id": ["00-x"],
    ...     "type": ["single_choice"], "answered": [3], "right": [2], "right_pct": [67],
    ...     "mean_attempts": [1.3]})
    >>> readable_summary(t).iloc[0, :3].tolist()
    ['Every Call: start here', '00-x', 'single choice']
    >>> list(readable_summary(t).columns)[3:]
    ['Learners who answered', 'Right', 'Right (%)', 'Mean presses of Check']
    """
    out = table.copy()
    out["notebook"] = out["notebook"].map(notebook_title)
    out["type"] = out["type"].map(lambda t: TYPE_WORDS.get(t, str(t).replace("_", " ")))
    return out.rename(
        columns={
            "notebook": "Notebook",
            "exercise_id": "Question",
            "type": "Kind",
            "answered": "Learners who answered",
            "right": "Right",
            "right_pct": "Right (%)",
            "mean_attempts": "Mean presses of Check",
        }
    )


def _wrap_label(text: str, width: int = 45) -> str:
    """An axis label on lines of ``width`` characters (plotly's <br>), never cut short."""
    import textwrap

    return "<br>".join(html.escape(line, quote=False) for line in textwrap.wrap(text, width))


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
    # The question is the heading above the chart (shown once, whole); the chart has none.
    lines = 1
    if exercise.type in ("single_choice", "multiple_choice", "confidence"):
        labels = [o.text for o in exercise.options] or list(exercise.scale)
        sep = " | " if exercise.type == "multiple_choice" else None
        chosen = [v for r in rows["response"] for v in (r.split(sep) if sep else [r]) if v]
        counts = [sum(v == label for v in chosen) for label in labels]
        other = sum(v not in labels for v in chosen)
        if exercise.type != "confidence":
            marks = [" ✓" if o.correct else "" for o in exercise.options]
            labels = [t + m for t, m in zip(labels, marks, strict=True)]
        if other:
            labels, counts = labels + ["(not an option)"], counts + [other]
        wrapped = [_wrap_label(t) for t in labels]  # whole options, on several lines if long
        lines = sum(w.count("<br>") + 1 for w in wrapped)
        fig = go.Figure(
            go.Bar(
                x=counts,
                y=wrapped,
                orientation="h",
                hovertext=labels,
                marker_color="#3f6f8f",
            )
        )
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(title_text="learners")
        _whole_numbers(fig, "x", counts)
    elif exercise.type == "numeric":
        import pandas as pd

        values = [
            float(v)
            for v in pd.to_numeric(rows["response"], errors="coerce").dropna()
            if math.isfinite(v)
        ]
        if not values:
            return None  # nothing drawable; the "Every answer" table still lists what was typed
        fig = numeric_figure(values, exercise.answer, exercise.tolerance, exercise.unit)
    else:  # ordering: how many items each learner had in the right place
        placed = [
            sum(a == b for a, b in zip(r.split(" > "), exercise.items, strict=False))
            for r in rows["response"]
        ]
        n = len(exercise.items)
        fig = go.Figure(
            go.Bar(
                x=list(range(n + 1)),
                y=[placed.count(k) for k in range(n + 1)],
                marker_color="#3f6f8f",
            )
        )
        fig.update_xaxes(title_text=f"items in the right place (of {n})", dtick=1)
        fig.update_yaxes(title_text="learners")
        _whole_numbers(fig, "y", [placed.count(k) for k in range(n + 1)])
    fig.update_layout(
        height=max(260, 90 + 17 * lines + 14 * len(fig.data[0].x)),
        margin=dict(l=20, r=20, t=20, b=50),
        template="simple_white",
        meta={"title": f"Answers to: {_label(exercise)}"},
    )
    fig.update_yaxes(automargin=True)
    return fig


def flags_figure(frame: pd.DataFrame, key: str) -> go.Figure:
    """How many learners flagged each event, for one case's timeline flags (``flags:<case>``).

    Event ids come from learners' files, so they are reduced to safe characters first.
    """
    import plotly.graph_objects as go

    flags = frame[(frame["exercise_id"] == key) & (frame["type"] == "flag")]
    counts = flags.groupby("response")["learner"].nunique().sort_values(ascending=False)
    fig = go.Figure(
        go.Bar(
            x=[_safe_label(str(i)) for i in counts.index],
            y=counts.values,
            marker_color="#6d4c7d",
        )
    )
    fig.update_layout(
        meta={"title": question_title(key, {})},
        height=320,
        template="simple_white",
        yaxis_title="learners",
        xaxis_title="event",
    )
    _whole_numbers(fig, "y", counts.values)
    return fig


def coding_figure(frame: pd.DataFrame, key: str) -> go.Figure:
    """A learner's own coding (``coding:<id>``): per item, how many chose each theme."""
    import plotly.graph_objects as go

    rows = frame[(frame["exercise_id"] == key) & (frame["type"] == "coding")]
    items = sorted(dict.fromkeys(rows["detail"]))
    themes = sorted(dict.fromkeys(rows["response"]))
    fig = go.Figure()
    palette = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
    for i, theme in enumerate(themes):
        counts = [int(((rows["detail"] == it) & (rows["response"] == theme)).sum()) for it in items]
        fig.add_bar(
            y=[_safe_label(it) for it in items],
            x=counts,
            name=_wrap_label(theme, 30),
            orientation="h",
            marker_color=palette[i % len(palette)],
        )
    fig.update_layout(
        barmode="stack",
        meta={"title": question_title(key, {})},
        height=max(260, 120 + 34 * len(items)),
        margin=dict(l=20, r=20, t=20, b=50),
        template="simple_white",
        xaxis_title="learners",
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return fig


def coding_description(frame: pd.DataFrame, key: str) -> str:
    """The text alternative of :func:`coding_figure`: the most chosen theme for each item."""
    rows = frame[(frame["exercise_id"] == key) & (frame["type"] == "coding")]
    parts = []
    for item in sorted(dict.fromkeys(rows["detail"])):
        chosen = Counter(rows.loc[rows["detail"] == item, "response"])
        theme, n = chosen.most_common(1)[0]
        parts.append(f"{_safe_label(item)}: {theme} ({_learners(n)})")
    return (
        f"{_learners(rows['learner'].nunique())} coded {len(parts)} "
        f"recommendation{'' if len(parts) == 1 else 's'}. Most chosen theme for each: "
        + "; ".join(parts)
        + "."
    )


def _learners(n: int) -> str:
    return f"{n} learner{'s' if n != 1 else ''}"


def _listed(pairs: list[tuple[str, int]], most: int = 12) -> str:
    """``label: n learners`` for each pair, the first ``most`` of them, joined with ``;``."""
    shown = "; ".join(f"{label}: {_learners(n)}" for label, n in pairs[:most])
    return shown + (f"; and {len(pairs) - most} more" if len(pairs) > most else "")


def chart_description(frame: pd.DataFrame, exercise: Exercise) -> str:
    """The text alternative of an exercise's chart: what it shows, in words.

    Says how many learners answered and how many were right (marked questions), then what
    the bars show. Labels come from the exercise definition and from numbers, never from
    learners' text.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.exercises import load_definitions
    >>> count = load_definitions()["01-count-the-calls"]
    >>> frame = pd.DataFrame({"exercise_id": [count.id] * 2, "learner": ["Sam", "Jo"],
    ...                       "response": ["7", "9"], "correct": ["no", "yes"]})
    >>> chart_description(frame, count)
    '2 learners answered. 1 of 2 gave the correct answer, 9 calls. Answers given: 7 calls: \
1 learner; 9 calls: 1 learner.'
    >>> chart_description(frame.drop(columns="learner"), count)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: expected a cohort summary with the columns exercise_id, \
learner, response, correct; "learner" is missing
    """
    import pandas as pd

    needed = ("exercise_id", "learner", "response", "correct")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ToolkitError(
            f"expected a cohort summary with the columns {', '.join(needed)}; "
            + ", ".join(f'"{c}"' for c in missing)
            + (" is" if len(missing) == 1 else " are")
            + " missing"
        )
    rows = frame[frame["exercise_id"] == exercise.id]
    answered = rows["learner"].nunique()
    right = int((rows["correct"] == "yes").sum())
    marked = bool(rows["correct"].isin(["yes", "no"]).any())
    text = f"{_learners(answered)} answered."
    if exercise.type == "numeric":
        numbers = pd.to_numeric(rows["response"], errors="coerce")
        values = [float(v) for v in numbers.dropna() if math.isfinite(v)]
        answer, unit, tolerance = exercise.answer, exercise.unit, exercise.tolerance
        if answer is not None:
            said = _natural(answer, unit)
            if tolerance:
                said += f", or within {_natural(tolerance)} of it ({_accepted(answer, tolerance)})"
            text += f" {right} of {answered} gave the correct answer, {said}."
        counted = Counter(round(v, 6) for v in values)
        if 0 < len(counted) <= 12:
            pairs = [(_natural(v, unit), counted[v]) for v in sorted(counted)]
            text += f" Answers given: {_listed(pairs)}."
        elif counted:
            common, n = counted.most_common(1)[0]
            text += (
                f" Answers ranged from {_natural(min(counted))} to "
                f"{_natural(max(counted), unit)}; the most common was "
                f"{_natural(common, unit)} ({_learners(n)})."
            )
        unreadable = len(numbers) - len(values)  # not a number, or not a finite one
        if unreadable:
            text += f" {unreadable} answer(s) were not numbers and are not in the chart."
        return text
    if marked:
        text += f" {right} of {answered} answered correctly."
    if exercise.type in ("single_choice", "multiple_choice", "confidence"):
        labels = [o.text for o in exercise.options] or list(exercise.scale)
        sep = " | " if exercise.type == "multiple_choice" else None
        chosen = [v for r in rows["response"] for v in (r.split(sep) if sep else [r]) if v]
        marks = {o.text: o.correct and exercise.type != "confidence" for o in exercise.options}
        pairs = [
            (
                f'"{t}"' + (" (correct)" if marks.get(t) else ""),
                sum(v == t for v in chosen),
            )
            for t in labels
        ]
        other = sum(v not in labels for v in chosen)
        if other:
            pairs.append(("not an option", other))
        verb = "Ticked" if exercise.type == "multiple_choice" else "Chosen"
        text += f" {verb}: {_listed(pairs, most=len(pairs))}."
    elif exercise.type == "ordering":
        n = len(exercise.items)
        placed = [
            sum(a == b for a, b in zip(r.split(" > "), exercise.items, strict=False))
            for r in rows["response"]
        ]
        pairs = [(f"{k} of {n} in the right place", placed.count(k)) for k in range(n, -1, -1)]
        text += f" {_listed([p for p in pairs if p[1]], most=n + 1)}."
    return text


def flags_description(frame: pd.DataFrame, key: str) -> str:
    """The text alternative of a case's flags chart: events, most flagged first."""
    flags = frame[(frame["exercise_id"] == key) & (frame["type"] == "flag")]
    counts = flags.groupby("response")["learner"].nunique().sort_values(ascending=False)
    pairs = [(_safe_label(str(i)), int(n)) for i, n in counts.items()]
    return (
        f"{_learners(flags['learner'].nunique())} flagged {len(pairs)} "
        f'event{"" if len(pairs) == 1 else "s"} in the case "{case_title(key[6:])}". '
        f"Most flagged first: {_listed(pairs)}."
    )


def _script_string(text: str) -> str:
    """``text`` as a JavaScript string literal that cannot close the ``<script>`` it sits in."""
    return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _figure_html(fig: go.Figure, number: int, description: str, *, with_plotly: bool) -> str:
    """A chart as ``<figure>``: its SVG named (``role="img"``, ``aria-label``) and described
    by the visible caption (``aria-describedby``), as the handouts do."""
    import plotly.io as pio

    div_id = f"chart-{number}"
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    title = re.sub(r"<br>", " ", str(meta.get("title") or fig.layout.title.text or "chart"))
    post = (
        "var s = document.getElementById('{plot_id}').querySelector('.main-svg');"
        f"if (s) {{ s.setAttribute('role', 'img');"
        f" s.setAttribute('aria-label', {_script_string(html.unescape(title))});"
        f" s.setAttribute('aria-describedby', '{div_id}-caption'); }}"
    )
    chart = pio.to_html(
        fig,
        include_plotlyjs=with_plotly,
        full_html=False,
        include_mathjax=False,
        config={"displaylogo": False},
        div_id=div_id,
        post_script=post,
    )
    return (
        f'<figure class="chart">{chart}<figcaption id="{div_id}-caption">'
        f"{html.escape(description)}</figcaption></figure>"
    )


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1a1a1a;line-height:1.45}
table{border-collapse:collapse;margin:0.5rem 0}th,td{border:1px solid #bbb;padding:0.25rem
0.5rem;text-align:left;vertical-align:top}th{background:#eef2f5}
.note{background:#f4f6f8;border-left:4px solid #3f6f8f;padding:0.5rem 1rem}
.question-id{color:#555;font-size:0.9rem;margin-top:-0.5rem}h3{margin-top:1.5rem}
figure.chart{margin:0.5rem 0 1rem}figure.chart figcaption{font-size:0.95rem;color:#333;
max-width:50rem}
"""


def _heading(column: str) -> str:
    """A column name as a heading: ``first_answered`` -> ``First answered``; words kept."""
    return column.replace("_", " ").capitalize() if "_" in column or column.islower() else column


def question_ref(ex_id: str) -> str:
    """How the debrief refers to an answer key in its summary and under a heading: an
    exercise by its id (the name its notebook cell shows), a case's flags and own coding in
    words, never by an internal key.

    >>> question_ref("02-name-the-type"), question_ref("flags:unlinked-calls")
    ('02-name-the-type', 'flags in "Every call on its own"')
    >>> question_ref("coding:05-own-coding")
    'own coding in notebook 05'
    """
    if ex_id.startswith("flags:"):
        return f'flags in "{case_title(ex_id[6:])}"'
    if ex_id.startswith("coding:"):
        return f"own coding in notebook {ex_id[7:9]}"
    return ex_id


def _anchor(ex_id: str) -> str:
    return "q-" + re.sub(r"[^A-Za-z0-9_-]", "-", ex_id)


def _table_html(frame: pd.DataFrame, *, link: str | None = None) -> str:
    """A table with headings in words (a snake_case column name becomes a phrase); the cells
    of column ``link`` link to their question's section."""
    frame = frame.astype(object).where(frame.notna(), "")
    head = "".join(f'<th scope="col">{html.escape(_heading(str(c)))}</th>' for c in frame.columns)

    def cell(column: str, value: object) -> str:
        text = html.escape(str(value))
        if column == link and value:
            shown = html.escape(question_ref(str(value)))
            return f'<td><a href="#{_anchor(str(value))}">{shown}</a></td>'
        return f"<td>{text}</td>"

    body = "".join(
        "<tr>" + "".join(cell(c, v) for c, v in zip(frame.columns, row, strict=True)) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page_html(
    frame: pd.DataFrame,
    *,
    table: pd.DataFrame,
    charts: Mapping[str, go.Figure],
    definitions: dict[str, Exercise],
    learners: int,
    files_read: int,
    skipped: list[str],
    notes: list[str] | None = None,
    plotly_src: str | None = None,
    toolbar: str = "",
    section_cache: dict[Any, tuple[str, bool]] | None = None,
) -> str:
    """The debrief page: a table per exercise, charts, free text and skipped files; offline.

    Grouped by notebook; each question is a heading, shown once and whole, with its chart
    (no title of its own) and the chart's caption in words. plotly.js is inlined once, with
    the first chart; no CDN, no MathJax. The live service passes ``plotly_src`` (plotly.js
    loaded once from that address, so each refresh of the page is small) and ``toolbar``
    (its own trusted HTML: the anonymise switch and the exports), shown above the summary,
    and a ``section_cache`` it keeps between renders. ``charts`` may compute a chart only
    when it is first asked for (see ``toolkit.cohort.summary``).
    """
    when = datetime.now(UTC).astimezone().strftime("%d %B %Y, %H:%M %Z")
    head_script = (
        f'<script src="{html.escape(plotly_src)}" charset="utf-8"></script>' if plotly_src else ""
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Cohort debrief: Every Call</title>",
        f"<style>{_CSS}</style>{head_script}</head><body>{toolbar}<main>",
        "<h1>Cohort debrief</h1>",
        f'<p class="note">{_learners(learners)}, {files_read} answer '
        f"file{'' if files_read == 1 else 's'}, collected {html.escape(when)}. Learners' "
        "answers are shown as they wrote them. They are for this workshop's debrief only: "
        "please do not share them further.</p>",
    ]
    if learners == 1:
        parts.append(
            '<p class="note">Only one learner\'s answers so far: the charts fill in as more '
            "answers arrive. Collect again when more of the room has answered.</p>"
        )
    parts += [f'<p class="note">{html.escape(note)}</p>' for note in notes or ()]
    parts += [
        "<h2>Summary</h2>",
        _table_html(readable_summary(table), link="Question")
        if len(frame)
        else "<p>No answers were found.</p>",
    ]
    plotly_included = plotly_src is not None
    charts_done = 0
    notebook = None
    for ex_id in dict.fromkeys(frame["exercise_id"]):
        rows = frame[frame["exercise_id"] == ex_id]
        here = str(rows["notebook"].iloc[0])
        if here != notebook:
            notebook = here
            parts.append(f"<h2>{html.escape(notebook_title(notebook))}</h2>")
        # A live page renders again on every answer: a question whose answers did not change
        # keeps its section, so only what changed is drawn again.
        key = (
            ex_id,
            charts_done + 1,
            plotly_included,
            learners,
            tuple(rows.itertuples(index=False, name=None)),
        )
        kept = section_cache.get(key) if section_cache is not None else None
        if kept is None:
            kept = _section_html(
                frame, rows, ex_id, definitions, charts, learners, charts_done + 1, plotly_included
            )
            if section_cache is not None:
                section_cache[key] = kept
        section, drew_chart = kept
        parts.append(section)
        if drew_chart:
            plotly_included = True
            charts_done += 1
    if skipped:
        items = "".join(f"<li>{html.escape(s)}</li>" for s in skipped)
        parts.append(f"<h2>Files skipped</h2><ul>{items}</ul>")
    parts.append(
        '<footer><p class="note">If this material affects you or someone you know: National '
        "Domestic Abuse Helpline 0808 2000 247 (free, confidential, 24 hours). In an emergency "
        "call 999; if you cannot speak, press 55 when prompted on a mobile, or stay on the line "
        "on a landline. Men's Advice Line 0808 8010 327. Live Fear Free (Wales) 0808 80 10 800. "
        "Galop, for LGBT+ people, 0800 999 5428.</p></footer></main></body></html>"
    )
    return "\n".join(parts)


def _section_html(
    frame: pd.DataFrame,
    rows: pd.DataFrame,
    ex_id: str,
    definitions: dict[str, Exercise],
    charts: Mapping[str, go.Figure],
    learners: int,
    number: int,
    plotly_included: bool,
) -> tuple[str, bool]:
    """One question's section of the debrief page, and whether it drew a chart."""
    ex = definitions.get(ex_id)
    kind = ex.type if ex is not None else str(rows["type"].iloc[0])
    # an exercise's id is what its notebook cell shows; flags and coding are named in the
    # heading already
    ref = f"{question_ref(ex_id)} · " if ex is not None else ""
    parts = [
        f'<section id="{_anchor(ex_id)}"><h3>{html.escape(question_title(ex_id, definitions))}'
        f'</h3><p class="question-id">{html.escape(ref)}'
        f"{html.escape(TYPE_WORDS.get(kind, kind))}</p>"
        f'<p class="answered"><strong>{rows["learner"].nunique()} of {_learners(learners)} '
        f"{'has' if learners == 1 else 'have'} answered</strong></p>"
    ]
    drew_chart = ex_id in charts
    if drew_chart:
        if ex is not None:
            description = chart_description(frame, ex)
        elif ex_id.startswith("coding:"):
            description = coding_description(frame, ex_id)
        else:
            description = flags_description(frame, ex_id)
        parts.append(
            _figure_html(charts[ex_id], number, description, with_plotly=not plotly_included)
        )
    if (ex is not None and ex.type == "free_text") or ex_id.startswith("flags:"):
        shown = rows[["learner", "response", "detail"]]
        if ex_id.startswith("flags:"):
            shown = shown.rename(columns={"response": "event", "detail": "type and reason"})
        parts.append(_table_html(shown))
    elif ex_id.startswith("coding:"):
        shown = rows[["learner", "detail", "response"]]
        parts.append(
            "<details><summary>Every answer</summary>"
            + _table_html(shown.rename(columns={"detail": "recommendation", "response": "theme"}))
            + "</details>"
        )
    else:
        parts.append(
            "<details><summary>Every answer</summary>"
            + _table_html(rows[["learner", "response", "correct", "attempts"]])
            + "</details>"
        )
    parts.append("</section>")
    return "\n".join(parts), drew_chart
