"""Shared steps for the SCORM tests: the manifest schema, a package with a question of every
type, and a test learning platform (scorm-again in a page that launches a package in a frame).
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "tests" / "data" / "answers" / "exercises" / "90-demo-all-types.yaml"
SCORM_AGAIN = ROOT / "tests" / "data" / "scorm"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def manifest_schema(version: str = "1.2"):
    """The SCORM 1.2 content-packaging schema (IMS CP 1.1.2 with ADL's extensions), from the
    files every package carries.

    ``ims_xml.xsd`` binds the reserved ``xml`` namespace as its default namespace, which an XML
    parser must refuse (expat does), so the ``xml:`` attributes come from xmlschema's own copy
    of the W3C schema for that namespace instead; nothing else is changed.
    """
    import xmlschema
    from xmlschema.locations import FALLBACK_LOCATIONS

    from toolkit.handouts.scorm import XSD_DIR, XSD_DIR_2004

    if version == "2004":  # ADL's 4th edition set; its xml.xsd is the W3C's own, unchanged
        names = ["imscp_v1p1", "adlcp_v1p3", "adlseq_v1p3", "adlnav_v1p3", "imsss_v1p0"]
        return xmlschema.XMLSchema([str(XSD_DIR_2004 / f"{n}.xsd") for n in names])

    def mapped(url: str) -> str:
        return FALLBACK_LOCATIONS[XML_NS] if url.endswith("ims_xml.xsd") else url

    return xmlschema.XMLSchema(
        [str(XSD_DIR / "imscp_rootv1p1p2.xsd"), str(XSD_DIR / "adlcp_rootv1p2.xsd")],
        uri_mapper=mapped,
    )


def demo_exercises():
    from toolkit.exercises import load_definitions

    return load_definitions(DEMO)


DEMO_NAME = "90-demo-all-types"


def demo_handout() -> str:
    """A student handout holding the printed form of every demo question, shaped as the
    handout build writes them (a cover with the content note, then the questions)."""
    from toolkit.exercises.html import printed_html

    questions = "\n".join(
        f'<div class="ec-exercise">{printed_html(ex, "student")}</div>'
        for ex in demo_exercises().values()
    )
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        "<title>Every question type (Student edition)</title></head><body>"
        "<header><h1>Every question type</h1><p><strong>Content note.</strong> Practice "
        "questions. Support: National Domestic Abuse Helpline 0808 2000 247; 999 in an "
        f'emergency.</p></header><main id="ec-main">{questions}</main></body></html>'
    )


def write_demo_package(
    folder: Path, *, mastery_score: int | None = None, version: str = "1.2"
) -> dict[str, bytes]:
    """The demo questions as a one-SCO package, unpacked into ``folder``; returns its files."""
    from toolkit.handouts.scorm import Item, launch_page, package_files

    page = launch_page(demo_handout(), demo_exercises(), file="demo.html", version=version)
    item = Item(DEMO_NAME, "Every question type")
    files = package_files(
        "everycall-demo", "Demo", [(item, page)], mastery_score=mastery_score, version=version
    )
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


#: The learning platform: scorm-again's run-time API (SCORM 1.2 on window.API, SCORM 2004 on
#: window.API_1484_11), every call logged, the package's page in a frame. The fragment is
#: JSON: {"launch": page, "cmi": starting data}. window.lmsApi is the API whichever it is.
LMS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test learning platform</title>
<script src="{script}"></script>
<script>
window.lmsLog = [];
var hash = decodeURIComponent(location.hash.slice(1));
var start = hash ? JSON.parse(hash) : {{}};
window.lmsApi = window.{api} = new {cls}({{autocommit: false, lmsCommitUrl: false, logLevel: 5}});
if (start.cmi) window.lmsApi.loadFromJSON(start.cmi);
{events}.forEach(function (name) {{
  window.lmsApi.on(name, function () {{ window.lmsLog.push([name]); }});
}});
window.lmsApi.on("{setter}.cmi.*", function (element, value) {{
  window.lmsLog.push(["set", element, value]);
}});
</script></head>
<body><main><h1>Test learning platform</h1>
<iframe id="sco" title="Course content" style="width:100%;height:80vh;border:0"></iframe>
</main>
<script>document.getElementById("sco").src = start.launch;</script>
</body></html>
"""


DIALECTS = {
    "1.2": {
        "script": "scorm12.min.js",
        "api": "API",
        "cls": "Scorm12API",
        "events": '["LMSInitialize", "LMSCommit", "LMSFinish"]',
        "setter": "LMSSetValue",
    },
    "2004": {
        "script": "scorm2004.min.js",
        "api": "API_1484_11",
        "cls": "Scorm2004API",
        "events": '["Initialize", "Commit", "Terminate"]',
        "setter": "SetValue",
    },
}


def add_lms(folder: Path, version: str = "1.2") -> None:
    """Put the test platform's page and scorm-again beside a package's files."""
    dialect = DIALECTS[version]
    (folder / "lms.html").write_text(LMS_PAGE.format(**dialect), encoding="utf-8")
    script = dialect["script"]
    (folder / script).write_bytes((SCORM_AGAIN / script).read_bytes())


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 for ``folder``; yields its base address."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def plain(markup: str) -> str:
    """Text of an HTML fragment, white space collapsed (for comparing what is shown)."""
    import re

    blocks = re.sub(r"</?(?:p|div|li|ul|ol|br|section)\b[^>]*>", " ", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", blocks)).split())


#: The namespaces of SCORM's extensions to IMS content packaging, per version.
EXTENSIONS = {
    "1.2": {"http://www.adlnet.org/xsd/adlcp_rootv1p2"},
    "2004": {
        "http://www.adlnet.org/xsd/adlcp_v1p3",
        "http://www.imsglobal.org/xsd/imsss",
        "http://www.adlnet.org/xsd/adlseq_v1p3",
        "http://www.adlnet.org/xsd/adlnav_v1p3",
    },
}


def extension_problems(xml: str, version: str) -> list[str]:
    """What the content-packaging schema lets through unchecked (its extension slots are
    ``processContents="lax"``): elements of SCORM's namespaces that the schemas do not declare,
    ones in the wrong place or given twice, and resources without a SCORM type."""
    import xml.etree.ElementTree as ET

    schema = manifest_schema(version)
    declared = set(schema.maps.elements)
    root = ET.fromstring(xml)
    cp = root.tag.split("}")[0] + "}"
    adlcp = next(n for n in EXTENSIONS[version] if "adlcp" in n)
    kind = f"{{{adlcp}}}{'scormtype' if version == '1.2' else 'scormType'}"
    allowed_parents = {f"{cp}item", f"{cp}organization"}
    problems = []
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in root.iter():
        ns = element.tag[1:].split("}")[0] if element.tag.startswith("{") else ""
        parent = parents.get(element)
        if ns not in EXTENSIONS[version] or (
            parent is not None
            and parent.tag.startswith(tuple(f"{{{n}}}" for n in EXTENSIONS[version]))
        ):
            continue  # checked by the schema once its top element is declared
        if element.tag not in declared:
            problems.append(f"{element.tag} is not declared by the SCORM {version} schemas")
        if parent is None or parent.tag not in allowed_parents:
            problems.append(f"{element.tag} is not inside an item or organization")
        elif len(parent.findall(element.tag)) > 1:
            problems.append(f"{element.tag} appears more than once in one {parent.tag}")
    for resource in root.iter(f"{cp}resource"):
        if resource.get(kind) not in ("sco", "asset"):
            problems.append(f"resource {resource.get('identifier')} has no {kind} of sco or asset")
    return problems
