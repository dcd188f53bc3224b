"""The package's shape holds on every change (docs/ARCHITECTURE.md).

- import-linter's contracts in pyproject.toml: layers point down, rooms that must not know each
  other do not;
- mypy over ``toolkit/`` is clean;
- the rules import-linter cannot express, checked from the source here: no import cycle between
  modules, no private part importing from its own package's ``__init__``, no module reaching
  into another subpackage's parts or ``_private`` names (the public face is the package),
  and imports inside functions only where start-up speed needs them.

Each rule is also tried on a small planted package, so a rule that can no longer fail is
noticed.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: Modules that import toolkit modules inside functions on purpose: ``import toolkit`` and the
#: ``everycall`` command start fast and load a subcommand's library only when it runs.
LAZY_BY_DESIGN = {"toolkit", "toolkit.cli"}
#: The core is a shelf of small public modules (paths, text, files, ...): reached directly.
SHELF = "toolkit.core"


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]' (or make test)")
    return found


def _env(src: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(src)}


# --------------------------------------------------------------------------------------------
# import-linter and mypy


def test_import_contracts_are_kept():
    out = subprocess.run(
        [_tool("lint-imports"), "--no-cache"],
        cwd=ROOT,
        env=_env(ROOT),
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


def test_an_upward_import_breaks_the_layers_contract(tmp_path):
    """The layers contract is live: the core importing the CLI fails it."""
    shutil.copytree(
        ROOT / "toolkit",
        tmp_path / "toolkit",
        ignore=shutil.ignore_patterns("__pycache__", "vendor", "templates", "case_template"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    text = tmp_path / "toolkit" / "core" / "text.py"
    text.write_text(text.read_text() + "\nimport toolkit.cli  # planted\n")
    out = subprocess.run(
        [_tool("lint-imports"), "--no-cache", "--contract", "layers"],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0
    assert "toolkit.core.text -> toolkit.cli" in out.stdout


def test_types_check():
    out = subprocess.run([_tool("mypy")], cwd=ROOT, env=_env(ROOT), capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


# --------------------------------------------------------------------------------------------
# The rules checked from the source


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the toolkit module imported (a package means its __init__)
    names: tuple[str, ...]  # names taken from it (empty for ``import x``)
    line: int
    top: bool  # at module level (including ``if TYPE_CHECKING:``), not in a function


def modules_of(package: Path) -> dict[str, str]:
    """Module name -> source for every module under ``package`` (a folder named toolkit)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if "vendor" in parts:
            continue
        name = ".".join(parts).removesuffix(".__init__")
        out[name] = path.read_text(encoding="utf-8")
    return out


def _packages(sources: Mapping[str, str]) -> set[str]:
    names = set(sources)
    return {n for n in names if any(m.startswith(n + ".") for m in names)} | {"toolkit"}


def imports_of(sources: Mapping[str, str]) -> Iterator[Import]:
    packages = _packages(sources)
    for module, source in sources.items():
        tree = ast.parse(source)
        inside = {
            id(n)
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
            for n in ast.walk(f)
        }
        here = module if module in packages else module.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "toolkit":
                        yield Import(module, alias.name, (), node.lineno, id(node) not in inside)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                if base.split(".")[0] != "toolkit":
                    continue
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    if sub in sources:  # ``from toolkit.data import reading``: a module
                        yield Import(module, sub, (), node.lineno, id(node) not in inside)
                    else:
                        yield Import(
                            module, base, (alias.name,), node.lineno, id(node) not in inside
                        )


def cycles(sources: Mapping[str, str]) -> list[list[str]]:
    """Groups of modules that import each other at module level (Tarjan's algorithm)."""
    edges: dict[str, set[str]] = {m: set() for m in sources}
    for imp in imports_of(sources):
        if imp.top and imp.target in sources and imp.target != imp.module:
            edges[imp.module].add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(sources):
        if v not in index:
            visit(v)
    return found


def _subpackage(module: str, packages: set[str]) -> str:
    """The top-level room a module belongs to: ``toolkit.data`` for ``toolkit.data.cases``."""
    parts = module.split(".")
    return ".".join(parts[:2]) if ".".join(parts[:2]) in packages else module


def rule_breaks(sources: Mapping[str, str]) -> list[str]:
    """Every import that breaks a rule of docs/ARCHITECTURE.md, as ``module:line: why``."""
    packages = _packages(sources)
    problems = []
    for imp in imports_of(sources):
        where = f"{imp.module}:{imp.line}"
        own = imp.module.rpartition(".")[0]
        mine = _subpackage(imp.module, packages)
        theirs = _subpackage(imp.target, packages)
        if (
            imp.target in packages
            and imp.target != "toolkit"
            and imp.module != imp.target
            and imp.module.startswith(imp.target + ".")
        ):
            problems.append(f"{where}: imports from its own package's __init__ ({imp.target})")
        if mine != theirs and theirs != "toolkit":
            if imp.target != theirs and theirs != SHELF:
                problems.append(
                    f"{where}: reaches into {imp.target}; import from {theirs} (its public face)"
                )
            private = [n for n in imp.names if n.startswith("_") and not n.startswith("__")]
            if private:
                problems.append(f"{where}: imports {', '.join(private)}, private to {theirs}")
        if not imp.top and imp.module not in LAZY_BY_DESIGN and own != "":
            problems.append(
                f"{where}: imports {imp.target} inside a function (toolkit imports go at the "
                "top; only heavy libraries load late)"
            )
    return problems


def test_no_import_cycles():
    assert cycles(modules_of(ROOT / "toolkit")) == []


def test_every_import_keeps_the_rules():
    assert rule_breaks(modules_of(ROOT / "toolkit")) == []


PLANTED = {
    "toolkit": '"""Root."""\n',
    "toolkit.core": "",
    "toolkit.core.text": "def plural(n, word): return word\n",
    "toolkit.data": "from toolkit.data.cases import load_case\n",
    "toolkit.data.cases": (
        "from toolkit.data import load_case as again\n"  # own __init__
        "from toolkit.core.text import plural\n"  # the shelf: fine
        "def load_case(slug): return slug\n"
    ),
    "toolkit.timeline": "from toolkit.timeline.figures import swimlane\n",
    "toolkit.timeline.figures": (
        "from toolkit.data.cases import load_case\n"  # reaches into data's parts
        "from toolkit.data import _private\n"  # a private name
        "from toolkit.opportunities import rules\n"
        "def swimlane():\n"
        "    from toolkit.data import load_case\n"  # inside a function
        "    return load_case\n"
    ),
    "toolkit.opportunities": "",
    "toolkit.opportunities.rules": "from toolkit.timeline.figures import swimlane\n",
}


def test_the_rules_catch_what_they_are_for():
    problems = rule_breaks(PLANTED)
    assert problems == [
        "toolkit.data.cases:1: imports from its own package's __init__ (toolkit.data)",
        "toolkit.timeline.figures:1: reaches into toolkit.data.cases; import from "
        "toolkit.data (its public face)",
        "toolkit.timeline.figures:2: imports _private, private to toolkit.data",
        "toolkit.timeline.figures:3: reaches into toolkit.opportunities.rules; import from "
        "toolkit.opportunities (its public face)",
        "toolkit.timeline.figures:5: imports toolkit.data inside a function (toolkit imports go "
        "at the top; only heavy libraries load late)",
        "toolkit.opportunities.rules:1: reaches into toolkit.timeline.figures; import from "
        "toolkit.timeline (its public face)",
    ]
    assert cycles(PLANTED) == [
        ["toolkit.data", "toolkit.data.cases"],
        ["toolkit.opportunities.rules", "toolkit.timeline.figures"],
    ]
