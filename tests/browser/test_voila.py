"""The course in Voilà, in a real Chromium: presenter mode (``everycall present``) and the
code-free view (Voilà's server extension in JupyterLab).

One presenter-mode Voilà serves the whole module, started as ``everycall present`` starts it
but with ``EVERYCALL_TRAINER=1`` in its environment: the room must never see trainer material
even when the trainer's machine has trainer mode on. Each notebook page runs in a fresh kernel.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from a11y_steps import VOILA, slider_names, unnamed_controls
from voila_steps import error_outputs, wait_for_voila

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
PAGES = [*NOTEBOOKS, "trainer/cohort-debrief.ipynb"]


@pytest.fixture(scope="module")
def presenter(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator:
    from toolkit.present import start

    work = tmp_path_factory.mktemp("present")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EVERYCALL_TRAINER", "1")  # a trainer's machine; the room is watching
        mp.setenv("EVERYCALL_ANSWERS", str(work / "answers"))
        mp.setenv("EVERYCALL_LEARNER", "Presenter Test")
        # A fresh kernel per page (no preheating): the pages are visited once each, and a
        # preheated pool would run every notebook twice on a 2-core machine. The make present
        # test below runs presenter mode as a trainer gets it, preheated.
        running = start(
            ROOT / "notebooks" / "04-calls-and-demand.ipynb", log=work / "voila.log", preheat=False
        )
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    yield page
    context.close()


def _secrets():
    from toolkit.handouts import course_secrets
    from toolkit.handouts.scans import needles

    return needles(course_secrets()[0])


def _axe(page) -> list[str]:
    from toolkit.handouts.scans import AXE_RUN, axe_problems, axe_script

    page.add_script_tag(path=str(axe_script()))
    found = axe_problems(page.evaluate(AXE_RUN), file=page.url)
    return [str(p) for p in found if not str(p).startswith("warning:")]


@pytest.mark.parametrize("notebook", PAGES)
def test_every_notebook_in_presenter_mode_runs_shows_no_code_and_no_trainer_material(
    presenter, projector, notebook
):
    from toolkit.handouts.scans import leak_scan

    projector.goto(presenter.url_for(notebook), timeout=120_000)
    drawn = wait_for_voila(projector)
    assert error_outputs(projector) == []
    assert drawn["plots"] == drawn["drawn"]
    assert drawn["empty"] == 0, "a figure was drawn without its data"
    if notebook != "00-start-here.ipynb" and not notebook.startswith("trainer/"):
        assert drawn["plots"] >= 1, "expected the notebook's figures"
    # No code: Voilà sends no input area, and no source text of a code cell reaches the page.
    assert projector.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor").count() == 0
    text = projector.locator("body").inner_text()
    assert "toolkit.begin(" not in text and "import toolkit" not in text
    # Trainer mode is on in the server's environment, yet nothing for trainers shows.
    assert leak_scan(text, _secrets(), file=notebook) == []
    assert projector.locator(".everycall-trainer-note").count() == 0
    assert "Trainer mode" not in text and "trainer mode: ON" not in text
    # The support routes are on every page.
    assert "0808 2000 247" in projector.locator(".ec-support").inner_text()
    assert _axe(projector) == []
    # Every control has a name a screen reader says, and a slider says its value in words.
    assert unnamed_controls(projector, VOILA) == []
    for handle in slider_names(projector, VOILA):
        assert handle["name"] and handle["valuetext"], handle


def test_presenter_mode_reads_from_the_back_of_the_room(presenter, projector, tmp_path: Path):
    projector.goto(presenter.url, timeout=120_000)  # 04, as `everycall present 04` opens it
    wait_for_voila(projector)
    projector.screenshot(path=str(tmp_path / "present-04.png"))
    first_screen = projector.evaluate(
        """() => {
        const visible = e => { const r = e.getBoundingClientRect();
            return r.width > 0 && r.height > 0 && r.top < innerHeight && r.bottom > 0; };
        const note = [...document.querySelectorAll('blockquote')]
            .find(q => q.textContent.trim().startsWith('Content note'));
        const cells = document.querySelector('#rendered_cells');
        const sizes = [...cells.querySelectorAll('.jp-RenderedMarkdown p, .jp-RenderedMarkdown li')]
            .filter(visible).map(e => parseFloat(getComputedStyle(e).fontSize));
        return {
            note: note ? note.getBoundingClientRect().top : null,
            noteText: note ? note.textContent : '',
            support: document.querySelector('.ec-support').getBoundingClientRect().bottom,
            sizes,
            pageScroll: document.scrollingElement.scrollWidth - innerWidth,
            cellsScroll: cells.scrollWidth - cells.clientWidth,
            contents: [...document.querySelectorAll('#ec-contents a')].map(a => a.textContent),
        };
    }"""
    )
    assert first_screen["note"] is not None and first_screen["note"] < 300
    assert "0808 2000 247" in first_screen["noteText"]
    assert first_screen["support"] <= 720
    assert first_screen["sizes"] and min(first_screen["sizes"]) >= 20
    assert first_screen["pageScroll"] <= 0 and first_screen["cellsScroll"] <= 0
    assert "2. The 999 standard" in first_screen["contents"]

    # Figures fill the width of the text column.
    widths = projector.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map(p => [
            p.getBoundingClientRect().width,
            p.closest('.jp-OutputArea-output, .jp-Cell').getBoundingClientRect().width])"""
    )
    assert widths and all(w >= 0.9 * column for w, column in widths)

    # Keys move between sections, and the contents list jumps to one.
    projector.keyboard.press("n")
    first = projector.evaluate("document.activeElement.textContent")
    projector.keyboard.press("n")
    second = projector.evaluate("document.activeElement.textContent")
    assert first != second and "999 standard" not in first
    projector.keyboard.press("p")
    assert projector.evaluate("document.activeElement.textContent") == first
    projector.locator("#ec-contents a", has_text="The 999 standard").click()
    focused = projector.evaluate("[document.activeElement.tagName, document.activeElement.id]")
    assert focused[0] == "H2"
    top = projector.evaluate("document.activeElement.getBoundingClientRect().top")
    assert 0 <= top < 200


def test_presenter_mode_refuses_trainer_mode_from_a_cell():
    """A trainer's habit (a cell with ``toolkit.trainer_mode(True)``) cannot show answers."""
    import subprocess
    import sys

    code = (
        "import toolkit\n"
        "from toolkit.core.session import is_trainer_mode\n"
        "toolkit.trainer_mode(True)\n"
        "print(is_trainer_mode())\n"
    )
    env = dict(os.environ, EVERYCALL_PRESENTER="1", EVERYCALL_TRAINER="1")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[0].startswith("Presenter mode:")
    assert out.splitlines()[-1] == "False"


def _answer_file(answers: Path, notebook: str) -> dict:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for path in answers.glob(f"*/{notebook}.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("answers"):
                return data
        time.sleep(0.3)
    raise AssertionError(f"no saved answer for {notebook} under {answers}")


def test_code_free_view_from_jupyterlab_answers_to_the_same_store(
    page, lab, run_all, errors_on_page
):
    # 00-start-here in JupyterLab links every notebook to its code-free view ...
    run_all(page, lab, "00-start-here.ipynb")
    assert errors_on_page(page) == []
    link = page.locator(".everycall-code-free a", has_text="01 Reading a case timeline")
    assert link.get_attribute("href") == "/voila/render/01-reading-a-case-timeline.ipynb"
    # Every course notebook is linked (other tests may have added notebooks to the folder).
    hrefs = page.locator(".everycall-code-free a").evaluate_all("as => as.map(a => a.href)")
    for name in NOTEBOOKS:
        assert f"{lab.url}/voila/render/{name}" in hrefs

    # ... and the code-free view of 00 is Voilà with the course's template, no code, the
    # normal type size, and its questions answerable with feedback.
    page.goto(f"{lab.url}/voila/render/00-start-here.ipynb?token={lab.token}", timeout=120_000)
    wait_for_voila(page)
    assert error_outputs(page) == []
    assert page.locator("body.ec-learner").count() == 1
    assert page.locator(".jp-InputArea-editor").count() == 0
    assert page.locator("#ec-contents").count() == 1
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.jp-RenderedMarkdown p')).fontSize)"
    )
    assert 12 <= size < 20
    assert _axe(page) == []

    # Answered with the keyboard alone: from the question, Tab into its radio group (one
    # stop), the arrow keys to the right option, Tab to Check, Enter.
    question = page.locator(".everycall-single-choice", has_text="difficult feelings").first
    question.scroll_into_view_if_needed()
    question.locator(".everycall-prompt").evaluate(
        "el => { el.tabIndex = -1; el.focus(); el.removeAttribute('tabindex'); }"
    )
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "radio"
    assert question.locator("[role='radiogroup']").count() == 1
    # Another test on this server may have answered it already: arrow to the right option.
    label = "document.activeElement.closest('label').innerText.trim()"
    for _ in range(4):
        if page.evaluate(label).startswith("Step away"):
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate(label).startswith("Step away")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText.trim()") == "Check"
    page.keyboard.press("Enter")
    question.get_by_text("0808 2000 247").wait_for(timeout=20_000)
    assert question.locator(".everycall-feedback").get_attribute("aria-live") == "polite"
    saved = _answer_file(lab.root.parent / "answers", "00-start-here")
    assert "00-stepping-away" in json.dumps(saved)


def test_make_present_nb_01_shows_the_timeline_explorer_live_and_safe_to_project(
    projector, tmp_path: Path
):
    """As a trainer types it, with trainer mode on: the address printed, the explorer live,
    no code, nothing for trainers; Ctrl+C stops it."""
    import re
    import signal
    import socket
    import subprocess
    import sys

    from toolkit.handouts.scans import leak_scan

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    venv = Path(sys.executable).parents[1]
    env = dict(
        os.environ,
        EVERYCALL_TRAINER="1",
        NO_BROWSER="1",
        PORT=str(port),
        EVERYCALL_ANSWERS=str(tmp_path / "answers"),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    make = subprocess.Popen(
        ["make", "--no-print-directory", "present", "NB=01", f"VENV={venv}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # Ctrl+C goes to the whole group, as in a terminal
    )
    try:
        printed = ""
        deadline = time.monotonic() + 90
        while "To stop" not in printed and time.monotonic() < deadline:
            line = make.stdout.readline()
            if not line and make.poll() is not None:
                break
            printed += line
        address = re.search(r"Open:\s+(\S+)", printed)
        assert address, printed
        assert address.group(1) == (
            f"http://127.0.0.1:{port}/voila/render/01-reading-a-case-timeline.ipynb"
        )
        assert "0808 2000 247" in printed

        projector.goto(address.group(1), timeout=120_000)
        drawn = wait_for_voila(projector)
        assert error_outputs(projector) == []
        assert drawn["plots"] >= 1 and drawn["drawn"] == drawn["plots"] and drawn["empty"] == 0
        assert projector.locator(".jp-InputArea-editor").count() == 0
        # The explorer is live: choosing an event shows its detail, from the kernel.
        explorer = projector.locator(".everycall-explorer").first
        explorer.scroll_into_view_if_needed()
        assert explorer.locator(".js-plotly-plot .main-svg").count() >= 1
        before = explorer.inner_text()
        picker = explorer.locator(".widget-dropdown", has_text="Event").locator("select")
        picker.select_option(index=1)
        deadline = time.monotonic() + 30
        while explorer.inner_text() == before and time.monotonic() < deadline:
            time.sleep(0.2)
        assert explorer.inner_text() != before, "the explorer did not answer the event chosen"
        text = projector.locator("body").inner_text()
        assert leak_scan(text, _secrets(), file="01 in presenter mode") == []
        assert "presenter mode: trainer material stays hidden" in text
    finally:
        os.killpg(make.pid, signal.SIGINT)
        out, _ = make.communicate(timeout=60)
    assert "Stopping presenter mode" in out
    with pytest.raises(ConnectionRefusedError):  # Voilà stopped: nothing answers on the port
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
