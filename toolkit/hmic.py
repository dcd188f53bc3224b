"""HMIC's findings and how the picture moved: sourced figures over time, ready to show.

Helpers for notebook 03 over the data package's tables (:func:`toolkit.data.load_hmic`,
:func:`toolkit.data.load_trends`, :func:`toolkit.data.load_hmic_findings`,
:func:`toolkit.data.load_hmic_recommendations`, :func:`toolkit.data.load_hmic_reports`): every
value shown keeps its source as a readable citation (title, publisher, date, URL, from
:func:`toolkit.data.cite` unless another ``cite`` is given), secondary sources (news reports and
summaries of a primary report) are marked, and each figure carries a text description for
screen readers and printed handouts.

Examples
--------
>>> import pandas as pd
>>> trends = pd.DataFrame({"measure": ["arrests_per_100_da_crimes"] * 2, "value": [46.0, 33.0],
...     "unit": ["per 100 crimes"] * 2, "period": ["YE Jun 2017", "YE Mar 2020"],
...     "period_end": pd.to_datetime(["2017-06-30", "2020-03-31"]), "note": ["", ""],
...     "secondary": [False, False], "source_id": ["ons-2017", "ons-2020"]})
>>> print(describe_trend(trends, "arrests_per_100_da_crimes"))
Arrests per 100 domestic abuse-related crimes: 46 per 100 crimes (YE Jun 2017) to 33 per 100 crimes (YE Mar 2020), 2 figures. Sources: Domestic abuse in England and Wales: year ending March 2017, Office for National Statistics, 23 November 2017; Domestic abuse and the criminal justice system, England and Wales: November 2020, Office for National Statistics, November 2020.
>>> describe_trend(trends, "arests")
Traceback (most recent call last):
...
toolkit.errors.ModelError: no trend figures for measure "arests"; did you mean "arrests_per_100_da_crimes"? Measures: arrests_per_100_da_crimes
"""  # noqa: E501

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from toolkit.core.access import ANNOUNCE
from toolkit.core.figures import note_layout, note_lines
from toolkit.core.tables import display_table
from toolkit.data import cite as data_cite
from toolkit.data import figure_text
from toolkit.errors import ModelError

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = [
    "LABELS",
    "describe_trend",
    "figures_table",
    "findings_markdown",
    "recommendations_table",
    "reports_table",
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
_NO_BASE = "base not given"
_NOTE_FONT = 10  # px: the footnote of sources under a trend chart
_PLOT_HEIGHT = 280  # px for the plotting area, between the title margin and the x axis
# px: title margin, left margin, and room under the plot for the x tick labels (pushed 8 px
# down, clear of the y axis's "0") and the x axis title
_TOP, _LEFT, _TICK_GAP = 60, 70, 8
_AXIS = 60 + _TICK_GAP

Cite = Callable[[str], str]


def _citer(cite: Cite | None) -> Cite:
    """The function that turns a source id into a reference: ``cite`` or toolkit.data.cite."""
    if cite is not None:
        return cite

    return data_cite


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


def _secondary(rows: pd.DataFrame) -> pd.Series:
    import pandas as pd

    if "secondary" not in rows.columns:
        return pd.Series(False, index=rows.index)
    return rows["secondary"].fillna(False).astype(bool)


def _value_text(value: float, unit: str | None) -> str:
    unit = "" if unit is None or unit != unit else str(unit)
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if unit in ("%", "percent"):
        return f"{number}%"
    return f"{number} {unit}".strip()


def _base_runs(rows: pd.DataFrame) -> list[tuple[int, int, str]]:
    """Runs of consecutive rows counted over the same base, as (start, stop, base).

    The ``base`` column says what a figure is counted over when that changes within a measure
    (for example "39 forces"); one run means the base never changes (or is not given).
    """
    bases = (
        rows["base"].fillna("").astype(str).str.strip().tolist()
        if "base" in rows.columns
        else [""] * len(rows)
    )
    runs: list[tuple[int, int, str]] = []
    for i, base in enumerate(bases):
        if runs and runs[-1][2] == base:
            runs[-1] = (runs[-1][0], i + 1, base)
        else:
            runs.append((i, i + 1, base))
    return runs


def _base_sentence(rows: pd.DataFrame) -> str:
    """A sentence on where the base changes, or "" when it does not."""
    runs = _base_runs(rows)
    if len(runs) < 2:
        return ""
    periods = rows["period"].astype(str).tolist()
    parts = [
        f"{base or _NO_BASE} ({periods[a]}" + (f" to {periods[b - 1]})" if b - a > 1 else ")")
        for a, b, base in runs
    ]
    return (
        f" The figures are not all counted over the same base: {'; '.join(parts)}. Only figures "
        "on the same base are joined by a line, and a dotted line marks each change."
    )


def _source_list(rows: pd.DataFrame, cite: Cite, *, links: bool = True) -> list[str]:
    """Each distinct source of the rows as a reference, marked when it is secondary; with
    ``links=False`` a URL that ends the reference is left off."""
    secondary = _secondary(rows)
    ids = list(dict.fromkeys(rows["source_id"]))
    refs = [cite(sid) if links else re.sub(r",?\s*https?://\S+$", "", cite(sid)) for sid in ids]
    return [
        ref + (" (secondary)" if secondary[rows["source_id"] == sid].any() else "")
        for ref, sid in zip(refs, ids, strict=True)
    ]


def describe_trend(trends: pd.DataFrame, measure: str, *, cite: Cite | None = None) -> str:
    """A one-sentence text alternative for a trend: first and last values, and sources.

    Each source is given by title, publisher and date; its URL is left out, so that the
    sentence reads well aloud and fits a printed caption (the chart's footnote and the
    notebook's Sources cell give the URLs).

    Parameters
    ----------
    trends : DataFrame
        From :func:`toolkit.data.load_trends` (or the same columns).
    measure : str
        A value of the ``measure`` column.
    cite : callable, optional
        Turns a source id into a reference; :func:`toolkit.data.cite` (title, publisher,
        date, URL) by default. A URL at the end of the reference is left out.
    """
    rows = _series(trends, measure)
    unit = rows["unit"].iloc[0] if "unit" in rows.columns else None
    first, last = rows.iloc[0], rows.iloc[-1]
    text = (
        f"{_label(measure)}: {_value_text(first['value'], unit)} ({first['period']}) to "
        f"{_value_text(last['value'], unit)} ({last['period']}), {len(rows)} figures."
    )
    text += _base_sentence(rows)
    if _secondary(rows).any():
        text += " Open markers come from secondary sources."
    return f"{text} Sources: {'; '.join(_source_list(rows, _citer(cite), links=False))}."


def _footnote(sources: Sequence[str]) -> list[str]:
    """The lines of the footnote under a trend chart: the sources, one bullet each, wrapped."""
    lines = ["Sources:"]
    for source in sources:
        wrapped = note_lines(source, _NOTE_FONT)
        lines.extend(("• " if i == 0 else "  ") + line for i, line in enumerate(wrapped))
    return lines


def trend_figure(
    trends: pd.DataFrame,
    measure: str,
    *,
    cite: Cite | None = None,
    title: str | None = None,
) -> go.Figure:
    """One measure over time, every point hovering its period, note and source.

    Under the chart a footnote gives every source in full (title, publisher, date and URL),
    so a static or printed copy of the chart still carries its citations; the figure grows
    taller to fit them. The description names the sources without their URLs.

    Parameters
    ----------
    trends : DataFrame
        From :func:`toolkit.data.load_trends` (or the same columns).
    measure : str
        A value of the ``measure`` column.
    cite : callable, optional
        Turns a source id into a reference for the hover text, the footnote and the
        description; :func:`toolkit.data.cite` by default.
    title : str, optional
        The chart's title; the measure's label by default.

    Returns
    -------
    plotly.graph_objects.Figure
        With ``layout.meta["description"]`` holding the text alternative
        (:func:`describe_trend`).

    Examples
    --------
    >>> from toolkit.data import load_trends
    >>> fig = trend_figure(load_trends(), "marac_cases_per_10000_women")
    >>> fig.layout.annotations[0].text.split("<br>")[:2]
    ['Sources:', '• Domestic abuse in England and Wales: year ending March 2017, Office for National Statistics, 23 November 2017,']
    >>> trend_figure(load_trends(), "marac_per_10000")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: no trend figures for measure "marac_per_10000"; did you mean "marac_cases_per_10000_women"? Measures: arrests_per_100_da_crimes, coercive_control_offences, cps_da_charge_rate, da_related_crimes, da_related_crimes_change, da_share_of_recorded_crime, dvds_right_to_ask_disclosures, dvds_right_to_know_disclosures, marac_cases, marac_cases_per_10000_women
    """  # noqa: E501
    import plotly.graph_objects as go

    rows = _series(trends, measure)
    cite = _citer(cite)
    unit = rows["unit"].iloc[0] if "unit" in rows.columns else ""
    secondary = _secondary(rows)
    notes = rows["note"].fillna("") if "note" in rows.columns else [""] * len(rows)
    runs = _base_runs(rows)
    bases = [base for a, b, base in runs for _ in range(a, b)]
    hover = [
        f"{p}: {_value_text(v, unit)}" + (f"<br>Counted in: {html.escape(b)}" if b else "")
        + (f"<br>{html.escape(str(n))}" if n else "")
        + f"<br>Source: {html.escape(cite(s))}" + (" (secondary)" if sec else "")
        for p, v, b, n, s, sec in zip(rows["period"], rows["value"], bases, notes,
                                      rows["source_id"], secondary, strict=True)
    ]  # fmt: skip
    # One line through every point when the base never changes; otherwise the points alone,
    # with a line through each run of figures on the same base, drawn under the markers.
    fig = go.Figure(
        go.Scatter(
            x=rows["period_end"], y=rows["value"].astype(float),
            mode="lines+markers" if len(runs) == 1 else "markers",
            line={"color": _BLUE}, zorder=1,
            marker={"size": 10, "color": [("white" if s else _BLUE) for s in secondary],
                    "line": {"color": _BLUE, "width": 2}},
            hovertext=hover, hoverinfo="text", name=_label(measure),
        )
    )  # fmt: skip
    for start, stop, base in runs:
        if len(runs) > 1 and stop - start > 1:
            fig.add_trace(
                go.Scatter(
                    x=rows["period_end"].iloc[start:stop],
                    y=rows["value"].iloc[start:stop].astype(float),
                    mode="lines", line={"color": _BLUE}, hoverinfo="skip", showlegend=False,
                    name=f"{_label(measure)} ({base})", zorder=0,
                )
            )  # fmt: skip
    fig.update_layout(
        title={"text": title or _label(measure)},
        # x labels 8 px lower: the first date can sit under the y axis's "0"
        xaxis={"title": {"text": "end of period"}, "ticklabelstandoff": _TICK_GAP},
        yaxis={"title": {"text": str(unit)}, "rangemode": "tozero"},
        plot_bgcolor="white", showlegend=False,
        meta={"description": describe_trend(trends, measure, cite=cite)},
        **note_layout(_footnote(_source_list(rows, cite)), plot_height=_PLOT_HEIGHT, top=_TOP,
                       left=_LEFT, axis=_AXIS, font_size=_NOTE_FONT),
    )  # fmt: skip
    _mark_base_changes(fig, rows, runs)
    return fig


def _mark_base_changes(
    fig: go.Figure, rows: pd.DataFrame, runs: list[tuple[int, int, str]]
) -> None:
    """A dotted line between the last figure on one base and the first on the next, labelled
    with both bases near the foot of the plot (clear of the points, which sit higher up)."""
    ends = rows["period_end"]
    for (_, stop, before), (start, _, after) in zip(runs, runs[1:], strict=False):
        x = ends.iloc[stop - 1] + (ends.iloc[start] - ends.iloc[stop - 1]) / 2
        fig.add_shape(
            type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="paper",
            line={"color": "#555555", "width": 1, "dash": "dot"},
        )  # fmt: skip
        fig.add_annotation(
            x=x, xref="x", y=0.04, yref="paper", yanchor="bottom", showarrow=False,
            text=f"{html.escape(before or _NO_BASE)} →<br>{html.escape(after or _NO_BASE)}",
            font={"size": 11, "color": "#333333"}, bgcolor="white",
        )  # fmt: skip


def trend_explorer(
    trends: pd.DataFrame,
    measures: Sequence[str] | None = None,
    *,
    cite: Cite | None = None,
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
        if len(fig.data) != 1 or len(new.data) != 1:
            # a measure whose base changes has a line per run: swap the traces whole
            fig.data = fig.data[:1]
            fig.add_traces(list(new.data[1:]))
        with fig.batch_update():
            trace, fresh = fig.data[0], new.data[0]
            trace.x, trace.y, trace.hovertext = fresh.x, fresh.y, fresh.hovertext
            trace.marker.color, trace.name, trace.mode = fresh.marker.color, fresh.name, fresh.mode
            fig.layout.shapes = new.layout.shapes
            fig.layout.title.text = new.layout.title.text
            fig.layout.yaxis.title.text = new.layout.yaxis.title.text
            fig.layout.annotations = new.layout.annotations
            fig.layout.height, fig.layout.margin.b = new.layout.height, new.layout.margin.b
            fig.layout.meta = new.layout.meta
        caption.value = f"<p><em>{html.escape(new.layout.meta['description'])}</em></p>"

    menu.observe(update, names="value")
    caption.add_class("everycall-live-only")  # a handout prints it as the figure's caption
    caption.add_class(ANNOUNCE)  # read out when another measure is chosen
    box = widgets.VBox([menu, fig, caption])
    box.add_class("everycall-trend-explorer")
    return box


def _blank_index(frame: pd.DataFrame) -> pd.DataFrame:
    """A table learners read, as :func:`toolkit.data.for_display` gives: no index column."""
    import pandas as pd

    frame.index = pd.Index([""] * len(frame))
    return display_table(frame)


def _text(value: Any) -> str:
    import pandas as pd

    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def figures_table(
    figures: pd.DataFrame, *, report_id: str | None = None, cite: Cite | None = None
) -> pd.DataFrame:
    """Headline figures ready to read: what was measured, the value, the period, the source.

    The value keeps the source's own qualifier (*nearly 200 people*, *almost 58,000 victims*,
    *over 500 people*) and its unit; the source is a readable reference, marked
    "(secondary)" when a news report or summary gives someone else's figure. Headings and
    index follow :func:`toolkit.data.for_display`.

    Parameters
    ----------
    figures : DataFrame
        From :func:`toolkit.data.load_hmic` (or the same columns).
    report_id : str, optional
        Only this report's figures.
    cite : callable, optional
        Turns a source id into a reference; :func:`toolkit.data.cite` by default.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"report_id": ["hmic-2014"], "measure": ["professionals_surveyed"],
    ...     "value": [200.0], "unit": ["people"], "qualifier": ["nearly"],
    ...     "period": ["2013 fieldwork"], "description": ["Professionals surveyed"],
    ...     "secondary": [True], "source_id": ["bbc-2014-hmic"]})
    >>> figures_table(f).iloc[0].tolist()
    ['Professionals surveyed', 'nearly 200 people', '2013 fieldwork', 'Police fail domestic abuse victims – HMIC report, BBC News, 27 March 2014, https://www.bbc.co.uk/news/uk-26758565 (secondary)']
    >>> figures_table(f, report_id="hmic-2041")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: no figures for report "hmic-2041"; reports: hmic-2014
    """  # noqa: E501
    import pandas as pd

    rows = figures
    if report_id is not None:
        rows = figures[figures["report_id"] == report_id]
        if rows.empty:
            known = ", ".join(dict.fromkeys(figures["report_id"]))
            raise ModelError(f'no figures for report "{report_id}"; reports: {known}')

    cite = _citer(cite)

    def value(row: pd.Series) -> str:
        return figure_text(
            row["value"], row.get("unit"), row.get("qualifier"), row.get("value_high")
        )

    secondary = _secondary(rows)
    return _blank_index(
        pd.DataFrame(
            {
                "Figure": rows["description"].tolist(),
                "Value": [value(r) for _, r in rows.iterrows()],
                "Period": rows["period"].tolist(),
                "Source": [cite(s) + (" (secondary)" if sec else "")
                           for s, sec in zip(rows["source_id"], secondary, strict=True)],
            }
        )
    )  # fmt: skip


def reports_table(reports: pd.DataFrame, *, cite: Cite | None = None) -> pd.DataFrame:
    """The inspection reports in date order: when, title, national recommendations, source.

    Only rows of kind ``report``: register entries from force inspections are not one report
    and have no one publication date, so they are left out. *Published* is the date as the
    source states it; a blank in *National recommendations* means the number is not confirmed.

    Examples
    --------
    >>> from toolkit.data import load_hmic_reports
    >>> table = reports_table(load_hmic_reports())
    >>> table.iloc[0, :2].tolist()
    ['27 March 2014', "Everyone's business: Improving the police response to domestic abuse"]
    >>> "2016–17" in set(table["Published"])
    False
    >>> reports_table(load_hmic_reports().drop(columns="kind"))
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: reports table has no column(s) kind (columns: report_id, title, publisher, published, period, fieldwork, method, national_recommendations, summary, source_id)
    """  # noqa: E501
    import pandas as pd

    needed = {"kind", "period", "published", "title", "national_recommendations", "source_id"}
    missing = needed - set(reports.columns)
    if missing:
        raise ModelError(
            f"reports table has no column(s) {', '.join(sorted(missing))} "
            f"(columns: {', '.join(map(str, reports.columns))})"
        )
    cite = _citer(cite)
    rows = reports[reports["kind"] == "report"].sort_values("published", kind="stable")
    return _blank_index(
        pd.DataFrame(
            {
                "Published": rows["period"].tolist(),
                "Title": rows["title"].tolist(),
                "National recommendations": [
                    _text(n) for n in rows["national_recommendations"].astype(object)
                ],
                "Source": [cite(s) for s in rows["source_id"]],
            }
        )
    )


def recommendations_table(
    recommendations: pd.DataFrame,
    *,
    report_id: str = "hmic-2014",
    cite: Cite | None = None,
) -> pd.DataFrame:
    """A report's recommendation strands, keeping the inspectorate's deadlines apart from the
    dates of what happened next.

    *Deadline set by the inspectorate* holds only a deadline the report itself set (for the
    2014 report, September 2014 for force action plans). *What happened next* and *When* say
    what government, the College of Policing or others did afterwards and when; those dates
    were never the inspectorate's deadlines.

    Examples
    --------
    >>> from toolkit.data import load_hmic_recommendations
    >>> table = recommendations_table(load_hmic_recommendations())
    >>> table["Deadline set by HMIC"].tolist()
    ['September 2014', '', '', '', '']
    >>> table["When"].tolist()
    ['', '', 'In force from April 2015', 'By mid-2015', '2015']
    >>> recommendations_table(load_hmic_recommendations(), report_id="hmic-2013")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: no recommendations for report "hmic-2013"; reports: hmic-2014, hmic-2014-core, hmicfrs-2021-vawg
    """  # noqa: E501
    import pandas as pd

    rows = recommendations[recommendations["report_id"] == report_id]
    if rows.empty:
        known = ", ".join(dict.fromkeys(recommendations["report_id"]))
        raise ModelError(f'no recommendations for report "{report_id}"; reports: {known}')
    cite = _citer(cite)
    body = "HMIC" if report_id.startswith("hmic-") else "HMICFRS"

    def column(name: str) -> list[str]:
        if name not in rows.columns:
            return [""] * len(rows)
        return [_text(v) for v in rows[name].astype(object)]

    return _blank_index(
        pd.DataFrame(
            {
                "Strand": [_text(v) for v in rows["strand"].astype(object)],
                "Recommendation": rows["title"].tolist(),
                f"What {body} asked for": rows["detail"].tolist(),
                f"Deadline set by {body}": column("deadline_set_by_inspectorate"),
                "What happened next": column("what_happened_next"),
                "When": column("when_it_happened"),
                "Source": [cite(s) for s in rows["source_id"]],
            }
        )
    )


def findings_markdown(
    findings: pd.DataFrame, *, report_id: str = "hmic-2014", cite: Cite | None = None
) -> str:
    """Findings grouped by theme as markdown, each followed by its source in brackets.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"report_id": ["hmic-2014"], "theme": ["evidence at the scene"],
    ...     "finding": ["Evidence gathering was inadequate."], "source_id": ["bbc-2014-hmic"]})
    >>> print(findings_markdown(f))
    **Evidence at the scene**
    <BLANKLINE>
    - Evidence gathering was inadequate. (Police fail domestic abuse victims – HMIC report, BBC News, 27 March 2014, https://www.bbc.co.uk/news/uk-26758565)
    >>> findings_markdown(f, report_id="hmic-2015")
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: no findings for report "hmic-2015"; reports: hmic-2014
    """  # noqa: E501
    rows = findings[findings["report_id"] == report_id]
    if rows.empty:
        known = ", ".join(dict.fromkeys(findings["report_id"]))
        raise ModelError(f'no findings for report "{report_id}"; reports: {known}')
    cite = _citer(cite)
    parts = []
    for theme, group in rows.groupby("theme", sort=False):
        parts.append(f"**{str(theme).capitalize()}**\n")
        parts.extend(f"- {f} ({cite(s)})" for f, s in zip(group["finding"], group["source_id"],
                                                         strict=True))  # fmt: skip
        parts.append("")
    return "\n".join(parts).strip()
