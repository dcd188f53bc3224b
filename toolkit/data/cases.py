"""Cases: the fictional composite chronologies in ``data/cases/<slug>/``.

Each case is a folder a course builder writes by hand (``case.yaml``, ``events.csv``,
``annotations.csv``), checked against its schemas the first time it is loaded.

Examples
--------
>>> case = load_case("unlinked-calls")
>>> case.meta["fictional"], case.events["agency"].dtype.name
(True, 'category')
>>> load_case("no-such-case")
Traceback (most recent call last):
...
toolkit.errors.DataError: data/cases/no-such-case: there is no such case. Cases: health-and-housing, older-parent, unlinked-calls
"""  # noqa: E501

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.core.files import cached_by_files
from toolkit.core.paths import data_dir, display
from toolkit.core.text import suggest
from toolkit.core.yamlio import loader_class
from toolkit.data import reading as _checks
from toolkit.data.loading import TIMEZONE, _context, _errors, _frame, no_cases_message
from toolkit.data.validation import check_case_folder
from toolkit.errors import DataError, Problem

if TYPE_CHECKING:
    import pandas as pd


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
            raise DataError([Problem(display(folder), no_cases_message())])
        near = suggest(slug, cases)
        hint = f'; did you mean "{near}"?' if near else "."
        raise DataError(
            [
                Problem(
                    display(folder),
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

        _errors(check_case_folder(folder, _context(root), guard=False))
        meta = yaml.load(
            (folder / "case.yaml").read_text(encoding="utf-8-sig"), Loader=loader_class()
        )  # noqa: S506 (a SafeLoader subclass)
        events = _frame(folder / "events.csv", _checks.load_json(files[4]), root)  # checked above
        events["disclosure"] = events["disclosure"].fillna(False).astype(bool)
        events["risk_tool"] = events["risk_tool"].fillna("none")
        events = events.sort_values("timestamp", kind="stable").reset_index(drop=True)
        annotations = _frame(folder / "annotations.csv", _checks.load_json(files[5]), root)
        people = pd.DataFrame(meta["people"], columns=["role", "pseudonym", "relationship", "age"])
        people["age"] = people["age"].astype("Int64")
        return Case(slug, meta, events, annotations, people)

    case = cached_by_files(f"case:{folder}", files, build)
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
