"""SCORM 1.2 packages of the course, for a learning platform (Moodle and platforms like it).

``everycall handouts --format scorm`` and ``make scorm`` call :func:`build_scorm`. It builds the
student edition's HTML handouts with :func:`toolkit.handouts.build` (so a package holds exactly
what the student handout holds, after the same leak and offline checks, and a rebuild reuses
the handout cache), then makes each one a SCORM launch page (:func:`launch_page`):

* each printed question becomes a form the page marks itself
  (:func:`toolkit.exercises.web.form_html`), with the marking data of
  :func:`toolkit.exercises.web.marking_data` in a JSON script element;
* ``everycall-scorm.js`` (beside this file) marks answers with the same feedback as the
  JupyterLab widget and reports them through the SCORM 1.2 run-time API: ``LMSInitialize``,
  one ``cmi.interactions`` record per check, ``cmi.core.score.raw/min/max`` (per cent of the
  marked questions right), ``cmi.core.lesson_status``, ``cmi.suspend_data`` (the answers, for
  coming back), ``LMSCommit`` after each answer and ``LMSFinish`` on leaving;
* a banner under the content note says whether answers are being recorded.

Then it writes one package per notebook and one for the course (every notebook an item of one
organisation, in course order), each a zip with ``imsmanifest.xml`` at its root
(:func:`manifest_xml`), the SCORM 1.2 schema files it names, and nothing fetched from elsewhere.
Every file of a package is scanned for trainer notes, model answers and reviewer annotations
(:func:`package_secrets`) and for requests to other hosts; a package that fails is not written.

Zips are reproducible: sorted entries, fixed times (``SOURCE_DATE_EPOCH`` if set).
"""

from __future__ import annotations

import html
import json
import os
import re
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from toolkit.errors import ExportError, Problem
from toolkit.exercises import Exercise, form_html, load_definitions, marking_data, page_secrets
from toolkit.handouts.course_pack import build
from toolkit.handouts.plan import BuildResult, _epoch
from toolkit.handouts.scans import leak_scan, needles, offline_scan, trainer_texts

HERE = Path(__file__).parent
XSD_DIR = HERE.parent / "vendor" / "scorm12"
XSD_DIR_2004 = HERE.parent / "vendor" / "scorm2004"
#: The schema files a SCORM 1.2 package carries at its root (ADL's conformance rule).
SCHEMAS = ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd")
#: And a SCORM 2004 4th edition package: ADL's schema set for that edition.
SCHEMAS_2004 = tuple(sorted(p.name for p in XSD_DIR_2004.glob("*") if p.suffix in (".xsd", ".dtd")))
RUNTIME = ("everycall-scorm.js", "everycall-scorm.css")
#: ``--scorm-version`` values: 1.2, and 2004 (its 4th edition, the last ADL published).
VERSIONS = ("1.2", "2004")
#: Each version's part of a package's file name.
SUFFIX = {"1.2": "scorm12", "2004": "scorm2004"}
DEFAULT_OUT = Path("build/scorm")
COURSE_TITLE = "Every Call: police responses to domestic abuse"

_PRINTED = re.compile(
    r'<div class="ec-exercise">\s*<section\b[^>]*\bclass="everycall-printed everycall-printed-'
    r'student[^"]*"[^>]*\bdata-exercise="([^"]+)"[^>]*>.*?</section>\s*</div>',
    re.DOTALL,
)
_PLOTLY = re.compile(r"<script>\s*/\*\*\s*\* plotly\.js.*?</script>", re.DOTALL)


@dataclass
class ScormResult:
    """The outcome of :func:`build_scorm`; ``ok`` is what the exit status reports."""

    out: Path
    handouts: BuildResult | None = None
    packages: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        handouts_ok = self.handouts is None or self.handouts.ok
        return handouts_ok and not any(p.level == "error" for p in self.problems)


def package_secrets() -> list[str]:
    """What no file of a package may hold: every exercise's trainer note and free-text model
    answer, every trainer note of the notebooks and every reviewer annotation.

    Unlike a printed student handout, a package may hold the feedback and the right answers:
    the page needs them to mark (see :mod:`toolkit.exercises.web`).
    """
    secrets = [t for ex in load_definitions().values() for t in page_secrets(ex)]
    return secrets + trainer_texts()


def _json_script(data: object) -> str:
    # "<", ">" and "&" as \\u escapes: no text from a course file can close the script element
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="everycall-exercises">{text}</script>'


BANNER = (
    '<div id="everycall-scorm-banner" class="everycall-scorm-banner" role="note" '
    'aria-label="Recording of your answers"><p><strong>Not recorded.</strong> This copy '
    "needs JavaScript to check answers and to record them on a learning platform.</p></div>"
)


def launch_page(
    document: str, exercises: dict[str, Exercise], *, file: str, version: str = "1.2"
) -> str:
    """The student handout ``document`` as a SCORM launch page.

    ``version`` tells the page's script which run-time API to look for (SCORM 1.2's ``API``
    or SCORM 2004's ``API_1484_11``), since a platform may offer both.

    Raises ``ExportError`` naming ``file`` for a printed question whose definition is missing.
    """
    found: dict[str, Exercise] = {}

    def swap(match: re.Match[str]) -> str:
        exercise_id = html.unescape(match.group(1))
        ex = exercises.get(exercise_id)
        if ex is None:
            raise ExportError(
                f'{file}: the question "{exercise_id}" has no definition in data/exercises/'
            )
        found[exercise_id] = ex
        return f'<div class="ec-exercise">{form_html(ex)}</div>'

    page = _PRINTED.sub(swap, document)
    left = len(re.findall(r'<section\b[^>]*class="everycall-printed\b', page))
    if left:
        raise ExportError(f"{file}: {left} printed question(s) could not be made answerable")
    data = {i: marking_data(ex) for i, ex in found.items()}
    head = (
        '<link rel="stylesheet" href="everycall-scorm.css">'
        f'<meta name="everycall-package" content="scorm-{version}">'
    )
    page = page.replace("</head>", head + "</head>", 1)
    page = page.replace("</header>", "</header>" + BANNER, 1)
    tail = _json_script(data) + '<script src="everycall-scorm.js"></script>'
    page = page.replace("</body>", tail + "</body>", 1)
    return page


def _ident(prefix: str, name: str) -> str:
    """An XML ``ID`` (a letter first, then letters, digits, ``-``, ``_`` and ``.``)."""
    return prefix + "-" + re.sub(r"[^A-Za-z0-9_.-]", "-", name)


@dataclass(frozen=True)
class Item:
    """One notebook in a package: ``name`` (the file stem), its title and its launch page."""

    name: str
    title: str

    @property
    def href(self) -> str:
        return f"{self.name}.html"


def _resources(items: Sequence[Item], scorm_type: str, schemas: Sequence[str]) -> list[str]:
    """The end of a manifest: a SCO resource per item, and the shared files as one asset.

    ``scorm_type`` is the attribute's name, spelt ``scormtype`` in SCORM 1.2 and
    ``scormType`` in SCORM 2004."""
    lines = ["    </organization>", "  </organizations>", "  <resources>"]
    for item in items:
        lines += [
            f"    <resource identifier={quoteattr(_ident('sco', item.name))} "
            f'type="webcontent" adlcp:{scorm_type}="sco" href={quoteattr(item.href)}>',
            f"      <file href={quoteattr(item.href)}/>",
            '      <dependency identifierref="shared-files"/>',
            "    </resource>",
        ]
    lines.append(
        f'    <resource identifier="shared-files" type="webcontent" adlcp:{scorm_type}="asset">'
    )
    lines += [f"      <file href={quoteattr(name)}/>" for name in (*RUNTIME, *schemas)]
    return [*lines, "    </resource>", "  </resources>", "</manifest>", ""]


def manifest_xml(
    identifier: str, title: str, items: Sequence[Item], *, mastery_score: int | None = None
) -> str:
    """``imsmanifest.xml`` for a SCORM 1.2 package of ``items`` (one SCO each, in order).

    Every file of the package is listed: each launch page in its SCO's resource, and the
    script, style sheet and schema files in one shared asset the SCOs depend on.

    Examples
    --------
    >>> xml = manifest_xml("everycall-00", "Start", [Item("00-start-here", "Start here")],
    ...                    mastery_score=80)
    >>> "<adlcp:masteryscore>80</adlcp:masteryscore>" in xml, 'href="00-start-here.html"' in xml
    (True, True)
    """
    mastery = (
        f"<adlcp:masteryscore>{mastery_score}</adlcp:masteryscore>"
        if mastery_score is not None
        else ""
    )
    org = _ident("org", identifier)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<manifest identifier={quoteattr(_ident('manifest', identifier))} "
        'version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
        'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 '
        "imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 "
        'imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">',
        "  <metadata>",
        "    <schema>ADL SCORM</schema>",
        "    <schemaversion>1.2</schemaversion>",
        "  </metadata>",
        f"  <organizations default={quoteattr(org)}>",
        f"    <organization identifier={quoteattr(org)}>",
        f"      <title>{xml_escape(title)}</title>",
    ]
    for item in items:
        lines += [
            f"      <item identifier={quoteattr(_ident('item', item.name))} "
            f'identifierref={quoteattr(_ident("sco", item.name))} isvisible="true">',
            f"        <title>{xml_escape(item.title)}</title>",
        ]
        if mastery:
            lines.append(f"        {mastery}")
        lines.append("      </item>")
    return "\n".join(lines + _resources(items, "scormtype", SCHEMAS))


def manifest_xml_2004(
    identifier: str, title: str, items: Sequence[Item], *, mastery_score: int | None = None
) -> str:
    """``imsmanifest.xml`` for a SCORM 2004 4th edition package of ``items``.

    The mastery score becomes each item's primary objective, satisfied by a measure of at
    least ``mastery_score / 100`` (the platform hands it to the page as
    ``cmi.scaled_passing_score``).

    Examples
    --------
    >>> xml = manifest_xml_2004("everycall-00", "Start", [Item("00-start-here", "Start here")],
    ...                         mastery_score=80)
    >>> "<imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>" in xml
    True
    """
    org = _ident("org", identifier)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<manifest identifier={quoteattr(_ident("manifest", identifier))} version="1" '
        'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
        'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" '
        'xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" '
        'xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3" '
        'xmlns:imsss="http://www.imsglobal.org/xsd/imsss" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd '
        "http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd "
        "http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd "
        "http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd "
        'http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd">',
        "  <metadata>",
        "    <schema>ADL SCORM</schema>",
        "    <schemaversion>2004 4th Edition</schemaversion>",
        "  </metadata>",
        f"  <organizations default={quoteattr(org)}>",
        f"    <organization identifier={quoteattr(org)}>",
        f"      <title>{xml_escape(title)}</title>",
    ]
    for item in items:
        lines += [
            f"      <item identifier={quoteattr(_ident('item', item.name))} "
            f'identifierref={quoteattr(_ident("sco", item.name))} isvisible="true">',
            f"        <title>{xml_escape(item.title)}</title>",
        ]
        if mastery_score is not None:
            measure = f"{mastery_score / 100:g}"
            lines += [
                "        <imsss:sequencing>",
                "          <imsss:objectives>",
                '            <imsss:primaryObjective objectiveID="mastery" '
                'satisfiedByMeasure="true">',
                f"              <imsss:minNormalizedMeasure>{measure}</imsss:minNormalizedMeasure>",
                "            </imsss:primaryObjective>",
                "          </imsss:objectives>",
                "        </imsss:sequencing>",
            ]
        lines.append("      </item>")
    return "\n".join(lines + _resources(items, "scormType", SCHEMAS_2004))


def shared_files(version: str = "1.2") -> dict[str, bytes]:
    """The files every package carries: the page script, its style sheet and the schemas."""
    files = {name: (HERE / name).read_bytes() for name in RUNTIME}
    if version == "2004":
        files.update({name: (XSD_DIR_2004 / name).read_bytes() for name in SCHEMAS_2004})
    else:
        files.update({name: (XSD_DIR / name).read_bytes() for name in SCHEMAS})
    return files


def package_files(
    identifier: str,
    title: str,
    pages: Sequence[tuple[Item, str]],
    *,
    mastery_score: int | None = None,
    version: str = "1.2",
) -> dict[str, bytes]:
    """Every file of a package of ``pages`` (launch pages from :func:`launch_page`), by name."""
    files = {item.href: page.encode("utf-8") for item, page in pages}
    files.update(shared_files(version))
    items = [item for item, _page in pages]
    write = manifest_xml_2004 if version == "2004" else manifest_xml
    manifest = write(identifier, title, items, mastery_score=mastery_score)
    files["imsmanifest.xml"] = manifest.encode("utf-8")
    return files


def write_package(target: Path, files: dict[str, bytes], epoch: int | None) -> Path:
    """A zip of ``files`` at ``target``: sorted entries, fixed times, written whole or not."""
    stamp = time.gmtime(max(epoch if epoch is not None else 315532800, 315532800))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w") as archive:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=stamp[:6])
                info.external_attr = 0o644 << 16
                info.create_system = 3
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, files[name], compresslevel=6)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _scan(files: dict[str, bytes], pins: list, package: str) -> list[Problem]:
    """Leaks and requests to other hosts in every file of a package."""
    problems: list[Problem] = []
    for name, data in sorted(files.items()):
        if name.endswith((".xsd", ".dtd")):
            continue  # the published SCORM schemas, byte for byte
        text = data.decode("utf-8")
        where = f"{package}:{name}"
        problems += leak_scan(text, pins, file=where)
        if name.endswith(".html"):
            # plotly's bundled source names addresses in its code, never loads them
            problems += offline_scan(
                _PLOTLY.sub("<script></script>", text), file=where, inside=set(files)
            )
    return problems


def build_scorm(
    notebooks: Sequence[Path | str] | None = None,
    *,
    out: Path | str = DEFAULT_OUT,
    version: str = "1.2",
    mastery_score: int | None = None,
    jobs: int | None = None,
    tabs: int | None = None,
    progress: bool = True,
    cache: bool = True,
    cache_dir: Path | str | None = None,
) -> ScormResult:
    """Build SCORM packages of ``notebooks`` (default: the course) into ``out``.

    Writes ``out/html/`` (the student handouts the packages are made from, with their build
    cache), one ``everycall-<notebook>-scorm12.zip`` per notebook and, for more than one
    notebook, ``everycall-course-scorm12.zip`` with every notebook as an item (``scorm2004``
    in the names for SCORM 2004).

    Parameters
    ----------
    version : {"1.2", "2004"}
        The SCORM version: 1.2 (every platform), or 2004 4th edition.
    mastery_score : int from 0 to 100, optional
        Written to the manifest (SCORM 1.2 ``adlcp:masteryscore``; SCORM 2004 the primary
        objective's ``minNormalizedMeasure``): with it, a learner who has answered everything
        has passed or failed against it, not only completed.

    Raises
    ------
    ExportError
        A bad version or mastery score, or a handout with a question it cannot make answerable.
    """
    if version not in VERSIONS:
        raise ExportError(
            f'SCORM version "{version}" is not supported; expected one of: {", ".join(VERSIONS)}'
        )
    if mastery_score is not None and not 0 <= mastery_score <= 100:
        raise ExportError(f"mastery score {mastery_score} is out of range; expected 0 to 100")
    epoch = _epoch()
    out = Path(out)
    handouts = build(
        notebooks,
        edition="student",
        fmt="html",
        out=out / "html",
        jobs=jobs,
        tabs=tabs,
        progress=progress,
        cache=cache,
        cache_dir=cache_dir,
    )
    result = ScormResult(out=out, handouts=handouts)
    if not handouts.ok:
        return result
    suffix = SUFFIX[version]
    for old in out.glob(f"everycall-*-{suffix}.zip"):
        old.unlink()
    course_zip = f"everycall-course-{suffix}.zip"
    exercises = load_definitions()
    pins = needles(package_secrets())
    pages: list[tuple[Item, str]] = []
    for report in handouts.notebooks:
        made = [f for f in report.files if f.edition == "student" and f.format == "html"]
        if not made:
            continue
        rel = made[0].file
        source = (out / "html" / rel).read_text(encoding="utf-8")
        page = launch_page(source, exercises, file=rel, version=version)
        item = Item(report.name, report.title or report.name)
        name = f"everycall-{report.name}-{suffix}.zip"
        files = package_files(
            f"everycall-{report.name}",
            item.title,
            [(item, page)],
            mastery_score=mastery_score,
            version=version,
        )
        problems = _scan(files, pins, name)
        result.problems += problems
        if not problems:
            result.packages.append(write_package(out / name, files, epoch))
            pages.append((item, page))
    if len(pages) > 1 and result.ok:
        files = package_files(
            "everycall-course", COURSE_TITLE, pages, mastery_score=mastery_score, version=version
        )
        result.problems += _scan(files, pins, course_zip)
        if result.ok:
            result.packages.append(write_package(out / course_zip, files, epoch))
    if progress:
        for problem in result.problems:
            print(problem)
        for path in result.packages:
            print(f"SCORM {version}: {path} ({path.stat().st_size / 1e6:.1f} MB)")
        if not result.ok:
            print("Some SCORM packages were not written: see above.")
    return result
