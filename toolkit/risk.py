"""Risk and support: what a Marac threshold does, and how far Idva capacity stretches.

Two tools for notebook 06:

- A **threshold what-if** over a seeded *synthetic* cohort. Each invented person has a hidden
  level of danger; a checklist score (the number of "yes" answers on a Dash-style checklist)
  measures it imperfectly, partly because a person can only disclose what it is safe to say
  at that moment. Changing the referral threshold, or switching the other Marac routes on or
  off (professional judgement, potential escalation, repeat referral), shows who is referred
  and which people at high risk are missed. The cohort's numbers are made up to show the
  trade-off; they are not estimates of how well Dash or DARA work.
- An **Idva caseload calculator**: how many independent domestic violence advisers a number
  of high-risk cases needs at a given caseload, and how many cases a workforce can take.

Parameter names: ``threshold`` (the score at or above which a referral is made; SafeLives
recommends 14 "yes" answers on its 24-question checklist), ``escalation_incidents`` (incidents
in 12 months that count as potential escalation; SafeLives suggests 3), ``caseload`` (cases
per Idva per year; SafeLives recommends 60 to 70).

Examples
--------
>>> cohort = synthetic_cohort(2000, seed=1)
>>> table = threshold_table(cohort, thresholds=[10, 14, 18])
>>> list(table["referred"]) == sorted(table["referred"], reverse=True)
True
>>> synthetic_cohort(0)
Traceback (most recent call last):
...
toolkit.errors.ModelError: n must be a whole number of people between 1 and 1000000; got 0
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from toolkit.core.access import ANNOUNCE
from toolkit.core.figures import legend_above, slider_layout, source_layout
from toolkit.core.params import check_number, check_share, check_whole
from toolkit.errors import ModelError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = [
    "ROUTES",
    "idva_caseload",
    "idva_figure",
    "referrals",
    "synthetic_cohort",
    "threshold_explorer",
    "threshold_figure",
    "threshold_table",
]

ROUTES = ("visible high risk", "professional judgement", "potential escalation", "repeat referral")
_BLUE, _ORANGE, _GREEN, _GREY = "#0072B2", "#D55E00", "#009E73", "#666666"  # Okabe-Ito


def synthetic_cohort(
    n: int = 1000,
    *,
    seed: int = 0,
    questions: int = 24,
    high_risk_share: float = 0.1,
    disclosure: float = 0.85,
    discrimination: float = 1.2,
) -> pd.DataFrame:
    """An invented cohort of people assessed after a domestic abuse incident (seeded).

    Each person has a hidden danger level ``z`` (standard normal); the top
    ``high_risk_share`` are at high risk *by construction*. Each checklist question is
    answered "yes" with a probability that rises with ``z`` (``discrimination`` sets how
    steeply) and is then disclosed with probability ``disclosure``: the share of true answers
    a person can safely give at that moment (a perpetrator nearby, fear of consequences or an
    officer's manner all lower it). Incidents in the last 12 months, a practitioner's
    professional concern, and a Marac referral in the last 12 months are also drawn, each
    more likely as ``z`` rises.

    Returns
    -------
    pandas.DataFrame
        ``person``, ``high_risk``, ``score`` (0 to ``questions``), ``incidents_12m``,
        ``professional_concern``, ``referred_last_12m``.

    Examples
    --------
    >>> c = synthetic_cohort(500, seed=3)
    >>> bool(c["score"].between(0, 24).all()), round(float(c["high_risk"].mean()), 2)
    (True, 0.1)
    >>> synthetic_cohort(500, disclosure=1.5)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: disclosure must be a share between 0 and 1; got 1.5
    """
    import pandas as pd

    n = check_whole("n", n, 1, 1_000_000, "people")
    q = check_whole("questions", questions, 1, 100, "questions")
    share = check_share("high_risk_share", high_risk_share, allow_zero=False)
    disclose = check_share("disclosure", disclosure)
    check_number("discrimination", discrimination, strict=False)
    if not 0 <= discrimination <= 5:
        raise ModelError(f"discrimination must be between 0 and 5; got {discrimination:g}")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(n)
    high = z >= np.quantile(z, 1 - share)
    # questions range from common (asked of everyone, often yes) to rare (strangulation,
    # threats to kill): per-question offsets spread evenly on the logit scale
    offsets = np.linspace(0.4, -2.6, q)
    p_yes = 1 / (1 + np.exp(-(offsets[None, :] + discrimination * z[:, None])))
    answers = rng.random((n, q)) < p_yes * disclose
    incidents = rng.poisson(np.exp(-0.9 + 0.7 * z))
    concern = rng.random(n) < 1 / (1 + np.exp(-(-3.6 + 1.6 * z)))
    referred_before = rng.random(n) < 1 / (1 + np.exp(-(-3.4 + 1.2 * z)))
    return pd.DataFrame(
        {
            "person": np.arange(1, n + 1),
            "high_risk": high,
            "score": answers.sum(axis=1),
            "incidents_12m": incidents,
            "professional_concern": concern,
            "referred_last_12m": referred_before,
        }
    )


def referrals(
    cohort: pd.DataFrame,
    *,
    threshold: int = 14,
    judgement: bool = True,
    escalation_incidents: int | None = 3,
    repeat: bool = True,
) -> pd.DataFrame:
    """Apply the Marac referral routes to a cohort: who is referred, and by which route.

    The routes are checked in the order of :data:`ROUTES`; ``route`` names the first that
    applies (empty if none). ``escalation_incidents=None`` switches that route off.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"score": [15, 9, 4], "incidents_12m": [0, 4, 0],
    ...     "professional_concern": [False, False, True], "referred_last_12m": [False] * 3,
    ...     "high_risk": [True, True, False]})
    >>> referrals(people)["route"].tolist()
    ['visible high risk', 'potential escalation', 'professional judgement']
    >>> referrals(people, threshold=0)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: threshold must be a whole number of yes answers between 1 and 100; got 0
    """  # noqa: E501
    threshold = check_whole("threshold", threshold, 1, 100, "yes answers")
    missing = {"score", "incidents_12m", "professional_concern", "referred_last_12m"} - set(
        cohort.columns
    )
    if missing:
        raise ModelError(
            f"cohort has no column(s) {', '.join(sorted(missing))} "
            f"(columns: {', '.join(map(str, cohort.columns))})"
        )
    if escalation_incidents is not None:
        escalation_incidents = check_whole("escalation_incidents", escalation_incidents, 1, 100,
                                      "incidents")  # fmt: skip
    checks = [
        cohort["score"].to_numpy() >= threshold,
        cohort["professional_concern"].to_numpy(dtype=bool) & judgement,
        (cohort["incidents_12m"].to_numpy() >= escalation_incidents)
        if escalation_incidents is not None
        else np.zeros(len(cohort), dtype=bool),
        cohort["referred_last_12m"].to_numpy(dtype=bool) & repeat,
    ]
    route = np.full(len(cohort), "", dtype=object)
    for name, hit in zip(reversed(ROUTES), reversed(checks), strict=True):
        route[hit] = name  # the earliest route listed wins
    out = cohort.copy()
    out["route"] = route
    out["referred"] = route != ""
    return out


def threshold_table(
    cohort: pd.DataFrame,
    *,
    thresholds: Iterable[int] = range(5, 25),
    judgement: bool = True,
    escalation_incidents: int | None = 3,
    repeat: bool = True,
) -> pd.DataFrame:
    """For each threshold: how many are referred, and how many people at high risk are missed.

    Columns: ``threshold``, ``referred``, ``high_risk_referred``, ``high_risk_missed``,
    ``referred_not_high_risk``, ``share_high_risk_referred``, and ``by_score_alone`` (the
    people at high risk the score itself would refer).
    """
    import pandas as pd

    if "high_risk" not in cohort.columns:
        raise ModelError("cohort has no column high_risk (make it with synthetic_cohort)")
    high = cohort["high_risk"].to_numpy(dtype=bool)
    rows = []
    for t in thresholds:
        r = referrals(cohort, threshold=t, judgement=judgement,
                      escalation_incidents=escalation_incidents, repeat=repeat)  # fmt: skip
        referred = r["referred"].to_numpy()
        rows.append({
            "threshold": int(t),
            "referred": int(referred.sum()),
            "high_risk_referred": int((referred & high).sum()),
            "high_risk_missed": int((~referred & high).sum()),
            "referred_not_high_risk": int((referred & ~high).sum()),
            "share_high_risk_referred": float((referred & high).sum() / max(high.sum(), 1)),
            "by_score_alone": int(((r["score"].to_numpy() >= t) & high).sum()),
        })  # fmt: skip
    if not rows:
        raise ModelError("thresholds must list at least one threshold")
    return pd.DataFrame(rows)


def threshold_figure(
    table: pd.DataFrame,
    *,
    current: int | None = 14,
    source: str = "synthetic cohort: toolkit.risk.synthetic_cohort (invented numbers)",
) -> go.Figure:
    """People at high risk referred and missed, and all referrals, against the threshold."""
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_scatter(x=table["threshold"], y=table["referred"], name="all referrals (Marac load)",
                    line={"color": _BLUE})  # fmt: skip
    fig.add_scatter(x=table["threshold"], y=table["high_risk_referred"],
                    name="people at high risk referred", line={"color": _GREEN})  # fmt: skip
    fig.add_scatter(x=table["threshold"], y=table["high_risk_missed"],
                    name="people at high risk missed",
                    line={"color": _ORANGE, "dash": "dash"})  # fmt: skip
    shapes = []
    if current is not None:
        shapes.append({"type": "line", "x0": current, "x1": current, "y0": 0, "y1": 1,
                       "yref": "paper", "line": {"color": _GREY, "dash": "dot"}})  # fmt: skip
    # The legend goes above the plot, outside it, so it never covers a line.
    legend, title, top = legend_above([trace.name for trace in fig.data])
    fig.update_layout(
        title={"text": "Who a referral threshold reaches (synthetic cohort)", **title},
        xaxis={"title": {"text": "referral threshold (yes answers)"}},
        yaxis={"title": {"text": "people"}},
        shapes=shapes,
        legend=legend,
        plot_bgcolor="white",
        **source_layout(source, plot_height=250, top=top),
    )
    text = "Referrals and people at high risk referred or missed, for each threshold."
    if current is not None and (table["threshold"] == current).any():
        row = table[table["threshold"] == current].iloc[0]
        referred, caught = int(row["referred"]), int(row["high_risk_referred"])
        missed, alone = int(row["high_risk_missed"]), int(row["by_score_alone"])
        text += (
            f" At {current}: {referred} referrals; {caught} of {caught + missed} people at high "
            f"risk referred ({row['share_high_risk_referred']:.0%}), {alone} of them by the "
            f"score alone; {missed} missed."
        )
    fig.update_layout(meta={"description": text})
    return fig


def threshold_explorer(*, n: int = 2000, seed: int = 0, threshold: int = 14) -> Any:
    """Sliders for the threshold and for disclosure, and switches for the other routes.

    Callbacks only call :func:`synthetic_cohort`, :func:`threshold_table` and
    :func:`threshold_figure`, and update a FigureWidget in place.
    """
    import ipywidgets as widgets
    import plotly.graph_objects as go

    style = {"description_width": "initial"}
    # One label width for both sliders, so the tracks line up and neither is squeezed.
    slider_style, row = slider_layout(["Threshold", "Safe to disclose (share)"])
    controls = {
        "threshold": widgets.IntSlider(value=threshold, min=5, max=24, description="Threshold",
                                       continuous_update=False, style=slider_style,
                                       layout=widgets.Layout(**row)),
        "disclosure": widgets.FloatSlider(value=0.85, min=0.3, max=1.0, step=0.05,
                                          description="Safe to disclose (share)",
                                          continuous_update=False, style=slider_style,
                                          layout=widgets.Layout(**row)),
        "judgement": widgets.Checkbox(value=True, description="professional judgement route",
                                      style=style, layout=widgets.Layout(width="auto")),
        "escalation": widgets.Checkbox(value=True, description="potential escalation route",
                                       style=style, layout=widgets.Layout(width="auto")),
        "repeat": widgets.Checkbox(value=True, description="repeat referral route",
                                   style=style, layout=widgets.Layout(width="auto")),
    }  # fmt: skip

    def build() -> go.Figure:
        cohort = synthetic_cohort(n, seed=seed, disclosure=controls["disclosure"].value)
        table = threshold_table(
            cohort,
            judgement=controls["judgement"].value,
            escalation_incidents=3 if controls["escalation"].value else None,
            repeat=controls["repeat"].value,
        )
        return threshold_figure(table, current=controls["threshold"].value)

    first = build()
    fig = go.FigureWidget(first)
    caption = widgets.HTML(f"<p><em>{html.escape(first.layout.meta['description'])}</em></p>")

    def update(_: Any) -> None:
        new = build()
        with fig.batch_update():
            for trace, fresh in zip(fig.data, new.data, strict=True):
                trace.y = fresh.y
            fig.layout.shapes = new.layout.shapes
            fig.layout.meta = new.layout.meta
        caption.value = f"<p><em>{html.escape(new.layout.meta['description'])}</em></p>"

    for control in controls.values():
        control.observe(update, names="value")
    caption.add_class("everycall-live-only")  # a handout prints it as the figure's caption
    caption.add_class(ANNOUNCE)  # the result in words, read out as the controls move
    box = widgets.VBox([*controls.values(), fig, caption])
    box.add_class("everycall-threshold-explorer")
    return box


# --------------------------------------------------------------------------- Idvas


def idva_caseload(
    *,
    cases_per_year: float,
    idvas: float,
    caseload: Iterable[float] = (60, 70),
) -> pd.DataFrame:
    """Idvas needed for ``cases_per_year`` high-risk cases, and what ``idvas`` in post can take.

    One row per caseload value: ``idvas_needed`` (rounded up), ``coverage`` (in post as a
    share of needed), ``cases_supported`` (in post x caseload, at most the cases),
    ``cases_without_an_idva`` and ``cases_per_idva`` (if every case were taken on).

    Examples
    --------
    >>> idva_caseload(cases_per_year=1300, idvas=12)[["caseload", "idvas_needed",
    ...     "cases_without_an_idva"]].values.tolist()
    [[60.0, 22.0, 580.0], [70.0, 19.0, 460.0]]
    >>> idva_caseload(cases_per_year=1300, idvas=12, caseload=[0])
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: caseload must be a finite number greater than 0; got 0
    """
    import pandas as pd

    cases = check_number("cases_per_year", cases_per_year, strict=False)
    staff = check_number("idvas", idvas, strict=False)
    rows = []
    for c in caseload:
        c = check_number("caseload", c)
        needed = math.ceil(cases / c)
        supported = min(cases, staff * c)
        rows.append({
            "caseload": float(c),
            "idvas_needed": float(needed),
            "idvas_in_post": staff,
            "coverage": staff / needed if needed else 1.0,
            "cases_supported": float(supported),
            "cases_without_an_idva": float(cases - supported),
            "cases_per_idva": cases / staff if staff else math.inf,
        })  # fmt: skip
    if not rows:
        raise ModelError("caseload must list at least one value (SafeLives recommends 60 to 70)")
    return pd.DataFrame(rows)


def idva_figure(
    *,
    in_post: float,
    needed: float,
    source: str,
    in_post_words: str | None = None,
    needed_words: str | None = None,
    share_words: str | None = None,
    areas_below_half: int | None = None,
    areas_below_quarter: int | None = None,
    areas_total: int | None = None,
) -> go.Figure:
    """Idvas in post against the number needed, with the force areas furthest short.

    The description (``layout.meta["description"]``) says the figures in words. When a source
    gives rounded figures ("just under 500", "just half"), pass its own wording so the words
    carry no more precision than the source: a share worked out from rounded numbers (500 of
    930 is 54%) would claim more than it says.

    Parameters
    ----------
    in_post, needed : float
        Idvas in post and Idvas needed: the bar heights.
    source : str
        The source line printed under the chart (every figure in it must come from there).
    in_post_words, needed_words : str, optional
        The source's wording for each number, for example ``"just under 500"``; it must
        contain the number (``in_post`` written as a whole number, with or without a thousands
        comma). It replaces the bare number on the bar and in the description.
    share_words : str, optional
        The source's wording for in post as a share of needed, read before "the capacity
        required" (for example ``"about half"``). Without it the share is worked out
        (``"54% of"``).
    areas_below_half, areas_below_quarter : int, optional
        Police force areas with under half, and under a quarter, of the capacity required.
    areas_total : int, optional
        How many areas those counts are out of. Pass it only if ``source`` also gives it.

    Examples
    --------
    >>> fig = idva_figure(in_post=500, needed=930, source="SafeLives",
    ...                   in_post_words="just under 500", needed_words="an estimated 930",
    ...                   share_words="about half", areas_below_half=20)
    >>> print(fig.layout.meta["description"])
    Just under 500 Idvas were in post against an estimated 930 needed: about half the \
capacity required. 20 police force areas had under half.
    >>> idva_figure(in_post=12, needed=20, source="local figures").layout.meta["description"]
    '12 Idvas were in post against 20 needed: 60% of the capacity required.'
    >>> idva_figure(in_post=500, needed=930, source="x", in_post_words="about 450")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: in_post_words must contain the number it describes (500); got 'about 450'
    >>> idva_figure(in_post=1, needed=0, source="x")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: needed must be a finite number greater than 0; got 0
    """  # noqa: E501
    import plotly.graph_objects as go

    in_post = check_number("in_post", in_post, strict=False)
    needed = check_number("needed", needed)
    post_text = _number_words("in_post_words", in_post_words, in_post)
    need_text = _number_words("needed_words", needed_words, needed)
    if share_words is not None and (not isinstance(share_words, str) or not share_words.strip()):
        raise ModelError(f"share_words must be some words, such as 'about half'; got "
                         f"{share_words!r}")  # fmt: skip
    share = share_words.strip() if share_words else f"{in_post / needed:.0%} of"
    fig = go.Figure(
        go.Bar(x=["in post", "needed"], y=[in_post, needed], marker_color=[_BLUE, _GREY],
               text=[post_text, need_text], textposition="outside")
    )  # fmt: skip
    text = (
        f"{post_text[:1].upper()}{post_text[1:]} Idvas were in post against {need_text} needed: "
        f"{share} the capacity required."
    )
    if areas_below_half is not None:
        of = f" of {areas_total}" if areas_total else ""
        text += f" {areas_below_half}{of} police force areas had under half"
        if areas_below_quarter is not None:
            text += f", and {areas_below_quarter} under a quarter"
        text += "."
    fig.update_layout(
        title={"text": "Idvas for high-risk victim-survivors: in post and needed"},
        yaxis={"title": {"text": "Idvas"}, "range": [0, needed * 1.2]},
        plot_bgcolor="white",
        meta={"description": text},
        # the x axis has two short labels and no title
        **source_layout(source, plot_height=230, axis=36),
    )
    return fig


def _number_words(name: str, words: str | None, value: float) -> str:
    """The source's words for ``value``, checked to name it; the bare number without them."""
    number = f"{value:,.0f}"
    if words is None:
        return number
    if not isinstance(words, str) or not {number, number.replace(",", "")} & set(
        re.findall(r"\d[\d,]*", words)
    ):
        raise ModelError(f"{name} must contain the number it describes ({number}); got {words!r}")
    return words.strip()
