"""Tables learners read: text left-aligned, numbers right-aligned, no index, whole words.

pandas shows a DataFrame with its index as a first column and every cell right-aligned, which
suits numbers and hinders reading prose (explanations, policies, summaries). A table the
course shows goes through :func:`toolkit.data.for_display`, which returns a
:func:`display_table`: still a DataFrame for code, shown in a notebook and a handout as

- no index column (a labelled index, such as a name, is kept as the first column);
- prose columns left-aligned and given room to read (a minimum width in characters, shared
  out when there are several), numbers and percentages right-aligned and never wrapped;
- headings that wrap only between words, never inside one ("Contac ts");
- long URLs and ids allowed to break after ``/``, ``_`` and ``-``, so they never run off the
  page.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"Event": ["E01"], "Share answered": ["51%"],
...                       "Explanation": ["A call with nothing linking it to an earlier one."]})
>>> html = table_html(frame)
>>> "<th" in html and "text-align:right" in html and "E01" in html
True
>>> "<th></th>" in html   # no empty index heading
False
>>> table_html([1, 2])
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: table_html expects a pandas DataFrame, got list
"""

from __future__ import annotations

import functools
import html
import re
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "HtmlBlock",
    "display_table",
    "escape_text",
    "is_numeric_column",
    "soft_breaks",
    "table_html",
]

# A cell that is a number to compare down a column: 1,234 / -3.5 / 51% / £15.7bn / 16.1 s.
_NUMBER = re.compile(
    r"^(about |over |under |n/a$)?[<>~≈]?[-+−]?[£$€]?\d[\d,]*(\.\d+)?"
    r"(%| ?(bn|m|k|million|billion|seconds?|s|minutes?|min|hours?|days?))?$"
)
_JOIN = re.compile(r"([/_])(?=\S)")  # after these, any token may wrap
_URL_JOIN = re.compile(r"([/_.=?-])(?=\S)")  # and, in a long token, after these too
_TH = (
    "text-align:left;vertical-align:bottom;white-space:normal;word-break:normal;"
    "overflow-wrap:normal;hyphens:manual"
)
_TD = "vertical-align:top;word-break:normal;overflow-wrap:break-word;hyphens:manual"


def is_numeric_column(values: list[str]) -> bool:
    """True when every non-empty cell reads as a number (right-align it, never wrap it).

    >>> is_numeric_column(["51%", "", "1,234"]), is_numeric_column(["51%", "about half"])
    (True, False)
    >>> is_numeric_column(["", ""])
    False
    """
    present = [v.strip() for v in values if v and v.strip()]
    return bool(present) and all(_NUMBER.match(v) for v in present)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    try:
        if value != value:  # NaN, NA
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def soft_breaks(text: str) -> str:
    """HTML-escaped ``text`` with ``<wbr>`` where a long identifier or web address may wrap.

    Any token may wrap after ``/`` and ``_``; a token of 20 characters or more (a web
    address, a long id) also after ``.``, ``-``, ``=`` and ``?``. Short words and numbers
    ("2017", "16.1") never break.

    >>> soft_breaks("no_marac, 16.1 and www.example.org/a-long-page")
    'no_<wbr>marac, 16.1 and www.<wbr>example.<wbr>org/<wbr>a-<wbr>long-<wbr>page'
    """

    def token(match: re.Match[str]) -> str:
        word = match.group(0)
        return (_URL_JOIN if len(word) >= 20 else _JOIN).sub(r"\1<wbr>", word)

    return re.sub(r"\S+", token, text)


def escape_text(text: str) -> str:
    """Escape for HTML, with :func:`soft_breaks`; line breaks become ``<br>``."""
    return soft_breaks(html.escape(text)).replace("\n", "<br>")


def table_html(
    frame: pd.DataFrame, *, caption: str | None = None, raw: list[str] | None = None
) -> str:
    """The HTML of ``frame`` as a table learners read (see the module docstring).

    Cells of the columns named in ``raw`` are HTML already (built and escaped by the caller,
    such as a ``<details>`` box) and are written as they are.
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise ToolkitError(f"table_html expects a pandas DataFrame, got {type(frame).__name__}")
    index = frame.index
    numbered = pd.api.types.is_integer_dtype(index.dtype) or all(_cell_text(i) == "" for i in index)
    columns: list[tuple[str, list[str]]] = []
    if not numbered and index.nlevels == 1:
        columns.append((_cell_text(index.name), [_cell_text(i) for i in index]))
    for name in frame.columns:
        columns.append((_cell_text(name), [_cell_text(v) for v in frame[name].tolist()]))
    numeric = [is_numeric_column(values) for _name, values in columns]
    prose = [
        not num and any(len(v) > 40 for v in values)
        for num, (_name, values) in zip(numeric, columns, strict=True)
    ]
    # Prose columns share about 48 characters of minimum width, so that none is squeezed
    # to a word a line, and a table of several still fits a printed page.
    share = max(10, 48 // max(1, sum(prose)))
    styles = []
    for num, long in zip(numeric, prose, strict=True):
        if num:
            styles.append(f"{_TD};text-align:right;white-space:nowrap")
        elif long:
            styles.append(f"{_TD};text-align:left;min-width:{share}ch")
        else:
            styles.append(f"{_TD};text-align:left")
    out = ['<table class="dataframe everycall-table">']
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append("<thead><tr>")
    for (name, _values), num in zip(columns, numeric, strict=True):
        align = ";text-align:right" if num else ""
        out.append(f'<th scope="col" style="{_TH}{align}">{html.escape(name)}</th>')
    out.append("</tr></thead><tbody>")
    as_is = set(raw or ())
    for row in range(len(frame)):
        out.append("<tr>")
        for (name, values), style in zip(columns, styles, strict=True):
            cell = values[row] if name in as_is else escape_text(values[row])
            out.append(f'<td style="{style}">{cell}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


@functools.cache
def _display_class() -> type:
    import pandas as pd

    class DisplayTable(pd.DataFrame):
        """A DataFrame shown as a table learners read (``toolkit.core.tables``)."""

        @property
        def _constructor(self) -> type:  # operations give plain DataFrames back
            return pd.DataFrame

        def _repr_html_(self) -> str:
            return table_html(self)

    return DisplayTable


def display_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (already in words) as a DataFrame shown the way :func:`table_html` renders.

    Use :func:`toolkit.data.for_display` for a table from the toolkit: it puts ids, dates and
    numbers into words first and then calls this.

    >>> import pandas as pd
    >>> t = display_table(pd.DataFrame({"Rule": ["Repeat call not linked"], "Events": [3]}))
    >>> t._repr_html_().count("<tr>"), type(t.head(1)).__name__
    (2, 'DataFrame')
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise ToolkitError(f"display_table expects a pandas DataFrame, got {type(frame).__name__}")
    return _display_class()(frame)


class HtmlBlock:
    """A piece of HTML to show in a notebook (and a handout), with a plain-text stand-in.

    >>> block = HtmlBlock("<p>Two rules</p>", "Two rules")
    >>> block._repr_html_(), repr(block)
    ('<p>Two rules</p>', 'Two rules')
    """

    def __init__(self, html_text: str, text: str) -> None:
        self.html, self.text = html_text, text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text
