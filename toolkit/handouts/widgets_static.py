"""Static HTML for ipywidgets, read from the notebook's saved widget state.

A handout has no kernel behind it, and the live widget manager would have to come from a CDN
(or 1.9 MB of JavaScript per file). A printed page needs none of that: it shows each control
as it stood when the notebook ran (its label and value), each container's children, and each
Output widget's captured output. Every string from the state is escaped; HTML widget values
go through the handout sanitizer.

Examples
--------
>>> state = {
...     "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_s"]}},
...     "s": {"model_name": "IntSliderModel",
...           "state": {"description": "Call handlers", "value": 12, "min": 1, "max": 40}},
... }
>>> print(render_widget("box", state, lambda out: ""))  # doctest: +NORMALIZE_WHITESPACE
<div class="ec-widget" role="group" aria-label="Interactive control, as it was when this
handout was made"><div class="ec-w-box ec-w-vbox"><div class="ec-w ec-w-slider"><span
class="ec-w-label">Call handlers</span> <span class="ec-w-value">12</span> <span
class="ec-w-range">(range 1 to 40)</span></div></div></div>
>>> print(render_widget("gone", {}, lambda out: ""))
<div class="ec-widget ec-w-missing"><p>(An interactive control appears here in the \
notebook.)</p></div>
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from toolkit.core.display import LIVE_ONLY
from toolkit.core.html import sanitize_html

__all__ = ["render_widget"]

_REF = "IPY_MODEL_"
_PLOTLY = "application/vnd.plotly.v1+json"
_MAX_DEPTH = 20

OutputRenderer = Callable[[dict[str, Any]], str]


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _ref_id(value: Any) -> str | None:
    return value[len(_REF) :] if isinstance(value, str) and value.startswith(_REF) else None


def _label(state: dict[str, Any]) -> str:
    desc = state.get("description") or ""
    if not desc:
        return ""
    if state.get("description_allow_html"):
        text = sanitize_html(desc)
    else:
        text = _esc(desc)
    return f'<span class="ec-w-label">{text}</span> '


def _options(state: dict[str, Any]) -> list[str]:
    labels = state.get("_options_labels") or state.get("options") or []
    return [str(x) for x in labels]


def _selected(state: dict[str, Any]) -> set[int]:
    index = state.get("index")
    if isinstance(index, list):
        return {i for i in index if isinstance(i, int)}
    return {index} if isinstance(index, int) else set()


#: A list with more options than this prints as one line saying what it holds.
MAX_PRINTED_OPTIONS = 6


def _choice_list(state: dict[str, Any], kind: str) -> str:
    """A selection control on paper.

    A drop-down, or any list of more than :data:`MAX_PRINTED_OPTIONS` options, is one line:
    what is chosen and how many options the list holds (46 events would take a page). A short
    list of radio buttons or toggles prints each option with one marker: a circle for a
    single choice (filled when chosen), a square box for a multiple choice.
    """
    chosen = sorted(_selected(state))
    options = _options(state)
    multiple = kind == "selectmultiple"
    if kind == "dropdown" or len(options) > MAX_PRINTED_OPTIONS:
        picked = [options[i] for i in chosen if i < len(options)]
        if not picked or (kind == "dropdown" and picked[0].startswith("(")):
            value = picked[0] if picked else "none chosen"
        elif multiple and len(picked) == len(options):
            value = f"all {len(options)} chosen"
        elif multiple:
            more = f" and {len(picked) - 4} more" if len(picked) > 4 else ""
            shown = ", ".join(picked[:4]) + more
            value = f"{len(picked)} chosen: {shown}"
        else:
            value = picked[0]
        holds = f"a list of {len(options)} option{'' if len(options) == 1 else 's'}"
        return (
            f'<div class="ec-w ec-w-{kind}">{_label(state)}<span class="ec-w-value">'
            f'{_esc(value)}</span> <span class="ec-w-note">({holds})</span></div>'
        )
    on, off = ("&#9745;", "&#9744;") if multiple else ("&#9673;", "&#9675;")
    items = "".join(
        f'<li class="ec-w-chosen"><span aria-hidden="true">{on}</span> {_esc(label)} '
        '<span class="ec-w-note">(chosen)</span></li>'
        if i in chosen
        else f'<li><span aria-hidden="true">{off}</span> {_esc(label)}</li>'
        for i, label in enumerate(options)
    )
    listing = f'<ul class="ec-w-options">{items}</ul>'
    return f'<div class="ec-w ec-w-{kind}">{_label(state)}{listing}</div>'


def _render(
    model_id: str, models: dict[str, Any], render_output: OutputRenderer, depth: int
) -> str:
    model = models.get(model_id)
    if model is None or depth > _MAX_DEPTH:
        return ""
    name = str(model.get("model_name") or model.get("state", {}).get("_model_name") or "")
    state = model.get("state") or {}
    base = name.removesuffix("Model")

    def children(key: str = "children") -> list[str]:
        kids = [_ref_id(c) for c in state.get(key) or []]
        return [_render(k, models, render_output, depth + 1) for k in kids if k]

    if LIVE_ONLY in (state.get("_dom_classes") or ()):
        return ""  # on screen it repeats the figure's description, which the handout captions
    if str(state.get("_anywidget_id", "")).endswith("FigureWidget"):
        figure = {"data": state.get("_widget_data") or [], "layout": state.get("_widget_layout")}
        return render_output(
            {"output_type": "display_data", "data": {_PLOTLY: figure}, "metadata": {}}
        )
    if base in ("Box", "VBox", "HBox", "GridBox"):
        return f'<div class="ec-w-box ec-w-{base.lower()}">{"".join(children())}</div>'
    if base in ("Accordion", "Tab", "Stack"):
        titles = state.get("titles") or []
        parts = []
        for i, body in enumerate(children()):
            title = titles[i] if i < len(titles) and titles[i] else f"Part {i + 1}"
            head = f'<p class="ec-w-title">{_esc(title)}</p>'
            parts.append(f'<section class="ec-w-panel">{head}{body}</section>')
        return f'<div class="ec-w-box ec-w-{base.lower()}">{"".join(parts)}</div>'
    if base == "Output":
        inner = "".join(render_output(out) for out in state.get("outputs") or [])
        return f'<div class="ec-w-output">{inner}</div>'
    if base in ("Label", "HTML", "HTMLMath"):
        value = state.get("value") or ""
        if base == "Label":
            body = _esc(value)
        else:
            body = sanitize_html(str(value))
        return f'<div class="ec-w ec-w-{base.lower()}">{_label(state)}{body}</div>'
    if base.endswith("Slider") or base.endswith("Progress"):
        value = state.get("value")
        if base.startswith("Selection"):
            opts = _options(state)
            index = state.get("index")
            if isinstance(index, list):
                value = " to ".join(opts[i] for i in index if isinstance(i, int) and i < len(opts))
            elif isinstance(index, int) and index < len(opts):
                value = opts[index]
        elif isinstance(value, list):
            value = " to ".join(str(v) for v in value)
        rng = ""
        if "min" in state and "max" in state and not base.startswith("Selection"):
            span = f"{_esc(state['min'])} to {_esc(state['max'])}"
            rng = f' <span class="ec-w-range">(range {span})</span>'
        kind = "progress" if base.endswith("Progress") else "slider"
        return (
            f'<div class="ec-w ec-w-{kind}">{_label(state)}'
            f'<span class="ec-w-value">{_esc(value)}</span>{rng}</div>'
        )
    if base in ("Dropdown", "Select", "RadioButtons", "ToggleButtons", "SelectMultiple"):
        return _choice_list(state, base.lower())
    if base in ("Checkbox", "ToggleButton", "Valid"):
        mark = "&#9745;" if state.get("value") else "&#9744;"
        return f'<div class="ec-w ec-w-check">{mark} {_esc(state.get("description"))}</div>'
    if base == "Button":
        return f'<div class="ec-w ec-w-button">[{_esc(state.get("description") or "Button")}]</div>'
    if base == "Textarea":  # lines kept, as typed
        return (
            f'<div class="ec-w ec-w-textarea">{_label(state)}'
            f'<div class="ec-w-field ec-w-lines">{_esc(state.get("value"))}</div></div>'
        )
    if "value" in state and not isinstance(state.get("value"), dict | list):
        return (
            f'<div class="ec-w ec-w-text">{_label(state)}'
            f'<span class="ec-w-field">{_esc(state.get("value"))}</span></div>'
        )
    if isinstance(state.get("children"), list):
        return f'<div class="ec-w-box">{"".join(children())}</div>'
    return ""


def render_widget(model_id: str, models: dict[str, Any], render_output: OutputRenderer) -> str:
    """Static HTML for the widget ``model_id`` and everything inside it.

    ``models`` is ``metadata.widgets[...]["state"]``; ``render_output`` turns a captured
    output (from an Output widget) into HTML, and decides what may show: the handout
    renderer returns ``""`` for a trainer note (``everycall.trainer``) or a live exercise in
    the student edition, so that nothing captured in a widget escapes the edition's rules.
    """
    body = _render(model_id, models, render_output, 0)
    if not body:
        return (
            '<div class="ec-widget ec-w-missing"><p>(An interactive control appears here in '
            "the notebook.)</p></div>"
        )
    return (
        '<div class="ec-widget" role="group" aria-label="Interactive control, as it was when '
        f'this handout was made">{body}</div>'
    )
