"""The course's built-in missed-opportunity rules, in the order they are listed and run.

Each rule is a function written with
:func:`~toolkit.opportunities.builtin.common.builtin_rule` in
:mod:`~toolkit.opportunities.builtin.police` (calls to the police, risk assessment and Marac,
the response to the suspect) or :mod:`~toolkit.opportunities.builtin.agencies` (information
between agencies, referrals and follow-up, health services). :data:`BUILTIN_RULES` lists them;
:mod:`toolkit.opportunities` registers the list. To add a built-in rule, write its function in
one of those modules and put it in the list where it should appear.
"""

from __future__ import annotations

from toolkit.opportunities.builtin import agencies, police
from toolkit.opportunities.engine import Rule

__all__ = ["BUILTIN_RULES"]

#: Every built-in rule, in the order the rules table lists them.
BUILTIN_RULES: tuple[Rule, ...] = (
    police.repeat_calls_not_linked.rule,  # repeat-calls-not-linked
    police.disclosure_no_risk_assessment.rule,  # disclosure-no-risk-assessment
    police.high_risk_no_marac.rule,  # high-risk-no-marac
    police.escalation_no_marac.rule,  # escalation-no-marac
    police.risk_downgraded.rule,  # risk-downgraded
    agencies.third_party_concern.rule,  # third-party-concern-not-acted-on
    agencies.cancelled_appointment.rule,  # cancelled-appointment-accepted
    agencies.information_not_shared.rule,  # risk-information-not-shared
    police.emergency_not_attended.rule,  # emergency-call-not-attended-in-time
    police.call_graded_below_risk.rule,  # call-graded-below-known-risk
    agencies.closed_without_follow_up.rule,  # closed-without-follow-up
    agencies.repeat_injuries.rule,  # repeat-injuries-not-explored
    agencies.referral_not_followed_up.rule,  # referral-not-followed-up
    police.offence_no_arrest.rule,  # offence-no-arrest
    police.release_without_protection.rule,  # high-risk-release-without-protection
    police.scheduled_response.rule,  # scheduled-response-to-disclosure
    agencies.health_disclosure.rule,  # health-disclosure-not-explored
    agencies.information_not_acted_on.rule,  # information-not-acted-on
    agencies.callback_not_made.rule,  # callback-not-made
    agencies.disclosure_kept.rule,  # disclosure-kept-within-one-agency
    police.closed_without_arrest.rule,  # investigation-closed-without-arrest
)
