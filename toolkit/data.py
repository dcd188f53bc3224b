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

This module holds the case and vocabulary loaders, the catalog and :func:`for_display`. The
sources helpers (:func:`load_sources`, :func:`cite`, :func:`source_ids`,
:func:`sources_markdown`) live in ``toolkit/_data_sources.py`` and the national dataset loaders
(:func:`load_calls`, :func:`load_hmic`, :func:`load_trends`, ...) in
``toolkit/_data_datasets.py``; all of them are imported here, so ``toolkit.data.<name>`` is the
one place to use them.

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

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit import _checks
from toolkit._data_datasets import (
    load_calls,
    load_dhr_implementation,
    load_hmic,
    load_hmic_findings,
    load_hmic_recommendations,
    load_hmic_reports,
    load_marac_criteria,
    load_recommendations,
    load_services,
    load_trends,
)
from toolkit._data_sources import MONTHS as MONTHS
from toolkit._data_sources import cite, load_sources, source_ids, sources_markdown
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


# ---------------------------------------------------------------- vocabularies


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
