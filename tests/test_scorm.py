"""SCORM 1.2 packages (`everycall handouts --format scorm`): what a learning platform receives.

The packages of the real course are built once per session (``scorm_course``). These tests read
them as a platform would: the zip, its manifest against the SCORM 1.2 schema, the files the
manifest lists, and what the pages hold and never hold. The pages at work in a browser against a
real SCORM run-time are in ``tests/browser/test_scorm.py``.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.scorm_steps import (
    demo_exercises,
    extension_problems,
    manifest_schema,
    write_demo_package,
)
from toolkit.errors import ExportError
from toolkit.exercises import Exercise, Option, load_definitions
from toolkit.exercises.web import form_html, marking_data
from toolkit.handouts import course_notebooks
from toolkit.handouts.scans import needles
from toolkit.handouts.scorm import (
    SCHEMAS,
    SCHEMAS_2004,
    Item,
    _json_script,
    _scan,
    launch_page,
    manifest_xml,
    manifest_xml_2004,
    package_secrets,
    write_package,
)

ROOT = Path(__file__).resolve().parents[1]
IMSCP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
CP4 = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
ADLCP4 = "{http://www.adlnet.org/xsd/adlcp_v1p3}"


def _student_notebooks() -> list[str]:
    return [p.stem for p in course_notebooks() if p.parent.name != "trainer"]


def _manifest(archive: zipfile.ZipFile):
    import xml.etree.ElementTree as ET

    return ET.fromstring(archive.read("imsmanifest.xml"))


def test_one_package_per_student_notebook_and_one_for_the_course(scorm_course: Path):
    names = sorted(p.name for p in scorm_course.glob("*.zip"))
    expected = [
        f"everycall-{n}-{suffix}.zip"
        for n in [*_student_notebooks(), "course"]
        for suffix in ("scorm12", "scorm2004")
    ]
    assert names == sorted(expected)
    # the trainer's debrief is never a learner's package
    assert not any("debrief" in n for n in names)


@pytest.mark.parametrize("version", ["1.2", "2004"])
@pytest.mark.parametrize("which", ["course", "00-start-here", "04-calls-and-demand"])
def test_manifest_validates_and_lists_every_file(scorm_course: Path, which: str, version: str):
    suffix = "scorm12" if version == "1.2" else "scorm2004"
    name = f"everycall-{which}-{suffix}.zip"
    with zipfile.ZipFile(scorm_course / name) as archive:
        members = set(archive.namelist())
        manifest = archive.read("imsmanifest.xml").decode("utf-8")
        root = _manifest(archive)
    assert "imsmanifest.xml" in members  # at the root, not in a folder
    assert not any("/" in m for m in members)
    manifest_schema(version).validate(manifest)  # raises, naming the element, if not valid
    cp, adlcp, kind = (
        (IMSCP, ADLCP, "scormtype") if version == "1.2" else (CP4, ADLCP4, "scormType")
    )
    assert {f.get("href") for f in root.iter(f"{cp}file")} == members - {"imsmanifest.xml"}
    for schema in SCHEMAS if version == "1.2" else SCHEMAS_2004:
        assert schema in members
    # every SCO launches a page that is in the zip, and says which API it talks to
    scos = [r for r in root.iter(f"{cp}resource") if r.get(f"{adlcp}{kind}") == "sco"]
    assert scos and all(r.get("href") in members for r in scos)
    with zipfile.ZipFile(scorm_course / name) as archive:
        page = archive.read(scos[0].get("href")).decode("utf-8")
    assert f'<meta name="everycall-package" content="scorm-{version}">' in page
    meta = root.find(f"{cp}metadata")
    assert meta.findtext(f"{cp}schema") == "ADL SCORM"
    assert meta.findtext(f"{cp}schemaversion") == (
        "1.2" if version == "1.2" else "2004 4th Edition"
    )


def test_course_package_has_every_notebook_in_course_order(scorm_course: Path):
    with zipfile.ZipFile(scorm_course / "everycall-course-scorm12.zip") as archive:
        root = _manifest(archive)
        pages = {
            n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".html")
        }
    org = root.find(f"{IMSCP}organizations/{IMSCP}organization")
    items = org.findall(f"{IMSCP}item")
    refs = {r.get("identifier"): r.get("href") for r in root.iter(f"{IMSCP}resource")}
    launched = [refs[i.get("identifierref")] for i in items]
    assert launched == [f"{n}.html" for n in _student_notebooks()]
    # each item is titled as its handout is
    for item, href in zip(items, launched, strict=True):
        title = re.search(r"<h1>(.*?)</h1>", pages[href]).group(1)
        assert item.findtext(f"{IMSCP}title") == html.unescape(title)


def test_every_question_of_a_notebook_is_answerable_in_its_page(scorm_course: Path):
    exercises = load_definitions()
    for notebook in _student_notebooks():
        with zipfile.ZipFile(scorm_course / f"everycall-{notebook}-scorm12.zip") as archive:
            page = archive.read(f"{notebook}.html").decode("utf-8")
        wanted = sorted(e.id for e in exercises.values() if e.notebook == notebook)
        forms = sorted(
            re.findall(r'<section class="everycall-web[^"]*" data-exercise="([^"]+)"', page)
        )
        assert forms == wanted, notebook
        data = json.loads(
            re.search(
                r'<script type="application/json" id="everycall-exercises">(.*?)</script>', page
            ).group(1)
        )
        assert sorted(data) == wanted
        assert '<section class="everycall-printed' not in page  # no printed answer lines left
        # the content note and support routes still open the page, before the banner
        assert page.index("Content note") < page.index('id="everycall-scorm-banner"')
        assert "0808 2000 247" in page


def _readable(document: str) -> str:
    """Every text a reader of ``document`` could find: the page as text, and each string of
    its JSON data decoded (quotes and non-ASCII letters are escaped there), with Markdown's
    marks and white space folded away."""
    texts = [document]
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', document, re.S):
        stack = [json.loads(block)]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack += list(item.values())
            elif isinstance(item, list):
                stack += item
            elif isinstance(item, str):
                texts.append(item)
    joined = html.unescape(re.sub(r"<[^>]+>", " ", " ".join(texts)))
    return " ".join(re.sub(r"[*_`]", "", joined).split())


def _opening(secret: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", secret).split())[:60]


def test_no_trainer_notes_or_model_answers_in_any_file(scorm_course: Path):
    """Read independently of the build's own scan: each note's opening words, as text."""
    exercises = load_definitions()
    secrets = [t for e in exercises.values() for t in (e.facilitator, e.model_answer) if t]
    assert len(secrets) > 10
    assert any('"' in _opening(s) for s in secrets)  # openings with quotes are covered
    for path in scorm_course.glob("*.zip"):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith((".xsd", ".dtd")):
                    continue
                text = _readable(archive.read(name).decode("utf-8"))
                for secret in secrets:
                    assert _opening(secret) not in text, f"{path.name}:{name} holds {secret!r}"


def test_the_readable_text_finds_a_planted_note():
    """The check above can fail: a note with quotes, inside the page's JSON, is found."""
    ex = next(e for e in load_definitions().values() if e.facilitator and '"' in e.facilitator)
    page = _json_script({"x": {"note": html.escape(ex.facilitator)}})
    assert _opening(ex.facilitator) in _readable(f"<html><body>{page}</body></html>")


def test_the_scan_stops_a_package_that_holds_a_trainer_note():
    ex = next(e for e in load_definitions().values() if e.facilitator)
    files = {"page.html": f"<p>{html.escape(ex.facilitator)}</p>".encode(), "imsmanifest.xml": b""}
    problems = _scan(files, needles(package_secrets()), "x.zip")
    assert problems and problems[0].file == "x.zip:page.html"
    # and a page that loads anything from another host
    files = {"page.html": b'<script src="https://cdn.example/x.js"></script>'}
    assert any("cdn.example" in p.message for p in _scan(files, [], "x.zip"))
    # but its own files, by name, are fine
    files = {"page.html": b'<script src="everycall-scorm.js"></script>', "everycall-scorm.js": b""}
    assert _scan(files, [], "x.zip") == []


def test_marking_data_never_holds_notes_or_model_answers():
    for ex in [*load_definitions().values(), *demo_exercises().values()]:
        text = _readable(_json_script(marking_data(ex)))
        for secret in (ex.facilitator, ex.model_answer):
            if secret:
                assert _opening(secret) not in text, ex.id


def test_text_from_a_course_file_cannot_run_in_the_page():
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    ex = Exercise(
        id="zz-evil",
        type="single_choice",
        prompt=f"Prompt {evil}",
        notebook="zz",
        options=(Option(f"Option {evil}", correct=True, feedback=f"Feedback {evil}"), Option("b")),
        hint=f"Hint {evil}",
    )
    form = form_html(ex)
    assert "<script>" not in form and "<img" not in form
    script = _json_script({"zz-evil": marking_data(ex)})
    assert script.count("</script>") == 1 and "<img" not in script
    # what the page parses back is the escaped feedback, not markup
    body = script.split(">", 1)[1].rsplit("</script>", 1)[0]
    assert "&lt;script&gt;" in json.loads(body)["zz-evil"]["options"][0]["feedback"]


def test_a_printed_question_without_a_definition_is_an_error():
    page = (
        '<html><head></head><body><header></header><div class="ec-exercise"><section '
        'class="everycall-printed everycall-printed-student everycall-printed-numeric" '
        'data-exercise="99-gone"><p>Answer: ____</p></section></div></body></html>'
    )
    with pytest.raises(ExportError, match=r'page\.html: the question "99-gone" has no definition'):
        launch_page(page, {}, file="page.html")


def test_mastery_score_and_awkward_titles_make_a_valid_manifest():
    xml = manifest_xml(
        "everycall-x",
        'Calls & "demand" <draft>',
        [Item("00-start-here", "Start & <go>"), Item("01-x", "One")],
        mastery_score=80,
    )
    manifest_schema().validate(xml)
    assert xml.count("<adlcp:masteryscore>80</adlcp:masteryscore>") == 2
    assert 'Calls &amp; "demand" &lt;draft&gt;' in xml


def test_a_scorm_2004_manifest_carries_the_mastery_score_and_validates():
    xml = manifest_xml_2004(
        "everycall-x", "T & <u>", [Item("00-a", "A"), Item("01-b", "B")], mastery_score=75
    )
    schema = manifest_schema("2004")
    schema.validate(xml)
    assert xml.count("<imsss:minNormalizedMeasure>0.75</imsss:minNormalizedMeasure>") == 2
    assert not schema.is_valid(xml.replace("0.75<", "high<"))
    assert not schema.is_valid(xml.replace('adlcp:scormType="sco"', 'adlcp:scormType="page"'))


def test_a_broken_manifest_fails_the_schema():
    """The schema check can fail: a misspelt element and an unknown SCORM type are refused."""
    xml = manifest_xml("everycall-x", "T", [Item("a", "A")])
    schema = manifest_schema()
    assert schema.is_valid(xml)
    assert not schema.is_valid(
        xml.replace("<title>", "<titel>", 1).replace("</title>", "</titel>", 1)
    )
    assert not schema.is_valid(xml.replace('adlcp:scormtype="sco"', 'adlcp:scormtype="page"'))


def test_packages_are_reproducible(tmp_path: Path):
    files = write_demo_package(tmp_path / "unpacked")
    one = write_package(tmp_path / "one.zip", files, None).read_bytes()
    two = write_package(
        tmp_path / "two.zip", dict(reversed(list(files.items()))), None
    ).read_bytes()
    assert one == two
    assert not list(tmp_path.glob("*.part"))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "handouts", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "scorm", "--edition", "trainer"],
            "a SCORM package is for learners: it holds the student edition only",
        ),
        (["--format", "scorm", "--mastery-score", "120"], "--mastery-score: invalid whole number"),
        (["--format", "scorm", "--scorm-version", "2005"], "--scorm-version: invalid choice"),
        (["--mastery-score", "80"], "--scorm-version and --mastery-score go with --format scorm"),
    ],
)
def test_cli_refuses_bad_scorm_options_with_one_message(args: list[str], message: str):
    done = _cli(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_the_scorm_extensions_are_declared_and_in_place(scorm_course: Path, version: str):
    """The schema leaves SCORM's own elements unchecked (lax wildcards): checked here."""
    suffix = "scorm12" if version == "1.2" else "scorm2004"
    with zipfile.ZipFile(scorm_course / f"everycall-course-{suffix}.zip") as archive:
        assert extension_problems(archive.read("imsmanifest.xml").decode("utf-8"), version) == []
    write = manifest_xml if version == "1.2" else manifest_xml_2004
    xml = write("x", "T", [Item("00-a", "A"), Item("01-b", "B")], mastery_score=80)
    assert extension_problems(xml, version) == []


def test_misplaced_scorm_extensions_are_caught():
    xml = manifest_xml_2004("x", "T", [Item("00-a", "A")], mastery_score=80)
    schema = manifest_schema("2004")
    planted = {
        "misspelt": xml.replace("imsss:sequencing>", "imsss:sequencin>"),
        "twice": xml.replace(
            "</imsss:sequencing>",
            "</imsss:sequencing><imsss:sequencing></imsss:sequencing>",
        ),
        "1.2 spelling": xml.replace("adlcp:scormType=", "adlcp:scormtype="),
    }
    for name, bad in planted.items():
        assert schema.is_valid(bad), name  # the schema alone lets each one through
        assert extension_problems(bad, "2004"), name
