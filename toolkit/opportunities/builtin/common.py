"""What the built-in rules share: the lists of agencies and contact types they default to,
the small vectorised readers they are written with, and the decorator that defines one.

The rules are in :mod:`toolkit.opportunities.builtin.police` (calls, risk assessment and the police
response) and :mod:`toolkit.opportunities.builtin.agencies` (information shared, referrals and
follow-up, health services). What both use sits here, apart from either, so each family reads on its
own and neither imports the other. Like the rules, every reader works on a whole prepared events
table at once (no loop over events) and imports numpy and pandas only when called, so ``import
toolkit`` stays fast.

A built-in rule is defined with :func:`builtin_rule`, which takes the same arguments as
:func:`toolkit.opportunities.rule` but only attaches the rule to the function: nothing is
registered on import. :data:`toolkit.opportunities.builtin.BUILTIN_RULES` lists them in one order,
and :mod:`toolkit.opportunities` registers that list, so the registry (and every table of rules)
keeps one order whichever module a rule is written in.

Examples
--------
>>> from toolkit.opportunities import prepare_events
>>> from toolkit.data.synthetic import events_frame
>>> ev = prepare_events(events_frame([
...     {"timestamp": "2019-03-01 22:10", "risk_level": "high"},
...     {"timestamp": "2019-03-09 23:40"},
... ]))
>>> _level(ev).tolist()
[3, 0]
>>> _number({"window_days": 0}, "repeat-calls-not-linked", "window_days")
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: rule "repeat-calls-not-linked": window_days must be a finite \
number greater than 0; got 0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

from toolkit.core.params import check_number
from toolkit.errors import ToolkitError
from toolkit.opportunities.engine import Rule
from toolkit.opportunities.events import flagged, is_blank, matches

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from toolkit.opportunities.engine import Evaluator

_DAY = 86_400.0
POLICE = ["police_call_handling", "police_response", "police_safeguarding"]
CALLS = ["emergency_call", "non_emergency_call"]
THIRD_PARTIES = ["family", "friend", "neighbour", "colleague"]
_LEVELS = {"standard": 1, "medium": 2, "high": 3}
_LEVEL_NAMES = ("", "standard", "medium", "high")


# --------------------------------------------------------------------------------------------
# Defining and registering the built-in rules


class BuiltinEvaluator(Protocol):
    """A built-in rule's function: called like any evaluator, with its :class:`Rule` on it."""

    rule: Rule

    def __call__(self, events: pd.DataFrame, params: Mapping[str, Any], /) -> pd.DataFrame: ...


def builtin_rule(
    id: str,
    *,
    name: str,
    description: str,
    source_id: str,
    opportunity_type: str,
    params: Mapping[str, Any] | None = None,
    requires: Sequence[str] = (),
    in_force_from: str | None = None,
) -> Callable[[Evaluator], BuiltinEvaluator]:
    """Decorator: make the decorated ``evaluate(events, params)`` a built-in rule.

    The :class:`~toolkit.opportunities.engine.Rule` (the arguments are those of
    :func:`toolkit.opportunities.rule`) is kept on the function as ``fn.rule``; nothing is
    registered here. :mod:`toolkit.opportunities.builtin` lists the rules, in order, and the
    package registers that list.

    Examples
    --------
    >>> @builtin_rule("demo-any-gp", name="Any GP contact", description="Every GP contact.",
    ...               source_id="demo", opportunity_type="demo")
    ... def _demo(events, params):
    ...     return flagged(events, matches(events["agency"], "gp"), "A GP contact.")
    >>> _demo.rule.name, _demo.rule.evaluate is _demo
    ('Any GP contact', True)
    """

    def keep(fn: Evaluator) -> BuiltinEvaluator:
        kept = cast(BuiltinEvaluator, fn)
        kept.rule = Rule(
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
        return kept

    return keep


# --------------------------------------------------------------------------------------------
# Small vectorised readers shared by the rules


def _number(params: Mapping[str, Any], rule_id: str, name: str) -> float:
    return check_number(f'rule "{rule_id}": {name}', params[name], error=ToolkitError)


def _col(events: pd.DataFrame, name: str) -> pd.Series:
    import pandas as pd

    if name in events.columns:
        return events[name]
    return pd.Series(pd.Categorical([""] * len(events)), index=events.index)


def _truthy(events: pd.DataFrame, name: str) -> np.ndarray:
    import numpy as np
    import pandas as pd

    col = _col(events, name)
    if pd.api.types.is_bool_dtype(col.dtype):
        return col.fillna(False).to_numpy(dtype=bool)
    return np.asarray(matches(col, "true", "yes", "1", "1.0"), dtype=bool)


def _marac_referral(events: pd.DataFrame) -> np.ndarray:
    return matches(_col(events, "referral"), "marac") | matches(
        _col(events, "contact_type"), "marac_meeting"
    )


def _assessed(events: pd.DataFrame) -> np.ndarray:
    """Rows that record a risk assessment: a risk tool other than ``none``, or a risk level."""
    tool = _col(events, "risk_tool")
    return (~is_blank(tool) & ~matches(tool, "none")) | (_level(events) > 0)


def _level(events: pd.DataFrame) -> np.ndarray:
    """Risk level as a number: 0 none recorded, 1 standard, 2 medium, 3 high."""
    import numpy as np
    import pandas as pd

    col = _col(events, "risk_level")
    if not isinstance(col.dtype, pd.CategoricalDtype):
        col = col.astype("str").astype("category")
    lookup = [_LEVELS.get(str(c).strip().lower(), 0) for c in col.cat.categories]
    return np.array(lookup + [0], dtype=np.int64)[col.cat.codes.to_numpy()]


def _org(events: pd.DataFrame, police: Sequence[str]) -> np.ndarray:
    """An integer per row naming the organisation: the police lanes share one code."""
    return _org_lookup(events, police)[0]


def _org_lookup(events: pd.DataFrame, police: Sequence[str]) -> tuple[np.ndarray, dict[str, int]]:
    """Organisation codes per row, and the code for every agency id (lower case)."""
    import numpy as np
    import pandas as pd

    agency = _col(events, "agency")
    if not isinstance(agency.dtype, pd.CategoricalDtype):
        agency = agency.astype("str").astype("category")
    police_set = {p.strip().lower() for p in police}
    ids = [str(c).strip().lower() for c in agency.cat.categories] + sorted(police_set)
    labels = ["police" if i in police_set else i for i in ids]
    codes, _ = pd.factorize(pd.Index(labels))
    lookup = dict(zip(ids, (int(c) for c in codes), strict=True))
    per_row = np.append(np.asarray(codes[: len(agency.cat.categories)], dtype=np.int64), -1)
    return per_row[agency.cat.codes.to_numpy()], lookup


def _messages(events: pd.DataFrame, org: np.ndarray, lookup: dict[str, int]) -> pd.DataFrame:
    """Every referral or piece of information passed on: one row per (sender row, receiver).

    Columns ``_case``, ``org_a`` (sender), ``org_b`` (receiver), ``t`` (seconds) and
    ``meeting`` (sent from a Marac meeting). ``referral`` and ``shared_with`` name agency ids;
    ``shared_with`` may hold several, separated by ``;``.
    """
    import numpy as np
    import pandas as pd

    case, t = events["_case"].to_numpy(), events["_t"].to_numpy()
    meeting = matches(_col(events, "contact_type"), "marac_meeting")
    parts = [pd.DataFrame({"_case": [], "org_a": [], "org_b": [], "t": [], "meeting": []})]
    for target in ("shared_with", "referral"):
        if target not in events.columns:
            continue
        col = events[target]
        if not isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype("str").astype("category")
        # Split each distinct value once ("a;b" -> a, b), then join rows to their receivers.
        pairs = [
            (ci, lookup[d])
            for ci, value in enumerate(col.cat.categories)
            for d in (p.strip().lower() for p in str(value).split(";"))
            if d in lookup
        ]
        if not pairs:
            continue
        table = pd.DataFrame(pairs, columns=["cat", "org_b"])
        codes = col.cat.codes.to_numpy()
        sent = np.flatnonzero(np.isin(codes, table["cat"].unique()))
        part = pd.DataFrame({"row": sent, "cat": codes[sent]}).merge(table, on="cat")
        rows = part["row"].to_numpy()
        parts.append(
            pd.DataFrame(
                {
                    "_case": case[rows],
                    "org_a": org[rows],
                    "org_b": part["org_b"].to_numpy(),
                    "t": t[rows],
                    "meeting": meeting[rows],
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out.astype(
        {"_case": np.int64, "org_a": np.int64, "org_b": np.int64, "t": np.int64, "meeting": bool}
    )


def _concat(*parts: Any) -> np.ndarray:
    """Join text pieces row by row: each part is one string or one text per row.

    A plain comprehension: faster than chains of pandas string additions on object text.
    """
    import itertools

    import numpy as np

    n = max((len(p) for p in parts if not isinstance(p, str)), default=0)
    cols = [
        itertools.repeat(p, n) if isinstance(p, str) else map(str, np.asarray(p).tolist())
        for p in parts
    ]
    return np.array(["".join(t) for t in zip(*cols, strict=False)], dtype=object)


def _days_phrase(days: np.ndarray) -> np.ndarray:
    import numpy as np

    return np.array([("1 day" if d == 1 else f"{d} days") for d in days.tolist()], dtype=object)


def _rows_text(events: pd.DataFrame, rows: np.ndarray, text: Any) -> pd.DataFrame:
    import numpy as np

    return flagged(events.iloc[rows], np.ones(len(rows), dtype=bool), text)
