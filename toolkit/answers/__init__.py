"""answers: see the parts of this subpackage."""

from __future__ import annotations

from toolkit.answers.store import (
    FORMAT,
    SCHEMA_VERSION,
    AnswerStore,
    answers_root,
    atomic_write_text,
    bind,
    check_answer_data,
    current_store,
    default_path,
    is_trainer_store,
    learner_folder,
    learner_slug,
    merge_entry,
    read_profile,
    set_learner,
)

__all__ = [
    "AnswerStore",
    "FORMAT",
    "SCHEMA_VERSION",
    "answers_root",
    "atomic_write_text",
    "bind",
    "check_answer_data",
    "current_store",
    "default_path",
    "is_trainer_store",
    "learner_folder",
    "learner_slug",
    "merge_entry",
    "read_profile",
    "set_learner",
]
