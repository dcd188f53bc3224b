"""Load the course data: fictional composite cases, vocabularies and sourced figures.

One function per dataset, each returning a pandas DataFrame with proper dtypes: timestamps
tz-aware in Europe/London, dates as ``datetime64``, vocabulary columns as ``Categorical`` with
the vocabulary's categories (agencies in timeline lane order, risk levels and call grades
ordered), whole numbers as ``Int64``, lists as tuples. Every row carries a ``source_id`` that
:func:`cite` turns into a reference.

Data comes from ``EVERYCALL_DATA`` if set, else the checkout's ``data/``, else the copy packaged
with the toolkit. Each file is checked against its schema the first time it is loaded (the same
checks as ``everycall validate``, without the personal-data guard); a broken file raises
:class:`~toolkit.errors.DataError` naming file, row and column. Parsed results are cached per
file and modification time, so widgets can call a loader on every event.

Examples
--------
>>> case = load_case("unlinked-calls")
>>> case.meta["fictional"], case.events["agency"].dtype.name
(True, 'category')
>>> cite("ons-2018")
'Domestic abuse in England and Wales: year ending March 2018, Office for National Statistics, 22 November 2018, https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/bulletins/domesticabuseinenglandandwales/yearendingmarch2018'
>>> load_case("no-such-case")
Traceback (most recent call last):
...
toolkit.errors.DataError: data/cases/no-such-case: there is no such case. Cases: health-and-housing, older-parent, unlinked-calls
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit import _checks
from toolkit._load import (
    ORDERED,
    SORT_BY,
    TIMEZONE,
    _cached,
    _context,
    _count_rows,
    _errors,
    _frame,
    _known_vocab,
    _package,
    _resource,
    _vocab_ids,
    display_frame,
    no_cases_message,
)
from toolkit._paths import data_dir
from toolkit.errors import DataError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Case",
    "catalog",
    "cite",
    "default_case",
    "for_display",
    "list_cases",
    "load_annotations",
    "load_calls",
    "load_case",
    "load_dhr_implementation",
    "load_events",
    "load_hmic",
    "load_hmic_findings",
    "load_hmic_recommendations",
    "load_hmic_reports",
    "load_marac_criteria",
    "load_recommendations",
    "load_services",
    "load_sources",
    "load_trends",
    "load_vocab",
    "source_ids",
    "sources_markdown",
    "vocab_dtype",
]


def vocab_dtype(name: str) -> pd.CategoricalDtype:
    """The Categorical dtype of a vocabulary (agencies in lane order; levels and grades ordered).

    Examples
    --------
    >>> list(vocab_dtype("risk_levels").categories), vocab_dtype("risk_levels").ordered
    (['standard', 'medium', 'high'], True)
    >>> vocab_dtype("agency")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/vocab: "agency" is not a vocabulary; did you mean "agencies"? Vocabularies: agencies, contact_types, initiated_by, risk_tools, risk_levels, call_grades, outcomes, opportunity_types
    """  # noqa: E501
    import pandas as pd

    _known_vocab(name)
    root = data_dir()
    return pd.CategoricalDtype(_vocab_ids(root, name), ordered=name in ORDERED)


# ---------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """One fictional composite case.

    Attributes
    ----------
    slug : str
        The folder name under ``data/cases/``.
    meta : dict
        Everything in ``case.yaml`` (dates as ``YYYY-MM-DD`` text).
    events : DataFrame
        The combined chronology (see :func:`load_events`).
    annotations : DataFrame
        The reviewer's missed opportunities (see :func:`load_annotations`). Trainer material.
    people : DataFrame
        role, pseudonym, relationship, age.
    """

    slug: str
    meta: dict[str, Any]
    events: pd.DataFrame
    annotations: pd.DataFrame
    people: pd.DataFrame

    @property
    def title(self) -> str:
        return str(self.meta["title"])

    @property
    def notice(self) -> str:
        """The line telling readers the case is a fictional composite."""
        return str(self.meta["notice"])

    @property
    def pseudonyms(self) -> list[str]:
        return [str(p) for p in self.people["pseudonym"]]

    @property
    def period(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last moment of the case period, tz-aware Europe/London."""
        import pandas as pd

        start = pd.Timestamp(self.meta["period"]["start"]).tz_localize(TIMEZONE)
        end = pd.Timestamp(self.meta["period"]["end"]).tz_localize(TIMEZONE)
        return start, end + pd.Timedelta(days=1) - pd.Timedelta(minutes=1)


def list_cases() -> list[str]:
    """Slugs of the case folders in the data in use, sorted.

    Examples
    --------
    >>> list_cases()
    ['health-and-housing', 'older-parent', 'unlinked-calls']
    """
    cases = data_dir() / "cases"
    if not cases.is_dir():
        return []
    return sorted(p.name for p in cases.iterdir() if (p / "case.yaml").is_file())


#: The course's first case: the one notebooks 01 and 02's exercises are written about.
COURSE_CASE = "unlinked-calls"


def default_case() -> str:
    """The case notebooks open first: the course case when present, else the first listed.

    A course builder pointing ``EVERYCALL_DATA`` at a copy of ``data/`` holding only their own
    case gets that case.

    Examples
    --------
    >>> default_case()
    'unlinked-calls'
    """
    cases = list_cases()
    if not cases:
        from toolkit._load import no_cases_message

        raise DataError(no_cases_message())
    return COURSE_CASE if COURSE_CASE in cases else cases[0]


def load_case(slug: str) -> Case:
    """Load one case folder: ``case.yaml``, ``events.csv`` and ``annotations.csv``.

    Parameters
    ----------
    slug : str
        A name from :func:`list_cases`.

    Returns
    -------
    Case
        ``.slug``, ``.meta``, ``.events``, ``.annotations``, ``.people`` (plus ``.title``,
        ``.notice``, ``.period``, ``.pseudonyms``). Source: fictional composites written by the
        course team (``everycall-course-team``), drawing on the sources in ``meta["sources"]``.

    Raises
    ------
    DataError
        If the case does not exist or breaks its schema (file, row and column named).

    Examples
    --------
    >>> case = load_case("unlinked-calls")
    >>> case.notice.startswith("This is a fictional composite")
    True
    >>> load_case("unlinked-cals")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/cases/unlinked-cals: there is no such case; did you mean "unlinked-calls"? Cases: health-and-housing, older-parent, unlinked-calls
    """  # noqa: E501
    import pandas as pd

    root = data_dir()
    folder = root / "cases" / slug
    if not (folder / "case.yaml").is_file():
        cases = list_cases()
        if not cases:
            raise DataError([Problem(_checks.display(folder), no_cases_message())])
        near = _checks.suggest(slug, cases)
        hint = f'; did you mean "{near}"?' if near else "."
        raise DataError(
            [
                Problem(
                    _checks.display(folder),
                    f"there is no such case{hint} Cases: {', '.join(cases)}",
                )
            ]
        )
    files = [folder / n for n in ("case.yaml", "events.csv", "annotations.csv")]
    files += [
        root / "sources.csv",
        root / "schemas" / "events.schema.json",
        root / "schemas" / "annotations.schema.json",
        root / "schemas" / "case.schema.json",
        *(root / "vocab" / f"{v}.csv" for v in _checks.VOCABULARIES),
    ]

    def build() -> Case:
        import yaml

        from toolkit._case_checks import _loader
        from toolkit.validate import check_case_folder

        _errors(check_case_folder(folder, _context(root), guard=False))
        meta = yaml.load((folder / "case.yaml").read_text(encoding="utf-8-sig"), Loader=_loader())  # noqa: S506 (a SafeLoader subclass)
        events = _frame(folder / "events.csv", _checks.load_json(files[4]), root)  # checked above
        events["disclosure"] = events["disclosure"].fillna(False).astype(bool)
        events["risk_tool"] = events["risk_tool"].fillna("none")
        events = events.sort_values("timestamp", kind="stable").reset_index(drop=True)
        annotations = _frame(folder / "annotations.csv", _checks.load_json(files[5]), root)
        people = pd.DataFrame(meta["people"], columns=["role", "pseudonym", "relationship", "age"])
        people["age"] = people["age"].astype("Int64")
        return Case(slug, meta, events, annotations, people)

    case = _cached(f"case:{folder}", files, build)
    import copy

    return Case(
        case.slug,
        copy.deepcopy(case.meta),
        case.events.copy(),
        case.annotations.copy(),
        case.people.copy(),
    )


def load_events(slug: str) -> pd.DataFrame:
    """A case's chronology, one row per agency contact, sorted by timestamp.

    Rows: 30 to 80 per shipped case. Columns: event_id, timestamp (tz-aware Europe/London),
    agency (Categorical in lane order), contact_type, initiated_by, summary, risk_tool
    (Categorical; ``none`` when empty), risk_score (Int64), risk_level (ordered Categorical),
    action, referral (Categorical of agencies), outcome, disclosure (bool), linked_to (tuple of
    event ids), call_grade (ordered Categorical), response_target_minutes, attended_minutes
    (Int64), shared_with (tuple of agency ids), source_id. ``data/schemas/events.schema.json``
    says how each missed-opportunity pattern is represented. Source: fictional composite
    (``everycall-course-team``) or the published source in each row's source_id.

    Examples
    --------
    >>> events = load_events("unlinked-calls")
    >>> events["timestamp"].dt.tz.key, events["timestamp"].is_monotonic_increasing
    ('Europe/London', True)
    >>> load_events("")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/cases: there is no such case. Cases: health-and-housing, older-parent, unlinked-calls
    """  # noqa: E501
    return load_case(slug).events


def load_annotations(slug: str) -> pd.DataFrame:
    """The reviewer's missed opportunities for a case (trainer edition only).

    Rows: one per (event, opportunity type). Columns: event_id, opportunity_type
    (Categorical of ``opportunity_types``), explanation, policy_at_the_time, source_id.
    Source: the course team's judgement against the policy in force at the time, each row
    citing that policy's source.

    Examples
    --------
    >>> notes = load_annotations("unlinked-calls")
    >>> notes["opportunity_type"].nunique() >= 5
    True
    >>> load_annotations("x")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/cases/x: there is no such case. Cases: health-and-housing, older-parent, unlinked-calls
    """  # noqa: E501
    return load_case(slug).annotations


# ---------------------------------------------------------------- vocabularies and sources


def load_vocab(name: str) -> pd.DataFrame:
    """A controlled vocabulary from ``data/vocab/`` (id, name, description, source_id, ...).

    Names: agencies (with lane_order), contact_types, initiated_by (with category),
    risk_tools (with available_from, questions, high_risk_threshold), risk_levels (with DASH
    score bands), call_grades, outcomes, opportunity_types (the 14 missed-opportunity types of
    fact sheet section 7.2). Rows are in their natural order (agencies by lane). Source: each
    row's source_id.

    Examples
    --------
    >>> load_vocab("agencies")["id"].iloc[0]
    'police_call_handling'
    >>> load_vocab("agencys")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/vocab: "agencys" is not a vocabulary; did you mean "agencies"? Vocabularies: agencies, contact_types, initiated_by, risk_tools, risk_levels, call_grades, outcomes, opportunity_types
    """  # noqa: E501
    _known_vocab(name)
    frame = _resource(name)
    key = SORT_BY.get(name)
    if key:
        frame = frame.sort_values(key, kind="stable").reset_index(drop=True)
    return frame


def load_sources() -> pd.DataFrame:
    """Every public source: source_id, title, publisher, date (text: YYYY, YYYY-MM or
    YYYY-MM-DD), url, licence, kind (primary, secondary, course_team), seed, note.

    Examples
    --------
    >>> load_sources().set_index("source_id").loc["bbc-2020-met-cms", "seed"]
    '002_9cb16c220dbf45e2.txt'
    >>> load_sources()["source_id"].is_unique
    True
    """
    return _resource("sources")


MONTHS = (
    "January February March April May June July August September October November December"
).split()


def _date_text(value: str | None) -> str:
    if not value:
        return "undated"
    parts = value.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def _source_rows() -> dict[str, dict[str, str]]:
    return _context(data_dir()).lookups["sources"].rows


def cite(source_id: str) -> str:
    """A source for display: ``Title, Publisher, date, URL``.

    Examples
    --------
    >>> cite("bbc-2020-met-cms")
    'Half of calls to Met Police victim helpline unanswered, BBC News, November 2020, https://feeds.bbci.co.uk/news/uk-england-london-55115801'
    >>> cite("bbc-2020-met")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/sources.csv: "bbc-2020-met" is not a known source id; did you mean "bbc-2020-met-cms"? Known source ids: see sources.csv in the data folder
    """  # noqa: E501
    rows = _source_rows()
    if source_id not in rows:
        lookup = _context(data_dir()).lookups["sources"]
        raise DataError(
            [Problem(_checks.display(data_dir() / "sources.csv"), lookup.unknown(source_id))]
        )
    row = rows[source_id]
    parts = [row["title"], row["publisher"], _date_text(row.get("date"))]
    if row.get("url"):
        parts.append(row["url"])
    return ", ".join(parts)


def source_ids(frame: pd.DataFrame) -> list[str]:
    """The distinct source ids of a DataFrame's ``source_id`` column, in order of appearance.

    Examples
    --------
    >>> source_ids(load_calls())[:2]
    ['wiredgov-999-league-2022', 'itv-2022-999']
    >>> source_ids(load_vocab("agencies").drop(columns="source_id"))
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: table: has no source_id column (columns: id, name, short_name, lane_order, sector, description)
    """  # noqa: E501
    if "source_id" not in frame.columns:
        raise DataError(
            [
                Problem(
                    "table",
                    f"has no source_id column (columns: {', '.join(map(str, frame.columns))})",
                )
            ]
        )
    return list(dict.fromkeys(str(s) for s in frame["source_id"].dropna()))


def sources_markdown(ids: Iterable[str], heading: str | None = "Sources") -> str:
    """A notebook's sources cell: a markdown list of the given sources, duplicates removed.

    Examples
    --------
    >>> print(sources_markdown(["ons-2018", "ons-2018"]))
    ## Sources
    <BLANKLINE>
    - Domestic abuse in England and Wales: year ending March 2018. Office for National Statistics, 22 November 2018. <https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/bulletins/domesticabuseinenglandandwales/yearendingmarch2018>
    >>> sources_markdown(["ons-2018", "nope"])
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/sources.csv: "nope" is not a known source id. Known source ids: see sources.csv in the data folder
    """  # noqa: E501
    rows = _source_rows()
    lookup = _context(data_dir()).lookups["sources"]
    wanted = list(dict.fromkeys(ids))
    unknown = [s for s in wanted if s not in rows]
    if unknown:
        shown = _checks.display(data_dir() / "sources.csv")
        raise DataError([Problem(shown, lookup.unknown(s)) for s in unknown])
    lines = [f"## {heading}", ""] if heading else []
    for sid in wanted:
        row = rows[sid]
        text = f"- {row['title']}. {row['publisher']}, {_date_text(row.get('date'))}."
        if row.get("kind") == "secondary":
            text += " (Secondary source.)"
        if row.get("url"):
            text += f" <{row['url']}>"
        lines.append(text)
    return "\n".join(lines)


# ---------------------------------------------------------------- datasets


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

    Rows: one per report. Columns: report_id, title, publisher, published (Period[M]), fieldwork,
    method, national_recommendations (Int64; empty where not confirmed), summary, source_id.

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
    """Recommendation strands (paraphrased): report_id, strand, title, detail, deadline (text,
    as the source words it), source_id. Only confirmed strands: the total number of the 2014
    national recommendations is not confirmed.

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
    (date), note (caveats such as forces excluded), secondary (bool), source_id. Measures
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


# ---------------------------------------------------------------- catalog

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


# ---------------------------------------------------------------- tables for learners


def for_display(frame: pd.DataFrame, *, labels: bool = True) -> pd.DataFrame:
    """A copy of ``frame`` ready to show learners: every cell as text a reader expects.

    The table a function returns keeps its ids, numbers and timestamps for code; pass it (or a
    selection of it) through this function in the cell that shows it.

    - Tidy figure tables (``value`` with ``unit``, and ``qualifier`` and ``value_high`` if
      present) get one *Value* column with the unit: ``about 5.2 million calls``, ``71%``,
      ``£17.5 million``, ``200 to 250 calls per day``.
    - Numbers get thousands separators and the same decimals down a column; shares (such as
      ``answered`` from :mod:`toolkit.calls`) become percentages.
    - Timestamps read ``14 Oct 2017 21:40`` (no seconds, no UTC offset); dates ``14 Oct 2017``.
    - Vocabulary ids (``agency``, ``contact_type``, ``opportunity_type``, ``risk_level``, ...)
      become their names from ``data/vocab/`` when ``labels`` is true; lists are joined with
      ``;``.
    - Missing values are blank, never ``NaN`` or ``<NA>``; ``True``/``False`` read yes/no.
    - Headings, and the ids in a ``measure`` column, are words: ``days_since_previous`` reads
      *Days since previous*,
      ``mean_wait_answered_seconds`` *Mean wait answered (seconds)*, ``source_id`` *Source*.
    - A numbered index (0, 1, ... or the row numbers left by a query) is blanked; a labelled
      index is kept.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table from the toolkit.
    labels : bool
        Show vocabulary names instead of ids (default True).

    Returns
    -------
    pandas.DataFrame
        Text cells only, for display (not for further calculation).

    Examples
    --------
    >>> calls = load_calls().query("topic == '999_league_2022'")
    >>> table = for_display(calls[["area", "description", "value", "unit", "period", "source_id"]])
    >>> list(table.columns)
    ['Area', 'Description', 'Value', 'Period', 'Source']
    >>> table["Value"].tolist()[:2], table["Description"].tolist()[6]
    (['71%', '16.1 seconds'], '')
    >>> events = load_events("unlinked-calls")
    >>> for_display(events[["event_id", "timestamp", "agency"]]).iloc[0].tolist()
    ['E01', '14 Oct 2017 23:12', 'Police: calls']
    >>> for_display([1, 2])
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: table: expected a pandas DataFrame to display, got list
    """  # noqa: E501
    return display_frame(frame, labels=labels)
