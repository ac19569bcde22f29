"""``kbgen build``: validate, then build the site into a temporary directory and swap it in."""

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
from kbgen.cli.mkdocs_logging import configure_mkdocs_logging

NAME = "build"
ORDER = 40
HELP = "build the static site (MkDocs + Material, or Zensical) of the knowledge base"
DESCRIPTION = (
    "Validate the knowledge base, then build its site with MkDocs and the kbgen plugin from the "
    "root's mkdocs.yml. The site is built into a temporary directory next to the target and "
    "swapped in only when the build succeeds, so a failed build leaves the previous site untouched. "
    "With --strict, any warning (a knowledge-base warning, a broken link or anchor) fails the build. "
    "With --offline, the site also works opened from disk (file://), search included, so it can be "
    "zipped and handed out; its pages are then papers/vit.html rather than papers/vit/. "
    "With --engine zensical, Zensical builds the same pages from kbgen's exported tree instead of "
    "MkDocs (same checks, same atomic swap; --strict also makes Zensical abort on a broken link or "
    "anchor); docs/engines.md lists what differs."
)

#: The site engines: MkDocs with Material and the kbgen plugin (the default), or Zensical.
ENGINES = ("mkdocs", "zensical")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_root_argument(parser)
    parser.add_argument("--site-dir", type=Path, default=None, metavar="DIR",
                        help="where to put the site (default: site_dir of mkdocs.yml, usually ROOT/site)")
    parser.add_argument("--strict", action="store_true",
                        help="fail on any warning: knowledge-base warnings, broken links or anchors")
    parser.add_argument("--offline", action="store_true",
                        help="a site that works opened from disk (file://), search included "
                             "(Material's offline plugin)")
    parser.add_argument("--engine", choices=ENGINES, default="mkdocs",
                        help="the static site generator: mkdocs (MkDocs + Material, the default) or "
                             "zensical (needs `pip install zensical`; see docs/engines.md)")
    add_quiet_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kbgen.app.build import build_site
    from kbgen.app.mkdocs_config import SiteError, SiteUsageError

    progress = progress_for(args)
    loaded = load_checked(args, progress=progress)
    if args.strict and loaded.diagnostics:
        progress.done()
        from kbgen.core.diagnostics import FORMATTERS

        # Every warning, the graph's included, stops the build before MkDocs starts.
        sys.stderr.write(FORMATTERS["text"](loaded.diagnostics, summary=True))
        sys.stderr.write("kbgen build: warnings count as errors with --strict\n")
        return EXIT_ERRORS
    configure_mkdocs_logging()
    builder = build_site
    if args.engine == "zensical":
        from kbgen.app.zensical_build import build_with_zensical

        builder = build_with_zensical
    try:
        result = builder(args.root, args.site_dir.resolve() if args.site_dir else None, strict=args.strict,
                         loaded=loaded, offline=args.offline, progress=progress)
    except SiteUsageError as exc:
        raise UsageError(str(exc)) from None
    except SiteError as exc:
        progress.done()
        print(f"kbgen build: {exc}", file=sys.stderr)
        print("kbgen build: the previous site (if any) was left unchanged", file=sys.stderr)
        return EXIT_ERRORS
    finally:
        progress.done()  # the progress line goes before the result is printed
    if result.warnings:
        sys.stderr.write(result.warnings)  # Zensical's own report of broken links and the like
    print(f"kbgen build: site built in {result.site_dir} ({result.seconds:.1f} s)", file=sys.stderr)
    print(f"kbgen build: {advice(result.site_dir, result.offline)}", file=sys.stderr)
    return EXIT_OK


def advice(site_dir: Path, offline: bool) -> str:
    """How to look at the built site: advice that works for the kind of site built."""
    if offline:
        return f"open {site_dir / 'index.html'} in a browser, or zip {site_dir} for readers without a server"
    return (f"serve it with `kbgen serve` (live preview) or `python3 -m http.server -d {site_dir}`; "
            "opened from disk its links and search do not work (build with --offline for that)")
