"""What a workshop hub is set up with: one object, read from the environment and checked.

``everycall hub`` (and ``make hub``) builds a :class:`HubSettings` from the environment,
checks it, and passes it on to JupyterHub's own process as environment variables; the
configuration file ``deploy/hub/jupyterhub_config.py`` reads it back with
:meth:`HubSettings.from_environment`, so the two can never disagree.

================================  ===============================  ==========================
variable                          meaning                          default
================================  ===============================  ==========================
``PORT``                          the port learners open           8000
``WORKSHOP_CODE``                 the learners' sign-in code       made up, kept in STATE
``TRAINER_PASSWORD``              the trainers' sign-in password   made up, kept in STATE
``EVERYCALL_HUB_TRAINERS``        names that sign in as trainers   ``trainer``
``EVERYCALL_HUB_MODE``            ``workshop`` or ``demo``         ``workshop``
``EVERYCALL_HUB_IP``              the address the hub listens on   ``0.0.0.0`` (the room)
``EVERYCALL_HUB_ENV``             the hub's Python environment     ``/opt/everycall-hub``
``EVERYCALL_HUB_STATE``           database, secrets, the course    ``/var/lib/everycall-hub``
``EVERYCALL_HUB_ACCOUNT_PREFIX``  start of each learner's account  ``ec-``
``EVERYCALL_HUB_HOMES``           where learners' homes are made   ``/home``
``EVERYCALL_HUB_IDLE_MINUTES``    an unused server stops after     60
================================  ===============================  ==========================

A made-up workshop code and trainer password are written to ``STATE/secrets.json`` (readable
by root only), so restarting the hub keeps the code the room already has.

Examples
--------
>>> s = HubSettings(workshop_code="harbour-2741", trainer_password="t" * 16)
>>> s.account("sam")
'ec-sam'
>>> s.check_secrets()
>>> HubSettings(workshop_code="short", trainer_password="t" * 16).check_secrets()
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: WORKSHOP_CODE is 5 characters long; JupyterHub's shared-password \
sign-in needs at least 8 (for example two words and a number: harbour-street-27)
>>> HubSettings.from_environment({"PORT": "80a"})
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: PORT="80a" is not a port number (expected a whole number from 1 \
to 65535, for example PORT=8000)
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from toolkit.errors import ToolkitError

__all__ = [
    "DEFAULT_ENV",
    "DEFAULT_STATE",
    "MODES",
    "TRAINER_GROUP",
    "USERNAME_PATTERN",
    "HubSettings",
]

DEFAULT_ENV = Path("/opt/everycall-hub")
DEFAULT_STATE = Path("/var/lib/everycall-hub")
MODES = ("workshop", "demo")
#: The JupyterHub group (and role) of trainers: the admin page and the trainer edition.
TRAINER_GROUP = "trainer"
#: What a learner may type as a name: short, lower case, safe as part of a Unix account name
#: and a URL. JupyterHub lower-cases a name before it checks it.
USERNAME_PATTERN = r"^[a-z][a-z0-9-]{1,19}$"
_PREFIX_PATTERN = re.compile(r"^[a-z][a-z0-9]{0,9}-$")
_CODE_MIN = 8  # SharedPasswordAuthenticator._USER_PASSWORD_MIN_LENGTH in JupyterHub 5.3+
_TRAINER_MIN = 12
_WORDS = (
    "amber", "beacon", "bridge", "candle", "cedar", "harbour", "lantern", "meadow", "orchard",
    "river", "signal", "willow",
)  # fmt: skip


@dataclass(frozen=True)
class HubSettings:
    """Everything a workshop hub is started with (see the module docstring for each field).

    ``hub_port``, ``proxy_api_port``, ``cohort_port`` (the live cohort service, reached
    through the proxy at ``/services/everycall-cohort/``), ``proxy`` and ``config`` are filled in by
    :func:`toolkit.hub.start` (free ports, the checkout's ``node_modules`` and
    ``deploy/hub``) and passed on to JupyterHub's process; nobody sets them by hand.
    """

    port: int = 8000
    ip: str = "0.0.0.0"
    workshop_code: str = ""
    trainer_password: str = ""
    trainers: tuple[str, ...] = ("trainer",)
    mode: str = "workshop"
    env: Path = DEFAULT_ENV
    state: Path = DEFAULT_STATE
    account_prefix: str = "ec-"
    homes: Path = Path("/home")
    idle_minutes: int = 60
    hub_port: int = 0
    proxy_api_port: int = 0
    cohort_port: int = 0
    proxy: Path | None = None
    generated: tuple[str, ...] = field(default=(), compare=False)

    # --- reading and passing on -------------------------------------------------------------

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> HubSettings:
        """Settings from environment variables (``os.environ`` by default), checked."""
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return env.get(name, "").strip() or default

        trainers = tuple(t.strip().lower() for t in get("EVERYCALL_HUB_TRAINERS").split(","))
        settings = cls(
            port=_port("PORT", get("PORT", "8000")),
            ip=get("EVERYCALL_HUB_IP", "0.0.0.0"),
            workshop_code=env.get("WORKSHOP_CODE", ""),
            trainer_password=env.get("TRAINER_PASSWORD", ""),
            trainers=tuple(t for t in trainers if t) or ("trainer",),
            mode=get("EVERYCALL_HUB_MODE", "workshop").lower(),
            env=Path(get("EVERYCALL_HUB_ENV", str(DEFAULT_ENV))),
            state=Path(get("EVERYCALL_HUB_STATE", str(DEFAULT_STATE))),
            account_prefix=get("EVERYCALL_HUB_ACCOUNT_PREFIX", "ec-"),
            homes=Path(get("EVERYCALL_HUB_HOMES", "/home")),
            idle_minutes=_whole(
                "EVERYCALL_HUB_IDLE_MINUTES", get("EVERYCALL_HUB_IDLE_MINUTES", "60")
            ),
            hub_port=_port("EVERYCALL_HUB_HUB_PORT", get("EVERYCALL_HUB_HUB_PORT", "0"), zero=True),
            proxy_api_port=_port(
                "EVERYCALL_HUB_PROXY_API_PORT", get("EVERYCALL_HUB_PROXY_API_PORT", "0"), zero=True
            ),
            cohort_port=_port(
                "EVERYCALL_HUB_COHORT_PORT", get("EVERYCALL_HUB_COHORT_PORT", "0"), zero=True
            ),
            proxy=Path(get("EVERYCALL_HUB_PROXY")) if get("EVERYCALL_HUB_PROXY") else None,
        )
        settings.check()
        return settings

    def environment(self) -> dict[str, str]:
        """These settings as environment variables, for JupyterHub's process (secrets too)."""
        out = {
            "PORT": str(self.port),
            "EVERYCALL_HUB_IP": self.ip,
            "WORKSHOP_CODE": self.workshop_code,
            "TRAINER_PASSWORD": self.trainer_password,
            "EVERYCALL_HUB_TRAINERS": ",".join(self.trainers),
            "EVERYCALL_HUB_MODE": self.mode,
            "EVERYCALL_HUB_ENV": str(self.env),
            "EVERYCALL_HUB_STATE": str(self.state),
            "EVERYCALL_HUB_ACCOUNT_PREFIX": self.account_prefix,
            "EVERYCALL_HUB_HOMES": str(self.homes),
            "EVERYCALL_HUB_IDLE_MINUTES": str(self.idle_minutes),
            "EVERYCALL_HUB_HUB_PORT": str(self.hub_port),
            "EVERYCALL_HUB_PROXY_API_PORT": str(self.proxy_api_port),
            "EVERYCALL_HUB_COHORT_PORT": str(self.cohort_port),
        }
        if self.proxy is not None:
            out["EVERYCALL_HUB_PROXY"] = str(self.proxy)
        return out

    # --- checks -----------------------------------------------------------------------------

    def check(self) -> None:
        """Refuse settings the hub cannot run with, naming the variable (secrets aside)."""
        if self.mode not in MODES:
            raise ToolkitError(
                f'EVERYCALL_HUB_MODE="{self.mode}" is not a mode; expected one of: '
                f"{', '.join(MODES)} (demo runs every learner as one system user, and says so "
                "on every page)"
            )
        if not _PREFIX_PATTERN.match(self.account_prefix):
            raise ToolkitError(
                f'EVERYCALL_HUB_ACCOUNT_PREFIX="{self.account_prefix}" cannot start account '
                "names; expected 1 to 10 lower-case letters or digits, starting with a letter, "
                'then "-" (for example ec-)'
            )
        pattern = re.compile(USERNAME_PATTERN)
        bad = [t for t in self.trainers if not pattern.match(t)]
        if bad:
            raise ToolkitError(
                f'EVERYCALL_HUB_TRAINERS: "{bad[0]}" is not a name learners or trainers can '
                "sign in with (2 to 20 lower-case letters, digits or hyphens, starting with a "
                "letter)"
            )
        if self.idle_minutes < 1:
            raise ToolkitError(
                f"EVERYCALL_HUB_IDLE_MINUTES={self.idle_minutes}: expected at least 1 minute"
            )
        for name, path in (
            ("EVERYCALL_HUB_STATE", self.state),
            ("EVERYCALL_HUB_HOMES", self.homes),
        ):
            if not path.is_absolute():
                raise ToolkitError(f'{name}="{path}" must be an absolute path (starting with /)')

    def check_secrets(self) -> None:
        """Refuse a workshop code or trainer password JupyterHub would refuse, or too weak.

        Messages give lengths, never the secret itself.
        """
        code, password = self.workshop_code, self.trainer_password
        if len(code) < _CODE_MIN:
            raise ToolkitError(
                f"WORKSHOP_CODE is {len(code)} characters long; JupyterHub's shared-password "
                f"sign-in needs at least {_CODE_MIN} (for example two words and a number: "
                "harbour-street-27)"
            )
        if len(password) < _TRAINER_MIN:
            raise ToolkitError(
                f"TRAINER_PASSWORD is {len(password)} characters long; expected at least "
                f"{_TRAINER_MIN} (leave it unset and one is made up and printed)"
            )
        if code == password:
            raise ToolkitError(
                "TRAINER_PASSWORD is the same as WORKSHOP_CODE: a learner would sign in as a "
                "trainer; choose a different trainer password"
            )

    # --- derived names ----------------------------------------------------------------------

    def account(self, name: str) -> str:
        """The system account of the hub user ``name``."""
        return f"{self.account_prefix}{name}"

    @property
    def course(self) -> Path:
        """Where the course editions are built for handing out (``student/``, ``trainer/``)."""
        return self.state / "course"

    @property
    def python(self) -> Path:
        return self.env / "bin" / "python"

    @property
    def url(self) -> str:
        """The address to open on this machine."""
        host = "127.0.0.1" if self.ip in ("0.0.0.0", "", "::") else self.ip
        return f"http://{host}:{self.port}/"

    # --- secrets ----------------------------------------------------------------------------

    def with_secrets(self) -> HubSettings:
        """These settings with a workshop code and trainer password: as given, else the ones
        kept in ``STATE/secrets.json``, else made up now (and kept there, root-only)."""
        kept_file = self.state / "secrets.json"
        try:
            kept = json.loads(kept_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            kept = {}
        code = self.workshop_code or kept.get("workshop_code", "")
        password = self.trainer_password or kept.get("trainer_password", "")
        made: list[str] = []
        if not code:
            code = f"{secrets.choice(_WORDS)}-{secrets.choice(_WORDS)}-{secrets.randbelow(90) + 10}"
            made.append("workshop_code")
        if not password:
            password = secrets.token_urlsafe(12)
            made.append("trainer_password")
        if made:
            keep = {k: v for k, v in kept.items() if k in ("workshop_code", "trainer_password")}
            keep.update(
                {
                    k: v
                    for k, v in (("workshop_code", code), ("trainer_password", password))
                    if k in made
                }
            )
            self.state.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(kept_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(keep, handle)
        new = replace(self, workshop_code=code, trainer_password=password, generated=tuple(made))
        new.check_secrets()
        return new


def _port(name: str, raw: str, *, zero: bool = False) -> int:
    low = 0 if zero else 1
    if not raw.isdigit() or not low <= int(raw) <= 65535:
        raise ToolkitError(
            f'{name}="{raw}" is not a port number (expected a whole number from {low} to 65535, '
            "for example PORT=8000)"
        )
    return int(raw)


def _whole(name: str, raw: str) -> int:
    if not raw.isdigit():
        raise ToolkitError(f'{name}="{raw}" is not a whole number of minutes (for example 60)')
    return int(raw)
