"""Start a workshop hub: JupyterHub with ``deploy/hub/jupyterhub_config.py``, from the hub's
own Python environment, behind the project's configurable-http-proxy.

:func:`serve` is ``everycall hub`` (and ``make hub``): it checks everything it can before
starting (root, Linux, the hub's environment, the proxy, a free port), builds the course
editions, prints the address, the workshop code, the trainer password and how to stop, and
runs JupyterHub in the foreground until Ctrl+C. :func:`start` is the same start without the
banner, for tests and the load test: it returns a :class:`RunningHub` to stop by its PID.

The hub's environment (``EVERYCALL_HUB_ENV``, ``/opt/everycall-hub``) is a virtual
environment of the system's Python, readable by every account, with JupyterHub, the idle
culler, nbgitpuller and this course installed (``make hub-install``): learners' servers run
as their own accounts, which cannot read root's home, where a developer's ``.venv`` usually
lives.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

from toolkit.core.paths import repo_root
from toolkit.errors import ToolkitError
from toolkit.hub.course import prepare_course
from toolkit.hub.settings import HubSettings

__all__ = ["RunningHub", "checkout", "serve", "start"]

SUPPORT = (
    "Content note: this course discusses domestic abuse. Support: National Domestic Abuse "
    "Helpline 0808 2000 247 (free, 24 hours); 999 in an emergency."
)


def checkout() -> Path:
    """The checkout this toolkit runs from (it holds ``deploy/hub`` and ``node_modules``)."""
    root = repo_root()
    if root is None or not (root / "deploy" / "hub" / "jupyterhub_config.py").is_file():
        raise ToolkitError(
            "everycall hub runs from a checkout of the course (it needs deploy/hub/ and the "
            f"course notebooks); {root or 'this installed toolkit'} is not one: run it as "
            ".venv/bin/everycall hub, or make hub, in the checkout"
        )
    return root


@dataclass
class RunningHub:
    """A started hub: its address, its process and where it logs."""

    settings: HubSettings
    process: subprocess.Popen
    log: Path | None

    @property
    def url(self) -> str:
        return self.settings.url.rstrip("/")

    def wait_ready(self, timeout: float = 90) -> None:
        """Wait until the hub answers through the proxy; fail with the log's tail if not."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api/", timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-4000:] if self.log else ""
                self.stop()
                raise ToolkitError(f"the hub did not start (see its log above):\n{tail}")
            time.sleep(0.3)

    def stop(self, timeout: float = 60) -> None:
        """Stop JupyterHub by its PID (it stops learners' servers and the proxy first)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _free_port(ip: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def _check_port_free(settings: HubSettings) -> None:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((settings.ip, settings.port))
        except OSError:
            raise ToolkitError(
                f"port {settings.port} is already in use on this machine: choose another, for "
                f"example PORT={settings.port + 1} make hub"
            ) from None


def prepare(settings: HubSettings) -> HubSettings:
    """Check the machine and the settings, build the course, fill in the internal parts.

    Returns the settings to start JupyterHub with (secrets, ports and the proxy filled in).
    """
    if not sys.platform.startswith("linux"):
        raise ToolkitError("a workshop hub runs on Linux (it starts a server per learner)")
    if settings.mode == "workshop" and os.geteuid() != 0:
        raise ToolkitError(
            "a workshop hub runs as root: it creates a system account for each learner. Run "
            "it as root (sudo make hub), or try it without accounts with DEMO=1 make hub"
        )
    root = checkout()
    hub = settings.env / "bin" / "jupyterhub"
    if not os.access(hub, os.X_OK):
        raise ToolkitError(
            f"the hub's Python environment is not installed at {settings.env}: run "
            "make hub-install as root (or set EVERYCALL_HUB_ENV to where it is)"
        )
    proxy = settings.proxy or root / "node_modules" / ".bin" / "configurable-http-proxy"
    if not os.access(proxy, os.X_OK):
        raise ToolkitError(
            f"configurable-http-proxy is not installed at {proxy}: run make hub-install (it "
            "runs npm ci in the checkout; Node.js 20 or newer is needed)"
        )
    _check_port_free(settings)
    settings = settings.with_secrets()
    settings = replace(
        settings,
        proxy=proxy,
        hub_port=settings.hub_port or _free_port(),
        proxy_api_port=settings.proxy_api_port or _free_port(),
        cohort_port=settings.cohort_port or _free_port(),
    )
    os.makedirs(settings.state, mode=0o700, exist_ok=True)
    os.chmod(settings.state, 0o700)
    prepare_course(settings.course)
    return settings


def start(settings: HubSettings, *, log: Path | None = None) -> RunningHub:
    """Start JupyterHub with ``settings`` (see :func:`prepare`) and return at once.

    ``log``: a file for everything the hub, the proxy and learners' servers print; None
    leaves it on this terminal. Call :meth:`RunningHub.wait_ready`, then
    :meth:`RunningHub.stop`.
    """
    settings = prepare(settings)
    config = checkout() / "deploy" / "hub" / "jupyterhub_config.py"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVERYCALL_", "JUPYTER"))}
    env.update(settings.environment())
    env["PATH"] = (
        f"{settings.env / 'bin'}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    )
    cmd = [str(settings.env / "bin" / "jupyterhub"), "-f", str(config)]
    if log is None:
        process = subprocess.Popen(cmd, cwd=settings.state, env=env)
    else:
        with open(log, "ab") as out:
            process = subprocess.Popen(
                cmd,
                cwd=settings.state,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
    return RunningHub(settings=settings, process=process, log=log)


def serve(settings: HubSettings | None = None, *, demo: bool = False) -> int:
    """``everycall hub``: start a workshop hub and keep it running until Ctrl+C.

    ``settings`` default to :meth:`HubSettings.from_environment`; ``demo=True`` starts the
    ``demo`` mode (no accounts; every page says learners are not kept apart).
    """
    settings = settings or HubSettings.from_environment()
    if demo:
        settings = replace(settings, mode="demo")
    running = start(settings)
    s = running.settings
    try:
        running.wait_ready()
        print(_banner(s), flush=True)
        return running.process.wait()
    except KeyboardInterrupt:
        print("\nStopping the hub (learners' servers first) ...", flush=True)
        running.stop()
        return 0
    finally:
        running.stop()


def _addresses(settings: HubSettings) -> list[str]:
    if settings.ip not in ("0.0.0.0", "", "::"):
        return [f"http://{settings.ip}:{settings.port}/"]
    found = []
    try:
        for ip in socket.gethostbyname_ex(socket.gethostname())[2]:
            if not ip.startswith("127.") and ip not in found:
                found.append(ip)
    except OSError:
        pass
    return [f"http://{ip}:{settings.port}/" for ip in found] + [
        f"http://{socket.gethostname()}:{settings.port}/"
    ]


def _banner(s: HubSettings) -> str:
    made = " (made up for this hub; kept for restarts)" if s.generated else ""
    lines = [
        "",
        "=" * 72,
        "Every Call workshop hub is running"
        + ("  [DEMO MODE: every learner runs as one system user]" if s.mode == "demo" else ""),
        "",
        "Learners open:      " + "\n                    ".join(_addresses(s)),
        f"On this machine:    {s.url}",
        "",
        f"Workshop code:      {s.workshop_code}{made if 'workshop_code' in s.generated else ''}",
        "  Learners sign in with a name of their choice (2-20 lower-case letters, digits or",
        "  hyphens) and this code. Anyone with the code can use any learner's name: give it",
        "  to the room only.",
        f"Trainer sign-in:    name {' or '.join(s.trainers)}, password {s.trainer_password}"
        + (made if "trainer_password" in s.generated else ""),
        "  Trainers get the trainer edition and the hub's admin page (/hub/admin).",
        "",
        f"Idle servers stop after {s.idle_minutes} minutes; learners' work stays in their home.",
        "To stop the hub: press Ctrl+C here (learners' servers stop with it).",
        SUPPORT,
        "=" * 72,
    ]
    return "\n".join(lines)
