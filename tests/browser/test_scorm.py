"""SCORM packages in Chromium against a real SCORM 1.2 run-time (scorm-again as the learning
platform, launching each package's page in a frame, as Moodle does).

What a learner and a course builder would notice: every question type answered by keyboard,
right and wrong, gives the JupyterLab widget's feedback and the right interaction record; the
score and status are right; leaving and coming back restores the answers; the page works with
no network, says so when there is no platform, and has no serious accessibility problem.

One HTTP server on 127.0.0.1 per module serves the unpacked packages and the platform page.
"""

from __future__ import annotations

import itertools
import json
import urllib.parse
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from tests.scorm_steps import (
    DEMO_NAME,
    add_lms,
    demo_exercises,
    plain,
    serve,
    write_demo_package,
)
from toolkit.exercises import feedback_html, load_definitions, mark, number_problem
from toolkit.exercises.definitions import Result, _num, display_order, plain_number
from toolkit.exercises.marking import parse_number
from toolkit.exercises.web import INTERACTION_TYPES, marking_data
from toolkit.handouts.scans import AXE_RUN, axe_script
from toolkit.handouts.scorm import SUFFIX

pytestmark = pytest.mark.timeout(600)

TYPES_SCORM = INTERACTION_TYPES  # the question types and their SCORM interaction types


@dataclass(frozen=True)
class Dialect:
    """What differs between SCORM 1.2 and SCORM 2004, as a test reads the platform."""

    version: str

    @property
    def v12(self) -> bool:
        return self.version == "1.2"

    @property
    def course(self) -> str:
        return f"course{SUFFIX[self.version][5:]}"

    @property
    def demo(self) -> str:
        return f"demo{SUFFIX[self.version][5:]}"

    response = property(lambda self: "student_response" if self.v12 else "learner_response")
    wrong = property(lambda self: "wrong" if self.v12 else "incorrect")
    sep = property(lambda self: "," if self.v12 else "[,]")
    commit = property(lambda self: "LMSCommit" if self.v12 else "Commit")
    finish = property(lambda self: "LMSFinish" if self.v12 else "Terminate")
    exit = property(lambda self: "cmi.core.exit" if self.v12 else "cmi.exit")
    session_time = property(
        lambda self: "cmi.core.session_time" if self.v12 else "cmi.session_time"
    )

    def letters(self, indices) -> str:
        return self.sep.join("abcdefghij"[i] for i in indices)

    def number_pattern(self, ex) -> str:
        lo, hi = _num(ex.answer - ex.tolerance), _num(ex.answer + ex.tolerance)
        return _num(ex.answer) if self.v12 else f"{lo}[:]{hi}"

    def mastery(self, percent: int | None) -> dict:
        if percent is None:
            return {}
        if self.v12:
            return {"student_data": {"mastery_score": str(percent)}}
        return {"scaled_passing_score": str(percent / 100)}

    def status(self, cmi: dict) -> str:
        """lesson_status in SCORM 1.2; in 2004 the success status once there is one, else
        the completion status."""
        if self.v12:
            return cmi["core"]["lesson_status"]
        success = cmi["success_status"]
        return success if success in ("passed", "failed") else cmi["completion_status"]

    def score(self, cmi: dict) -> dict:
        score = cmi["core"]["score"] if self.v12 else cmi["score"]
        return {k: score[k] for k in ("raw", "min", "max")}

    def resume(self, stored: dict) -> dict:
        if self.v12:
            status = stored["core"]["lesson_status"]
            return {
                "suspend_data": stored["suspend_data"],
                "core": {"lesson_status": status, "entry": "resume"},
            }
        return {
            "suspend_data": stored["suspend_data"],
            "completion_status": stored["completion_status"],
            "entry": "resume",
        }

    def review(self, suspend_data: str) -> dict:
        if self.v12:
            return {
                "suspend_data": suspend_data,
                "core": {"lesson_mode": "review", "lesson_status": "passed"},
            }
        return {"suspend_data": suspend_data, "mode": "review", "completion_status": "completed"}


VERSIONS = [Dialect("1.2"), Dialect("2004")]
V12 = VERSIONS[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, scorm_course: Path, chromium_path: Path):
    """For each version, ``course12/`` or ``course2004/`` (the course package unpacked) and
    ``demo12/`` or ``demo2004/`` (every question type), each with the test platform beside
    it, served over HTTP."""
    root = tmp_path_factory.mktemp("scorm-site")
    for d in VERSIONS:
        with zipfile.ZipFile(scorm_course / f"everycall-course-{SUFFIX[d.version]}.zip") as archive:
            archive.extractall(root / d.course)
        write_demo_package(root / d.demo, version=d.version)
        for folder in (d.course, d.demo):
            add_lms(root / folder, d.version)
    with serve(root) as base:
        yield {"base": base, "root": root}


@pytest.fixture
def lms(browser, site):
    """``open(folder, launch, cmi=None)``: the platform page with ``launch`` in its frame;
    returns (page, frame). Every request must stay on the test server."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    outside: list[str] = []

    def only_local(route):
        url = route.request.url
        if url.startswith(site["base"]) or url.startswith("about:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", only_local)
    errors: list[str] = []

    def open_(folder: str, launch: str, cmi: dict | None = None):
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        start = {"launch": launch, "cmi": cmi or {}}
        page.goto(f"{site['base']}/{folder}/lms.html#" + urllib.parse.quote(json.dumps(start)))
        frame = page.wait_for_selector("#sco").content_frame()
        frame.wait_for_function("window.EveryCallScorm !== undefined")
        return page, frame

    yield open_
    context.close()
    assert outside == [], f"requests left the machine: {outside}"
    assert errors == [], f"script errors: {errors}"


def _cmi(page) -> dict:
    return page.evaluate("JSON.parse(JSON.stringify(window.lmsApi.cmi))")


def _records(page) -> list[dict]:
    found = _cmi(page)["interactions"]
    return [found[k] for k in sorted(found, key=int)]


def _log(page) -> list[list]:
    return page.evaluate("window.lmsLog")


def _feedback(frame, exercise_id: str) -> dict:
    """The shown feedback: its kind and words, once it has arrived."""
    box = frame.locator(f'section[data-exercise="{exercise_id}"] .everycall-feedback')
    box.locator(".everycall-result").wait_for()
    result = box.locator(".everycall-result")
    kind = result.get_attribute("class").split("everycall-")[-1]
    return {
        "kind": kind,
        "text": " ".join(result.inner_text().split()),
        "live": box.get_attribute("aria-live"),
    }


def _expected(ex, result: Result) -> dict:
    markup = feedback_html(ex, result)
    kind = markup.split('class="everycall-result everycall-', 1)[1].split('"', 1)[0]
    return {"kind": kind, "text": plain(markup), "live": "polite"}


def _clear_feedback(frame, exercise_id: str) -> None:
    frame.evaluate(
        f"""document.querySelector('section[data-exercise="{exercise_id}"] .everycall-feedback')
        .innerHTML = ''"""
    )


# -- keyboard steps: a starting focus on the question's first control, then keys only --------


def _section(frame, ex):
    return frame.locator(f'section[data-exercise="{ex.id}"]')


def _choose_one(page, frame, ex, index: int) -> None:
    """Single choice or confidence: Space on the first, ArrowDown to ``index``."""
    _section(frame, ex).locator(".everycall-control input").first.focus()
    page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # the group is one Tab stop: next is Check (or the next question)
    if ex.type == "single_choice":
        page.keyboard.press("Enter")


def _choose_many(page, frame, ex, chosen: set[int]) -> None:
    boxes = _section(frame, ex).locator(".everycall-control input")
    boxes.first.focus()
    for i in range(boxes.count()):
        if boxes.nth(i).is_checked() != (i in chosen):
            page.keyboard.press("Space")
        page.keyboard.press("Tab")
    assert frame.evaluate("document.activeElement.className") == "everycall-check"
    page.keyboard.press("Enter")


def _type_and_check(page, frame, ex, text: str) -> None:
    field = _section(frame, ex).locator("input, textarea").first
    field.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")


def _order(page, frame, ex, target: list[int]) -> None:
    """Move items with their Move up buttons until the list is ``target`` (first-shown
    positions), by Enter on each button."""
    section = _section(frame, ex)
    for place, item in enumerate(target):
        now = [
            int(x) for x in section.locator("li").evaluate_all("l => l.map(e => e.dataset.item)")
        ]
        steps = now.index(item) - place
        if steps <= 0:
            continue
        section.locator(f'li[data-item="{item}"] .everycall-up').focus()
        for _ in range(steps):
            page.keyboard.press("Enter")
    assert [
        int(x) for x in section.locator("li").evaluate_all("l => l.map(e => e.dataset.item)")
    ] == target
    section.locator(".everycall-check").focus()
    page.keyboard.press("Enter")


# -- 1. the page marks as the notebook does ------------------------------------------------


def _cases(ex) -> list[tuple[object, object]]:
    """(response for the page, the same response for toolkit.exercises.mark)."""
    if ex.type == "single_choice":
        return [(None, None)] + [(i, o.text) for i, o in enumerate(ex.options)]
    if ex.type == "confidence":
        return [(None, None)] + [(i, t) for i, t in enumerate(ex.scale)]
    if ex.type == "multiple_choice":
        n = len(ex.options)
        subsets = itertools.chain.from_iterable(
            itertools.combinations(range(n), k) for k in range(n + 1)
        )
        return [(list(s), [ex.options[i].text for i in s]) for s in subsets]
    if ex.type == "numeric":
        a, t = ex.answer, ex.tolerance
        texts = [
            _num(a),
            _num(a + t),
            _num(a - t),
            _num(a + t + 1),
            _num(a - t - 1),
            f"{a + t + 0.5:,}",
            f"{a - t - 0.25}",
            f" {_num(a)} ",
            f"{_num(a)} %",
            f"{_num(a)} per cent",
            "\u221212",
            "1,200",
            "12,5",
            "twelve",
            "",
            "  ",
            "9" * 400,
            "1e3",
            ".5",
            "-0",
            f"{a * 1000 + 0.123456789}",
            "0.000012345",
        ]
        return [(s, s) for s in texts]
    if ex.type == "free_text":
        return [("", ""), ("I would ask about the children.", "I would ask about the children.")]
    shown = display_order(ex)
    return [(list(p), [shown[i] for i in p]) for p in itertools.permutations(range(len(shown)))]


def _python_feedback(ex, response) -> str:
    """What the JupyterLab widget shows for ``response`` (its check(): number problems first)."""
    problem = number_problem(response) if ex.type == "numeric" else None
    result = Result(None, problem, answered=False) if problem else mark(ex, response)
    if ex.type == "free_text":
        result = replace(result, details=())  # the package holds no model answer
    return feedback_html(ex, result)


def test_the_page_marks_every_course_question_as_the_notebook_does(lms):
    page, frame = lms(V12.demo, f"{DEMO_NAME}.html")
    exercises = [*load_definitions().values(), *demo_exercises().values()]
    cases, expected = [], []
    for ex in exercises:
        for js_response, py_response in _cases(ex):
            cases.append([marking_data(ex), js_response])
            expected.append(_python_feedback(ex, py_response))
    got = frame.evaluate(
        "cases => cases.map(([ex, r]) => EveryCallScorm.feedbackHtml(EveryCallScorm.mark(ex, r)))",
        cases,
    )
    assert len(got) == len(expected) > 300
    mismatches = [
        (c[0]["id"], c[1], g, e) for c, g, e in zip(cases, got, expected, strict=True) if g != e
    ]
    assert mismatches == []
    # every type of the course and the demo was covered
    assert {ex.type for ex in exercises} == set(TYPES_SCORM)


def test_numbers_are_read_and_written_as_in_the_notebook(lms):
    page, frame = lms(V12.demo, f"{DEMO_NAME}.html")
    texts = [
        "12",
        " 1,200 ",
        "12.5",
        "40 %",
        "40per cent",
        "40 PERCENT",
        "\u22123",
        "\u20133",
        "+.5",
        "1.",
        "twelve",
        "12,5",
        "%",
        "9" * 400,
        "1,2345",
        "0012",
        "-0.0",
        "1 200",
        "",
        "\uff11\uff12",  # full-width digits: not read as 12 by either
        "\u0661\u0662",
    ]
    got = frame.evaluate("ts => ts.map(t => EveryCallScorm.parseNumber(t))", texts)
    assert got == [parse_number(t) for t in texts]
    numbers = [
        *[12.0, 0.5, 1 / 3, 123456.7, 1234567.5, 1e-05, 0.0001234, 2.5e20, 1e22, -7.25, 1e300],
        # exact halves: Python rounds them to the even digit, JavaScript's toFixed up
        *[12345.25, 10.03125, 1234.125, 999999.5, 99999.95, -0.000125, 2.5e-07],
    ]
    got = frame.evaluate("ns => ns.map(n => EveryCallScorm.num(n))", numbers)
    assert got == [_num(n) for n in numbers]
    # what the platform is sent: plain decimals, as the answer store writes them
    ordinary = [n for n in numbers if 1e-6 <= abs(n) < 1e16]  # plain_number's own range
    got = frame.evaluate("ns => ns.map(n => EveryCallScorm.plainDecimal(n))", ordinary)
    assert got == [plain_number(n) for n in ordinary]
    # and outside it, still no exponent (a CMIDecimal has none)
    got = frame.evaluate("ns => ns.map(n => EveryCallScorm.plainDecimal(n))", [2.5e-07, -1e22])
    assert got == ["0.00000025", "-10000000000000000000000"]


# -- 2. every question type by keyboard, against the platform -------------------------------


@pytest.mark.parametrize("d", VERSIONS, ids=lambda d: d.version)
def test_every_type_by_keyboard_right_and_wrong_reports_to_the_platform(lms, d):
    page, frame = lms(d.demo, f"{DEMO_NAME}.html", d.mastery(80))
    ex = demo_exercises()
    records: list[tuple[str, str, str, str]] = []

    def check(exercise_id, response_py, scorm_response, result):
        shown = _feedback(frame, exercise_id)
        assert shown == _expected(ex[exercise_id], _python_result(ex[exercise_id], response_py))
        records.append((exercise_id, TYPES_SCORM[ex[exercise_id].type], scorm_response, result))
        assert [(r["id"], r["type"], r[d.response], r["result"]) for r in _records(page)] == records
        _clear_feedback(frame, exercise_id)

    assert d.status(_cmi(page)) == "incomplete"
    single = ex["90-dvpo-hearing"]
    _choose_one(page, frame, single, 0)
    check(single.id, single.options[0].text, "a", d.wrong)
    _choose_one(page, frame, single, 1)
    check(single.id, single.options[1].text, "b", "correct")

    many = ex["90-marac-criteria"]
    _choose_many(page, frame, many, {0, 2})
    check(many.id, [many.options[0].text, many.options[2].text], d.letters([0, 2]), d.wrong)
    _choose_many(page, frame, many, {0, 1, 3})
    check(many.id, [many.options[i].text for i in (0, 1, 3)], d.letters([0, 1, 3]), "correct")

    number = ex["90-dash-threshold"]
    _type_and_check(page, frame, number, "twelve")  # not a number: told so, nothing recorded
    shown = _feedback(frame, number.id)
    assert shown["kind"] == "prompt" and "Type a number, such as 12." in shown["text"]
    assert len(_records(page)) == len(records)
    _clear_feedback(frame, number.id)
    _type_and_check(page, frame, number, "12")
    check(number.id, "12", "12", d.wrong)
    _type_and_check(page, frame, number, "14")
    check(number.id, "14", "14", "correct")

    order = ex["90-dhr-steps"]
    shown_order = display_order(order)
    right = [shown_order.index(i) for i in order.items]
    wrong = list(reversed(right))
    _order(page, frame, order, wrong)
    check(order.id, [shown_order[i] for i in wrong], d.letters(wrong), d.wrong)
    # the move is announced: the item and its new place
    status = _section(frame, order).locator(".everycall-order-status")
    assert status.get_attribute("aria-live") == "polite" and " of 4." in status.inner_text()
    _order(page, frame, order, right)
    check(order.id, list(order.items), d.letters(right), "correct")
    assert d.status(_cmi(page)) == "incomplete"  # two questions to go
    # no score until every question is answered (a platform would pass or fail on it)
    assert d.score(_cmi(page))["raw"] == ""
    # Move up on the first item says so, and moves nothing
    first = _section(frame, order).locator("li").first
    first.locator(".everycall-up").focus()
    page.keyboard.press("Enter")
    assert status.inner_text().endswith("is already first.")

    text = ex["90-calm-caller"]
    _type_and_check(page, frame, text, "Ask about weapons & the children <safely>.")
    check(text.id, "x", "Ask about weapons & the children <safely>.", "neutral")

    rating = ex["90-confidence"]
    # choosing is the answer; passing points with the arrow keys records only the last one,
    # once the learner leaves the scale
    _choose_one(page, frame, rating, 2)
    shown = _feedback(frame, rating.id)
    assert shown == _expected(rating, mark(rating, "Fairly"))
    interactions = _records(page)
    assert [(r["id"], r["type"], r[d.response]) for r in interactions if r["id"] == rating.id] == [
        (rating.id, "likert", "3")
    ]
    # the right answers go to the platform too, for its reports
    patterns = {
        r["id"]: r["correct_responses"]["0"]["pattern"]
        for r in interactions
        if r["correct_responses"]
    }
    assert patterns[single.id] == "b" and patterns[many.id] == d.letters([0, 1, 3])
    assert patterns[number.id] == d.number_pattern(number)
    assert patterns[order.id] == d.letters(right)
    if not d.v12:  # SCORM 2004 reports say what each question asked
        assert interactions[0]["description"].startswith("After a DVPN is served")
        assert interactions[0]["timestamp"].count("T") == 1

    cmi = _cmi(page)
    assert d.score(cmi) == {"raw": "100", "min": "0", "max": "100"}
    assert d.status(cmi) == "passed"
    if not d.v12:
        assert cmi["completion_status"] == "completed" and cmi["score"]["scaled"] == "1"
    banner = frame.locator("#everycall-scorm-banner").inner_text()
    assert (
        "Recorded." in banner
        and "Answered 6 of 6 questions; 4 of 4 marked questions right" in banner
    )
    # the hint is a button that opens a live region
    hint = _section(frame, single).locator(".everycall-hint-button")
    hint.focus()
    page.keyboard.press("Enter")
    assert hint.get_attribute("aria-expanded") == "true"
    region = _section(frame, single).locator(".everycall-hint")
    assert region.get_attribute("aria-live") == "polite"
    assert "court acts quickly" in region.inner_text()


def _python_result(ex, response) -> Result:
    result = mark(ex, response)
    return replace(result, details=()) if ex.type == "free_text" else result


def _answer_all(page, frame, right: set[str]) -> None:
    """Answer every demo question with the mouse: those in ``right`` correctly."""
    ex = demo_exercises()
    for e in ex.values():
        section = _section(frame, e)
        good = e.id in right
        if e.type == "single_choice":
            pick = next(i for i, o in enumerate(e.options) if o.correct == good)
            section.locator(".everycall-control input").nth(pick).check()
        elif e.type == "multiple_choice":
            for i, o in enumerate(e.options):
                section.locator(".everycall-control input").nth(i).set_checked(o.correct == good)
        elif e.type == "numeric":
            section.locator("input").fill(_num(e.answer if good else e.answer + e.tolerance + 5))
        elif e.type == "free_text":
            section.locator("textarea").fill("An answer.")
        elif e.type == "ordering":
            if good:
                _order(page, frame, e, [display_order(e).index(i) for i in e.items])
                continue
        elif e.type == "confidence":
            section.locator(".everycall-control input").nth(1).check()
            continue
        section.locator(".everycall-check").click()


@pytest.mark.parametrize(
    ("mastery", "right", "status", "raw"),
    [
        (None, {"90-dvpo-hearing", "90-dash-threshold"}, "completed", "50"),
        (80, {"90-dvpo-hearing", "90-dash-threshold", "90-dhr-steps"}, "failed", "75"),
        (75, {"90-dvpo-hearing", "90-dash-threshold", "90-dhr-steps"}, "passed", "75"),
    ],
)
@pytest.mark.parametrize("d", VERSIONS, ids=lambda d: d.version)
def test_score_and_status_against_the_mastery_score(lms, d, mastery, right, status, raw):
    page, frame = lms(d.demo, f"{DEMO_NAME}.html", d.mastery(mastery))
    _answer_all(page, frame, right)
    frame.wait_for_function("EveryCallScorm.course.progress().complete")
    cmi = _cmi(page)
    assert (d.status(cmi), d.score(cmi)["raw"]) == (status, raw)
    # leaving: the session time, a normal exit (nothing left to resume), commit, finish
    frame.evaluate("EveryCallScorm.leave()")
    log = _log(page)
    assert log[-1] == [d.finish] and log[-2] == [d.commit]
    sets = {e[1]: e[2] for e in log if e[0] == "set"}
    # "suspend" even when finished: the platform keeps the attempt and its answers
    assert sets[d.exit] == "suspend"
    assert sets[d.session_time].count(":") == 2 if d.v12 else sets[d.session_time].startswith("PT")


# -- 3. leaving and coming back -------------------------------------------------------------


@pytest.mark.parametrize("d", VERSIONS, ids=lambda d: d.version)
def test_leaving_and_relaunching_restores_the_answers(lms, d):
    exercises = load_definitions()
    page, frame = lms(d.course, "01-reading-a-case-timeline.html")
    calls = exercises["01-count-the-calls"]
    escalation = exercises["01-escalation"]
    one_piece = exercises["01-one-piece"]
    _type_and_check(page, frame, calls, "7")
    wrong_calls = _feedback(frame, calls.id)
    pick = next(i for i, o in enumerate(escalation.options) if o.correct)
    _choose_one(page, frame, escalation, pick)
    _feedback(frame, escalation.id)
    draft = "The school's record of the injury never reached the police.\nThat mattered."
    _section(frame, one_piece).locator("textarea").fill(draft)  # typed, not yet submitted
    # the learner closes the course: the platform unloads the page
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function(f"window.lmsLog.some(e => e[0] === '{d.finish}')")
    log = _log(page)
    sets = {e[1]: e[2] for e in log if e[0] == "set"}
    assert sets[d.exit] == "suspend"
    stored = _cmi(page)
    assert d.status(stored) == "incomplete"
    assert len(stored["suspend_data"]) <= 4096
    assert json.loads(stored["suspend_data"])["a"][one_piece.id][0] == draft
    page.close()

    page, frame = lms(d.course, "01-reading-a-case-timeline.html", d.resume(stored))
    assert _section(frame, calls).locator("input").input_value() == "7"
    assert _feedback(frame, calls.id) == wrong_calls
    assert _section(frame, calls).locator(".everycall-attempts").inner_text() == "Attempts: 1"
    radios = _section(frame, escalation).locator(".everycall-control input")
    assert [radios.nth(i).is_checked() for i in range(radios.count())] == [
        i == pick for i in range(len(escalation.options))
    ]
    assert _feedback(frame, escalation.id)["kind"] == "correct"
    assert _section(frame, one_piece).locator("textarea").input_value() == draft
    banner = frame.locator("#everycall-scorm-banner").inner_text()
    assert "Answered 2 of 5 questions" in banner
    # coming back records nothing new until the learner answers again
    assert _records(page) == []


@pytest.mark.parametrize("d", VERSIONS, ids=lambda d: d.version)
def test_review_mode_shows_the_answers_and_records_nothing(lms, d):
    """A platform showing a finished attempt ("review") gets the answers back and no writes."""
    ex = load_definitions()["00-stepping-away"]
    saved = json.dumps({"v": 1, "a": {ex.id: [1, 2, marking_data(ex)["fp"]]}})
    page, frame = lms(d.course, "00-start-here.html", d.review(saved))
    assert "Review." in frame.locator("#everycall-scorm-banner").inner_text()
    assert _section(frame, ex).locator(".everycall-control input").nth(1).is_checked()
    assert _feedback(frame, ex.id)["kind"] == "correct"
    assert _section(frame, ex).locator(".everycall-attempts").inner_text() == "Attempts: 2"
    _choose_one(page, frame, ex, 0)  # still answerable, for the learner's own review
    assert _feedback(frame, ex.id)["kind"] == "incorrect"
    frame.evaluate("EveryCallScorm.leave()")
    assert [e for e in _log(page) if e[0] not in ("LMSInitialize", "Initialize")] == [[d.finish]]
    assert _records(page) == [] and _cmi(page)["suspend_data"] == saved


def test_unreadable_saved_answers_are_said_and_the_page_still_works(lms):
    page, frame = lms(V12.course, "00-start-here.html", {"suspend_data": "{not json"})
    banner = frame.locator("#everycall-scorm-banner").inner_text()
    assert "could not be read back" in banner
    ex = load_definitions()["00-stepping-away"]
    _choose_one(page, frame, ex, 1)
    assert _feedback(frame, ex.id)["kind"] == "correct"
    assert json.loads(_cmi(page)["suspend_data"])["a"][ex.id] == [1, 1, marking_data(ex)["fp"]]


def test_saved_answers_that_do_not_fit_their_question_are_left_out(lms):
    """Saved data is never trusted: a missing answer list, positions a question does not have,
    and an answer saved for an earlier version of a question are left out, and the rest
    comes back."""
    exercises = load_definitions()
    calls, escalation, who = (
        exercises[i] for i in ("01-count-the-calls", "01-escalation", "01-who-knew")
    )
    fp = {e.id: marking_data(e)["fp"] for e in (calls, escalation, who)}
    page, frame = lms(V12.course, "00-start-here.html", {"suspend_data": '{"v": 1, "a": null}'})
    assert "could not be read back" in frame.locator("#everycall-scorm-banner").inner_text()
    page.close()
    saved = {
        calls.id: ["7", 1, fp[calls.id]],  # good
        escalation.id: [99, 1, fp[escalation.id]],  # no option 99
        who.id: [[0, 1], 1, "0000000000"],  # saved for a question since changed
        "01-confidence": ["1", 1, "x"],  # a text where a position belongs
    }
    page, frame = lms(
        V12.course,
        "01-reading-a-case-timeline.html",
        {"suspend_data": json.dumps({"v": 1, "a": saved})},
    )
    assert _section(frame, calls).locator("input").input_value() == "7"
    assert _feedback(frame, calls.id)["kind"] == "incorrect"
    for ex in (escalation, who):
        assert _section(frame, ex).locator(".everycall-control input:checked").count() == 0
        assert _section(frame, ex).locator(".everycall-feedback").inner_text() == ""
    banner = frame.locator("#everycall-scorm-banner").inner_text()
    assert "Answered 1 of 5 questions" in banner
    assert f"{escalation.id}, {who.id}" in banner and "has changed since" in banner


@pytest.mark.parametrize("refused", ["result", "commit"])
def test_a_platform_that_refuses_an_answer_is_said_in_the_banner(lms, refused):
    page, frame = lms(V12.course, "00-start-here.html")
    if refused == "result":  # the platform refuses one part of the record
        page.evaluate(
            """() => { const set = window.lmsApi.LMSSetValue.bind(window.lmsApi);
            window.lmsApi.LMSSetValue = (k, v) => k.endsWith('.result') ? 'false' : set(k, v); }"""
        )
    else:  # the platform cannot save (a lost connection, an expired session)
        page.evaluate("() => { window.lmsApi.LMSCommit = () => 'false'; }")
    ex = load_definitions()["00-stepping-away"]
    _choose_one(page, frame, ex, 1)
    _feedback(frame, ex.id)
    banner = frame.locator("#everycall-scorm-banner").inner_text()
    assert "Recording problem." in banner and "Recorded." not in banner
    expected = "refused cmi.interactions.0.result" if refused == "result" else "did not save"
    assert expected in banner


def test_a_rating_chosen_with_the_mouse_is_recorded_after_a_pause(lms):
    page, frame = lms(V12.course, "00-start-here.html")
    ex = load_definitions()["00-confidence"]
    _section(frame, ex).locator(".everycall-control input").nth(3).check()
    assert _feedback(frame, ex.id)["text"].startswith("✓ Saved: Very.")
    page.wait_for_function("window.lmsApi.cmi.interactions.childArray.length === 1", timeout=5000)
    assert [(r["id"], r["student_response"]) for r in _records(page)] == [(ex.id, "4")]


def test_numbers_a_2004_platform_cannot_take_are_recorded_as_other(lms):
    """Moodle's SCORM 2004 player takes at most 5 whole digits: a bigger answer is kept as an
    "other" interaction rather than refused; ranges with fractions are written as in the data."""
    d = VERSIONS[1]
    exercises = load_definitions()
    page, frame = lms(d.course, "06-risk-and-support.html")
    big = exercises["06-idva-capacity"]  # 32,500 cases: a learner may type 325000
    _type_and_check(page, frame, big, "325000")
    assert _feedback(frame, big.id)["kind"] == "incorrect"
    record = _records(page)[-1]
    assert (record["type"], record["learner_response"], record["result"]) == (
        "other",
        "325000",
        "incorrect",
    )
    assert not record["correct_responses"]
    assert "Recorded." in frame.locator("#everycall-scorm-banner").inner_text()
    page.close()
    page2, frame2 = lms(d.course, "04-calls-and-demand.html")
    fraction = exercises["04-attempts-per-caller"]
    _type_and_check(page2, frame2, fraction, "1.12")
    assert _feedback(frame2, fraction.id)["kind"] == "correct"
    record = _records(page2)[-1]
    assert record["correct_responses"]["0"]["pattern"] == "1.11[:]1.15"
    assert (record["type"], record["learner_response"]) == ("numeric", "1.12")
    assert "Recorded." in frame2.locator("#everycall-scorm-banner").inner_text()


def test_an_answer_too_long_for_the_platform_keeps_its_start(lms):
    page, frame = lms(V12.course, "01-reading-a-case-timeline.html")
    ex = load_definitions()["01-one-piece"]
    long = "A considered reflection\non the chronology. " * 120  # about 5,000 characters
    _section(frame, ex).locator("textarea").fill(long)
    _section(frame, ex).locator(".everycall-check").click()
    _feedback(frame, ex.id)
    stored = _cmi(page)["suspend_data"]
    assert len(stored) <= 4096
    kept = json.loads(stored)["a"][ex.id][0]
    assert long.startswith(kept) and len(kept) > 3000
    record = _records(page)[-1]
    # on one line, cut at SCORM 1.2's limit for a response
    assert record["student_response"] == " ".join(long.split())[:255]
    banner = frame.locator("#everycall-scorm-banner").inner_text()
    assert f"Your answer to {ex.id} is longer than the platform can keep" in banner
    assert "Recording problem" not in banner


# -- 4. no platform, no network --------------------------------------------------------------


def test_without_a_platform_the_page_works_offline_and_says_nothing_is_recorded(browser, site):
    context = browser.new_context()
    context.set_offline(True)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    launch = site["root"] / V12.course / "04-calls-and-demand.html"
    page.goto(launch.as_uri())
    page.wait_for_function("window.EveryCallScorm !== undefined")
    banner = page.locator("#everycall-scorm-banner")
    assert "Not recorded." in banner.inner_text()
    assert "nothing is recorded" in banner.inner_text()
    ex = load_definitions()["04-staff-for-999"]
    page.locator(f'section[data-exercise="{ex.id}"] input').fill(_num(ex.answer))
    page.locator(f'section[data-exercise="{ex.id}"] .everycall-check').click()
    assert _feedback(page, ex.id)["kind"] == "correct"
    figures = page.evaluate("document.querySelectorAll('.js-plotly-plot .main-svg').length")
    assert figures > 0  # the charts draw from the page's own copy of plotly
    assert all(u.startswith("file://") or u.startswith("data:") for u in requested), requested
    context.close()


# -- 5. accessibility ---------------------------------------------------------------------


def _axe(frame) -> list[str]:
    frame.add_script_tag(path=str(axe_script()))
    found = frame.evaluate(AXE_RUN)
    return [
        f"{v['id']} ({v['impact']}): {v['nodes']}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    "launch",
    sorted(p.name for p in (Path(__file__).resolve().parents[2] / "notebooks").glob("0*.ipynb")),
)
def test_axe_finds_nothing_serious_with_feedback_on_show(lms, launch):
    name = launch.removesuffix(".ipynb")
    page, frame = lms(V12.course, f"{name}.html")
    exercises = [e for e in load_definitions().values() if e.notebook == name]
    for e in exercises:  # every question checked with nothing chosen: feedback on show
        check = _section(frame, e).locator(".everycall-check")
        if check.count():
            check.click()
            _feedback(frame, e.id)
    assert _axe(frame) == []


def test_axe_on_every_question_type_answered(lms):
    page, frame = lms(V12.demo, f"{DEMO_NAME}.html", V12.mastery(80))
    _answer_all(page, frame, {"90-dvpo-hearing"})
    _section(frame, demo_exercises()["90-dvpo-hearing"]).locator(".everycall-hint-button").click()
    assert _axe(frame) == []
    # every control has a name a screen reader says, and groups carry the question
    unnamed = frame.evaluate(
        """() => [...document.querySelectorAll(
                'section.everycall-web :is(input, textarea, button)')]
            .filter(e => !(e.labels && e.labels.length) && !e.textContent.trim()
                    && !e.getAttribute('aria-label')).map(e => e.outerHTML)"""
    )
    assert unnamed == []
    groups = frame.evaluate(
        """() => [...document.querySelectorAll('[role=radiogroup], [role=group]')].map(g =>
            g.getAttribute('aria-labelledby').split(' ').map(i => document.getElementById(i)
            .textContent.trim()).join(' '))"""
    )
    assert any(
        g.startswith("After a DVPN is served") and g.endswith("Your answer:") for g in groups
    )
