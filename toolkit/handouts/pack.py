"""The handout pack on disk: writing files, the manifest, the zip, clearing a previous pack.

:func:`toolkit.handouts.build` calls these once per build: :func:`_clear_previous` before anything
is written, :func:`_write` for every file, then :func:`_manifest` and :func:`_zip` at the end. None
of it runs a kernel or a browser: it is the pack's file format (``manifest.json`` and
``everycall-handouts.zip``, both byte-for-byte reproducible) and the rule that a folder another tool
wrote is never emptied.
"""

from __future__ import annotations

import json
import os
import re
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from toolkit import __version__
from toolkit.errors import ExportError
from toolkit.exercises import Edition

ZIP_NAME = "everycall-handouts.zip"


@dataclass(frozen=True)
class HandoutFile:
    """One file in the pack; ``file`` is relative to the pack folder."""

    file: str
    notebook: str
    edition: Edition
    format: str
    sha256: str
    bytes: int


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


_OURS = re.compile(r"everycall(?: |$)")
_KEEP_CLEAR = "choose an empty folder for --out, or remove the manifest if its files may go"


def _previous_files(manifest: Path) -> list[str]:
    """The files an earlier everycall pack listed in ``manifest``, each checked to lie inside
    the pack folder; ``ExportError`` (before anything is removed) for a manifest another tool
    wrote, one that cannot be read, or an entry outside the folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "manifest.json").write_text(
    ...     '{"generator": "everycall 0.1.0", "files": [{"file": "student/a.html"}]}')
    >>> _previous_files(folder / "manifest.json")
    ['student/a.html']
    >>> _ = (folder / "manifest.json").write_text('{"generator": "mkdocs", "files": []}')
    >>> _previous_files(folder / "manifest.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.errors.ExportError: .../manifest.json: this folder holds a manifest that everycall \
did not write (expected "generator": "everycall ..."); choose an empty folder for --out, ...
    """
    try:
        body = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportError(
            f"{manifest}: cannot be read as an everycall manifest ({exc}); {_KEEP_CLEAR}"
        ) from None
    generator = body.get("generator") if isinstance(body, dict) else None
    if not isinstance(generator, str) or not _OURS.match(generator):
        raise ExportError(
            f"{manifest}: this folder holds a manifest that everycall did not write "
            f'(expected "generator": "everycall ..."); {_KEEP_CLEAR}'
        )
    entries = body.get("files")
    listed: list[str] = []
    for number, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
        rel = entry.get("file") if isinstance(entry, dict) else None
        path = PurePosixPath(rel) if isinstance(rel, str) else None
        if (
            path is None
            or not isinstance(rel, str)
            or not rel.strip()
            or path.is_absolute()
            or PureWindowsPath(rel).drive
            or ".." in path.parts
            or "\\" in rel
        ):
            shown = rel if isinstance(rel, str) else json.dumps(entry)[:80]
            raise ExportError(
                f'{manifest}, file {number}: "{shown}" is not inside the pack folder (expected a '
                'path such as "student/01-reading-a-case-timeline.html"); nothing was removed'
            )
        listed.append(rel)
    return listed


def _clear_previous(out: Path) -> None:
    """Remove the files a previous everycall pack listed, so the pack holds exactly this
    build; a manifest another tool wrote, or one naming a file outside ``out``, stops the
    build before anything is removed or written (see :func:`_previous_files`)."""
    manifest = out / "manifest.json"
    if not manifest.is_file():
        return
    listed = _previous_files(manifest)
    base = out.resolve()
    for rel in [*listed, "index.html", "manifest.json", ZIP_NAME]:
        target = (out / rel).resolve()
        if target.is_relative_to(base) and target.is_file():  # a symlink may point away
            target.unlink()


def _manifest(files: list[HandoutFile], epoch: int | None) -> bytes:

    body = {
        "course": "Every Call",
        "generator": f"everycall {__version__}",
        "source_date_epoch": epoch,
        "files": [vars(f) for f in sorted(files, key=lambda f: f.file)],
    }
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _zip(out: Path, names: Iterable[str], epoch: int | None) -> Path:
    """A zip of the pack with sorted entries and fixed times (reproducible)."""
    stamp = time.gmtime(max(epoch if epoch is not None else 315532800, 315532800))
    date_time = stamp[:6]
    target = out / ZIP_NAME
    tmp = target.with_name(target.name + ".part")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name in sorted(set(names)):
            info = zipfile.ZipInfo(f"everycall-handouts/{name}", date_time=date_time)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (out / name).read_bytes(), compresslevel=1)
    os.replace(tmp, target)
    return target
