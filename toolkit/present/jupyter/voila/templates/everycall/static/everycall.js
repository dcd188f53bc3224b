// Every Call's code-free view: headings as anchors, a small contents list, keys between
// sections; in presenter mode the content note and support routes come first.
(function () {
  "use strict";
  var root = document.getElementById("rendered_cells");
  if (!root) {
    return;
  }
  var presenter = document.body.classList.contains("ec-presenter");
  var headings = Array.prototype.slice.call(
    root.querySelectorAll(".jp-RenderedMarkdown h1, .jp-RenderedMarkdown h2")
  );
  headings.forEach(function (h, i) {
    if (!h.id) {
      h.id = "section-" + (i + 1);
    }
    h.setAttribute("tabindex", "-1");
    // nbconvert's pilcrow links are hidden; the heading itself is the anchor.
    h.querySelectorAll("a.anchor-link").forEach(function (a) {
      a.setAttribute("aria-hidden", "true");
      a.setAttribute("tabindex", "-1");
    });
  });
  var title = root.querySelector(".jp-RenderedMarkdown h1");
  var note = null;
  root.querySelectorAll(".jp-RenderedMarkdown blockquote").forEach(function (q) {
    if (!note && /^\s*Content note/.test(q.textContent)) {
      note = q;
    }
  });
  if (presenter && title && note) {
    // The room reads the content note and support routes before anything else.
    title.insertAdjacentElement("afterend", note);
  }
  var sections = headings.filter(function (h) {
    return h.tagName === "H2";
  });
  if (sections.length) {
    var nav = document.createElement("nav");
    nav.id = "ec-contents";
    nav.className = "ec-contents";
    nav.setAttribute("aria-labelledby", "ec-contents-title");
    var heading = document.createElement("h2");
    heading.id = "ec-contents-title";
    heading.textContent = "Contents";
    nav.appendChild(heading);
    var list = document.createElement("ul");
    sections.forEach(function (h) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + h.id;
      link.textContent = h.textContent.replace(/\u00b6/g, "").trim();
      link.addEventListener("click", function (event) {
        event.preventDefault();
        go(h);
      });
      item.appendChild(link);
      list.appendChild(item);
    });
    nav.appendChild(list);
    var keys = document.createElement("p");
    keys.className = "ec-keys";
    keys.textContent = "Keys: N for the next section, P for the previous one.";
    nav.appendChild(keys);
    var after = note && (presenter || note.parentNode === (title && title.parentNode)) ? note : title;
    if (after) {
      after.insertAdjacentElement("afterend", nav);
    } else {
      root.insertBefore(nav, root.firstChild);
    }
  }
  function go(h) {
    h.scrollIntoView({ block: "start" });
    h.focus({ preventScroll: true });
    if (history.replaceState) {
      history.replaceState(null, "", "#" + h.id);
    }
  }
  function current() {
    // The section being read: the focused heading, else the last heading at or above the top
    // of the screen (a heading the page cannot scroll up to counts as read when near it).
    var focused = headings.indexOf(document.activeElement);
    if (focused >= 0) {
      return focused;
    }
    var index = -1;
    headings.forEach(function (h, i) {
      if (h.getBoundingClientRect().top <= 80) {
        index = i;
      }
    });
    return index;
  }

  // Names for slider handles, radio groups, live feedback and scrolling tables come from
  // toolkit/core/access.js, which every course notebook loads (toolkit.begin), here as in
  // JupyterLab: one implementation for both.

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) {
      return;
    }
    var target = event.target;
    if (target && (target.closest("input, textarea, select, [contenteditable], .widget-slider, [role=slider], [role=radiogroup], [role=listbox]"))) {
      return;
    }
    var key = event.key.toLowerCase();
    if (key !== "n" && key !== "p") {
      return;
    }
    var i = current();
    var next = key === "n" ? i + 1 : Math.max(i - 1, 0);
    if (next >= 0 && next < headings.length) {
      event.preventDefault();
      go(headings[next]);
    }
  });
})();
