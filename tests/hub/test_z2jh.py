"""deploy/z2jh cannot run here (no Kubernetes): lint it instead.

The YAML must parse; every key must be one the pinned chart documents (its
``values.schema.yaml``, 4.x line: the paths used are listed below, each checked by hand
against that schema and the chart's configuration reference); every ``hub.config`` option
must be a configurable trait of the JupyterHub the project pins; every role scope must be
one of that JupyterHub's scopes; the inline hub configuration must compile and agree with
the one-machine hub's sign-in rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
VALUES = ROOT / "deploy" / "z2jh" / "values.yaml"
CHART = "4.4.0"

#: Key paths of the Zero to JupyterHub chart that values.yaml may use, from the chart's
#: values.schema.yaml (``properties``) and its configuration reference. A path ending in
#: "*" holds free-form content the chart passes on (JupyterHub config, k8s specs, files).
DOCUMENTED = {
    "hub.config.*",
    "hub.loadRoles.*",
    "hub.db.type",
    "hub.db.url",
    "hub.db.password",
    "hub.db.upgrade",
    "hub.templatePaths",
    "hub.extraFiles.*",
    "hub.extraConfig.*",
    "cull.enabled",
    "cull.timeout",
    "cull.every",
    "cull.users",
    "cull.maxAge",
    "singleuser.image.name",
    "singleuser.image.tag",
    "singleuser.defaultUrl",
    "singleuser.storage.type",
    "singleuser.storage.capacity",
    "singleuser.storage.homeMountPath",
    "singleuser.memory.guarantee",
    "singleuser.memory.limit",
    "singleuser.cpu.guarantee",
    "singleuser.cpu.limit",
    "singleuser.lifecycleHooks.postStart.*",
}
EXTRA_FILE_KEYS = {"mountPath", "stringData", "data", "binaryData", "mode"}


def _values() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def _paths(node: object, prefix: str = "") -> list[str]:
    if not isinstance(node, dict):
        return [prefix]
    out = []
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if any(d.endswith("*") and path.startswith(d[:-1]) for d in DOCUMENTED):
            out.append(path)
        else:
            out += _paths(value, path)
    return out


def _documented(path: str) -> bool:
    return path in DOCUMENTED or any(
        d.endswith("*") and path.startswith(d[:-1]) for d in DOCUMENTED
    )


def test_values_parse_and_use_only_documented_chart_keys():
    values = _values()
    unknown = [p for p in _paths(values) if not _documented(p)]
    assert unknown == []
    for key, spec in values["hub"]["extraFiles"].items():
        assert set(spec) <= EXTRA_FILE_KEYS, key
        assert spec["mountPath"].startswith(values["hub"]["templatePaths"][0])


def test_the_chart_version_is_pinned_in_the_file_and_the_readme():
    text = VALUES.read_text(encoding="utf-8")
    assert f"--version {CHART}" in text and f"jupyterhub/jupyterhub {CHART}" in text
    readme = (VALUES.parent / "README.md").read_text(encoding="utf-8")
    assert f"--version {CHART}" in readme


def test_hub_config_options_are_real_jupyterhub_options():
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import Authenticator
    from jupyterhub.authenticators.shared import SharedPasswordAuthenticator

    classes = {c.__name__: c for c in (JupyterHub, Authenticator, SharedPasswordAuthenticator)}
    for section, options in _values()["hub"]["config"].items():
        traits = classes[section].class_traits(config=True)
        assert set(options) <= set(traits), section


def test_the_same_sign_in_as_the_one_machine_hub_without_secrets_in_the_file():
    from toolkit.hub import USERNAME_PATTERN

    config = _values()["hub"]["config"]
    assert config["JupyterHub"]["authenticator_class"] == "shared-password"
    assert config["Authenticator"]["username_pattern"] == USERNAME_PATTERN
    shared = config["SharedPasswordAuthenticator"]
    assert shared["manage_groups"] is True
    assert "user_password" not in shared and "password_groups" not in shared
    assert "password" not in _values()["hub"]["db"]


def test_role_scopes_are_jupyterhub_scopes_and_match_the_one_machine_hub():
    from jupyterhub.scopes import scope_definitions

    role = _values()["hub"]["loadRoles"]["trainer"]
    assert role["groups"] == ["trainer"]
    assert all(s.split("!")[0] in scope_definitions for s in role["scopes"])
    config = (ROOT / "deploy" / "hub" / "jupyterhub_config.py").read_text(encoding="utf-8")
    for scope in role["scopes"]:
        assert f'"{scope}"' in config


def test_postgres_culler_storage_and_the_course_on_first_start():
    values = _values()
    assert values["hub"]["db"]["type"] == "postgres"
    assert values["hub"]["db"]["url"].startswith("postgresql+psycopg2://")
    assert values["cull"]["enabled"] is True
    assert values["singleuser"]["storage"]["type"] == "dynamic"
    config = (ROOT / "deploy" / "hub" / "jupyterhub_config.py").read_text(encoding="utf-8")
    assert f'"{values["singleuser"]["defaultUrl"]}"' in config
    command = " ".join(values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert "everycall handouts --edition" in command and "--format ipynb" in command


class _Group:
    def __init__(self, name: str) -> None:
        self.name = name


class _Fake:
    def __init__(self, **kw: object) -> None:
        self.__dict__.update(kw)


@pytest.mark.parametrize(
    ("name", "groups"),
    [
        ("sam", []),
        ("trainer", []),
        ("sam", ["trainer"]),
        ("trainer", ["trainer"]),
        ("river-bridge-41", []),
    ],
)
def test_the_inline_sign_in_rule_agrees_with_toolkit_hub(name, groups):
    from toolkit.hub import sign_in_rule

    code = _values()["hub"]["extraConfig"]["everycall.py"]
    c = _Fake(Authenticator=_Fake(), KubeSpawner=_Fake())
    namespace = {"c": c}
    exec(compile(code, "extraConfig/everycall.py", "exec"), namespace)
    authenticator = _Fake(
        user_password="river-bridge-41", password_groups={"trainer-password-9": ["trainer"]}
    )
    ours = sign_in_rule(["trainer"], ["river-bridge-41", "trainer-password-9"])
    auth = {"name": name, "groups": groups}
    assert (c.Authenticator.post_auth_hook(authenticator, None, dict(auth)) is None) == (
        ours(None, None, dict(auth)) is None
    )
    # The spawn hook names the learner and the edition.
    spawner = _Fake(user=_Fake(name=name, groups=[_Group(g) for g in groups]), environment={})
    c.KubeSpawner.pre_spawn_hook(spawner)
    assert spawner.environment["EVERYCALL_LEARNER"] == name
    edition = "trainer" if "trainer" in groups else "student"
    assert spawner.environment["EVERYCALL_EDITION"] == edition


def test_the_readme_says_it_cannot_run_here_and_gives_a_sizing_table():
    readme = (VALUES.parent / "README.md").read_text(encoding="utf-8")
    assert re.search(r"not (been )?run|cannot run", readme, re.IGNORECASE)
    assert "| node" in readme.lower() and "learners" in readme
    assert "benchmarks/hub.py" in readme
