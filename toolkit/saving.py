"""What a saved notebook may hold: never trainer material, never a learner's name.

Trainer mode shows model answers, trainer notes and the reviewer's annotations in the live
notebook. JupyterLab saves whatever is on screen (autosave included), so without a guard a
trainer who ran a notebook in trainer mode would leave that material in the file, for the
next learner on the machine or the hub to open. This module is the guard, on the one route
every file takes: the Jupyter server's contents manager.

:func:`clean_for_saving` is a Jupyter server pre-save hook, registered by the server extension
in this module (``_load_jupyter_server_extension``). The course installs the extension with
the package: ``pip install`` (and so ``make lab``, ``make hub`` and a hub's user environment)
puts ``etc/jupyter/jupyter_server_config.d/everycall.json`` into the environment, which
enables it for JupyterLab, Jupyter Notebook, Voilà and JupyterHub's single-user servers alike.

Before a notebook is written, the hook removes:

- every output marked as trainer material (``{"everycall": {"trainer": true}}``: trainer
  notes, the trainer's view of an exercise, the reviewer's view of a comparison), in any
  notebook;
- every output of a cell tagged for trainers (``trainer``, ``trainer-only``, ``instructor``,
  in any spelling), in any notebook;
- in course notebooks (those that import ``toolkit``): the ``toolkit.begin`` status line and
  name prompt (they carry the learner's name, and trainer mode's), and every widget view and
  the saved widget state. A widget needs its kernel: a saved one shows only "Error displaying
  widget: model not found", and its plain-text stand-in repeats what the widget showed (in
  trainer mode, the reviewer's annotations). Running the cell again shows it.

:func:`trainer_material` lists what a notebook file still holds, for ``everycall validate``
and the tests.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> note = nbformat.v4.new_output("display_data", {"text/plain": "Trainer note: timing"},
...                               metadata={"everycall": {"trainer": True}})
>>> nb.cells = [nbformat.v4.new_code_cell("toolkit.trainer_note('x')", outputs=[note])]
>>> trainer_material(nb)
['cell 1: a trainer-only output (Trainer note: timing)']
>>> clean_notebook(nb)
1
>>> trainer_material(nb)
[]
>>> trainer_material(["not", "a", "notebook"])
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: expected a notebook (a JSON object with "cells"), got a list
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

from toolkit.errors import Problem, ToolkitError

__all__ = [
    "clean_for_saving",
    "clean_notebook",
    "notebook_problems",
    "trainer_material",
]

_log = logging.getLogger(__name__)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_TRAINER_TAGS = {"trainer", "trainer-only", "instructor", "instructor-only"}
_USES_TOOLKIT = re.compile(r"^\s*(import toolkit\b|from toolkit\b)", re.MULTILINE)


def _everycall(out: Any) -> dict[str, Any]:
    meta = out.get("metadata") if isinstance(out, dict) else None
    marker = meta.get("everycall") if isinstance(meta, dict) else None
    return marker if isinstance(marker, dict) else {}


def _is_trainer_cell(cell: dict[str, Any]) -> bool:
    tags = (cell.get("metadata") or {}).get("tags") or []
    if not isinstance(tags, list):
        return False
    return any(
        isinstance(t, str) and t.strip().lower().replace("_", "-") in _TRAINER_TAGS for t in tags
    )


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _cells(nb: Any) -> list[dict[str, Any]]:
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        kind = type(nb).__name__ if not isinstance(nb, dict) else "JSON object without cells"
        raise ToolkitError(f'expected a notebook (a JSON object with "cells"), got a {kind}')
    return [c for c in nb["cells"] if isinstance(c, dict)]


def is_course_notebook(nb: Any) -> bool:
    """True when a code cell imports ``toolkit`` (the course's notebooks and builders' own)."""
    return any(
        c.get("cell_type") == "code" and _USES_TOOLKIT.search(_source(c)) for c in _cells(nb)
    )


def _why_removed(cell: dict[str, Any], out: Any, course: bool) -> str | None:
    """Why ``out`` may not be saved, or None when it may."""
    if not isinstance(out, dict):
        return None
    marker = _everycall(out)
    if marker.get("trainer"):
        return "a trainer-only output"
    if _is_trainer_cell(cell):
        return "an output of a cell tagged for trainers"
    if course and "status" in marker:
        return "the learner's status line"
    if course and WIDGET_VIEW in (out.get("data") or {}):
        return "a widget view"
    return None


def _preview(out: dict[str, Any]) -> str:
    data = out.get("data") or {}
    text = data.get("text/plain") or out.get("text") or ""
    text = "".join(text) if isinstance(text, list) else str(text)
    text = " ".join(text.split())
    return text[:60] + ("..." if len(text) > 60 else "")


def clean_notebook(nb: Any) -> int:
    """Remove what a saved notebook may not hold (see the module docstring), in place.

    Returns the number of outputs removed. Saved widget state goes too in a course notebook.
    """
    course = is_course_notebook(nb)
    removed = 0
    for cell in _cells(nb):
        outputs = cell.get("outputs")
        if cell.get("cell_type") != "code" or not isinstance(outputs, list):
            continue
        keep = [o for o in outputs if _why_removed(cell, o, course) is None]
        removed += len(outputs) - len(keep)
        cell["outputs"] = keep
    metadata = nb.get("metadata")
    if course and isinstance(metadata, dict) and "widgets" in metadata:
        del metadata["widgets"]
    return removed


def trainer_material(nb: Any) -> list[str]:
    """Where a notebook file holds trainer material: one line per output, in cell order.

    Trainer-only outputs, outputs of trainer cells, and trainer-only outputs captured in saved
    widget state. (Status lines and widget views are not trainer material in themselves:
    :func:`clean_notebook` removes them for the reasons in the module docstring.)
    """
    found: list[str] = []
    for index, cell in enumerate(_cells(nb), start=1):
        for out in cell.get("outputs") or []:
            why = _why_removed(cell, out, course=False)
            if why:
                found.append(f"cell {index}: {why} ({_preview(out)})")
    widgets = (nb.get("metadata") or {}).get("widgets") or {}
    state = widgets.get("application/vnd.jupyter.widget-state+json") or {}
    for model_id, model in (state.get("state") or {}).items():
        captured = ((model or {}).get("state") or {}).get("outputs") or []
        for out in captured if isinstance(captured, list) else []:
            if _everycall(out).get("trainer"):
                found.append(f"saved widget state {model_id[:8]}: a trainer-only output")
    return found


def notebook_problems(path: Path) -> list[Problem]:
    """``everycall validate`` on one ``.ipynb`` file: every place it holds trainer material.

    An unreadable file is one problem naming it.
    """
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        found = trainer_material(nb)
    except (OSError, ValueError, ToolkitError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return [Problem(str(path), f"cannot be read as a notebook ({reason})")]
    return [
        Problem(
            str(path),
            f"{where}: trainer material must not be saved in a notebook learners may open "
            "(clear the outputs, or save it again from a server where the course is installed)",
        )
        for where in found
    ]


def clean_for_saving(model: dict[str, Any], **_kwargs: Any) -> None:
    """Jupyter server pre-save hook: clean a notebook model before it is written.

    Registered by :func:`_load_jupyter_server_extension`. If cleaning fails for a reason we did
    not foresee, every output is cleared instead: the server would otherwise save the file as
    it stands, trainer material included.
    """
    if not isinstance(model, dict) or model.get("type") != "notebook":
        return
    nb = model.get("content")
    try:
        removed = clean_notebook(nb)
    except Exception:  # noqa: BLE001 - fail safe: a notebook with no outputs leaks nothing
        _log.exception("Every Call: could not check a notebook before saving; clearing outputs")
        for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
            if isinstance(cell, dict) and "outputs" in cell:
                cell["outputs"] = []
        return
    if removed:
        _log.debug("Every Call: %d output(s) not saved (trainer material, widgets)", removed)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "toolkit.saving"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    serverapp.contents_manager.register_pre_save_hook(clean_for_saving)
    serverapp.log.info("Every Call: trainer material is removed from notebooks before saving")
    # Kernels inherit the server's environment: tell them where the server serves pages from
    # and its root folder, so a notebook can link to its own code-free view
    # (toolkit.code_free). Jupyter Server gives kernels only their notebook's full path.
    os.environ["EVERYCALL_SERVER_BASE_URL"] = str(getattr(serverapp, "base_url", "/") or "/")
    os.environ["EVERYCALL_SERVER_ROOT"] = str(getattr(serverapp, "root_dir", "") or "")
