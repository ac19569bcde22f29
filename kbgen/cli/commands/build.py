"""``kbgen build``: validate, then build the site into a temporary directory and swap it in."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kbgen.cli.main import EXIT_ERRORS, EXIT_OK, UsageError, add_root_argument, load_checked

NAME = "build"
ORDER = 40
HELP = "build the static site (MkDocs + Material) of the knowledge base"
DESCRIPTION = (
    "Validate the knowledge base, then build its site with MkDocs and the kbgen plugin from the "
    "root's mkdocs.yml. The site is built into a temporary directory next to the target and "
    "swapped in only when the build succeeds, so a failed build leaves the previous site untouched. "
    "With --strict, any warning (a knowledge-base warning, a broken link or anchor) fails the build."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_root_argument(parser)
    parser.add_argument("--site-dir", type=Path, default=None, metavar="DIR",
                        help="where to put the site (default: site_dir of mkdocs.yml, usually ROOT/site)")
    parser.add_argument("--strict", action="store_true",
                        help="fail on any warning: knowledge-base warnings, broken links or anchors")


def run(args: argparse.Namespace) -> int:
    from kbgen.app.site import SiteError, build_site

    _, diags = load_checked(args)
    if args.strict and diags:
        from kbgen.core.diagnostics import FORMATTERS

        sys.stderr.write(FORMATTERS["text"](diags, summary=True))
        sys.stderr.write("kbgen build: warnings count as errors with --strict\n")
        return EXIT_ERRORS
    configure_mkdocs_logging()
    try:
        result = build_site(args.root, args.site_dir.resolve() if args.site_dir else None, strict=args.strict)
    except SiteError as exc:
        if "mkdocs.yml: no such file" in str(exc):
            raise UsageError(str(exc)) from None
        print(f"kbgen build: {exc}", file=sys.stderr)
        print("kbgen build: the previous site (if any) was left unchanged", file=sys.stderr)
        return EXIT_ERRORS
    print(f"kbgen build: site built in {result.site_dir} ({result.seconds:.1f} s)", file=sys.stderr)
    return EXIT_OK


def configure_mkdocs_logging(level: str = "WARNING") -> None:
    """Show MkDocs' warnings the way ``mkdocs build`` does (``WARNING - message``)."""
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each message."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass
