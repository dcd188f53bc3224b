"""The live cohort debrief under a room's load: answers per second into the service, and the
time from a learner's save to the answer on the trainer's page. Prints figures; asserts
nothing about time.

Run (as root, after make hub-install): .venv/bin/python benchmarks/cohort_live.py
[--learners 30] [--seconds 30]

It starts a real hub (``toolkit.hub.start``: JupyterHub with the ``everycall-cohort``
service, SQLite in WAL mode), signs in N learners and a trainer through the hub's sign-in form
and gives each a token through the hub's API (learners: allowed to send; the trainer: the
trainer role's read scope). Each simulated learner is the learner's side of the toolkit: an
``AnswerStore`` per notebook in a temporary folder with a ``LiveLink`` carrying their token,
so every save writes the learner's file, queues the answer in their outbox and sends it from
the background thread, as in a kernel on the hub.

1. **Throughput**: every learner saves answers to different questions as fast as it can
   (1,000 in all); answers per second from the first save until the service holds all of
   them.
2. **Save to visible**: the learners answer at a room's pace (each about once every 3 s, at
   random) while a trainer's page is simulated exactly as the live page works: it long-polls
   ``api/state?since=`` and, when the revision moved, fetches ``debrief`` (the rendered page).
   An answer is visible when the first fetched page holding its (unique) text arrives; p50
   and p95 over every answer. Goal: p95 under 1 s with 30 learners on this 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _token(url: str, name: str, password: str, scopes: list[str]) -> str:
    import requests

    with requests.Session() as web:
        form = web.get(f"{url}/hub/login", timeout=30)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text).group(1)
        done = web.post(
            f"{url}/hub/login",
            data={"username": name, "password": password, "_xsrf": xsrf},
            allow_redirects=False,
            timeout=30,
        )
        if done.status_code != 302:
            raise RuntimeError(f"{name}: sign-in refused ({done.status_code})")
        made = web.post(
            f"{url}/hub/api/users/{name}/tokens",
            json={"note": "benchmark", "scopes": scopes},
            headers={"X-XSRFToken": web.cookies.get("_xsrf", path="/hub/")},
            timeout=30,
        )
        made.raise_for_status()
        return str(made.json()["token"])


def _get(url: str, token: str) -> tuple[str, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read().decode("utf-8"), dict(response.headers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the paced part")
    parser.add_argument("--answers", type=int, default=1000, help="answers in the burst")
    args = parser.parse_args()
    if os.geteuid() != 0 or not sys.platform.startswith("linux"):
        print("cohort_live.py: skipped (needs root on Linux: the hub creates accounts)")
        return 0

    from toolkit.answers import AnswerStore, LiveLink
    from toolkit.exercises import valid_definitions
    from toolkit.hub import HubSettings, remove_accounts, start
    from toolkit.live import ACCESS_SCOPE, READ_SCOPE, SERVICE_NAME

    env = Path(os.environ.get("EVERYCALL_HUB_ENV") or "/opt/everycall-hub")
    prefix = f"ecb{secrets.token_hex(2)}-"
    work = Path(tempfile.mkdtemp(prefix="everycall-cohort-bench-"))
    os.chmod(work, 0o755)
    (work / "homes").mkdir()
    settings = HubSettings(
        port=_free_port(),
        ip="127.0.0.1",
        workshop_code=f"bench-{secrets.token_hex(4)}",
        trainer_password=f"trainer-{secrets.token_hex(8)}",
        env=env,
        state=work / "state",
        account_prefix=prefix,
        homes=work / "homes",
    )
    load_before = os.getloadavg()[0]
    running = start(settings, log=work / "hub.log")
    try:
        running.wait_ready()
        s = running.settings
        direct = f"http://127.0.0.1:{s.cohort_port}/services/{SERVICE_NAME}/"
        names = [f"b{n:02d}" for n in range(args.learners)]
        tokens = {n: _token(running.url, n, s.workshop_code, [ACCESS_SCOPE]) for n in names}
        trainer = _token(running.url, "trainer", s.trainer_password, [ACCESS_SCOPE, READ_SCOPE])
        _wait_serving(direct, trainer)
        exercises = [(e.notebook, e.id) for e in valid_definitions(None).values()]
        stores: dict[tuple[str, str], AnswerStore] = {}
        for name in names:
            link = LiveLink(direct, tokens[name], timeout=10)
            for notebook in {nb for nb, _ in exercises}:
                stores[name, notebook] = AnswerStore(
                    work / "answers" / name / f"{notebook}.json",
                    notebook=notebook,
                    learner=name,
                    link=link,
                )

        # 1. Throughput: a burst of different answers, as fast as the learners can save.
        burst = [
            (names[i % len(names)], *exercises[(i // len(names)) % len(exercises)])
            for i in range(args.answers)
        ]
        expected = len({(n, nb, ex) for n, nb, ex in burst})
        t0 = time.monotonic()

        def save_all(name: str) -> None:
            for who, notebook, exercise in burst:
                if who == name:
                    stores[name, notebook].set(exercise, f"burst {who} {exercise}", attempt=True)

        threads = [threading.Thread(target=save_all, args=(n,)) for n in names]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        saved = time.monotonic() - t0
        while True:
            body, _ = _get(direct + "api/state", trainer)
            if int(json.loads(body)["revision"].split("-")[0]) >= expected:
                break
            time.sleep(0.02)
        stored = time.monotonic() - t0
        rate = args.answers / stored

        # 2. Save to visible, at a room's pace, seen as the live page sees it.
        saves: dict[str, float] = {}
        seen: dict[str, float] = {}
        stop = threading.Event()

        def trainer_page() -> None:
            # As the live page does: a long poll on api/state, then the debrief when it moved.
            revision = ""
            while not stop.is_set():
                query = f"?since={urllib.parse.quote(revision)}" if revision else ""
                state, _ = _get(direct + "api/state" + query, trainer)
                now_revision = json.loads(state)["revision"]
                if now_revision != revision:
                    page, headers = _get(direct + "debrief?anonymise=0", trainer)
                    now = time.monotonic()
                    revision = headers.get("X-Everycall-Revision", now_revision)
                    for marker in re.findall(r"paced-[0-9a-f]{12}", page):
                        seen.setdefault(marker, now)

        def paced(name: str) -> None:
            rng = random.Random(name)
            end = time.monotonic() + args.seconds
            while time.monotonic() < end:
                stop.wait(rng.uniform(1.0, 5.0))
                notebook, exercise = rng.choice(exercises)
                marker = f"paced-{secrets.token_hex(6)}"
                saves[marker] = time.monotonic()
                stores[name, notebook].set(exercise, f"{marker} from {name}", attempt=True)

        watcher = threading.Thread(target=trainer_page)
        watcher.start()
        threads = [threading.Thread(target=paced, args=(n,)) for n in names]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        deadline = time.monotonic() + 30
        while set(saves) - set(seen) and time.monotonic() < deadline:
            time.sleep(0.2)
        stop.set()
        watcher.join()
        # An answer replaced by the same learner's next one before a poll is never on a page.
        delays = [seen[m] - saves[m] for m in saves if m in seen]
        missing = len(saves) - len(delays)
    finally:
        running.stop()
        remove_accounts(prefix, homes=work / "homes")
        shutil.rmtree(work, ignore_errors=True)

    machine = (
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load {load_before:.1f} before the start"
    )
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"machine: {machine}")
    print(f"learners: {args.learners}")
    print(
        f"burst: {args.answers} answers saved in {saved:.2f} s, all stored after "
        f"{stored:.2f} s: {rate:.0f} answers/s"
    )
    print(
        f"paced: {len(saves)} answers over {args.seconds:.0f} s; save to visible on the "
        f"trainer's page p50 {_percentile(delays, 0.5):.2f} s, p95 "
        f"{_percentile(delays, 0.95):.2f} s, max {max(delays):.2f} s "
        f"({missing} replaced before a poll saw them)"
    )
    return 0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_serving(direct: str, token: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _get(direct + "api/state", token)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the live debrief service did not start")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
