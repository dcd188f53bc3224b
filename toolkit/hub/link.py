"""An nbgitpuller link for a hub that already exists (``everycall hub link``).

nbgitpuller (a Jupyter server extension from PyPI, installed in the hub's user environment)
serves ``/git-pull``: it clones or updates a git repository into the learner's home, keeping
their own changes, and opens a notebook in it. The link goes through
``/hub/user-redirect/`` so one link works for every learner.

The repository holds the student-edition notebooks, as
``everycall handouts --edition student --format ipynb --out build/student-notebooks`` writes
them (commit the notebooks in ``build/student-notebooks/student/``); the hub's user
environment needs this course installed (``pip install`` from the checkout).

Examples
--------
>>> print(nbgitpuller_link("https://hub.example.org", "https://git.example.org/course/notebooks.git"))
https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgit.example.org%2Fcourse%2Fnotebooks.git&branch=main&urlpath=lab%2Ftree%2Fnotebooks%2F00-start-here.ipynb
>>> nbgitpuller_link("hub.example.org", "https://git.example.org/x.git")
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: --hub "hub.example.org" is not a web address (expected one \
starting with https:// or http://, for example https://hub.example.org)
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from toolkit.errors import ToolkitError

__all__ = ["nbgitpuller_link"]

_GIT_SSH = re.compile(r"^[\w.-]+@[\w.-]+:[\w./~-]+$")


def nbgitpuller_link(
    hub: str,
    repo: str,
    *,
    branch: str = "main",
    path: str = "",
    notebook: str = "00-start-here.ipynb",
) -> str:
    """The link that pulls ``repo`` into each learner's home and opens ``notebook``.

    Parameters
    ----------
    hub : str
        The hub's address, ``https://hub.example.org`` (a base URL such as ``/jupyter`` kept).
    repo : str
        A git repository learners' servers can clone (https, http, ssh or file).
    branch : str, keyword-only
    path : str, keyword-only
        The folder inside the repository that holds the notebooks ("" for its top).
    notebook : str, keyword-only
        The notebook to open.
    """
    parts = urlsplit(hub.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ToolkitError(
            f'--hub "{hub}" is not a web address (expected one starting with https:// or '
            "http://, for example https://hub.example.org)"
        )
    repo = repo.strip()
    repo_parts = urlsplit(repo)
    ok = (repo_parts.scheme in ("http", "https", "ssh", "git") and repo_parts.netloc) or (
        repo_parts.scheme == "file" and repo_parts.path
    )
    if not ok and not _GIT_SSH.match(repo):
        raise ToolkitError(
            f'--repo "{repo}" is not a git repository address (expected for example '
            "https://github.com/your-org/everycall-student-notebooks.git)"
        )
    if not branch.strip() or any(c in branch for c in " ~^:?*[\\"):
        raise ToolkitError(f'--branch "{branch}" is not a git branch name')
    folder = repo.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git")
    inner = "/".join(p for p in (folder, path.strip("/"), notebook) if p)
    base = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
    query = urlencode({"repo": repo, "branch": branch, "urlpath": f"lab/tree/{inner}"})
    return f"{base}/hub/user-redirect/git-pull?{query}"
