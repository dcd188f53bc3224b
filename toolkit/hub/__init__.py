"""Workshops on a real JupyterHub: one command for a training room (``everycall hub``).

::

    settings    HubSettings: every setting, read from the environment and checked
    run         serve() (everycall hub), start() -> RunningHub (tests, the load test)
    course      prepare_course(): student and trainer editions built at hub start
    accounts    a system account per learner, a private home, the course copied in
    hooks       LearnerHomes (pre-spawn hook), sign_in_rule (post-auth hook),
                redact_secrets (no code or password in any log line)
    spawner     LearnerSpawner: JupyterHub's LocalProcessSpawner as the learner's account
                (imports JupyterHub: not re-exported here)
    link        nbgitpuller_link(): the course on a hub that already exists

The configuration JupyterHub reads is ``deploy/hub/jupyterhub_config.py``; sign-in, roles,
spawning and culling are JupyterHub's own (``SharedPasswordAuthenticator``, RBAC,
``LocalProcessSpawner``, ``jupyterhub-idle-culler``).
"""

from __future__ import annotations

from toolkit.hub.accounts import COURSE_FOLDER, copy_course, create_account, remove_accounts
from toolkit.hub.course import EDITIONS, prepare_course
from toolkit.hub.hooks import LearnerHomes, redact_secrets, sign_in_rule
from toolkit.hub.link import nbgitpuller_link
from toolkit.hub.run import RunningHub, checkout, serve, start
from toolkit.hub.settings import (
    DEFAULT_ENV,
    DEFAULT_STATE,
    MODES,
    TRAINER_GROUP,
    USERNAME_PATTERN,
    HubSettings,
)

__all__ = [
    "COURSE_FOLDER",
    "DEFAULT_ENV",
    "DEFAULT_STATE",
    "EDITIONS",
    "MODES",
    "TRAINER_GROUP",
    "USERNAME_PATTERN",
    "HubSettings",
    "LearnerHomes",
    "RunningHub",
    "checkout",
    "copy_course",
    "create_account",
    "nbgitpuller_link",
    "prepare_course",
    "redact_secrets",
    "remove_accounts",
    "serve",
    "start",
    "sign_in_rule",
]
