"""One exception tree for the toolkit, so a trainer gets one clear message and no traceback.

::

    ValueError
    └── ToolkitError              anything a user can fix: bad input, a missing tool
        ├── DataError             a data package or case file breaks its schema (carries .problems)
        ├── AnswerStoreError      an answer file cannot be read or written
        ├── ModelError            a model was given parameters it cannot use (zero staff, ...)
        └── ExportError           a handout could not be built
            └── BrowserNotFoundError   no Chromium to print PDFs or run browser checks

The CLI turns any ``ToolkitError`` into its message and exit status 2. A message says what
was given, what was expected, and where, for example::

    data/cases/x/events.csv, line 15 (event E14), column "timestamp": "31/02/2019" is not a
    date (expected YYYY-MM-DD HH:MM)

Examples
--------
>>> p = Problem("data/cases/x/events.csv", "timestamp is not a date", row=14, column="timestamp")
>>> str(p)
'data/cases/x/events.csv, line 15, column "timestamp": timestamp is not a date'
>>> err = DataError([p])
>>> isinstance(err, ValueError), len(err.problems)
(True, 1)
>>> str(DataError("no data folder at /tmp/none"))
'no data folder at /tmp/none'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AnswerStoreError",
    "BrowserNotFoundError",
    "DataError",
    "ExportError",
    "ModelError",
    "Problem",
    "ToolkitError",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in a file.

    ``row`` counts data rows from 1 (the header is not a row); for a CSV file it prints as the
    line a spreadsheet shows (the header is line 1, so data row 2 is line 3), with the row's
    ``record`` (such as ``event E02``) when known. For YAML and JSON files ``row`` is the line
    number and ``column`` (a key, such as ``period.start``) prints as "key"; ``level`` is
    ``"error"`` or ``"warning"``.

    >>> str(Problem("cases/x/events.csv", "is empty", 2, "agency", record="event E02"))
    'cases/x/events.csv, line 3 (event E02), column "agency": is empty'
    >>> str(Problem("cases/x/case.yaml", "is not a real date", 8, "period.end"))
    'cases/x/case.yaml, line 8, key "period.end": is not a real date'
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    level: str = "error"
    record: str | None = None

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        keyed = self.file.lower().endswith((".yaml", ".yml", ".json"))
        if self.row is not None and keyed:
            where.append(f"line {self.row}")
        elif self.row is not None and self.file.lower().endswith(".csv"):
            where.append(f"line {self.row + 1}" + (f" ({self.record})" if self.record else ""))
        elif self.row is not None:  # a table in memory: its row, counted from 1
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'{"key" if keyed else "column"} "{self.column}"')
        prefix = "warning: " if self.level == "warning" else ""
        if not where:
            return f"{prefix}{self.message}"
        return f"{prefix}{', '.join(where)}: {self.message}"


class ToolkitError(ValueError):
    """Base class for every error a user can act on."""


class DataError(ToolkitError):
    """A data package, case folder or dataset does not meet its schema.

    ``problems`` lists every problem found in one pass (errors first), so a course builder
    can fix them all at once.
    """

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(file="", message=problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class AnswerStoreError(ToolkitError):
    """An answer file is unreadable or could not be saved."""


class ModelError(ToolkitError):
    """A model (queue, simulation, threshold) was given parameters it cannot use."""


class ExportError(ToolkitError):
    """A handout, course pack or export check failed."""


class BrowserNotFoundError(ExportError):
    """No Chromium could be found for PDF printing or browser checks."""
