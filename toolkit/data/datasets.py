"""The national datasets and the catalog of everything in the data package.

Each loader returns one table of ``data/`` that is not a case, a vocabulary or the sources
list (the rows :func:`catalog` lists as kind ``dataset``): domestic homicide review
recommendations and what became of them, HMIC inspections, national trends, call handling,
services and Marac criteria. They are thin: the typing, checking and caching all happen in
:mod:`toolkit.data.loading`. :func:`catalog` lists every table with its rows and its loader.

Examples
--------
>>> load_trends()["source_id"].isna().any()
np.False_
>>> load_hmic().query("measure == 'no_such_measure'").empty
True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.core.paths import data_dir
from toolkit.data.loading import _count_rows, _package, _resource

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LOADERS",
    "catalog",
    "load_calls",
    "load_dhr_implementation",
    "load_hmic",
    "load_hmic_findings",
    "load_hmic_recommendations",
    "load_hmic_reports",
    "load_marac_criteria",
    "load_recommendations",
    "load_services",
    "load_trends",
]


def load_recommendations() -> pd.DataFrame:
    """Recommendations of domestic homicide reviews, one row each.

    Rows: 35 (the Northampton review, published July 2023; seed ``001_58cfa34b200ccabd.txt``).
    Columns: rec_id (unique), review_id, review, csp, published (Period[M]), year_of_death,
    series (whose numbering the row belongs to), number (the review's own number, which restarts
    per series), text (quoted as data; staff initials redacted), addressed_to (tuple, as the
    review names them), bodies (tuple, one name per organisation, so "Northampton Partnership
    Housing" and "... Homes" count as one), sector (tuple of broad sectors), theme (the course
    team's coding), source_id. Append other reviews' rows to the same CSV.

    Examples
    --------
    >>> recs = load_recommendations()
    >>> len(recs), recs["rec_id"].is_unique
    (35, True)
    >>> recs.loc[recs["rec_id"] == "no-such", "text"].tolist()
    []
    """
    return _resource("recommendations")


def load_dhr_implementation() -> pd.DataFrame:
    """What became of the national recommendations that domestic homicide reviews made.

    Rows: 6. One count (``measure`` national_recommendations: 110 made in 2019 to 2021, most
    addressed to the Home Office), then five shares (``measure`` share_by_status, in percent,
    rounded, so they add up to 99): fully implemented 25, said to be already happening 25, could
    not be traced 21, partly met 20, not met 8. Columns: measure, status (Categorical, in that
    order), value (Float64), unit, qualifier, period, period_end (date), description, secondary
    (bool), source_id, primary_source_id. Source: the Domestic Abuse Commissioner's *Learning
    from loss* (July 2025, ``dac-2025-learning-from-loss``), as reported by The Guardian on 15
    July 2025 (``guardian-2025-learning-from-loss``, a secondary source: every row is marked
    ``secondary``). Pass the share rows to :func:`toolkit.recommendations.implementation_figure`.

    Examples
    --------
    >>> status = load_dhr_implementation().query("measure == 'share_by_status'")
    >>> status[["status", "value"]].values.tolist()[:2]
    [['Fully implemented', 25.0], ['Said to be already happening', 25.0]]
    >>> load_dhr_implementation().query("status == 'Implemented in full'").empty
    True
    """
    return _resource("dhr_implementation")


def load_hmic_reports() -> pd.DataFrame:
    """HMIC and HMICFRS inspections of the police response to domestic abuse, 2014 to 2021.

    Rows: one per report, or per set of register entries. Columns: report_id, kind (report or
    register_entries), title, publisher, published (Period[M]; empty for register entries),
    period (text, as the source states it), fieldwork, method, national_recommendations (Int64;
    empty where not confirmed), summary, source_id.

    Examples
    --------
    >>> load_hmic_reports()["report_id"].iloc[0]
    'hmic-2014'
    >>> "hmic-2013" in set(load_hmic_reports()["report_id"])
    False
    """
    return _resource("hmic_reports")


def load_hmic() -> pd.DataFrame:
    """Headline figures from the HMIC 2014 inspection and its follow-ups, one figure per row.

    Columns: report_id, measure, value (Float64), value_high (for ranges), unit, qualifier
    (exact, about, over, under, ...), period, period_end (date), description, secondary (bool),
    source_id. See :func:`load_hmic_reports`, :func:`load_hmic_findings` and
    :func:`load_hmic_recommendations` for the rest.

    Examples
    --------
    >>> figures = load_hmic()
    >>> figures.set_index("measure").loc["forces_responding_well", "value"]
    np.float64(8.0)
    >>> figures.query("report_id == 'no-such-report'").empty
    True
    """
    return _resource("hmic_figures")


def load_hmic_findings() -> pd.DataFrame:
    """Findings by theme (paraphrased in our words): report_id, theme, finding, source_id.

    Examples
    --------
    >>> "identifying risk" in set(load_hmic_findings()["theme"])
    True
    >>> load_hmic_findings()["finding"].isna().any()
    np.False_
    """
    return _resource("hmic_findings")


def load_hmic_recommendations() -> pd.DataFrame:
    """Recommendation strands (paraphrased): report_id, strand, title, detail,
    deadline_set_by_inspectorate (only a deadline the inspectorate itself set),
    what_happened_next and when_it_happened (text, as the source words it), source_id. Only
    confirmed strands: the total number of the 2014 national recommendations is not confirmed.

    Examples
    --------
    >>> load_hmic_recommendations().query("report_id == 'hmic-2014'")["title"].tolist()[:2]
    ['Force action plans', 'National oversight and monitoring group']
    >>> load_hmic_recommendations().query("report_id == 'hmic-2013'").empty
    True
    """
    return _resource("hmic_recommendations")


def load_trends() -> pd.DataFrame:
    """National trend series as a tidy long table (ONS and inspection figures).

    Columns: measure, value (Float64), unit, period (text, e.g. "YE Mar 2018"), period_end
    (date), note (caveats such as forces excluded), base (what a figure is counted over where
    that changes within a measure, such as "39 forces"; figures on different bases are not
    comparable), secondary (bool), source_id. Measures
    include da_related_crimes, da_related_crimes_change, arrests_per_100_da_crimes, marac_cases,
    marac_cases_per_10000_women, da_share_of_recorded_crime, cps_da_charge_rate,
    coercive_control_offences and Clare's Law disclosures.

    Examples
    --------
    >>> t = load_trends()
    >>> int(t.query("measure == 'da_related_crimes' and period == 'YE Mar 2018'")["value"].iloc[0])
    599549
    >>> t.query("measure == 'no_such_measure'").empty
    True
    """
    return _resource("trends")


def load_calls() -> pd.DataFrame:
    """Call-handling figures: the 999 answering standard and league tables, the 25 June 2023
    999 outage, and the Metropolitan Police victims' update helpline (not DA-specific).

    Columns: topic (999_standard, 999_league_2022, 999_demand, bt_outage_2023, met_cms),
    measure, value (Float64), value_high, unit, qualifier, period, period_start, period_end
    (dates), area, description, secondary (boolean), source_id. Sources: Home Office league
    tables (2022), Ofcom (2024), BBC (2020, FOI data; seed 002), and others per row.

    Examples
    --------
    >>> cms = load_calls().query("topic == 'met_cms' and measure == 'calls_answered_share'")
    >>> cms[["period", "value"]].values.tolist()
    [['January 2019', 80.0], ['September 2020', 49.0]]
    >>> "no_such_topic" in set(load_calls()["topic"])
    False
    """  # noqa: E501
    return _resource("calls")


def load_services() -> pd.DataFrame:
    """Services and risk tools: Idva capacity and caseload, Marac thresholds, DASH and DARA
    structure (counts and thresholds, not question text), SafeLives outcome figures.

    Columns: topic, measure, value (Float64), value_high, unit, qualifier, period, period_end,
    description, secondary (bool), source_id.

    Examples
    --------
    >>> s = load_services().set_index("measure")
    >>> s.loc["idvas_high_risk", "value"], s.loc["idvas_needed", "value"]
    (np.float64(500.0), np.float64(930.0))
    >>> "no_such_measure" in s.index
    False
    """
    return _resource("services")


def load_marac_criteria() -> pd.DataFrame:
    """The four SafeLives Marac referral criteria: number, criterion, description, threshold,
    threshold_unit, source_id.

    Examples
    --------
    >>> load_marac_criteria()["criterion"].tolist()[0]
    'Visible high risk'
    >>> len(load_marac_criteria())
    4
    """
    return _resource("marac_criteria")


LOADERS = {
    "sources": "load_sources()",
    "recommendations": "load_recommendations()",
    "dhr_implementation": "load_dhr_implementation()",
    "hmic_reports": "load_hmic_reports()",
    "hmic_figures": "load_hmic()",
    "hmic_findings": "load_hmic_findings()",
    "hmic_recommendations": "load_hmic_recommendations()",
    "trends": "load_trends()",
    "calls": "load_calls()",
    "services": "load_services()",
    "marac_criteria": "load_marac_criteria()",
}


def catalog() -> pd.DataFrame:
    """What data there is: one row per dataset, vocabulary and case file, with its loader.

    Columns: name, kind (sources, vocab, dataset, case), title, rows, loader (the call that
    loads it), path (inside the data folder), description.

    Examples
    --------
    >>> cat = catalog()
    >>> cat.set_index("name").loc["calls", "loader"]
    'load_calls()'
    >>> cat.query("kind == 'nonsense'").empty
    True
    """
    import pandas as pd

    root = data_dir()
    rows: list[dict[str, Any]] = []
    for name, res in _package(root).items():
        parts = Path(res["path"]).parts
        if parts[:1] == ("cases",):
            kind, loader = (
                "case",
                (
                    f"load_events({parts[1]!r})"
                    if name.endswith("-events")
                    else f"load_annotations({parts[1]!r})"
                ),
            )
        elif parts[:1] == ("vocab",):
            kind, loader = "vocab", f"load_vocab({name!r})"
        else:
            kind = "sources" if name == "sources" else "dataset"
            loader = LOADERS.get(name, "")
        path = root / res["path"]
        rows.append(
            {
                "name": name,
                "kind": kind,
                "title": res.get("title", ""),
                "rows": _count_rows(path) if path.is_file() else 0,
                "loader": loader,
                "path": res["path"],
                "description": res.get("description", ""),
            }
        )
    frame = pd.DataFrame(
        rows, columns=["name", "kind", "title", "rows", "loader", "path", "description"]
    )
    frame["rows"] = frame["rows"].astype("Int64")
    return frame
