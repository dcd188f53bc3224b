"""Reading the live debrief from a kernel: the trainer's notebook on the hub.

The trainer's server token holds the trainer role's read scope (the hub's configuration puts
it in ``Spawner.server_token_scopes``; a learner's token never has it), so the trainer's
``notebooks/trainer/cohort-debrief.ipynb`` reads every answer given so far from the service,
as rows of the same summary ``everycall answers collect`` writes. Off the hub it reads a
summary CSV or the demo cohort instead.

>>> on_hub({})
False
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.answers import COHORT_URL_VAR
from toolkit.cohort import COLUMNS, demo_summary, load_summary
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["cohort_summary", "on_hub", "read_live_rows"]


def on_hub(environ: Mapping[str, str] | None = None) -> bool:
    """True in a kernel of a workshop hub that runs the live cohort service."""
    env = os.environ if environ is None else environ
    return bool(env.get(COHORT_URL_VAR) and env.get("JUPYTERHUB_API_TOKEN"))


def read_live_rows(*, timeout: float = 20.0) -> list[dict[str, str]]:
    """Every answer the live service holds, as summary rows (names shown; anonymise after)."""
    url = os.environ[COHORT_URL_VAR].rstrip("/") + "/api/rows?anonymise=0"
    request = urllib.request.Request(
        url, headers={"Authorization": f"token {os.environ['JUPYTERHUB_API_TOKEN']}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        if exc.code == 403:
            raise ToolkitError(
                "the live debrief refused this server's token: only the workshop's trainers "
                "can read it (sign in with a trainer's name and the trainer password)"
            ) from None
        raise ToolkitError(f"the live debrief answered HTTP {exc.code}; try again") from None
    except (OSError, ValueError) as exc:
        raise ToolkitError(
            f"the live debrief could not be reached ({exc}); it restarts by itself within a "
            "few seconds: run this cell again"
        ) from None
    return [dict(row) for row in data["rows"]]


def cohort_summary(summary_csv: str | Path | None = None) -> pd.DataFrame:
    """The cohort's answers for the trainer's notebook: from the live service on the hub,
    else from ``summary_csv`` (written by ``everycall answers collect``), else the demo
    cohort."""
    import pandas as pd

    if summary_csv:
        return load_summary(summary_csv)
    if on_hub():
        return pd.DataFrame(read_live_rows(), columns=list(COLUMNS))
    return demo_summary()
