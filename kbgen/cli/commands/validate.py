"""``kbgen validate``: report every problem of the knowledge base at once."""

from __future__ import annotations

import argparse
import sys

from kbgen.cli.common import EXIT_ERRORS, EXIT_OK, add_quiet_argument, add_root_argument, load, progress_for, report
from kbgen.core.diagnostics import count

NAME = "validate"
ORDER = 10
HELP = "check the knowledge base and report every problem with file:line"
DESCRIPTION = (
    "Read papers.yaml, content/ (front matter, topics, paths) and every .bib file, and report "
    "every problem at once with file:line:column, a stable code and a hint. Exit code 0 when "
    "there are no errors (warnings allowed unless --strict), 1 when there are errors, 2 when "
    "the root cannot be read."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_root_argument(parser)
    parser.add_argument("--format", choices=["text", "github", "json"], default="text",
                        help="text (file:line:col: ...), github (workflow annotations) or json")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    add_quiet_argument(parser)


def run(args: argparse.Namespace) -> int:
    progress = progress_for(args)
    loaded = load(args, progress)
    progress.done()  # the progress line goes before the report is printed
    report(loaded.diagnostics, args.format, sys.stdout, files=len(loaded.inputs))
    errors, warnings = count(loaded.diagnostics)
    if errors or (args.strict and warnings):
        return EXIT_ERRORS
    return EXIT_OK
