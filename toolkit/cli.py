"""The ``everycall`` command: a thin layer over the library.

Each subcommand calls one library function and takes its defaults from it. Any
``ToolkitError`` becomes one clear message on stderr and exit status 2; a traceback from bad
input is a bug.

argparse (standard library) is enough here: the commands are few and flat, and it keeps
``everycall --help`` instant on locked-down machines.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from toolkit import __version__
from toolkit.core.paths import notebooks_dir
from toolkit.errors import ToolkitError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _cmd_validate(args: argparse.Namespace) -> int:
    from toolkit.validate import validate

    report = validate(args.path)
    for problem in report.errors + report.warnings:
        print(problem, file=sys.stderr)
    print(report.summary(), file=sys.stderr if report.errors else sys.stdout)
    return EXIT_BAD_INPUT if report.errors else EXIT_OK


def _cmd_new_case(args: argparse.Namespace) -> int:
    from toolkit.validate import new_case

    folder = new_case(args.slug, root=args.root)
    print(f"Created {folder}: fill in case.yaml, events.csv and annotations.csv, then run")
    print(f"  everycall validate {folder}")
    return EXIT_OK


def _cmd_answers_collect(args: argparse.Namespace) -> int:
    from toolkit.cohort import collect

    result = collect(args.directory, out=args.out, anonymise=args.anonymise)
    for message in result.skipped:
        print(f"skipped: {message}", file=sys.stderr)
    print(result.summary())
    if result.unreadable:
        # The summary is written, but a learner's work is missing from it: a script (or a
        # trainer glancing at the exit status) must see that, as for any bad input. A second
        # copy of a file read already is not a loss, and does not count.
        n = result.unreadable
        print(
            f"everycall answers: {n} {'file' if n == 1 else 'files'} could not be read in "
            "full (skipped above, and listed on the debrief page); the summary holds "
            "everything else. Ask those learners to send the file again from "
            "~/everycall-answers (a file cut short in a download looks like this), then "
            "collect once more",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    return EXIT_OK


def _course_notebook(name: Path) -> Path:
    """A notebook named as a path, or by its name as the build reports it (``00-start-here``,
    ``00-start-here.ipynb``, ``trainer/cohort-debrief``) or its number (``00``)."""
    if name.exists() or (name.suffix == ".ipynb" and len(name.parts) > 1):
        return name
    from toolkit.handouts import course_notebooks

    course = course_notebooks()  # names the problem if there is no course folder
    root = notebooks_dir()
    wanted = name.as_posix().removesuffix(".ipynb")

    def label(p: Path) -> str:
        return p.relative_to(root).with_suffix("").as_posix() if root else p.stem

    matches = [
        p for p in course
        if wanted in (label(p), p.stem) or p.stem.startswith(f"{wanted}-")
    ]  # fmt: skip
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(label(p) for p in course)
    if matches:
        raise ToolkitError(f"{wanted}: names more than one notebook; choose one of: {known}")
    raise ToolkitError(f"{wanted}: no such notebook; the course has: {known}")


def _cmd_handouts(args: argparse.Namespace) -> int:
    from toolkit.handouts import build

    notebooks = [_course_notebook(n) for n in args.notebooks] or None
    if args.format == "scorm":
        return _scorm(args, notebooks)
    if args.scorm_version is not None or args.mastery_score is not None:
        raise ToolkitError("--scorm-version and --mastery-score go with --format scorm")
    result = build(
        notebooks,
        edition=args.edition,
        fmt=args.format,
        out=args.out or Path("build/handouts"),
        jobs=args.jobs,
        tabs=args.tabs,
        cache=not args.no_cache,
        cache_dir=args.cache_dir,
    )
    return EXIT_OK if result.ok else EXIT_FAILED


def _scorm(args: argparse.Namespace, notebooks: list[Path] | None) -> int:
    from toolkit.handouts import SCORM_OUT, build_scorm

    if args.edition == "trainer":
        raise ToolkitError(
            "a SCORM package is for learners: it holds the student edition only "
            "(leave out --edition, or use --edition student)"
        )
    result = build_scorm(
        notebooks,
        out=args.out or SCORM_OUT,
        version=args.scorm_version or "1.2",
        mastery_score=args.mastery_score,
        jobs=args.jobs,
        tabs=args.tabs,
        cache=not args.no_cache,
        cache_dir=args.cache_dir,
    )
    return EXIT_OK if result.ok else EXIT_FAILED


def _cmd_present(args: argparse.Namespace) -> int:
    from toolkit.present import serve

    return serve(
        _course_notebook(args.notebook),
        port=args.port,
        open_browser=False if args.no_browser else None,
    )


def _cmd_hub(args: argparse.Namespace) -> int:
    from toolkit.hub import nbgitpuller_link, serve

    if args.hub_command == "link":
        print(nbgitpuller_link(args.hub, args.repo, branch=args.branch, path=args.path))
        return EXIT_OK
    return serve(demo=args.demo)


def _percent(text: str) -> int:
    """A whole number from 0 to 100 (argparse turns the ValueError into a usage message)."""
    value = int(text)
    if not 0 <= value <= 100:
        raise ValueError(text)
    return value


_percent.__name__ = "whole number from 0 to 100"  # argparse names the type in its message


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="everycall",
        description=(
            "Every Call: teaching notebooks on police responses to domestic abuse. "
            "Validate course data, scaffold cases, collect a cohort's answers, build handouts."
        ),
        epilog="Support: National Domestic Abuse Helpline 0808 2000 247 (free, 24 hours). "
        "In an emergency call 999; if you cannot speak, press 55 when prompted on a mobile, "
        "or stay on the line on a landline. "
        "Men's Advice Line 0808 8010 327. Live Fear Free (Wales) 0808 80 10 800. "
        "Galop (LGBT+) 0800 999 5428.",
    )
    parser.add_argument("--version", action="version", version=f"everycall {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="check the data package or one case folder")
    p.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=None,
        help="a data folder, a case folder or a single file (default: the course data)",
    )
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("new-case", help="scaffold a case folder to fill in")
    p.add_argument("slug", help="folder name for the case, e.g. harbour-street")
    p.add_argument(
        "--root",
        type=Path,
        default=None,
        help="folder that holds case folders (default: the data folder's cases/)",
    )
    p.set_defaults(func=_cmd_new_case)

    p = sub.add_parser("answers", help="work with learners' answer files")
    answers = p.add_subparsers(dest="answers_command", metavar="ACTION", required=True)
    c = answers.add_parser("collect", help="gather a cohort's answer files into a summary")
    c.add_argument("directory", type=Path, help="folder holding learners' answer files")
    c.add_argument(
        "--out",
        type=Path,
        default=None,
        help="summary CSV to write (an HTML debrief page is written beside it); default: "
        "cohort-summary.csv in the current folder",
    )
    c.add_argument(
        "--anonymise",
        action="store_true",
        help="replace learners' names with Learner 1, Learner 2, ... in the summary",
    )
    c.set_defaults(func=_cmd_answers_collect)

    p = sub.add_parser("handouts", help="build student and trainer handouts")
    p.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks, as paths or by name (00-start-here, or just 00); default: the whole "
        "course",
    )
    p.add_argument("--edition", choices=["student", "trainer", "both"], default="both")
    p.add_argument(
        "--format",
        choices=["html", "pdf", "ipynb", "both", "all", "scorm"],
        default="both",
        help="both = html and pdf; ipynb = live notebooks for a hub (student edition "
        "without solutions); all = html, pdf and ipynb; scorm = SCORM packages for a "
        "learning platform (student edition, questions answerable and reported)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the output folder (default build/handouts, or build/scorm with --format scorm)",
    )
    p.add_argument(
        "--scorm-version",
        choices=["1.2", "2004"],
        default=None,
        help="with --format scorm: the SCORM version: 1.2 (the default, taken by every "
        "platform) or 2004 (4th edition)",
    )
    p.add_argument(
        "--mastery-score",
        type=_percent,
        default=None,
        metavar="0-100",
        help="with --format scorm: the per cent of marked questions right to pass; without "
        "it a learner who has answered everything is 'completed'",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="notebooks executed at once (default: the number of cores)",
    )
    p.add_argument(
        "--tabs",
        type=int,
        default=None,
        help="Chromium pages checked and printed at once (default 2)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="build every notebook again, even those whose inputs have not changed",
    )
    p.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="the build cache (default: OUT/.cache)",
    )
    p.set_defaults(func=_cmd_handouts)

    p = sub.add_parser(
        "present",
        help="show a notebook without code, safe to project (Voilà; never trainer material)",
        description="Presenter mode: serve a notebook with Voilà on this machine, with no code "
        "and no trainer material even in trainer mode, in type that reads from the back of a "
        "room. Prints the address; Ctrl+C stops it.",
    )
    p.add_argument(
        "notebook",
        type=Path,
        help="a course notebook by number or name (04, 04-calls-and-demand) or a path",
    )
    p.add_argument("--port", type=int, default=None, help="port (default: 8866 or the next free)")
    p.add_argument(
        "--no-browser", action="store_true", help="do not open a browser (also NO_BROWSER=1)"
    )
    p.set_defaults(func=_cmd_present)

    p = sub.add_parser(
        "hub",
        help="start a JupyterHub for a training room (root; PORT=, WORKSHOP_CODE=, "
        "TRAINER_PASSWORD=), or print an nbgitpuller link",
    )
    p.add_argument("--demo", action="store_true", help="demo mode: no accounts (not isolated)")
    hub = p.add_subparsers(dest="hub_command", metavar="ACTION")
    c = hub.add_parser("link", help="an nbgitpuller link to the student notebooks")
    c.add_argument("--hub", required=True, help="the hub's address, https://hub.example.org")
    c.add_argument("--repo", required=True, help="git repository of student-edition notebooks")
    c.add_argument("--branch", default="main")
    c.add_argument("--path", default="", help="folder of the notebooks in the repository")
    p.set_defaults(func=_cmd_hub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_OK
    try:
        return args.func(args)
    except ToolkitError as exc:
        print(f"everycall {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("everycall: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
