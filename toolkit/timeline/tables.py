"""The chronology summaries behind :mod:`toolkit.timeline`: tables of who, how often and when.

Where the swimlane shows a case's events one by one, these functions count them:
:func:`contacts_per_agency` (who was in contact and what each recorded), :func:`gaps` (the
silences between contacts), :func:`escalation` and :func:`escalation_figure` with its text
alternative :func:`describe_escalation` (how often things happened, period by period) and
:func:`who_knew_what` (what each agency knew by a given date).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError
from toolkit.timeline.events import _labels, _norm, lane_order

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["contacts_per_agency", "escalation", "gaps", "who_knew_what"]


def contacts_per_agency(events: pd.DataFrame) -> pd.DataFrame:
    """How often each agency was in contact, and what it recorded.

    Returns one row per agency in lane order: agency (id), name, contacts, first, last,
    disclosures, risk_assessments, highest_risk, referrals (made), shared (times it passed
    information on).

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> table = contacts_per_agency(load_case("unlinked-calls").events)
    >>> table.iloc[0]["name"], int(table.iloc[0]["contacts"])
    ('Police: calls', 11)
    >>> contacts_per_agency(None)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: events: expected a pandas DataFrame of events, got <class 'NoneType'>
    """  # noqa: E501
    import pandas as pd

    ev = _norm(events)
    names = _labels("agencies")
    rank = {"standard": 1, "medium": 2, "high": 3}
    rows = []
    for a in lane_order(ev):
        part = ev[ev["agency"] == a]
        levels = part["risk_level"] if "risk_level" in part else pd.Series(dtype="str")
        top = max(levels, key=lambda v: rank.get(v, 0), default="")
        rows.append(
            {
                "agency": a,
                "name": names.get(a, a),
                "contacts": len(part),
                "first": part["timestamp"].min(),
                "last": part["timestamp"].max(),
                "disclosures": int(part["disclosure"].sum()) if "disclosure" in part else 0,
                "risk_assessments": int(levels.isin(list(rank)).sum()),
                "highest_risk": top if rank.get(top) else "",
                "referrals": int((part.get("referral", pd.Series(dtype="str")) != "").sum()),
                "shared": int((part.get("shared_with", pd.Series(dtype="str")) != "").sum()),
            }
        )
    return pd.DataFrame(rows)


def gaps(events: pd.DataFrame) -> pd.DataFrame:
    """The silences in a chronology: days since the previous contact, overall and per agency.

    Returns event_id, timestamp, agency, days_since_previous (any agency) and
    days_since_agency_previous (the same agency), sorted by time; the first contact has no
    gap (NaN).

    Examples
    --------
    >>> from toolkit.data.synthetic import events_frame
    >>> gaps(events_frame([{"timestamp": "2019-01-01 10:00"},
    ...                    {"timestamp": "2019-01-11 10:00"}]))["days_since_previous"].tolist()
    [nan, 10.0]
    >>> gaps(events_frame([{"timestamp": "2019-01-01 10:00"}]).drop(columns=["timestamp"]))
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: events: column "timestamp" is missing (expected event_id, \
timestamp, agency, contact_type); the table contains these columns: event_id, agency, ...
    """
    ev = _norm(events)
    day = 86_400.0
    out = ev[["event_id", "timestamp", "agency"]].copy()
    out["days_since_previous"] = ev["timestamp"].diff().dt.total_seconds() / day
    out["days_since_agency_previous"] = (
        ev.groupby("agency")["timestamp"].diff().dt.total_seconds() / day
    )
    return out


def escalation(events: pd.DataFrame, *, freq: str = "QS") -> pd.DataFrame:
    """How often things happened over time: contacts, police calls and disclosures per period.

    Parameters
    ----------
    events : pandas.DataFrame
        One case's events.
    freq : str
        A pandas period start alias: ``"MS"`` (months), ``"QS"`` (quarters, the default) or
        ``"YS"`` (years).

    Returns
    -------
    pandas.DataFrame
        period (start date), contacts, police_calls (999 and 101 calls), disclosures and
        highest_risk recorded in the period; empty periods are kept, with zeros.

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> table = escalation(load_case("unlinked-calls").events, freq="YS")
    >>> table["police_calls"].tolist()
    [2, 6, 2]
    >>> escalation(load_case("unlinked-calls").events, freq="fortnight")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: freq must be one of MS, QS, YS (months, quarters, years); \
got 'fortnight'
    """
    import pandas as pd

    if freq not in ("MS", "QS", "YS"):
        raise ToolkitError(
            f"freq must be one of MS, QS, YS (months, quarters, years); got {freq!r}"
        )
    ev = _norm(events)
    columns = ["period", "contacts", "police_calls", "disclosures", "highest_risk"]
    if ev.empty:
        return pd.DataFrame(
            {
                "period": pd.Series(dtype="datetime64[ns]"),
                **{c: pd.Series(dtype=int) for c in columns[1:4]},
                "highest_risk": pd.Series(dtype=object),
            }
        )
    ev["period"] = ev["timestamp"].dt.tz_localize(None).dt.to_period(freq[0]).dt.start_time
    ev["call"] = ev["contact_type"].isin(["emergency_call", "non_emergency_call"])
    ev["rank"] = (
        ev.get("risk_level", pd.Series("", index=ev.index))
        .map({"standard": 1, "medium": 2, "high": 3})
        .fillna(0)
    )
    grouped = ev.groupby("period").agg(
        contacts=("event_id", "size"),
        police_calls=("call", "sum"),
        disclosures=("disclosure", "sum") if "disclosure" in ev else ("call", lambda s: 0),
        rank=("rank", "max"),
    )
    full = pd.date_range(grouped.index.min(), grouped.index.max(), freq=freq)
    grouped = grouped.reindex(full, fill_value=0)
    grouped["highest_risk"] = grouped["rank"].map({0: "", 1: "standard", 2: "medium", 3: "high"})
    out = grouped.drop(columns="rank").rename_axis("period").reset_index()
    return out.astype({"contacts": int, "police_calls": int, "disclosures": int})


def who_knew_what(events: pd.DataFrame, date: Any) -> pd.DataFrame:
    """What each agency knew by ``date`` (inclusive): its own contacts and what it was told.

    Parameters
    ----------
    events : pandas.DataFrame
        One case's events.
    date : str or Timestamp
        A date (``YYYY-MM-DD``) or time; text is read as local time in the events' time zone.

    Returns
    -------
    pandas.DataFrame
        One row per agency with contacts by then, in lane order: agency, name, contacts,
        disclosures, highest_risk, last_contact, last_summary, told_by (agencies that had
        referred to or shared with it) and told (agencies it had referred to or shared with).

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> knew = who_knew_what(load_case("unlinked-calls").events, "2017-12-31")
    >>> knew.set_index("agency").loc["childrens_social_care", "told_by"]
    'Police: DA unit'
    >>> who_knew_what(load_case("unlinked-calls").events, "last Tuesday")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: date "last Tuesday" is not a date (expected YYYY-MM-DD)
    """
    import pandas as pd

    ev = _norm(events)
    try:
        when = pd.Timestamp(date)
    except (ValueError, TypeError):
        raise ToolkitError(f'date "{date}" is not a date (expected YYYY-MM-DD)') from None
    tz = ev["timestamp"].dt.tz
    when = when.tz_localize(tz) if when.tzinfo is None else when.tz_convert(tz)
    if len(str(date)) <= 10:  # a whole day: include everything that happened on it
        when = when + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    ev = ev[ev["timestamp"] <= when]
    names = _labels("agencies")
    told: dict[str, set[str]] = {}
    told_by: dict[str, set[str]] = {}
    for row in ev.itertuples(index=False):
        r = row._asdict()
        for key in ("referral", "shared_with"):
            for dst in filter(None, (p.strip() for p in str(r.get(key, "")).split(";"))):
                told.setdefault(r["agency"], set()).add(dst)
                told_by.setdefault(dst, set()).add(r["agency"])
    table = contacts_per_agency(ev) if len(ev) else pd.DataFrame(columns=["agency"])
    rows = []
    order = lane_order(ev) if len(ev) else []
    for a in order:
        part = ev[ev["agency"] == a]
        base = table.set_index("agency").loc[a]
        rows.append(
            {
                "agency": a,
                "name": names.get(a, a),
                "contacts": int(base["contacts"]),
                "disclosures": int(base["disclosures"]),
                "highest_risk": base["highest_risk"],
                "last_contact": part["timestamp"].iloc[-1],
                "last_summary": part["summary"].iloc[-1] if "summary" in part else "",
                "told_by": ", ".join(names.get(t, t) for t in _ordered(told_by.get(a, ()), order)),
                "told": ", ".join(names.get(t, t) for t in _ordered(told.get(a, ()), order)),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "agency",
            "name",
            "contacts",
            "disclosures",
            "highest_risk",
            "last_contact",
            "last_summary",
            "told_by",
            "told",
        ],
    )


def _ordered(ids: Iterable[str], order: Sequence[str]) -> list[str]:
    pos = {a: i for i, a in enumerate(order)}
    return sorted(ids, key=lambda a: (pos.get(a, len(pos)), a))
