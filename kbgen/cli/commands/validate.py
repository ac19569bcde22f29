"""``kbgen validate``: report every problem of the knowledge base at once."""

from __future__ import annotations

import argparse
import sys

from kbgen.cli.main import EXIT_ERRORS, EXIT_OK, add_root_argument, load_root, report
from kbgen.core.diagnostics import count, sort_diagnostics

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


def run(args: argparse.Namespace) -> int:
    kb, diags = load_root(args.root)
    diags = sort_diagnostics(diags + graph_warnings(kb))
    from kbgen.parse.sources import iter_input_files

    report(diags, args.format, sys.stdout, files=sum(1 for _ in iter_input_files(args.root)))
    errors, warnings = count(diags)
    if errors or (args.strict and warnings):
        return EXIT_ERRORS
    return EXIT_OK


def graph_warnings(kb) -> list:
    """Warnings only the graph can find: citation cycles (KB024) and summary
    prerequisites that would close a cycle (KB019 warning).

    Cached next to the knowledge base: building the graph of 10,000 papers
    takes ~1 s, more than a warm ``kbgen validate`` may (issue 8).
    """
    from kbgen.io.cache import remember_diagnostics

    def compute() -> list:
        from kbgen.graph.build import graph_diagnostics  # builds the graph only when there is a cycle

        return graph_diagnostics(kb)

    return remember_diagnostics(kb, "graph-warnings", compute)
