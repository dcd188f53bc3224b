"""A fictional cohort's answer files, for the debrief notebook's demo, tests and benchmarks.

The names are a fixed list of first names; the answers are drawn, seeded, from each exercise's
options, so the same seed gives the same cohort.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.answers import AnswerStore, learner_slug
from toolkit.cohort.reading import gather
from toolkit.cohort.summary import _frame
from toolkit.errors import ToolkitError
from toolkit.exercises import Exercise, load_definitions, mark

if TYPE_CHECKING:
    import pandas as pd


_DEMO_NAMES = (
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ellie",
    "Femi",
    "Grace",
    "Hassan",
    "Isla",
    "Jonah",
    "Kemi",
    "Leo",
    "Maya",
    "Nico",
    "Orla",
    "Priya",
)


def demo_cohort(
    folder: Path | str,
    *,
    learners: int = 12,
    seed: int = 2014,
    exercises_dir: Path | str | None = None,
) -> Path:
    """Write a fictional cohort's answer files (every defined exercise) under ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> folder = demo_cohort(tempfile.mkdtemp(), learners=3)
    >>> sorted({path.parent.name for path in folder.rglob("*.json")})  # one folder a learner
    ['amira', 'ben', 'chloe']
    >>> demo_cohort(tempfile.mkdtemp(), learners=0)
    Traceback (most recent call last):
    ...
    toolkit.errors.ToolkitError: learners is 0: expected a number from 1 to 16
    """
    if not 1 <= learners <= len(_DEMO_NAMES):
        raise ToolkitError(
            f"learners is {learners}: expected a number from 1 to {len(_DEMO_NAMES)}"
        )

    folder = Path(folder)
    rng = random.Random(seed)
    definitions = load_definitions(exercises_dir)
    for name in _DEMO_NAMES[:learners]:
        stores: dict[str, AnswerStore] = {}
        for ex in definitions.values():
            if ex.notebook not in stores:
                path = folder / learner_slug(name) / f"{ex.notebook}.json"
                stores[ex.notebook] = AnswerStore(path, notebook=ex.notebook, learner=name)
            value = _demo_value(ex, rng)
            result = mark(ex, value)
            for _ in range(rng.choice((1, 1, 1, 2))):
                stores[ex.notebook].set(ex.id, value, attempt=True, correct=result.correct)
    return folder


def _demo_value(ex: Exercise, rng: random.Random) -> Any:
    right = rng.random() < 0.7
    if ex.type == "single_choice":
        wrong = [o.text for o in ex.options if not o.correct]
        return ex.correct_options[0].text if right or not wrong else rng.choice(wrong)
    if ex.type == "multiple_choice":
        if right:
            return [o.text for o in ex.correct_options]
        return [o.text for o in ex.options if rng.random() < 0.5] or [ex.options[0].text]
    if ex.type == "numeric":
        assert ex.answer is not None
        return ex.answer + (
            0 if right else rng.choice((-1, 1)) * (ex.tolerance + rng.randint(1, 5))
        )
    if ex.type == "ordering":
        items = list(ex.items)
        if not right:
            rng.shuffle(items)
        return items
    if ex.type == "confidence":
        return rng.choice(ex.scale)
    return rng.choice(
        (
            "Demo reflection: a fictional learner's answer.",
            "Demo reflection: another fictional learner's answer.",
        )
    )


def demo_summary(*, learners: int = 12, seed: int = 2014) -> pd.DataFrame:
    """A fictional cohort's summary as :func:`load_summary` would return it."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="everycall-demo-") as tmp:
        demo_cohort(tmp, learners=learners, seed=seed)
        return _frame(gather(tmp).rows)
