"""Load test of the workshop hub: a room of learners signing in at once. Prints figures;
asserts nothing about time.

Run (as root, after make hub-install): .venv/bin/python benchmarks/hub.py [--learners 20]

It starts a real hub (``toolkit.hub.start``: JupyterHub, the project's proxy, an account per
learner with a prefix of its own, removed afterwards) on a free loopback port. Then N
simulated learners, all at the same moment, each:

1. sign in through the proxy with the sign-in form (``/hub/login``, the workshop code);
2. start their server (``POST /hub/api/users/NAME/server``) and wait until the hub reports it
   ready: **sign-in to running**;
3. through the proxy and the Jupyter server's REST API, read ``course/00-start-here.ipynb``
   from their home, start a kernel, and run the notebook's first code cells over the kernel
   websocket (``toolkit.begin``, the calls explorer, the first question): **time to the first
   executed cell** and to the last, from the moment they signed in.

Then, with every learner's server and kernel still running: memory per learner (PSS and RSS
of the learner's processes, from /proc), the CPU time learners' processes and the hub used,
and from those how many learners one core can bring up in a minute and one GB can hold.
Goal on this 2-core machine: 20 learners running within 60 s of signing in together, no
failed spawn. Traffic goes to 127.0.0.1 only; every request has a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

LEARNER_TIMEOUT = 240.0  # seconds for one learner, start to last cell


@dataclass
class Learner:
    name: str
    signed_in: float = 0.0
    running: float | None = None
    first_cell: float | None = None
    last_cell: float | None = None
    error: str | None = None
    cells_ok: int = 0
    steps: dict[str, float] = field(default_factory=dict)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _first_code_cells(notebook: dict, n: int) -> list[str]:
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"][:n]


def _execute_request(code: str, session: str) -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": "execute_request",
            "username": "load-test",
            "session": session,
            "date": "",
            "version": "5.3",
        },
        "parent_header": {},
        "metadata": {},
        "content": {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
        "channel": "shell",
        "buffers": [],
    }


async def _learner(url: str, code: str, who: Learner, cells: int, start: asyncio.Event) -> None:
    import httpx
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    await start.wait()
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    who.signed_in = time.monotonic()

    def mark(step: str) -> float:
        who.steps[step] = loop.time() - t0
        return who.steps[step]

    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        page = await http.get("/hub/login")
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
        signed = await http.post(
            "/hub/login", data={"_xsrf": xsrf, "username": who.name, "password": code}
        )
        if signed.status_code != 302:
            raise RuntimeError(f"sign-in refused ({signed.status_code})")
        mark("signed in")
        headers = {"X-XSRFToken": http.cookies.get("_xsrf", xsrf)}
        spawn = await http.post(f"/hub/api/users/{who.name}/server", headers=headers)
        if spawn.status_code not in (201, 202):
            raise RuntimeError(f"spawn refused ({spawn.status_code}): {spawn.text[:200]}")
        while True:
            state = (await http.get(f"/hub/api/users/{who.name}", headers=headers)).json()
            server = state.get("servers", {}).get("")
            if server and server.get("ready"):
                break
            if not server and loop.time() - t0 > 10:
                raise RuntimeError("the server stopped while starting (failed spawn)")
            await asyncio.sleep(0.25)
        who.running = mark("running")
        token = (
            await http.post(
                f"/hub/api/users/{who.name}/tokens",
                headers=headers,
                json={"note": "load test", "expires_in": 3600},
            )
        ).json()["token"]
        auth = {"Authorization": f"token {token}"}
        base = f"/user/{who.name}/api"
        nb = await http.get(f"{base}/contents/course/00-start-here.ipynb", headers=auth)
        sources = _first_code_cells(nb.json()["content"], cells)
        kernel = (await http.post(f"{base}/kernels", headers=auth, json={"name": "python3"})).json()
        mark("kernel started")
    ws_url = url.replace("http://", "ws://") + f"{base}/kernels/{kernel['id']}/channels"
    conn = await websocket_connect(HTTPRequest(ws_url, headers=auth, request_timeout=60))
    session = uuid.uuid4().hex
    try:
        for i, source in enumerate(sources):
            request = _execute_request(source, session)
            await conn.write_message(json.dumps(request))
            while True:
                raw = await asyncio.wait_for(conn.read_message(), timeout=120)
                if raw is None:
                    raise RuntimeError("the kernel's websocket closed")
                msg = json.loads(raw)
                parent = msg.get("parent_header", {}).get("msg_id")
                if msg.get("msg_type") == "execute_reply" and parent == request["header"]["msg_id"]:
                    break
            status = msg["content"]["status"]
            if status != "ok":
                raise RuntimeError(f"cell {i + 1} failed: {msg['content'].get('ename')}")
            who.cells_ok += 1
            if i == 0:
                who.first_cell = mark("first cell")
        who.last_cell = mark("last cell")
    finally:
        conn.close()


def _proc_stat(pid: int) -> tuple[int, int] | None:
    """(ppid, utime + stime in clock ticks) of a process, or None if it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _tree_cpu(root: int) -> float:
    """CPU seconds of a process and its descendants (hub, proxy, culler) that run as root."""
    ticks = os.sysconf("SC_CLK_TCK")
    kids: dict[int, list[int]] = {}
    stats = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            st = _proc_stat(int(proc.name))
            if st:
                stats[int(proc.name)] = st
                kids.setdefault(st[0], []).append(int(proc.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
            # learners' servers are the hub's children too: count only root's processes
            todo += [k for k in kids.get(pid, []) if Path(f"/proc/{k}").stat().st_uid == 0]
    return total / ticks


def _learner_usage(uid: int) -> tuple[float, float, float, int]:
    """(PSS MB, RSS MB, CPU seconds, processes) of one learner's account."""
    ticks = os.sysconf("SC_CLK_TCK")
    pss = rss = cpu = 0.0
    count = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if proc.stat().st_uid != uid:
                continue
            rollup = (proc / "smaps_rollup").read_text()
        except OSError:
            continue
        pss += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) / 1024
        rss += int(re.search(r"^Rss:\s+(\d+)", rollup, re.M).group(1)) / 1024
        st = _proc_stat(int(proc.name))
        cpu += st[1] / ticks if st else 0
        count += 1
    return pss, rss, cpu, count


async def _run(url: str, code: str, learners: list[Learner], cells: int, hub_pid: int) -> dict:
    start = asyncio.Event()
    samples: list[float] = []

    async def sample_hub_cpu() -> None:
        last, t = _tree_cpu(hub_pid), time.monotonic()
        while True:
            await asyncio.sleep(1)
            now, t2 = _tree_cpu(hub_pid), time.monotonic()
            samples.append((now - last) / (t2 - t) * 100)
            last, t = now, t2

    async def one(who: Learner) -> None:
        try:
            await asyncio.wait_for(_learner(url, code, who, cells, start), LEARNER_TIMEOUT)
        except Exception as exc:  # one learner's failure is a figure, not the end of the run
            who.error = f"{type(exc).__name__}: {exc}"[:300]

    sampler = asyncio.create_task(sample_hub_cpu())
    hub_cpu0 = _tree_cpu(hub_pid)
    tasks = [asyncio.create_task(one(w)) for w in learners]
    await asyncio.sleep(0.5)
    began = time.monotonic()
    start.set()
    await asyncio.gather(*tasks)
    wall = time.monotonic() - began
    sampler.cancel()
    return {"wall": wall, "hub_cpu": _tree_cpu(hub_pid) - hub_cpu0, "hub_samples": samples}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--cells", type=int, default=3, help="first code cells of notebook 00")
    parser.add_argument("--log", type=Path, default=None, help="keep the hub's log here")
    args = parser.parse_args()
    if os.geteuid() != 0 or not sys.platform.startswith("linux"):
        print(
            "hub load test: skipped (needs root on Linux: the hub creates an account per learner)"
        )
        return 0

    from toolkit.hub import HubSettings, remove_accounts, start

    env = Path(os.environ.get("EVERYCALL_HUB_ENV") or "/opt/everycall-hub")
    prefix = f"ecb{secrets.token_hex(3)}-"
    work = Path(tempfile.mkdtemp(prefix="everycall-hub-bench-"))
    os.chmod(work, 0o755)
    (work / "homes").mkdir(mode=0o755)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = HubSettings(
        port=port,
        ip="127.0.0.1",
        workshop_code=f"bench-{secrets.token_hex(4)}",
        trainer_password=f"trainer-{secrets.token_hex(8)}",
        env=env,
        state=work / "state",
        account_prefix=prefix,
        homes=work / "homes",
    )
    learners = [Learner(f"learner{i:02d}") for i in range(1, args.learners + 1)]
    load_before = os.getloadavg()[0]
    running = None
    try:
        running = start(settings, log=work / "hub.log")
        running.wait_ready()
        result = asyncio.run(
            _run(running.url, settings.workshop_code, learners, args.cells, running.process.pid)
        )
        usage = {}
        import pwd

        for w in learners:
            try:
                usage[w.name] = _learner_usage(pwd.getpwnam(settings.account(w.name)).pw_uid)
            except KeyError:
                pass
    finally:
        if running is not None:
            running.stop()
        removed = remove_accounts(prefix, homes=work / "homes")
        if args.log:
            shutil.copyfile(work / "hub.log", args.log)
        shutil.rmtree(work, ignore_errors=True)

    ok = [w for w in learners if w.error is None]
    failed = [w for w in learners if w.error is not None]
    to_running = [w.steps["running"] for w in learners if "running" in w.steps]
    to_first = [w.steps["first cell"] for w in ok]
    to_last = [w.steps["last cell"] for w in ok]
    pss = [u[0] for u in usage.values() if u[3]]
    rss = [u[1] for u in usage.values() if u[3]]
    cpu = [u[2] for u in usage.values() if u[3]]
    cores = os.cpu_count() or 1
    mem_total = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    per_learner_cpu = (sum(cpu) + result["hub_cpu"]) / max(1, len(cpu))

    import subprocess

    hub_python = subprocess.run(
        [str(env / "bin" / "python"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    print(
        f"Hub load test: {args.learners} learners signing in at once, first {args.cells} code "
        f"cells of 00-start-here ({platform.node()}, {cores} cores, "
        f"{mem_total / 1024 / 1024:.1f} GB; the hub's environment: {hub_python}; load before "
        f"the start {load_before:.1f})"
    )
    print(f"  learners running with every cell done: {len(ok)} of {args.learners}")
    print(f"  failed: {len(failed)}" + "".join(f"\n    {w.name}: {w.error}" for w in failed))
    if to_running:
        print(
            f"  sign-in to running:      p50 {_percentile(to_running, 0.5):.1f} s, "
            f"p95 {_percentile(to_running, 0.95):.1f} s, max {max(to_running):.1f} s"
        )
    if to_first:
        print(
            f"  sign-in to first cell:   p50 {_percentile(to_first, 0.5):.1f} s, "
            f"p95 {_percentile(to_first, 0.95):.1f} s, max {max(to_first):.1f} s"
        )
        print(
            f"  sign-in to last cell:    p50 {_percentile(to_last, 0.5):.1f} s, "
            f"p95 {_percentile(to_last, 0.95):.1f} s, max {max(to_last):.1f} s"
        )
    print(f"  whole room (all signed in to all done): {result['wall']:.1f} s")
    if pss:
        print(
            f"  memory per learner (server + kernel): PSS {statistics.mean(pss):.0f} MB mean, "
            f"{max(pss):.0f} MB max; RSS {statistics.mean(rss):.0f} MB mean"
        )
        print(
            f"  CPU per learner (start + cells): {statistics.mean(cpu):.1f} s; hub, proxy and "
            f"culler: {result['hub_cpu']:.1f} s in all "
            f"(mean {statistics.mean(result['hub_samples'] or [0]):.0f}% of a core, "
            f"peak {max(result['hub_samples'] or [0]):.0f}%)"
        )
        print(
            f"  a core brings up {60 / per_learner_cpu:.1f} learners a minute "
            f"({per_learner_cpu:.1f} CPU s each, hub share included); "
            f"a GB holds {1024 / statistics.mean(pss):.1f} learners running"
        )
    print(f"  accounts removed afterwards: {len(removed)}")
    goal = not failed and len(to_running) == args.learners and max(to_running) <= 60
    print(
        f"  goal (all {args.learners} running within 60 s of signing in, no failed spawn): "
        f"{'met' if goal else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
