"""Cell markers: the tags and source regions that say what a learner may not see.

The vocabulary of the conventions the course honours (the trainer tags and RISE
speaker notes; nbgrader's solution and hidden-test regions; our mark-scheme regions) and the
rules that apply it to one cell, with no notebook, output or widget in sight: both editions
and the leak scan's list of secrets start from here.

Examples
--------
>>> import nbformat
>>> cell = nbformat.v4.new_code_cell("x = 1\\n### BEGIN SOLUTION\\nx = 42\\n### END SOLUTION")
>>> print(_student_cell(cell, "week1.ipynb, cell 1", None).source)
x = 1
# YOUR CODE HERE
raise NotImplementedError()
>>> _student_cell(nbformat.v4.new_code_cell("### END SOLUTION"), "week1.ipynb, cell 2", None)
Traceback (most recent call last):
...
toolkit.errors.ExportError: week1.ipynb, cell 2, line 1: "END SOLUTION" without a "BEGIN ...
"""

from __future__ import annotations

from typing import Any

from toolkit.errors import ExportError

CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"

#: Tags (canonical spelling) that keep a cell out of the student edition.
TRAINER_TAGS = frozenset({"trainer", "trainer-only", "instructor", "instructor-only"})

#: Tag (canonical spelling) asking a student handout to keep a cell's outputs after a solution.
KEEP_OUTPUT_TAG = "keep-output"

# Region markers: (begin text, end text). A marker line is any line containing the text, so
# "### BEGIN SOLUTION", "# BEGIN SOLUTION" and "// BEGIN SOLUTION" all count (as nbgrader).
_SOLUTION = ("BEGIN SOLUTION", "END SOLUTION")
_HIDDEN_TESTS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
_MARK_SCHEME = ("=== BEGIN MARK SCHEME ===", "=== END MARK SCHEME ===")


def canonical_tag(tag: str) -> str:
    """The documented spelling of a cell tag.

    Case and the choice of ``_`` or ``-`` do not matter; the trainer aliases map to
    ``trainer``.

    Examples
    --------
    >>> canonical_tag("hide_input"), canonical_tag("Remove-Cell"), canonical_tag("instructor")
    ('hide-input', 'remove-cell', 'trainer')
    >>> canonical_tag("")
    ''
    """
    norm = tag.strip().lower().replace("_", "-")
    return "trainer" if norm in TRAINER_TAGS else norm


def cell_tags(cell: Any) -> frozenset[str]:
    """Canonical tags of a cell, including JupyterLab's collapsed input/output flags.

    ``remove-input`` outranks ``hide-input``: the course collapses the input of every
    ``remove-input`` cell in JupyterLab (``source_hidden``), and a handout still removes it
    rather than printing it behind "Show the code".

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("1", metadata={"tags": ["Hide_Input", "trainer_only"]})
    >>> sorted(cell_tags(cell))
    ['hide-input', 'trainer']
    >>> sorted(cell_tags({"metadata": {"tags": ["remove-input"], "jupyter": {"source_hidden": 1}}}))
    ['remove-input']
    >>> sorted(cell_tags({"metadata": {"tags": "oops, not a list"}}))
    []
    """
    meta = cell.get("metadata", {}) or {}
    raw = meta.get("tags", [])
    tags = {canonical_tag(t) for t in raw if isinstance(t, str)} if isinstance(raw, list) else set()
    jupyter = meta.get("jupyter", {}) or {}
    if jupyter.get("source_hidden"):
        tags.add("hide-input")
    if jupyter.get("outputs_hidden"):
        tags.add("hide-output")
    if "remove-input" in tags:
        tags.discard("hide-input")
    tags.discard("")
    return frozenset(tags)


def is_trainer_only(cell: Any) -> bool:
    """Whether a cell belongs to the trainer edition only (trainer tag or RISE notes).

    Examples
    --------
    >>> import nbformat
    >>> is_trainer_only(nbformat.v4.new_markdown_cell("x", metadata={"tags": ["instructor"]}))
    True
    >>> is_trainer_only(nbformat.v4.new_markdown_cell("x", metadata={"tags": ["remove-cell"]}))
    False
    """
    if "trainer" in cell_tags(cell):
        return True
    slideshow = (cell.get("metadata", {}) or {}).get("slideshow", {}) or {}
    return slideshow.get("slide_type") == "notes"


def _is_nbgrader_solution(cell: Any) -> bool:
    nbgrader = (cell.get("metadata", {}) or {}).get("nbgrader", {}) or {}
    return bool(nbgrader.get("solution"))


def is_solution_cell(cell: Any) -> bool:
    """Whether a cell holds what a learner is to write, or hidden tests: code or text that the
    student edition replaces or removes, so that whatever it computed can shape later outputs.

    A solution region, a hidden-test region, an nbgrader solution cell (with or without
    markers), or a mark-scheme region in a code cell (in markdown one computes nothing).

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell
    >>> is_solution_cell(new_code_cell("### BEGIN HIDDEN TESTS\\nassert x\\n### END HIDDEN TESTS"))
    True
    >>> is_solution_cell(new_markdown_cell("x", metadata={"nbgrader": {"solution": True}}))
    True
    >>> is_solution_cell(new_markdown_cell("=== BEGIN MARK SCHEME ===\\n1 mark\\n=== END ..."))
    False
    """
    if _is_nbgrader_solution(cell):
        return True
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    if _SOLUTION[0] in source or _HIDDEN_TESTS[0] in source:
        return True
    return cell.get("cell_type") == "code" and _MARK_SCHEME[0] in source


def first_solution(cells: Any) -> int | None:
    """The index (from 0) of the first solution cell (:func:`is_solution_cell`), or None.

    From that cell on, a code cell's outputs may have been shaped by a solution.

    Examples
    --------
    >>> import nbformat
    >>> first_solution([nbformat.v4.new_code_cell("x = 1"),
    ...                 nbformat.v4.new_code_cell("### BEGIN SOLUTION\\nx = 2\\n### END SOLUTION")])
    1
    >>> first_solution([nbformat.v4.new_code_cell("x = 1")]) is None
    True
    """
    for index, cell in enumerate(cells):
        if is_solution_cell(cell):
            return index
    return None


def replace_regions(
    source: str,
    begin: str,
    end: str,
    stub: str | None,
    *,
    where: str = "cell",
    secrets: list[str] | None = None,
) -> tuple[str, int]:
    """Replace each ``begin`` ... ``end`` region (marker lines included) with ``stub``.

    The stub is indented like the begin marker; ``stub=None`` removes the region. Returns the
    new source and the number of regions replaced; the removed text is appended to
    ``secrets`` when given. An unclosed or stray marker raises ``ExportError`` naming
    ``where`` and the line, because guessing could leak a solution.

    Examples
    --------
    >>> src = "def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION"
    >>> print(replace_regions(src, "BEGIN SOLUTION", "END SOLUTION", CODE_STUB)[0])
    def f():
        # YOUR CODE HERE
        raise NotImplementedError()
    >>> replace_regions("### BEGIN SOLUTION\\nx = 1", "BEGIN SOLUTION", "END SOLUTION", None,
    ...                 where="week1.ipynb, cell 3")
    Traceback (most recent call last):
    ...
    toolkit.errors.ExportError: week1.ipynb, cell 3, line 1: "BEGIN SOLUTION" has no matching ...
    """
    out: list[str] = []
    region: list[str] = []
    start_line = 0
    count = 0
    inside = False
    for number, line in enumerate(source.split("\n"), start=1):
        if not inside and begin in line:
            inside = True
            start_line = number
            region = []
            indent = line[: len(line) - len(line.lstrip())]
            if stub is not None:
                out.extend(indent + s for s in stub.split("\n"))
        elif inside and end in line:
            inside = False
            count += 1
            if secrets is not None and any(r.strip() for r in region):
                secrets.append("\n".join(region))
        elif inside and begin in line:
            raise ExportError(
                f'{where}, line {number}: "{begin}" inside another region that began on line '
                f'{start_line} (expected "{end}" first)'
            )
        elif not inside and end in line:
            raise ExportError(f'{where}, line {number}: "{end}" without a "{begin}" before it')
        elif inside:
            region.append(line)
        else:
            out.append(line)
    if inside:
        raise ExportError(
            f'{where}, line {start_line}: "{begin}" has no matching "{end}" '
            "(a student copy cannot be made safely)"
        )
    return "\n".join(out), count


def _clear_outputs(cell: Any) -> None:
    if cell.get("cell_type") == "code":
        cell["outputs"] = []
        cell["execution_count"] = None


def _student_cell(cell: Any, where: str, secrets: list[str] | None) -> Any:
    """Apply the solution, hidden-test and mark-scheme rules to one cell (in place)."""
    source = cell.get("source", "")
    kind = cell.get("cell_type")
    stub = CODE_STUB if kind == "code" else TEXT_STUB
    source, solutions = replace_regions(source, *_SOLUTION, stub, where=where, secrets=secrets)
    source, hidden = replace_regions(source, *_HIDDEN_TESTS, None, where=where, secrets=secrets)
    source, schemes = replace_regions(source, *_MARK_SCHEME, None, where=where, secrets=secrets)
    if not solutions and _is_nbgrader_solution(cell):
        if secrets is not None and source.strip():
            secrets.append(source)
        source = stub
        solutions = 1
    if solutions or hidden or schemes:
        cell["source"] = source
        _clear_outputs(cell)
    return cell
