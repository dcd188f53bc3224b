"""The keyword theme coder: its rules, their plain-text format, and applying them.

The rules themselves (:data:`THEMES`, the default keywords, their plain-text format) and the
functions that apply them to recommendations (:func:`code`, :func:`explain`): everything that
turns a recommendation's text into themes. The keyword syntax is described
in :mod:`toolkit.recommendations`.

Examples
--------
>>> rules = parse_rules(format_rules({"training": ["train*"], "record keeping": ["notes"]}))
>>> explain("Notes of the training were kept.", rules)["theme"].tolist()
['training', 'record keeping']
>>> parse_rules("training: train*, *")
Traceback (most recent call last):
...
toolkit.errors.ModelError: keyword "*" is empty (expected a word, with an optional *)
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from toolkit.core.tables import escape_text, table_html
from toolkit.errors import ModelError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NO_THEME",
    "THEMES",
    "code",
    "default_rules",
    "explain",
    "format_rules",
    "parse_rules",
]


THEMES: tuple[str, ...] = (
    "training",
    "policy or procedure",
    "information sharing",
    "risk assessment",
    "multi-agency working",
    "supervision or audit",
    "record keeping",
    "referral pathways",
    "investigation",
    "governance",
)
NO_THEME = "no rule matched"

_DEFAULT_RULES: dict[str, list[str]] = {
    "training": ["train*", "awareness", "e-learning", "elearning", "workbook", "remind*",
                 "communication piece", "reflect on their practice", "professional curiosity"],
    "policy or procedure": ["procedure*", "protocol*", "policy", "policies", "guidance",
                            "process*", "standardise*", "standardize*", "framework"],
    "information sharing": ["sharing", "share*", "shared", "intelligence", "dialogue",
                            "information from", "communicat*", "notif*"],
    "risk assessment": ["risk*", "at risk", "unsafe", "danger*", "safety plan*", "vulnerab*",
                        "mental capacity", "DASH", "DARA", "assessment of risk"],
    "multi-agency working": ["multi agency", "multi-agency", "collaborat*", "integrat*",
                             "partnership", "other services", "liaise", "coordinat*",
                             "co-ordinat*", "joint*", "alignment", "Marac", "MASH"],
    "supervision or audit": ["supervis*", "audit*", "team meeting*", "peer", "quality assur*",
                             "oversight", "management of"],
    "record keeping": ["record*", "notes", "document*", "letters", "storing", "log*"],
    "referral pathways": ["referr*", "refer", "pathway*", "signpost*", "serious case panel",
                          "call back", "put through", "homeless applications", "contact other"],
    "investigation": ["investigat*", "problem solve", "evidence", "enquir*", "arrest*",
                      "prosecut*", "SA1"],
    "governance": ["board", "assurance", "ratification", "fit for purpose", "oversee",
                   "DHR process", "governance", "commission*", "entitled to", "strategic"],
}  # fmt: skip


def default_rules() -> dict[str, list[str]]:
    """A fresh, editable copy of the course's keyword rules (theme -> keywords).

    Examples
    --------
    >>> rules = default_rules()
    >>> list(rules) == list(THEMES)
    True
    >>> rules["training"].append("e-module")  # editing a copy leaves the defaults alone
    >>> "e-module" in default_rules()["training"]
    False
    >>> default_rules()["trainning"]
    Traceback (most recent call last):
    ...
    KeyError: 'trainning'
    """
    return {theme: list(words) for theme, words in _DEFAULT_RULES.items()}


def _pattern(keyword: str) -> re.Pattern[str]:
    word = keyword.strip()
    star = word.endswith("*")
    word = word.rstrip("*")
    if not word:
        raise ModelError(f'keyword "{keyword}" is empty (expected a word, with an optional *)')
    body = r"[\s\-]+".join(re.escape(part) for part in re.split(r"[\s\-]+", word))
    return re.compile(r"(?<!\w)" + body + (r"\w*" if star else r"(?!\w)"), re.IGNORECASE)


def _compile(rules: Mapping[str, Sequence[str]] | None) -> list[tuple[str, list[tuple[str, Any]]]]:
    rules = default_rules() if rules is None else rules
    if not isinstance(rules, Mapping) or not rules:
        raise ModelError("rules must map each theme to a list of keywords; got none")
    compiled = []
    for theme, words in rules.items():
        if isinstance(words, str):
            raise ModelError(
                f'rules["{theme}"] must be a list of keywords, not one string; '
                f'write ["{words}"] or split it with commas'
            )
        compiled.append((str(theme), [(w, _pattern(w)) for w in words]))
    return compiled


def explain(text: str, rules: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Which keyword of which theme matched which words of ``text``: the coder's reasons.

    Examples
    --------
    >>> explain("Housing Officers to receive guidance/training on sharing intelligence.")[
    ...     ["theme", "keyword", "matched"]].values.tolist()[:2]
    [['training', 'train*', 'training'], ['policy or procedure', 'guidance', 'guidance']]
    >>> explain("anything", {"training": "train*"})
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: rules["training"] must be a list of keywords, not one string; write ["train*"] or split it with commas
    """  # noqa: E501
    import pandas as pd

    rows = [
        {"theme": theme, "keyword": word, "matched": m.group(0)}
        for theme, patterns in _compile(rules)
        for word, pattern in patterns
        for m in pattern.finditer(str(text))
    ]
    return pd.DataFrame(rows, columns=["theme", "keyword", "matched"])


def code(
    recs: pd.DataFrame,
    *,
    rules: Mapping[str, Sequence[str]] | None = None,
    text_column: str = "text",
) -> pd.DataFrame:
    """Code each recommendation by theme with the keyword rules.

    Returns a copy of ``recs`` with ``coder_themes`` (every theme matched, in rule order),
    ``coder_theme`` (the one with most keyword matches, ties going to the theme listed first;
    ``NO_THEME`` if none matched) and ``coder_evidence`` (the words that matched, by theme).
    The ``coder_`` prefix keeps any human coding already in the table (such as the data
    package's ``theme`` column) alongside, for comparison.

    Examples
    --------
    >>> import pandas as pd
    >>> out = code(pd.DataFrame({"text": ["Audit supervision records monthly."]}))
    >>> out.loc[0, "coder_themes"], out.loc[0, "coder_theme"]
    (['supervision or audit', 'record keeping'], 'supervision or audit')
    >>> code(pd.DataFrame({"words": ["x"]}))
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: recommendations have no column "text" (columns: words)
    """
    _require(recs, text_column)
    compiled = _compile(rules)
    themes, primary, evidence = [], [], []
    for text in recs[text_column].fillna("").astype(str):
        found: dict[str, list[str]] = {}
        for theme, patterns in compiled:
            hits = [m.group(0) for _, p in patterns for m in p.finditer(text)]
            if hits:
                found[theme] = hits
        themes.append(list(found))
        primary.append(max(found, key=lambda t: len(found[t])) if found else NO_THEME)
        evidence.append("; ".join(f"{t}: {', '.join(w)}" for t, w in found.items()))
    out = recs.copy()
    out["coder_themes"], out["coder_theme"], out["coder_evidence"] = themes, primary, evidence
    return out


def _require(df: pd.DataFrame, column: str) -> None:
    if column not in df.columns:
        raise ModelError(
            f'recommendations have no column "{column}" '
            f"(columns: {', '.join(map(str, df.columns))})"
        )


def format_rules(rules: Mapping[str, Sequence[str]] | None = None) -> str:
    """The rules as plain text, one theme a line (``theme: keyword, keyword``)."""
    rules = default_rules() if rules is None else rules
    return "\n".join(f"{theme}: {', '.join(words)}" for theme, words in rules.items())


def parse_rules(text: str) -> dict[str, list[str]]:
    """Read rules written as ``theme: keyword, keyword`` lines (the editor's format).

    Blank lines and lines starting with ``#`` are ignored.

    Examples
    --------
    >>> parse_rules("training: train*, awareness\\n# a note\\nrecord keeping: notes")
    {'training': ['train*', 'awareness'], 'record keeping': ['notes']}
    >>> parse_rules("training: train*\\ntraining: awareness")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: rules, line 2: theme "training" appears twice (first on line 1); merge the two lines
    """  # noqa: E501
    rules: dict[str, list[str]] = {}
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if ":" not in stripped:
            raise ModelError(
                f'rules, line {number}: "{stripped}" has no colon '
                '(expected "theme: keyword, keyword, ...")'
            )
        theme, _, words = stripped.partition(":")
        theme = theme.strip()
        if theme in rules:
            raise ModelError(
                f'rules, line {number}: theme "{theme}" appears twice (first on line '
                f"{first_line[theme]}); merge the two lines"
            )
        keywords = [w.strip() for w in words.split(",") if w.strip()]
        if not theme or not keywords:
            raise ModelError(
                f'rules, line {number}: "{stripped}" needs a theme before the colon and at '
                "least one keyword after it"
            )
        for keyword in keywords:
            _pattern(keyword)
        rules[theme], first_line[theme] = keywords, number
    if not rules:
        raise ModelError("rules: no themes given (expected lines like 'training: train*')")
    return rules


def rules_frame(rules: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """The coder's rules as a table: each theme and its keywords (``*`` matches any ending).

    >>> rules_frame().iloc[0].tolist()[0]
    'training'
    """
    import pandas as pd

    chosen = default_rules() if rules is None else rules
    return pd.DataFrame(
        {"theme": list(chosen), "keywords": [", ".join(words) for words in chosen.values()]}
    )


def explanation(coded: pd.DataFrame, row: int) -> Any:
    """One recommendation (the ``row``-th of ``coded``), the coder's primary theme, and every
    keyword that matched, ready to display in a notebook."""
    from IPython.display import HTML

    if not 0 <= row < len(coded):
        raise ModelError(f"row must be between 0 and {len(coded) - 1}; got {row}")
    item = coded.iloc[row]
    matched = explain(item["text"])
    return HTML(
        f'<blockquote style="margin:0.3em 0 0.6em 0">{escape_text(str(item["text"]))}'
        f"</blockquote><p>Coder's primary theme: <strong>{html.escape(str(item['coder_theme']))}"
        f"</strong> ({html.escape(str(item['rec_id']))})</p>"
        + table_html(
            matched.rename(
                columns={"theme": "Theme", "keyword": "Keyword", "matched": "Words matched"}
            )
        )
    )
