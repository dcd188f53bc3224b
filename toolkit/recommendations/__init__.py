"""Learning from reviews: code recommendations by theme, measure agreement, check SMART-ness.

The theme coder is deliberately simple and visible: each theme has a list of keywords, and a
recommendation gets every theme whose keywords it contains. Learners can read the rules, edit
them (as a dict or as plain text, one theme a line) and see what changes. It is a prompt for
discussion, not an authority: compare it with your own coding using Cohen's kappa.

Keywords match whole words, ignoring case. A ``*`` at the end matches any ending
(``train*`` matches *train*, *training*, *trained*); a space or hyphen inside a keyword
matches either (``multi agency`` matches *multi-agency*).

A recommendations table needs a ``text`` column; ``addressed_to`` (a list of agencies, or a
string with agencies separated by ``|``) is used for ownership and for the agency view. Any
review a course builder appends in the same shape works unchanged.

Examples
--------
>>> import pandas as pd
>>> recs = pd.DataFrame({"text": ["Staff to receive training on coercive control.",
...                               "Create a procedure for concern cards."],
...                      "addressed_to": [["Police"], ["Housing"]]})
>>> list(code(recs)["coder_theme"])
['training', 'policy or procedure']
>>> parse_rules("training train*")
Traceback (most recent call last):
...
toolkit.errors.ModelError: rules, line 1: "training train*" has no colon (expected "theme: keyword, keyword, ...")
"""  # noqa: E501 (a doctest shows the whole message)

from __future__ import annotations

from toolkit.recommendations.agreement import (
    TEAM_THEMES,
    Agreement,
    agreement_with_column,
    coding_agreement,
    cohen_kappa,
    sample,
)
from toolkit.recommendations.bodies import (
    agency_counts,
    agency_theme_figure,
    by_agency,
    implementation_figure,
)
from toolkit.recommendations.coder import (
    NO_THEME,
    THEMES,
    code,
    default_rules,
    explain,
    explanation,
    format_rules,
    parse_rules,
    rules_frame,
)
from toolkit.recommendations.smart import smart_check, smart_rules
from toolkit.recommendations.widgets import coder_explorer

__all__ = [
    "NO_THEME",
    "TEAM_THEMES",
    "THEMES",
    "Agreement",
    "agency_counts",
    "agency_theme_figure",
    "agreement_with_column",
    "by_agency",
    "code",
    "coder_explorer",
    "coding_agreement",
    "cohen_kappa",
    "default_rules",
    "explain",
    "explanation",
    "format_rules",
    "implementation_figure",
    "parse_rules",
    "rules_frame",
    "sample",
    "smart_check",
    "smart_rules",
]
