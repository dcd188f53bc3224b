"""The live cohort debrief on a workshop hub: answers from learners' kernels to the trainer.

::

    names      the service's name, its scopes and body limit (no third-party imports)
    storage    LiveStore: one row per learner, notebook and exercise (SQLAlchemy: SQLite in
               WAL mode, or PostgreSQL through DATABASE_URL)
    page       the live page: the cohort debrief page, polled and refreshed in place
    service    the everycall-cohort hub service (Tornado, JupyterHub's HubOAuth)
    client     the trainer's notebook reading the service (cohort_summary)
    __main__   python -m toolkit.live: the service, restarted at once if it dies

``storage`` and ``service`` import SQLAlchemy, Tornado and JupyterHub, which only the hub's
environment has: they are not re-exported here (as ``toolkit.hub.spawner``), so the trainer's
notebook can import this package anywhere. The learners' side lives in
:mod:`toolkit.answers.live`.
"""

from __future__ import annotations

from toolkit.live.client import cohort_summary, on_hub, read_live_rows
from toolkit.live.names import ACCESS_SCOPE, MAX_BODY, READ_SCOPE, SERVICE_NAME
from toolkit.live.page import RETRY_MS, live_page, toolbar

__all__ = [
    "ACCESS_SCOPE",
    "MAX_BODY",
    "RETRY_MS",
    "READ_SCOPE",
    "SERVICE_NAME",
    "cohort_summary",
    "live_page",
    "on_hub",
    "read_live_rows",
    "toolbar",
]
