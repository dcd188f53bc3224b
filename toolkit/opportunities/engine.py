"""The rules engine: the :class:`Rule` record, the registry and :func:`run_rules`.

See :mod:`toolkit.opportunities` for what a rule is and how a trainer adds one. Decisions are
judged against the policy in force at the time: a rule may name the date its policy took
effect (``in_force_from``) and is not applied to events before it.

Examples
--------
>>> from toolkit.data.synthetic import events_frame
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

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from toolkit.core.text import did_you_mean
from toolkit.errors import ToolkitError
from toolkit.opportunities.events import matches, prepare_events

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "NEVER_FLAGGED",
    "RESULT_COLUMNS",
    "RULES",
    "Evaluator",
    "Rule",
    "evaluable",
    "get_rule",
    "register",
    "registered_rules",
    "rule",
    "run_rules",
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


#: The registry: the built-in rules (registered by :mod:`toolkit.opportunities`), then any a
#: trainer adds with :func:`rule` or :func:`register`. :func:`run_rules` runs them all.
RULES: list[Rule] = []


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
    hint = did_you_mean(rule_id, ids)
    raise ToolkitError(f'no rule "{rule_id}"; {hint}Rules: {", ".join(ids)}')


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
    chosen = list(registered_rules() if rules is None else rules)
    _check_rules(chosen, param_overrides)
    prepared = prepare_events(events)
    position = _positions(prepared)
    skipped: dict[str, str] = {}
    parts: list[pd.DataFrame] = []
    for order, r in enumerate(chosen):
        missing = [c for c in r.requires if c not in prepared.columns]
        if missing:
            skipped[r.id] = "needs column " + ", ".join(f'"{c}"' for c in missing)
            continue
        if prepared.empty:
            continue  # no events, nothing to flag (and no rule has to cope with empty arrays)
        params = {**r.params, **{k: v for k, v in param_overrides.items() if k in r.params}}
        try:
            out = r.evaluate(prepared, params)
        except KeyError as exc:  # a column the rule reads but did not list in ``requires``
            column = exc.args[0] if exc.args else None
            if not isinstance(column, str) or column in prepared.columns:
                raise
            skipped[r.id] = f'needs column "{column}"'
            continue
        part = _flags_part(r, order, _flagged_rows(r, out, prepared, position), out)
        parts.append(_in_scope(r, part, prepared))
    return _result_table(parts, prepared, skipped)


def _check_rules(chosen: list[Rule], param_overrides: Mapping[str, Any]) -> None:
    """Rule ids are unique, and every override names a parameter of some rule."""
    ids = [r.id for r in chosen]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ToolkitError(f"rule ids must be unique; these appear twice: {', '.join(dupes)}")
    known = sorted({p for r in chosen for p in r.params})
    for key in param_overrides:
        if key not in known:
            raise ToolkitError(
                f'no rule has a parameter "{key}"; {did_you_mean(key, known)}'
                f"Parameters: {', '.join(known)}"
            )


def _positions(prepared: pd.DataFrame) -> pd.Series:
    """Each event's row in ``prepared``, by event id (which must be unique)."""
    import numpy as np
    import pandas as pd

    position = pd.Series(np.arange(len(prepared)), index=prepared["event_id"].to_numpy())
    if position.index.has_duplicates:
        dup = position.index[position.index.duplicated()][0]
        raise ToolkitError(f'events: event_id "{dup}" appears more than once (expected unique ids)')
    return position


def _flagged_rows(r: Rule, out: Any, prepared: pd.DataFrame, position: pd.Series) -> np.ndarray:
    """The rows of ``prepared`` that rule ``r`` flagged, from what its ``evaluate`` returned.

    A rule built with :func:`flagged` returns the rows too (``_row``); they are used when
    they agree with the event ids, which saves looking every id up.
    """
    import numpy as np
    import pandas as pd

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
    return rows.astype(np.int64)


def _flags_part(r: Rule, order: int, rows: np.ndarray, out: pd.DataFrame) -> pd.DataFrame:
    """Rule ``r``'s flags as rows of the result, with the rule's position in the run."""
    import pandas as pd

    return pd.DataFrame(
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


def _in_scope(r: Rule, part: pd.DataFrame, prepared: pd.DataFrame) -> pd.DataFrame:
    """The flags left once those no rule may raise (:data:`NEVER_FLAGGED`) and those on
    events before the rule's policy was in force are dropped."""
    import pandas as pd

    if "contact_type" in prepared.columns:
        part = part[
            ~matches(prepared["contact_type"].iloc[part["_row"].to_numpy()], *NEVER_FLAGGED)
        ]
    if r.in_force_from:
        since = pd.Timestamp(r.in_force_from, tz=prepared["timestamp"].dt.tz)
        part = part[(prepared["timestamp"].iloc[part["_row"].to_numpy()] >= since).to_numpy()]
    return part


def _result_table(
    parts: list[pd.DataFrame], prepared: pd.DataFrame, skipped: dict[str, str]
) -> pd.DataFrame:
    """Every flag once per (event, rule), in event then rule order, with the event's columns
    (:data:`RESULT_COLUMNS`) and ``attrs["skipped"]``."""
    import numpy as np
    import pandas as pd

    has_case = "case_id" in prepared.columns
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
