// Every Call: names, groups and announcements for ipywidgets controls in JupyterLab and Voila.
//
// ipywidgets 8 renders some controls without what a screen reader or a keyboard needs: a
// slider's handle (noUiSlider) has no accessible name, the options of a RadioButtons share no
// `name` (so each is its own Tab stop and the arrow keys do not move between them), a group of
// checkboxes is not a group, and an HTML widget whose text changes is not announced. This
// module is the front end of toolkit/core/access.py, loaded through anywidget. The first view
// installs one observer for the whole page; it then fills in what is missing wherever an
// ipywidgets control appears or changes, and never moves focus. See the README's
// "Accessibility" section for what it does and why.

const KEY = "__everycallAccess";
let counter = 0;

const CSS = `
.jupyter-widgets :is(button, input, select, textarea):focus-visible,
button.jupyter-widgets:focus-visible,
.jupyter-widgets .noUi-handle:focus-visible,
.jupyter-widgets .widget-readout:focus-visible,
[data-everycall-scroll]:focus-visible,
.js-plotly-plot .modebar-btn:focus-visible {
  outline: 2px solid var(--jp-brand-color1, #1565c0) !important;
  outline-offset: 2px;
}
/* plotly shows its toolbar on hover only: show it to the keyboard too */
.js-plotly-plot .plotly .modebar:focus-within { opacity: 1 !important; }
body[data-jp-theme-light="false"] .everycall-result.everycall-correct {
  border-left-color: #81c995 !important;
}
body[data-jp-theme-light="false"] .everycall-result.everycall-correct strong { color: #81c995 !important; }
body[data-jp-theme-light="false"] .everycall-result.everycall-incorrect {
  border-left-color: #f6b26b !important;
}
body[data-jp-theme-light="false"] .everycall-result.everycall-incorrect strong { color: #f6b26b !important; }
body[data-jp-theme-light="false"] .everycall-result:is(.everycall-prompt, .everycall-saved) {
  border-left-color: #9ec5fe !important;
}
body[data-jp-theme-light="false"] .everycall-result:is(.everycall-prompt, .everycall-saved) strong {
  color: #9ec5fe !important;
}
body[data-jp-theme-light="false"] .everycall-status { color: var(--jp-ui-font-color1) !important; }
body[data-jp-theme-light="false"] .everycall-error-text { color: #ff8a80 !important; }
`;

function ident(el) {
  if (!el.id) el.id = "everycall-a11y-" + ++counter;
  return el.id;
}

function set(el, name, value) {
  if (value === null || value === undefined || value === "") {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== String(value)) {
    el.setAttribute(name, String(value));
  }
}

function text(el) {
  return el ? (el.textContent || "").replace(/\s+/g, " ").trim() : "";
}

// The visible label ipywidgets gives a control (its `description`), if shown.
function ownLabel(widget) {
  const label = widget.querySelector(":scope > label.widget-label");
  if (!label || label.style.display === "none") return null;
  return text(label) ? label : null;
}

// An exercise's question, which names the group of its options.
function questionOf(el) {
  const exercise = el.closest(".everycall-exercise");
  const prompt = exercise && exercise.querySelector(".everycall-prompt .widget-html-content");
  return prompt && text(prompt) ? prompt : null;
}

function labelledBy(el, parts) {
  const ids = parts.filter(Boolean).map(ident);
  set(el, "aria-labelledby", ids.length ? ids.join(" ") : null);
  return ids.length > 0;
}

function sliders(root) {
  for (const widget of root.querySelectorAll(".widget-slider, .jupyter-widget-slider")) {
    const label = ownLabel(widget);
    const name = label ? text(label) : widget.getAttribute("title") || "Slider";
    const handles = widget.querySelectorAll(".noUi-handle[role='slider']");
    const readout = widget.querySelector(".widget-readout");
    const shown = readout && readout.style.display !== "none" && text(readout) ? text(readout) : "";
    // The explorer writes its date range beside the slider (its readout is too narrow).
    const range = widget.parentElement && widget.parentElement.querySelector("[data-everycall-from]");
    let values = [];
    if (range) values = [range.dataset.everycallFrom, range.dataset.everycallTo];
    else if (shown && handles.length === 2) values = shown.split(" \u2013 ");
    else if (shown) values = [shown];
    handles.forEach((handle, i) => {
      const which = handles.length === 2 ? (i === 0 ? ", from" : ", to") : "";
      set(handle, "aria-label", name + which);
      if (values.length === handles.length && values[i]) set(handle, "aria-valuetext", values[i]);
    });
    if (readout && shown && readout.isContentEditable) {
      set(readout, "role", "textbox");
      set(readout, "aria-label", name + ", type a value");
    }
  }
}

function radioGroups(root) {
  for (const box of root.querySelectorAll(".widget-radio-box, .jupyter-widget-radio-box")) {
    set(box, "role", "radiogroup");
    const widget = box.parentElement;
    labelledBy(box, [questionOf(box), widget && ownLabel(widget)]);
    // One name makes the options one group: one Tab stop, moved through with the arrow keys.
    const name = box.dataset.everycallName || (box.dataset.everycallName = "everycall-radio-" + ++counter);
    for (const input of box.querySelectorAll("input[type='radio']")) set(input, "name", name);
  }
}

function checkboxGroups(root) {
  for (const control of root.querySelectorAll(".everycall-multiple-choice .everycall-control")) {
    set(control, "role", "group");
    const how = control.querySelector(":scope > .widget-label");
    labelledBy(control, [questionOf(control), how]);
  }
}

function toggleGroups(root) {
  for (const box of root.querySelectorAll(".widget-toggle-buttons, .jupyter-widget-toggle-buttons")) {
    const buttons = box.querySelector(".widget-toggle-button-container, .jupyter-widget-toggle-button-container") || box;
    set(buttons, "role", "group");
    labelledBy(buttons, [questionOf(box), ownLabel(box)]);
    for (const button of buttons.querySelectorAll("button")) {
      set(button, "aria-pressed", button.classList.contains("mod-active") ? "true" : "false");
    }
  }
}

function announcements(root) {
  for (const el of root.querySelectorAll(".everycall-announce")) {
    set(el, "aria-live", "polite");
    set(el, "aria-atomic", "true");
  }
}

// An output wider than its area (a wide table, most often) scrolls sideways: the scrolling
// box must be reachable by keyboard (Tab, then the arrow keys) and say what it holds.
const watched = new WeakSet();
let resizes = null;

function scrollRegions(root) {
  const boxes = root.querySelectorAll(".jp-OutputArea-output, .jp-RenderedHTMLCommon");
  for (const box of boxes) {
    // Widgets lay themselves out; a box of controls is not something to scroll through.
    if (box.querySelector(".jupyter-widgets")) continue;
    const table = box.querySelector("table");
    // The box's width and the table's: a theme's fonts can widen the table alone.
    for (const el of table ? [box, table] : [box]) {
      if (resizes && !watched.has(el)) {
        watched.add(el);
        resizes.observe(el);
      }
    }
    const style = getComputedStyle(box);
    const scrolls = /(auto|scroll)/.test(style.overflowX) && box.scrollWidth > box.clientWidth + 1;
    const ours = box.hasAttribute("data-everycall-scroll");
    if (scrolls && (ours || !box.hasAttribute("tabindex"))) {
      const caption = table ? text(table.querySelector("caption")) || "Table" : "Output";
      set(box, "data-everycall-scroll", "1");
      set(box, "tabindex", "0");
      set(box, "role", "region");
      set(box, "aria-label", caption + ", scrolls sideways: use the arrow keys");
    } else if (!scrolls && ours) {
      for (const name of ["data-everycall-scroll", "tabindex", "role", "aria-label"]) box.removeAttribute(name);
    }
  }
}

const FIXES = [sliders, radioGroups, checkboxGroups, toggleGroups, announcements, scrollRegions];

// Each fix on its own: one that fails (a control drawn in a way not foreseen) leaves the
// others working. The last failure is kept on window.__everycallAccess.error for debugging.
const stats = { passes: 0, ms: 0 };

function fixAll() {
  const start = performance.now();
  stats.passes += 1;
  for (const fix of FIXES) {
    try {
      fix(document.body);
    } catch (error) {
      if (window[KEY]) window[KEY].error = `${fix.name}: ${error}`;
      console.warn("Every Call accessibility helper:", fix.name, error);
    }
  }
  stats.ms += performance.now() - start;
}

// JupyterLab reads keys at the document for its own shortcuts: in command mode the arrow keys
// select another cell and Enter opens the cell's editor, so on a radio button, a list, a
// slider handle, a button or a wide table they took the learner out of the question instead
// of moving between options, pressing the button or scrolling the table. JupyterLab listens in the bubbling phase, so a
// listener on <body> that stops these keys (unmodified, on a widget's control) leaves the
// control's own handling alone and keeps the shortcut out. Ctrl+S, Shift+Enter and the rest
// still reach JupyterLab; typing in a text box never triggered the shortcuts anyway.
const NAVIGATION = new Set([
  "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown", " ", "Enter",
]);
const CONTROL = "input[type='radio'], input[type='checkbox'], select, button, [role='slider']";

function keepKeys(event) {
  if (!NAVIGATION.has(event.key) || event.ctrlKey || event.altKey || event.metaKey) return;
  if (event.shiftKey && event.key === "Enter") return;
  const target = event.target;
  if (!(target instanceof Element)) return;
  const control = target.matches(CONTROL) && target.closest(".jupyter-widgets");
  // a wide table's scrolling box: the arrow keys scroll it, not select another cell
  const table = target.hasAttribute("data-everycall-scroll") && event.key !== "Enter";
  if (control || table) event.stopPropagation();
}

// A value typed into a question reaches the kernel as it is typed, but ipywidgets holds a
// change back while the kernel is busy with the one before, and a button's click is never
// held back: Check pressed straight after the last key could be marked against the value
// before it. A click on a question's Check (or Submit) that comes within HOLD ms of typing in
// that question is held for HOLD ms and then made again, so the value arrives first.
const HOLD = 300;
let lastTyped = { question: null, at: 0 };

function noteTyping(event) {
  const question = event.target instanceof Element && event.target.closest(".everycall-exercise");
  if (question) lastTyped = { question, at: performance.now() };
}

function holdEarlyCheck(event) {
  const button = event.target instanceof Element && event.target.closest("button.everycall-check");
  if (!button || button.dataset.everycallHeld === "1") return;
  const since = performance.now() - lastTyped.at;
  if (lastTyped.question !== button.closest(".everycall-exercise") || since >= HOLD) return;
  event.stopImmediatePropagation();
  event.preventDefault();
  setTimeout(() => {
    button.dataset.everycallHeld = "1";
    try {
      button.click();
    } finally {
      delete button.dataset.everycallHeld;
    }
  }, HOLD - since);
}

function install() {
  if (window[KEY]) {
    window[KEY].schedule();
    return;
  }
  const style = document.createElement("style");
  style.id = "everycall-access-style";
  style.textContent = CSS;
  document.head.appendChild(style);
  let queued = false;
  const run = () => {
    queued = false;
    fixAll();
  };
  // A timer, not requestAnimationFrame: it also runs in a tab that is not being painted.
  const schedule = () => {
    if (!queued) {
      queued = true;
      setTimeout(run, 30);
    }
  };
  // Only changes in outputs and widgets (new nodes, text, a handle's value, classes) and the
  // theme are acted on, never typing in a cell's editor; the attributes this module sets
  // are not watched, so it never loops.
  const observer = new MutationObserver((records) => {
    let relevant = false;
    for (const record of records) {
      const target = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (!target) continue;
      if (record.attributeName === "aria-valuenow") {
        // noUiSlider has just written its own number as the value text: put the words back
        // now, before a screen reader reads it, not on the next tick.
        const widget = target.closest(".widget-slider, .jupyter-widget-slider");
        if (widget) sliders(widget.parentElement || widget);
        continue;
      }
      if (record.attributeName === "data-jp-theme-light") {
        // The theme's stylesheet and fonts arrive after the attribute: look again as they do.
        for (const wait of [300, 1000, 2500]) setTimeout(schedule, wait);
        relevant = true;
      } else if (target.closest(".jp-OutputArea, .jupyter-widgets") && !target.closest(".cm-editor")) {
        relevant = true;
      }
    }
    if (relevant) schedule();
  });
  observer.observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["aria-valuenow", "class", "data-jp-theme-light"],
  });
  if (typeof ResizeObserver !== "undefined") resizes = new ResizeObserver(schedule);
  window.addEventListener("resize", schedule);
  // A cell scrolled into view is laid out only then (JupyterLab's content-visibility), so
  // whether its table is wider than the page is known only then.
  document.addEventListener("scroll", schedule, { capture: true, passive: true });
  if (document.fonts) document.fonts.addEventListener("loadingdone", schedule);
  document.body.addEventListener("keydown", keepKeys);
  document.addEventListener("input", noteTyping, true);
  document.addEventListener("click", holdEarlyCheck, true);
  window[KEY] = { schedule, run, stats };  // stats: passes made and time spent, for measuring
  run();
}

export default {
  render({ el }) {
    el.classList.add("everycall-access");
    install();
  },
};
