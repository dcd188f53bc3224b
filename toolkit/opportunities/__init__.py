"""A small, transparent rules engine for missed opportunities in a case chronology.

A rule is data a learner can read: an id, a name, a plain-language description, the policy or
finding it rests on (a source id in ``data/sources.csv``), the missed-opportunity type it
stands for (``data/vocab/``), its parameters with their defaults, and a vectorised
``evaluate(events, params)`` that returns the flagged events with an explanation written for
learners. Rules find patterns; reviewers weigh context. A flag is a question to ask of the
record, not a verdict on the people in it.

The built-in rules are listed in :mod:`toolkit.opportunities.builtin`. A trainer adds one
without touching the toolkit, in a notebook or their own module::

    from toolkit.opportunities import rule

    @rule("no-photographs", name="Injury seen, no photographs",
          description="...", source_id="hmic-2014", opportunity_type="...")
    def no_photographs(events, params):
        hit = matches(events["summary"], pattern="injur") & ~matches(events["action"],
                                                                      pattern="photo")
        return flagged(events, hit, "An injury was seen and no photographs are recorded.")

and :func:`run_rules` includes it from then on.

The parts: :mod:`~toolkit.opportunities.engine` (the :class:`Rule` record, the registry and
:func:`run_rules`), :mod:`~toolkit.opportunities.events` (the vectorised helpers rules are
written with: :func:`prepare_events`, :func:`matches`, :func:`seconds_to_next`,
:func:`flagged`, ...), :mod:`~toolkit.opportunities.display` (how rules and their flags are
shown to learners, and a worked example of a rule: :func:`example_rule`, :func:`rule_code`,
:func:`rule_flags_table`) and :mod:`~toolkit.opportunities.builtin` (the course's rules).

Decisions are judged against the policy in force at the time: a rule may name the date its
policy took effect (``in_force_from``) and is not applied to events before it. A rule that tests
a pattern only a later review named says so in its description, and its flags on earlier events
are questions to weigh against what was expected then, not findings that a rule was broken.

Glossary (the same words in every docstring): ``events`` is a case's events table (one row per
contact; see ``toolkit.data.synthetic.EVENT_COLUMNS``), optionally with a ``case_id`` column when it
holds several cases; ``window_days`` is a number of days counted from an event.

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

from toolkit.opportunities.builtin import BUILTIN_RULES
from toolkit.opportunities.display import (
    PARAMETER_VOCABULARIES,
    describe_parameters,
    example_rule,
    flags_summary,
    rule_code,
    rule_flags_table,
    rules_summary,
    rules_table,
)
from toolkit.opportunities.engine import (
    NEVER_FLAGGED,
    RESULT_COLUMNS,
    RULES,
    Evaluator,
    Rule,
    evaluable,
    get_rule,
    register,
    registered_rules,
    rule,
    run_rules,
)
from toolkit.opportunities.events import (
    day_text,
    flagged,
    is_blank,
    matches,
    prepare_events,
    previous_in_group,
    seconds_to_next,
    trailing_count,
)

__all__ = [
    "BUILTIN_RULES",
    "NEVER_FLAGGED",
    "PARAMETER_VOCABULARIES",
    "RESULT_COLUMNS",
    "RULES",
    "Evaluator",
    "Rule",
    "day_text",
    "describe_parameters",
    "evaluable",
    "example_rule",
    "flagged",
    "flags_summary",
    "get_rule",
    "is_blank",
    "matches",
    "prepare_events",
    "previous_in_group",
    "register",
    "registered_rules",
    "rule",
    "rule_code",
    "rule_flags_table",
    "rules_summary",
    "rules_table",
    "run_rules",
    "seconds_to_next",
    "trailing_count",
]

# The course's rules come first in the registry, before any a trainer adds.
for _builtin in BUILTIN_RULES:
    register(_builtin)
