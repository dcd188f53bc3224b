"""environment.yml (conda, Binder, JupyterHub) and pyproject.toml must install the same thing."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

# conda-forge names that differ from PyPI names (PyPI name -> conda name).
CONDA_NAMES: dict[str, str] = {}
# Packages only an image spawned by a hub needs (deploy/z2jh), each with the pyproject
# extra and package it must stay in step with.
IMAGE_ONLY = {"jupyterhub-singleuser": ("hub", "jupyterhub")}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    spec = ",".join(sorted(s.strip() for s in match.group(2).split(",") if s.strip()))
    return name, spec


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pairs = (_split(r) for r in data["project"]["dependencies"])
    return {CONDA_NAMES.get(name, name): spec for name, spec in pairs}


def _environment() -> tuple[dict[str, str], list[str], str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda: dict[str, str] = {}
    pip: list[str] = []
    python = ""
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep.get("pip", []))
            continue
        name, spec = _split(dep)
        if name in IMAGE_ONLY:
            continue
        if name == "python":
            python = spec
        elif name != "pip":
            conda[name] = spec
    return conda, pip, python


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    conda, _, _ = _environment()
    wanted = _pyproject()
    missing = sorted(set(wanted) - set(conda))
    extra = sorted(set(conda) - set(wanted))
    assert not missing, f"environment.yml lacks {missing} (in pyproject.toml)"
    assert not extra, f"environment.yml has {extra}, which pyproject.toml does not"
    drift = {n: (wanted[n], conda[n]) for n in wanted if wanted[n] != conda[n]}
    assert not drift, f"version ranges differ (pyproject, environment.yml): {drift}"


def test_environment_yml_installs_this_package_and_the_same_python():
    _, pip, python = _environment()
    assert "-e ." in pip, "environment.yml must pip-install this package (-e .)"
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert python == data["project"]["requires-python"].replace(" ", "")


def test_the_images_jupyterhub_matches_the_hubs():
    from packaging.specifiers import SpecifierSet

    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = dict(_split(d) for d in env["dependencies"] if isinstance(d, str))
    for package, (extra, pypi_name) in IMAGE_ONLY.items():
        assert package in specs, f"environment.yml lacks {package}"
        pins = dict(_split(r) for r in data["project"]["optional-dependencies"][extra])
        version = pins[pypi_name].removeprefix("==")
        assert version in SpecifierSet(specs[package]), (package, specs[package], version)
