"""The course without code, in Voilà: presenter mode for a projector, and the code-free view.

::

    run         serve() (everycall present, make present NB=04), start() -> Presenting (tests,
                the benchmark), voila_command(): the Voilà command line and its environment

Both views are Voilà (the Jupyter project's notebook-to-app server, ``voila`` on PyPI) with
the course's template, ``everycall`` (``jupyter/voila/templates/everycall/`` here; the wheel
installs it where Voilà's server extension finds it). No code is shown; markdown, figures and
widgets are live, and exercises save to the same answer store as in JupyterLab.

- **Presenter mode** (``everycall present 04``): Voilà on this machine with
  ``EVERYCALL_PRESENTER=1`` in its kernels' environment, which keeps trainer mode off whatever
  ``EVERYCALL_TRAINER`` says (the room is watching; see
  :func:`toolkit.core.session.in_presenter_view`), and the template's second guard, which never
  sends a cell tagged ``trainer`` or an output marked as trainer material to the page. Type
  for the back of a room, the content note and support routes first, a contents list and
  keys between sections.
- **The code-free view**: ``/voila/render/<notebook>`` in JupyterLab's server or a learner's
  hub server (Voilà's server extension, configured by ``jupyter-config/voila.json`` to use
  the template), at a normal type size; 00-start-here links to it for every notebook
  (:mod:`toolkit.code_free`, on the learner's layer: it runs in their kernel).
"""

from __future__ import annotations

from toolkit.present.run import (
    TEMPLATE,
    Presenting,
    serve,
    start,
    template_root,
    voila_command,
)

__all__ = [
    "TEMPLATE",
    "Presenting",
    "serve",
    "start",
    "template_root",
    "voila_command",
]
