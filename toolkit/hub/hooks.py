"""The hooks ``deploy/hub/jupyterhub_config.py`` gives JupyterHub: JupyterHub's own extension
points, nothing that replaces its sign-in or its spawner.

* :class:`LearnerHomes`: ``Spawner.pre_spawn_hook``. Creates the learner's system account
  on first start (workshop mode), puts the course edition they get into ``~/course`` and
  tells their server who they are (``EVERYCALL_LEARNER``; ``EVERYCALL_TRAINER=1`` for
  trainers).
* :func:`sign_in_rule`: ``Authenticator.post_auth_hook``. A trainer's name signs in with
  the trainer password only, and the trainer password signs in trainers' names only, so the
  workshop code never opens a trainer's server and a learner's name never turns into a
  trainer's; and nobody's name may be the code or the password (typed into the wrong box, it
  would become an account, a folder and a line on the admin page).
* :func:`redact_secrets`: keeps the workshop code and trainer password out of every line the
  hub logs, even a learner who typed the code into the name box.

Examples
--------
>>> rule = sign_in_rule(["trainer"], ["harbour-2741"])
>>> rule(None, None, {"name": "sam", "groups": []})["name"]
'sam'
>>> rule(None, None, {"name": "trainer", "groups": []}) is None  # the workshop code
True
>>> rule(None, None, {"name": "sam", "groups": ["trainer"]}) is None  # the trainer password
True
>>> rule(None, None, {"name": "harbour-2741", "groups": []}) is None  # the code as a name
True
>>> import logging
>>> before = logging.getLogRecordFactory()
>>> redact_secrets(["harbour-2741"])
>>> make = logging.getLogRecordFactory()
>>> make("hub", logging.WARNING, "", 0, "Failed login for %r", ("harbour-2741",), None).getMessage()
"Failed login for '[secret]'"
>>> logging.setLogRecordFactory(before)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from toolkit.hub.accounts import copy_course, create_account
from toolkit.hub.settings import TRAINER_GROUP, HubSettings

__all__ = ["LearnerHomes", "redact_secrets", "sign_in_rule"]


def is_trainer(user: Any) -> bool:
    """Whether a JupyterHub user is in the trainer group."""
    return any(group.name == TRAINER_GROUP for group in getattr(user, "groups", []) or [])


class LearnerHomes:
    """``c.Spawner.pre_spawn_hook``: an account, a private home and the course, then start.

    One instance serves the whole hub; its lock makes account creation one at a time, so
    twenty learners signing in together never race for the system's account files.
    """

    def __init__(self, settings: HubSettings, *, demo_css: Path | None = None) -> None:
        self.settings = settings
        self.demo_css = demo_css  # demo mode: JupyterLab's custom CSS, the warning banner
        self._lock = asyncio.Lock()

    async def __call__(self, spawner: Any) -> None:
        name = spawner.user.name
        trainer = is_trainer(spawner.user)
        edition = self.settings.course / ("trainer" if trainer else "student")
        if self.settings.mode == "demo":
            home, owner = Path(spawner.home_dir), None
            home.mkdir(parents=True, exist_ok=True)
            if self.demo_css is not None:  # JupyterLab reads ~/.jupyter/custom/custom.css
                custom = home / ".jupyter" / "custom"
                custom.mkdir(parents=True, exist_ok=True)
                (custom / "custom.css").write_bytes(self.demo_css.read_bytes())
        else:
            owner = self.settings.account(name)
            async with self._lock:
                home = await asyncio.to_thread(create_account, owner, self.settings.homes)
        copied = await asyncio.to_thread(copy_course, edition, home, owner=owner)
        if copied:
            spawner.log.info("Handed out the %s edition to %s", edition.name, name)
        env = dict(spawner.environment)
        env["EVERYCALL_LEARNER"] = name
        if trainer:
            env["EVERYCALL_TRAINER"] = "1"
        else:
            env.pop("EVERYCALL_TRAINER", None)
        spawner.environment = env


def sign_in_rule(
    trainers: Iterable[str], secrets: Iterable[str]
) -> Callable[[Any, Any, dict], dict | None]:
    """``c.Authenticator.post_auth_hook``: trainers' names and the trainer password go
    together, and no name holds a secret (see the module docstring). Returning None refuses
    the sign-in, with the login page's message."""
    names = frozenset(trainers)
    hidden = [s.lower() for s in secrets if s]

    def rule(authenticator: Any, handler: Any, authentication: dict) -> dict | None:
        name = authentication["name"]
        why = None
        if any(secret in name for secret in hidden):
            why = "the name holds the workshop code or the trainer password"
        elif (TRAINER_GROUP in (authentication.get("groups") or [])) != (name in names):
            why = (
                f"trainers' names ({', '.join(sorted(names))}) sign in with the trainer "
                "password, everyone else with the workshop code"
            )
        if why is None:
            return authentication
        if authenticator is not None:
            authenticator.log.warning("Refused a sign-in: %s", why)
        return None

    return rule


def redact_secrets(texts: Iterable[str]) -> None:
    """Replace each of ``texts`` with ``[secret]`` in every log record made from now on in
    this process, whatever logger or handler writes it."""
    hidden = [t for t in texts if t]
    if not hidden:
        return
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's to report
            return record
        if any(t in message for t in hidden):
            for t in hidden:
                message = message.replace(t, "[secret]")
            record.msg, record.args = message, ()
        return record

    logging.setLogRecordFactory(factory)
