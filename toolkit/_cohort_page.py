"""The cohort debrief page and its charts (private; see :mod:`toolkit.cohort`).

Chart labels come from exercise definitions (options, scale points), never from learners'
text; the few learner-supplied labels (timeline event ids) are reduced to safe characters.
Every learner text on the page goes through ``html.escape``. The bars for numeric answers and
the way numbers are written on them are in ``toolkit._cohort_numeric``.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING

# The numeric answers' bars and the numbers written in words live in _cohort_numeric.
from toolkit._cohort_numeric import _accepted, _natural, _whole_numbers, numeric_figure
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from toolkit.exercises import Exercise


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
    import textwrap

    # Wrapped onto lines (plotly's <br>): one long line runs off the chart's right edge.
    lines = textwrap.wrap(f"{exercise.id}: {_label(exercise)}", 75)
    title = "<br>".join(html.escape(line, quote=False) for line in lines)
    if exercise.type in ("single_choice", "multiple_choice", "confidence"):
        labels = [o.text for o in exercise.options] or list(exercise.scale)
        sep = " | " if exercise.type == "multiple_choice" else None
        chosen = [v for r in rows["response"] for v in (r.split(sep) if sep else [r]) if v]
        counts = [sum(v == label for v in chosen) for label in labels]
        other = sum(v not in labels for v in chosen)
        short = [t if len(t) <= 60 else t[:59] + "…" for t in labels]
        if exercise.type != "confidence":  # the tick goes after shortening, so it always shows
            marks = [" ✓" if o.correct else "" for o in exercise.options]
            labels = [t + m for t, m in zip(labels, marks, strict=True)]
            short = [t + m for t, m in zip(short, marks, strict=True)]
        if other:
            labels, counts = labels + ["(not an option)"], counts + [other]
            short = short + ["(not an option)"]
        fig = go.Figure(
            go.Bar(x=counts, y=short, orientation="h", hovertext=labels, marker_color="#3f6f8f")
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
        title_text=title,
        height=320 + 20 * (len(lines) - 1),
        margin=dict(l=20, r=20, t=40 + 20 * len(lines), b=40),
        template="simple_white",
    )
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
        title_text=f"Events flagged ({_safe_label(key[6:])})",
        height=320,
        template="simple_white",
        yaxis_title="learners",
        xaxis_title="event",
    )
    _whole_numbers(fig, "y", counts.values)
    return fig


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
                f'"{t if len(t) <= 60 else t[:59] + "…"}"' + (" (correct)" if marks.get(t) else ""),
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
        f"event{'' if len(pairs) == 1 else 's'} in "
        f"{_safe_label(key[6:])}. Most flagged first: {_listed(pairs)}."
    )


def _script_string(text: str) -> str:
    """``text`` as a JavaScript string literal that cannot close the ``<script>`` it sits in."""
    return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _figure_html(fig: go.Figure, number: int, description: str, *, with_plotly: bool) -> str:
    """A chart as ``<figure>``: its SVG named (``role="img"``, ``aria-label``) and described
    by the visible caption (``aria-describedby``), as the handouts do."""
    import plotly.io as pio

    div_id = f"chart-{number}"
    title = re.sub(r"<br>", " ", str(fig.layout.title.text or "chart"))
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
figure.chart{margin:0.5rem 0 1rem}figure.chart figcaption{font-size:0.95rem;color:#333;
max-width:50rem}
"""


def _table_html(frame: pd.DataFrame) -> str:
    frame = frame.astype(object).where(frame.notna(), "")
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page_html(
    frame: pd.DataFrame,
    *,
    table: pd.DataFrame,
    charts: dict[str, go.Figure],
    definitions: dict[str, Exercise],
    learners: int,
    files_read: int,
    skipped: list[str],
    notes: list[str] | None = None,
) -> str:
    """The debrief page: a table per exercise, charts, free text and skipped files; offline.

    plotly.js is inlined once, with the first chart; no CDN, no MathJax. Each chart is a
    ``<figure>`` whose caption says in words what it shows (for a marked question, how many
    gave the correct answer).
    """
    when = datetime.now(UTC).astimezone().strftime("%d %B %Y, %H:%M %Z")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Cohort debrief: Every Call</title>",
        f"<style>{_CSS}</style></head><body><main>",
        "<h1>Cohort debrief</h1>",
        f'<p class="note">{learners} learner(s), {files_read} answer '
        f"file(s), collected {html.escape(when)}. Learners' answers are shown as they wrote "
        "them. They are for this workshop's debrief only: please do not share them further."
        "</p>",
        *(f'<p class="note">{html.escape(note)}</p>' for note in notes or ()),
        "<h2>Summary</h2>",
        _table_html(table) if len(frame) else "<p>No answers were found.</p>",
    ]
    plotly_included = False
    charts_done: list[str] = []
    for ex_id in dict.fromkeys(frame["exercise_id"]):
        ex = definitions.get(ex_id)
        heading = f"{ex_id}: {_label(ex)}" if ex else ex_id
        parts.append(f"<section><h2>{html.escape(heading)}</h2>")
        if ex_id in charts:
            description = (
                chart_description(frame, ex) if ex is not None else flags_description(frame, ex_id)
            )
            parts.append(
                _figure_html(
                    charts[ex_id],
                    len(charts_done) + 1,
                    description,
                    with_plotly=not plotly_included,
                )
            )
            plotly_included = True
            charts_done.append(ex_id)
        rows = frame[frame["exercise_id"] == ex_id]
        if (ex is not None and ex.type == "free_text") or ex_id.startswith("flags:"):
            parts.append(_table_html(rows[["learner", "response", "detail"]]))
        else:
            parts.append(
                "<details><summary>Every answer</summary>"
                + _table_html(rows[["learner", "response", "correct", "attempts"]])
                + "</details>"
            )
        parts.append("</section>")
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
