"""``kbgen export DIR``: the site as plain Markdown plus an mkdocs.yml without the kbgen plugin."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kbgen.cli.common import (
    EXIT_ERRORS,
    EXIT_OK,
    UsageError,
    add_quiet_argument,
    add_root_argument,
    load_checked,
    progress_for,
)

NAME = "export"
ORDER = 42
HELP = "write the site's full Markdown tree and an mkdocs.yml to DIR (builds without kbgen)"
DESCRIPTION = (
    "Write every generated page (papers, topics, paths, indexes, kb.json, references.bib), the "
    "content with its generated headers and footers, kbgen's assets, and an mkdocs.yml without the "
    "kbgen plugin to DIR/docs and DIR/mkdocs.yml, so `mkdocs build` in DIR builds the same pages "
    "with Material for MkDocs alone (or another MkDocs-compatible builder)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, metavar="DIR", help="where to write the tree (created if needed)")
    add_root_argument(parser)
    add_quiet_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kbgen.app.export import export_tree
    from kbgen.app.mkdocs_config import SiteError, SiteUsageError

    progress = progress_for(args)
    loaded = load_checked(args, progress=progress)
    out = args.dir.resolve()
    try:
        count = export_tree(loaded, out, progress=progress)
    except SiteUsageError as exc:
        raise UsageError(str(exc)) from None
    except SiteError as exc:
        progress.done()
        print(f"kbgen export: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    finally:
        progress.done()  # the progress line goes before the result is printed
    print(f"kbgen export: wrote {count} files to {out}; build them with `cd {args.dir} && mkdocs build`",
          file=sys.stderr)
    return EXIT_OK
