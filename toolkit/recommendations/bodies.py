"""Who recommendations are addressed to, and two figures: bodies by theme, and what became
of national recommendations (see :mod:`toolkit.recommendations`)."""  # noqa: E501

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from toolkit.core.figures import CHAR_EM, left_margin, source_layout
from toolkit.recommendations.coder import NO_THEME, THEMES, _require

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = ["agency_counts", "agency_theme_figure", "by_agency", "implementation_figure"]


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


# --------------------------------------------------------------------------- widget
