"""One explorer update at 500 events: filter, re-evaluate, update the figure in place.

Goal: median under 100 ms. Builds a ``TimelineExplorer`` on a 500-event synthetic case (a
temporary data folder holding the shipped data plus that case, and a throwaway answer store),
then times changes to the agency filter and the date range, each of which filters the events,
recomputes every trace and updates the FigureWidget inside ``batch_update``. Also times the
rules over the same 500 events (what notebook 02 re-runs when a case is chosen).

    .venv/bin/python benchmarks/explorer.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UPDATES = 40


def _write_case(folder: Path, n: int) -> None:
    """A 500-event case folder from the synthetic generator (events only; no annotations)."""
    from toolkit.data.synthetic import synthetic_events

    # One case over about three years from January 2016 (before DARA): 500 contacts.
    ev = synthetic_events(
        n, n_cases=1, seed=7, start="2016-01-01", end="2016-01-02", mean_gap_days=3.5
    )
    ev = ev.drop(columns=["case_id"])
    ev["event_id"] = [f"S{i:04d}" for i in range(1, n + 1)]
    ev["linked_to"] = ""
    ev["timestamp"] = ev["timestamp"].dt.strftime("%Y-%m-%d %H:%M")
    for col in ("risk_score", "response_target_minutes", "attended_minutes"):
        ev[col] = ev[col].map(lambda v: "" if v != v else str(int(v)))
    ev["disclosure"] = ev["disclosure"].map(lambda v: "true" if v else "false")
    ev["risk_tool"] = ev["risk_tool"].astype(str).replace("none", "")
    src = ROOT / "data" / "cases" / "unlinked-calls"
    shutil.copytree(src, folder)
    ev.to_csv(folder / "events.csv", index=False)
    (folder / "annotations.csv").write_text(
        "event_id,opportunity_type,explanation,policy_at_the_time,source_id\n", encoding="utf-8"
    )
    first, last = ev["timestamp"].iloc[0][:10], ev["timestamp"].iloc[-1][:10]
    meta = (folder / "case.yaml").read_text(encoding="utf-8")
    meta = meta.replace('start: "2017-10-01"', f'start: "{first}"').replace(
        'end: "2019-04-30"', f'end: "{last}"'
    )
    (folder / "case.yaml").write_text(meta, encoding="utf-8")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="everycall-bench-"))
    try:
        shutil.copytree(ROOT / "data", work / "data")
        _write_case(work / "data" / "cases" / "bench-500", 500)
        os.environ["EVERYCALL_DATA"] = str(work / "data")

        from toolkit.answers import AnswerStore
        from toolkit.data import load_case
        from toolkit.explorer import TimelineExplorer
        from toolkit.opportunities import run_rules

        store = AnswerStore(work / "answers.json", notebook="bench", learner="Bench")
        start = time.perf_counter()
        ex = TimelineExplorer("bench-500", store=store, trainer=False)
        build = time.perf_counter() - start
        lanes = list(ex._lanes)
        months = ex.dates.options
        choices = [tuple(lanes[:k]) for k in range(2, len(lanes) + 1)]
        times = []
        for i in range(UPDATES):
            start = time.perf_counter()
            if i % 2:
                ex.agency_filter.value = choices[i % len(choices)]
            else:
                lo = (i * 3) % (len(months) // 2)
                ex.dates.value = (months[lo][1], months[-1 - lo][1])
            times.append(time.perf_counter() - start)
        shown = sum(len(t.x) for t in ex.figure.data[: len(ex._types)])
        events = load_case("bench-500").events
        rule_times = []
        for _ in range(5):
            start = time.perf_counter()
            run_rules(events)
            rule_times.append(time.perf_counter() - start)
        print(f"case: {len(events)} events, {len(lanes)} lanes, {len(ex._types)} contact types")
        print(f"build the explorer (first, includes imports): {build:.2f} s")
        print(
            f"one update (filter + traces + batch_update): median "
            f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
            f"over {UPDATES} updates (goal: median < 100 ms); last showed {shown} events"
        )
        print(f"all rules on the 500 events: median {statistics.median(rule_times) * 1000:.0f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
