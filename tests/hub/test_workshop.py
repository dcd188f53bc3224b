"""A workshop on a real hub, from Chromium: two learners and a trainer, as in a training room.

The tests run in file order against one hub: alice signs in and works, bob tries to reach
alice's work, someone gets the code wrong, the trainer signs in, and finally the hub's log
is searched for the code and the trainer password.
"""

from __future__ import annotations

import json
import pwd
import stat
import subprocess
from pathlib import Path

import pytest
from voila_steps import error_outputs as voila_errors
from voila_steps import wait_for_voila

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
TRAINER_TAGS = {"trainer", "trainer-only", "trainer_only", "instructor"}


def _trainer_cells(notebook: dict) -> list[str]:
    return [
        "".join(cell["source"])[:60]
        for cell in notebook["cells"]
        if TRAINER_TAGS & set(cell.get("metadata", {}).get("tags", []))
        or "trainer_note(" in "".join(cell["source"])
    ]


def _answer(page, option: str = "Step away at any time") -> None:
    question = page.locator(".everycall-exercise.everycall-single-choice").first
    question.wait_for(state="visible", timeout=60_000)
    question.get_by_text(option, exact=False).click()
    question.locator(".everycall-check button, button.everycall-check").first.click()
    question.locator(".everycall-feedback .everycall-correct").wait_for(
        state="visible", timeout=30_000
    )


def test_learner_signs_in_answers_and_finds_the_answer_after_a_server_restart(
    hub, new_page, learner
):
    page = new_page()
    learner.sign_in(page, hub, "alice", hub.code)
    learner.wait_for_notebook(page)
    assert "/user/alice/lab/tree/course/00-start-here.ipynb" in page.url

    # Her own account, her own home (mode 700), the student edition in it.
    account = pwd.getpwnam(hub.account("alice"))
    home = hub.home("alice")
    assert home.stat().st_uid == account.pw_uid
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    handed_out = json.loads((home / "course" / "00-start-here.ipynb").read_text())
    source = json.loads((ROOT / "notebooks" / "00-start-here.ipynb").read_text())
    assert _trainer_cells(source), "the course notebook has trainer cells to leave out"
    assert _trainer_cells(handed_out) == []
    assert not (home / "course" / "cohort-debrief.ipynb").exists()
    # ... and what JupyterLab shows is that file: no trainer cell on the page.
    page.wait_for_selector(".jp-Cell", timeout=60_000)
    cells = page.locator(".jp-Notebook .jp-Cell").count()
    assert cells == len(handed_out["cells"]) < len(source["cells"])
    assert page.get_by_text("trainer_note(").count() == 0

    learner.run_all(page)
    _answer(page)
    saved = home / "everycall-answers" / "alice" / "00-start-here.json"
    assert saved.is_file() and saved.stat().st_uid == account.pw_uid

    # Saving goes through the course's server extension (toolkit.saving): the file keeps
    # no widget views (they would show "Error displaying widget" when reopened), though
    # the page shows them, and no status line.
    assert page.locator(".jupyter-widgets").count() >= 1
    page.keyboard.press("Control+s")
    notebook_file = home / "course" / "00-start-here.ipynb"
    page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=30_000)
    saved_nb = json.loads(notebook_file.read_text())
    outputs = [o for c in saved_nb["cells"] for o in c.get("outputs", [])]
    assert outputs, "the notebook was saved with its outputs"
    assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert not any("status" in o.get("metadata", {}).get("everycall", {}) for o in outputs)

    # Stop her server from the hub's home page, start it again, open the notebook afresh.
    page.goto(f"{hub.url}/hub/home")
    page.click("#stop")
    page.wait_for_selector("#start", state="visible", timeout=60_000)
    page.wait_for_selector("#stop", state="hidden", timeout=60_000)
    page.click("#start")
    learner.wait_for_notebook(page)
    learner.run_all(page)
    question = page.locator(".everycall-exercise.everycall-single-choice").first
    question.wait_for(state="visible", timeout=60_000)
    label = question.locator("label:has(input[type=radio]:checked)").inner_text()
    assert "Step away at any time" in label
    assert question.locator(".everycall-correct").count() == 1

    # The start notebook links every notebook to its code-free view on her own server
    # (Voilà's server extension, with the course's template): 01 renders there, no code.
    link = page.locator(".everycall-code-free a", has_text="01 Reading a case timeline")
    href = link.get_attribute("href")
    assert href == "/user/alice/voila/render/course/01-reading-a-case-timeline.ipynb"
    page.goto(f"{hub.url}{href}", timeout=120_000)
    drawn = wait_for_voila(page)
    assert voila_errors(page) == []
    assert drawn["plots"] >= 1 and drawn["widgets"] >= 1
    assert page.locator("body.ec-learner").count() == 1
    assert page.locator(".jp-InputArea-editor").count() == 0


def test_a_second_learner_cannot_open_the_first_learners_server_or_home(hub, new_page, learner):
    page = new_page()
    learner.sign_in(page, hub, "bob", hub.code)
    learner.wait_for_notebook(page)
    assert "/user/bob/" in page.url

    # alice's server, by its address: refused, and nothing of hers on the page.
    response = page.goto(f"{hub.url}/user/alice/lab/tree/course/00-start-here.ipynb")
    assert response.status == 403
    assert "/user/bob/" not in page.url
    assert page.locator(".jp-Notebook").count() == 0
    api = page.request.get(f"{hub.url}/user/alice/api/contents/course")
    assert api.status in (403, 401) or "course" not in api.text()

    # alice's home, from bob's account: refused by the system.
    alice_file = hub.home("alice") / "course" / "00-start-here.ipynb"
    assert alice_file.is_file()
    for command in (["cat", str(alice_file)], ["ls", str(hub.home("alice"))]):
        done = subprocess.run(
            ["runuser", "-u", hub.account("bob"), "--", *command],
            capture_output=True,
            text=True,
        )
        assert done.returncode != 0
        assert "Permission denied" in done.stderr
    # bob's own course is his, in his own home.
    assert pwd.getpwuid((hub.home("bob") / "course").stat().st_uid).pw_name == hub.account("bob")


def test_a_wrong_code_is_refused_with_a_message(hub, new_page, learner):
    page = new_page()
    response = learner.sign_in(page, hub, "carol", "not-the-code-at-all")
    assert response.status == 403
    assert "/hub/login" in page.url
    message = page.locator(".everycall-login-error").inner_text()
    assert "Check the workshop code with your trainer" in message
    assert "0808 2000 247" in page.content()  # the support line is on the sign-in page too
    # A learner who types the code into the name box is refused too (and it is never logged).
    response = learner.sign_in(page, hub, hub.code, hub.code)
    assert response.status == 403
    # The workshop code does not open a trainer's name.
    response = learner.sign_in(page, hub, "trainer", hub.code)
    assert response.status == 403
    for name in ("carol", "trainer"):
        with pytest.raises(KeyError):
            pwd.getpwnam(hub.account(name))


def test_the_trainer_signs_in_gets_the_trainer_edition_and_reaches_the_admin_page(
    hub, new_page, learner
):
    page = new_page()
    learner.sign_in(page, hub, "trainer", hub.trainer_password)
    learner.wait_for_notebook(page)
    course = hub.home("trainer") / "course"
    assert (course / "cohort-debrief.ipynb").is_file()
    trainer_nb = json.loads((course / "00-start-here.ipynb").read_text())
    assert _trainer_cells(trainer_nb)

    page.goto(f"{hub.url}/hub/admin")
    page.wait_for_selector("text=alice", timeout=60_000)
    assert page.get_by_text("bob").count() >= 1

    # A learner does not reach the admin page.
    other = new_page()
    learner.sign_in(other, hub, "bob", hub.code)
    response = other.goto(f"{hub.url}/hub/admin")
    assert response.status == 403


def test_the_hub_log_holds_neither_the_code_nor_the_trainer_password(hub):
    log = hub.log_text()
    assert "Failed login" in log and "User logged in: alice" in log  # sign-ins were logged
    assert "toolkit.saving | extension was successfully loaded" in log
    assert hub.code not in log
    assert hub.trainer_password not in log
    # The idle culler runs as a hub service with its role.
    assert "idle-culler" in log and "200 GET /hub/api/users" in log
    # No learner's server inherited the secrets either.
    for name in ("alice", "bob", "trainer"):
        uid = pwd.getpwnam(hub.account(name)).pw_uid
        environs = []
        for proc in Path("/proc").iterdir():
            try:  # a process may end while we look
                if proc.name.isdigit() and proc.stat().st_uid == uid:
                    environs.append((proc / "environ").read_bytes())
            except OSError:
                continue
        assert environs, f"{name}'s server is running"
        for environ in environs:
            assert hub.code.encode() not in environ
            assert hub.trainer_password.encode() not in environ
            assert b"EVERYCALL_LEARNER=" + name.encode() in environ


def test_an_nbgitpuller_link_hands_out_the_course_from_a_repository(hub, new_page, learner):
    from toolkit.hub import nbgitpuller_link

    # A repository of the student notebooks that bob's account can clone (file://; a real
    # workshop uses https). Owned by bob: git refuses repositories of other users.
    repo = hub.homes.parent / "student-notebooks"
    repo.mkdir()
    for nb in (hub.homes.parent / "state" / "course" / "student").glob("*.ipynb"):
        (repo / nb.name).write_bytes(nb.read_bytes())
    git = ["git", "-c", "user.name=Trainer", "-c", "user.email=trainer@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "add", "."], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-q", "-m", "student edition"], check=True)
    subprocess.run(["chown", "-R", hub.account("bob"), str(repo)], check=True)

    link = nbgitpuller_link(hub.url, f"file://{repo}")
    page = new_page()
    learner.sign_in(page, hub, "bob", hub.code)
    page.goto(link)
    page.wait_for_url("**/lab/tree/student-notebooks/00-start-here.ipynb*", timeout=120_000)
    page.wait_for_selector(".jp-Notebook", timeout=120_000)
    pulled = hub.home("bob") / "student-notebooks" / "00-start-here.ipynb"
    assert pulled.is_file() and pulled.stat().st_uid == pwd.getpwnam(hub.account("bob")).pw_uid
