"""One self-contained, offline HTML handout from one edition of an executed notebook.

What it does to the notebook before nbconvert sees it:

* plotly outputs (``application/vnd.plotly.v1+json``, which nbconvert drops) become a
  ``<figure>`` with the chart (deterministic ``div`` id, plotly.js inlined once per file in
  the page head: the vendored cartesian bundle when it draws every trace, else the full
  plotly.js), ``role="img"`` and an ``aria-label``, and a visible caption describing it;
* widget outputs become a static rendering (``toolkit.handouts.widgets_static``), and the widget
  state is dropped, so nbconvert adds no widget-manager or require.js script;
* HTML and Markdown outputs, and rendered Markdown cells, pass through one allow-list
  sanitizer (no scripts, no event handlers), so text from cases and answers cannot run;
* JavaScript outputs are dropped (a handout runs no notebook code);
* tables in HTML and Markdown outputs may break after ``_`` and ``/`` (:func:`wrappable_tables`),
  so a wide table wraps to the printed column (the CSS does the rest);
* trainer notes (outputs marked ``everycall.trainer``, from ``toolkit.trainer_note``) are boxed
  as trainer notes in the trainer edition and never rendered in the student edition, whether
  in a cell's outputs or captured inside an Output widget;
* ``<style>`` elements and ``style`` attributes in outputs lose anything that would fetch a
  resource (``url()``, ``image-set()``, ``@import``, also when spelt with CSS escapes).

The page itself comes from the ``everycall`` nbconvert template in ``toolkit/handouts/templates/``:
``<html lang="en-GB">``, a skip link, a cover (title, edition, objectives, content note,
support), the sources at the end, print CSS, and the trainer mark.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from toolkit.core.html import sanitize_html
from toolkit.core.tables import soft_breaks
from toolkit.exercises import Edition
from toolkit.handouts.widgets_static import render_widget

#: The nbconvert templates and CSS of handouts and the course pack's index page.
TEMPLATES = Path(__file__).resolve().parent / "templates"

__all__ = ["HtmlExport", "figure_alt", "render_html", "sanitize_html", "wrappable_tables"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SUPPORT_NUMBER = "0808 2000 247"

EDITION_LABELS = {
    "student": "Student edition",
    "trainer": "Trainer edition: not for learners",
}

# --- sanitizer ---------------------------------------------------------------------------


# --- figures -----------------------------------------------------------------------------


def _text(value: Any) -> str:
    """Plain text of a plotly title: a ``<br>`` is a space, other tags go.

    Examples
    --------
    >>> _text({"text": "Calls by hour,<br>first <b>week</b>"})
    'Calls by hour, first week'
    >>> _text(None)
    ''
    """
    if isinstance(value, dict):
        value = value.get("text", "")
    text = re.sub(r"<br\s*/?>", " ", str(value or ""), flags=re.IGNORECASE)
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


def _span(values: Any) -> str | None:
    if not isinstance(values, list) or not values:
        return None
    clean = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not clean:
        return None
    try:
        lo, hi = min(clean), max(clean)
    except TypeError:
        lo, hi = clean[0], clean[-1]
    return f"{lo} to {hi}" if lo != hi else f"{lo}"


def figure_alt(fig: dict[str, Any]) -> str:
    """A text alternative for a plotly figure (as a dict).

    ``layout.meta`` wins when the figure carries one (a string, or a dict with
    ``description``, ``alt`` or ``summary``); otherwise the title plus a summary of the traces
    and axes is generated.

    Examples
    --------
    >>> figure_alt({"layout": {"meta": {"description": "Calls by hour."}}})
    'Calls by hour.'
    >>> figure_alt({"data": [{"type": "bar", "name": "Police", "x": ["a", "b"], "y": [3, 5]}],
    ...             "layout": {"title": {"text": "Contacts"}}})
    'Contacts. Bar chart with 1 series: Police (2 points). x: a to b. y: 3 to 5.'
    >>> figure_alt({})
    'Chart with no data.'
    """
    layout = fig.get("layout") or {}
    meta = layout.get("meta")
    if isinstance(meta, str) and meta.strip():
        return meta.strip()
    if isinstance(meta, dict):
        for key in ("description", "alt", "summary"):
            if isinstance(meta.get(key), str) and meta[key].strip():
                return meta[key].strip()
    traces = fig.get("data") or []
    title = _text(layout.get("title"))
    if not traces:
        return f"{title}. Chart with no data." if title else "Chart with no data."
    kinds = sorted({str(t.get("type") or "scatter") for t in traces})
    kind = " and ".join(kinds).replace("scatter", "line or scatter").capitalize()
    parts = []
    for i, t in enumerate(traces[:6], start=1):
        n = max((len(t.get(k) or []) for k in ("x", "y", "values", "z")), default=0)
        parts.append(f"{_text(t.get('name')) or f'series {i}'} ({n} points)")
    more = f" and {len(traces) - 6} more" if len(traces) > 6 else ""
    text = f"{kind} chart with {len(traces)} series: {', '.join(parts)}{more}."
    for axis in ("x", "y"):
        values = [v for t in traces for v in (t.get(axis) or []) if not isinstance(v, list)]
        span = _span(values)
        if span:
            label = _text((layout.get(f"{axis}axis") or {}).get("title")) or axis
            text += f" {label}: {span}."
    return f"{title}. {text}" if title else text


def figure_html(fig: dict[str, Any], div_id: str, number: int) -> str:
    """A plotly figure as an accessible ``<figure>`` (plotly.js must be on the page).

    The chart's SVG gets ``role="img"``, a short ``aria-label`` and ``aria-describedby``
    pointing at the visible caption that carries the full text alternative. (``role="img"``
    on the outer container would hide the modebar's buttons inside an image, which axe
    reports as nested interactive controls.)
    """
    import plotly.io as pio

    # FigureWidget gives each trace a random uid: drop it so two builds give the same bytes
    # A fixed width wider than the page would be clipped: let the chart fit its column.
    layout = {k: v for k, v in (fig.get("layout") or {}).items() if k != "width"}
    layout["autosize"] = True
    fig = dict(
        fig,
        data=[{k: v for k, v in t.items() if k != "uid"} for t in fig.get("data") or []],
        layout=layout,
    )
    alt = figure_alt(fig)
    title = _text((fig.get("layout") or {}).get("title")) or "chart"
    caption_id = f"{div_id}-caption"
    label = json_script(f"Figure {number}: {title}")
    post = (
        "var s = document.getElementById('{plot_id}').querySelector('.main-svg');"
        f"if (s) {{ s.setAttribute('role', 'img'); s.setAttribute('aria-label', {label});"
        f" s.setAttribute('aria-describedby', '{caption_id}'); }}"
    )
    chart = pio.to_html(
        fig,
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
        validate=False,
        post_script=post,
    )
    return (
        f'<figure class="ec-figure"><div class="ec-chart">{chart}</div>'
        f'<figcaption id="{caption_id}"><span class="ec-fignum">Figure {number}.</span> '
        f"{html.escape(alt)}</figcaption></figure>"
    )


@cache
def plotly_js() -> str:
    """plotly.js as shipped inside the installed plotly package (so it works offline)."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path.read_text(encoding="utf-8")


#: Trace types in the vendored cartesian bundle (toolkit/handouts/vendor/plotly.js-cartesian).
CARTESIAN_TRACES = frozenset(
    "bar box contour heatmap histogram histogram2d histogram2dcontour image pie scatter "
    "scatterternary violin".split()
)
_BANNER_VERSION = re.compile(r"plotly\.js[^\n]*? v(\d+\.\d+\.\d+)")


@cache
def _cartesian_js() -> str | None:
    path = Path(__file__).resolve().parent / "vendor" / "plotly.js-cartesian"
    try:
        return (path / "plotly-cartesian.min.js").read_text(encoding="utf-8")
    except OSError:
        return None


def plotly_bundle(trace_types: set[str] | frozenset[str]) -> str:
    """The smallest plotly.js that draws these trace types: the vendored cartesian bundle
    (1.5 MB) when it covers them and is the same version as the installed plotly.js,
    otherwise the full plotly.js (4.8 MB).

    Examples
    --------
    >>> len(plotly_bundle({"scatter", "bar"})) < len(plotly_bundle({"scatter3d"}))
    True
    >>> plotly_bundle({"scattergeo"}) == plotly_js()
    True
    """
    partial = _cartesian_js()
    if partial is None or not set(trace_types) <= CARTESIAN_TRACES:
        return plotly_js()
    ours = _BANNER_VERSION.search(partial[:400])
    full = _BANNER_VERSION.search(plotly_js()[:400])
    if ours is None or full is None or ours.group(1) != full.group(1):
        return plotly_js()
    return partial


# --- outputs -----------------------------------------------------------------------------


@dataclass
class _State:
    """Per-document counters and the notebook's widget state."""

    widgets: dict[str, Any] = field(default_factory=dict)
    edition: Edition = "student"
    figures: int = 0
    trace_types: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def _markdown_html(source: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return sanitize_html(markdown2html_mistune(source))


_TABLE = re.compile(r"<table\b.*?</table>", re.IGNORECASE | re.DOTALL)
_TEXT_NODE = re.compile(r">([^<]+)<")


def wrappable_tables(fragment: str) -> str:
    """Let table cells wrap at the joins of identifiers and web addresses (``<wbr>``, see
    :func:`toolkit.core.tables.soft_breaks`), so that ``third_party_concern_not_acted_on`` and
    long addresses wrap there, not mid-word, and a wide table fits the printed column. Only
    text inside ``<table>`` changes.

    Examples
    --------
    >>> wrappable_tables("<p>a_b</p><table><tr><td>no_marac_referral</td></tr></table>")
    '<p>a_b</p><table><tr><td>no_<wbr>marac_<wbr>referral</td></tr></table>'
    >>> wrappable_tables("<p>no table, no change: a_b</p>")
    '<p>no table, no change: a_b</p>'
    """

    def text(match: re.Match[str]) -> str:
        return ">" + soft_breaks(match.group(1)) + "<"

    return _TABLE.sub(lambda m: _TEXT_NODE.sub(text, m.group(0)), fragment)


def output_html(output: dict[str, Any], state: _State) -> str | None:
    """HTML for one output whose renderer nbconvert lacks (plotly, widgets, markdown, html).

    Returns None when nbconvert's own rendering is safe (text, images, errors).
    """
    data = output.get("data") or {}
    if PLOTLY_MIME in data:
        state.figures += 1
        figure = data[PLOTLY_MIME]
        state.trace_types |= {str(t.get("type") or "scatter") for t in figure.get("data") or []}
        return figure_html(figure, f"ec-fig-{state.figures}", state.figures)
    if WIDGET_VIEW in data:
        model_id = (data[WIDGET_VIEW] or {}).get("model_id", "")
        return render_widget(model_id, state.widgets, lambda out: output_to_html(out, state))
    if "text/html" in data:
        raw = data["text/html"]
        return wrappable_tables(sanitize_html("".join(raw) if isinstance(raw, list) else raw))
    if "text/markdown" in data:
        raw = data["text/markdown"]
        return wrappable_tables(_markdown_html("".join(raw) if isinstance(raw, list) else raw))
    return None


def output_to_html(output: dict[str, Any], state: _State) -> str:
    """Any output as HTML, for outputs nested inside widgets (Output widget).

    A trainer note captured by an Output widget is boxed in the trainer edition and never
    rendered in any other (``toolkit.handouts.editions`` has removed it already: a second lock); a
    live exercise widget that was not turned into its printed form is left out of the
    student edition for the same reason.
    """
    everycall = (output.get("metadata") or {}).get("everycall") or {}
    if _is_trainer_note(output):
        if state.edition != "trainer":
            return ""
        return _NOTE_BOX.format(output_to_html(_unmarked(output), state))
    if state.edition != "trainer" and isinstance(everycall, dict):
        if everycall.get("exercise") and not everycall.get("printed"):
            return ""
    kind = output.get("output_type")
    if kind == "stream":
        return f'<pre class="ec-stream">{html.escape(output.get("text", ""))}</pre>'
    if kind == "error":
        return f'<pre class="ec-error">{html.escape(output.get("ename", "Error"))}: ' + (
            f"{html.escape(output.get('evalue', ''))}</pre>"
        )
    done = output_html(output, state)
    if done is not None:
        return done
    data = output.get("data") or {}
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            return f'<img src="data:{mime};base64,{data[mime]}" alt="Image output">'
    if "text/plain" in data:
        raw = data["text/plain"]
        return f"<pre>{html.escape(''.join(raw) if isinstance(raw, list) else raw)}</pre>"
    return ""


def _unmarked(output: dict[str, Any]) -> dict[str, Any]:
    meta = dict(output.get("metadata") or {})
    meta.pop("everycall", None)
    return dict(output, metadata=meta)


def _is_trainer_note(output: dict[str, Any]) -> bool:
    """An output only trainers see (``{"everycall": {"trainer": true}}``, e.g. from
    ``toolkit.trainer_note``)."""
    meta = (output.get("metadata") or {}).get("everycall") or {}
    return isinstance(meta, dict) and bool(meta.get("trainer"))


_NOTE_BOX = (
    '<div class="ec-trainer-note ec-trainer-md" role="note" aria-label="Trainer note">'
    '<p class="ec-trainer-label">Trainer note</p>{}</div>'
)


def _prepare(nb: Any, state: _State, edition: Edition) -> None:
    """Rewrite outputs in place so nbconvert renders only safe, self-contained HTML.

    Trainer notes (outputs marked ``everycall.trainer``) are never rendered in the student
    edition (``toolkit.handouts.editions`` has removed them already; this is a second lock). In the
    trainer edition a note in a trainer-tagged cell marks the cell (``ec_note``) so the
    template boxes it as a trainer note (when its input is removed, as ``remove-input``
    does); a note in any other cell gets a box of its own.
    """
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        tags = (cell.get("metadata") or {}).get("tags") or []
        outputs = []
        for out in cell.get("outputs", []):
            note = _is_trainer_note(out)
            if note and edition != "trainer":
                continue
            if out.get("output_type") in ("display_data", "execute_result"):
                data = out.get("data") or {}
                printed = ((out.get("metadata") or {}).get("everycall") or {}).get("printed")
                rendered = output_html(out, state)
                if rendered is not None:
                    cls = "ec-exercise" if printed else "ec-output"
                    body = f'<div class="{cls}">{rendered}</div>'
                    if note and "trainer" not in tags:
                        body = _NOTE_BOX.format(body)
                    out["data"] = {"text/html": body}
                elif "application/javascript" in data and len(data) == 1:
                    continue
                else:
                    out["data"] = {k: v for k, v in data.items() if k != "application/javascript"}
            if note and "trainer" in tags and not cell.get("source", "").strip():
                cell.setdefault("metadata", {})["ec_note"] = True
            outputs.append(out)
        cell["outputs"] = outputs
    nb.metadata.pop("widgets", None)


# --- cover and sources -------------------------------------------------------------------

_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def split_cover(nb: Any, fallback_title: str) -> tuple[str, str]:
    """Take the opening markdown cell out of ``nb``; return (title, its HTML without the H1)."""
    if nb.cells and nb.cells[0].get("cell_type") == "markdown":
        source = nb.cells.pop(0).get("source", "")
        match = _H1.search(source)
        title = _text(match.group(1)).replace("*", "").strip() if match else fallback_title
        body = _H1.sub("", source, count=1) if match else source
        return title, _markdown_html(body)
    return fallback_title, ""


def has_sources_cell(nb: Any) -> bool:
    """Whether the notebook ends (last or second-last cell) with a "Sources" heading."""
    return any(_is_sources_cell(c) for c in nb.cells[-2:])


def _is_sources_cell(cell: Any) -> bool:
    if cell.get("cell_type") == "code":
        # The course's own convention: a final cell that renders the list from the data
        # package with ``toolkit.data.sources_markdown([...])``.
        if "sources_markdown(" in cell.get("source", ""):
            return True
        for out in cell.get("outputs", []):  # the source may be gone (remove-input)
            text = (out.get("data") or {}).get("text/markdown", "")
            text = "".join(text) if isinstance(text, list) else str(text)
            first = text.lstrip().split("\n", 1)[0]
            if first.startswith("#") and "source" in first.lower():
                return True
        return False
    if cell.get("cell_type") != "markdown":
        return False
    first = cell.get("source", "").lstrip().split("\n", 1)[0]
    return first.startswith("#") and "source" in first.lower()


@dataclass
class HtmlExport:
    """One rendered handout."""

    html: str
    title: str
    figures: int
    warnings: list[str]
    plotly_js: str = ""


@cache
def _exporter() -> Any:
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.embed_images = True
    exporter = HTMLExporter(
        config=config,
        template_name="everycall",
        extra_template_basedirs=[str(TEMPLATES)],
    )
    exporter.register_filter("ec_clean", sanitize_html)  # this instance only
    return exporter


@cache
def _css() -> str:
    return (TEMPLATES / "everycall" / "static" / "handout.css").read_text(encoding="utf-8")


def render_html(
    nb: Any,
    *,
    edition: Edition,
    name: str,
    built: str | None = None,
    sources_html: str | None = None,
) -> HtmlExport:
    """Render one edition (from ``toolkit.handouts.editions.make_edition``) as a handout page.

    ``nb`` is changed in place. ``built`` is a date to print on the cover (only from
    ``SOURCE_DATE_EPOCH``, so builds stay reproducible); ``sources_html`` is used when the
    notebook has no sources cell of its own.
    """
    title, cover = split_cover(nb, name)
    state = _State(widgets=_widget_state(nb), edition=edition)
    has_sources = bool(nb.cells) and _is_sources_cell(nb.cells[-1])  # before outputs become HTML
    _prepare(nb, state, edition)
    if not has_sources and sources_html is None:
        state.warnings.append(f"{name}: no sources cell at the end of the notebook")
    plotly_js = plotly_bundle(state.trace_types) if state.figures else ""
    resources: dict[str, Any] = {
        "metadata": {"name": title},
        "everycall": {
            "title": title,
            "edition": edition,
            "edition_label": EDITION_LABELS[edition],
            "cover_html": cover,
            "support_missing": SUPPORT_NUMBER not in cover,
            "built": built,
            "css": _css(),
            "plotly_js": plotly_js,
            "sources_html": None if has_sources else sources_html,
            "sources_cell": has_sources,
        },
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return HtmlExport(
        html=body,
        title=title,
        figures=state.figures,
        warnings=state.warnings,
        plotly_js=plotly_js,
    )


def _widget_state(nb: Any) -> dict[str, Any]:
    widgets = nb.get("metadata", {}).get("widgets") or {}
    state = widgets.get("application/vnd.jupyter.widget-state+json") or {}
    return dict(state.get("state") or {})


def json_script(value: Any) -> str:
    """JSON safe to place inside a ``<script>`` element."""
    return json.dumps(value, sort_keys=True).replace("</", "<\\/")
