"""``make hub`` as a trainer types it: it starts a hub, prints the address, the workshop code
and how to stop it, the address answers with the sign-in page, and Ctrl+C stops it."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.hub, pytest.mark.slow]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_hub_prints_the_address_and_code_serves_sign_in_and_stops_on_ctrl_c(hub_env: Path):
    from toolkit.hub import remove_accounts

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = f"harbour-{secrets.token_hex(4)}"
    prefix = f"ecm{secrets.token_hex(3)}-"
    work = Path(tempfile.mkdtemp(prefix="everycall-make-hub-"))
    os.chmod(work, 0o755)
    (work / "homes").mkdir(mode=0o755)
    log = work / "make-hub.log"
    env = dict(
        os.environ,
        WORKSHOP_CODE=code,
        TRAINER_PASSWORD=f"trainer-{secrets.token_hex(8)}",
        EVERYCALL_HUB_IP="127.0.0.1",
        EVERYCALL_HUB_STATE=str(work / "state"),
        EVERYCALL_HUB_HOMES=str(work / "homes"),
        EVERYCALL_HUB_ACCOUNT_PREFIX=prefix,
    )
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "hub", f"PORT={port}", f"HUB_PREFIX={hub_env}"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 300
        while "To stop the hub" not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"make hub printed no banner:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        text = log.read_text(errors="replace")
        assert f"On this machine:    http://127.0.0.1:{port}/" in text
        assert f"Workshop code:      {code}" in text
        assert "press Ctrl+C" in text and "0808 2000 247" in text
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/hub/login", timeout=30) as page:
            assert page.status == 200
            assert "workshop code" in page.read().decode("utf-8", errors="replace").lower()

        os.killpg(proc.pid, signal.SIGINT)  # Ctrl+C in the trainer's terminal
        assert proc.wait(timeout=60) is not None
        assert "Stopping the hub" in log.read_text(errors="replace")
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/hub/login", timeout=5)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        remove_accounts(prefix)
        shutil.rmtree(work, ignore_errors=True)
