"""A small, transparent rules engine for missed opportunities in a case chronology.

A rule is data a learner can read: an id, a name, a plain-language description, the policy or
finding it rests on (a source id in ``data/sources.csv``), the missed-opportunity type it
stands for (``data/vocab/``), its parameters with their defaults, and a vectorised
``evaluate(events, params)`` that returns the flagged events with an explanation written for
learners. Rules find patterns; reviewers weigh context. A flag is a question to ask of the
record, not a verdict on the people in it.

The built-in rules live in :mod:`toolkit.rules`. A trainer adds one without touching this
module, in a notebook or their own module::

    from toolkit.opportunities import rule

    @rule("no-photographs", name="Injury seen, no photographs",
          description="...", source_id="hmic-2014", opportunity_type="...")
    def no_photographs(events, params):
        hit = matches(events["summary"], pattern="injur") & ~matches(events["action"],
                                                                      pattern="photo")
        return flagged(events, hit, "An injury was seen and no photographs are recorded.")

and :func:`run_rules` includes it from then on.

Decisions are judged against the policy in force at the time: a rule may name the date its
policy took effect (``in_force_from``) and is not applied to events before it. A rule that tests
a pattern only a later review named says so in its description, and its flags on earlier events
are questions to weigh against what was expected then, not findings that a rule was broken.

Glossary (the same words in every docstring): ``events`` is a case's events table (one row per
contact; see ``toolkit.synthetic.EVENT_COLUMNS``), optionally with a ``case_id`` column when it
holds several cases; ``window_days`` is a number of days counted from an event.

Examples
--------
>>> from toolkit.synthetic import events_frame
>>> ev = events_frame([
...     {"timestamp": "2019-03-01 22:10", "contact_type": "Attendance",
...      "risk_tool": "DASH", "risk_score": 16, "risk_level": "high"},
... ])
>>> found = run_rules(ev, rules=[get_rule("high-risk-no-marac")])
>>> found[["event_id", "rule_id"]].to_dict("records")
[{'event_id': 'E001', 'rule_id': 'high-risk-no-marac'}]
>>> run_rules(ev, windw_days=3)
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: no rule has a parameter "windw_days"; did you mean "window_days"? \
Parameters: ...
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "NEVER_FLAGGED",
    "RESULT_COLUMNS",
    "RULES",
    "Rule",
    "day_text",
    "evaluable",
    "flagged",
    "get_rule",
    "is_blank",
    "label",
    "matches",
    "prepare_events",
    "previous_in_group",
    "register",
    "registered_rules",
    "rule",
    "rules_table",
    "run_rules",
    "seconds_to_next",
    "trailing_count",
    "vocab_labels",
]

#: Contact types no rule ever flags: the death or serious harm that ends a review period is
#: where the chronology stops, not a missed opportunity.
NEVER_FLAGGED: tuple[str, ...] = ("critical_incident",)

#: Columns of the table :func:`run_rules` returns (plus ``case_id`` first when present).
RESULT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "timestamp",
    "agency",
    "contact_type",
    "rule_id",
    "rule_name",
    "opportunity_type",
    "explanation",
    "source_id",
)

_REQUIRED = ("event_id", "timestamp")
# Text columns the built-in rules read; turned into categoricals once so every match is a
# lookup over a few distinct values rather than a pass over a million strings.
_TEXT = (
    "agency",
    "contact_type",
    "initiated_by",
    "risk_tool",
    "risk_level",
    "action",
    "referral",
    "outcome",
    "call_grade",
    "shared_with",
)
_LISTS = ("linked_to", "shared_with")
_BLANK_SPELLINGS = ("", " ", "nan", "NaN", "none", "None", "NONE", "-", "n/a", "N/A", "()", "[]")
_DAY = 86_400
_CASE_STRIDE = 10**10  # seconds; keys of different cases never fall in one window

Evaluator = Callable[["pd.DataFrame", Mapping[str, Any]], "pd.DataFrame"]


@dataclass(frozen=True)
class Rule:
    """One transparent rule.

    Parameters
    ----------
    id : str
        Short stable identifier, lower case with hyphens.
    name : str
        A few words for tables and legends.
    description : str
        What the rule looks for, in plain language, for learners.
    source_id : str
        The policy, guidance or finding the rule rests on (a row of ``data/sources.csv``).
    opportunity_type : str
        The missed-opportunity type it stands for (``data/vocab/``), so its flags can be
        compared with the reviewer's annotations.
    evaluate : callable
        ``evaluate(events, params) -> DataFrame`` with ``event_id`` and ``explanation``
        columns, one row per flagged event. ``events`` arrives prepared
        (:func:`prepare_events`): sorted by case and time, with the helper columns the
        functions in this module use.
    params : mapping
        Parameters and their defaults, for example ``{"window_days": 28}``.
    requires : tuple of str
        Columns the rule cannot work without; when one is missing the rule is skipped and the
        reason is reported (``run_rules(...).attrs["skipped"]``).
    in_force_from : str, optional
        Date (YYYY-MM-DD) the policy took effect; earlier events are not flagged.
    """

    id: str
    name: str
    description: str
    source_id: str
    opportunity_type: str
    evaluate: Evaluator
    params: Mapping[str, Any] = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    in_force_from: str | None = None

    def with_params(self, **overrides: Any) -> Rule:
        """A copy of the rule with some parameters changed.

        Examples
        --------
        >>> r = get_rule("repeat-calls-not-linked").with_params(window_days=14)
        >>> r.params["window_days"]
        14
        >>> get_rule("repeat-calls-not-linked").with_params(days=14)
        Traceback (most recent call last):
        ...
        toolkit.errors.ToolkitError: rule "repeat-calls-not-linked" has no parameter "days"; \
its parameters are: window_days, call_types
        """
        unknown = [k for k in overrides if k not in self.params]
        if unknown:
            raise ToolkitError(
                f'rule "{self.id}" has no parameter "{unknown[0]}"; its parameters are: '
                + (", ".join(self.params) or "none")
            )
        return replace(self, params={**self.params, **overrides})


#: The registry. Append a :class:`Rule` (or use :func:`rule`) and :func:`run_rules` uses it.
RULES: list[Rule] = []
_builtins_loaded = False


def register(new: Rule) -> Rule:
    """Add ``new`` to the registry, replacing any rule with the same id; returns it."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", new.id or ""):
        raise ToolkitError(
            f"rule id {new.id!r} is not usable: expected lower-case letters, digits and "
            'hyphens, for example "no-photographs"'
        )
    for i, old in enumerate(RULES):
        if old.id == new.id:
            RULES[i] = new
            return new
    RULES.append(new)
    return new


def rule(
    id: str,
    *,
    name: str,
    description: str,
    source_id: str,
    opportunity_type: str,
    params: Mapping[str, Any] | None = None,
    requires: Sequence[str] = (),
    in_force_from: str | None = None,
) -> Callable[[Evaluator], Evaluator]:
    """Decorator: register the decorated ``evaluate(events, params)`` function as a rule.

    Examples
    --------
    >>> @rule("demo-any-999", name="Any 999 call", description="Every 999 call.",
    ...       source_id="demo", opportunity_type="demo")
    ... def _demo(events, params):
    ...     return flagged(events, matches(events["contact_type"], "999 call"), "A 999 call.")
    >>> get_rule("demo-any-999").name
    'Any 999 call'
    >>> RULES[:] = [r for r in RULES if r.id != "demo-any-999"]
    >>> rule("Bad Id", name="", description="", source_id="", opportunity_type="")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: rule id 'Bad Id' is not usable: expected lower-case letters, \
digits and hyphens, for example "no-photographs"
    """

    def decorate(fn: Evaluator) -> Evaluator:
        register(
            Rule(
                id=id,
                name=name,
                description=description,
                source_id=source_id,
                opportunity_type=opportunity_type,
                evaluate=fn,
                params=dict(params or {}),
                requires=tuple(requires),
                in_force_from=in_force_from,
            )
        )
        return fn

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", id or ""):
        raise ToolkitError(
            f"rule id {id!r} is not usable: expected lower-case letters, digits and "
            'hyphens, for example "no-photographs"'
        )
    return decorate


def registered_rules() -> list[Rule]:
    """Every rule in the registry: the built-in ones first, then any a trainer added."""
    global _builtins_loaded
    if not _builtins_loaded:
        _builtins_loaded = True
        import toolkit.rules  # noqa: F401  (registers the built-in rules on import)

        builtin = [r for r in RULES if r.evaluate.__module__ == "toolkit.rules"]
        RULES[:] = builtin + [r for r in RULES if r not in builtin]
    return list(RULES)


def get_rule(rule_id: str) -> Rule:
    """The registered rule with this id.

    Examples
    --------
    >>> get_rule("high-risk-no-marac").opportunity_type
    'no_marac_referral'
    >>> get_rule("high-risk-no-marak")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: no rule "high-risk-no-marak"; did you mean \
"high-risk-no-marac"? Rules: ...
    """
    rules = registered_rules()
    for r in rules:
        if r.id == rule_id:
            return r
    ids = [r.id for r in rules]
    raise ToolkitError(f'no rule "{rule_id}"{_did_you_mean(rule_id, ids)}Rules: {", ".join(ids)}')


def rules_table(rules: Iterable[Rule] | None = None) -> pd.DataFrame:
    """The rules as a table learners can read: what each looks for and what it rests on."""
    import pandas as pd

    rows = [
        {
            "rule_id": r.id,
            "name": r.name,
            "opportunity_type": r.opportunity_type,
            "description": r.description,
            "source_id": r.source_id,
            "parameters": ", ".join(f"{k}={_fmt_param(v)}" for k, v in r.params.items()),
            "in_force_from": r.in_force_from or "",
        }
        for r in (registered_rules() if rules is None else rules)
    ]
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else ["rule_id"])


def _fmt_param(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + "; ".join(map(str, value)) + "]"
    return str(value)


def _did_you_mean(given: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(given, list(known), n=1)
    return f'; did you mean "{close[0]}"? ' if close else "; "


# --------------------------------------------------------------------------------------------
# Preparing events and the vectorised helpers rules are written with


def prepare_events(events: pd.DataFrame, *, source: str = "events") -> pd.DataFrame:
    """Check ``events`` and return a sorted copy with the helper columns rules use.

    Adds ``_case`` (integer case code, 0 for a single case), ``_t`` (seconds since the first
    event) and ``_key`` (``_case`` and ``_t`` in one sortable integer), and turns the text
    columns the rules read into categoricals. Rows are sorted by case and time.

    Raises
    ------
    ToolkitError
        A required column is missing or ``timestamp`` is not a time-zone-aware datetime.

    Examples
    --------
    >>> import pandas as pd
    >>> prepare_events(pd.DataFrame({"event_id": ["E1"]}))
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: events: column "timestamp" is missing (expected event_id, \
timestamp and the other event columns); the table contains these columns: event_id
    """
    import numpy as np
    import pandas as pd

    if isinstance(events, pd.DataFrame) and "_key" in events.columns:
        return events  # already prepared
    if not isinstance(events, pd.DataFrame):
        raise ToolkitError(f"{source}: expected a pandas DataFrame of events, got {type(events)}")
    for col in _REQUIRED:
        if col not in events.columns:
            raise ToolkitError(
                f'{source}: column "{col}" is missing (expected event_id, timestamp and the '
                f"other event columns); the table contains these columns: "
                + ", ".join(map(str, events.columns))
            )
    ts = events["timestamp"]
    if not isinstance(ts.dtype, pd.DatetimeTZDtype):
        raise ToolkitError(
            f'{source}: column "timestamp" holds {ts.dtype} values (expected time-zone-aware '
            "datetimes, as toolkit.data.load_case gives; read text with pd.to_datetime and "
            '.dt.tz_localize("Europe/London"))'
        )
    if ts.isna().any():
        row = int(np.flatnonzero(ts.isna().to_numpy())[0]) + 1
        raise ToolkitError(f'{source}, row {row}, column "timestamp": the time is missing')
    frame = events.copy()
    for col in _LISTS:  # tuples of ids (as toolkit.data loads them) become "a;b" text
        if col in frame.columns and frame[col].dtype == object:
            head = frame[col].iloc[:200].tolist()
            if any(isinstance(v, (tuple, list)) for v in head):
                frame[col] = pd.array(
                    [
                        ";".join(map(str, v))
                        if isinstance(v, (tuple, list))
                        else ("" if v is None or v != v else str(v))
                        for v in frame[col].tolist()
                    ],
                    dtype="str",
                )
    for col in _TEXT:
        if col in frame.columns and not isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].fillna("").astype("str").astype("category")
    if "case_id" in frame.columns:
        frame["_case"] = pd.factorize(frame["case_id"], sort=True)[0].astype(np.int64)
    else:
        frame["_case"] = np.int64(0)
    sec = ts.array.as_unit("s").asi8
    frame["_t"] = sec - (sec.min() if len(sec) else 0)
    frame["_key"] = frame["_case"].to_numpy() * _CASE_STRIDE + frame["_t"].to_numpy()
    frame = frame.sort_values("_key", kind="stable").reset_index(drop=True)
    return frame


def matches(column: pd.Series, *values: str, pattern: str | None = None) -> np.ndarray:
    """Rows whose text equals one of ``values`` or contains ``pattern`` (both ignore case).

    Works on the distinct values only, so it costs one lookup per row however long the text.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["999 call", "101 Call", "GP appointment"], dtype="category")
    >>> matches(s, "999 call", "101 call").tolist(), matches(s, pattern="^gp").tolist()
    ([True, True, False], [False, False, True])
    >>> matches(s, pattern="(")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: pattern "(" is not a valid regular expression: ...
    """
    import numpy as np
    import pandas as pd

    if isinstance(column.dtype, pd.CategoricalDtype):
        cats, codes = column.cat.categories, column.cat.codes.to_numpy()
    else:
        codes, cats = pd.factorize(column.fillna("").astype("str"))
    lower = pd.Index(cats).astype("str").str.strip().str.lower()
    hit = lower.isin([v.strip().lower() for v in values])
    if pattern is not None:
        try:
            rx = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise ToolkitError(
                f'pattern "{pattern}" is not a valid regular expression: {exc}'
            ) from None
        hit = hit | np.array([bool(rx.search(c)) for c in lower], dtype=bool)
    hit = np.r_[np.asarray(hit, dtype=bool), False]  # code -1 (missing) maps to False
    return hit[codes]


def is_blank(column: pd.Series) -> np.ndarray:
    """Rows where a text column is empty or missing (``nan``, ``none``, ``-`` and ``n/a`` count).

    Examples
    --------
    >>> import pandas as pd
    >>> is_blank(pd.Series(["", None, "None", "E004"])).tolist()
    [True, True, True, False]
    """
    import numpy as np
    import pandas as pd

    blanks = ("", "nan", "none", "-", "n/a", "()", "[]")
    if isinstance(column.dtype, pd.CategoricalDtype):
        return matches(column, *blanks) | (column.cat.codes.to_numpy() < 0)

    if column.dtype == object and any(isinstance(v, (tuple, list)) for v in column.iloc[:200]):
        return np.array(
            [not v if isinstance(v, (tuple, list)) else _blank_text(v, blanks) for v in column],
            dtype=bool,
        )
    # Exact matches through pandas' hash table: loaders strip cells, so no pass per string.
    return (column.isna() | column.isin(_BLANK_SPELLINGS)).to_numpy(dtype=bool)


def _blank_text(value: Any, blanks: tuple[str, ...]) -> bool:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return True
    return str(value).strip().lower() in blanks


def _codes(events: pd.DataFrame, item: str | np.ndarray) -> np.ndarray:
    import numpy as np
    import pandas as pd

    if isinstance(item, str):
        return pd.factorize(events[item])[0].astype(np.int64)
    return np.asarray(item, dtype=np.int64)


def _group_keys(
    events: pd.DataFrame,
    by: Sequence[str | np.ndarray],
    target_by: Sequence[str | np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Sortable keys (group, then time) for every row, as queried and as a target."""

    case = events["_case"].to_numpy()
    t = events["_t"].to_numpy()
    query, target = case.copy(), case.copy()
    for i, item in enumerate(by):
        q = _codes(events, item)
        g = q if target_by is None else _codes(events, target_by[i])
        width = int(max(q.max(initial=-1), g.max(initial=-1))) + 2
        query = query * width + q + 1
        target = target * width + g + 1
    return query * _CASE_STRIDE + t, target * _CASE_STRIDE + t


def seconds_to_next(
    events: pd.DataFrame,
    among: np.ndarray,
    *,
    by: Sequence[str | np.ndarray] = (),
    target_by: Sequence[str | np.ndarray] | None = None,
    strict: bool = False,
) -> np.ndarray:
    """For every row, seconds until the next ``among`` row in the same case (and ``by`` group).

    ``by`` holds column names or integer code arrays; rows match when every code is equal.
    ``target_by`` (code arrays, in the same code space as ``by``) gives the ``among`` rows'
    codes when they differ from the querying rows', for example "the next contact *by* the
    agency this row *referred to*". ``strict=False`` counts a row that is itself in ``among``
    (0 seconds); the result is ``inf`` where there is none.

    Examples
    --------
    >>> from toolkit.synthetic import events_frame
    >>> ev = prepare_events(events_frame([{"timestamp": "2019-01-01 10:00"},
    ...                                   {"timestamp": "2019-01-02 10:00", "referral": "marac"}]))
    >>> (seconds_to_next(ev, matches(ev["referral"], "marac")) / 86400).tolist()
    [1.0, 0.0]
    >>> seconds_to_next(ev, [True], by=["agency"])
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: among must have one true/false value per event (2); got 1
    """
    import numpy as np

    among = np.asarray(among, dtype=bool)
    if among.shape != (len(events),):
        raise ToolkitError(
            f"among must have one true/false value per event ({len(events)}); got {among.size}"
        )
    if by:
        key, tkey = _group_keys(events, by, target_by)
    else:
        key = tkey = events["_key"].to_numpy()
    target = np.sort(tkey[among])
    pos = np.searchsorted(target, key, side="right" if strict else "left")
    nxt = np.append(target, np.iinfo(np.int64).max)[pos]
    out = (nxt - key).astype(np.float64)
    out[(pos >= len(target)) | (out >= _CASE_STRIDE // 2)] = np.inf
    return out


def previous_in_group(
    events: pd.DataFrame,
    among: np.ndarray,
    *,
    by: Sequence[str | np.ndarray] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """For every row, the previous ``among`` row (strictly earlier) in the same case and group.

    Returns ``(row_index, seconds_since)``; ``-1`` and ``inf`` where there is none.
    """
    import numpy as np

    key = _group_keys(events, by)[0] if by else events["_key"].to_numpy()
    idx = np.flatnonzero(np.asarray(among, dtype=bool))
    if not len(idx):
        return np.full(len(key), -1, dtype=np.int64), np.full(len(key), np.inf)
    order = np.argsort(key[idx], kind="stable")
    target, target_rows = key[idx][order], idx[order]
    pos = np.searchsorted(target, key, side="left") - 1
    ok = pos >= 0
    prev = np.where(ok, target_rows[np.maximum(pos, 0)], -1)
    since = np.where(ok, key - target[np.maximum(pos, 0)], np.inf).astype(np.float64)
    far = since >= _CASE_STRIDE // 2
    prev[far], since[far] = -1, np.inf
    return prev, since


def trailing_count(
    events: pd.DataFrame,
    among: np.ndarray,
    window_days: float,
    *,
    by: Sequence[str | np.ndarray] = (),
) -> np.ndarray:
    """For every row, how many ``among`` rows fall in the ``window_days`` up to and including it."""
    import numpy as np

    key = _group_keys(events, by)[0] if by else events["_key"].to_numpy()
    target = np.sort(key[np.asarray(among, dtype=bool)])
    hi = np.searchsorted(target, key, side="right")
    lo = np.searchsorted(target, key - int(window_days * _DAY), side="right")
    return hi - lo


def flagged(
    events: pd.DataFrame, mask: np.ndarray, explanation: str | pd.Series | np.ndarray
) -> pd.DataFrame:
    """The rows of ``events`` where ``mask`` holds, with their explanation, as a rule returns them.

    ``explanation`` is one text for every row, or one per row of ``events`` (only the flagged
    ones are kept).
    """
    import numpy as np
    import pandas as pd

    mask = np.asarray(mask, dtype=bool)
    if isinstance(explanation, str):
        text: Any = explanation
    else:
        text = np.asarray(explanation, dtype=object)[mask]
    out = pd.DataFrame({"event_id": events["event_id"].to_numpy()[mask], "explanation": text})
    if "_key" in events.columns:  # prepared rows: keep their positions for the engine
        out["_row"] = events.index.to_numpy()[mask]
    return out


def day_text(ts: pd.Series) -> pd.Series:
    """Dates as learners read them (``3 Mar 2019``), computed once per distinct day."""
    import numpy as np
    import pandas as pd

    days = ts.dt.tz_localize(None).dt.normalize() if ts.dt.tz is not None else ts.dt.normalize()
    codes, uniques = pd.factorize(days)
    labels = np.array([f"{d.day} {d:%b %Y}" for d in uniques] + [""], dtype=object)
    return pd.Series(labels[codes], index=ts.index, dtype="str")


def evaluable(events: pd.DataFrame, rules: Iterable[Rule] | None = None) -> pd.DataFrame:
    """Which rules can run on ``events``, and for those that cannot, the columns they need."""
    import pandas as pd

    rows = []
    for r in registered_rules() if rules is None else rules:
        missing = [c for c in r.requires if c not in events.columns]
        rows.append(
            {"rule_id": r.id, "can_run": not missing, "missing_columns": ", ".join(missing)}
        )
    return pd.DataFrame(rows, columns=["rule_id", "can_run", "missing_columns"])


def vocab_labels(name: str, *, column: str = "short_name") -> dict[str, str]:
    """Display names for a vocabulary's ids (``agencies``, ``contact_types``, ...).

    Uses ``column`` when the vocabulary has it, else ``name``.

    Examples
    --------
    >>> vocab_labels("agencies")["police_response"]
    'Police: response'
    >>> vocab_labels("agencys")
    Traceback (most recent call last):
    ...
    toolkit.errors.DataError: ..."agencys" is not a vocabulary; did you mean "agencies"? ...
    """
    from toolkit.data import load_vocab

    table = load_vocab(name)
    col = column if column in table.columns else "name"
    return dict(zip(table["id"].astype("str"), table[col].astype("str"), strict=True))


def label(values: Any, name: str = "agencies") -> np.ndarray:
    """Vocabulary ids turned into display names (unknown ids are kept as they are)."""
    import numpy as np

    names = vocab_labels(name)
    return np.array([names.get(str(v), str(v)) for v in np.asarray(values).tolist()], dtype=object)


# --------------------------------------------------------------------------------------------
# Running rules


def run_rules(
    events: pd.DataFrame,
    rules: Iterable[Rule] | None = None,
    **param_overrides: Any,
) -> pd.DataFrame:
    """Run ``rules`` (default: every registered rule) over ``events``.

    Parameters
    ----------
    events : pandas.DataFrame
        A case's events (``toolkit.data.load_case(slug).events``), or many cases with a
        ``case_id`` column.
    rules : iterable of Rule, optional
        The rules to run; by default :func:`registered_rules`.
    **param_overrides
        A parameter value for every rule that has that parameter, for example
        ``window_days=14``. Use :meth:`Rule.with_params` to change one rule only.

    Returns
    -------
    pandas.DataFrame
        One row per (event, rule) flagged, with :data:`RESULT_COLUMNS`, sorted by time.
        ``.attrs["skipped"]`` maps the id of each rule that could not run to the reason (for
        example a column the case does not have).

    Raises
    ------
    ToolkitError
        ``events`` is not an events table, an override names no parameter, or a rule returned
        something other than a table of event ids and explanations.
    """
    import numpy as np
    import pandas as pd

    chosen = list(registered_rules() if rules is None else rules)
    ids = [r.id for r in chosen]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ToolkitError(f"rule ids must be unique; these appear twice: {', '.join(dupes)}")
    known = sorted({p for r in chosen for p in r.params})
    for key in param_overrides:
        if key not in known:
            raise ToolkitError(
                f'no rule has a parameter "{key}"{_did_you_mean(key, known)}'
                f"Parameters: {', '.join(known)}"
            )
    prepared = prepare_events(events)
    has_case = "case_id" in prepared.columns
    skipped: dict[str, str] = {}
    parts: list[pd.DataFrame] = []
    position = pd.Series(np.arange(len(prepared)), index=prepared["event_id"].to_numpy())
    if position.index.has_duplicates:
        dup = position.index[position.index.duplicated()][0]
        raise ToolkitError(f'events: event_id "{dup}" appears more than once (expected unique ids)')
    for order, r in enumerate(chosen):
        missing = [c for c in r.requires if c not in prepared.columns]
        if missing:
            skipped[r.id] = "needs column " + ", ".join(f'"{c}"' for c in missing)
            continue
        if prepared.empty:
            continue  # no events, nothing to flag (and no rule has to cope with empty arrays)
        params = {**r.params, **{k: v for k, v in param_overrides.items() if k in r.params}}
        out = r.evaluate(prepared, params)
        if not isinstance(out, pd.DataFrame) or not {"event_id", "explanation"} <= set(out):
            raise ToolkitError(
                f'rule "{r.id}" returned {type(out).__name__}; expected a DataFrame with '
                '"event_id" and "explanation" columns (use toolkit.opportunities.flagged)'
            )
        if "_row" in out.columns:
            rows = out["_row"].to_numpy(dtype=np.float64)
            ids = prepared["event_id"].to_numpy()[out["_row"].to_numpy()]
            if not np.array_equal(ids, out["event_id"].to_numpy()):
                rows = position.reindex(out["event_id"].to_numpy()).to_numpy()
        else:
            rows = position.reindex(out["event_id"].to_numpy()).to_numpy()
        if np.isnan(rows).any():
            bad = out["event_id"].to_numpy()[np.isnan(rows)][0]
            raise ToolkitError(f'rule "{r.id}" flagged event_id "{bad}", which is not in events')
        rows = rows.astype(np.int64)
        part = pd.DataFrame(
            {
                "_row": rows,
                "_order": order,
                "rule_id": r.id,
                "rule_name": r.name,
                "opportunity_type": r.opportunity_type,
                "explanation": out["explanation"].to_numpy(),
                "source_id": r.source_id,
            }
        )
        if "contact_type" in prepared.columns:
            part = part[
                ~matches(prepared["contact_type"].iloc[part["_row"].to_numpy()], *NEVER_FLAGGED)
            ]
        if r.in_force_from:
            since = pd.Timestamp(r.in_force_from, tz=prepared["timestamp"].dt.tz)
            part = part[(prepared["timestamp"].iloc[part["_row"].to_numpy()] >= since).to_numpy()]
        parts.append(part)
    found = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({"_row": pd.Series(dtype="int64"), "_order": pd.Series(dtype="int64")})
    )
    found = found.drop_duplicates(["_row", "_order"]).sort_values(["_row", "_order"])
    rows = found["_row"].to_numpy()
    cols = (["case_id"] if has_case else []) + ["event_id", "timestamp"]
    cols += [c for c in ("agency", "contact_type") if c in prepared.columns]
    result = prepared[cols].take(rows).reset_index(drop=True)
    for c in ("agency", "contact_type"):
        result[c] = result[c].astype("str") if c in result.columns else ""
    for c in ("rule_id", "rule_name", "opportunity_type", "explanation", "source_id"):
        result[c] = found[c].to_numpy() if c in found.columns else np.array([], dtype=object)
    if has_case:
        result["case_id"] = result["case_id"].astype("str")
    result = result.astype({c: "str" for c in RESULT_COLUMNS if c != "timestamp"})
    result.attrs["skipped"] = skipped
    return result.reset_index(drop=True)
