"""Agreement between two codings of recommendations: Cohen's kappa, item by item.

:func:`coding_agreement` compares a learner's coding with the keyword coder's;
:func:`agreement_with_column` compares the coder with a human coding already in the table.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.errors import ModelError
from toolkit.recommendations.coder import NO_THEME, THEMES, _require

if TYPE_CHECKING:
    import pandas as pd


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Cohen's kappa: agreement between two coders beyond what chance would give.

    ``(observed - expected) / (1 - expected)``, where ``expected`` is the agreement two coders
    would reach by chance with the same label frequencies. 1 is perfect agreement, 0 is no
    better than chance, below 0 is worse than chance. Written out here (ten lines) rather than
    importing scikit-learn, a large dependency, for one formula; the tests check it against
    published worked examples.

    Examples
    --------
    The worked example in Cohen (1960)-style textbooks: 50 items, 20 yes/yes, 15 no/no,
    5 yes/no, 10 no/yes gives 0.4.

    >>> a = ["yes"] * 25 + ["no"] * 25
    >>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    >>> round(cohen_kappa(a, b), 3)
    0.4
    >>> cohen_kappa(["training"], ["training"])
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: kappa is undefined when both coders gave every item the same single label ("training"); code a more varied sample
    """  # noqa: E501
    a, b = list(first), list(second)
    if len(a) != len(b):
        raise ModelError(f"the two codings have different lengths ({len(a)} and {len(b)})")
    if not a:
        raise ModelError("kappa needs at least one coded item; got none")
    n = len(a)
    labels = set(a) | set(b)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    expected = sum((a.count(label) / n) * (b.count(label) / n) for label in labels)
    if expected == 1.0:
        raise ModelError(
            "kappa is undefined when both coders gave every item the same single label "
            f'("{a[0]}"); code a more varied sample'
        )
    return (observed - expected) / (1.0 - expected)


@dataclass(frozen=True)
class Agreement:
    """A learner's coding compared with the coder's: item by item, and as kappa."""

    table: pd.DataFrame
    kappa: float
    observed: float

    def describe(self, who: str = "You and the coder") -> str:
        """One sentence: how many items agreed, and kappa in words."""
        agreed = int(self.table["agree"].sum())
        return (
            f"{who} agreed on {agreed} of {len(self.table)} recommendations "
            f"({self.observed:.0%}); Cohen's kappa is {self.kappa:.2f} "
            f"({_kappa_words(self.kappa)})."
        )


def _kappa_words(kappa: float) -> str:
    # Landis and Koch (1977) bands, widely used and widely argued over: a guide, not a verdict
    for limit, words in ((0, "worse than chance"), (0.2, "slight"), (0.4, "fair"),
                         (0.6, "moderate"), (0.8, "substantial")):  # fmt: skip
        if kappa <= limit:
            return f"{words} agreement on the Landis and Koch scale"
    return "almost perfect agreement on the Landis and Koch scale"


def coding_agreement(
    coded: pd.DataFrame, learner: Mapping[Any, str], *, id_column: str = "rec_id"
) -> Agreement:
    """Compare a learner's primary theme for some recommendations with the coder's.

    Parameters
    ----------
    coded : DataFrame
        From :func:`code`, with an ``id_column``.
    learner : mapping
        Recommendation id -> the learner's theme (one of the coder's themes).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.recommendations.coder import code
    >>> recs = code(pd.DataFrame({"rec_id": ["a", "b", "c"],
    ...     "text": ["Deliver training.", "Audit case files.", "Create a referral pathway."]}))
    >>> coding_agreement(recs, {"a": "training", "b": "supervision or audit",
    ...                  "c": "training"}).observed
    0.6666666666666666
    >>> coding_agreement(recs, {"z": "training"})
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: recommendation "z" is not in the coded table (ids: a, b, c)
    """
    import pandas as pd

    _require(coded, id_column)
    by_id = coded.set_index(id_column)
    known = set(by_id["coder_theme"].unique()) | set(THEMES) | {NO_THEME}
    rows = []
    for rec_id, theme in learner.items():
        if rec_id not in by_id.index:
            ids = ", ".join(map(str, by_id.index[:12]))
            raise ModelError(f'recommendation "{rec_id}" is not in the coded table (ids: {ids})')
        if theme not in known:
            raise ModelError(
                f'theme "{theme}" for recommendation "{rec_id}" is not a theme; '
                f"choose one of: {', '.join(THEMES)}"
            )
        coder = by_id.loc[rec_id, "coder_theme"]
        rows.append({id_column: rec_id, "text": by_id.loc[rec_id, "text"], "learner": theme,
                     "coder": coder, "agree": theme == coder})  # fmt: skip
    table = pd.DataFrame(rows)
    if table.empty:
        raise ModelError("no coded recommendations given to compare")
    kappa = cohen_kappa(table["learner"].tolist(), table["coder"].tolist())
    return Agreement(table, kappa, float(table["agree"].mean()))


#: The data package's ``theme`` column (the course team's coding, on the Home Office DHR
#: analysis headings) in the coder's words; the two themes with no counterpart keep their own.
TEAM_THEMES: dict[str, str] = {
    "training_awareness": "training",
    "policy_procedure": "policy or procedure",
    "information_sharing": "information sharing",
    "multi_agency_working": "multi-agency working",
    "risk_assessment": "risk assessment",
    "supervision_audit": "supervision or audit",
    "record_keeping": "record keeping",
    "governance": "governance",
    "commissioning": "commissioning",
    "individual_practice": "individual practice",
}


def agreement_with_column(
    coded: pd.DataFrame,
    column: str = "theme",
    *,
    mapping: Mapping[str, str] | None = None,
    id_column: str = "rec_id",
) -> Agreement:
    """The coder's primary theme against a human coding already in the table.

    ``mapping`` translates the column's labels into the coder's (by default
    :data:`TEAM_THEMES`, for the data package's ``theme`` column); labels it does not list are
    kept as they are and so count as disagreements.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.recommendations.coder import code
    >>> recs = code(pd.DataFrame({"rec_id": ["a", "b"], "text": ["Deliver training.",
    ...     "Audit case files."], "theme": ["training_awareness", "record_keeping"]}))
    >>> agreement_with_column(recs).table["agree"].tolist()
    [True, False]
    >>> agreement_with_column(recs, "team")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: recommendations have no column "team" (columns: rec_id, text, theme, coder_themes, coder_theme, coder_evidence)
    """  # noqa: E501
    _require(coded, column)
    _require(coded, "coder_theme")
    labels = TEAM_THEMES if mapping is None else mapping
    human = [labels.get(str(v), str(v)) for v in coded[column]]
    learner_like = dict(zip(coded[id_column], human, strict=True))
    import pandas as pd

    table = pd.DataFrame(
        {
            id_column: coded[id_column].tolist(),
            "text": coded["text"].tolist(),
            column: human,
            "coder": coded["coder_theme"].tolist(),
        }
    )
    table["agree"] = table[column] == table["coder"]
    kappa = cohen_kappa(list(learner_like.values()), table["coder"].tolist())
    return Agreement(table, kappa, float(table["agree"].mean()))


def sample(recs: pd.DataFrame, *, n: int = 8, seed: int = 0) -> pd.DataFrame:
    """A reproducible random sample of recommendations for learners to code by hand."""
    if not 1 <= n <= len(recs):
        raise ModelError(f"n must be between 1 and the {len(recs)} recommendations; got {n}")
    return recs.sample(n=n, random_state=seed)
