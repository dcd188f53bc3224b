"""JupyterHub's ``LocalProcessSpawner``, with each learner's server run as their own account.

JupyterHub's spawner runs a server as the Unix account named exactly as the hub user. Here
the account carries a prefix (``ec-sam`` for the learner who signed in as ``sam``), so
learners' accounts are easy to tell apart from the machine's own and to remove after a
workshop, while learners see the name they typed. Only the two places that name the account
change; starting, polling and stopping are JupyterHub's.

This module imports JupyterHub, so only the hub's own process (and the tests) import it.
"""

from __future__ import annotations

import pwd

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode

__all__ = ["LearnerSpawner"]


class LearnerSpawner(LocalProcessSpawner):
    """A learner's server as the account ``account_prefix + name``."""

    account_prefix = Unicode(
        "ec-",
        help="Start of every learner's system account name (the hub name follows it).",
    ).tag(config=True)

    @property
    def account(self) -> str:
        return f"{self.account_prefix}{self.user.name}"

    def make_preexec_fn(self, name: str):  # noqa: ARG002 - the hub passes the hub name
        return super().make_preexec_fn(self.account)

    def user_env(self, env: dict) -> dict:
        entry = pwd.getpwnam(self.account)
        env["USER"] = self.account
        env["HOME"] = entry.pw_dir
        env["SHELL"] = entry.pw_shell
        return env
