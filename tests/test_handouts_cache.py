"""The handout build cache, as a course builder meets it: rebuilding after changing one
notebook, or nothing, and what happens when the cache or the output folder is not usable.

Two small notebooks of our own (no toolkit imports, so each build takes seconds), built as
HTML with Chromium's checks; one test also prints PDFs, since their bytes must match too.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import pytest

from toolkit.errors import ExportError


def _notebook(path: Path, title: str, said: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            f"# {title}\n\n**Content note:** this handout is a test. Support: National "
            "Domestic Abuse Helpline 0808 2000 247; 999 in an emergency."
        ),
        nbformat.v4.new_code_cell(f"print({said!r})"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def two(tmp_path: Path, chromium_path: Path) -> list[Path]:
    """Two notebooks to build (the builds need Chromium: ``chromium_path`` skips without it,
    or fails under CI=true)."""
    return [
        _notebook(tmp_path / "src" / "week-one.ipynb", "Week one", "Calls answered: 41"),
        _notebook(tmp_path / "src" / "week-two.ipynb", "Week two", "Calls answered: 57"),
    ]


def _build(notebooks: list[Path], out: Path, **kwargs):
    from toolkit.handouts import build

    kwargs.setdefault("fmt", "html")
    result = build(notebooks, out=out, progress=False, **kwargs)
    assert result.ok, result.summary()
    return result


def _pack_bytes(out: Path) -> dict[str, bytes]:
    """Every file of the pack (the cache folder is not part of it)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and ".cache" not in p.relative_to(out).parts
    }


def _cached(result) -> dict[str, bool]:
    return {r.name: r.cached for r in result.notebooks}


@pytest.mark.slow
def test_a_rebuild_with_nothing_changed_executes_nothing_and_gives_the_same_bytes(
    two: list[Path], tmp_path: Path
):
    out = tmp_path / "pack"
    first = _build(two, out, fmt="both")
    assert _cached(first) == {"week-one": False, "week-two": False}
    cold = _pack_bytes(out)
    assert "student/week-one.pdf" in cold

    again = _build(two, out, fmt="both")

    assert _cached(again) == {"week-one": True, "week-two": True}
    assert all(r.execute_seconds == 0 for r in again.notebooks)
    assert _pack_bytes(out) == cold
    # and a cold build of the same inputs, with the cache turned off, gives the same bytes
    fresh = tmp_path / "fresh"
    assert _cached(_build(two, fresh, fmt="both", cache=False)) == {
        "week-one": False,
        "week-two": False,
    }
    assert _pack_bytes(fresh) == cold
    assert not (fresh / ".cache").exists()  # --no-cache leaves no cache behind either


@pytest.mark.slow
def test_changing_one_notebook_rebuilds_only_that_one(two: list[Path], tmp_path: Path):
    out = tmp_path / "pack"
    _build(two, out)
    _notebook(two[1], "Week two", "Calls answered: 58")

    result = _build(two, out)

    assert _cached(result) == {"week-one": True, "week-two": False}
    page = (out / "student" / "week-two.html").read_text(encoding="utf-8")
    assert "Calls answered: 58" in page and "Calls answered: 57" not in page
    manifest = json.loads((out / "manifest.json").read_text())
    listed = {f["file"]: f["sha256"] for f in manifest["files"]}
    data = (out / "student" / "week-two.html").read_bytes()
    assert listed["student/week-two.html"] == hashlib.sha256(data).hexdigest()


@pytest.mark.slow
def test_a_changed_edition_setting_is_a_different_build(two: list[Path], tmp_path: Path):
    out = tmp_path / "pack"
    _build(two, out, edition="student")
    result = _build(two, out)  # both editions: the trainer edition was never built
    assert _cached(result) == {"week-one": False, "week-two": False}
    assert (out / "trainer" / "week-one.html").is_file()
    assert _cached(_build(two, out, edition="student")) == {"week-one": True, "week-two": True}


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["file", "entry", "not-a-record"])
def test_a_damaged_cache_entry_is_rebuilt_not_trusted(two: list[Path], tmp_path: Path, damage: str):
    out = tmp_path / "pack"
    _build(two, out)
    cold = _pack_bytes(out)
    (entry,) = (out / ".cache" / "week-one").iterdir()
    if damage == "file":  # a handout in the cache no longer matches its checksum
        cached = entry / "files" / "student" / "week-one.html"
        cached.write_text(cached.read_text().replace("Calls answered: 41", "Calls answered: 14"))
    elif damage == "entry":  # the entry's record was cut short (a full disk, a killed build)
        record = entry / "entry.json"
        record.write_bytes(record.read_bytes()[:40])
    else:  # valid JSON, but not a record of ours
        (entry / "entry.json").write_text("[1, 2, 3]")

    result = _build(two, out)

    assert _cached(result) == {"week-one": False, "week-two": True}
    assert _pack_bytes(out) == cold
    assert "Calls answered: 41" in (out / "student" / "week-one.html").read_text()
    assert _cached(_build(two, out)) == {"week-one": True, "week-two": True}


def test_changed_data_or_settings_change_every_key(tmp_path: Path):
    from toolkit.handouts.cache import cache_key, folder_hash, shared_inputs

    data = tmp_path / "data"
    (data / "cases").mkdir(parents=True)
    (data / "cases" / "events.csv").write_text("event_id,date\nE01,2018-01-02\n")
    before = shared_inputs(data, settings={"formats": ["html"]})
    (data / "cases" / "events.csv").write_text("event_id,date\nE01,2018-01-03\n")
    after = shared_inputs(data, settings={"formats": ["html"]})
    notebook = {"notebook": "same"}
    assert cache_key(notebook, before) != cache_key(notebook, after)
    assert before["toolkit"] == after["toolkit"] and before["toolkit"].count(":") == 1
    assert before["packages"] and before["chromium"]
    assert folder_hash(data) == after["data"]
    other = shared_inputs(data, settings={"formats": ["html", "pdf"]})
    assert cache_key(notebook, other) != cache_key(notebook, after)


@pytest.mark.parametrize(
    "where",
    [
        "under-a-file",
        "in-proc",  # a folder that cannot be made, even by root
    ],
)
def test_an_output_folder_that_cannot_be_written_is_one_message_with_status_2(
    tmp_path: Path, capsys, where: str
):
    from toolkit.cli import main

    nb = _notebook(tmp_path / "src" / "week-one.ipynb", "Week one", "x")
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / "a-file" / "handouts" if where == "under-a-file" else Path("/proc/ec/out")
    status = main(["handouts", str(nb), "--format", "html", "--out", str(out)])
    captured = capsys.readouterr()
    said = captured.err + captured.out
    assert status == 2
    assert f"{out}: the handouts cannot be written here" in said
    assert "--out" in said
    assert "Traceback" not in said
    assert said.strip().count("\n") == 0  # one message


def test_a_cache_folder_that_cannot_be_written_is_one_message_with_status_2(tmp_path: Path, capsys):
    from toolkit.cli import main

    nb = _notebook(tmp_path / "src" / "week-one.ipynb", "Week one", "x")
    (tmp_path / "a-file").write_text("not a folder")
    cache = tmp_path / "a-file" / "cache"
    out = tmp_path / "pack"
    status = main(["handouts", str(nb), "--out", str(out), "--cache-dir", str(cache)])
    captured = capsys.readouterr()
    said = captured.err + captured.out
    assert status == 2
    assert f"{cache}: the build cache cannot be written here" in said
    assert "--no-cache" in said and "Traceback" not in said
    assert not (out / "student").exists()  # nothing was built or half-written


def test_the_build_function_refuses_an_unwritable_folder_before_writing(tmp_path: Path):
    from toolkit.handouts import build

    nb = _notebook(tmp_path / "src" / "week-one.ipynb", "Week one", "x")
    with pytest.raises(ExportError, match="cannot be written here"):
        build([nb], out=Path("/proc/ec/out"), progress=False)


def test_a_file_in_a_subfolder_beside_the_notebook_is_part_of_its_key(tmp_path: Path):
    from toolkit.handouts.cache import notebook_inputs

    nb = _notebook(tmp_path / "src" / "week-one.ipynb", "Week one", "x")
    (tmp_path / "src" / "helpers").mkdir()
    helper = tmp_path / "src" / "helpers" / "figures.py"
    helper.write_text("SIZE = 10\n")
    out = tmp_path / "src" / "build"  # a pack built inside the notebooks' folder
    (out / "student").mkdir(parents=True)
    (out / "student" / "week-one.html").write_text("built")
    before = notebook_inputs(nb, "week-one", ["student"], skip=[out])
    (out / "student" / "week-one.html").write_text("built again")
    assert notebook_inputs(nb, "week-one", ["student"], skip=[out]) == before
    helper.write_text("SIZE = 12\n")
    assert notebook_inputs(nb, "week-one", ["student"], skip=[out]) != before
