"""The live cohort service's names, shared by the service, the hub's configuration and the
trainer's notebook (no third-party import, so any of them can read it cheaply).

>>> SERVICE_NAME, READ_SCOPE, MAX_BODY
('everycall-cohort', 'custom:everycall-cohort:read', 65536)
"""

from __future__ import annotations

__all__ = ["ACCESS_SCOPE", "MAX_BODY", "READ_SCOPE", "SERVICE_NAME"]

#: The JupyterHub service's name: its address is ``/services/everycall-cohort/``.
SERVICE_NAME = "everycall-cohort"
#: JupyterHub's scope to reach the service at all (every hub user and their server's token).
ACCESS_SCOPE = f"access:services!service={SERVICE_NAME}"
#: The custom JupyterHub scope of the trainer role: read the live debrief and its exports.
READ_SCOPE = f"custom:{SERVICE_NAME}:read"
#: The largest body a learner's kernel may post (bigger ones get 413 and are not stored).
MAX_BODY = 64 * 1024
