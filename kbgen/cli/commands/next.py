"""``kbgen next``: what to read next, given what has been read (and, optionally, a goal)."""

from __future__ import annotations

import argparse
import json
import sys

from kbgen.cli.common import EXIT_OK, EXIT_USAGE, UsageError, add_root_argument, load_checked

NAME = "next"
ORDER = 21
HELP = "suggest what to read next, by closeness to what you have read (and to a goal)"
DESCRIPTION = (
    "List unread entries whose curated prerequisites are all read, ranked by closeness to what you "
    "have read: how much of what an entry builds on you have read, counting most what you have got "
    "to last (the read entries nothing else read builds on); with --goal T, also by how relevant it "
    "is to T (as for T's reading path). Ties go to what it unlocks. The figure printed is the score "
    "they are sorted by, and each entry says why. With nothing read and no goal, it ranks by "
    "importance: where to start."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--known", "--read", dest="known", action="extend", nargs="+", default=[], metavar="ID",
                        help="entries already read (--read is the old spelling)")
    parser.add_argument("--known-file", "--read-file", dest="known_file", metavar="FILE",
                        help="more read ids, one per line ('#' starts a comment)")
    parser.add_argument("--goal", metavar="T", help="only what leads to T, ranked by closeness to it too")
    parser.add_argument("-n", type=int, default=10, metavar="N", help="how many suggestions (default: 10)")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="text (default) or json")
    add_root_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kbgen.reading.frontier import candidates, plan_next
    from kbgen.reading.paths import UnknownIds

    if args.n < 1:
        raise UsageError("-n must be at least 1")
    read = list(args.known)
    if args.known_file:
        from kbgen.io.files import UnreadableFile, read_id_list

        try:
            read += read_id_list(args.known_file)
        except UnreadableFile as exc:
            raise UsageError(str(exc)) from None
    g = load_checked(args).graph
    try:
        shown = plan_next(g, read, goal=args.goal, limit=args.n)
    except UnknownIds as exc:
        print(f"kbgen next: {exc}", file=sys.stderr)
        return EXIT_USAGE
    read = list(dict.fromkeys(read))
    total = len(candidates(g, set(read), args.goal))
    measure = "closeness" if read or args.goal else "importance"
    if args.format == "json":
        sys.stdout.write(json.dumps({
            "read": read, "goal": args.goal, "candidates": total, "measure": measure, "next": [
                {"id": s.id, "kind": s.kind, "title": s.title, "year": s.year, "score": s.score,
                 "unlocks": s.unlocks, "importance": s.importance, "reason": s.reason} for s in shown]},
            indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not shown:
        print(f"Nothing left to read{' towards ' + args.goal if args.goal else ''}: "
              "every entry whose prerequisites are read is read.")
        return EXIT_OK
    if measure == "importance":
        basis = "by importance (nothing read yet: where to start)"
    else:
        basis = "by closeness to what you have read" if read else "by closeness"
        if args.goal:
            basis += f"{' and' if read else ''} to {args.goal}"
    print(f"Read next ({len(shown)} of {total} entries whose prerequisites are all read), {basis}:")
    width = len(str(len(shown)))
    for i, s in enumerate(shown, 1):
        year = f" ({s.year})" if s.year else ""
        print(f"{i:>{width}}. {s.id} — {s.title}{year} [{s.kind}, {measure} {s.score:.2f}]")
        print(f"{' ' * width}  {s.reason}")
    return EXIT_OK
