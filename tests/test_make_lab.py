"""`make lab` starts JupyterLab on the start notebook and prints an address that answers."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_serves_the_start_notebook(tmp_path: Path):
    port = _free_port()
    log = tmp_path / "lab.log"
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"PORT={port}", "NO_BROWSER=1"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        pattern = re.compile(
            rf"http://127\.0\.0\.1:{port}/lab/tree/00-start-here\.ipynb\?token=\w+"
        )
        deadline = time.monotonic() + 180
        url = None
        while url is None:
            match = pattern.search(log.read_text(errors="replace"))
            if match:
                url = match.group(0)
            elif proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"make lab printed no address:\n{log.read_text()[-3000:]}")
            else:
                time.sleep(0.5)
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            assert "JupyterLab" in response.read().decode("utf-8", errors="replace")
        text = log.read_text()
        assert "0808 2000 247" in text, "make lab should print the support line"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
