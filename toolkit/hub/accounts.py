"""A system account per learner, a home no other learner can read, and the course in it.

The hub runs as root. On a learner's first start the spawn hook (:mod:`toolkit.hub.hooks`)
creates their account with the system's own ``useradd`` (prefix + hub name, for example
``ec-sam``, with its own group, no login shell), makes the home folder mode 700, and copies
the edition they get (student, or trainer for the ``trainer`` group) into ``~/course``.

The copy is made as root into a folder root has just created, so a learner cannot redirect
it with a link they planted, and only then handed over to the learner (``lchown``: links are
never followed).

Examples
--------
>>> account_exists("root"), account_exists("ec-no-such-learner-here")
(True, False)
>>> remove_accounts("root")
Traceback (most recent call last):
...
toolkit.errors.ToolkitError: "root" cannot start learners' account names (expected a \
prefix such as ec- that ends in "-")
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

from toolkit.errors import ToolkitError

__all__ = [
    "COURSE_FOLDER",
    "account_exists",
    "copy_course",
    "create_account",
    "remove_accounts",
]

#: The folder in a learner's home that receives the course.
COURSE_FOLDER = "course"
_NO_SHELL = "/usr/sbin/nologin"


def account_exists(account: str) -> bool:
    try:
        pwd.getpwnam(account)
    except KeyError:
        return False
    return True


def create_account(account: str, homes: Path) -> Path:
    """Create ``account`` (its own group, no login shell, home under ``homes``) unless it
    exists; make its home mode 700. Returns the home folder.

    ``useradd`` locks the account files itself; the hub runs one at a time (see
    :class:`toolkit.hub.hooks.LearnerHomes`), so learners signing in together never race.
    """
    if not account_exists(account):
        homes.mkdir(parents=True, exist_ok=True)
        home = homes / account
        cmd = [
            _tool("useradd"),
            "--create-home",
            "--home-dir",
            str(home),
            "--shell",
            _NO_SHELL,
            "--user-group",
            "--comment",
            "Every Call learner",
            account,
        ]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise ToolkitError(
                f"could not create the account {account}: {done.stderr.strip() or done.stdout}"
            )
    entry = pwd.getpwnam(account)
    home = Path(entry.pw_dir)
    if home.is_symlink() or not home.is_dir():
        raise ToolkitError(f"{account}: home folder {home} is not a folder")
    os.chown(home, entry.pw_uid, entry.pw_gid)
    os.chmod(home, 0o700)  # no other learner may read it
    return home


def copy_course(edition: Path, home: Path, *, owner: str | None = None) -> bool:
    """Copy the notebooks in ``edition`` into ``home/course`` unless that already exists.

    Returns True when it copied (a learner's first start, or after they removed the folder).
    ``owner`` (an account name) receives the files; None leaves them with the hub's user.
    """
    target = home / COURSE_FOLDER
    try:
        os.mkdir(target, 0o700)  # fails on anything already there, a planted link included
    except FileExistsError:
        return False
    for source in sorted(edition.iterdir()):
        if source.is_file() and source.suffix == ".ipynb":
            shutil.copyfile(source, target / source.name)
            os.chmod(target / source.name, 0o644)
    if owner is not None:
        entry = pwd.getpwnam(owner)
        for child in target.iterdir():
            os.lchown(child, entry.pw_uid, entry.pw_gid)
        os.lchown(target, entry.pw_uid, entry.pw_gid)
    os.chmod(target, 0o755)
    return True


def remove_accounts(prefix: str, *, homes: Path | None = None) -> list[str]:
    """Stop every process of, and delete, each account whose name starts with ``prefix``
    (and its home). For tests and benchmarks, which use a prefix of their own. Returns the
    accounts removed."""
    if not prefix.endswith("-") or len(prefix) < 2:
        raise ToolkitError(
            f'"{prefix}" cannot start learners\' account names (expected a prefix such as ec- '
            'that ends in "-")'
        )
    removed = []
    for entry in pwd.getpwall():
        if not entry.pw_name.startswith(prefix):
            continue
        _stop_processes(entry.pw_uid)
        subprocess.run([_tool("userdel"), "--remove", entry.pw_name], capture_output=True)
        home = Path(entry.pw_dir)
        if home.is_dir() and (homes is None or home.parent == homes):
            shutil.rmtree(home, ignore_errors=True)
        removed.append(entry.pw_name)
    return removed


def _tool(name: str) -> str:
    """The system's ``useradd``/``userdel`` (in sbin, often not on a service's PATH)."""
    found = shutil.which(name, path="/usr/sbin:/sbin:/usr/bin:/bin:/usr/local/sbin")
    if found is None:
        raise ToolkitError(f"{name} was not found: the hub needs the system's account tools")
    return found


def _pids_of(uid: int) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if proc.stat().st_uid == uid:
                    pids.append(int(proc.name))
            except OSError:
                continue
    return pids


def _stop_processes(uid: int) -> None:
    """End the processes of one account (servers, kernels), each by its PID."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = _pids_of(uid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while _pids_of(uid) and time.monotonic() < deadline:
            time.sleep(0.1)
