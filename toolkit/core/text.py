"""Text helpers used everywhere: counts, near misses, lists, dates that did not parse, and
course text (Markdown) as plain text or safe HTML.

They read no file and know no schema: they turn a value into the plain words a course builder
or learner sees ("3 events", 'did you mean "agencies"? ', "there is no 31 February 2020").
One helper per job: every "did you mean" in the toolkit is :func:`did_you_mean` (or
:func:`suggest` when the caller needs the match itself).

Examples
--------
>>> plural(2, "agency", "agencies")
'2 agencies'
>>> suggest("polce_response", ["police_response", "gp"])
'police_response'
>>> date_message("2019-02-29") == '"2019-02-29": there is no 29 February 2019'
True
>>> date_message("31/02/2019") is None
True
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Iterable, Sequence

FORMAT_HINTS = {"%Y-%m-%d %H:%M": "YYYY-MM-DD HH:MM", "default": "YYYY-MM-DD"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and a noun that agrees with it.

    >>> plural(1, "event"), plural(3, "event"), plural(1, "agency", "agencies")
    ('1 event', '3 events', '1 agency')
    >>> plural(0, "agency", "agencies")
    '0 agencies'
    """
    return f"{n} {word if n == 1 else many or word + 's'}"


def did_you_mean(given: str, choices: Iterable[str]) -> str:
    """The phrase ``did you mean "<closest>"? `` for a message, or "" when nothing is close.

    The closest choice is :func:`suggest`'s.

    >>> did_you_mean("agencys", ["agencies", "outcomes"])
    'did you mean "agencies"? '
    >>> did_you_mean("zzz", ["agencies"])
    ''
    """
    close = suggest(str(given), sorted(set(choices)))
    return f'did you mean "{close}"? ' if close else ""


def plain(markdown_text: str) -> str:
    """Markdown reduced to its visible text, white space collapsed.

    >>> plain("**Why** see [the review](https://example.org)\\n\\n- one")
    'Why see the review one'
    """
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_|`)", "", text)
    text = re.sub(r"^\s{0,3}(#+|[-*+]|\d+\.|>)\s+", "", text, flags=re.M)
    return " ".join(text.split())


def markdown_html(text: str | None) -> str:
    """Course text (Markdown) as HTML with any raw HTML escaped and unsafe links removed.

    >>> markdown_html("**Why** <script>x</script>")
    '<p><strong>Why</strong> &lt;script&gt;x&lt;/script&gt;</p>'
    """
    if not text:
        return ""
    # mistune (already required by nbconvert) with escape=True: raw HTML in course text is
    # shown as text and javascript: links are dropped, so no course file can inject script.
    import mistune

    return str(mistune.create_markdown(escape=True)(text)).strip()


def suggest(
    value: str, choices: Iterable[str], aliases: dict[str, str] | None = None
) -> str | None:
    """The closest valid choice to ``value`` (difflib: the standard library's fuzzy matcher)."""
    choices = list(choices)
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    if key in choices:
        return key
    if aliases and key in aliases:
        return aliases[key]
    pool = {c.lower(): c for c in choices}
    if aliases:
        pool.update({k: v for k, v in aliases.items()})
    match = difflib.get_close_matches(key, list(pool), n=1, cutoff=0.6)
    if match:
        return pool[match[0]]
    containing = {v for k, v in pool.items() if len(key) >= 4 and key in k}
    return containing.pop() if len(containing) == 1 else None


def quoted_list(values: Sequence[str], limit: int = 20, where: str | None = None) -> str:
    """``a, b, c`` or, for long lists, a pointer to the file that holds them."""
    if len(values) > limit and where:
        return f"see {where}"
    return ", ".join(values)


_DATE_LIKE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:([ T])(\d{1,2}):(\d{1,2})(:\d{1,2}(?:\.\d*)?)?)?"
)


def date_message(cell: str, fmt: str = "default") -> str | None:
    """Plain words for a date (``fmt`` "default") or date and time (``"%Y-%m-%d %H:%M"``) that
    did not parse but is close to the form: a day that does not exist, a missing time, a "T"
    or seconds. None when there is nothing better to say than "is not a date".

    >>> date_message("2020-02-31 09:15", "%Y-%m-%d %H:%M")
    '"2020-02-31 09:15": there is no 31 February 2020'
    >>> date_message("2020-05-05", "%Y-%m-%d %H:%M")
    '"2020-05-05": the time is missing (expected YYYY-MM-DD HH:MM, for example 2020-05-05 09:30)'
    >>> date_message("2020-05-05T11:00", "%Y-%m-%d %H:%M")
    '"2020-05-05T11:00": put a space between the date and the time, not a "T" (expected \
YYYY-MM-DD HH:MM, for example 2020-05-05 11:00)'
    >>> date_message("31/02/2019", "%Y-%m-%d %H:%M") is None
    True
    """
    if fmt not in FORMAT_HINTS:
        return None
    timed, hint = fmt != "default", FORMAT_HINTS[fmt]
    text = cell.strip()
    found = _DATE_LIKE.fullmatch(text)
    if not found:
        return None
    year, month, day = (int(found.group(i)) for i in (1, 2, 3))
    sep, seconds = found.group(4), found.group(7)
    if not 1 <= month <= 12:
        return f'"{cell}": there is no month {month} (months go from 01 to 12; expected {hint})'
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f'"{cell}": there is no {day} {calendar.month_name[month]} {year}'
    date = f"{year:04d}-{month:02d}-{day:02d}"
    if text != cell:
        return f'"{cell}" has a space before or after it; remove the space (expected {hint})'
    if not timed:
        return None
    if sep is None:
        return f'"{cell}": the time is missing (expected {hint}, for example {date} 09:30)'
    hour, minute = int(found.group(5)), int(found.group(6))
    if hour > 23 or minute > 59:
        return (
            f'"{cell}": there is no time {hour:02d}:{minute:02d} (hours go from 00 to 23 and '
            f"minutes from 00 to 59; midnight is 00:00 of the next day)"
        )
    example = f"{date} {hour:02d}:{minute:02d}"
    if sep == "T":
        return (
            f'"{cell}": put a space between the date and the time, not a "T" '
            f"(expected {hint}, for example {example})"
        )
    if seconds:
        return (
            f'"{cell}": give hours and minutes only, no seconds '
            f"(expected {hint}, for example {example})"
        )
    return None
