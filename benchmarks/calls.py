"""Speed and accuracy of toolkit.calls: prints figures, asserts nothing about time.

Run: .venv/bin/python benchmarks/calls.py

1. An Erlang A staffing sweep over 1 to 200 handlers (goal: under 50 ms).
2. A simulation of 100,000 calls (goal: under 1 s) and its agreement with Erlang C at a
   stable load: the share answered within the target (percentage points) and the mean wait
   (relative), for one run and for the average of ten seeds.
"""

from __future__ import annotations

import statistics
import time

from toolkit.calls import queue_metrics, simulate_queue, staffing_sweep


def _median_seconds(fn, repeats: int) -> float:
    fn()  # warm up (imports, caches)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    sweep_args = {
        "calls_per_hour": 1500,
        "handle_seconds": 240,
        "patience_seconds": 60,
        "target_seconds": 10,
        "staff": range(1, 201),
    }
    t = _median_seconds(lambda: staffing_sweep(**sweep_args), repeats=20)
    print(
        f"Erlang A sweep, 1-200 handlers (1,500 calls/h, 4 min, patience 1 min): {t * 1e3:.1f} ms"
    )

    big = _median_seconds(
        lambda: queue_metrics(
            calls_per_hour=4900 * 15, handle_seconds=240, staff=5000, patience_seconds=120
        ),
        repeats=5,
    )
    print(f"Erlang A at 5,000 handlers and 4,900 erlangs: {big * 1e3:.1f} ms")

    # 200 calls an hour for 500 hours is about 100,000 calls
    kwargs = {"calls_per_hour": 200, "handle_seconds": 180, "staff": 14, "hours": 500}
    model = queue_metrics(calls_per_hour=200, handle_seconds=180, staff=14, target_seconds=20)
    t = _median_seconds(lambda: simulate_queue(seed=0, **kwargs), repeats=5)
    sim = simulate_queue(seed=0, **kwargs)
    print(f"Simulation of {len(sim.calls):,} calls (14 staff, load 10 erlangs): {t:.3f} s")

    def compare(summary: dict) -> tuple[float, float]:
        within = summary["answered_within_target"] - model.answered_within_target
        wait = summary["mean_wait_seconds"] / model.mean_wait_seconds - 1
        return within, wait

    within, wait = compare(sim.summary(target_seconds=20, after_hours=2))
    print(
        f"  one run vs Erlang C: answered within 20 s {within * 100:+.2f} points, "
        f"mean wait {wait * 100:+.1f}% (model {model.mean_wait_seconds:.2f} s, "
        f"{model.answered_within_target:.1%} within 20 s)"
    )
    runs = [
        simulate_queue(seed=seed, **kwargs).summary(target_seconds=20, after_hours=2)
        for seed in range(10)
    ]
    pairs = [compare(r) for r in runs]
    mean_within = statistics.mean(p[0] for p in pairs)
    mean_wait = statistics.mean(r["mean_wait_seconds"] for r in runs) / model.mean_wait_seconds - 1
    spread = statistics.stdev(p[1] for p in pairs)
    print(
        f"  ten seeds: answered within 20 s {mean_within * 100:+.2f} points on average; "
        f"mean wait {mean_wait * 100:+.1f}% on average (run-to-run spread {spread * 100:.1f}%)"
    )


if __name__ == "__main__":
    main()
