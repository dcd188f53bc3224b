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
    return EXIT_OK


def _cmd_handouts(args: argparse.Namespace) -> int:
    from toolkit.handouts import build

    result = build(
        args.notebooks or None,
        edition=args.edition,
        fmt=args.format,
        out=args.out,
        jobs=args.jobs,
        tabs=args.tabs,
    )
    return EXIT_OK if result.ok else EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="everycall",
        description=(
            "Every Call: teaching notebooks on police responses to domestic abuse. "
            "Validate course data, scaffold cases, collect a cohort's answers, build handouts."
        ),
        epilog="Support: National Domestic Abuse Helpline 0808 2000 247 (free, 24 hours). "
        "In an emergency call 999; if you cannot speak, stay on the line and press 55. "
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
        help="summary CSV to write (an HTML debrief page is written beside it)",
    )
    c.add_argument(
        "--anonymise",
        action="store_true",
        help="replace learners' names with Learner 1, Learner 2, ... in the summary",
    )
    c.set_defaults(func=_cmd_answers_collect)

    p = sub.add_parser("handouts", help="build student and trainer handouts")
    p.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: the whole course)")
    p.add_argument("--edition", choices=["student", "trainer", "both"], default="both")
    p.add_argument(
        "--format",
        choices=["html", "pdf", "ipynb", "both", "all"],
        default="both",
        help="both = html and pdf; ipynb = live notebooks for a hub (student edition "
        "without solutions); all = html, pdf and ipynb",
    )
    p.add_argument("--out", type=Path, default=Path("build/handouts"))
    p.add_argument("--jobs", type=int, default=None, help="notebooks executed at once (default 2)")
    p.add_argument(
        "--tabs",
        type=int,
        default=None,
        help="Chromium pages checked and printed at once (default 2)",
    )
    p.set_defaults(func=_cmd_handouts)
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
