"""``kbgen serve``: preview the site with live reload (MkDocs' development server).

Rebuilds are MkDocs' dirty builds: a page is written again only when it is
modified, and the kbgen plugin says a generated page or a page it decorates
is modified only when its output changed (a digest of what was last written;
:mod:`kbgen.plugin.generated`). After one summary is edited, the summary and
the pages whose output the edit changes are written; the others are not.
"""

from __future__ import annotations

import argparse
import sys

from kbgen.cli.common import EXIT_ERRORS, EXIT_OK, UsageError, add_root_argument, load_checked

NAME = "serve"
ORDER = 41
HELP = "preview the site with live reload while you edit papers.yaml and content/"
DESCRIPTION = (
    "Validate the knowledge base, then serve its site on HOST:PORT and rebuild it whenever "
    "papers.yaml, mkdocs.yml or anything under content/ changes."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_root_argument(parser)
    parser.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT",
                        help="address to serve on (default: 127.0.0.1:8000)")


def run(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    from kbgen.app.mkdocs_config import SiteError, config_path
    from kbgen.cli.mkdocs_logging import configure_mkdocs_logging

    host, _, port = args.dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"--dev-addr {args.dev_addr!r} is not HOST:PORT, e.g. 127.0.0.1:8000")
    load_checked(args)
    try:
        config_file = config_path(args.root)
    except SiteError as exc:
        raise UsageError(str(exc)) from None
    configure_mkdocs_logging("INFO")
    try:
        serve(str(config_file), livereload=True, build_type="dirty", dev_addr=args.dev_addr)
    except MkDocsException as exc:
        print(f"kbgen serve: {str(exc).strip()}", file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK
