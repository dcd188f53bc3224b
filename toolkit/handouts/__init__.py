"""handouts: see the parts of this subpackage."""

from __future__ import annotations

from toolkit.handouts.build import (
    DEFAULT_OUT,
    BuildResult,
    HandoutFile,
    NotebookReport,
    build,
    course_notebooks,
    plan_editions,
    plan_formats,
)

__all__ = [
    "BuildResult",
    "DEFAULT_OUT",
    "HandoutFile",
    "NotebookReport",
    "build",
    "course_notebooks",
    "plan_editions",
    "plan_formats",
]
