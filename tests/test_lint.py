"""House style holds on every change: ruff's lint and format checks over code and notebooks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed (pip install -e '.[test]')")
@pytest.mark.parametrize("mode", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(mode: list[str]):
    out = subprocess.run(
        [RUFF, *mode, "toolkit", "tests", "benchmarks", "notebooks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-1000:]


NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_learner_cells_stay_plain(nb: Path):
    """No formatter escapes and no one-letter aliases in the code learners read."""
    import json
    import re

    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    for number, cell in enumerate(cells, 1):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        assert "fmt: skip" not in source and "fmt: off" not in source, f"cell {number}"
        alias = re.search(r"^\s*(?:from \S+ )?import \S+ as (\w)\b", source, re.MULTILINE)
        assert alias is None, f"cell {number}: one-letter alias {alias.group(0).strip()!r}"
