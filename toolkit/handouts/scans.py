"""Checks every handout build runs, and fails on: leaks, external requests, accessibility.

* :func:`leak_scan` searches a student file (HTML, PDF text, notebook JSON) for every
  solution, model answer, feedback text, trainer note and reviewer annotation. Texts are
  compared after folding case, accents and punctuation away, sentence by sentence, so markup,
  code highlighting, line wrapping and JSON escaping cannot hide a leak.
* :func:`solution_output_leaks` compares a student edition's outputs with what the trainer's
  run printed after the first solution: a value a solution computed and a later, unmarked
  cell printed is not in any solution's text, so :func:`leak_scan` cannot see it.
* :func:`offline_scan` lists every ``src``/``href``/``srcset`` of scripts, styles, images,
  frames and media, and every address in CSS (``<style>`` elements and ``style`` attributes:
  ``url()``, ``image-set()``, ``@import``, with CSS escapes decoded first), that is not
  embedded (``data:``) or in-page (``#``): a handout must open on a machine with no network.
* :func:`axe_problems` turns axe-core results (run in Chromium by the handouts build, from the
  copy vendored in ``toolkit/handouts/vendor/axe-core``) into problems: any serious or critical
  finding fails the build.

Examples
--------
>>> secrets = ["The officer should have completed a DASH risk assessment at the scene."]
>>> page = "<p>The officer <em>should</em> have completed a DASH risk\\nassessment at the scene."
>>> print(leak_scan(page, secrets, file="student/01.html")[0])
student/01.html: contains text that only the trainer edition may hold: "The officer should \
have completed a DASH risk assessment at the scene."
>>> leak_scan("<p>Nothing to see.</p>", secrets, file="student/01.html")
[]
>>> cdn = '<script src="https://cdn.example.org/x.js"></script>'
>>> print(offline_scan(cdn, file="a.html")[0])
a.html: loads "https://cdn.example.org/x.js" (script src); a handout must work offline
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from toolkit.core.html import css_references, is_local_url
from toolkit.core.paths import data_dir
from toolkit.errors import Problem
from toolkit.exercises import answer_texts
from toolkit.handouts.markers import first_solution
from toolkit.notes import note_texts

__all__ = [
    "AXE_VERSION",
    "Needle",
    "axe_problems",
    "axe_script",
    "leak_scan",
    "needles",
    "normalise",
    "offline_scan",
    "pdf_text",
    "solution_output_leaks",
    "srcset_urls",
]

AXE_VERSION = "4.14.1"
#: axe-core impacts that fail a build.
FAILING_IMPACTS = ("serious", "critical")

# A needle shorter than this cannot be told apart from ordinary course prose.
MIN_WORDS = 6
MIN_WORDS_WHOLE = 3
MIN_CHARS = 12

_NON_WORD = re.compile(r"[^0-9a-z]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_MARKDOWN_LEAD = re.compile(r"^\s*(?:[-*+>#]+|\d+[.)])\s+")
_JSON_ESCAPE = re.compile(r'\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))')
_JSON_CHARS = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_TAG = re.compile(r"<[^>]*>")
_WBR = re.compile(r"<wbr\s*/?>", re.IGNORECASE)
_SURROGATE = re.compile("[\ud800-\udfff]")


@cache
def _invisible() -> re.Pattern[str]:
    """Format characters (Unicode category Cf: soft hyphen, zero-width space and joiners,
    word joiner, byte-order mark, ...): a browser shows nothing for them, so they can split
    a word on the page without changing what a reader sees."""
    ranges: list[list[int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)) == "Cf":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    # a class of ranges: about 15 times faster to scan than one of single characters
    return re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]")


def normalise(text: str) -> str:
    """Fold text to lower-case words separated by single spaces.

    Invisible format characters (soft hyphen, zero-width space, ...) are dropped first, so a
    word they split is still one word.

    Examples
    --------
    >>> normalise("It’s **vital**: call 999 — now!")
    'it s vital call 999 now'
    >>> normalise("assess\u00adment at the sce\u200bne")
    'assessment at the scene'
    >>> normalise("")
    ''
    """
    text = unicodedata.normalize("NFKD", _invisible().sub("", text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _NON_WORD.sub(" ", text).strip()


def _json_unescape(text: str) -> str:
    """Decode JSON string escapes (``\\t``, ``\\n``, ``\\u00e9``, ...) wherever they appear.

    Examples
    --------
    >>> _json_unescape(r"a\\tb \\u00e9 \\ud83d\\ude00 \\\\n") == "a\\tb é 😀 \\\\n"
    True
    """

    def one(match: re.Match[str]) -> str:
        if match.group(1):
            return chr(int(match.group(1), 16))
        char = match.group(2)
        return _JSON_CHARS.get(char, char)

    decoded = _JSON_ESCAPE.sub(one, text)
    if _SURROGATE.search(decoded) is None:
        return decoded
    # a pair of \\u escapes for one emoji decodes to two surrogates: join them
    return decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


@dataclass(frozen=True)
class Needle:
    """One searchable piece of a secret: ``text`` (normalised) and the secret it came from."""

    text: str
    secret: str


def needles(secrets: Iterable[str]) -> list[Needle]:
    """Split secrets into searchable pieces (whole short secrets, and each long sentence).

    Examples
    --------
    >>> [n.text for n in needles(["Correct.", "assert answer == 42",
    ...                           "- First, check the call log for earlier contacts today."])]
    ['first check the call log for earlier contacts today', 'assert answer 42']
    >>> needles([])
    []
    """
    found: set[Needle] = set()
    for secret in secrets:
        if not isinstance(secret, str) or not secret.strip():
            continue
        whole = normalise(_MARKDOWN_LEAD.sub("", secret))
        if len(whole.split()) >= MIN_WORDS_WHOLE and len(whole) >= MIN_CHARS:
            found.add(Needle(whole, secret))
        for piece in _SENTENCE.split(secret):
            text = normalise(_MARKDOWN_LEAD.sub("", piece))
            if len(text.split()) >= MIN_WORDS and len(text) >= MIN_CHARS:
                found.add(Needle(text, secret))
    return sorted(found, key=lambda n: (-len(n.text), n.text, n.secret))


def _haystacks(document: str) -> list[str]:
    """Normalised views of a document: its visible text, and every byte (attributes, JSON)."""
    decoded = html.unescape(_WBR.sub("", _json_unescape(document)))
    visible = _TAG.sub(" ", decoded)
    return [f" {normalise(visible)} ", f" {normalise(decoded)} "]


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def leak_scan(document: str, secrets: Iterable[str] | list[Needle], *, file: str) -> list[Problem]:
    """Problems for each secret found in ``document`` (HTML, text or JSON), one per secret.

    ``secrets`` may be raw texts or needles from :func:`needles` (faster when one set of
    secrets is searched in many files).
    """
    items = list(secrets)
    pins = [i for i in items if isinstance(i, Needle)] or needles(
        [i for i in items if isinstance(i, str)]
    )
    hay = _haystacks(document)
    reported: set[str] = set()
    problems = []
    for pin in pins:
        if pin.secret in reported:
            continue
        if any(f" {pin.text} " in h for h in hay):
            reported.add(pin.secret)
            problems.append(
                Problem(
                    file,
                    f'contains text that only the trainer edition may hold: "{_short(pin.secret)}"',
                )
            )
    return problems


def pdf_text(path: Path) -> str:
    """The text of every page of a PDF.

    poppler's ``pdftotext`` when it is installed (about 50 times faster on these files);
    otherwise pypdf (maintained, pure Python, already a dependency).
    """
    tool = shutil.which("pdftotext")
    if tool:
        done = subprocess.run(
            [tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False
        )
        if done.returncode == 0:
            return done.stdout.decode("utf-8", errors="replace")
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


# --- outputs a solution shaped --------------------------------------------------------

_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _output_texts(out: Any) -> list[str]:
    """What a reader sees of one output: its stream text, error, or each text form of it."""
    if not isinstance(out, dict):
        return []
    kind = out.get("output_type")
    if kind == "stream":
        return [_joined(out.get("text"))]
    if kind == "error":
        return [f"{out.get('ename', '')}: {out.get('evalue', '')}"]
    meta = (out.get("metadata") or {}).get("everycall") or {}
    if isinstance(meta, dict) and meta.get("cleared"):  # the student handout's run hint
        return []
    data = out.get("data") or {}
    texts = [_joined(data[m]) for m in ("text/plain", "text/markdown", "text/latex") if m in data]
    if "text/html" in data:
        texts.append(html.unescape(_TAG.sub(" ", _joined(data["text/html"]))))
    return texts


def _outputs(nb: Any) -> list[tuple[int, str, str]]:
    """(cell index from 0, normalised text, text) of every code cell's outputs."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs") or []:
            for text in _output_texts(out):
                if normalise(text):
                    found.append((index, normalise(text), text))
    return found


def _captured_texts(nb: Any) -> list[str]:
    """Normalised texts of the outputs captured inside Output widgets (the saved state)."""
    widgets = (nb.get("metadata", {}).get("widgets") or {}).get(_WIDGET_STATE) or {}
    found = []
    for model in (widgets.get("state") or {}).values():
        state = model.get("state") if isinstance(model, dict) else None
        if isinstance(state, dict) and isinstance(state.get("outputs"), list):
            found += [normalise(t) for o in state["outputs"] for t in _output_texts(o)]
    return [t for t in found if t]


def solution_output_leaks(
    trainer_nb: Any, student_nb: Any, *, file: str, student_run: Any | None = None
) -> list[Problem]:
    """Problems for each output of the student edition that repeats what a solution computed.

    The secrets are the outputs of ``trainer_nb``'s code cells (the execution with the
    solutions in place) from the first solution on, less what a learner sees without any
    solution: text in the student edition's own sources, outputs before the first solution,
    and, given ``student_run`` (the student edition executed on its own), whatever that run
    printed too. Each output of ``student_nb`` (in cells and inside Output widgets) is
    compared with each secret, folded as :func:`normalise` folds: a match is the same text,
    or a text holding a secret of three words or more, or one of a long secret's sentences.
    One problem per secret, naming the trainer notebook's cell (from 1) whose output it is.

    Examples
    --------
    >>> import nbformat
    >>> out = lambda text: [nbformat.v4.new_output("stream", name="stdout", text=text)]
    >>> trainer = nbformat.v4.new_notebook()
    >>> trainer.cells = [
    ...     nbformat.v4.new_code_cell("### BEGIN SOLUTION\\nanswer = 6 * 7\\n### END SOLUTION"),
    ...     nbformat.v4.new_code_cell('print(f"The answer is {answer}")',
    ...                               outputs=out("The answer is 42\\n")),
    ...     nbformat.v4.new_code_cell('print("Model: x")', outputs=out("Model: x\\n"))]
    >>> student = nbformat.v4.new_notebook()
    >>> student.cells = [nbformat.v4.new_code_cell("# YOUR CODE HERE"), trainer.cells[1],
    ...                  trainer.cells[2]]
    >>> for p in solution_output_leaks(trainer, student, file="student/w1.html"):
    ...     print(p)
    student/w1.html: shows the output of cell 2 ("print(f"The answer is {answer}")") as the \
solution made it: "The answer is 42"; a student edition must not hold what a solution computed
    >>> student.cells[1] = nbformat.v4.new_code_cell('print(f"The answer is {answer}")')
    >>> solution_output_leaks(trainer, student, file="student/w1.html")
    []
    """
    start = first_solution(trainer_nb.cells)
    if start is None:
        return []
    outputs = _outputs(trainer_nb)
    seen = {norm for index, norm, _ in outputs if index < start}
    if student_run is not None:
        seen |= {norm for _, norm, _ in _outputs(student_run)}
    sources = " ".join(normalise(_joined(c.get("source"))) for c in student_nb.cells)
    sources = f" {sources} "
    secrets: dict[str, tuple[int, str]] = {}
    for index, norm, text in outputs:
        if index >= start and norm not in seen and f" {norm} " not in sources:
            secrets.setdefault(norm, (index, text))
    if not secrets:
        return []
    shown = [f" {norm} " for _, norm, _ in _outputs(student_nb)]
    shown += [f" {norm} " for norm in _captured_texts(student_nb)]
    problems = []
    for norm, (index, text) in secrets.items():
        probes = [n.text for n in needles([text]) if n.text != norm]
        whole = len(norm.split()) >= MIN_WORDS_WHOLE and len(norm) >= MIN_CHARS
        if not any(
            hay == f" {norm} "
            or (whole and f" {norm} " in hay)
            or any(f" {p} " in hay for p in probes)
            for hay in shown
        ):
            continue
        first = _joined(trainer_nb.cells[index].get("source")).strip().split("\n", 1)[0][:60]
        problems.append(
            Problem(
                file,
                f'shows the output of cell {index + 1} ("{first}") as the solution made it: '
                f'"{_short(text)}"; a student edition must not hold what a solution computed',
            )
        )
    return problems


# --- offline ---------------------------------------------------------------------------

_RESOURCE_ATTRS = {
    "script": ("src", "href", "xlink:href"),
    "link": ("href", "imagesrcset"),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),
}


def srcset_urls(value: str) -> list[str]:
    """The image addresses in a ``srcset`` (the HTML standard's parsing rules, so a ``data:``
    address with commas in it stays whole).

    Examples
    --------
    >>> srcset_urls("data:image/png;base64,AAAA 1x, https://x.org/b.png 2x")
    ['data:image/png;base64,AAAA', 'https://x.org/b.png']
    >>> srcset_urls("a.png, b.png 2x")
    ['a.png', 'b.png']
    >>> srcset_urls(" , ")
    []
    """
    urls: list[str] = []
    pos, end = 0, len(value)
    while pos < end:
        while pos < end and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < end and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # descriptors run to the next comma outside parentheses
            depth = 0
            while pos < end and not (value[pos] == "," and depth == 0):
                depth += {"(": 1, ")": -1}.get(value[pos], 0)
                pos += 1
        if url:
            urls.append(url)
    return urls


class _ResourceParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = _RESOURCE_ATTRS.get(tag, ())
        for name, value in attrs:
            if value is None:
                continue
            if name in names or name == "background":  # <td background=...> loads too
                urls = srcset_urls(value) if name in ("srcset", "imagesrcset") else [value]
                self.found.extend((u, f"{tag} {name}") for u in urls if not is_local_url(u))
            elif name == "style":
                self._css(value, f"{tag} style")
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data, "style")

    def _css(self, css: str, where: str) -> None:
        self.found.extend((url, f"CSS {where}") for url in css_references(css, external=True))


def offline_scan(document: str, *, file: str, inside: Collection[str] = ()) -> list[Problem]:
    """Problems for each resource the page would fetch from anywhere but itself.

    Links a reader may follow (``<a href>``, such as the sources list) are not requests and
    are allowed, and so are the files named in ``inside`` (the other files of a SCORM
    package, referred to by their names).

    Examples
    --------
    >>> offline_scan('<a href="https://www.gov.uk/">GOV.UK</a><img src="data:image/png;base64,AA">',
    ...              file="a.html")
    []
    >>> [p.message for p in offline_scan("<style>@import 'https://fonts.example/x.css';</style>",
    ...                                  file="a.html")]
    ['loads "https://fonts.example/x.css" (CSS style); a handout must work offline']
    """
    parser = _ResourceParser()
    parser.feed(document)
    parser.close()
    seen: set[tuple[str, str]] = set()
    problems = []
    for url, where in parser.found:
        if (url, where) in seen or url in inside:
            continue
        seen.add((url, where))
        problems.append(
            Problem(file, f'loads "{_short(url)}" ({where}); a handout must work offline')
        )
    return problems


# --- accessibility -----------------------------------------------------------------------


def axe_script() -> Path:
    """The vendored axe-core (``axe.min.js``); see ``vendor/axe-core/README.md`` beside this."""
    return Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


#: Runs axe-core in the page and returns its violations in a compact, JSON-safe form.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
    count: v.nodes.length,
  }));
}"""


def axe_problems(violations: list[dict[str, Any]], *, file: str) -> list[Problem]:
    """Problems for axe-core violations; serious and critical ones are errors.

    Examples
    --------
    >>> v = [{"id": "image-alt", "impact": "critical", "help": "Images must have alternative text",
    ...       "nodes": ["img"], "count": 1},
    ...      {"id": "region", "impact": "moderate", "help": "Content in landmarks", "nodes": [],
    ...       "count": 2}]
    >>> for p in axe_problems(v, file="a.html"):
    ...     print(p)
    a.html: axe image-alt (critical): Images must have alternative text; 1 element(s), e.g. img
    warning: a.html: axe region (moderate): Content in landmarks; 2 element(s)
    >>> axe_problems([], file="a.html")
    []
    """
    problems = []
    for v in violations:
        impact = v.get("impact") or "minor"
        where = f", e.g. {'; '.join(v['nodes'])}" if v.get("nodes") else ""
        problems.append(
            Problem(
                file,
                f"axe {v.get('id')} ({impact}): {v.get('help')}; "
                f"{v.get('count', len(v.get('nodes', [])))} element(s){where}",
                level="error" if impact in FAILING_IMPACTS else "warning",
            )
        )
    return problems


def course_secrets() -> tuple[list[str], list[str]]:
    """Everything from the course's data that a student file must never hold, for the scan.

    Exercise answers, feedback, model answers and facilitator notes
    (:func:`toolkit.exercises.answer_texts`), every trainer note's text
    (:func:`toolkit.notes.note_texts`) and every reviewer annotation's explanation. The second
    list is for notes on anything that could not be scanned (none today: kept for callers).
    """
    return answer_texts() + trainer_texts(), []


def trainer_texts() -> list[str]:
    """Every trainer note's text and every reviewer annotation's explanation: what no file a
    learner holds may contain (a SCORM package included, which does hold the feedback)."""
    import csv

    secrets = note_texts()
    for path in sorted((data_dir() / "cases").glob("*/annotations.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            secrets += [
                row["explanation"] for row in csv.DictReader(handle) if row.get("explanation")
            ]
    return secrets
