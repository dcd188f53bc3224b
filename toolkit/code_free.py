"""Links from a notebook to the code-free view of the course (Voilà's ``/voila/render/``;
see :mod:`toolkit.present` for the view itself).

A kernel finds where its notebook is served from in one of two ways:

- inside a Voilà page, Voilà gives the kernel the page's own address (``SCRIPT_NAME``,
  ``/user/sam/voila/render/everycall/00-start-here.ipynb``): the other notebooks are beside it;
- in JupyterLab (on one machine or a hub learner's server), Jupyter Server gives the kernel
  its notebook's full path (``JPY_SESSION_NAME``), and the course's server extension
  (:mod:`toolkit.saving`) adds the server's base URL and root folder
  (``EVERYCALL_SERVER_BASE_URL``, ``EVERYCALL_SERVER_ROOT``), so the links work wherever the
  course was copied to.

Examples
--------
>>> env = {"EVERYCALL_SERVER_BASE_URL": "/user/sam/", "EVERYCALL_SERVER_ROOT": "/home/sam",
...        "JPY_SESSION_NAME": "/home/sam/everycall/00-start-here.ipynb"}
>>> code_free_url("01-reading-a-case-timeline", env=env)
'/user/sam/voila/render/everycall/01-reading-a-case-timeline.ipynb'
>>> code_free_url("04-calls-and-demand.ipynb",
...               env={"SCRIPT_NAME": "/voila/render/00-start-here.ipynb"})
'/voila/render/04-calls-and-demand.ipynb'
>>> code_free_url("04-calls-and-demand", env={})
'/voila/render/04-calls-and-demand.ipynb'
"""

from __future__ import annotations

import html
import os
import posixpath
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

__all__ = ["code_free_links", "code_free_url", "show_code_free_view"]

_RENDER = "voila/render/"


def code_free_url(notebook: str, *, env: Mapping[str, str] | None = None) -> str:
    """The address (from the host) of the code-free view of ``notebook``, a notebook in the
    same folder as the one this kernel runs."""
    env = os.environ if env is None else env
    name = notebook if notebook.endswith(".ipynb") else f"{notebook}.ipynb"
    page = env.get("SCRIPT_NAME", "")
    if f"/{_RENDER}" in page:  # inside a Voilà page: its neighbours
        return posixpath.join(posixpath.dirname(page), name)
    base = env.get("EVERYCALL_SERVER_BASE_URL") or env.get("JUPYTERHUB_SERVICE_PREFIX") or "/"
    if not base.endswith("/"):
        base += "/"
    folder = ""
    session, root = env.get("JPY_SESSION_NAME", ""), env.get("EVERYCALL_SERVER_ROOT", "")
    if session and root:
        try:
            folder = PurePosixPath(session).parent.relative_to(PurePosixPath(root)).as_posix()
        except ValueError:
            folder = ""
    elif session and not session.startswith("/"):
        folder = posixpath.dirname(session)
    path = posixpath.join(folder, name) if folder not in ("", ".") else name
    return f"{base}{_RENDER}{path}"


def code_free_links(
    notebooks: Sequence[tuple[str, str]], *, env: Mapping[str, str] | None = None
) -> str:
    """An HTML list linking each ``(file name, title)`` to its code-free view (new tab)."""
    items = "".join(
        f'<li><a href="{html.escape(code_free_url(name, env=env))}" target="_blank" '
        f'rel="noopener">{html.escape(title)}</a></li>'
        for name, title in notebooks
    )
    return f'<ul class="everycall-code-free">{items}</ul>'


def course_pages(folder: Path | None = None) -> list[tuple[str, str]]:
    """``(file name, title)`` of each numbered notebook in ``folder`` (the kernel's folder),
    in course order: ``("04-calls-and-demand.ipynb", "04 Calls and demand")``."""
    here = Path.cwd() if folder is None else folder
    pages = []
    for path in sorted(here.glob("[0-9][0-9]-*.ipynb")):
        number, _, rest = path.stem.partition("-")
        pages.append((path.name, f"{number} {rest.replace('-', ' ').capitalize()}"))
    return pages


def show_code_free_view() -> None:
    """Display the course's code-free links (00-start-here shows them)."""
    from IPython.display import HTML, display

    pages = course_pages()
    display(
        HTML(
            '<div class="everycall-code-free-view">'
            "<p><strong>The course without code.</strong> Every notebook also opens as a page "
            "with no code at all: the same text, figures, controls and questions, and your "
            "answers are saved to the same place. Each link opens in a new tab.</p>"
            f"{code_free_links(pages)}"
            "<p>In JupyterLab, the <strong>Render with Voilà</strong> button above an open "
            "notebook shows the same page beside it.</p></div>"
        )
    )
