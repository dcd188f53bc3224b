"""The trainer's notebook reading the live debrief (toolkit/live/client.py): from the service on
the hub, a summary CSV or the demo cohort elsewhere. A small local HTTP server stands in for
the service; the real one is tested on a real hub in tests/hub/test_live_debrief.py."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from toolkit import live
from toolkit.cohort import COLUMNS
from toolkit.errors import ToolkitError

ROW = dict.fromkeys(COLUMNS, "") | {
    "learner": "sam",
    "notebook": "00-start-here",
    "exercise_id": "00-stepping-away",
    "type": "single_choice",
    "response": "Keep going",
}


@pytest.fixture
def service(monkeypatch):
    asked: list[tuple[str, str]] = []
    status = {"code": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            asked.append((self.path, self.headers.get("Authorization", "")))
            body = json.dumps({"rows": [ROW], "learners": ["sam"]}).encode()
            self.send_response(status["code"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/services/everycall-cohort/"
    monkeypatch.setenv("EVERYCALL_COHORT_URL", url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "trainer-token")
    yield asked, status
    server.shutdown()
    server.server_close()


def test_on_the_hub_the_notebook_reads_the_live_service_with_the_servers_token(service):
    asked, _ = service
    summary = live.cohort_summary()
    assert list(summary.columns) == list(COLUMNS)
    assert summary.loc[0, "response"] == "Keep going"
    assert asked == [("/services/everycall-cohort/api/rows?anonymise=0", "token trainer-token")]


def test_a_learners_token_gets_one_clear_message(service):
    _, status = service
    status["code"] = 403
    with pytest.raises(ToolkitError, match="only the workshop's trainers can read it"):
        live.cohort_summary()


def test_off_the_hub_the_notebook_shows_the_demo_cohort_or_a_summary_csv(tmp_path):
    assert not live.on_hub()
    demo = live.cohort_summary()
    assert demo["learner"].nunique() > 1
    from toolkit.cohort import collect, demo_cohort

    result = collect(demo_cohort(tmp_path / "in", learners=2), tmp_path / "summary.csv")
    assert len(live.cohort_summary(result.csv_path)) == len(result.rows)
