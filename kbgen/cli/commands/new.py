"""``kbgen new KIND ID``: write a new contribution from a skeleton that validates at once."""

from __future__ import annotations

import argparse

from kbgen.cli.common import EXIT_OK, UsageError, add_root_argument, load
from kbgen.io.gitconfig import git_user_name

NAME = "new"
ORDER = 60
HELP = "start a new summary, concept, story, resource or reading path from a skeleton"
DESCRIPTION = (
    "Write a new file with complete front matter and a section skeleton for its kind: "
    "'kbgen new summary PAPER_ID', 'kbgen new concept ID', 'kbgen new story ID', "
    "'kbgen new resource ID --url URL', 'kbgen new path ID --steps A,B,C'. "
    "Each section holds a line 'TODO(kbgen): ...' saying what to write; 'kbgen validate' reports "
    "every one left, so an unfilled skeleton is never published. Contributors come from "
    "--contributor, else from 'git config user.name'. It never overwrites a file; an unknown or "
    "taken id is bad usage (exit 2, with suggestions)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from kbgen.app.scaffold import KIND_FOLDERS

    parser.add_argument("kind", choices=list(KIND_FOLDERS), help="what to create")
    parser.add_argument("id", help="the new entry's id (for a summary: the paper's id)")
    parser.add_argument("--title", help="title (default: from the paper or the id)")
    parser.add_argument("--contributor", action="append", default=[], metavar="NAME",
                        help="your name or handle (repeat for several; default: git config user.name)")
    parser.add_argument("--file-id", metavar="ID",
                        help="summary only: file name when the paper already has a summary")
    parser.add_argument("--paper", metavar="PAPER_ID", help="story only: the paper the story is about")
    parser.add_argument("--url", help="resource only: its address")
    parser.add_argument("--resource-kind", metavar="KIND",
                        help="resource only: cheat-sheet, tool, course, book, video, article, dataset, other")
    parser.add_argument("--steps", metavar="ID,ID,...", help="path only: entity ids in reading order")
    add_root_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kbgen.app.scaffold import relative_path, render_scaffold
    from kbgen.check.coverage import unreadable_files
    from kbgen.core.diagnostics import suggest
    from kbgen.core.identifiers import ID_RE
    from kbgen.core.models import Resource
    from kbgen.io.atomic import write_new_file

    loaded = load(args)
    unread = unreadable_files(loaded.diagnostics)
    if unread:  # the id may be in a file that could not be read: "unknown" would mislead
        raise UsageError(f"{', '.join(unread)} could not be read; fix it first ('kbgen validate' shows where)")
    kb = loaded.kb
    kind = args.kind
    for value in filter(None, (args.id, args.file_id)):
        if not ID_RE.match(value) or len(value) > 80:
            raise UsageError(f"{value!r} is not an id; use lowercase letters, digits and single hyphens")
    name = git_user_name(args.root)
    contributors = args.contributor or ([name] if name else [])
    options: dict = {"title": args.title, "contributors": contributors}
    file_id = args.id
    if kind == "summary":
        paper = kb.papers.get(args.id)
        if paper is None:
            return _refuse(f"unknown paper id {args.id!r} (add a paper first with 'kbgen add', "
                           f"'kbgen import-bib' or papers.yaml){suggest(args.id, kb.papers)}")
        options["paper"] = paper.model_dump(exclude_none=True)
        file_id = args.file_id or args.id
        if file_id in kb.summaries and not args.file_id:
            return _refuse(f"paper {args.id!r} already has a summary ({kb.origin('summary', file_id)}); "
                           "pass --file-id ID to write a second one")
    elif kind in ("concept", "story", "resource"):
        if args.id in kb.entity_ids():
            return _refuse(f"id {args.id!r} is already used by the {kb.kind_of(args.id)} at "
                           f"{kb.origin(kb.kind_of(args.id), args.id)}; choose another id")
    if kind == "story" and args.paper:
        paper = kb.papers.get(args.paper)
        if paper is None:
            return _refuse(f"unknown paper id {args.paper!r}{suggest(args.paper, kb.papers)}")
        options["paper"] = {"id": paper.id, "topics": list(paper.topics)}
    if kind == "resource":
        options["url"] = args.url
        if args.resource_kind:
            allowed = Resource.model_fields["kind"].annotation.__args__
            if args.resource_kind not in allowed:
                raise UsageError(f"--resource-kind must be one of {', '.join(allowed)}")
            options["resource_kind"] = args.resource_kind
    if kind == "path":
        if args.id in kb.paths:
            return _refuse(f"path {args.id!r} already exists ({kb.origin('path', args.id)})")
        steps = [s.strip() for s in (args.steps or "").split(",") if s.strip()]
        if not steps:
            raise UsageError("a path needs at least one step: --steps ID,ID,... (ids in reading order)")
        known = kb.entity_ids()
        for step in steps:
            if step not in known:
                return _refuse(f"unknown step id {step!r}{suggest(step, known)}")
        options["steps"] = steps
    text = render_scaffold(kind, file_id, **options)
    rel = relative_path(kind, file_id)
    try:
        write_new_file(args.root / rel, text, root=args.root)
    except FileExistsError:
        return _refuse(f"{rel} already exists; kbgen new never overwrites a file")
    except OSError as exc:
        raise UsageError(f"cannot write {rel}: {exc.strerror}") from None
    print(f"created {rel}")
    if kind == "resource" and not args.url:
        print(f"{rel}: add the resource's 'url:' (kbgen validate asks for it)")
    if kind == "summary" and not contributors:
        print(f"{rel}: add your name to 'contributors:' (no --contributor and no git user.name)")
    return EXIT_OK


def _refuse(message: str) -> int:
    """An id on the command line that cannot be used: bad usage, exit 2."""
    raise UsageError(message)
