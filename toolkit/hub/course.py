"""The course as a hub hands it out: student and trainer editions, built once at hub start.

:func:`prepare_course` builds the ``.ipynb`` editions with :func:`toolkit.handouts.build`
(about a second: nothing is executed) into ``STATE/course/student`` and
``STATE/course/trainer``, readable by root only: the spawn hook copies the right one into
each learner's home as root. A rebuild replaces the folders whole, so a learner who starts
during a restart never gets half a course.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.handouts import build

__all__ = ["EDITIONS", "prepare_course"]

EDITIONS = ("student", "trainer")


def prepare_course(course: Path) -> dict[str, list[str]]:
    """Build both editions into ``course``; returns the notebook names per edition.

    Raises
    ------
    ToolkitError
        Not run from a checkout (no course notebooks), or the build found a problem (for
        example trainer material left in a student notebook): nothing is replaced then.
    """
    course.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(dir=course.parent, prefix=".course-build-") as tmp:
        result = build(edition="both", fmt="ipynb", out=Path(tmp) / "pack", progress=False)
        if not result.ok:
            raise ToolkitError(f"the course could not be prepared for the hub:\n{result.summary()}")
        fresh = Path(tmp) / "course"
        fresh.mkdir(mode=0o700)
        found: dict[str, list[str]] = {}
        for edition in EDITIONS:
            built = Path(tmp) / "pack" / edition
            names = sorted(p.name for p in built.glob("*.ipynb"))
            if not names:
                raise ToolkitError(f"the course build made no {edition} notebooks")
            shutil.copytree(built, fresh / edition)
            found[edition] = names
        os.chmod(fresh, 0o700)
        old = course.parent / ".course-old"
        shutil.rmtree(old, ignore_errors=True)
        if course.exists():
            course.rename(old)
        fresh.rename(course)
        shutil.rmtree(old, ignore_errors=True)
    return found
