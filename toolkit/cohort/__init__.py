"""The cohort debrief: a cohort's answer files collected into a summary CSV and an HTML page.

``everycall answers collect DIR [--out FILE]`` calls :func:`collect`. It reads every ``.json``
file under ``DIR`` (learners' files from ``~/everycall-answers``, handed in or copied from a
hub), skips and reports anything that is not a readable answer file, and writes:

- ``cohort-summary.csv`` (or ``--out``): one row per learner per answer, safe to open in
  Excel: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (also
  after leading spaces), or with a quote, gets a leading ``'`` (OWASP CSV injection), so no
  learner's text runs as a formula; a plain number such as ``-5`` or ``12.5`` cannot run and
  is left as it is. Numbers keep every digit (1234567, not 1.23457e+06). :func:`load_summary`
  undoes exactly that escaping.
- ``cohort-summary.html`` beside it: per exercise, the distribution of choices and how many
  were right, numeric answers, free-text responses, with plotly charts (plotly.js inline once;
  no CDN, works offline). Every learner-written text is HTML-escaped.

Correctness is worked out again from the current exercise definitions (so every learner is
judged by the same key); learner names are kept for the trainer, or replaced by "Learner 1..n"
with ``anonymise=True`` (file paths, which hold learners' folder names, become "file 1..n"
everywhere, skipped files included, numbered in a random order).

A learner is known by their display name and the folder their files were handed in under:
two learners both called Sam in ``laptop-1/sam/`` and ``laptop-2/sam/`` are kept apart as
"Sam (laptop-1)" and "Sam (laptop-2)". Two files for the same learner and notebook (a second
download) keep the one saved later, compared as times, not as text; a file copied unchanged
into a second folder is read once.

Examples
--------
>>> csv_safe("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> csv_safe("  -2+3"), csv_safe("Plain text"), csv_safe("'quoted"), csv_safe("-5")
("'  -2+3", 'Plain text', "''quoted", '-5')
>>> csv_unescape(csv_safe("@SUM(A1)"))
'@SUM(A1)'
>>> collect("/no/such/folder")
Traceback (most recent call last):
...
toolkit.errors.AnswerStoreError: /no/such/folder is not a folder: expected the folder that \
holds learners' answer files (.json)

A folder with no answer files is an error too, and nothing is written:

>>> import tempfile
>>> collect(tempfile.mkdtemp(prefix="empty-"))
Traceback (most recent call last):
...
toolkit.errors.AnswerStoreError: /.../empty-...: no answer files found: expected \
<learner>/<notebook>.json files as the notebooks save them in ~/everycall-answers (for example \
sam-patel/01-reading-a-case-timeline.json); nothing was written
"""

from __future__ import annotations

from toolkit.cohort.demo import demo_cohort, demo_summary
from toolkit.cohort.page import exercise_figure
from toolkit.cohort.reading import CollectResult, gather, gather_documents
from toolkit.cohort.summary import (
    COLUMNS,
    DEFAULT_OUT,
    anonymised,
    collect,
    csv_safe,
    csv_text,
    csv_unescape,
    debrief_html,
    figures,
    free_text_responses,
    load_summary,
    readable_summary_table,
    show_debrief,
    summary_table,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_OUT",
    "CollectResult",
    "anonymised",
    "collect",
    "csv_text",
    "csv_safe",
    "csv_unescape",
    "debrief_html",
    "demo_cohort",
    "demo_summary",
    "exercise_figure",
    "figures",
    "free_text_responses",
    "gather",
    "gather_documents",
    "load_summary",
    "readable_summary_table",
    "show_debrief",
    "summary_table",
]
