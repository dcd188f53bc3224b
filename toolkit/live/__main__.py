"""``python -m toolkit.live``: the everycall-cohort service, as JupyterHub starts it.

This process is a small supervisor: it runs the service in a child process and starts a new
one at once if the child dies (even by SIGKILL), so learners' queued answers find it again
within a second or so. JupyterHub restarts this supervisor too if it dies, but only when it
next polls (every 30 s). The child is told to die with its supervisor (Linux
``PR_SET_PDEATHSIG``), so a new supervisor never finds the port taken by an orphan.

``python -m toolkit.live.service`` runs the service itself, in one process.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the supervisor's SIGTERM still ends it
        pass


def supervise() -> int:
    child: subprocess.Popen[bytes] | None = None
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    quick_deaths = 0
    while not stopping:
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "toolkit.live.service"], preexec_fn=_die_with_parent
        )
        code = child.wait()
        if stopping:
            break
        print(f"everycall-cohort: the service exited ({code}); starting it again", flush=True)
        # A service that cannot start at all (a bad DATABASE_URL) must not spin the CPU.
        quick_deaths = quick_deaths + 1 if time.monotonic() - started < 2 else 0
        time.sleep(min(5.0, 0.2 * 2**quick_deaths) if quick_deaths else 0.1)
    if child is not None:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
    return 0


if __name__ == "__main__":
    sys.exit(supervise())
