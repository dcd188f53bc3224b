"""Call queues: why calls go unanswered, what staffing changes, and what an outage does.

Two queueing models and a simulation, for a helpline or a control room:

- **Erlang C** (the M/M/n queue): callers wait as long as it takes. It has no answer when the
  load (calls per hour times handling time, in erlangs) is at least the number of handlers:
  the queue then grows without limit.
- **Erlang A** (Palm's M/M/n+M queue): each caller also has a patience time and hangs up when
  the wait reaches it. This is the model for a helpline where half the calls go unanswered.
- :func:`simulate_queue`: a seeded discrete-event simulation of the same queue through an
  outage and its recovery (failed call attempts, redials, backlog, abandoned calls).

What the models leave out, and a learner should say so when using them: demand is steady
within the period modelled (real demand rises and falls through the day); handling times and
patience are exponentially distributed (real ones are not); every handler can take every call
and is on the phones the whole time (no breaks, training or other work); callers are answered
in order of arrival; callers who hang up do not ring back (in the simulation only failed
attempts are redialled). The numbers are a way to reason about a service, not a forecast of it.

Parameter names mean the same in every function:

calls_per_hour
    Offered calls per hour (the arrival rate).
handle_seconds
    Mean handling time of an answered call (talk plus wrap-up), in seconds.
staff
    Handlers taking calls at the same time (a whole number, at least 1).
patience_seconds
    Mean time a caller waits before hanging up; ``None`` means callers never hang up
    (Erlang C).
target_seconds
    The answer-time target (the 999 standard is 90% answered within 10 seconds).

Examples
--------
>>> m = queue_metrics(calls_per_hour=200, handle_seconds=180, staff=14, target_seconds=20)
>>> round(m.p_wait, 3), round(m.answered_within_target, 3)
(0.174, 0.888)
>>> queue_metrics(calls_per_hour=200, handle_seconds=180, staff=0)
Traceback (most recent call last):
...
toolkit.errors.ModelError: staff must be a whole number of handlers, at least 1; got 0
"""

from __future__ import annotations

from toolkit.calls.erlang import (
    MAX_STAFF,
    MAX_SWEEP_LEVELS,
    QueueMetrics,
    erlang_b,
    erlang_c,
    queue_metrics,
)
from toolkit.calls.figures import simulation_figure, sweep_figure
from toolkit.calls.review import (
    first_contact_opportunities,
    first_contact_review,
    first_contact_table,
    published_figures,
)
from toolkit.calls.simulation import Simulation, simulate_queue
from toolkit.calls.sweeps import reproduces, scenario_grid, staff_for_service_level, staffing_sweep
from toolkit.calls.tables import closest_scenarios, compare_demand, simulation_against_model
from toolkit.calls.widgets import queue_explorer

__all__ = [
    "MAX_STAFF",
    "MAX_SWEEP_LEVELS",
    "QueueMetrics",
    "Simulation",
    "closest_scenarios",
    "compare_demand",
    "erlang_b",
    "erlang_c",
    "first_contact_opportunities",
    "first_contact_review",
    "first_contact_table",
    "published_figures",
    "queue_explorer",
    "queue_metrics",
    "reproduces",
    "scenario_grid",
    "simulate_queue",
    "simulation_against_model",
    "simulation_figure",
    "staff_for_service_level",
    "staffing_sweep",
    "sweep_figure",
]
