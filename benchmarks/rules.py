"""Every missed-opportunity rule over 100,000 and 1,000,000 synthetic events.

Goals: under 2 s for 1,000,000 events on a 2-core machine, and at most 12 times the 100,000
figure (growth close to linear). Prints the median of a few runs for each size, the ratio, the
number of flags, and the slowest rules at 1,000,000 events. CPU time is printed beside wall
time because the machine's two cores are shared: when other work competes for them, wall time
rises and CPU time does not. The events come from
``toolkit.data.synthetic.synthetic_events`` (one case per 100 events, text columns as pandas
categoricals, as the generator returns them); generating them is not timed.

    .venv/bin/python benchmarks/rules.py            # 100k and 1M, 3 runs each
    .venv/bin/python benchmarks/rules.py --runs 1   # quicker
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

from toolkit.data.synthetic import synthetic_events
from toolkit.opportunities import prepare_events, registered_rules, run_rules


def _median_seconds(fn, runs: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(runs):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rules = registered_rules()
    print(f"{len(rules)} rules; Python {platform.python_version()}; {platform.machine()}")
    results = {}
    for n in (100_000, 1_000_000):
        events = synthetic_events(n, seed=0)
        run_rules(events.iloc[:1_000])  # warm up imports and caches
        flags = len(run_rules(events))
        seconds = _median_seconds(lambda ev=events: run_rules(ev), args.runs)
        cpu = _median_seconds(lambda ev=events: run_rules(ev), args.runs, time.process_time)
        results[n] = seconds
        print(
            f"{n:>9,} events: {seconds:.3f} s wall, {cpu:.3f} s CPU (medians of {args.runs}); "
            f"{flags:,} flags"
        )
        if n == 1_000_000:
            prepared = prepare_events(events)
            per_rule = sorted(
                (
                    (_median_seconds(lambda r=r, p=prepared: run_rules(p, rules=[r]), 1), r.id)
                    for r in rules
                ),
                reverse=True,
            )
            print("slowest rules at 1M (each run alone on prepared events):")
            for secs, rule_id in per_rule[:5]:
                print(f"  {secs:.3f} s  {rule_id}")
    ratio = results[1_000_000] / results[100_000]
    print(
        f"1M / 100k ratio: {ratio:.1f} (goal <= 12); 1M goal < 2 s: "
        f"{'met' if results[1_000_000] < 2 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
