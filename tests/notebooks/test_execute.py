"""Every notebook in the course executes headless, top to bottom, with no error output.

One test per notebook with a readable id (its path under notebooks/); each has its own time
limit so one stuck notebook cannot hang the suite. Committed notebooks must carry no outputs
and no execution counts: outputs come from execution and export.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
NOTEBOOKS = [nb for nb in NOTEBOOKS if ".ipynb_checkpoints" not in nb.parts]
IDS = [nb.relative_to(ROOT / "notebooks").as_posix() for nb in NOTEBOOKS]

PER_CELL_TIMEOUT = 300  # seconds; a cell that takes longer is a bug, not a slow machine


def test_the_course_has_notebooks():
    assert (ROOT / "notebooks" / "00-start-here.ipynb") in NOTEBOOKS


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_executes_without_errors(path: Path, tmp_path: Path):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=PER_CELL_TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
    )
    try:
        client.execute()
    except CellExecutionError as exc:  # name the failing cell, not a wall of traceback
        pytest.fail(f"{path.name}: a cell raised an error:\n{str(exc)[:3000]}")
    errors = [
        (i, out.get("ename"), out.get("evalue"))
        for i, cell in enumerate(nb.cells)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, f"{path.name}: error outputs in cells {errors}"
    stderr = [
        (i, out.get("text", "")[:300])
        for i, cell in enumerate(nb.cells)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream"
        and out.get("name") == "stderr"
        and "Traceback" in out.get("text", "")
    ]
    assert not stderr, f"{path.name}: tracebacks printed to stderr in cells {stderr}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_notebook_is_clean(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell.get("outputs") or cell.get("execution_count") is not None
    ]
    assert not dirty, f"{path.name}: clear outputs and execution counts in cells {dirty}"
    assert "widgets" not in nb.get("metadata", {}), f"{path.name}: saved widget state"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_opens_with_content_note_and_support(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = nb["cells"][0]
    text = "".join(first["source"])
    assert first["cell_type"] == "markdown", f"{path.name}: the first cell must be markdown"
    assert text.lstrip().startswith("# "), f"{path.name}: the first cell starts with a title"
    for needed in ("Content note", "0808 2000 247", "999"):
        assert needed in text, f"{path.name}: the opening cell lacks {needed!r}"
