"""The accessibility tree of a page, as Chromium gives it to a screen reader (read through the
DevTools protocol), shared by tests/browser/test_accessibility.py (JupyterLab) and
tests/browser/test_voila.py (Voilà)."""

from __future__ import annotations

#: The open notebook in JupyterLab; Voilà's cells are ``#rendered_cells``.
JUPYTERLAB = ".jp-NotebookPanel:not(.lm-mod-hidden)"
VOILA = "#rendered_cells"

CONTROL_ROLES = (
    "slider",
    "textbox",
    "combobox",
    "listbox",
    "checkbox",
    "radio",
    "button",
    "spinbutton",
    "switch",
)

# The start of an element's HTML, its aria-valuetext, and (for a slider's handle) the number
# its slider shows beside it, when that is shown and typed into (a single handle's readout).
READ_ELEMENT = """function () {
    const slider = this.closest('.widget-slider, .jupyter-widget-slider');
    const readout = slider && slider.querySelectorAll("[role='slider']").length === 1
        ? slider.querySelector('.widget-readout') : null;
    const shown = readout && readout.isContentEditable && readout.style.display !== 'none'
        ? readout.textContent.trim() : '';
    return [this.outerHTML.slice(0, 120), this.getAttribute('aria-valuetext') || '', shown];
}"""

# Output areas holding widgets. JupyterLab leaves cells out of view out of the accessibility
# tree until they are scrolled to (content-visibility), so each is scrolled into view first.
_OUTPUTS = (
    "[...document.querySelectorAll({root!r} + ' .jp-OutputArea')]"
    ".filter(o => o.querySelector('.jupyter-widgets'))"
)


def controls(page, root: str = JUPYTERLAB) -> list[dict[str, str]]:
    """Every control in the widget outputs under ``root`` (a CSS selector), as Chromium's
    accessibility tree gives it to a screen reader (DevTools protocol ``queryAXTree``): its
    role, name, what it says for its value (a slider's ``aria-valuetext``, else its number)
    and the start of its HTML."""
    cdp = page.context.new_cdp_session(page)
    found: list[dict[str, str]] = []
    try:
        count = page.evaluate(f"() => {_OUTPUTS.format(root=root)}.length")
        for i in range(count):
            expr = f"(() => {{ const o = {_OUTPUTS.format(root=root)}[{i}]; "
            expr += "o.scrollIntoView({block: 'center'}); return o; })()"
            output = cdp.send("Runtime.evaluate", {"expression": expr})["result"]["objectId"]
            page.wait_for_timeout(150)  # the tree catches up with the scroll
            for role in CONTROL_ROLES:
                nodes = cdp.send("Accessibility.queryAXTree", {"objectId": output, "role": role})
                for node in nodes["nodes"]:
                    if node.get("ignored"):
                        continue
                    props = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
                    number = (node.get("value") or {}).get("value")
                    html, valuetext, readout = "", "", ""
                    if "backendDOMNodeId" in node:
                        element = cdp.send(
                            "DOM.resolveNode", {"backendNodeId": node["backendDOMNodeId"]}
                        )["object"]["objectId"]
                        html, valuetext, readout = cdp.send(
                            "Runtime.callFunctionOn",
                            {
                                "objectId": element,
                                "functionDeclaration": READ_ELEMENT,
                                "returnByValue": True,
                            },
                        )["result"]["value"]
                    # Chromium's DevTools tree leaves "valuetext" empty even when the handle
                    # has aria-valuetext (which screen readers read): take the attribute then.
                    said = props.get("valuetext") or valuetext
                    if not said and number is not None:
                        said = number
                    found.append(
                        {
                            "role": role,
                            "name": str((node.get("name") or {}).get("value", "")).strip(),
                            "value": str(said),
                            "readout": readout,
                            "html": html,
                        }
                    )
        return found
    finally:
        cdp.detach()


def unnamed_controls(page, root: str = JUPYTERLAB) -> list[str]:
    """The controls under ``root`` with no accessible name (see :func:`controls`)."""
    return [f"{c['role']}: {c['html']}" for c in controls(page, root) if not c["name"]]


def slider_names(page, root: str = JUPYTERLAB) -> list[dict[str, str]]:
    """Name, spoken value and shown number (``readout``, "" for none) of every slider
    handle under ``root``."""
    return [
        {"name": c["name"], "valuetext": c["value"], "readout": c["readout"]}
        for c in controls(page, root)
        if c["role"] == "slider"
    ]


# WCAG 2.2 1.4.3 contrast of every piece of text in the outputs, computed here because
# axe-core's color-contrast rule checks no text inside JupyterLab's notebook at all (measured
# with axe-core 4.14 and JupyterLab 4.6: only form fields were evaluated, so a dark-green
# "Correct" on the dark theme's near-black passed). The text colour and the backgrounds
# behind it (semi-transparent ones blended) give the ratio; 4.5:1, or 3:1 for large text
# (24 px, or 18.66 px bold). Text over an image or inside a plotly figure (SVG, with its own
# background) is left to the figures' own checks.
_CONTRAST = """(root) => {
    const parse = c => {
        const m = /rgba?\\(([^)]+)\\)/.exec(c || '');
        if (!m) return null;
        const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(parseFloat);
        return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
    const lum = rgb => {
        const f = v => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]);
    };
    const background = el => {
        const layers = [];
        for (let e = el; e; e = e.parentElement) {
            const style = getComputedStyle(e);
            if (style.backgroundImage !== 'none') return null;
            const c = parse(style.backgroundColor);
            if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
        }
        let bg = [255, 255, 255];
        for (const layer of layers.reverse()) bg = over(layer, bg);
        return bg;
    };
    const failures = [];
    for (const area of document.querySelectorAll(root + ' .jp-OutputArea-output')) {
        for (const el of area.querySelectorAll('*')) {
            if (el.closest('svg, .js-plotly-plot, [aria-hidden="true"]')) continue;
            const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
            if (!own || !el.getClientRects().length) continue;
            const style = getComputedStyle(el);
            if (style.visibility === 'hidden' || parseFloat(style.opacity) === 0) continue;
            const bg = background(el);
            const fg = parse(style.color);
            if (!bg || !fg) continue;
            const text = over(fg, bg);
            const [a, b] = [lum(text), lum(bg)].sort((x, y) => y - x);
            const ratio = (a + 0.05) / (b + 0.05);
            const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
            const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
            if (ratio < need - 0.01) {
                const words = el.textContent.trim().slice(0, 50);
                failures.push(`${ratio.toFixed(2)}:1 (needs ${need}) "${words}" `
                    + `${style.color} on rgb(${bg.map(Math.round).join(', ')})`);
            }
        }
    }
    return failures;
}"""


def low_contrast_text(page, root: str = JUPYTERLAB) -> list[str]:
    """Text in the outputs under ``root`` below WCAG AA contrast (see ``_CONTRAST``)."""
    return page.evaluate(_CONTRAST, root)
