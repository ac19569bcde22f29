"""``kbgen suggest``: prerequisite edges the knowledge base lacks, each with its evidence."""

from __future__ import annotations

import argparse
import json
import sys

from kbgen.cli.common import EXIT_OK, UsageError, add_root_argument, load_checked

NAME = "suggest"
ORDER = 24
HELP = "propose prerequisites the knowledge base lacks, from its citations"
DESCRIPTION = (
    "Propose a cited paper as a prerequisite of the paper citing it when other papers that the "
    "citing paper builds on build on it too (a foundation, not a passing reference), unless it is "
    "a prerequisite already, directly or through others. Each proposal comes with its evidence; "
    "--format yaml writes lists to paste under each entry's prerequisites:, which turns a "
    "citation-only knowledge base into a curated one quickly."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", "--limit", dest="limit", type=int, default=20, metavar="N",
                        help="how many proposals, best first (default: 20)")
    parser.add_argument("--format", choices=["text", "yaml", "json"], default="text",
                        help="text (default), yaml (to paste under prerequisites:) or json")
    add_root_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kbgen.reading.suggest import format_text, format_yaml, suggest_prerequisites

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    found = suggest_prerequisites(load_checked(args).graph, limit=args.limit)
    if args.format == "yaml":
        sys.stdout.write(format_yaml(found))
    elif args.format == "json":
        sys.stdout.write(json.dumps({"suggestions": [
            {"entity": s.entity, "prerequisite": s.prerequisite, "score": s.score, "evidence": list(s.evidence)}
            for s in found]}, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_text(found))
    return EXIT_OK
