"""``kbgen path``: what to read, in which order and why, to understand the targets."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from kbgen.cli.common import EXIT_OK, EXIT_USAGE, UsageError, add_root_argument, load_checked

NAME = "path"
ORDER = 20
HELP = "plan a reading path to one or more targets, optionally split into sessions"
DESCRIPTION = (
    "List what to read before the targets, in topological order with ties broken by year and id, "
    "each with the reason it is there. By default the path is focused: the targets' curated "
    "prerequisites (transitively) plus the cited ancestors whose relevance (how much of a walk down "
    "the targets' references reaches them, weighted up for shared authors and similar titles; the "
    "best has 1) is at least 0.2, and the next best ancestors apart as optional "
    "background; --budget keeps the best that fit. --complete lists every ancestor through "
    "prerequisites and citations, --hard-only the prerequisites alone. Entries already known, and "
    "what only they lead to, are left out. --topic T leads to the topic's key entries (its most "
    "important, by PageRank inside the topic; with --complete or --hard-only, to every entry of T "
    "and its subtopics). --minutes-per-session splits the path into dated sessions; --format ics "
    "writes them as calendar events. --downstream ID instead lists the entries that build on ID."
)
FORMATS = ("text", "json", "markdown", "mermaid", "bib", "ics")
DEFAULT_SESSION_MINUTES = 90


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _duration(value: str) -> int:
    from kbgen.reading.focus import parse_duration

    try:
        return parse_duration(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _fraction(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value!r}") from None
    if not 0 < number <= 1:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 1, got {value!r}")
    return number


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="*", metavar="TARGET", help="ids of the entries to understand")
    parser.add_argument("--topic", action="append", default=[], metavar="T",
                        help="lead to topic T's key entries (with --complete or --hard-only: to every "
                             "entry of T and its subtopics); repeatable")
    parser.add_argument("--known", action="extend", nargs="+", default=[], metavar="ID",
                        help="entries already read; they and what only they lead to are left out "
                             "(give the TARGETs first: kbgen path vit --known resnet lstm)")
    parser.add_argument("--known-file", metavar="FILE",
                        help="more known ids, one per line ('#' starts a comment)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--complete", action="store_true",
                      help="every ancestor through prerequisites and citations, not only the relevant ones")
    mode.add_argument("--hard-only", action="store_true",
                      help="follow prerequisites only, not citations")
    parser.add_argument("--budget", type=_duration, metavar="TIME",
                        help="focused path: keep the most relevant cited ancestors that fit in TIME "
                             "(e.g. 10h, 90m, 1h30m) once the prerequisites are counted")
    parser.add_argument("--threshold", type=_fraction, metavar="F",
                        help="focused path: the relevance a cited ancestor needs, as a fraction of the most "
                             "relevant one's (default 0.2; lower gives longer paths that go deeper)")
    parser.add_argument("--downstream", metavar="ID",
                        help="instead of a path, list the entries that build on ID, nearest first")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default), json, markdown (a syllabus), mermaid (diagram), bib, ics")
    parser.add_argument("--minutes-per-session", type=_positive, metavar="N",
                        help=f"split the path into sessions of at most N minutes (default with --start: "
                             f"{DEFAULT_SESSION_MINUTES})")
    parser.add_argument("--start", type=_day, metavar="YYYY-MM-DD", help="date of the first session")
    parser.add_argument("--every", type=_positive, default=7, metavar="DAYS",
                        help="days between sessions (default: 7)")
    add_root_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kbgen.reading.paths import UnknownIds

    if args.downstream and (args.targets or args.topic):
        raise UsageError("--downstream ID lists what builds on ID; give it without targets or --topic")
    if not args.downstream and not args.targets and not args.topic:
        raise UsageError("give at least one TARGET, --topic T, or --downstream ID")
    if args.format == "ics" and args.start is None:
        raise UsageError("--format ics needs --start YYYY-MM-DD (the date of the first session)")
    if args.downstream and args.format not in ("text", "json"):
        raise UsageError("--downstream writes --format text or json")
    for name, value in (("--budget", args.budget), ("--threshold", args.threshold)):
        if value is not None and (args.complete or args.hard_only or args.downstream):
            raise UsageError(f"{name} chooses among the cited ancestors of a focused path; "
                             "give it without --complete, --hard-only or --downstream")
    known = list(args.known)
    if args.known_file:
        known += _read_ids(args.known_file)

    g = load_checked(args).graph
    try:
        if args.downstream:
            text = _downstream(g, args.downstream, args.format)
        else:
            text = _path(g, args, known)
    except UnknownIds as exc:
        print(f"kbgen path: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(text)
    return EXIT_OK


def _read_ids(path: str) -> list[str]:
    from kbgen.io.files import UnreadableFile, read_id_list

    try:
        return read_id_list(path)
    except UnreadableFile as exc:
        raise UsageError(str(exc)) from None


def _path(g, args: argparse.Namespace, known: list[str]) -> str:
    from kbgen.output import planformats as pathformats
    from kbgen.reading.paths import plan_sessions

    plan = _plan(g, args, known)
    sessions = None
    if args.minutes_per_session or args.start or args.format == "ics":
        try:
            sessions = plan_sessions(plan, args.minutes_per_session or DEFAULT_SESSION_MINUTES,
                                     args.start or date.today(), args.every)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if args.format == "text":
        return pathformats.format_text(plan, sessions)
    if args.format == "json":
        return pathformats.format_json(plan, sessions)
    if args.format == "markdown":
        return pathformats.format_markdown(plan, sessions)
    if args.format == "mermaid":
        return pathformats.format_mermaid(plan, g)
    if args.format == "bib":
        return pathformats.format_bib(plan, g)
    name = "-".join(args.targets + [f"topic-{t.removeprefix('topic:')}" for t in args.topic])[:60]
    return pathformats.format_ics(sessions or [], g, name=name or None)


def _plan(g, args: argparse.Namespace, known: list[str]):
    from kbgen.reading.focus import THRESHOLD, plan_focused
    from kbgen.reading.paths import plan_path, topic_targets
    from kbgen.reading.topicpath import plan_entries_path, topic_key_entries

    targets = list(args.targets)
    if args.complete or args.hard_only:
        for topic in args.topic:
            targets += topic_targets(g, topic)
        return plan_path(g, targets, known, hard_only=args.hard_only)
    entries = [e for topic in args.topic for e in topic_key_entries(g, topic)]
    threshold = THRESHOLD if args.threshold is None else args.threshold
    if not targets:  # a topic's path drops a key entry that would start it needed by nothing
        return plan_entries_path(g, entries, known, budget=args.budget, threshold=threshold)
    return plan_focused(g, targets + entries, known, budget=args.budget, threshold=threshold)


def _downstream(g, entity_id: str, fmt: str) -> str:
    from kbgen.reading.paths import iter_downstream

    found = iter_downstream(g, entity_id)
    nodes = g.ordering.nodes
    if fmt == "json":
        return json.dumps({"id": entity_id, "downstream": [
            {"id": n, "kind": nodes[n]["kind"], "title": nodes[n]["title"], "year": nodes[n].get("year"),
             "distance": d} for n, d in found]}, indent=2, ensure_ascii=False) + "\n"
    if not found:
        return f"Nothing in the knowledge base builds on {entity_id}.\n"
    lines = [f"{len(found)} entr{'y' if len(found) == 1 else 'ies'} build on {entity_id}, nearest first "
             "(distance in prerequisite/citation steps):"]
    width = len(str(max(d for _, d in found)))
    for n, d in found:
        year = f" ({nodes[n]['year']})" if nodes[n].get("year") else ""
        lines.append(f"  {d:>{width}}  {n} — {nodes[n]['title']}{year} [{nodes[n]['kind']}]")
    return "\n".join(lines) + "\n"
