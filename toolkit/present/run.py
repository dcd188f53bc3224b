"""``everycall present``: a notebook in presenter mode, served by Voilà on this machine.

Voilà runs as its own process, in directory mode over the course's notebooks folder, so the
presenter can go on to the next notebook from Voilà's list without restarting, and each page
(``/voila/render/04-calls-and-demand.ipynb``) runs in a fresh kernel of its own.

Examples
--------
>>> from pathlib import Path
>>> argv, env = voila_command(Path("/course/notebooks/04-calls-and-demand.ipynb"), port=8866)
>>> argv[1:4]
['-m', 'voila', '/course/notebooks']
>>> env["EVERYCALL_PRESENTER"]
'1'
>>> [a for a in argv if a.startswith("--template")]
['--template=everycall']
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.core.paths import notebooks_dir
from toolkit.errors import ToolkitError

__all__ = ["TEMPLATE", "Presenting", "serve", "start", "template_root", "voila_command"]

#: The Voilà template of both views (toolkit/present/jupyter/voila/templates/everycall).
TEMPLATE = "everycall"

#: Voilà's own default port; the next free one is taken when it is busy.
DEFAULT_PORT = 8866

SUPPORT = (
    "Content note: this course discusses domestic abuse. Support: National Domestic Abuse "
    "Helpline 0808 2000 247 (free, 24 hours); 999 in an emergency."
)


def template_root() -> Path:
    """The folder to add to ``JUPYTER_PATH`` so that Voilà finds the template from a checkout
    (an installed wheel also puts it in ``share/jupyter/voila/templates``)."""
    return Path(__file__).resolve().parent / "jupyter"


def _root_for(notebook: Path) -> Path:
    """The folder Voilà serves: the course's notebooks folder when the notebook is in it (so
    ``trainer/cohort-debrief`` keeps its path), else the notebook's own folder."""
    notebook = notebook.resolve()
    course = notebooks_dir()
    if course is not None and notebook.is_relative_to(course.resolve()):
        return course.resolve()
    return notebook.parent


def voila_command(
    notebook: Path,
    *,
    port: int,
    presenter: bool = True,
    preheat: bool = True,
    ip: str = "127.0.0.1",
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that serve ``notebook``'s folder with Voilà.

    ``presenter=True`` (the default) is presenter mode: ``EVERYCALL_PRESENTER=1`` for every
    kernel, the template's presenter resources, and no ``?template=`` override from the
    address bar. ``EVERYCALL_TRAINER`` is left as it is: presenter mode must hold with it on.

    ``preheat=True`` (the default) uses Voilà's preheated kernels: each course notebook is run
    once in a kernel of its own as Voilà starts, and again in the background after each visit,
    so a page opens already run (about 2 s, against 6 to 14 s for a fresh kernel; see
    ``benchmarks/voila.py``). The trainer's notebooks (``trainer/``) are not preheated.
    """
    root = _root_for(notebook)
    resources = {"everycall": {"presenter": presenter}}
    argv = [
        sys.executable,
        "-m",
        "voila",
        str(root),
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--no-browser",
        f"--template={TEMPLATE}",
        # traitlets reads a Dict given on the command line as a Python literal.
        f"--VoilaConfiguration.resources={resources!r}",
        # The template decides what reaches the page: no ?template=lab from the address bar.
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        # A learner-facing page shows the error, not a traceback of our code.
        "--VoilaConfiguration.show_tracebacks=False",
        "--Voila.log_level=WARN",
    ]
    if preheat:
        argv += [
            "--preheat_kernel=True",
            "--pool_size=1",
            "--VoilaKernelManager.preheat_denylist=trainer/",
        ]
    env = dict(os.environ)
    env.pop("EVERYCALL_HANDOUT", None)  # a handout build's kernels show trainer material
    if presenter:
        env["EVERYCALL_PRESENTER"] = "1"
    else:
        env.pop("EVERYCALL_PRESENTER", None)
    here = str(template_root())
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (here, env.get("JUPYTER_PATH")) if p)
    return argv, env


def _port_free(port: int, ip: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((ip, port))
        except OSError:
            return False
    return True


def _choose_port(port: int | None) -> int:
    if port is not None:
        if not 1 <= port <= 65535:
            raise ToolkitError(f"--port {port}: a port is a number from 1 to 65535")
        if not _port_free(port):
            raise ToolkitError(
                f"port {port} is in use (another Voilà, JupyterLab or hub?); stop it, or "
                "choose another port with --port (make present: PORT=)"
            )
        return port
    for candidate in range(DEFAULT_PORT, DEFAULT_PORT + 50):
        if _port_free(candidate):
            return candidate
    raise ToolkitError(
        f"ports {DEFAULT_PORT} to {DEFAULT_PORT + 49} are all in use; choose one with --port"
    )


@dataclass
class Presenting:
    """A running Voilà server (from :func:`start`): its process, address and log file."""

    process: subprocess.Popen[bytes]
    root: Path
    port: int
    log: Path
    notebook: Path
    _stopped: bool = field(default=False, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def url_for(self, notebook: Path | str) -> str:
        """The page of a notebook (a path, or one relative to the served folder)."""
        path = Path(notebook)
        if path.is_absolute():
            path = path.resolve().relative_to(self.root)
        return f"{self.base_url}voila/render/{path.as_posix()}"

    @property
    def url(self) -> str:
        return self.url_for(self.notebook)

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until Voilà answers; a Voilà that exits first is reported with its log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise ToolkitError(f"Voilà stopped as it started (see {self.log}):\n{tail}")
            try:
                with urllib.request.urlopen(self.base_url, timeout=5):
                    pass  # the list of notebooks: no kernel is started for it
                return
            except urllib.error.HTTPError:
                return  # it answered
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise ToolkitError(f"Voilà did not answer on port {self.port} in {timeout:.0f} s")

    def stop(self) -> None:
        """Stop Voilà (its kernels stop with it)."""
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(
    notebook: Path,
    *,
    port: int | None = None,
    presenter: bool = True,
    preheat: bool = True,
    log: Path | None = None,
) -> Presenting:
    """Start Voilà on ``notebook``'s folder (not yet waiting for it: see ``wait_ready``).
    ``preheat``: see :func:`voila_command`."""
    notebook = Path(notebook)
    if not notebook.is_file():
        raise ToolkitError(f"{notebook}: no such notebook")
    try:
        import voila  # noqa: F401
    except ImportError as exc:
        raise ToolkitError(
            "Voilà is not installed in this environment (it comes with the course: run "
            "`make install`, or `pip install voila`)"
        ) from exc
    chosen = _choose_port(port)
    argv, env = voila_command(notebook, port=chosen, presenter=presenter, preheat=preheat)
    if log is None:
        state = Path(env.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "everycall"
        state.mkdir(parents=True, exist_ok=True)
        log = state / f"voila-{chosen}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    root = _root_for(notebook)
    return Presenting(process, root, chosen, log, notebook.resolve())


def serve(notebook: Path, *, port: int | None = None, open_browser: bool | None = None) -> int:
    """``everycall present``: presenter mode for ``notebook`` until Ctrl+C.

    Opens the page in this machine's browser unless ``open_browser`` is False or
    ``NO_BROWSER=1`` is set (``make present NO_BROWSER=1``).
    """
    if open_browser is None:
        open_browser = os.environ.get("NO_BROWSER", "").strip() not in {"1", "true", "yes"}
    running = start(notebook, port=port)
    try:
        running.wait_ready()
        print(_banner(running), flush=True)
        if open_browser:
            webbrowser.open(running.url)
        return running.process.wait()
    except KeyboardInterrupt:
        print("\nStopping presenter mode ...", flush=True)
        return 0
    finally:
        running.stop()


def _banner(running: Presenting) -> str:
    return "\n".join(
        [
            "",
            "Presenter mode (Voilà): no code, and no trainer material even in trainer mode.",
            f"Open:     {running.url}",
            f"Others:   {running.base_url} lists every notebook",
            "Keys:     N next section, P previous; Ctrl+plus and Ctrl+minus to resize.",
            f"Log:      {running.log}",
            SUPPORT,
            "To stop:  press Ctrl+C here.",
            "",
        ]
    )
