"""How rules, their settings and their flags are shown to learners.

:func:`rules_table` lists rules with what each looks for and rests on; :func:`rules_summary`
shows them one line each with the detail one click away; :func:`flags_summary` shows what the
rules flagged in a case; :func:`describe_parameters` writes a rule's settings in words, using
:data:`PARAMETER_VOCABULARIES` to name the ids they hold.

For trainers and course builders who want to see how a rule is written (notebook 02's optional
section): :func:`example_rule` is a worked example that is not one of the course's rules,
:func:`rule_code` shows a rule as it would be written with the ``@rule(...)`` decorator, and
:func:`rule_flags_table` shows what one rule flags in a case.

Examples
--------
>>> describe_parameters({"window_days": 1, "outcomes": ["no_further_action", "mystery_id"]})
'window: 1 day; outcomes: no further action, mystery id'
>>> describe_parameters(None)
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: params: expected a mapping of parameter names to values, such as \
{"window_days": 28}; got NoneType
"""

from __future__ import annotations

import html
import inspect
import json
import re
import textwrap
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from toolkit.core.tables import HtmlBlock, escape_text, table_html
from toolkit.data import for_display, load_sources, vocab_labels
from toolkit.errors import ToolkitError
from toolkit.opportunities.engine import Rule, registered_rules, run_rules
from toolkit.opportunities.events import flagged, matches

if TYPE_CHECKING:
    import pandas as pd

    from toolkit.core.tables import HtmlBlock
    from toolkit.opportunities.engine import Rule


def rules_table(rules: Iterable[Rule] | None = None, *, readable: bool = False) -> pd.DataFrame:
    """The rules as a table: what each looks for, what it rests on, and its settings.

    Parameters
    ----------
    rules : iterable of Rule, optional
        The rules to list; by default
        :func:`~toolkit.opportunities.registered_rules`.
    readable : bool
        False (the default): one row per rule with its ids and ``parameters`` as code would
        write them (``window_days=365, call_types=[emergency_call; non_emergency_call]``).
        True: the table to show learners, as :func:`toolkit.data.for_display` shows tables:
        plain-English headings, no index, the opportunity type and source by name, the date
        written out, and the settings in words (:func:`describe_parameters`).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> rules_table().loc[0, "parameters"]
    'window_days=365, call_types=[emergency_call; non_emergency_call]'
    >>> table = rules_table(readable=True)
    >>> list(table.columns)
    ['Rule', 'Opportunity type', 'What it looks for', 'Rests on', 'In force from', 'Settings']
    >>> table.iloc[0]["Settings"]
    'window: 365 days; call types: emergency call (999), non-emergency call (101)'
    >>> rules_table(["high-risk-no-marac"])
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: rules: expected Rule objects (see get_rule), got str
    """
    import pandas as pd

    chosen = list(registered_rules() if rules is None else rules)
    wrong = [r for r in chosen if not isinstance(r, Rule)]
    if wrong:
        raise ToolkitError(
            f"rules: expected Rule objects (see get_rule), got {type(wrong[0]).__name__}"
        )
    if readable:
        return _readable_rules(chosen)
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
        for r in chosen
    ]
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else ["rule_id"])


def _readable_rules(chosen: list[Rule]) -> pd.DataFrame:
    import pandas as pd

    sources = load_sources().set_index("source_id")

    def rests_on(source_id: str) -> str:
        if source_id not in sources.index:
            return source_id  # a trainer's rule may name a source the course does not list
        row = sources.loc[source_id]
        year = "" if pd.isna(row["date"]) else str(row["date"])[:4]
        return f"{row['title']}. {row['publisher']}" + (f", {year}" if year else "")

    frame = pd.DataFrame(
        {
            "Rule": [r.name for r in chosen],
            "opportunity_type": [r.opportunity_type for r in chosen],
            "What it looks for": [r.description for r in chosen],
            "Rests on": [rests_on(r.source_id) for r in chosen],
            "in_force_from": pd.to_datetime([r.in_force_from for r in chosen]),
            "Settings": [describe_parameters(r.params) for r in chosen],
        }
    )
    return for_display(frame)


def rules_summary(rules: Iterable[Rule] | None = None) -> HtmlBlock:
    """The rules as a short table learners read: name, type and start date, one line each,
    with what the rule looks for, what it rests on and its settings one click away
    (each name opens a ``<details>`` box).

    >>> block = rules_summary()
    >>> block.html.count("<details") == len(rules_table()), "In force from" in block.html
    (True, True)
    """
    import pandas as pd

    chosen = list(registered_rules() if rules is None else rules)
    full = rules_table(chosen, readable=True)
    names = vocab_labels("opportunity_types", column="name")
    cells = []
    for rule, row in zip(chosen, full.itertuples(index=False), strict=True):
        detail = (
            f"<p><strong>What it looks for.</strong> {escape_text(row[2])}</p>"
            f"<p><strong>Rests on.</strong> {escape_text(row[3])}</p>"
            + (f"<p><strong>Settings.</strong> {escape_text(row[5])}</p>" if row[5] else "")
        )
        cells.append(
            f'<details class="everycall-rule"><summary>{html.escape(rule.name)}</summary>'
            f"{detail}</details>"
        )
    frame = pd.DataFrame(
        {
            "Rule": cells,
            "Type of missed opportunity": [
                names.get(r.opportunity_type, r.opportunity_type) for r in chosen
            ],
            "In force from": [str(v) for v in full["In force from"]],
        }
    )
    text = "\n".join(f"{r.name}: {r.description}" for r in chosen)
    return HtmlBlock(table_html(frame, raw=["Rule"]), text)


def flags_summary(found: pd.DataFrame, events: pd.DataFrame) -> HtmlBlock:
    """What the rules flagged in a case, one line per rule: how many events and which (with
    their dates); each rule's explanations, event by event, one click away.

    >>> from toolkit.data import load_case
    >>> from toolkit.opportunities import run_rules
    >>> case = load_case("unlinked-calls")
    >>> block = flags_summary(run_rules(case.events), case.events)
    >>> "Repeat call not linked" in block.html and "<details" in block.html
    True
    """
    import pandas as pd

    when = dict(zip(events["event_id"].astype(str), events["timestamp"], strict=True))

    def day(event_id: str) -> str:
        ts = when.get(event_id)
        return f"{ts.day} {ts:%b %Y}" if ts is not None else ""

    rows, text = [], []
    for name, group in found.groupby("rule_name", sort=False):
        ids = list(dict.fromkeys(group["event_id"].astype(str)))
        listed = ", ".join(f"{e} ({day(e)})" for e in ids)
        detail = "".join(
            f"<li><strong>{html.escape(e)}, {html.escape(day(e))}:</strong> "
            f"{escape_text(str(x))}</li>"
            for e, x in zip(group["event_id"].astype(str), group["explanation"], strict=True)
        )
        rows.append(
            {
                "Rule": f'<details class="everycall-rule-flags"><summary>'
                f"{html.escape(str(name))}</summary><ul>{detail}</ul></details>",
                "Events": len(ids),
                "Which": html.escape(listed),
            }
        )
        text.append(f"{name}: {listed}")
    frame = pd.DataFrame(rows, columns=["Rule", "Events", "Which"])
    return HtmlBlock(table_html(frame, raw=["Rule", "Which"]), "\n".join(text))


# --------------------------------------------------------------------------------------------
# How a rule is written: a worked example for trainers and course builders


def not_seen_alone(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    """Emergency department attendances where the record says the partner was present
    throughout, or answered for her."""
    emergency_department = matches(events["contact_type"], "ed_attendance")
    partner_present = matches(events["summary"], pattern="throughout|answers for her")
    return flagged(
        events,
        emergency_department & partner_present,
        "The partner was present throughout: no chance to ask about abuse in private.",
    )


def example_rule() -> Rule:
    """A worked example of a rule, for trainers and course builders; not one of the course's.

    It flags emergency department attendances where the victim-survivor was not seen alone,
    from the words of the record (:func:`not_seen_alone`). It is never registered, so
    :func:`~toolkit.opportunities.run_rules` runs it only when given it
    (``run_rules(events, rules=[example_rule()])``); :func:`rule_code` shows how it is written.

    Examples
    --------
    >>> example_rule().name
    'Emergency attendance, not seen alone'
    >>> example_rule().id in [r.id for r in registered_rules()]
    False
    """
    return Rule(
        id="example-not-seen-alone",
        name="Emergency attendance, not seen alone",
        description=(
            "An emergency department attendance where the record says the partner was present "
            "throughout."
        ),
        source_id="saferdevon-dhr17-feedback",
        opportunity_type="health_contact_not_explored",
        evaluate=not_seen_alone,
    )


def rule_code(rule: Rule) -> HtmlBlock:
    """A rule as a trainer would write it in their own module, with the ``@rule(...)`` decorator.

    The decorator's arguments are the rule's own (id, name, description, source, opportunity
    type, and its parameters, required columns and start date where it has them); the function
    under it is the rule's ``evaluate`` function as written in its module.

    Parameters
    ----------
    rule : Rule
        A rule whose ``evaluate`` is a function written with ``def`` (a lambda has no code of
        its own to show).

    Returns
    -------
    HtmlBlock
        The code in a ``<pre>`` block; its text is the code itself.

    Examples
    --------
    >>> print(rule_code(example_rule()).text)  # doctest: +ELLIPSIS
    @rule(
        "example-not-seen-alone",
        name="Emergency attendance, not seen alone",
    ...
    )
    def not_seen_alone(events: pd.DataFrame, params: Mapping[str, Any]) -> pd.DataFrame:
    ...
    >>> rule_code("example-not-seen-alone")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: rule: expected a Rule (see get_rule or example_rule), got str
    """
    if not isinstance(rule, Rule):
        raise ToolkitError(
            f"rule: expected a Rule (see get_rule or example_rule), got {type(rule).__name__}"
        )
    if getattr(rule.evaluate, "__name__", "<lambda>") == "<lambda>":
        raise ToolkitError(
            f'rule "{rule.id}": its evaluate is a lambda, which has no code of its own to show; '
            "write it as a function with def"
        )
    try:
        source = textwrap.dedent(inspect.getsource(rule.evaluate))
    except (OSError, TypeError):
        raise ToolkitError(
            f'rule "{rule.id}": the code of its evaluate function cannot be found'
        ) from None
    lines = source.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(("def ", "async def "))), 0)
    arguments = [
        _literal(rule.id),
        f"name={_literal(rule.name)}",
        f"description={_literal(rule.description)}",
        f"source_id={_literal(rule.source_id)}",
        f"opportunity_type={_literal(rule.opportunity_type)}",
    ]
    if rule.params:
        arguments.append(f"params={_literal(rule.params)}")
    if rule.requires:
        arguments.append(f"requires={_literal(rule.requires)}")
    if rule.in_force_from:
        arguments.append(f"in_force_from={_literal(rule.in_force_from)}")
    code = "\n".join(["@rule(", *(f"    {a}," for a in arguments), ")", *lines[start:]])
    return HtmlBlock(
        f'<pre class="everycall-rule-code"><code>{html.escape(code)}</code></pre>', code
    )


def _literal(value: Any) -> str:
    """``value`` as Python code, with strings in double quotes (as the course's code has them)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def rule_flags_table(events: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """What one rule flags in a case, ready to show: the event, when it happened, and why.

    Parameters
    ----------
    events : pandas.DataFrame
        A case's events table.
    rule : Rule
        Any rule, registered or not (:func:`example_rule`, a rule from
        :func:`~toolkit.opportunities.get_rule`, or a trainer's own).

    Returns
    -------
    pandas.DataFrame
        For display, one row per flagged event in time order: *Event*, *Timestamp* and
        *Explanation*. No rows when the rule flags nothing in the case.

    Examples
    --------
    >>> from toolkit.data import load_case
    >>> table = rule_flags_table(load_case("unlinked-calls").events, example_rule())
    >>> table.values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['E19', '10 Apr 2018 23:20',
      'The partner was present throughout: no chance to ask about abuse in private.']]
    >>> rule_flags_table(load_case("unlinked-calls").events, "example-not-seen-alone")
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: rule: expected a Rule (see get_rule or example_rule), got str
    """
    if not isinstance(rule, Rule):
        raise ToolkitError(
            f"rule: expected a Rule (see get_rule or example_rule), got {type(rule).__name__}"
        )
    found = run_rules(events, rules=[rule])
    return for_display(found[["event_id", "timestamp", "explanation"]])


#: Which vocabulary a rule parameter's ids come from, by the parameter's name; an id found in
#: none of them is shown with spaces for underscores.
PARAMETER_VOCABULARIES: dict[str, str] = {
    "call_types": "contact_types",
    "contact_types": "contact_types",
    "agencies": "agencies",
    "police_agencies": "agencies",
    "third_parties": "initiated_by",
    "outcomes": "outcomes",
    "no_action_outcomes": "outcomes",
    "action_outcomes": "outcomes",
    "protection_outcomes": "outcomes",
    "min_level": "risk_levels",
    "top_grades": "call_grades",
    "grades": "call_grades",
}
#: Words for parameter names that do not read well with underscores as spaces.
_PARAMETER_WORDS = {
    "min_level": "lowest risk level",
    "no_action_outcomes": "outcomes meaning no action",
    "action_outcomes": "outcomes meaning action",
    "protection_outcomes": "outcomes meaning protection",
}
_PARAMETER_UNITS = {"_days": "day", "_hours": "hour", "_minutes": "minute"}


def describe_parameters(params: Mapping[str, Any]) -> str:
    """A rule's parameters in words, for learners: ``window: 365 days; call types: ...``.

    Names lose their underscores (``window_days`` reads *window*, with the value in days);
    vocabulary ids become their names from ``data/vocab/`` (see
    :data:`PARAMETER_VOCABULARIES`); lists are joined with commas, parameters with ``;``.

    Parameters
    ----------
    params : mapping
        A rule's parameters, for example ``get_rule("repeat-calls-not-linked").params``.

    Returns
    -------
    str
        Empty when the rule has no parameters.

    Examples
    --------
    >>> from toolkit.opportunities import get_rule
    >>> describe_parameters(get_rule("repeat-calls-not-linked").params)
    'window: 365 days; call types: emergency call (999), non-emergency call (101)'
    >>> describe_parameters({"min_level": "medium", "within_hours": 1, "agencies": ["gp"]})
    'lowest risk level: medium risk; within: 1 hour; agencies: GP practice'
    >>> describe_parameters({})
    ''
    >>> describe_parameters([("window_days", 7)])
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: params: expected a mapping of parameter names to values, \
such as {"window_days": 28}; got list
    """
    if not isinstance(params, Mapping):
        raise ToolkitError(
            "params: expected a mapping of parameter names to values, such as "
            f'{{"window_days": 28}}; got {type(params).__name__}'
        )
    parts = []
    for name, value in params.items():
        words, unit = str(name), ""
        for suffix, singular in _PARAMETER_UNITS.items():
            if words.endswith(suffix) and len(words) > len(suffix):
                words, unit = words[: -len(suffix)], singular
                break
        words = _PARAMETER_WORDS.get(str(name), words.replace("_", " "))
        values = value if isinstance(value, (list, tuple)) else [value]
        shown = ", ".join(_parameter_value(v, str(name)) for v in values)
        if unit and not isinstance(value, (list, tuple)):
            shown += f" {unit}" + ("" if shown == "1" else "s")
        parts.append(f"{words}: {shown}")
    return "; ".join(parts)


def _parameter_value(value: Any, name: str) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if not isinstance(value, str):
        return str(value)
    vocab = PARAMETER_VOCABULARIES.get(name)
    label = vocab_labels(vocab, column="name").get(value) if vocab else None
    if label is None:
        return value.replace("_", " ")
    # Lower case mid-sentence ("emergency call (999)"), unless the words outside brackets
    # hold a name or an abbreviation ("GP practice", "Domestic Violence Disclosure Scheme").
    outside = re.sub(r"\([^)]*\)", "", label).split()
    if outside and outside[0][1:].islower() and not any(w[:1].isupper() for w in outside[1:]):
        return label[:1].lower() + label[1:]
    return label


def _fmt_param(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + "; ".join(map(str, value)) + "]"
    return str(value)
