"""The wheel carries the course data, templates and vendored scripts, so an installed toolkit
works without the repository (a JupyterHub image, a pip install from a wheel)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("everycall-*.whl")
    return built


def test_wheel_carries_data_templates_and_vendored_scripts(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    needed = [
        "toolkit/_data/datapackage.json",
        "toolkit/_data/sources.csv",
        "toolkit/_data/exercises/00-start-here.yaml",
        "toolkit/handouts/templates/everycall/index.html.j2",
        "toolkit/py.typed",
    ]
    for name in needed:
        assert name in names, f"the wheel lacks {name}"
    for case in (ROOT / "data" / "cases").iterdir():
        if case.is_dir():
            assert f"toolkit/_data/cases/{case.name}/events.csv" in names
    assert any(n.startswith("toolkit/handouts/vendor/axe-core/") for n in names)
    assert any(n.startswith("toolkit/data/case_template/") for n in names)


def test_installed_toolkit_finds_its_data_without_the_repository(wheel: Path, tmp_path: Path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import toolkit, toolkit.core.paths as p, toolkit.data as d;"
        "assert p.repo_root() is None, p.repo_root();"
        "print(p.data_dir());"
        "print(len(d.list_cases()), len(d.load_case(d.list_cases()[0]).events));"
        "from toolkit.validate import validate; print(validate().summary())"
    )
    env = dict(os.environ, PYTHONPATH=str(site))
    env.pop("EVERYCALL_DATA", None)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == str(site / "toolkit" / "_data")
    n_cases, n_events = map(int, lines[1].split())
    assert n_cases >= 3 and n_events >= 30
    assert "0 errors" in lines[2]


def test_the_wheel_enables_the_saving_guard_for_jupyter_where_it_is_installed(wheel: Path):
    """The wheel's data scheme holds the server config that loads toolkit.saving (which keeps
    trainer material out of saved notebooks): pip puts ``<name>.data/data/...`` under the
    environment's prefix, so ``pip install`` into a hub's user environment lands it in
    ``etc/jupyter``, where every Jupyter server started from that environment reads it."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(
            n
            for n in archive.namelist()
            if n.endswith(".data/data/etc/jupyter/jupyter_server_config.d/everycall.json")
        )
        config = json.loads(archive.read(name))
    assert config == {"ServerApp": {"jpserver_extensions": {"toolkit.saving": True}}}


def test_the_wheel_installs_the_voila_template_and_chooses_it_for_the_code_free_view(
    wheel: Path,
):
    """``pip install`` puts the course's Voilà template where Voilà's server extension looks
    (``share/jupyter/voila/templates/everycall``) and ``etc/jupyter/voila.json`` choosing it, so
    ``/voila/render/`` in JupyterLab or on a hub shows the course's code-free view."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        template = [n for n in names if "/data/share/jupyter/voila/templates/everycall/" in n]
        voila = next(n for n in names if n.endswith(".data/data/etc/jupyter/voila.json"))
        config = json.loads(archive.read(voila))
    leaves = {n.rsplit("/templates/everycall/", 1)[1] for n in template}
    assert {"index.html.j2", "conf.json", "static/everycall.js", "static/presenter.css"} <= leaves
    assert config == {"VoilaConfiguration": {"template": "everycall"}}
