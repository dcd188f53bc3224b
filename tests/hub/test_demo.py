"""Demo mode: a hub without accounts, which says so on every page it serves."""

from __future__ import annotations

import pwd
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
WARNING = "DEMO MODE: every learner's server runs as the same system user"


def test_demo_mode_says_so_on_the_hub_and_in_jupyterlab_and_makes_no_accounts(
    demo_hub, new_page, learner, tmp_path
):
    page = new_page()
    learner.sign_in(page, demo_hub, "dana", demo_hub.code)
    learner.wait_for_notebook(page)
    # JupyterLab: the banner is drawn over every page (custom CSS loaded from deploy/hub).
    banner = page.evaluate("getComputedStyle(document.body, '::before').content")
    assert WARNING in banner and "0808 2000 247" in banner
    page.screenshot(path=str(tmp_path / "demo-lab.png"))
    # The hub's own pages carry it as an announcement.
    stranger = new_page()
    for view, path in ((page, "/hub/home"), (page, "/hub/token"), (stranger, "/hub/login")):
        view.goto(f"{demo_hub.url}{path}")
        assert WARNING in view.locator(".announcement").first.inner_text()
    # No account was made; dana's home is a folder of the hub's user (root).
    with pytest.raises(KeyError):
        pwd.getpwnam(demo_hub.account("dana"))
    home = demo_hub.homes.parent / "state" / "demo-homes" / "dana"
    assert (home / "course" / "00-start-here.ipynb").is_file()
    assert home.stat().st_uid == 0
    # Learners' JupyterLab wrote its settings and workspaces in the demo home, never into
    # the checkout the hub runs from.
    assert (home / ".jupyter" / "custom" / "custom.css").is_file()
    tracked = subprocess.run(
        ["git", "ls-files", "deploy"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    on_disk = [p.relative_to(ROOT).as_posix() for p in (ROOT / "deploy").rglob("*") if p.is_file()]
    assert sorted(on_disk) == sorted(tracked)
