"""The call-handling evidence: published figures and the first contacts in the course's cases.

:func:`published_figures` shows the sourced call-handling figures of ``data/calls.csv``;
:func:`first_contact_review` finds, in each case, the first call to the police and what the
rules and the reviewer said about it, and :func:`first_contact_table` shows it to learners
(notebook 04's closing discussion).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from toolkit.core.paths import data_dir, display
from toolkit.core.text import suggest
from toolkit.data import for_display, list_cases, load_calls, load_case
from toolkit.errors import DataError, ModelError, Problem
from toolkit.opportunities import run_rules

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CALL_CONTACT_TYPES",
    "FIGURE_COLUMNS",
    "FIRST_CONTACT_COLUMNS",
    "first_contact_opportunities",
    "first_contact_review",
    "first_contact_table",
    "published_figures",
]

# --------------------------------------------------------------------------- first contact


CALL_CONTACT_TYPES = ("emergency_call", "non_emergency_call")


def first_contact_opportunities(
    events: pd.DataFrame,
    flags: pd.DataFrame,
    *,
    contact_types: Sequence[str] = CALL_CONTACT_TYPES,
) -> pd.DataFrame:
    """Flags from the missed-opportunity rules that fell at a call to the police.

    These are the moments a domestic abuse specialist in the control room would be present
    for. ``flags`` is the output of :func:`toolkit.opportunities.run_rules` for ``events``;
    the result keeps each flag with the event's summary, the action recorded and the call
    grade, so a group can discuss what a specialist could have asked or changed.

    Examples
    --------
    >>> import pandas as pd
    >>> events = pd.DataFrame({"event_id": ["E1", "E2"],
    ...     "contact_type": ["emergency_call", "police_attendance"],
    ...     "summary": ["A 999 call.", "Officers attend."], "action": ["Graded.", "Advice."]})
    >>> flags = pd.DataFrame({"event_id": ["E1", "E2"], "rule_id": ["r1", "r2"],
    ...     "rule_name": ["Repeat call not linked", "No arrest"], "explanation": ["x", "y"]})
    >>> first_contact_opportunities(events, flags)["event_id"].tolist()
    ['E1']
    >>> first_contact_opportunities(events.drop(columns="contact_type"), flags)
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: events have no column "contact_type" (columns: event_id, summary, action)
    """  # noqa: E501
    for name, frame, needed in (("events", events, ("event_id", "contact_type")),
                                ("flags", flags, ("event_id", "rule_id"))):  # fmt: skip
        for column in needed:
            if column not in frame.columns:
                raise ModelError(
                    f'{name} have no column "{column}" '
                    f"(columns: {', '.join(map(str, frame.columns))})"
                )
    keep = [c for c in ("event_id", "timestamp", "contact_type", "summary", "action",
                        "call_grade", "case_id") if c in events.columns]  # fmt: skip
    calls = events.loc[events["contact_type"].isin(list(contact_types)), keep]
    cols = [c for c in ("event_id", "rule_id", "rule_name", "explanation", "case_id")
            if c in flags.columns]  # fmt: skip
    on = (
        ["event_id", "case_id"]
        if "case_id" in calls.columns and "case_id" in cols
        else ["event_id"]
    )
    return calls.merge(flags[cols], on=on, how="inner").reset_index(drop=True)


def first_contact_review(slugs: Sequence[str] | None = None) -> pd.DataFrame:
    """Run the missed-opportunity rules over shipped cases; keep the flags at a police call.

    Loads each case with :func:`toolkit.data.load_case` (all cases by default), runs
    :func:`toolkit.opportunities.run_rules` and keeps the flags that fell at a 999 or 101
    call, with a ``case_id`` column: the table for the control-room specialist discussion.

    Examples
    --------
    >>> review = first_contact_review(["unlinked-calls"])
    >>> "repeat-calls-not-linked" in set(review["rule_id"]), set(review["case_id"])
    (True, {'unlinked-calls'})
    >>> first_contact_review([])
    Traceback (most recent call last):
    ...
    toolkit.errors.ModelError: no cases given to review
    """
    import pandas as pd

    frames = []
    for slug in list(slugs) if slugs is not None else list_cases():
        events = load_case(slug).events
        found = first_contact_opportunities(events, run_rules(events))
        frames.append(found.assign(case_id=slug))
    if not frames:
        raise ModelError("no cases given to review")
    return pd.concat(frames, ignore_index=True)


#: Columns of :func:`first_contact_review` that :func:`first_contact_table` shows, after the case.
FIRST_CONTACT_COLUMNS = ("event_id", "contact_type", "rule_name", "summary")


def first_contact_table(slugs: Sequence[str] | None = None) -> pd.DataFrame:
    """The flags at a call to the police in each case, ready to show learners.

    :func:`first_contact_review` with each case named by its title, then the event, the kind
    of call, the rule that flagged it and what the record says: the table for the discussion
    of what a domestic abuse specialist at first contact could have changed.

    Parameters
    ----------
    slugs : sequence of str, optional
        Cases to review (all the shipped cases by default).

    Returns
    -------
    pandas.DataFrame
        For display: *Case* (its title), *Event*, *Contact type*, *Rule* and *Summary*, one
        row per flag.

    Examples
    --------
    >>> table = first_contact_table(["unlinked-calls"])
    >>> list(table.columns)
    ['Case', 'Event', 'Contact type', 'Rule', 'Summary']
    >>> set(table["Case"]), "Emergency call (999)" in set(table["Contact type"])
    ({'Every call on its own'}, True)
    >>> first_contact_table(["unlinked-call"])
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/cases/unlinked-call: there is no such case; did you mean \
"unlinked-calls"? Cases: ...
    """
    review = first_contact_review(slugs)
    titles = {slug: load_case(slug).title for slug in review["case_id"].unique()}
    shown = review.assign(case=review["case_id"].map(titles))
    return for_display(shown[["case", *FIRST_CONTACT_COLUMNS]])


FIGURE_COLUMNS = ("area", "description", "value", "period", "source_id")


def published_figures(
    topics: str | Sequence[str], *, columns: Sequence[str] = FIGURE_COLUMNS
) -> pd.DataFrame:
    """The published call-handling figures on ``topics``, ready to show learners.

    Rows of :func:`toolkit.data.load_calls` whose ``topic`` is one of ``topics``, with the
    ``columns`` asked for, through :func:`toolkit.data.for_display`: each value carries its
    unit and qualifier (``about 5.2 million calls``, ``71%``), missing descriptions are blank,
    and every row keeps its source. Use ``toolkit.data.load_calls()`` for the numbers in code.

    Parameters
    ----------
    topics : str or sequence of str
        ``999_standard``, ``999_league_2022``, ``999_demand``, ``bt_outage_2023``, ``met_cms``.
    columns : sequence of str
        Columns of ``load_calls()`` to show; ``value`` brings its ``unit``, ``qualifier`` and
        ``value_high`` with it, and ``source_id`` is always shown.

    Examples
    --------
    >>> table = published_figures(["999_standard", "999_league_2022"])
    >>> list(table.columns), table["Value"].iloc[-1]
    (['Area', 'Description', 'Value', 'Period', 'Source'], 'about 5.2 million calls')
    >>> published_figures("999_leage_2022")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: data/calls.csv: topic "999_leage_2022" is not in the table; did you mean "999_league_2022"? Topics: 999_standard, 999_league_2022, 999_demand, bt_outage_2023, met_cms
    """  # noqa: E501

    calls = load_calls()
    known = list(dict.fromkeys(str(t) for t in calls["topic"]))
    wanted = [topics] if isinstance(topics, str) else list(topics)
    shown = display(data_dir() / "calls.csv")
    for topic in wanted:
        if topic not in known:
            near = suggest(topic, known)
            hint = f'; did you mean "{near}"?' if near else "."
            raise DataError(
                [
                    Problem(
                        shown,
                        f'topic "{topic}" is not in the table{hint} Topics: {", ".join(known)}',
                    )
                ]
            )
    missing = [c for c in columns if c not in calls.columns]
    if missing:
        raise DataError(
            [
                Problem(
                    shown,
                    f'has no column "{missing[0]}" (columns: {", ".join(calls.columns)})',
                )
            ]
        )
    chosen = list(dict.fromkeys([*columns, "source_id"]))
    if "value" in chosen:
        at = chosen.index("value") + 1
        chosen[at:at] = [c for c in ("value_high", "unit", "qualifier") if c not in chosen]
    rows = calls[calls["topic"].astype("str").isin(wanted)]
    return for_display(rows[chosen])
