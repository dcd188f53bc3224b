"""The trainer's live page: the cohort debrief page (``toolkit.cohort``'s one renderer, as
``everycall answers collect`` writes it) with a bar on top and a small script that keeps it
up to date.

The script long-polls the service (``api/state?since=REVISION``, which answers as soon as an
answer has arrived and the new page is drawn, or after 20 s); when the revision changed it
fetches the debrief again and puts in the questions whose section changed (the others, and
their drawn charts, stay as they are), re-running only the new sections' chart scripts the
renderer wrote (learners' text is escaped by the renderer, so it never
becomes a script). Polling rather than server-sent events: plain requests that the hub's proxy
and OAuth handle like any other, and a request that fails while the service restarts is simply
tried again a second later, while the page says so.

>>> html = live_page("<html><body><main>x</main></body></html>", revision="3-1.5",
...                  anonymise=False)
>>> 'data-revision="3-1.5"' in html and "api/state" in html
True
"""

from __future__ import annotations

import html as _html

__all__ = ["RETRY_MS", "live_page", "toolbar"]

#: How long the page waits before asking again after a failed request (milliseconds).
RETRY_MS = 1000

_BAR_CSS = (
    ".everycall-live-bar{position:sticky;top:0;z-index:10;background:#1f3b4d;color:#fff;"
    "padding:0.5rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center;"
    "font-family:system-ui,sans-serif}.everycall-live-bar a{color:#fff}"
    ".everycall-live-bar label{cursor:pointer}"
)


def toolbar(prefix: str, *, anonymise: bool) -> str:
    """The bar above the debrief: live status, the anonymise switch and the two exports."""
    query = "?anonymise=1" if anonymise else "?anonymise=0"
    base = _html.escape(prefix.rstrip("/") + "/")
    checked = " checked" if anonymise else ""
    return (
        f"<style>{_BAR_CSS}</style>"
        '<header class="everycall-live-bar" aria-label="Live debrief">'
        "<strong>Live debrief</strong>"
        '<span id="everycall-live-status" role="status" aria-live="polite">'
        "Up to date</span>"
        f'<label><input type="checkbox" id="everycall-anonymise"{checked}> '
        "Hide learners' names</label>"
        f'<a id="everycall-export-csv" href="{base}export.csv{query}">Download CSV</a>'
        f'<a id="everycall-export-html" href="{base}export.html{query}">Download page (HTML)</a>'
        "</header>"
    )


_SCRIPT = """
<script>
(function () {
  const body = document.body;
  // JupyterHub accepts a cookie-signed-in fetch only with its XSRF token (jupyterhub 4.1+).
  const asked = {cache: "no-store", credentials: "same-origin",
                 headers: {"X-XSRFToken": body.dataset.xsrf}};
  const anonymise = body.dataset.anonymise === "1";
  const status = document.getElementById("everycall-live-status");
  const box = document.getElementById("everycall-anonymise");
  box.addEventListener("change", function () {
    const url = new URL(window.location.href);
    url.searchParams.set("anonymise", box.checked ? "1" : "0");
    window.location.assign(url.toString());
  });
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));
  async function refresh() {
    const page = await fetch("debrief?anonymise=" + (anonymise ? "1" : "0"), asked);
    if (!page.ok) throw new Error("HTTP " + page.status);
    const doc = new DOMParser().parseFromString(await page.text(), "text/html");
    const fresh = doc.querySelector("main");
    if (!fresh) return;
    // Keep each question whose section did not change (its chart stays drawn); put in the
    // new ones and run only their chart scripts.
    const main = document.querySelector("main");
    const kept = new Map();
    for (const node of main.children) if (node.id && node.everycallSource) kept.set(node.id, node);
    const nodes = [];
    const added = [];
    for (const node of Array.from(fresh.children)) {
      const source = node.outerHTML;
      const old = node.id ? kept.get(node.id) : undefined;
      if (old && old.everycallSource === source) {
        nodes.push(old);
      } else {
        const copy = document.importNode(node, true);
        copy.everycallSource = source;
        nodes.push(copy);
        added.push(copy);
      }
    }
    main.replaceChildren(...nodes);
    for (const node of added) {
      for (const old of node.querySelectorAll("script")) {
        const run = document.createElement("script");
        run.text = old.text;
        old.replaceWith(run);
      }
    }
    body.dataset.revision = page.headers.get("X-Everycall-Revision") || body.dataset.revision;
  }
  async function follow() {
    for (;;) {
      try {
        // Held open by the service until an answer arrives and its page is drawn.
        const since = encodeURIComponent(body.dataset.revision);
        const state = await fetch("api/state?since=" + since, asked);
        if (!state.ok) throw new Error("HTTP " + state.status);
        const revision = (await state.json()).revision;
        if (revision !== body.dataset.revision) await refresh();
        status.textContent = "Up to date at " + new Date().toLocaleTimeString("en-GB");
      } catch (err) {
        status.textContent = "Reconnecting to the live debrief...";
        await pause(RETRY_MS);
      }
    }
  }
  follow();
})();
</script>
"""


def live_page(debrief: str, *, revision: str, anonymise: bool, xsrf: str = "") -> str:
    """``debrief`` (a page from ``toolkit.cohort.debrief_html``) made live; ``xsrf`` is the
    hub's XSRF token for this page's own requests."""
    opening = (
        f'<body data-revision="{_html.escape(revision)}" data-anonymise="{int(anonymise)}" '
        f'data-xsrf="{_html.escape(xsrf)}">'
    )
    script = _SCRIPT.replace("RETRY_MS", str(RETRY_MS))
    return debrief.replace("<body>", opening, 1).replace("</body>", script + "</body>", 1)
