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
"""  # noqa: E501

from __future__ import annotations

import html
import math
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.core.figures import CHAR_EM, left_margin, note_layout, note_lines, source_layout
from toolkit.recommendations.coder import (
    NO_THEME,
    THEMES,
    _require,
    code,
    default_rules,
    explain,
    format_rules,
    parse_rules,
)
from toolkit.errors import ModelError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = [
    "NO_THEME",
    "THEMES",
    "Agreement",
    "agency_counts",
    "agency_theme_figure",
    "TEAM_THEMES",
    "agreement",
    "agreement_with_column",
    "by_agency",
    "code",
    "coder_explorer",
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

# The keyword theme coder (THEMES, the rules and their text format, code, explain) lives in
# toolkit.recommendations.coder so that each file can be read in one sitting; it is
# imported above and importable from here as before.


# --------------------------------------------------------------------------- agreement


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


def agreement(
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
    >>> recs = code(pd.DataFrame({"rec_id": ["a", "b", "c"],
    ...     "text": ["Deliver training.", "Audit case files.", "Create a referral pathway."]}))
    >>> agreement(recs, {"a": "training", "b": "supervision or audit",
    ...                  "c": "training"}).observed
    0.6666666666666666
    >>> agreement(recs, {"z": "training"})
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


def agency_counts(recs: pd.DataFrame, *, column: str = "bodies") -> pd.DataFrame:
    """How many recommendations each body received (one addressed to two counts for each).

    >>> from toolkit.data import load_recommendations
    >>> counts = agency_counts(load_recommendations())
    >>> list(counts.columns), bool(counts.iloc[0, 1] >= counts.iloc[-1, 1])
    (['body', 'recommendations'], True)
    """
    import pandas as pd

    counts = by_agency(recs, column=column)["agency"].value_counts()
    return pd.DataFrame({"body": counts.index.tolist(), "recommendations": counts.to_numpy()})


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

    from toolkit.core.tables import escape_text, table_html

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


def sample(recs: pd.DataFrame, *, n: int = 8, seed: int = 0) -> pd.DataFrame:
    """A reproducible random sample of recommendations for learners to code by hand."""
    if not 1 <= n <= len(recs):
        raise ModelError(f"n must be between 1 and the {len(recs)} recommendations; got {n}")
    return recs.sample(n=n, random_state=seed)


# --------------------------------------------------------------------------- agencies


def _agencies(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split("|") if v.strip()]
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [str(v).strip() for v in value]


def by_agency(recs: pd.DataFrame, *, column: str = "addressed_to") -> pd.DataFrame:
    """One row per (recommendation, agency): a recommendation to two agencies counts for both.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["a", "b"], "addressed_to": [["Police", "Health"], "Police"]})
    >>> by_agency(df)["agency"].value_counts().to_dict()
    {'Police': 2, 'Health': 1}
    >>> by_agency(df, column="owner")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: recommendations have no column "owner" (columns: text, addressed_to)
    """
    _require(recs, column)
    out = recs.copy()
    out["agency"] = out[column].map(_agencies)
    out = out.explode("agency")
    out["agency"] = out["agency"].fillna("(not stated)")
    return out.reset_index(drop=True)


def agency_theme_figure(coded: pd.DataFrame, *, source: str) -> go.Figure:
    """A heatmap: how many recommendations each agency received, by primary theme."""
    import plotly.graph_objects as go

    long = by_agency(coded)
    table = long.pivot_table(index="agency", columns="coder_theme", values="text", aggfunc="count",
                             fill_value=0)  # fmt: skip
    order = [t for t in (*THEMES, NO_THEME) if t in table.columns]
    table = table[order]
    table = table.loc[table.sum(axis=1).sort_values().index]
    fig = go.Figure(
        go.Heatmap(z=table.values, x=list(table.columns), y=list(table.index),
                   colorscale="Blues", text=table.values, texttemplate="%{text}",
                   hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>",
                   colorbar={"title": {"text": "recommendations"}})
    )  # fmt: skip
    busiest = table.sum(axis=1).idxmax()
    top_theme = table.sum(axis=0).idxmax()
    text = (
        f"{len(coded)} recommendations to {len(table)} agencies, coded by the keyword rules. "
        f"{busiest} received the most ({int(table.loc[busiest].sum())}); the most common "
        f"primary theme is {top_theme} ({int(table[top_theme].sum())})."
    )
    # The theme names are slanted 30 degrees: they reach half their length below the axis.
    longest = max(len(str(t)) for t in table.columns)
    axis = math.ceil(longest * 12 * CHAR_EM * math.sin(math.radians(30)) + 30)
    fig.update_layout(
        title={"text": "Recommendations by agency and theme (keyword coder)"},
        xaxis={"tickangle": -30},
        meta={"description": text},
        **source_layout(
            source,
            plot_height=max(200, 30 * len(table)),
            axis=axis,
            left=left_margin(table.index, minimum=220),
        ),
    )
    return fig


def implementation_figure(
    status: pd.DataFrame,
    *,
    source: str,
    label_column: str = "status",
    value_column: str = "value",
) -> go.Figure:
    """What happened to recommendations: one bar per status, as a share of those traced.

    Examples
    --------
    >>> import pandas as pd
    >>> status = pd.DataFrame({"status": ["Fully implemented", "Not met"], "value": [25.0, 8.0]})
    >>> implementation_figure(status, source="x").layout.meta["description"]
    'Status of recommendations: Fully implemented 25%; Not met 8%. Source: x.'
    >>> implementation_figure(status, source="x", value_column="share")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: recommendations have no column "share" (columns: status, value)
    """
    import plotly.graph_objects as go

    _require(status, label_column)
    _require(status, value_column)
    labels = status[label_column].astype(str).tolist()
    values = status[value_column].astype(float).tolist()
    fig = go.Figure(
        go.Bar(x=values[::-1], y=labels[::-1], orientation="h", marker_color="#0072B2",
               text=[f"{v:g}%" for v in values[::-1]], textposition="outside")
    )  # fmt: skip
    text = (
        "Status of recommendations: "
        + "; ".join(f"{k} {v:g}%" for k, v in zip(labels, values, strict=True))
        + f". Source: {source}."
    )
    fig.update_layout(
        title={"text": "What happened to national recommendations from reviews"},
        xaxis={"title": {"text": "% of recommendations"}, "range": [0, max(values) * 1.25]},
        plot_bgcolor="white",
        meta={"description": text},
        **source_layout(
            source, plot_height=max(150, 42 * len(labels)), left=left_margin(labels, minimum=220)
        ),
    )
    return fig


# --------------------------------------------------------------------------- SMART


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


# --------------------------------------------------------------------------- widget


def coder_explorer(recs: pd.DataFrame, *, source: str, rules: Mapping | None = None) -> Any:
    """Edit the keyword rules as text and re-code: the theme counts update in place.

    The callback only calls :func:`parse_rules` and :func:`code`; a rule with a mistake shows
    its message (line number and what was expected) instead of changing the figure.
    """
    import ipywidgets as widgets
    import plotly.graph_objects as go

    editor = widgets.Textarea(value=format_rules(rules), rows=12,
                              layout=widgets.Layout(width="100%"),
                              description="Rules",
                              style={"description_width": "initial"})  # fmt: skip
    button = widgets.Button(description="Re-code with these rules", button_style="primary",
                            layout=widgets.Layout(width="auto"))  # fmt: skip
    message = widgets.HTML()

    def counts(coded: pd.DataFrame) -> tuple[list[str], list[int]]:
        tally = coded["coder_theme"].value_counts()
        return list(tally.index[::-1]), [int(v) for v in tally.values[::-1]]

    coded = code(recs, rules=parse_rules(editor.value))
    y, x = counts(coded)
    fig = go.FigureWidget(go.Bar(x=x, y=y, orientation="h", marker_color="#0072B2"))
    fig.update_layout(
        title={"text": "Primary theme of each recommendation (keyword coder)"},
        xaxis={"title": {"text": "recommendations"}},
        **source_layout(source, plot_height=270, left=180),
    )

    def words(coded: pd.DataFrame) -> str:
        none = int((coded["coder_theme"] == NO_THEME).sum())
        tally = coded["coder_theme"].value_counts()
        counts = "; ".join(f"{theme}: {int(n)}" for theme, n in tally.items())
        return (
            f"Primary theme of each of {len(coded)} recommendations, by the keyword coder's "
            f"rules: {counts}. No rule matched {none}."
        )

    def describe(coded: pd.DataFrame) -> str:
        fig.layout.meta = {"description": words(coded)}  # the figure's text alternative
        return f"<p><em>{html.escape(words(coded))}</em></p>"

    message.value = describe(coded)
    message.add_class("everycall-live-only")  # a handout prints it as the figure's caption

    def recode(_: Any) -> None:
        try:
            fresh = code(recs, rules=parse_rules(editor.value))
        except ModelError as exc:
            message.value = f"<p style='color:#B00020'>{html.escape(str(exc))}</p>"
            return
        new_y, new_x = counts(fresh)
        with fig.batch_update():
            fig.data[0].x, fig.data[0].y = new_x, new_y
        message.value = describe(fresh)

    button.on_click(recode)
    box = widgets.VBox([editor, button, message, fig])
    box.add_class("everycall-coder")
    return box
