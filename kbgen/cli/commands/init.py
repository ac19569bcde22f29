"""``kbgen init [DIR]``: start a knowledge base that validates and builds strictly at once."""

from __future__ import annotations

import argparse
from pathlib import Path

from kbgen.cli.common import EXIT_OK, UsageError

NAME = "init"
ORDER = 5
HELP = "start a new knowledge base in DIR (the site, samples, CI workflows, pre-commit, CONTRIBUTING)"
DESCRIPTION = (
    "Write a new knowledge base into DIR (default: the current directory; created if needed): "
    "mkdocs.yml (Material and the kbgen plugin, docs_dir content), content/index.md, papers.yaml "
    "with two sample papers, content/topics.yaml, a sample reading path, the editor schemas, a "
    ".gitignore, GitHub workflows (validate with annotations and build on every pull request, "
    "deploy to GitHub Pages from main), a pre-commit config, requirements.txt and CONTRIBUTING.md. "
    "'kbgen build --strict' builds it at once. An existing file is never overwritten: it is "
    "skipped, and listed."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", nargs="?", type=Path, metavar="DIR",
                        help="where to start it (default: --root, or the current directory)")
    parser.add_argument("--title", help="the site's title (default: 'Reading group knowledge base')")
    parser.add_argument("--root", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                        help="the same as DIR, for symmetry with the other commands")


def run(args: argparse.Namespace) -> int:
    from kbgen.app.init import DEFAULT_TITLE, InitError, init_knowledge_base
    from kbgen.io.files import exists, is_directory

    root = args.dir if args.dir is not None else args.root
    if exists(root) and not is_directory(root):
        raise UsageError(f"{root}: not a directory")
    try:
        result = init_knowledge_base(root, args.title if args.title is not None else DEFAULT_TITLE)
    except InitError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write into {root}: {exc.strerror or exc}") from None
    for rel in result.created:
        print(f"created {rel}")
    for rel in result.skipped:
        print(f"skipped {rel} (it exists; kbgen init never overwrites a file)")
    where = "" if Path(root) == Path(".") else f"cd {root} && "
    n = len(result.created)
    print(f"{n} file{'s' * (n != 1)} created, {len(result.skipped)} skipped. "
          f"Next: {where}kbgen validate && kbgen serve")
    return EXIT_OK
