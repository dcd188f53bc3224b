"""The live cohort debrief on a real hub: learners answer in Chromium, the trainer watches.

One hub for the module (``hub`` fixture). The tests run in file order, as a workshop would:
the trainer opens the live page, two learners answer and the page shows them; roles are
checked with the learners' real server tokens; hostile answers stay harmless; then the
service is killed while learners answer, once in Chromium and then 10 times under 30
simulated learners, and nothing is lost.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]

SERVICE = "everycall-cohort"
WAIT_MS = 20_000  # the page polls every second; this only bounds a failure


# --------------------------------------------------------------------------------------------
# Helpers


def _service_url(hub) -> str:
    """The service through the hub's proxy, as a browser reaches it."""
    return f"{hub.url}/services/{SERVICE}/"


def _direct_url(hub) -> str:
    """The service's own address, as learners' kernels reach it."""
    return f"http://127.0.0.1:{hub.running.settings.cohort_port}/services/{SERVICE}/"


def _database(hub) -> Path:
    return hub.homes.parent / "state" / "cohort.sqlite"


def _rows(hub, learner: str | None = None) -> list[tuple]:
    with sqlite3.connect(_database(hub), timeout=30) as db:
        query = "SELECT learner, notebook, exercise, value, version FROM everycall_answers"
        rows = db.execute(query).fetchall()
    return [r for r in rows if learner is None or r[0] == learner]


def _server_token(hub, name: str) -> str:
    """The JUPYTERHUB_API_TOKEN of ``name``'s running server (what their kernels hold)."""
    import pwd

    uid = pwd.getpwnam(hub.account(name)).pw_uid
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and proc.stat().st_uid == uid:
                env = (proc / "environ").read_bytes().split(b"\0")
                for item in env:
                    if item.startswith(b"JUPYTERHUB_API_TOKEN="):
                        return item.split(b"=", 1)[1].decode()
        except OSError:
            continue
    raise AssertionError(f"{name} has no running server")


def _request(url: str, *, token: str | None = None, body: bytes | None = None):
    """(status, text) of a request to the service."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"token {token}"
    request = urllib.request.Request(
        url, data=body, headers=headers, method="POST" if body is not None else "GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _post(hub, token: str, payload) -> tuple[int, str]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return _request(_direct_url(hub) + "api/answers", token=token, body=body)


def _service_processes(hub) -> tuple[int | None, int | None]:
    """(supervisor, service) PIDs of this hub's everycall-cohort (not another hub's)."""
    import psutil

    supervisor = worker = None
    for child in psutil.Process(hub.running.process.pid).children(recursive=True):
        try:
            cmd = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if cmd.endswith("-m toolkit.live"):
            supervisor = child.pid
        elif cmd.endswith("-m toolkit.live.service"):
            worker = child.pid
    return supervisor, worker


def _wait_until_serving(hub, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _ = _request(_direct_url(hub) + "api/state")
        except OSError:
            status = None
        if status == 403:  # up, and refusing an anonymous reader
            return
        time.sleep(0.2)
    raise AssertionError("the live debrief service did not come back")


def _answer_single_choice(page, option: str) -> None:
    question = page.locator(".everycall-exercise.everycall-single-choice").first
    question.wait_for(state="visible", timeout=60_000)
    question.get_by_text(option, exact=False).click()
    question.locator(".everycall-check button, button.everycall-check").first.click()
    question.locator(".everycall-feedback").first.wait_for(state="visible", timeout=30_000)


# --------------------------------------------------------------------------------------------
# A workshop, in order


@pytest.fixture(scope="module")
def trainer(hub, browser):
    """The trainer's live page, open for the whole module (as on a projector)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", "trainer")
    page.fill("#password_input", hub.trainer_password)
    with page.expect_navigation():
        page.click("#login_submit")
    page.goto(_service_url(hub))
    page.wait_for_selector("#everycall-live-status", timeout=60_000)
    page.evaluate("window.__everycall_xss = 0")
    yield page
    context.close()


def test_the_trainer_watches_two_learners_answers_arrive_live(hub, trainer, new_page, learner):
    assert trainer.url.startswith(_service_url(hub))
    assert "Cohort debrief" in trainer.locator("h1").inner_text()
    pages = {}
    for name, _option in (("alice", "Step away at any time"), ("bob", "Keep going")):
        page = new_page()
        learner.sign_in(page, hub, name, hub.code)
        learner.wait_for_notebook(page)
        learner.run_all(page)
        pages[name] = page
    _answer_single_choice(pages["alice"], "Step away at any time")
    section = trainer.locator("#q-00-stepping-away")
    section.get_by_text("1 of 1 learner has answered").wait_for(timeout=WAIT_MS)
    _answer_single_choice(pages["bob"], "Keep going")
    section.get_by_text("2 of 2 learners have answered").wait_for(timeout=WAIT_MS)
    # Both answers, under the names the hub knows them by, without reloading the page.
    # (The page swaps a question's section in place when an answer arrives, so the table is
    # read as text, whether or not its details are open at that moment.)
    section.locator("summary").click()
    table, deadline = "", time.monotonic() + WAIT_MS / 1000
    while not ("alice" in table and "bob" in table) and time.monotonic() < deadline:
        table = section.locator("table").text_content() or ""
        time.sleep(0.2)
    assert "alice" in table and "Step away at any time" in table
    assert "bob" in table and "Keep going" in table
    assert trainer.evaluate("window.__everycall_xss") == 0  # set before: the page never reloaded
    # The chart is the collect page's chart (one renderer), drawn by plotly.js.
    section.locator(".main-svg").first.wait_for(timeout=WAIT_MS)
    # Hiding names: the same answers as "Learner N".
    trainer.locator("#everycall-anonymise").check()
    trainer.wait_for_url(re.compile(r".*anonymise=1"), timeout=WAIT_MS)
    anonymous = trainer.locator("#q-00-stepping-away")
    anonymous.get_by_text("2 of 2 learners have answered").wait_for(timeout=WAIT_MS)
    assert "alice" not in trainer.locator("main").inner_text()
    assert "Learner 1" in trainer.locator("main").inner_html()
    trainer.locator("#everycall-anonymise").uncheck()
    trainer.wait_for_url(re.compile(r".*anonymise=0"), timeout=WAIT_MS)
    trainer.evaluate("window.__everycall_xss = 0")


def test_learners_send_only_their_own_answers_and_cannot_read_the_debrief(hub, new_page, learner):
    bob = _server_token(hub, "bob")
    # bob's kernel token cannot read the live debrief, its rows, or one exercise's answers.
    for path in (
        "api/rows",
        "api/state",
        "api/exercises/00-start-here/00-stepping-away",
        "export.csv",
        "debrief",
        "",
    ):
        status, text = _request(_direct_url(hub) + path, token=bob)
        assert status == 403, path
        assert "alice" not in text
    # ... nor can bob's browser, signed in on the hub.
    page = new_page()
    learner.sign_in(page, hub, "bob", hub.code)
    response = page.goto(_service_url(hub))
    assert response.status == 403
    assert "only the workshop's trainers" in page.content()
    assert "Step away at any time" not in page.content()
    # Nobody signed in, and a made-up token, are refused too.
    assert _request(_direct_url(hub) + "api/rows")[0] == 403
    assert _post(hub, "not-a-real-token", {"notebook": "00-start-here", "answers": []})[0] == 403
    # A body naming alice is stored under bob, the token's owner; alice's answer stays hers.
    status, text = _post(
        hub,
        bob,
        {
            "learner": "alice",
            "notebook": "00-start-here",
            "answers": [
                {"exercise": "00-confidence", "value": "Not sure", "version": 1, "learner": "alice"}
            ],
        },
    )
    assert status == 200 and json.loads(text)["learner"] == "bob"
    assert [r[2] for r in _rows(hub, "alice")] == ["00-stepping-away"]
    assert ("bob", "00-start-here", "00-confidence") in {r[:3] for r in _rows(hub)}
    # A trainer's own answers are acknowledged and left out of the cohort, as collect does.
    scopes = [f"access:services!service={SERVICE}", f"custom:{SERVICE}:read"]
    trainer = _tokens(hub, ["trainer"], hub.trainer_password, scopes)["trainer"]
    status, text = _post(
        hub,
        trainer,
        {
            "notebook": "00-start-here",
            "answers": [{"exercise": "00-confidence", "value": "Very", "version": 1}],
        },
    )
    assert status == 200 and json.loads(text)["stored"] == 0
    assert _rows(hub, "trainer") == []


def test_bad_bodies_get_a_clear_4xx_and_are_not_stored(hub):
    bob = _server_token(hub, "bob")
    before = _rows(hub)
    big = {
        "notebook": "00-start-here",
        "answers": [{"exercise": "00-confidence", "value": "x" * 70_000, "version": 9}],
    }
    cases = [
        (big, 413, "the limit is 65536"),
        (b'{"notebook": "00-start-here", "answers": [', 400, "not valid JSON"),
        (
            {"notebook": "99-no-such", "answers": [{"exercise": "x", "value": 1, "version": 9}]},
            422,
            "not one of the course's notebooks",
        ),
        (
            {
                "notebook": "00-start-here",
                "answers": [{"exercise": "99-invented", "value": 1, "version": 9}],
            },
            422,
            '"99-invented" is not a question in notebook "00-start-here"',
        ),
    ]
    for payload, status, message in cases:
        got, text = _post(hub, bob, payload)
        assert got == status, text
        assert message in json.loads(text)["message"]
    assert _rows(hub) == before


def test_hostile_free_text_stays_text_on_the_page_and_in_the_csv(hub, trainer):
    bob = _server_token(hub, "bob")
    hostile = (
        "<script>window.__everycall_xss = 1</script>"
        '<img src="x" onerror="window.__everycall_xss = 2">'
    )
    status, _ = _post(
        hub,
        bob,
        {
            "notebook": "01-reading-a-case-timeline",
            "answers": [
                {"exercise": "01-one-piece", "value": hostile, "version": 5},
                {
                    "exercise": "01-count-the-calls",
                    "value": '=HYPERLINK("http://x","y")',
                    "version": 5,
                },
            ],
        },
    )
    assert status == 200
    section = trainer.locator("#q-01-one-piece")
    section.wait_for(timeout=WAIT_MS)
    assert "<script>window.__everycall_xss = 1</script>" in section.inner_text()
    assert trainer.evaluate("window.__everycall_xss") == 0
    assert trainer.locator("main img[src='x']").count() == 0
    # The export a trainer downloads: the same Excel-safe CSV as `everycall answers collect`.
    with trainer.expect_download() as download:
        trainer.click("#everycall-export-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    formula = [r for r in rows if r["exercise_id"] == "01-count-the-calls"]
    assert formula[0]["response"] == '\'=HYPERLINK("http://x","y")'
    assert {r["learner"] for r in rows} >= {"alice", "bob"}
    with trainer.expect_download() as download:
        trainer.click("#everycall-export-html")
    page = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Cohort debrief" in page and "&lt;script&gt;window.__everycall_xss" in page


def test_answers_given_while_the_service_is_down_arrive_once_it_is_back(
    hub, trainer, new_page, learner
):
    page = new_page()
    learner.sign_in(page, hub, "alice", hub.code)
    learner.wait_for_notebook(page)
    learner.run_all(page)
    supervisor, worker = _service_processes(hub)
    assert supervisor and worker
    # The whole service down (supervisor and service): JupyterHub starts it again itself.
    os.kill(worker, signal.SIGKILL)
    os.kill(supervisor, signal.SIGKILL)
    # Her earlier answer is back on screen before she changes it (no restore races her).
    question = page.locator(".everycall-exercise.everycall-single-choice").first
    checked = question.locator("label:has(input[type=radio]:checked)")
    checked.get_by_text("Step away at any time").wait_for(timeout=60_000)
    _answer_single_choice(page, "Keep going")  # saved while the service is down
    answers_file = hub.home("alice") / "everycall-answers" / "alice" / "00-start-here.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the Check press reaches her file
        entry = json.loads(answers_file.read_text())["answers"]["00-stepping-away"]
        if entry["value"].startswith("Keep going") and entry.get("checked"):
            break
        time.sleep(0.2)
    assert entry["value"].startswith("Keep going") and entry["attempts"] >= 2
    assert page.locator(".jp-OutputArea-output:has-text('Traceback')").count() == 0
    outbox = hub.home("alice") / "everycall-answers" / "alice" / ".outbox" / "00-start-here.json"
    assert "Keep going" in outbox.read_text()
    _wait_until_serving(hub)
    # The next answer takes the waiting one with it.
    confidence = page.locator(".everycall-exercise.everycall-confidence").first
    confidence.get_by_text("Fairly", exact=True).click()
    # On the trainer's page: alice's row in the question's table of every answer.
    table = trainer.locator("#q-00-confidence table")
    table.locator("tr", has_text="alice").get_by_text("Fairly").wait_for(
        state="attached", timeout=60_000
    )
    rows = trainer.locator("#q-00-stepping-away table tr", has_text="alice")
    rows.get_by_text("Keep going").wait_for(state="attached", timeout=WAIT_MS)
    rows = [r for r in _rows(hub, "alice") if r[1] == "00-start-here"]
    keys = [r[2] for r in rows]
    assert sorted(keys) == sorted(set(keys))  # each answer exactly once
    values = {r[2]: json.loads(r[3]) for r in rows}
    assert values["00-stepping-away"].startswith("Keep going"), answers_file.read_text()
    assert values["00-confidence"] == "Fairly"
    assert json.loads(outbox.read_text())["pending"] == {}


def _tokens(hub, names: list[str], password: str | None = None, scopes=None) -> dict[str, str]:
    """Sign each name in on the hub (the workshop code) and make a token that may send to
    the service, as their server's token may: through the hub's own sign-in and API."""
    import requests

    tokens = {}
    for name in names:
        with requests.Session() as web:
            form = web.get(f"{hub.url}/hub/login", timeout=30)
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text).group(1)
            done = web.post(
                f"{hub.url}/hub/login",
                data={"username": name, "password": password or hub.code, "_xsrf": xsrf},
                allow_redirects=False,
                timeout=30,
            )
            assert done.status_code == 302, done.text[:300]
            made = web.post(
                f"{hub.url}/hub/api/users/{name}/tokens",
                json={
                    "note": "simulated learner",
                    "scopes": scopes or [f"access:services!service={SERVICE}"],
                },
                headers={"X-XSRFToken": web.cookies.get("_xsrf", path="/hub/")},
                timeout=30,
            )
            assert made.status_code == 201, made.text[:300]
            tokens[name] = made.json()["token"]
    return tokens


def test_thirty_learners_lose_nothing_while_the_service_is_killed_ten_times(hub, tmp_path):
    from toolkit.answers import AnswerStore, LiveLink, outbox_path
    from toolkit.exercises import valid_definitions

    names = [f"sim{n:02d}" for n in range(30)]
    tokens = _tokens(hub, names)
    exercises = [(e.notebook, e.id) for e in valid_definitions(None).values()]
    stores = {}
    for name in names:
        link = LiveLink(_direct_url(hub), tokens[name], timeout=3)
        for notebook in {nb for nb, _ in exercises}:
            stores[name, notebook] = AnswerStore(
                tmp_path / name / f"{notebook}.json", notebook=notebook, learner=name, link=link
            )
    # 1,000 saves: every learner answers in turn, some questions more than once.
    plan = [(names[i % 30], *exercises[(i * 7) % len(exercises)], i) for i in range(1000)]
    killed = []

    def answer(name):
        for who, notebook, exercise, i in plan:
            if who == name:
                stores[name, notebook].set(exercise, f"answer {i}", attempt=True)

    threads = [threading.Thread(target=answer, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for _ in range(10):  # SIGKILL the service, each time as soon as it is back
        _wait_until_serving(hub)
        _, worker = _service_processes(hub)
        if worker:
            os.kill(worker, signal.SIGKILL)
            killed.append(worker)
        time.sleep(0.3)
    for t in threads:
        t.join()
    assert len(killed) == 10
    _wait_until_serving(hub)
    # A sync (what toolkit.answers.sync() does for a learner) sends whatever still waits.
    waiting = 1
    for _ in range(5):
        waiting = 0
        for store in stores.values():
            if outbox_path(store.path).exists():
                waiting += store.link.flush(outbox_path(store.path))[1]
        if not waiting:
            break
        time.sleep(1)
    assert waiting == 0
    stored = {(r[0], r[1], r[2]): (json.loads(r[3]), r[4]) for r in _rows(hub) if r[0] in names}
    expected = {
        (name, notebook, key): store.get(key)
        for (name, notebook), store in stores.items()
        for key in store.keys()
    }
    assert len(stored) == len(expected)  # exactly once: no answer missing, none doubled
    assert {k: v for k, (v, _version) in stored.items()} == expected  # the latest of each
