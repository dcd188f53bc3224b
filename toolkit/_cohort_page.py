"""The cohort debrief page and its charts (private; see :mod:`toolkit.cohort`).

Chart labels come from exercise definitions (options, scale points), never from learners'
text; the few learner-supplied labels (timeline event ids) are reduced to safe characters.
Every learner text on the page goes through ``html.escape``.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

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


def _whole_numbers(fig: go.Figure, axis: str, counts: Iterable[Any]) -> None:
    """Count axes tick in whole learners: plotly would otherwise show 0.5 steps for small counts."""
    top = max((int(c) for c in counts), default=0)
    settings: dict[str, Any] = {"tickformat": "d", "rangemode": "tozero", "tick0": 0}
    if top <= 10:
        settings["dtick"] = 1
    else:
        settings["dtick"] = max(1, math.ceil(top / 8))
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(**settings)


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

        values = pd.to_numeric(rows["response"], errors="coerce").dropna()
        fig = go.Figure(go.Histogram(x=values, marker_color="#3f6f8f", name="answers"))
        _whole_numbers(fig, "y", [len(values)])  # no bin can hold more than every answer
        if exercise.answer is not None:
            fig.add_vline(
                x=exercise.answer, line_dash="dash", annotation_text=f"answer {exercise.answer:g}"
            )
        fig.update_xaxes(title_text=exercise.unit or "answer")
        fig.update_yaxes(title_text="learners")
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


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1a1a1a;line-height:1.45}
table{border-collapse:collapse;margin:0.5rem 0}th,td{border:1px solid #bbb;padding:0.25rem
0.5rem;text-align:left;vertical-align:top}th{background:#eef2f5}
.note{background:#f4f6f8;border-left:4px solid #3f6f8f;padding:0.5rem 1rem}
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

    plotly.js is inlined once, with the first chart; no CDN, no MathJax.
    """
    import plotly.io as pio

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
    for ex_id in dict.fromkeys(frame["exercise_id"]):
        ex = definitions.get(ex_id)
        heading = f"{ex_id}: {_label(ex)}" if ex else ex_id
        parts.append(f"<section><h2>{html.escape(heading)}</h2>")
        if ex_id in charts:
            fig = charts[ex_id]
            parts.append(
                pio.to_html(
                    fig,
                    include_plotlyjs=not plotly_included,
                    full_html=False,
                    include_mathjax=False,
                    config={"displaylogo": False},
                )
            )
            plotly_included = True
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
        "call 999; if you cannot speak, stay on the line and press 55 when prompted. Men's "
        "Advice Line 0808 8010 327. Live Fear Free (Wales) 0808 80 10 800. Galop, for LGBT+ "
        "people, 0800 999 5428.</p></footer></main></body></html>"
    )
    return "\n".join(parts)
