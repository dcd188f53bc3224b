"""HTML safety: the one sanitiser for text that reaches a page, and reading CSS for fetches.

Everything the course shows as HTML that came from a file or a learner (case summaries,
exercise text, widget values, notebook output) goes through :func:`sanitize_html` before it
reaches a handout, a debrief page or an app: scripts, event handlers and anything that would
fetch from another host are removed. :func:`css_references` finds what a stylesheet would
fetch, however it is escaped, for the sanitiser and for the handouts' offline scan.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)


_CSS_ESCAPE = re.compile(
    r"\\(?:([0-9a-fA-F]{1,6})(?:\r\n|[ \t\n\r\f])?|(\r\n|[\n\r\f])|(.))", re.DOTALL
)


_CSS_STRING = r"""(?:"([^"]*)"|'([^']*)')"""


# url(x) and src(x); @import "x"; strings inside image-set(), image() and cross-fade()
_CSS_FETCH = re.compile(
    rf"""\b(?:url|src)\(\s*(?:{_CSS_STRING}|([^)\s]*))|@import\s*{_CSS_STRING}"""
    r"""|\b(?:image-set|image|cross-fade)\(""",
    re.IGNORECASE,
)


_CSS_STRINGS = re.compile(_CSS_STRING)


def decode_css(css: str) -> str:
    """CSS with comments removed and escapes decoded, as the browser's tokenizer reads it.

    ``\\75 rl(`` is ``url(`` to a browser: a scan must see it that way.

    Examples
    --------
    >>> decode_css(r"p { background: \\75 rl(https://x.org/a.png) /* note */ }")
    'p { background: url(https://x.org/a.png)  }'
    >>> decode_css(r"a\\110000 b") == "a\\ufffdb"  # out of range: the replacement character
    True
    """

    def one(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            valid = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
            return chr(code) if valid else "\ufffd"
        return match.group(3) or ""  # an escaped newline continues a string

    return _CSS_ESCAPE.sub(one, _CSS_COMMENT.sub("", css))


def _close(css: str, start: int) -> int:
    """Index of the parenthesis closing the one open at ``start - 1`` (or the end)."""
    depth = 1
    for i in range(start, len(css)):
        depth += {"(": 1, ")": -1}.get(css[i], 0)
        if depth == 0:
            return i
    return len(css)


def css_references(css: str, *, external: bool = False) -> list[str]:
    """Every address a piece of CSS asks the browser to fetch, escapes decoded.

    ``url()`` and ``src()`` (quoted or bare), ``@import "..."``, and the bare strings that
    ``image-set()``, ``image()`` and ``cross-fade()`` also take as addresses. With
    ``external=True``, only those that are not embedded (``data:``) or in-page (``#``).

    Examples
    --------
    >>> css_references('@import "https://a.org/x.css"; p { background: '
    ...                'image-set("https://a.org/1.png" 1x, url(b.png) 2x) }')
    ['https://a.org/x.css', 'https://a.org/1.png', 'b.png']
    >>> css_references(r"p { background: \\75 rl(//cdn.example/a.png) }")
    ['//cdn.example/a.png']
    >>> css_references("p { color: red; content: 'https://not.fetched/' }")
    []
    >>> css_references("p { background: url(data:image/png;base64,AA) }", external=True)
    []
    """
    text = decode_css(css)
    found: list[str] = []
    for match in _CSS_FETCH.finditer(text):
        groups = [g for g in match.groups() if g is not None]
        if groups:
            found.append(groups[0].strip())
            continue
        body = text[match.end() : _close(text, match.end())]  # image-set(...) and friends
        for string in _CSS_STRINGS.finditer(body):
            found.append((string.group(1) or string.group(2) or "").strip())
    out: list[str] = []
    for url in found:
        if url not in out and not (external and is_local_url(url)):
            out.append(url)
    return out


def is_local_url(url: str) -> bool:
    url = url.strip()
    return url == "" or url.startswith(("data:", "#", "about:blank", "blob:"))


_TAGS = frozenset(
    """a abbr b bdi bdo blockquote br caption cite code col colgroup dd del details dfn div dl
    dt em fieldset figcaption figure h1 h2 h3 h4 h5 h6 hr i img input ins kbd label legend li
    mark meter ol output p pre progress q s samp section small span strong style sub summary
    sup table tbody td textarea tfoot th thead time tr u ul var""".split()
)


_GLOBAL_ATTRS = {"class", "id", "title", "lang", "dir", "role", "hidden", "tabindex"}


_TAG_ATTRS = {
    "a": {"href", "rel"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "ol": {"start", "type", "reversed"},
    "details": {"open"},
    "input": {"type", "checked", "disabled", "readonly", "value", "name", "aria-label"},
    "textarea": {"rows", "cols", "readonly", "disabled", "placeholder", "name"},
    "label": {"for"},
    "meter": {"value", "min", "max", "low", "high", "optimum"},
    "progress": {"value", "max"},
    "time": {"datetime"},
    "col": {"span"},
    "colgroup": {"span"},
    "table": {"border", "summary"},
    "style": {"type", "scoped"},
}


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name in _GLOBAL_ATTRS or name.startswith(("aria-", "data-")) or name == "style":
        return True
    if tag == "img" and name == "src":
        # a handout is self-contained: only embedded images (data:) load offline
        return value.startswith("data:image/")
    return name in _TAG_ATTRS.get(tag, ())


@cache
def _cleaner() -> Any:
    # bleach: maintained HTML sanitizer already installed with nbconvert; an allow-list parser
    # is the only safe way to strip scripts and event handlers from arbitrary HTML.
    import bleach
    from bleach.css_sanitizer import ALLOWED_CSS_PROPERTIES, CSSSanitizer

    class OfflineCSS(CSSSanitizer):
        """bleach's property allow-list, minus any declaration that would fetch something
        (``cursor: url(https://...)`` passes bleach: it does not check values)."""

        def sanitize_css(self, style: str) -> str:
            clean = super().sanitize_css(style)
            if not css_references(clean, external=True):
                return clean
            # tinycss2: the CSS parser bleach itself uses, so declarations split as it splits
            import tinycss2

            kept = [
                d
                for d in tinycss2.parse_declaration_list(clean, skip_whitespace=True)
                if d.type == "declaration"
                and not css_references(tinycss2.serialize(d.value), external=True)
            ]
            return " ".join(
                f"{d.name}: {tinycss2.serialize(d.value).strip()}{' !important' * d.important};"
                for d in kept
            )

    css = OfflineCSS(
        allowed_css_properties=ALLOWED_CSS_PROPERTIES
        | {"text-align", "vertical-align", "white-space", "border", "padding", "margin"}
    )
    return bleach.Cleaner(
        tags=_TAGS,
        attributes=_allowed_attribute,
        protocols={"http", "https", "mailto", "data"},
        strip=True,
        strip_comments=True,
        css_sanitizer=css,
    )


_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)


_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)


def _offline_style(match: re.Match[str]) -> str:
    """A ``<style>`` element, or nothing if its CSS would fetch anything from elsewhere."""
    return "" if css_references(html.unescape(match.group(1)), external=True) else match.group(0)


def sanitize_html(fragment: str) -> str:
    """Strip anything that could run or load from an HTML fragment.

    A ``<style>`` element whose CSS would fetch anything (``url()``, ``image-set()``,
    ``@import``, however escaped) is dropped whole; in a ``style`` attribute only the
    declaration that would fetch is dropped.

    Examples
    --------
    >>> sanitize_html('<p onclick="x()">Hi<script>alert(1)</script></p>')
    '<p>Hialert(1)</p>'
    >>> sanitize_html('<p><img src="https://example.org/a.png" alt="a"></p>')
    '<p></p>'
    >>> sanitize_html(r'<style>p { background: \\75 rl(https://x.org/a.png) }</style><p>Hi</p>')
    '<p>Hi</p>'
    >>> sanitize_html('<p style="color: red; cursor: url(https://x.org/c.cur), auto">Hi</p>')
    '<p style="color: red;">Hi</p>'
    """
    return _STYLE_ELEMENT.sub(_offline_style, _IMG_WITHOUT_SRC.sub("", _cleaner().clean(fragment)))
