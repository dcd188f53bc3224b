"""HMIC's findings and how the picture moved: sourced figures over time, ready to show.

Helpers for notebook 03 over the data package's tables (:func:`toolkit.data.load_hmic`,
:func:`toolkit.data.load_trends`, :func:`toolkit.data.load_hmic_findings`): every value shown
keeps its source, secondary sources (news reports and summaries of a primary report) are
marked, and each figure carries a text description for screen readers and printed handouts.

Examples
--------
>>> import pandas as pd
>>> trends = pd.DataFrame({"measure": ["arrests_per_100_da_crimes"] * 2, "value": [46.0, 33.0],
...     "unit": ["per 100 crimes"] * 2, "period": ["YE Jun 2017", "YE Mar 2020"],
...     "period_end": pd.to_datetime(["2017-06-30", "2020-03-31"]), "note": ["", ""],
...     "secondary": [False, False], "source_id": ["ons-2017", "ons-2020"]})
>>> describe_trend(trends, "arrests_per_100_da_crimes")
'Arrests per 100 domestic abuse-related crimes: 46 per 100 crimes (YE Jun 2017) to 33 per 100 crimes (YE Mar 2020), 2 figures. Sources: ons-2017, ons-2020.'
>>> describe_trend(trends, "arests")
Traceback (most recent call last):
...
toolkit.errors.ModelError: no trend figures for measure "arests"; did you mean "arrests_per_100_da_crimes"? Measures: arrests_per_100_da_crimes
"""  # noqa: E501

from __future__ import annotations

import difflib
import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from toolkit.errors import ModelError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = [
    "LABELS",
    "describe_trend",
    "figures_table",
    "findings_markdown",
    "trend_explorer",
    "trend_figure",
]

LABELS: dict[str, str] = {
    "da_related_crimes": "Police-recorded domestic abuse-related crimes",
    "arrests_per_100_da_crimes": "Arrests per 100 domestic abuse-related crimes",
    "marac_cases": "Marac cases",
    "marac_cases_per_10000_women": "Marac cases per 10,000 adult women",
    "da_share_of_recorded_crime": "Domestic abuse share of all recorded crime",
    "coercive_control_offences": "Recorded coercive or controlling behaviour offences",
    "da_charge_rate": "Domestic abuse charge rate",
    "da_related_crimes_change": "Change in recorded domestic abuse-related crimes on a year before",
    "cps_da_charge_rate": "CPS charge rate for domestic abuse-related cases referred",
    "dvds_right_to_know_disclosures": "Clare's Law: Right to Know disclosures",
    "dvds_right_to_ask_disclosures": "Clare's Law: Right to Ask disclosures",
}
_BLUE = "#0072B2"


def _source_note(text: str, width: int = 110) -> str:
    """Escape a source note for a plotly annotation and wrap it onto lines (plotly's <br>)."""
    import textwrap

    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width)) or ""


def _label(measure: str) -> str:
    return LABELS.get(measure, measure.replace("_", " ").capitalize())


def _series(trends: pd.DataFrame, measure: str) -> pd.DataFrame:
    needed = {"measure", "value", "period", "period_end", "source_id"}
    missing = needed - set(trends.columns)
    if missing:
        raise ModelError(
            f"trends table has no column(s) {', '.join(sorted(missing))} "
            f"(columns: {', '.join(map(str, trends.columns))})"
        )
    known = sorted(trends["measure"].dropna().unique())
    rows = trends[trends["measure"] == measure]
    if rows.empty:
        close = difflib.get_close_matches(measure, known, n=1, cutoff=0.3)
        hint = f'; did you mean "{close[0]}"?' if close else "."
        raise ModelError(
            f'no trend figures for measure "{measure}"{hint} Measures: {", ".join(known)}'
        )
    return rows.sort_values("period_end").reset_index(drop=True)


def _value_text(value: float, unit: str | None) -> str:
    unit = "" if unit is None or unit != unit else str(unit)
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if unit in ("%", "percent"):
        return f"{number}%"
    return f"{number} {unit}".strip()


def describe_trend(trends: pd.DataFrame, measure: str) -> str:
    """A one-sentence text alternative for a trend: first and last values, and sources."""
    rows = _series(trends, measure)
    unit = rows["unit"].iloc[0] if "unit" in rows.columns else None
    first, last = rows.iloc[0], rows.iloc[-1]
    text = (
        f"{_label(measure)}: {_value_text(first['value'], unit)} ({first['period']}) to "
        f"{_value_text(last['value'], unit)} ({last['period']}), {len(rows)} figures."
    )
    if "secondary" in rows.columns and rows["secondary"].fillna(False).astype(bool).any():
        text += " Open markers come from secondary sources."
    ids = list(dict.fromkeys(rows["source_id"]))
    return f"{text} Sources: {', '.join(ids)}."


def trend_figure(
    trends: pd.DataFrame,
    measure: str,
    *,
    cite: Callable[[str], str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """One measure over time, every point hovering its period, note and source.

    Parameters
    ----------
    trends : DataFrame
        From :func:`toolkit.data.load_trends` (or the same columns).
    measure : str
        A value of the ``measure`` column.
    cite : callable, optional
        Turns a source id into a reference for the hover text (for example
        :func:`toolkit.data.cite`); by default the id itself is shown.
    """
    import plotly.graph_objects as go

    rows = _series(trends, measure)
    cite = cite or (lambda sid: sid)
    unit = rows["unit"].iloc[0] if "unit" in rows.columns else ""
    secondary = (
        rows["secondary"].fillna(False).astype(bool)
        if "secondary" in rows.columns
        else rows["value"].isna() & False
    )
    notes = rows["note"].fillna("") if "note" in rows.columns else [""] * len(rows)
    hover = [
        f"{p}: {_value_text(v, unit)}" + (f"<br>{html.escape(str(n))}" if n else "")
        + f"<br>Source: {html.escape(cite(s))}" + (" (secondary)" if sec else "")
        for p, v, n, s, sec in zip(rows["period"], rows["value"], notes, rows["source_id"],
                                   secondary, strict=True)
    ]  # fmt: skip
    fig = go.Figure(
        go.Scatter(
            x=rows["period_end"], y=rows["value"].astype(float), mode="lines+markers",
            line={"color": _BLUE},
            marker={"size": 10, "color": [("white" if s else _BLUE) for s in secondary],
                    "line": {"color": _BLUE, "width": 2}},
            hovertext=hover, hoverinfo="text", name=_label(measure),
        )
    )  # fmt: skip
    ids = list(dict.fromkeys(rows["source_id"]))
    fig.update_layout(
        title={"text": title or _label(measure)},
        xaxis={"title": {"text": "end of period"}},
        yaxis={"title": {"text": str(unit)}, "rangemode": "tozero"},
        height=400,
        plot_bgcolor="white",
        meta={"description": describe_trend(trends, measure)},
        margin={"l": 70, "r": 20, "t": 60, "b": 100},
        annotations=[{"text": _source_note("Sources: " + "; ".join(ids)), "showarrow": False,
                      "xref": "paper", "yref": "paper", "x": 0, "y": -0.25, "yanchor": "top",
                      "xanchor": "left", "align": "left", "font": {"size": 11}}],
    )  # fmt: skip
    return fig


def trend_explorer(
    trends: pd.DataFrame,
    measures: Sequence[str] | None = None,
    *,
    cite: Callable[[str], str] | None = None,
) -> Any:
    """A drop-down of measures that redraws one FigureWidget in place, with its description."""
    import ipywidgets as widgets
    import plotly.graph_objects as go

    choices = list(measures or dict.fromkeys(trends["measure"]))
    if not choices:
        raise ModelError("no measures to show: the trends table is empty")
    menu = widgets.Dropdown(options=[(_label(m), m) for m in choices], value=choices[0],
                            description="Measure", style={"description_width": "initial"},
                            layout=widgets.Layout(width="95%"))  # fmt: skip
    first = trend_figure(trends, choices[0], cite=cite)
    fig = go.FigureWidget(first)
    caption = widgets.HTML(f"<p><em>{html.escape(first.layout.meta['description'])}</em></p>")

    def update(change: dict[str, Any]) -> None:
        new = trend_figure(trends, change["new"], cite=cite)
        with fig.batch_update():
            trace, fresh = fig.data[0], new.data[0]
            trace.x, trace.y, trace.hovertext = fresh.x, fresh.y, fresh.hovertext
            trace.marker.color, trace.name = fresh.marker.color, fresh.name
            fig.layout.title.text = new.layout.title.text
            fig.layout.yaxis.title.text = new.layout.yaxis.title.text
            fig.layout.annotations = new.layout.annotations
            fig.layout.meta = new.layout.meta
        caption.value = f"<p><em>{html.escape(new.layout.meta['description'])}</em></p>"

    menu.observe(update, names="value")
    caption.add_class("everycall-live-only")  # a handout prints it as the figure's caption
    box = widgets.VBox([menu, fig, caption])
    box.add_class("everycall-trend-explorer")
    return box


def figures_table(figures: pd.DataFrame, *, report_id: str | None = None) -> pd.DataFrame:
    """Headline figures ready to read: what was measured, the value, the period, the source.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"report_id": ["hmic-2014"], "measure": ["forces_responding_well"],
    ...     "value": [8.0], "unit": ["of 43 forces"], "qualifier": ["exact"],
    ...     "period": ["2013"], "description": ["Forces judged to be responding well"],
    ...     "secondary": [True], "source_id": ["bbc-2014-hmic"]})
    >>> figures_table(f).iloc[0].tolist()
    ['Forces judged to be responding well', '8 of 43 forces', '2013', 'bbc-2014-hmic (secondary)']
    >>> figures_table(f, report_id="hmic-2041")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: no figures for report "hmic-2041"; reports: hmic-2014
    """
    import pandas as pd

    rows = figures
    if report_id is not None:
        rows = figures[figures["report_id"] == report_id]
        if rows.empty:
            known = ", ".join(dict.fromkeys(figures["report_id"]))
            raise ModelError(f'no figures for report "{report_id}"; reports: {known}')
    from toolkit._load import figure_text  # the same wording as toolkit.data.for_display

    def value(row: pd.Series) -> str:
        return figure_text(
            row["value"], row.get("unit"), row.get("qualifier"), row.get("value_high")
        )

    secondary = rows.get("secondary", pd.Series(False, index=rows.index)).fillna(False)
    return pd.DataFrame(
        {
            "figure": rows["description"].tolist(),
            "value": [value(r) for _, r in rows.iterrows()],
            "period": rows["period"].tolist(),
            "source": [s + (" (secondary)" if sec else "")
                       for s, sec in zip(rows["source_id"], secondary, strict=True)],
        }
    )  # fmt: skip


def findings_markdown(findings: pd.DataFrame, *, report_id: str = "hmic-2014") -> str:
    """Findings grouped by theme as markdown, each with its source id in brackets."""
    rows = findings[findings["report_id"] == report_id]
    if rows.empty:
        known = ", ".join(dict.fromkeys(findings["report_id"]))
        raise ModelError(f'no findings for report "{report_id}"; reports: {known}')
    parts = []
    for theme, group in rows.groupby("theme", sort=False):
        parts.append(f"**{str(theme).capitalize()}**\n")
        parts.extend(f"- {f} [{s}]" for f, s in zip(group["finding"], group["source_id"],
                                                      strict=True))  # fmt: skip
        parts.append("")
    return "\n".join(parts).strip()
