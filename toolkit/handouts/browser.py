"""Find and launch the system Chromium (never Playwright's own browser download).

Training rooms and build machines are often offline, so ``playwright install`` is never used:
the toolkit drives a Chromium that is already installed, found in this order:

1. ``CHROMIUM=/path/to/chromium`` in the environment;
2. ``chromium``, ``chromium-browser``, ``google-chrome`` or ``chrome`` on ``PATH``;
3. the usual Debian/Ubuntu locations.

Examples
--------
>>> import os
>>> os.environ["CHROMIUM"] = "/no/such/chromium"
>>> find_chromium()
Traceback (most recent call last):
...
toolkit.errors.BrowserNotFoundError: CHROMIUM=/no/such/chromium does not point at a program ...
>>> del os.environ["CHROMIUM"]
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from toolkit.errors import BrowserNotFoundError

__all__ = ["LAUNCH_ARGS", "find_chromium", "launch"]

#: Flags for a quiet headless Chromium on a closed network: without the networking flags it
#: keeps trying to reach hosts it cannot (tech notes).
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
)

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_PLACES = ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/snap/bin/chromium")

_INSTALL_HINT = (
    "install Chromium (Debian/Ubuntu: sudo apt-get install chromium) or set "
    "CHROMIUM=/path/to/chromium"
)


def find_chromium() -> Path:
    """Return the path of a usable Chromium, or raise ``BrowserNotFoundError``."""
    override = os.environ.get("CHROMIUM")
    if override:
        path = Path(override).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return path
        found = shutil.which(override)
        if found:
            return Path(found)
        raise BrowserNotFoundError(
            f"CHROMIUM={override} does not point at a program that can be run; {_INSTALL_HINT}"
        )
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    for place in _PLACES:
        if os.access(place, os.X_OK):
            return Path(place)
    raise BrowserNotFoundError(f"no Chromium or Chrome found on this machine; {_INSTALL_HINT}")


def launch(playwright: Any, **kwargs: Any) -> Any:
    """Launch headless system Chromium through a started Playwright instance.

    ``playwright`` is the object from ``sync_playwright().start()``; extra keyword arguments
    go to ``chromium.launch``.
    """
    args = list(LAUNCH_ARGS) + list(kwargs.pop("args", []))
    return playwright.chromium.launch(
        executable_path=str(find_chromium()), headless=True, args=args, **kwargs
    )
