"""The learner's side of the live debrief (toolkit/answers/live.py): on a hub every saved
answer is also sent; a send that fails waits in the learner's outbox and goes later; off the
hub nothing changes. A small local HTTP server stands in for the service (the real one is
tested on a real hub in tests/hub/test_live_debrief.py)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from toolkit import answers
from toolkit.answers import outbox_path


class FakeService:
    """Records what kernels send; answers with ``status`` (or refuses answers it is told to)."""

    def __init__(self, port: int = 0) -> None:
        self.received: list[tuple[str, dict]] = []
        self.status = 200
        self.refuse: set[str] = set()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                refused = {a["exercise"] for a in body["answers"]} & service.refuse
                status = service.status if service.status != 200 else (422 if refused else 200)
                if status == 200:
                    service.received.append((self.headers["Authorization"], body))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/services/everycall-cohort/"

    def answers(self) -> list[tuple[str, object, int]]:
        return [
            (a["exercise"], a["value"], a["version"])
            for _, body in self.received
            for a in body["answers"]
        ]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service():
    fake = FakeService()
    yield fake
    fake.stop()


@pytest.fixture
def on_hub(monkeypatch, service):
    monkeypatch.setenv("EVERYCALL_COHORT_URL", service.url)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "learner-token")
    return service


def _wait(condition, what: str) -> None:
    deadline = time.monotonic() + 30  # bounds a failure only; nothing here is timed
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what}")
        time.sleep(0.02)


def _pending(store) -> dict:
    box = outbox_path(store.path)
    return json.loads(box.read_text())["pending"] if box.exists() else {}


def test_off_the_hub_nothing_is_sent_and_nothing_is_queued(_isolated_learner):
    store = answers.bind("00-start-here")
    assert store.link is None
    store.set("00-stepping-away", "Take a break", attempt=True)
    assert not outbox_path(store.path).exists()
    assert not any(p.name == ".outbox" for p in _isolated_learner.rglob("*"))
    assert str(answers.sync()) == (
        "Not on a workshop hub: your answers are kept in your own files only."
    )


def test_on_the_hub_each_saved_answer_is_sent_with_the_servers_token(on_hub):
    store = answers.bind("00-start-here")
    store.set("00-stepping-away", "Take a break", attempt=True)
    _wait(lambda: on_hub.received, "the answer to be sent")
    token, body = on_hub.received[0]
    assert token == "token learner-token"
    assert body["notebook"] == "00-start-here"
    assert "learner" not in body  # who it is comes from the token, at the service
    (sent,) = body["answers"]
    assert (sent["exercise"], sent["value"], sent["attempts"]) == (
        "00-stepping-away",
        "Take a break",
        1,
    )
    _wait(lambda: _pending(store) == {}, "the outbox to empty")


def test_answers_given_while_the_service_is_down_wait_and_go_with_the_next_save(
    on_hub, monkeypatch
):
    port = on_hub.port
    on_hub.stop()  # the service is down: its port refuses connections
    store = answers.bind("00-start-here")
    store.set("00-stepping-away", "Take a break", attempt=True)  # never raises, never blocks
    store.set("00-stepping-away", "Keep going")
    assert store.get("00-stepping-away") == "Keep going"  # the learner's file has it
    _wait(lambda: store.link.last_problem, "the failed send")
    assert list(_pending(store)) == ["00-stepping-away"]  # the latest only, once
    report = answers.sync(timeout=2)
    assert report.waiting == 1 and report.sent == 0
    assert "1 answer(s) could not reach your trainer yet" in str(report)
    assert "safe in your own files" in str(report)
    back = FakeService(port)  # the service restarted
    try:
        store.set("00-confidence", "Fairly")
        _wait(lambda: _pending(store) == {}, "the waiting answers to be sent")
        assert sorted((e, v) for e, v, _ in back.answers()) == [
            ("00-confidence", "Fairly"),
            ("00-stepping-away", "Keep going"),
        ]
        assert str(answers.sync()).startswith("All your answers have reached your trainer")
    finally:
        back.stop()


def test_sync_sends_what_waits_from_every_notebook(on_hub):
    port = on_hub.port
    on_hub.stop()
    for notebook, key in (("00-start-here", "00-confidence"), ("03-hmic-findings", "03-q")):
        answers.bind(notebook).set(key, "an answer")
    back = FakeService(port)
    try:
        report = answers.sync()  # (the background sender may have taken one already)
        assert report.waiting == 0
        assert sorted(e for e, _, _ in back.answers()) == ["00-confidence", "03-q"]
        assert {body["notebook"] for _, body in back.received} == {
            "00-start-here",
            "03-hmic-findings",
        }
    finally:
        back.stop()


def test_an_answer_refused_for_good_does_not_hold_back_the_others(on_hub):
    on_hub.refuse = {"00-gone"}
    on_hub.status = 503  # first everything fails, so both wait together
    store = answers.bind("00-start-here")
    store.set("00-gone", "x")
    store.set("00-confidence", "Fairly")
    _wait(lambda: len(_pending(store)) == 2, "both answers to wait")
    on_hub.status = 200
    report = answers.sync()
    assert report.waiting == 0
    # (a retry may repeat the same version: the service stores it once)
    assert {e for e, _, _ in on_hub.answers()} == {"00-confidence"}
    assert store.get("00-gone") == "x"  # still in the learner's own file


def test_versions_increase_with_every_save(on_hub):
    store = answers.bind("00-start-here")
    for value in ("A", "B", "C"):
        store.set("00-stepping-away", value)
    _wait(lambda: _pending(store) == {}, "the answers to be sent")
    sent = on_hub.answers()
    last = {}
    for exercise, value, version in sent:
        last[exercise] = max(last.get(exercise, (0, None)), (version, value))
    assert last["00-stepping-away"][1] == "C"  # the highest version is the latest answer


def test_the_trainers_own_answers_are_never_sent(on_hub):
    store = answers.bind("00-start-here", trainer=True)
    assert store.link is None
    store.set("00-stepping-away", "model answer")
    assert on_hub.received == []
