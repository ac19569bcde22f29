"""``kbgen next``: what to read next, given what has been read."""

from __future__ import annotations

import argparse
import json
import sys

from kbgen.cli.common import EXIT_ERRORS, EXIT_OK, UsageError, add_root_argument, load_checked

NAME = "next"
ORDER = 21
HELP = "suggest what to read next: unread entries whose prerequisites are all read"
DESCRIPTION = (
    "List the frontier: unread entries all of whose prerequisites and cited entries are read, "
    "ranked by how many entries transitively depend on them, then by importance (PageRank over "
    "the ordering graph), each with its reason. With nothing read, it lists where to start."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--read", action="extend", nargs="+", default=[], metavar="ID",
                        help="entries already read")
    parser.add_argument("--read-file", metavar="FILE",
                        help="more read ids, one per line ('#' starts a comment)")
    parser.add_argument("-n", type=int, default=10, metavar="N", help="how many suggestions (default: 10)")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="text (default) or json")
    add_root_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kbgen.reading.paths import UnknownIds, plan_frontier

    if args.n < 1:
        raise UsageError("-n must be at least 1")
    read = list(args.read)
    if args.read_file:
        from kbgen.io.files import UnreadableFile, read_id_list

        try:
            read += read_id_list(args.read_file)
        except UnreadableFile as exc:
            raise UsageError(str(exc)) from None
    g = load_checked(args).graph
    try:
        suggestions = plan_frontier(g, read, limit=None)
    except UnknownIds as exc:
        print(f"kbgen next: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    shown = suggestions[:args.n]
    if args.format == "json":
        sys.stdout.write(json.dumps({"read": list(dict.fromkeys(read)), "frontier": len(suggestions), "next": [
            {"id": s.id, "kind": s.kind, "title": s.title, "year": s.year, "unlocks": s.unlocks,
             "importance": s.importance, "reason": s.reason} for s in shown]}, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not shown:
        print("Nothing left to read: every entry is read.")
        return EXIT_OK
    print(f"Read next ({len(shown)} of {len(suggestions)} entries whose prerequisites are all read):")
    width = len(str(len(shown)))
    for i, s in enumerate(shown, 1):
        year = f" ({s.year})" if s.year else ""
        print(f"{i:>{width}}. {s.id} — {s.title}{year} [{s.kind}, importance {s.importance:.2f}]")
        print(f"{' ' * width}  {s.reason}")
    return EXIT_OK
