"""Inline exercises: exercises defined in a notebook cell, found by reading its Python.

A small static analyser of its own (the cell source parsed with :mod:`ast`, IPython
magics made readable, every way of importing ``toolkit.exercises`` followed), used both by
:func:`toolkit.handouts.editions.make_edition` to refuse a student edition and by the handouts to
name the cell before anything is built.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> nb.cells = [nbformat.v4.new_code_cell("from toolkit.exercises import numeric as n"),
...             nbformat.v4.new_code_cell("n(id='q1', prompt='How many?', answer=3)")]
>>> inline_exercises(nb)
[InlineExercise(cell=2, call='numeric', exercise_id='q1', trainer_only=False)]

A cell that is not valid Python is still searched, as text:

>>> broken = nbformat.v4.new_code_cell("exercises.free_text(id='q2', prompt='Why?'")
>>> inline_exercises(nbformat.v4.new_notebook(cells=[broken]))
[InlineExercise(cell=1, call='free_text', exercise_id='q2', trainer_only=False)]
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath
from typing import Any

from toolkit.exercises import Edition
from toolkit.handouts.markers import is_trainer_only

#: The ``toolkit.exercises`` functions that define an exercise in a cell, answer and all.
INLINE_KINDS = (
    "single_choice",
    "multiple_choice",
    "numeric",
    "free_text",
    "ordering",
    "confidence",
)
_ID_KEYWORD = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class InlineExercise:
    """An exercise defined in a cell (``toolkit.exercises.single_choice(...)`` and friends).

    Its answers and feedback sit in the cell's source and its definition lives only in the
    running kernel, so it can go into neither a student edition nor a printed handout.
    ``cell`` counts every cell from 1; ``exercise_id`` is None when the id is not a literal.
    """

    cell: int
    call: str
    exercise_id: str | None
    trainer_only: bool

    def message(self, name: str, *, edition: Edition = "student") -> str:
        """What the course builder reads: where, why, and what to do instead."""
        stem = PurePath(name).stem
        why = (
            "keeps its answer in the cell, so it cannot go into a student edition"
            if edition == "student"
            else "is defined only in the running notebook, so a handout cannot print it"
        )
        return (
            f"{name}, cell {self.cell}: an inline exercise ({self.call}(...)) {why}; move it "
            f"to data/exercises/{stem}.yaml and show it with "
            f'toolkit.exercises.show("{self.exercise_id or "<id>"}")'
        )


@lru_cache(maxsize=512)
def _python_source(source: str) -> ast.Module | None:
    """A cell's source as Python (IPython magics turned into calls), or None if it is not."""
    try:
        # IPython's own transformer: the one way to read %magic and !shell lines correctly
        from IPython.core.inputtransformer2 import TransformerManager

        source = TransformerManager().transform_cell(source)
    except ImportError:
        source = "\n".join("" if line.lstrip()[:1] in "%!" else line for line in source.split("\n"))
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _is_code(cell: Any) -> bool:
    return cell.get("cell_type") == "code" and bool(cell.get("source", "").strip())


class _InlineFinder:
    """Finds inline exercise calls, knowing how the notebook imported ``toolkit.exercises``."""

    def __init__(self, nb: Any) -> None:
        self.packages = {"toolkit"}  # names bound to the toolkit package
        self.modules = {"exercises"}  # names bound to toolkit.exercises
        self.functions: dict[str, str] = {}  # local name -> exercise function
        for cell in nb.cells:  # an import in any cell counts: cells run in any order
            tree = _python_source(cell.get("source", "")) if _is_code(cell) else None
            for node in ast.walk(tree) if tree is not None else ():
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name == "toolkit.exercises" and alias.asname:
                            self.modules.add(alias.asname)
                        elif alias.name.split(".")[0] == "toolkit":
                            self.packages.add(alias.asname or "toolkit")
                elif isinstance(node, ast.ImportFrom) and node.module == "toolkit":
                    for alias in node.names:
                        if alias.name == "exercises":
                            self.modules.add(alias.asname or "exercises")
                elif isinstance(node, ast.ImportFrom) and node.module == "toolkit.exercises":
                    for alias in node.names:
                        if alias.name == "*":
                            self.functions.update({k: k for k in INLINE_KINDS})
                        elif alias.name in INLINE_KINDS:
                            self.functions[alias.asname or alias.name] = alias.name

    def cell(self, cell: Any, index: int) -> list[InlineExercise]:
        """The inline exercises one cell defines (``index`` counts cells from 1)."""
        if not _is_code(cell):
            return []
        calls = self.calls(cell.get("source", ""))
        return [InlineExercise(index, call, ex, is_trainer_only(cell)) for call, ex in calls]

    def _kind(self, func: ast.expr) -> str | None:
        if isinstance(func, ast.Name):
            return self.functions.get(func.id)
        if not isinstance(func, ast.Attribute) or func.attr not in INLINE_KINDS:
            return None
        owner = func.value
        if isinstance(owner, ast.Name) and owner.id in self.modules:
            return func.attr
        if (
            isinstance(owner, ast.Attribute)
            and owner.attr == "exercises"
            and isinstance(owner.value, ast.Name)
            and owner.value.id in self.packages
        ):
            return func.attr
        return None

    def calls(self, source: str) -> list[tuple[str, str | None]]:
        """(function, exercise id or None) for each inline exercise call in ``source``."""
        tree = _python_source(source)
        if tree is None:
            return self._guess(source)
        found = []
        for node in ast.walk(tree):
            kind = self._kind(node.func) if isinstance(node, ast.Call) else None
            if kind is not None:
                ids = [
                    k.value.value
                    for k in node.keywords  # type: ignore[attr-defined]
                    if k.arg == "id" and isinstance(k.value, ast.Constant)
                ]
                ident = ids[0] if ids and isinstance(ids[0], str) else None
                found.append((node.lineno, node.col_offset, kind, ident))  # type: ignore[attr-defined]
        return [(kind, ident) for _, _, kind, ident in sorted(found)]

    def _guess(self, source: str) -> list[tuple[str, str | None]]:
        """For a cell that is not valid Python: any call that looks like an inline exercise."""
        owners = "|".join(re.escape(m) for m in sorted(self.modules | {"exercises"}))
        names = "|".join(re.escape(f) for f in sorted(self.functions))
        kinds = "|".join(INLINE_KINDS)
        pattern = rf"\b(?:{owners})\s*\.\s*({kinds})\s*\("
        if names:
            pattern += rf"|(?<![.\w])({names})\s*\("
        found = []
        for match in re.finditer(pattern, source):
            call = match.group(1) or self.functions[match.group(2)]
            ident = _ID_KEYWORD.search(source, match.end())
            found.append((call, ident.group(1) if ident else None))
        return found


def inline_exercises(nb: Any) -> list[InlineExercise]:
    """Every inline exercise a notebook defines, in cell order.

    An inline exercise is a call to ``single_choice``, ``multiple_choice``, ``numeric``,
    ``free_text``, ``ordering`` or ``confidence`` from ``toolkit.exercises``, however the
    notebook imported it (``toolkit.exercises.numeric``, ``from toolkit import exercises as
    ex``, ``from toolkit.exercises import numeric as n``, ...). A cell that is not valid
    Python is searched as text.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("from toolkit import exercises as ex"),
    ...             nbformat.v4.new_code_cell('ex.numeric(id="q9", prompt="How many?", answer=3)')]
    >>> found = inline_exercises(nb)
    >>> found
    [InlineExercise(cell=2, call='numeric', exercise_id='q9', trainer_only=False)]
    >>> print(found[0].message("notebooks/01-demo.ipynb"))  # doctest: +NORMALIZE_WHITESPACE
    notebooks/01-demo.ipynb, cell 2: an inline exercise (numeric(...)) keeps its answer in the
    cell, so it cannot go into a student edition; move it to data/exercises/01-demo.yaml and
    show it with toolkit.exercises.show("q9")
    >>> inline_exercises(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("numeric(2)")]))
    []
    """
    finder = _InlineFinder(nb)
    return [
        found for index, cell in enumerate(nb.cells, start=1) for found in finder.cell(cell, index)
    ]
