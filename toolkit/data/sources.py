"""The sources table and citing it: :func:`load_sources`, :func:`cite`, :func:`source_ids`,
:func:`sources_markdown`.

Every figure in the course carries a ``source_id`` that resolves in ``data/sources.csv``; this
module turns those ids into references (one line for a caption, a markdown list for a
notebook's closing Sources cell). Citing is its own job, shared by every
loader's rows, with its own date wording.

Examples
--------
>>> sources_markdown(["basw-hmic-2014"], heading=None).startswith("- ")
True
>>> cite("")
Traceback (most recent call last):
...
toolkit.errors.DataError: data/sources.csv: "" is not a known source id. Known source ids: see sources.csv in the data folder
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from toolkit.core.paths import data_dir, display
from toolkit.data.loading import _context, _resource
from toolkit.errors import DataError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MONTHS", "cite", "load_sources", "source_ids", "sources_markdown"]


def load_sources() -> pd.DataFrame:
    """Every public source: source_id, title, publisher, date (text: YYYY, YYYY-MM or
    YYYY-MM-DD), url, licence, kind (primary, secondary, course_team), seed, note.

    Examples
    --------
    >>> load_sources().set_index("source_id").loc["bbc-2020-met-cms", "seed"]
    '002_9cb16c220dbf45e2.txt'
    >>> load_sources()["source_id"].is_unique
    True
    """
    return _resource("sources")


MONTHS = (
    "January February March April May June July August September October November December"
).split()


def _date_text(value: str | None) -> str:
    if not value:
        return "undated"
    parts = value.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def _source_rows() -> dict[str, dict[str, str]]:
    return _context(data_dir()).lookups["sources"].rows


def cite(source_id: str) -> str:
    """A source for display: ``Title, Publisher, date, URL``.

    Examples
    --------
    >>> cite("bbc-2020-met-cms")
    'Half of calls to Met Police victim helpline unanswered, BBC News, November 2020, https://feeds.bbci.co.uk/news/uk-england-london-55115801'
    >>> cite("bbc-2020-met")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/sources.csv: "bbc-2020-met" is not a known source id; did you mean "bbc-2020-met-cms"? Known source ids: see sources.csv in the data folder
    """  # noqa: E501
    rows = _source_rows()
    if source_id not in rows:
        lookup = _context(data_dir()).lookups["sources"]
        raise DataError([Problem(display(data_dir() / "sources.csv"), lookup.unknown(source_id))])
    row = rows[source_id]
    parts = [row["title"], row["publisher"], _date_text(row.get("date"))]
    if row.get("url"):
        parts.append(row["url"])
    return ", ".join(parts)


def source_ids(frame: pd.DataFrame) -> list[str]:
    """The distinct source ids of a DataFrame's ``source_id`` column, in order of appearance.

    Examples
    --------
    >>> from toolkit.data import load_calls, load_vocab
    >>> source_ids(load_calls())[:2]
    ['wiredgov-999-league-2022', 'itv-2022-999']
    >>> source_ids(load_vocab("agencies").drop(columns="source_id"))
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: table: has no source_id column (columns: id, name, short_name, lane_order, sector, description)
    """  # noqa: E501
    if "source_id" not in frame.columns:
        raise DataError(
            [
                Problem(
                    "table",
                    f"has no source_id column (columns: {', '.join(map(str, frame.columns))})",
                )
            ]
        )
    return list(dict.fromkeys(str(s) for s in frame["source_id"].dropna()))


def sources_markdown(ids: Iterable[str], heading: str | None = "Sources") -> str:
    """A notebook's sources cell: a markdown list of the given sources, duplicates removed.

    Examples
    --------
    >>> print(sources_markdown(["ons-2018", "ons-2018"]))
    ## Sources
    <BLANKLINE>
    - Domestic abuse in England and Wales: year ending March 2018. Office for National Statistics, 22 November 2018. <https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/bulletins/domesticabuseinenglandandwales/yearendingmarch2018>
    >>> sources_markdown(["ons-2018", "nope"])
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/sources.csv: "nope" is not a known source id. Known source ids: see sources.csv in the data folder
    """  # noqa: E501
    rows = _source_rows()
    lookup = _context(data_dir()).lookups["sources"]
    wanted = list(dict.fromkeys(ids))
    unknown = [s for s in wanted if s not in rows]
    if unknown:
        shown = display(data_dir() / "sources.csv")
        raise DataError([Problem(shown, lookup.unknown(s)) for s in unknown])
    lines = [f"## {heading}", ""] if heading else []
    for sid in wanted:
        row = rows[sid]
        text = f"- {row['title']}. {row['publisher']}, {_date_text(row.get('date'))}."
        if row.get("kind") == "secondary":
            text += " (Secondary source.)"
        if row.get("url"):
            text += f" <{row['url']}>"
        lines.append(text)
    return "\n".join(lines)
