"""Student and trainer editions of a notebook: which cells, and which parts of cells, each keeps.

This is the one place that decides what a learner may see. Handouts (HTML, PDF) and the
student ``.ipynb`` export both call :func:`make_edition`; nothing else strips solutions. It
applies :mod:`toolkit.handouts.markers` (the tags and solution/hidden-test/mark-scheme regions,
applied to one cell) and :mod:`toolkit.handouts.inline` (finding exercises defined inline in a
cell) to a whole notebook, its outputs and its saved widget state.

Conventions honoured
--------------------
========================================  ==============================================
Marker                                    Student edition
========================================  ==============================================
cell tag ``trainer`` (also                cell removed
``trainer-only``, ``trainer_only``,
``instructor``, ``instructor-only``)
RISE ``slideshow.slide_type == "notes"``  cell removed (speaker notes are trainer notes)
``### BEGIN SOLUTION`` ...                region replaced by ``# YOUR CODE HERE`` and
``### END SOLUTION`` (any comment mark)   ``raise NotImplementedError()`` (code, indented
                                          as the marker) or ``YOUR ANSWER HERE`` (markdown)
``metadata.nbgrader.solution`` with no    whole cell replaced by the same placeholder
markers
``### BEGIN HIDDEN TESTS`` ...            region removed
``### END HIDDEN TESTS``
``=== BEGIN MARK SCHEME ===`` ...         region removed
``=== END MARK SCHEME ===``
exercise widget output                    printed question with space to answer
(``{"everycall": {"exercise": id}}``)     (trainer: printed with answers and notes)
output marked ``{"everycall":             removed (a trainer note: ``trainer_note`` in a
{"trainer": true}}``                      handout build, or trainer mode in the kernel;
                                          the trainer handout shows it in a note box)
output marked ``{"everycall":             removed from handouts, both editions (the live
{"status": ...}}``                        learner's name prompt and answers folder)
the same outputs captured inside an       the same rules, applied to the widget state
``ipywidgets.Output`` (``with out: ...``)
an inline exercise (``toolkit.exercises.  no student edition: ``ExportError`` naming the
single_choice(...)`` and friends, under   cell (its answers are in the source; define it in
any import alias)                         ``data/exercises/<notebook>.yaml`` instead)
a code cell from the first solution on,   outputs cleared: a handout shows "Run this cell
(a cell with a solution or hidden-test    to see its output." instead (a printed exercise
region, or an nbgrader solution cell,     stays); a student notebook loses every output
code or markdown); before it, a cell      of such a notebook, as nbgrader's release does
showing a widget or an updatable display
(a later cell could change either)
... tagged ``keep-output`` (also          outputs kept in a handout only when the student
``keep_output``, ``Keep-Output``)         edition, run on its own, gives the same
                                          (:func:`kept_outputs`); else cleared, and the
                                          build warns naming the cell
========================================  ==============================================

A cell whose source changed loses its outputs and execution count (they came from the
solution). The notebook-level widget state is pruned to the models that the remaining
outputs can reach, and the student edition keeps only metadata keys known to be harmless.

Presentation tags (both editions, ``view="handout"`` only; a live notebook keeps them for
JupyterLab and Jupyter Book to honour): MyST ``remove-cell``, ``remove-input``,
``remove-output``, ``remove-stderr``, ``hide-input``, ``hide-output``, ``hide-cell``, and
JupyterLab's ``metadata.jupyter.source_hidden`` / ``outputs_hidden``. Tags are matched
case-insensitively with ``_`` and ``-`` treated alike, so ``hide_input`` and ``Remove-Cell``
work too; :func:`canonical_tag` gives the spelling we document. ``remove-input`` outranks
``hide-input`` and ``source_hidden`` (the course collapses every ``remove-input`` cell in
JupyterLab): its input is removed, not printed behind "Show the code".

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> nb.cells = [
...     nbformat.v4.new_markdown_cell("# Week 1"),
...     nbformat.v4.new_markdown_cell("Pause here for discussion.", metadata={"tags": ["trainer"]}),
...     nbformat.v4.new_code_cell("x = 1\\n### BEGIN SOLUTION\\nx = 42\\n### END SOLUTION"),
... ]
>>> student = make_edition(nb, "student")
>>> [c.source for c in student.cells]
['# Week 1', 'x = 1\\n# YOUR CODE HERE\\nraise NotImplementedError()']
>>> len(make_edition(nb, "trainer").cells)
3
>>> make_edition(nb, "teacher")
Traceback (most recent call last):
...
toolkit.errors.ExportError: edition "teacher" is not known; expected one of: student, trainer
"""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Callable
from typing import Any, Literal

from toolkit.errors import ExportError
from toolkit.exercises import EDITIONS, Edition, render_printed
from toolkit.handouts.inline import _InlineFinder
from toolkit.handouts.markers import (
    KEEP_OUTPUT_TAG,
    _student_cell,
    cell_tags,
    first_solution,
    is_solution_cell,
    is_trainer_only,
)

__all__ = [
    "RUN_HINT",
    "Edition",
    "ExerciseRenderer",
    "View",
    "exercise_ids",
    "kept_output_cells",
    "kept_outputs",
    "make_edition",
    "notebook_secrets",
    "prune_widget_state",
    "student_run_notebook",
]

View = Literal["handout", "notebook"]
#: ``render(exercise_id, edition) -> html`` for the printed form of an exercise.
ExerciseRenderer = Callable[[str, Edition], str]


_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_MODEL_REF = re.compile(r"IPY_MODEL_([0-9A-Za-z_-]+)")
_SHOW_CALL = re.compile(r"""exercises\.show\(\s*["']([^"']+)["']""")
_ATTACHMENT_REF = re.compile(r"attachment:([^)\s\"'>]+)")

# Metadata a student copy keeps; anything else (reviewer notes, tool state) is dropped.
_STUDENT_NB_METADATA = {"kernelspec", "language_info", "title", "authors", "widgets"}
_STUDENT_CELL_METADATA = {
    "tags",
    "nbgrader",
    "jupyter",
    "collapsed",
    "scrolled",
    "editable",
    "deletable",
    "slideshow",
    "transient",
}
_STUDENT_OUTPUT_METADATA = {
    "everycall",
    "image/png",
    "image/jpeg",
    "image/svg+xml",
    "width",
    "height",
    "needs_background",
    "unconfined",
    "isolated",
}


def _model_ids_in(value: Any, found: set[str]) -> None:
    """Collect widget model ids referenced anywhere inside ``value``."""
    if isinstance(value, str):
        found.update(_MODEL_REF.findall(value))
    elif isinstance(value, dict):
        view = value.get(_WIDGET_VIEW)
        if isinstance(view, dict) and isinstance(view.get("model_id"), str):
            found.add(view["model_id"])
        for item in value.values():
            _model_ids_in(item, found)
    elif isinstance(value, list):
        for item in value:
            _model_ids_in(item, found)


def prune_widget_state(nb: Any) -> Any:
    """Keep only the widget models that the notebook's outputs can still reach (in place).

    A widget created in a removed cell (a solution, a trainer cell) otherwise stays in
    ``metadata.widgets`` and ends up in every export. With nothing reachable, the widget
    state is deleted. Returns ``nb``.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> state = {"a": {"state": {"children": ["IPY_MODEL_b"]}}, "b": {"state": {}},
    ...          "secret": {"state": {"value": "model answer"}}}
    >>> nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json":
    ...                           {"state": state, "version_major": 2, "version_minor": 0}}
    >>> out = nbformat.v4.new_output("display_data",
    ...     {"application/vnd.jupyter.widget-view+json": {"model_id": "a"}})
    >>> nb.cells = [nbformat.v4.new_code_cell("w", outputs=[out])]
    >>> sorted(prune_widget_state(nb).metadata.widgets[
    ...     "application/vnd.jupyter.widget-state+json"]["state"])
    ['a', 'b']
    >>> nb.cells = []
    >>> "widgets" in prune_widget_state(nb).metadata
    False
    """
    widgets = nb.get("metadata", {}).get("widgets")
    if not widgets:
        return nb
    state = (widgets.get(_WIDGET_STATE) or {}).get("state") or {}
    reachable: set[str] = set()
    for cell in nb.cells:
        _model_ids_in(cell.get("outputs", []), reachable)
    frontier = list(reachable)
    while frontier:
        model = state.get(frontier.pop())
        if model is None:
            continue
        more: set[str] = set()
        _model_ids_in(model, more)
        for mid in more - reachable:
            reachable.add(mid)
            frontier.append(mid)
    kept = {mid: model for mid, model in state.items() if mid in reachable}
    if not kept:
        del nb.metadata["widgets"]
    else:
        widgets[_WIDGET_STATE]["state"] = kept
    return nb


def exercise_ids(nb: Any) -> list[str]:
    """Exercise ids a notebook shows, in order of first appearance.

    Read from exercise outputs (``metadata.everycall.exercise``) and from
    ``exercises.show("<id>")`` calls in code cells, so an unexecuted notebook counts too.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell('toolkit.exercises.show("q1")')]
    >>> exercise_ids(nb)
    ['q1']
    >>> exercise_ids(nbformat.v4.new_notebook())
    []
    """
    found: list[str] = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        for out in cell.get("outputs", []):
            ex = _output_exercise(out)
            if ex and ex not in found:
                found.append(ex)
        for ex in _SHOW_CALL.findall(cell.get("source", "")):
            if ex not in found:
                found.append(ex)
    return found


def _output_exercise(out: Any) -> str | None:
    meta = (out.get("metadata") or {}).get("everycall") or {}
    ex = meta.get("exercise") if isinstance(meta, dict) else None
    return ex if isinstance(ex, str) and ex else None


def _default_renderer(exercise_id: str, edition: Edition) -> str:
    return render_printed(exercise_id, edition)


def _printed_exercise(exercise_id: str, edition: Edition, render: ExerciseRenderer) -> Any:
    import nbformat

    html = render(exercise_id, edition)
    return nbformat.v4.new_output(
        "display_data",
        data={"text/html": html, "text/plain": f"Exercise {exercise_id}"},
        metadata={"everycall": {"exercise": exercise_id, "printed": edition}},
    )


def _swap_exercises(
    cell: Any, edition: Edition, view: View, render: ExerciseRenderer | None
) -> None:
    """Replace a cell's exercise widget outputs by their printed form (or drop them)."""
    outputs = cell.get("outputs", [])
    if not outputs:
        return
    called = _SHOW_CALL.findall(cell.get("source", ""))
    new: list[Any] = []
    for out in outputs:
        ex = _output_exercise(out)
        if ex is None and called and _WIDGET_VIEW in (out.get("data") or {}):
            ex = called[0]  # show() without the output marker: key it by the call instead
        if ex is None:
            new.append(out)
        elif view == "handout":
            new.append(_printed_exercise(ex, edition, render or _default_renderer))
        elif edition == "trainer":
            new.append(out)
        # student notebook: dropped; the live widget appears when the learner runs the cell
    cell["outputs"] = new


def _captured(nb: Any) -> list[dict[str, Any]]:
    """The state of each widget model that holds captured outputs (``ipywidgets.Output``)."""
    widgets = (nb.get("metadata", {}).get("widgets") or {}).get(_WIDGET_STATE) or {}
    found = []
    for model in (widgets.get("state") or {}).values():
        state = model.get("state") if isinstance(model, dict) else None
        if isinstance(state, dict) and isinstance(state.get("outputs"), list):
            found.append(state)
    return found


def _captured_outputs(
    nb: Any, edition: Edition, view: View, render: ExerciseRenderer | None
) -> None:
    """Apply the output rules to outputs captured inside Output widgets (in place).

    ``with out: toolkit.trainer_note(...)`` keeps the note in the widget state, not in the
    cell: the student edition drops it there too; an exercise shown inside an Output widget
    is printed in a handout (and dropped from a student notebook) as in a cell.
    """
    for state in _captured(nb):
        new: list[Any] = []
        for out in state["outputs"]:
            if not isinstance(out, dict):
                continue
            if edition == "student" and _is_trainer_output(out):
                continue
            if view == "handout" and _is_session_output(out):
                continue
            ex = _output_exercise(out)
            printed = ((out.get("metadata") or {}).get("everycall") or {}).get("printed")
            if ex is None or printed:
                new.append(out)
            elif view == "handout":
                new.append(_printed_exercise(ex, edition, render or _default_renderer))
            elif edition == "trainer":
                new.append(out)
        if edition == "student":
            for out in new:
                meta = out.get("metadata")
                if isinstance(meta, dict):
                    for key in [k for k in meta if k not in _STUDENT_OUTPUT_METADATA]:
                        del meta[key]
        state["outputs"] = new


def _is_trainer_output(out: Any) -> bool:
    """An output that trainer mode added (``{"everycall": {"trainer": true}}``)."""
    meta = (out.get("metadata") or {}).get("everycall") or {}
    return isinstance(meta, dict) and bool(meta.get("trainer"))


def _is_session_output(out: Any) -> bool:
    """The ``toolkit.begin()`` status line or name prompt (``{"everycall": {"status": ...}}``)."""
    meta = (out.get("metadata") or {}).get("everycall") or {}
    return isinstance(meta, dict) and "status" in meta


def _is_caption_output(out: Any) -> bool:
    """A figure's description shown under it (``toolkit.core.display.show``)."""
    meta = (out.get("metadata") or {}).get("everycall") or {}
    return isinstance(meta, dict) and bool(meta.get("caption"))


# --- outputs a solution could have shaped ----------------------------------------------

#: What a student handout shows in place of the outputs of a cell after a solution.
RUN_HINT = "Run this cell to see its output."


def _run_hint() -> Any:
    import nbformat

    return nbformat.v4.new_output(
        "display_data",
        data={"text/html": f'<p class="ec-run-hint">{RUN_HINT}</p>', "text/plain": RUN_HINT},
        metadata={"everycall": {"cleared": True}},
    )


def kept_output_cells(nb: Any) -> list[int]:
    """Indices (from 0) of the code cells after the first solution tagged ``keep-output``.

    Solution cells and trainer-only cells are left out: their outputs go with their source.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("print(1)", metadata={"tags": ["keep_output"]}),
    ...     nbformat.v4.new_code_cell("### BEGIN SOLUTION\\nx = 2\\n### END SOLUTION"),
    ...     nbformat.v4.new_code_cell("print(3)", metadata={"tags": ["Keep-Output"]})]
    >>> kept_output_cells(nb)
    [2]
    >>> kept_output_cells(nbformat.v4.new_notebook())
    []
    """
    start = first_solution(nb.cells)
    if start is None:
        return []
    return [
        index
        for index, cell in enumerate(nb.cells)
        if index > start
        and cell.get("cell_type") == "code"
        and KEEP_OUTPUT_TAG in cell_tags(cell)
        and not is_solution_cell(cell)
        and not is_trainer_only(cell)
    ]


def student_run_notebook(nb: Any, *, name: str = "notebook") -> Any:
    """The student edition as a learner would run it, cell for cell beside ``nb``.

    Solutions become their stubs, hidden tests and mark schemes go, and a trainer-only code
    cell is emptied (a learner's notebook has none); cells are neither removed nor added, so
    cell ``i`` here is cell ``i`` of ``nb`` and the two runs compare cell by cell
    (:func:`kept_outputs`). Every code cell is tagged ``raises-exception`` (nbclient's
    per-cell ``allow_errors``): the run goes on past a stub's ``NotImplementedError``, as a
    learner's would, and a cell that needs a solution fails instead of stopping the run.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("### BEGIN SOLUTION\\nx = 42\\n### END SOLUTION"),
    ...             nbformat.v4.new_code_cell("secret = 1", metadata={"tags": ["trainer"]})]
    >>> run = student_run_notebook(nb)
    >>> [c.source for c in run.cells], run.cells[0].metadata.tags
    (['# YOUR CODE HERE\\nraise NotImplementedError()', ''], ['raises-exception'])
    """
    out = copy.deepcopy(nb)
    for index, cell in enumerate(out.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        if is_trainer_only(cell):
            cell["source"] = ""
        else:
            _student_cell(cell, f"{name}, cell {index}", None)
        cell["outputs"] = []
        cell["execution_count"] = None
        cell.setdefault("metadata", {})["tags"] = sorted(cell_tags(cell) | {"raises-exception"})
    return out


def _comparable(outputs: Any) -> list[tuple[Any, ...]]:
    """Outputs as two runs can be compared: no execution counts or metadata, streams joined."""
    found: list[tuple[Any, ...]] = []
    for out in outputs or []:
        kind = out.get("output_type")
        if kind == "stream":
            raw = out.get("text", "")
            text = "".join(raw) if isinstance(raw, list) else str(raw)
            if found and found[-1][:2] == ("stream", out.get("name")):
                found[-1] = ("stream", out.get("name"), found[-1][2] + text)
            else:
                found.append(("stream", out.get("name"), text))
        elif kind == "error":
            found.append(("error", out.get("ename"), out.get("evalue")))
        else:
            found.append((kind, json.dumps(out.get("data") or {}, sort_keys=True)))
    return found


def kept_outputs(
    trainer_run: Any, student_run: Any | None, *, name: str = "notebook"
) -> tuple[frozenset[int], list[str]]:
    """Which ``keep-output`` cells (:func:`kept_output_cells`) may keep their outputs in a
    student handout, and a warning naming each cell that may not.

    A cell keeps its outputs only when the student run (:func:`student_run_notebook`,
    executed) gave exactly the outputs of the trainer run: then nothing a solution computed
    reached them. Running the learner's own notebook, rather than reading the code for names
    a solution defines, is the one check that cannot be fooled by a function called through
    another, a value changed in place, a file written or random state moved on; and only a
    notebook with both solutions and a kept cell pays for the second run. With no student
    run (``None``: not executed, or it failed) no output can be shown independent.

    Examples
    --------
    >>> import nbformat
    >>> def run(answer):
    ...     nb = nbformat.v4.new_notebook()
    ...     out = lambda text: [nbformat.v4.new_output("stream", name="stdout", text=text)]
    ...     nb.cells = [nbformat.v4.new_code_cell("### BEGIN SOLUTION\\na = 42\\n### END SOLUTION"),
    ...         nbformat.v4.new_code_cell("print('hi')", metadata={"tags": ["keep-output"]},
    ...                                   outputs=out("hi\\n")),
    ...         nbformat.v4.new_code_cell("print(a)", metadata={"tags": ["keep-output"]},
    ...                                   outputs=out(answer))]
    ...     return nb
    >>> shown, warnings = kept_outputs(run("42\\n"), run("NameError"), name="w1.ipynb")
    >>> sorted(shown)
    [1]
    >>> print(warnings[0])
    w1.ipynb, cell 3 ("print(a)"): tagged keep-output, but its output changes when the \
student edition runs on its own (it depends on a solution); left out of the student edition
    >>> kept_outputs(run("42\\n"), None)[0]
    frozenset()
    """
    shown: set[int] = set()
    warnings: list[str] = []
    for index in kept_output_cells(trainer_run):
        cell = trainer_run.cells[index]
        if student_run is not None and index < len(student_run.cells):
            theirs = student_run.cells[index].get("outputs")
        else:
            theirs = None
        if theirs is not None and _comparable(cell.get("outputs")) == _comparable(theirs):
            shown.add(index)
            continue
        first = str(cell.get("source", "")).strip().split("\n", 1)[0][:60]
        why = (
            "its output could not be checked (the student edition did not run on its own)"
            if student_run is None
            else "its output changes when the student edition runs on its own "
            "(it depends on a solution)"
        )
        warnings.append(
            f'{name}, cell {index + 1} ("{first}"): tagged {KEEP_OUTPUT_TAG}, but {why}; '
            "left out of the student edition"
        )
    return frozenset(shown), warnings


def _changeable(cell: Any) -> bool:
    """Whether a cell's outputs can still be changed by a later cell, so that a cell before
    the first solution may show what a solution computed: a widget (any later cell can set
    its value, add traces or print into it, and its state is saved at the end of the run) or
    a display a later cell can replace through its display id (marked by the build).

    Examples
    --------
    >>> import nbformat
    >>> view = {_WIDGET_VIEW: {"model_id": "m1"}}
    >>> _changeable(nbformat.v4.new_code_cell(outputs=[
    ...     nbformat.v4.new_output("display_data", data=view)]))
    True
    >>> _changeable(nbformat.v4.new_code_cell(outputs=[
    ...     nbformat.v4.new_output("stream", name="stdout", text="hi")]))
    False
    """
    for out in cell.get("outputs") or []:
        if _WIDGET_VIEW in (out.get("data") or {}):
            return True
        meta = (out.get("metadata") or {}).get("everycall") or {}
        if isinstance(meta, dict) and meta.get("display_id"):
            return True
    return False


def _clear_shaped(cell: Any, view: View) -> None:
    """Clear the outputs of a cell after a solution (in place).

    A student notebook is left as nbgrader's release leaves it: no outputs, no count. A
    handout shows one quiet line instead; a printed exercise stays, since it is drawn from
    the course's data, not from anything the cell computed.
    """
    if view == "notebook":
        cell["outputs"] = []
        cell["execution_count"] = None
        return
    outputs = cell.get("outputs") or []
    printed = [
        o for o in outputs if ((o.get("metadata") or {}).get("everycall") or {}).get("printed")
    ]
    if len(printed) < len(outputs):
        cell["outputs"] = [_run_hint(), *printed]


def _output_text(out: Any) -> str:
    data = out.get("data") or {}
    for mime in ("text/html", "text/markdown", "text/plain"):
        if mime in data:
            raw = data[mime]
            text = "".join(raw) if isinstance(raw, list) else str(raw)
            if mime == "text/html":
                return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
            return text
    return str(out.get("text", ""))


def _student_metadata(nb: Any) -> None:
    for key in list(nb.metadata):
        if key not in _STUDENT_NB_METADATA:
            del nb.metadata[key]
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        for key in list(meta):
            if key not in _STUDENT_CELL_METADATA:
                del meta[key]
        if isinstance(meta.get("nbgrader"), dict):
            meta["nbgrader"].pop("checksum", None)
        attachments = cell.get("attachments")
        if attachments:
            used = set(_ATTACHMENT_REF.findall(cell.get("source", "")))
            kept = {name: data for name, data in attachments.items() if name in used}
            if kept:
                cell["attachments"] = kept
            else:
                del cell["attachments"]
        for out in cell.get("outputs", []):
            ometa = out.get("metadata")
            if isinstance(ometa, dict):
                for key in list(ometa):
                    if key not in _STUDENT_OUTPUT_METADATA:
                        del ometa[key]


_ONLY_SHOW_LINE = re.compile(r"""^\s*(toolkit\.)?exercises\.show\(\s*(["'])[\w-]+\2\s*\)\s*$""")


def _only_shows_exercises(cell: Any) -> bool:
    """A code cell whose every line is ``toolkit.exercises.show("<id>")`` (or a comment).

    >>> import nbformat
    >>> _only_shows_exercises(nbformat.v4.new_code_cell('toolkit.exercises.show("02-x")'))
    True
    >>> _only_shows_exercises(nbformat.v4.new_code_cell('x = 1\\ntoolkit.exercises.show("y")'))
    False
    """
    if cell.get("cell_type") != "code":
        return False
    lines = [ln for ln in str(cell.get("source", "")).splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.strip().startswith("#")]
    return bool(lines) and all(_ONLY_SHOW_LINE.match(ln) for ln in lines)


def _present(cell: Any, tags: frozenset[str]) -> bool:
    """Apply MyST/JupyterLab presentation tags for a handout; False drops the cell."""
    if "remove-cell" in tags:
        return False
    if cell.get("cell_type") == "code":
        if "remove-input" in tags:
            cell["source"] = ""
            cell.setdefault("metadata", {})["transient"] = {"remove_source": True}
        if "remove-output" in tags:
            cell["outputs"] = []
        elif "remove-stderr" in tags:
            cell["outputs"] = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    return True


def make_edition(
    nb: Any,
    edition: Edition,
    *,
    view: View = "handout",
    exercise_renderer: ExerciseRenderer | None = None,
    name: str = "notebook",
    student_run: Any | None = None,
) -> Any:
    """Return the ``edition`` of a notebook; ``nb`` itself is never changed.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A version-4 notebook, executed (for handouts) or not (for a live student copy).
    edition : {"student", "trainer"}
        ``student`` removes trainer cells, solutions, hidden tests and mark schemes (see the
        module docstring); ``trainer`` keeps everything.
    view : {"handout", "notebook"}, keyword-only
        ``handout`` also applies the presentation tags and turns exercise widgets into
        printed questions (via ``exercise_renderer``); ``notebook`` leaves presentation tags
        for JupyterLab, and a student notebook loses exercise outputs so that the live
        widget appears when the learner runs the cell.
    exercise_renderer : callable, keyword-only
        ``render(exercise_id, edition) -> html``; defaults to
        ``toolkit.exercises.render_printed``. Used only with ``view="handout"``.
    name : str, keyword-only
        How to name the notebook in error messages (usually its file name).
    student_run : nbformat.NotebookNode, keyword-only
        :func:`student_run_notebook` of ``nb``'s source, executed: a ``keep-output`` cell
        after a solution keeps its outputs in a student handout only when this run gave the
        same (:func:`kept_outputs`). Without it, every such cell's outputs are cleared.

    Returns
    -------
    nbformat.NotebookNode
        A new notebook. Every cell's tags are in canonical spelling.

    Raises
    ------
    ExportError
        For an unknown edition or view, a solution/hidden-test/mark-scheme marker without
        its partner (named by notebook, cell and line), or, for the student edition, an
        inline exercise in a learner cell (see :func:`inline_exercises`).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell("Because ...",
    ...                                           metadata={"nbgrader": {"solution": True}})]
    >>> make_edition(nb, "student").cells[0].source
    'YOUR ANSWER HERE'
    >>> make_edition(nb, "student", view="slides")
    Traceback (most recent call last):
    ...
    toolkit.errors.ExportError: view "slides" is not known; expected one of: handout, notebook
    """
    if edition not in EDITIONS:
        raise ExportError(
            f'edition "{edition}" is not known; expected one of: {", ".join(EDITIONS)}'
        )
    if view not in ("handout", "notebook"):
        raise ExportError(f'view "{view}" is not known; expected one of: handout, notebook')
    out = copy.deepcopy(nb)
    kept: list[Any] = []
    inline: list[str] = []
    finder = _InlineFinder(out) if edition == "student" else None
    # From the first solution on, a student sees no output a solution could have shaped. A
    # student notebook loses every output, as nbgrader's release does: its outputs were saved
    # by whoever ran it last, in an order no one can vouch for (a handout's run is in order).
    start = first_solution(out.cells) if edition == "student" else None
    if start is not None and view == "notebook":
        start = 0
    shown: frozenset[int] = frozenset()
    if start is not None and view == "handout" and student_run is not None:
        shown = kept_outputs(nb, student_run, name=name)[0]
    for index, cell in enumerate(out.cells, start=1):
        tags = cell_tags(cell)
        if is_trainer_only(cell):
            tags = tags | {"trainer"}
        meta = cell.setdefault("metadata", {})
        if "tags" in meta or tags:
            meta["tags"] = sorted(tags)
        if finder is not None:
            if is_trainer_only(cell):
                continue
            _student_cell(cell, f"{name}, cell {index}", None)
            inline += [found.message(name) for found in finder.cell(cell, index)]
            if cell.get("outputs"):
                cell["outputs"] = [o for o in cell["outputs"] if not _is_trainer_output(o)]
        if view == "handout" and cell.get("outputs"):
            # The live learner's session line (name prompt, where answers are saved) means
            # nothing on paper and would print a build machine's folder.
            # A figure's description shown under it live is its caption on paper: once.
            cell["outputs"] = [
                o
                for o in cell["outputs"]
                if not _is_session_output(o) and not _is_caption_output(o)
            ]
        if view == "handout" and not _present(cell, tags):
            continue
        if cell.get("cell_type") == "code":
            only_show = view == "handout" and edition == "student" and _only_shows_exercises(cell)
            _swap_exercises(cell, edition, view, exercise_renderer)  # keyed by the show() call
            after = start is not None and index - 1 >= start
            if (after or (start is not None and _changeable(cell))) and index - 1 not in shown:
                _clear_shaped(cell, view)
            if only_show:  # a printed question needs no code above it
                _present(cell, frozenset({"remove-input"}))
        kept.append(cell)
    if inline:  # the answers are in the source: no student copy can be made from it
        raise ExportError("\n".join(inline))
    out.cells = kept
    _captured_outputs(out, edition, view, exercise_renderer)
    if edition == "student":
        _student_metadata(out)
    prune_widget_state(out)
    return out


def notebook_secrets(nb: Any, *, name: str = "notebook") -> list[str]:
    """Every text the student edition of ``nb`` must not contain.

    Trainer-only cells (their source), solution regions and whole nbgrader solution cells,
    hidden tests, mark schemes, and the text of trainer notes: outputs marked
    ``{"everycall": {"trainer": true}}`` (by trainer mode, or by ``toolkit.trainer_note`` in a
    handout build), in any cell, trainer-tagged or not, and inside any Output widget's saved
    state; the student edition removes them. The handouts' leak scan searches student files
    for each.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell(
    ...     "### BEGIN HIDDEN TESTS\\nassert answer == 42\\n### END HIDDEN TESTS")]
    >>> notebook_secrets(nb)
    ['assert answer == 42']
    >>> notebook_secrets(nbformat.v4.new_notebook())
    []
    """
    found: list[str] = []
    for state in _captured(nb):  # notes shown inside an Output widget live in its state
        found += [
            _output_text(o)
            for o in state["outputs"]
            if isinstance(o, dict) and _is_trainer_output(o)
        ]
    for index, cell in enumerate(nb.cells, start=1):
        notes = [_output_text(o) for o in cell.get("outputs", []) if _is_trainer_output(o)]
        if is_trainer_only(cell):
            if cell.get("source", "").strip():
                found.append(cell["source"])
            found.extend(notes)  # a trainer note cell (toolkit.trainer_note) once executed
            continue
        _student_cell(copy.deepcopy(cell), f"{name}, cell {index}", found)
        found.extend(notes)
    return [s for s in found if s.strip()]
