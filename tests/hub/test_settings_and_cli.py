"""The hub's settings, its configuration file and ``everycall hub``: no hub started here.

These run anywhere (no root needed): they check what a trainer types and what JupyterHub
would read, with the JupyterHub the project pins.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from toolkit.cli import main
from toolkit.hub import USERNAME_PATTERN, HubSettings, nbgitpuller_link

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "hub" / "jupyterhub_config.py"


def test_settings_come_from_the_environment_and_go_back_unchanged():
    env = {
        "PORT": "8123",
        "WORKSHOP_CODE": "river-bridge-41",
        "TRAINER_PASSWORD": "a-trainer-password",
        "EVERYCALL_HUB_TRAINERS": "Trainer, lead",
        "EVERYCALL_HUB_ACCOUNT_PREFIX": "ws-",
        "EVERYCALL_HUB_STATE": "/srv/hub-state",
        "EVERYCALL_HUB_IDLE_MINUTES": "45",
    }
    s = HubSettings.from_environment(env)
    assert (s.port, s.trainers, s.account("sam"), s.idle_minutes) == (
        8123,
        ("trainer", "lead"),
        "ws-sam",
        45,
    )
    assert HubSettings.from_environment(s.environment()) == s


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "99999"}, 'PORT="99999" is not a port number'),
        ({"EVERYCALL_HUB_MODE": "party"}, 'EVERYCALL_HUB_MODE="party" is not a mode'),
        ({"EVERYCALL_HUB_ACCOUNT_PREFIX": "Root"}, "cannot start account names"),
        ({"EVERYCALL_HUB_TRAINERS": "Trainer Sam"}, '"trainer sam" is not a name'),
        ({"EVERYCALL_HUB_IDLE_MINUTES": "soon"}, "is not a whole number of minutes"),
        ({"EVERYCALL_HUB_STATE": "state"}, "must be an absolute path"),
    ],
)
def test_bad_settings_are_refused_naming_the_variable(env, message):
    from toolkit.errors import ToolkitError

    with pytest.raises(ToolkitError, match=message):
        HubSettings.from_environment(env)


def test_secrets_are_checked_without_being_repeated():
    from toolkit.errors import ToolkitError

    same = HubSettings(workshop_code="harbour-street", trainer_password="harbour-street")
    with pytest.raises(ToolkitError) as err:
        same.check_secrets()
    assert "harbour-street" not in str(err.value)
    assert "same as WORKSHOP_CODE" in str(err.value)


def test_made_up_secrets_are_kept_for_a_restart_and_readable_by_root_only(tmp_path):
    first = HubSettings(state=tmp_path / "state").with_secrets()
    assert set(first.generated) == {"workshop_code", "trainer_password"}
    again = HubSettings(state=tmp_path / "state").with_secrets()
    assert (again.workshop_code, again.trainer_password, again.generated) == (
        first.workshop_code,
        first.trainer_password,
        (),
    )
    assert (tmp_path / "state" / "secrets.json").stat().st_mode & 0o077 == 0
    # A code given for today wins, and is not written down.
    given = HubSettings(state=tmp_path / "state", workshop_code="given-code-99").with_secrets()
    assert given.workshop_code == "given-code-99"
    kept = json.loads((tmp_path / "state" / "secrets.json").read_text())
    assert kept["workshop_code"] == first.workshop_code


@pytest.mark.parametrize("name", ["sam", "sam-k", "jo2"])
def test_names_learners_type_are_accepted(name):
    import re

    assert re.match(USERNAME_PATTERN, name)


@pytest.mark.parametrize("name", ["s", "../etc", "sam smith", "9lives", "x" * 21, "root;"])
def test_unsafe_names_are_not(name):
    import re

    assert not re.match(USERNAME_PATTERN, name)


def test_the_nbgitpuller_link_is_what_nbgitpuller_reads():
    link = nbgitpuller_link(
        "https://hub.example.org/jupyter/",
        "https://git.example.org/course/everycall-student.git",
        branch="workshop",
        path="student",
    )
    parts = urlsplit(link)
    assert parts.path == "/jupyter/hub/user-redirect/git-pull"
    query = parse_qs(parts.query)
    assert query == {
        "repo": ["https://git.example.org/course/everycall-student.git"],
        "branch": ["workshop"],
        "urlpath": ["lab/tree/everycall-student/student/00-start-here.ipynb"],
    }
    # nbgitpuller's own handler reads these names (it is installed with the hub).
    from importlib.util import find_spec

    source = Path(find_spec("nbgitpuller.handlers").origin).read_text(encoding="utf-8")
    for name in ("repo", "branch", "urlpath"):
        assert f"'{name}'" in source or f'"{name}"' in source


def test_everycall_hub_link_prints_the_link(capsys):
    status = main(["hub", "link", "--hub", "https://hub.example.org", "--repo", "git@host:x/y.git"])
    assert status == 0
    assert capsys.readouterr().out.startswith(
        "https://hub.example.org/hub/user-redirect/git-pull?repo=git%40host%3Ax%2Fy.git"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["hub", "link", "--hub", "hub.example.org", "--repo", "https://g/x.git"], "--hub"),
        (["hub", "link", "--hub", "https://h.org", "--repo", "not a repo"], "--repo"),
    ],
)
def test_everycall_hub_link_bad_input_is_one_message_and_status_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"everycall hub: {message} ") and "Traceback" not in err


def test_everycall_hub_bad_port_is_one_message_and_status_2(monkeypatch, capsys):
    monkeypatch.setenv("PORT", "eighty")
    assert main(["hub"]) == 2
    assert capsys.readouterr().err.strip() == (
        'everycall hub: PORT="eighty" is not a port number (expected a whole number from 1 '
        "to 65535, for example PORT=8000)"
    )


def test_everycall_hub_as_a_user_says_it_needs_root(monkeypatch, capsys):
    import toolkit.hub.run

    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.setattr(toolkit.hub.run.os, "geteuid", lambda: 1000)
    assert main(["hub"]) == 2
    err = capsys.readouterr().err
    assert "a workshop hub runs as root" in err and "DEMO=1 make hub" in err


def test_the_configuration_file_sets_only_real_jupyterhub_options(tmp_path):
    """Load deploy/hub/jupyterhub_config.py as JupyterHub would, in a child process, and
    check every option it sets against the pinned JupyterHub's configurable traits (a typo
    would only be a warning in the hub's log)."""
    script = r"""
import json, sys
from traitlets.config.loader import PyFileConfigLoader
from jupyterhub.app import JupyterHub
from jupyterhub.auth import Authenticator
from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
from jupyterhub.proxy import ConfigurableHTTPProxy
from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner, Spawner
from toolkit.hub.spawner import LearnerSpawner
classes = {c.__name__: c for c in (JupyterHub, Authenticator, SharedPasswordAuthenticator,
           ConfigurableHTTPProxy, Spawner, LocalProcessSpawner, SimpleLocalProcessSpawner,
           LearnerSpawner)}
config = PyFileConfigLoader(sys.argv[1]).load_config()
unknown = []
for section, values in config.items():
    traits = classes[section].class_traits(config=True) if section in classes else {}
    unknown += [f"{section}.{k}" for k in values if k not in traits]
print(json.dumps({"unknown": unknown, "sections": sorted(config),
                  "authenticator": config.JupyterHub.authenticator_class,
                  "spawner": config.JupyterHub.spawner_class}))
"""
    env = dict(os.environ)
    env.update(
        HubSettings(
            workshop_code="harbour-river-41",
            trainer_password="trainer-password-1",
            state=tmp_path,
            proxy=Path("/bin/true"),
            hub_port=8081,
            proxy_api_port=8001,
        ).environment()
    )
    for mode, spawner in (("workshop", "toolkit.hub.spawner.LearnerSpawner"), ("demo", "simple")):
        env["EVERYCALL_HUB_MODE"] = mode
        done = subprocess.run(
            [sys.executable, "-c", script, str(CONFIG)], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-2000:]
        found = json.loads(done.stdout)
        assert found["unknown"] == []
        assert found["authenticator"] == "shared-password"
        assert found["spawner"] == spawner


def test_the_hubs_python_files_follow_the_house_style():
    ruff = Path(sys.executable).parent / "ruff"
    if not ruff.exists():
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    for mode in (["check"], ["format", "--check"]):
        done = subprocess.run(
            [str(ruff), *mode, "deploy"], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout[-2000:]
