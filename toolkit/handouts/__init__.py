"""Handouts and course packs: student and trainer editions as offline HTML, PDF and notebooks.

``everycall handouts`` and ``make handouts`` call :func:`build`. Each notebook is executed once
(nbclient, trainer mode off, a throw-away answer folder, ``PYTHONHASHSEED=0``, the kernel on Unix
sockets in a private folder rather than TCP, pandas set to print table cells in full) and both
editions come from that one execution through :func:`toolkit.handouts.editions.make_edition`. Then,
per edition:

* HTML: one self-contained page (``toolkit.handouts.html``), checked for external requests and,
  for the student edition, for leaks (solutions, exercise answers, reviewer annotations, and
  trainer notes: those the executed notebook shows and those ``toolkit.notes`` lists); a
  leaking student file is deleted, never shipped;
* PDF: printed by the system Chromium from that page, after axe-core has checked it
  (``toolkit.handouts.pdf``); the student PDF's text is leak-scanned too;
* ``ipynb`` (on request): the live notebook for learners (for a JupyterHub or nbgitpuller),
  made from the unexecuted source with ``view="notebook"``.

A notebook that defines an exercise inline (``toolkit.exercises.single_choice(...)`` in a
cell) fails before it runs, with a message naming the cell: its answers are in the source,
and its definition exists only in the kernel (exercises belong in ``data/exercises/``).

The pack (``build/handouts/``): ``student/`` and ``trainer/`` folders, ``index.html`` (the
course map), ``manifest.json`` (file, edition, format, SHA-256) and ``everycall-handouts.zip``.
The same inputs give the same bytes: no clock time appears anywhere unless
``SOURCE_DATE_EPOCH`` is set. Notebooks under ``notebooks/trainer/`` go to the trainer
edition only.

A rebuild redoes only what changed: :mod:`~toolkit.handouts.cache` keeps each notebook's finished
files under a key made of everything they depend on (the notebook, the data, the toolkit, the
kernel's packages, Chromium, the settings), in ``<out>/.cache``; a notebook whose key is
unchanged is copied from there, not executed or printed, and the pack is byte-identical to a
cold build's.

The parts, in the order a build uses them: :mod:`~toolkit.handouts.plan` (what to build and
the records a build reports), :mod:`~toolkit.handouts.editions` (with
:mod:`~toolkit.handouts.markers` and :mod:`~toolkit.handouts.inline`: what each edition
keeps), :mod:`~toolkit.handouts.run` (kernels, and the builder that renders and checks each
edition), :mod:`~toolkit.handouts.html` and :mod:`~toolkit.handouts.widgets_static` (one
offline page), :mod:`~toolkit.handouts.pdf` and :mod:`~toolkit.handouts.browser` (Chromium),
:mod:`~toolkit.handouts.scans` (leaks, requests, accessibility) and
:mod:`~toolkit.handouts.pack` (files, manifest, zip); :mod:`~toolkit.handouts.course_pack` holds
:func:`build`. :func:`build_scorm` (:mod:`~toolkit.handouts.scorm`, ``--format scorm``) makes
SCORM 1.2 packages for a learning platform from the student HTML handouts.

Examples
--------
>>> from toolkit.handouts.plan import plan_editions, plan_formats
>>> plan_editions("both", trainer_only=True)
('trainer',)
>>> plan_formats("all")
('html', 'pdf', 'ipynb')
>>> plan_formats("docx")
Traceback (most recent call last):
...
toolkit.errors.ExportError: format "docx" is not known; expected one of: html, pdf, ipynb, both, all
"""

from __future__ import annotations

from toolkit.handouts.course_pack import build
from toolkit.handouts.editions import make_edition
from toolkit.handouts.plan import (
    DEFAULT_OUT,
    BuildResult,
    HandoutFile,
    NotebookReport,
    course_notebooks,
)
from toolkit.handouts.scans import course_secrets
from toolkit.handouts.scorm import DEFAULT_OUT as SCORM_OUT
from toolkit.handouts.scorm import ScormResult, build_scorm

__all__ = [
    "DEFAULT_OUT",
    "BuildResult",
    "HandoutFile",
    "NotebookReport",
    "SCORM_OUT",
    "ScormResult",
    "build",
    "build_scorm",
    "course_notebooks",
    "course_secrets",
    "make_edition",
]
