"""The personal-data guard: find anything in a case file that looks like a real identifier.

Cases are fictional composites written with pseudonyms. A course builder adapting a real
chronology can paste a real detail by mistake, so ``everycall validate`` checks every text of a
case. These are **errors** (exit status 2), because a real one must never ship:

- email addresses;
- UK phone numbers (landline or mobile, ``0...`` or ``+44...``), except the public support and
  service numbers listed in :data:`SUPPORT_NUMBERS` (999, 101, 55, the helplines);
- full UK postcodes (``AB1 2CD``; upper case, as written on an address);
- NHS numbers: ten digits whose last digit passes the modulus 11 check.

These are **warnings**, because fiction uses them legitimately and the patterns are fuzzier:

- dates of birth: a day-level date next to "DOB", "date of birth" or "born";
- capitalised words inside a sentence that are not a declared pseudonym or a known term
  (possible real names), and any title such as "Mr" or "PC" followed by a name.

Examples
--------
>>> [kind for kind, _ in scan("Call Ann on 07700 900123 or ann@example.org", {"Ann"})]
['email', 'phone']
>>> scan("Call the National Domestic Abuse Helpline on 0808 2000 247.", set())
[]
>>> is_nhs_number("943 476 5919"), is_nhs_number("943 476 5918")
(True, False)
>>> scan("She told Bob about it.", {"Ann"})
[('name', 'Bob')]
>>> level("email"), level("name")
('error', 'warning')
>>> scan("", set())
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SUPPORT_NUMBERS = {
    "08082000247": "National Domestic Abuse Helpline",
    "08088010327": "Men's Advice Line",
    "02082845100": "Metropolitan Police Crime Management Service (public helpline, seed 002)",
    "999": "emergency",
    "112": "emergency",
    "101": "police non-emergency",
    "55": "Silent Solution",
}
"""Public numbers that may appear in course material (normalised to digits)."""

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# UK numbers as people write them: 020 7946 0123, (020) 7946 0123, 020-7946-0123,
# 020.7946.0123, +44 20 7946 0123, +44 (0)20 7946 0123, 0044 20 7946 0123 (spaces of any
# kind: scan() turns no-break and thin spaces, and Unicode dashes, into plain ones first).
PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)44[ \-.]?(?:\(0\)[ \-.]?)?|\(?0)\d(?:\)?[ \-.]?\d){8,9}(?!\d)"
)
# One for one (so positions in the text stay the same): Unicode spaces and dashes -> ASCII.
_PLAIN = str.maketrans(
    {c: " " for c in "\u00a0\u2002\u2003\u2007\u2009\u200a\u202f\u205f\u3000"}
    | {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"}
)
POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2})\b")
TEN_DIGITS = re.compile(r"(?<![\d+])\d{3}[ \-]?\d{3}[ \-]?\d{4}(?!\d)")
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\s+\d{{4}})"
)
DOB = re.compile(
    rf"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\b[:\s]*(?:was\s+|is\s+)?({_DATE})",
    re.IGNORECASE,
)
TITLE_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|PC|DC|DS|DI|Sgt|Insp|Cllr)\.?\s+([A-Z][a-z]+)")
WORD = re.compile(r"[A-Z][a-z]+(?:['\u2019][a-z]+)?(?:-[A-Z][a-z]+)?")
SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)[\"'\u2018\u201c(\[]*$")

# Capitalised words that are not names: calendar words, places at country level, and the
# domain's own terms. Vocabulary names, case.yaml ``terms`` and pseudonyms are added per case.
KNOWN_WORDS = frozenset(
    """
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Christmas Easter Eid Ramadan Diwali
    England Wales Scotland Britain British English Welsh Midlands North South East West London
    Met Metropolitan
    Police Constabulary Force Court Courts Crown Prosecution Service Magistrates Act Law Right
    Ask Know Clare Clare's Care Person Operation Encompass Domestic Abuse Violence Protection Notice
    Order Scheme Serious Crime Security Home Office College Policing Inspectorate National Helpline
    Marac Idva Idvas Dash Safe Lives SafeLives Refuge Women's Aid Citizens Advice Universal Credit
    Jobcentre Trust Hospital Accident Emergency Ambulance Council Housing Association Adult Social
    Children's Child Family School Mental Health Capacity Lasting Power Attorney Bank Post Mum Dad
    Mummy Daddy Nan Gran Grandma Grandad Auntie Uncle Sir Madam Team Unit Centre Panel Board
    Safeguarding Partnership Multi Agency Risk Assessment Conference Hub Services Support Line
    Men's Advice Samaritans Victim Victims Survivor Review Reviews Homicide Chronology Case
    Standard Medium High Immediate Priority Scheduled Right-to-ask Lead Nurse Doctor Officer
    Sergeant Inspector Constable Detective Chief Superintendent Coroner Duty GP
    """.split()
)


def is_nhs_number(text: str) -> bool:
    """True when ten digits pass the NHS modulus 11 check (weights 10 down to 2)."""
    digits = [int(c) for c in text if c.isdigit()]
    if len(digits) != 10:
        return False
    total = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]


def _phone_digits(match: str) -> str:
    """The number as dialled from within the UK: ``+44 (0)20 ...`` -> ``020...``."""
    digits = re.sub(r"\D", "", match.replace("(0)", ""))
    if match.startswith("+44"):
        digits = "0" + digits[2:]
    elif match.startswith("0044"):
        digits = "0" + digits[4:]
    return digits


def scan(text: str, allowed: Iterable[str]) -> list[tuple[str, str]]:
    """Things in ``text`` that look like real identifiers, as ``(kind, text)`` pairs.

    ``allowed`` holds words that may appear capitalised (pseudonyms, terms, vocabulary names).
    """
    if not text:
        return []
    found: list[tuple[str, str]] = []
    for m in EMAIL.finditer(text):
        found.append(("email", m.group(0)))
    phones = set()
    for m in PHONE.finditer(text.translate(_PLAIN)):
        digits = _phone_digits(m.group(0))
        if digits not in SUPPORT_NUMBERS and len(digits) in (10, 11):
            found.append(("phone", text[m.start() : m.end()]))  # as written
            phones.add(m.span())
    for m in POSTCODE.finditer(text):
        found.append(("postcode", m.group(0)))
    for m in TEN_DIGITS.finditer(text):
        if any(a <= m.start() < b for a, b in phones):
            continue
        if is_nhs_number(m.group(0)):
            found.append(("nhs_number", m.group(0)))
    for m in DOB.finditer(text):
        found.append(("date_of_birth", m.group(1)))
    found.extend(_names(text, set(allowed)))
    return found


def _names(text: str, allowed: set[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    titled = set()
    for m in TITLE_NAME.finditer(text):
        if m.group(1) not in allowed:
            out.append(("name", m.group(1)))
        titled.add(m.start(1))
    for m in WORD.finditer(text):
        word = m.group(0)
        if m.start() in titled or word in allowed or word in KNOWN_WORDS:
            continue
        base = re.sub(r"['\u2019]s$", "", word)
        if base in allowed or base in KNOWN_WORDS:
            continue
        if SENTENCE_START.search(text[: m.start()]):
            continue
        out.append(("name", word))
    return out


ERROR_KINDS = frozenset({"email", "phone", "postcode", "nhs_number"})
"""Findings that fail validation: identifiers no fictional case needs."""


def level(kind: str) -> str:
    """``"error"`` for a real identifier (:data:`ERROR_KINDS`), ``"warning"`` otherwise."""
    return "error" if kind in ERROR_KINDS else "warning"


KIND_WORDS = {
    "email": "an email address",
    "phone": "a UK phone number",
    "postcode": "a postcode",
    "nhs_number": "an NHS number",
    "date_of_birth": "a date of birth",
    "name": "a name that is not a declared pseudonym",
}


def message(kind: str, text: str) -> str:
    """The message for one finding: what it looks like and how to proceed.

    >>> message("postcode", "NN1 1AA")
    'looks like a postcode ("NN1 1AA"); replace it with a pseudonym or remove it; cases must hold no real identifiers'
    >>> message("date_of_birth", "1/2/1980")
    'looks like a date of birth ("1/2/1980"); give an age instead or remove it; cases must hold no real identifiers'
    """  # noqa: E501
    advice = "replace it with a pseudonym or remove it; cases must hold no real identifiers"
    if kind == "date_of_birth":
        advice = "give an age instead or remove it; cases must hold no real identifiers"
    elif kind == "name":
        advice = (
            "add it to people in case.yaml if it is a pseudonym, or to terms if it is not a name"
        )
    return f'looks like {KIND_WORDS[kind]} ("{text}"); {advice}'
