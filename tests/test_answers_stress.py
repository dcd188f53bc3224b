"""SIGKILL a process while it saves answers, over a thousand times, and check nothing is lost.

The driver runs in a fresh Python process (so forking never copies pytest's threads). Each
round it forks a child that saves answers in a loop, reporting each finished save on a pipe
(writes under PIPE_BUF are atomic), kills it with SIGKILL after a random delay (0 to 20 ms: start-up
plus about ten saves), and then reads the file as a new kernel would. The file must be valid JSON,
a valid answer file, and hold either the last reported state or the one being saved when the
kill landed, never anything torn, older or empty. Figures are printed, not asserted on time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

KILLS = 1000

DRIVER = textwrap.dedent(
    r"""
    import hashlib, json, os, random, signal, sys, time
    from pathlib import Path
    from toolkit.answers import AnswerStore, check_answer_data

    folder, kills = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(20140327)

    def state(i):
        # Two keys written in one save, linked by a checksum: a torn write would break the link.
        return {"counter": i, "payload": "x" * (i % 700), "digest": hashlib.sha256(
            str(i).encode()).hexdigest()}

    def child(path, start, fd):
        try:
            store = AnswerStore(path, notebook=path.stem, learner="Stress Test")
            i = start
            while True:
                i += 1
                store.set("state", state(i))
                os.write(fd, f"{i}\n".encode())
        finally:
            os._exit(3)

    figures = {"kills": 0, "saves_reported": 0, "bad_files": [], "unchanged": 0,
               "landed_after_rename_before_report": 0, "temp_files_left": 0,
               "first_save_kills": 0}
    path, committed = None, 0
    started = time.perf_counter()
    for round_ in range(kills):
        if round_ % 100 == 0:  # a new file now and then: kills during the very first save too
            path, committed = folder / f"stress-{round_:04d}.json", 0
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            child(path, committed, write_fd)
        os.close(write_fd)
        chunks = []
        if round_ % 100 >= 10:
            # Most rounds: wait for the first save to be reported, so the kill lands among
            # saves however slowly a busy machine starts the child. The first ten rounds of
            # each file are killed blind, to catch the very first save too.
            chunks.append(os.read(read_fd, 65536))
        time.sleep(rng.uniform(0, 0.02))  # about ten more saves
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        figures["kills"] += 1
        while chunk := os.read(read_fd, 65536):
            chunks.append(chunk)
        os.close(read_fd)
        reported = [int(x) for x in b"".join(chunks).split()]
        figures["saves_reported"] += len(reported)
        last = reported[-1] if reported else committed
        figures["temp_files_left"] += len(list(folder.glob(f".{path.name}.*.tmp")))
        if not path.exists():
            if last != 0:
                figures["bad_files"].append(f"{path.name}: missing after save {last}")
            figures["first_save_kills"] += 1
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            figures["bad_files"].append(f"{path.name} round {round_}: not JSON ({exc})")
            break
        problem = check_answer_data(data)
        saved = data.get("answers", {}).get("state", {}).get("value")
        if problem or saved != state(saved["counter"] if saved else -1):
            figures["bad_files"].append(f"{path.name} round {round_}: {problem or saved}")
            break
        counter = saved["counter"]
        if counter not in (last, last + 1):
            figures["bad_files"].append(
                f"{path.name} round {round_}: holds {counter}, expected {last} or {last + 1}")
            break
        figures["unchanged"] += counter == committed
        figures["landed_after_rename_before_report"] += counter == last + 1
        committed = counter
    figures["seconds"] = round(time.perf_counter() - started, 1)
    before = len(list(folder.glob(".*.tmp")))
    for answers_file in folder.glob("stress-*.json"):
        AnswerStore(answers_file)  # opening a file clears temporary files of dead writers
    figures["temp_files_before_reopen"] = before
    figures["temp_files_after_reopen"] = len(list(folder.glob(".*.tmp")))
    print(json.dumps(figures))
    """
)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL (POSIX)")
def test_sigkill_mid_save_never_leaves_a_torn_or_empty_file(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(tmp_path), str(KILLS)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    print(
        f"\nSIGKILL stress: {figures['kills']} kills in {figures['seconds']} s; "
        f"{figures['saves_reported']} saves completed; "
        f"{figures['unchanged']} kills left the file as it was; "
        f"{figures['landed_after_rename_before_report']} landed between the rename and the "
        f"report; {figures['first_save_kills']} during a file's first save; "
        f"temporary files left by killed writers: {figures['temp_files_before_reopen']}, "
        f"after reopening: {figures['temp_files_after_reopen']}"
    )
    assert figures["bad_files"] == []
    assert figures["kills"] >= KILLS
    # the children really were saving when killed: at least one save in every waited round
    assert figures["saves_reported"] >= KILLS * 9 // 10
    assert figures["temp_files_after_reopen"] == 0
