"""Is a recommendation specific, owned, measurable and time-bound? First-pass prompts from
simple, visible rules (:func:`smart_rules`); they start a discussion and can be wrong."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from toolkit.recommendations.bodies import _agencies
from toolkit.recommendations.coder import _require

if TYPE_CHECKING:
    import pandas as pd


_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"


_SMART_RULES: dict[str, dict[str, list[str]]] = {
    "specific": {
        "yes": [r"\b(creat|devis|implement|develop|re-?launch|roll\w* out|provid|deliver|"
                r"investigat|undertak|standardis|embed|produc|introduc|establish|"
                r"set up|audit|carry out|trigger)\w*"],
        "no": [r"\bshould (always )?be (aware|mindful|precise)\b"],
    },
    "measurable": {
        "yes": [r"\d", r"\b(audit\w*|assessment|monitor\w*|report\w*|every|each|all staff|"
                r"complete|completion|checked|confirmed|recorded|meeting)\b"],
        "no": [],
    },
    "time_bound": {
        "yes": [rf"\b(by|in|during|from|before|until|end of)\s+({_MONTHS})\b",
                r"\b(19|20)\d\d\b", r"\bwithin \w+ (days|weeks|months)\b",
                r"\bby the end of\b", r"\bdeadline\b"],
        "no": [],
    },
}  # fmt: skip


def smart_rules() -> dict[str, dict[str, list[str]]]:
    """The SMART prompts' patterns (regular expressions), to read or to edit."""
    return {k: {kind: list(p) for kind, p in v.items()} for k, v in _SMART_RULES.items()}


def smart_check(
    recs: pd.DataFrame,
    *,
    rules: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    text_column: str = "text",
    owner_column: str = "addressed_to",
) -> pd.DataFrame:
    """First-pass SMART prompts: is each recommendation specific, owned, measurable, time-bound?

    Transparent heuristics meant to start a discussion, not settle it: *owned* means it names
    particular agencies (not "all agencies"); *time-bound* means it names a date, month, year
    or period; *measurable* means it names a number or something that can be counted or
    checked; *specific* means it names a concrete action and is not only "be aware" or
    "consider". Adds the four columns and ``smart_score`` (0 to 4).

    Examples
    --------
    >>> import pandas as pd
    >>> recs = pd.DataFrame({"text": [
    ...     "All staff to complete an eLearning package by April 2017.",
    ...     "All agencies should be aware of the need to consider a meeting."],
    ...     "addressed_to": [["Ambulance Service"], ["All agencies"]]})
    >>> smart_check(recs)[["specific", "owned", "measurable", "time_bound"]].values.tolist()
    [[False, True, True, True], [False, False, True, False]]
    >>> smart_check(recs, owner_column="owner")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: recommendations have no column "owner" (columns: text, addressed_to)
    """
    _require(recs, text_column)
    _require(recs, owner_column)
    rules = _SMART_RULES if rules is None else rules
    compiled = {
        k: {kind: [re.compile(p, re.IGNORECASE) for p in v.get(kind, [])] for kind in ("yes", "no")}
        for k, v in rules.items()
    }
    out = recs.copy()
    texts = out[text_column].fillna("").astype(str)
    for criterion, patterns in compiled.items():
        out[criterion] = [
            any(p.search(t) for p in patterns["yes"])
            and not any(p.search(t) for p in patterns["no"])
            for t in texts
        ]
    owners = out[owner_column].map(_agencies)
    out["owned"] = [bool(o) and not any(a.lower() == "all agencies" for a in o) for o in owners]
    columns = ["specific", "owned", "measurable", "time_bound"]
    out["smart_score"] = out[[c for c in columns if c in out]].sum(axis=1).astype(int)
    return out
