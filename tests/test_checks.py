"""The build's checks without a browser: the leak scan finds planted leaks however they are
dressed up, and the offline scan finds planted CDN links. (axe and injection run in Chromium:
tests/browser/test_handouts_browser.py.)"""

from __future__ import annotations

import json

import pytest

from toolkit.handouts.pdf import fixed_pdf_dates
from toolkit.handouts.scans import axe_problems, leak_scan, needles, normalise, offline_scan

SECRET = "The call handler should have asked whether there had been earlier incidents."


@pytest.mark.parametrize(
    "document",
    [
        f"<p>{SECRET}</p>",
        # split by markup, entities and line breaks
        "<p>The call <b>handler</b> should have asked whether there\nhad been "
        "earlier incidents&#46;</p>",
        # inside a script as JSON (plotly figure data, widget state)
        "<script>var d = " + json.dumps({"text": SECRET.replace("earlier", "earlier\u00a0")}),
        # escaped unicode inside JSON
        '<script>{"t": "The call handler should have asked whether there had been earlier '
        'incidents\\u002e"}</script>',
        # in an attribute, where visible-text scanners would not look
        f'<div aria-label="{SECRET}"></div>',
        # one sentence of a longer secret is enough
        "<li>Whether there had been earlier incidents matters. Nothing else.</li>"
        "<p>The call handler should have asked whether there had been earlier incidents</p>",
        # split mid-word by invisible characters a browser does not show
        "<p>The call hand&shy;ler should have asked whe\u200bther there had been ear&#173;lier "
        "incidents.</p>",
        "<p>The call hand<wbr>ler should have asked whether there had been earlier "
        "incid\u2060ents.</p>",
        # a tab inside JSON (a notebook file, widget state)
        json.dumps({"text": SECRET.replace(" had ", "\thad ")}),
        json.dumps({"text": SECRET.replace("call handler", "call\thandler")}, ensure_ascii=True),
    ],
    ids=[
        "plain",
        "markup",
        "json",
        "unicode-escape",
        "attribute",
        "sentence",
        "soft-hyphen-zero-width",
        "wbr-word-joiner",
        "json-tab",
        "json-tab-ascii",
    ],
)
def test_leak_scan_finds_a_planted_leak(document):
    problems = leak_scan(document, [SECRET], file="student/01.html")
    assert len(problems) == 1
    assert str(problems[0]).startswith(
        'student/01.html: contains text that only the trainer edition may hold: "The call'
    )


def test_leak_scan_finds_a_leak_in_pdf_text_wrapped_across_lines():
    text = "Page 2 of 5\nThe call handler should have asked whether there had\nbeen earlier"
    assert leak_scan(text + " incidents.\n", [SECRET], file="student/01.pdf")


def test_leak_scan_is_quiet_on_innocent_pages():
    page = "<p>The call handler asked about the address. Earlier incidents are discussed later.</p>"
    assert leak_scan(page, [SECRET, "Yes.", "Correct"], file="student/01.html") == []


def test_leak_scan_reports_each_secret_once():
    doc = f"<p>{SECRET}</p><p>{SECRET}</p>"
    assert len(leak_scan(doc, [SECRET, SECRET + " Then act on it."], file="a.html")) == 2


def test_short_secrets_are_not_used_as_needles():
    assert needles(["Correct.", "Not quite", "Yes, refer"]) == []


def test_normalise_folds_case_accents_and_punctuation():
    assert normalise("Café — “Marac” REFERRAL!") == "cafe marac referral"


@pytest.mark.parametrize(
    ("html", "url", "where"),
    [
        (
            '<script src="https://cdn.plot.ly/plotly-2.js"></script>',
            "https://cdn.plot.ly/plotly-2.js",
            "script src",
        ),
        (
            '<link rel="stylesheet" href="//fonts.example.org/a.css">',
            "//fonts.example.org/a.css",
            "link href",
        ),
        ('<img src="http://example.org/a.png" alt="a">', "http://example.org/a.png", "img src"),
        (
            '<img srcset="a.png 1x, https://x.org/b.png 2x" alt="">',
            "https://x.org/b.png",
            "img srcset",
        ),
        (
            "<style>body{background:url('https://x.org/bg.png')}</style>",
            "https://x.org/bg.png",
            "CSS style",
        ),
        (
            '<div style="background: url(https://x.org/c.png)"></div>',
            "https://x.org/c.png",
            "CSS div style",
        ),
        (
            '<iframe src="https://www.youtube.com/embed/x"></iframe>',
            "https://www.youtube.com/embed/x",
            "iframe src",
        ),
        ('<script src="require.js"></script>', "require.js", "script src"),
        # CSS that fetches without a plain url(...)
        (
            '<style>p{background-image:image-set("https://x.org/set.png" 1x)}</style>',
            "https://x.org/set.png",
            "CSS style",
        ),
        (
            r"<style>p{background:\75 rl(https://x.org/escaped.png)}</style>",
            "https://x.org/escaped.png",
            "CSS style",
        ),
        (
            r"<style>p{background:u\RL('https://x.org/upper.png')}</style>",
            "https://x.org/upper.png",
            "CSS style",
        ),
        ('<style>@import "https://x.org/i.css";</style>', "https://x.org/i.css", "CSS style"),
        (
            "<style>@import/**/'https://x.org/c.css';</style>",
            "https://x.org/c.css",
            "CSS style",
        ),
        (
            '<p style="cursor: \\75 rl(https://x.org/cur.png), auto">x</p>',
            "https://x.org/cur.png",
            "CSS p style",
        ),
        (
            '<img srcset="data:image/png;base64,AAAA 1x, https://x.org/2x.png 2x" alt="">',
            "https://x.org/2x.png",
            "img srcset",
        ),
    ],
)
def test_offline_scan_finds_a_planted_external_resource(html, url, where):
    problems = offline_scan(f"<html><body>{html}</body></html>", file="student/01.html")
    assert [str(p) for p in problems if url in str(p)] == [
        f'student/01.html: loads "{url}" ({where}); a handout must work offline'
    ]


def test_offline_scan_allows_links_embedded_data_and_anchors():
    page = (
        '<a href="https://www.gov.uk/">source</a><a href="#top">top</a>'
        '<img src="data:image/png;base64,AAAA" alt="x"><script>var u = "https://x.org";</script>'
        # a data: address has a comma in it: srcset must not be cut there
        '<img srcset="data:image/png;base64,AAAA 1x, data:image/png;base64,BBBB 2x" alt="">'
        "<style>p{background:image-set(url(data:image/png;base64,CC) 1x);content:'https://'}"
        "</style>"
    )
    assert offline_scan(page, file="a.html") == []


def test_axe_findings_fail_only_when_serious_or_critical():
    found = axe_problems(
        [
            {"id": "color-contrast", "impact": "serious", "help": "Contrast", "nodes": ["p"]},
            {"id": "heading-order", "impact": "moderate", "help": "Headings", "nodes": ["h3"]},
        ],
        file="a.html",
    )
    assert [p.level for p in found] == ["error", "warning"]


def test_pdf_dates_are_fixed_for_reproducible_builds():
    pdf = b"/CreationDate (D:20261123091109+00'00')\n/ModDate (D:20261123091110+00'00')>>"
    fixed = fixed_pdf_dates(pdf, None)
    assert len(fixed) == len(pdf)
    assert b"2026" not in fixed and fixed.count(b"D:19800101000000") == 2
