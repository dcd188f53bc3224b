"""The per-learner answer store: one JSON file per learner per notebook, never lost.

The parts: :mod:`~toolkit.answers.store` (where answers live, the store, the learner's name and
the session's binding, :func:`sync`), :mod:`~toolkit.answers.fileformat` (the answer file's
format: reading it, checking it, merging two of them), :mod:`~toolkit.answers.live` (on a
workshop hub, each saved answer also sent to the trainer's live debrief, queued until it
arrives). The crash-safe file handling both use is
:mod:`toolkit.core.files`.
"""

from __future__ import annotations

from toolkit.answers.fileformat import (
    FORMAT,
    SCHEMA_VERSION,
    check_answer_data,
    merge_entry,
    parse_time,
)
from toolkit.answers.live import COHORT_URL_VAR, LiveLink, SyncReport, outbox_path
from toolkit.answers.store import (
    PROFILE_FORMAT,
    TRAINER_FOLDER,
    TRAINER_NAME,
    UNNAMED,
    AnswerStore,
    answers_root,
    bind,
    current_store,
    default_path,
    is_trainer_store,
    learner_folder,
    learner_slug,
    learner_source,
    read_profile,
    set_learner,
    sync,
)
from toolkit.core.files import atomic_write_text

__all__ = [
    "COHORT_URL_VAR",
    "FORMAT",
    "PROFILE_FORMAT",
    "SCHEMA_VERSION",
    "TRAINER_FOLDER",
    "TRAINER_NAME",
    "UNNAMED",
    "AnswerStore",
    "LiveLink",
    "SyncReport",
    "answers_root",
    "atomic_write_text",
    "bind",
    "check_answer_data",
    "current_store",
    "default_path",
    "is_trainer_store",
    "learner_folder",
    "learner_slug",
    "learner_source",
    "merge_entry",
    "outbox_path",
    "parse_time",
    "read_profile",
    "set_learner",
    "sync",
]
