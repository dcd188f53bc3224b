"""The probe that reads live plotly figures after a notebook's last cell: a reply that never
comes costs a short wait and a second try, not the cells' 600 s, and a last failure is said."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import nbformat

from toolkit.handouts import run


class Kernel:
    """A stand-in for nbclient's client: each call answers from ``replies`` in turn (an
    exception is raised, a string is printed), and records the timeout it was given."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.timeout = 600
        self.timeouts = []

    async def async_execute_cell(self, cell, index, execution_count=None):
        self.timeouts.append(self.timeout)
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        cell.outputs = [{"output_type": "stream", "name": "stdout", "text": reply}]


def _probe(kernel):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    # A loop of its own in a thread: the browser tests' Playwright session keeps one running
    # in this thread, where asyncio.run() refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        found, why = pool.submit(lambda: asyncio.run(run._live_figures(kernel, nb))).result()
    assert len(nb.cells) == 1, "the probe cell is never left in the notebook"
    assert kernel.timeout == 600, "the cells' own timeout is put back"
    return found, why


def test_a_lost_reply_is_asked_again_with_a_short_wait():
    kernel = Kernel(TimeoutError("Cell execution timed out"), '{"abc": {"data": []}}')
    found, why = _probe(kernel)
    assert found == {"abc": {"data": []}} and why == ""
    assert kernel.timeouts == [run.PROBE_TIMEOUT, run.PROBE_TIMEOUT]
    assert run.PROBE_TIMEOUT <= 60


def test_two_lost_replies_give_no_figures_and_say_why():
    kernel = Kernel(TimeoutError("timed out"), TimeoutError("timed out"))
    found, why = _probe(kernel)
    assert found == {} and why == "TimeoutError: timed out"


def test_a_kernel_with_no_figures_answers_at_once():
    found, why = _probe(Kernel("{}"))
    assert found == {} and why == ""
