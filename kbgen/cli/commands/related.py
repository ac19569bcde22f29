"""``kbgen related``: the papers most related to one paper, and why."""

from __future__ import annotations

import argparse
import json
import sys

from kbgen.cli.common import EXIT_OK, EXIT_USAGE, UsageError, add_root_argument, load_checked

NAME = "related"
ORDER = 22
HELP = "list the papers most related to a paper, with the reason for each"
DESCRIPTION = (
    "Rank papers by citation links (one cites the other; co-citation: cited together by the same "
    "papers; bibliographic coupling: citing the same papers) blended with text similarity (tf-idf "
    "over title, short name, aliases, abstract and summaries), and say why for each in words. A "
    "paper that ID cites counts half: it is on ID's reading path already. 'kbgen path "
    "--downstream ID' lists everything that builds on a paper instead."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="a paper id")
    parser.add_argument("-n", "-k", dest="n", type=int, default=5, metavar="N",
                        help="how many related papers (default: 5; -k is the old spelling)")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="text (default) or json")
    add_root_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kbgen.core.diagnostics import suggest
    from kbgen.reading.related import compute_related

    if args.n < 1:
        raise UsageError("-n must be at least 1")
    loaded = load_checked(args)
    kb = loaded.kb
    if args.id not in kb.papers:
        what = kb.kind_of(args.id)
        if what:
            print(f"kbgen related: {args.id!r} is a {what}; related works are computed for papers only",
                  file=sys.stderr)
        else:
            print(f"kbgen related: unknown paper id {args.id!r}{suggest(args.id, kb.papers)}", file=sys.stderr)
        return EXIT_USAGE
    g = loaded.graph
    found = compute_related(g, k=args.n, only=[args.id]).get(args.id, [])
    if args.format == "json":
        sys.stdout.write(json.dumps({"id": args.id, "related": [
            {"id": r.id, "title": kb.title_of(r.id), "year": kb.year_of(r.id), "score": r.score,
             "reasons": list(r.reasons)} for r in found]}, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not found:
        print(f"No paper is related to {args.id} by text or citations.")
        return EXIT_OK
    print(f"Papers related to {args.id} — {kb.title_of(args.id)}:")
    width = len(str(len(found)))
    for i, r in enumerate(found, 1):
        year = kb.year_of(r.id)
        print(f"{i:>{width}}. {r.id} — {kb.title_of(r.id)}{f' ({year})' if year else ''} [score {r.score:.2f}]")
        for reason in r.reasons:
            print(f"{' ' * width}  {reason}")
    return EXIT_OK
