"""Quiet JupyterLab for training rooms: no news pop-up, no update checks (offline networks).

Run by ``make install``: ``python -m toolkit.lab_settings .venv`` writes JupyterLab's settings
overrides into the environment (``share/jupyter/lab/settings/overrides.json``), merging with
anything already there.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def write_overrides(prefix: Path) -> Path:
    """Merge our settings into ``prefix/share/jupyter/lab/settings/overrides.json``."""
    path = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        current = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        current = {}
    for plugin, settings in OVERRIDES.items():
        current.setdefault(plugin, {}).update(settings)
    path.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover
    write_overrides(Path(sys.argv[1] if len(sys.argv) > 1 else sys.prefix))
