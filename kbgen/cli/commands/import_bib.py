"""``kbgen import-bib FILE.bib``: append a BibTeX file's new entries to papers.yaml."""

from __future__ import annotations

import argparse
from pathlib import Path

from kbgen.cli.common import UsageError, add_quiet_argument, add_root_argument, progress_for
from kbgen.cli.import_report import print_abort, run_import

NAME = "import-bib"
ORDER = 62
HELP = "add the entries of a BibTeX file to papers.yaml (duplicates skipped)"
DESCRIPTION = (
    "Read FILE.bib (arXiv, DBLP, Google Scholar, Zotero/Better BibTeX, ACL Anthology and other "
    "exporters), decode LaTeX to Unicode, find arXiv ids and DOIs wherever the exporter put them, "
    "skip entries that duplicate a paper of the knowledge base or an earlier entry of the file "
    "(same arXiv id, DOI, title and year, or BibTeX key), and append the rest to papers.yaml. "
    "Existing bytes of papers.yaml are never changed and the write is atomic. Any syntax error, "
    "invalid entry, or error the new entries would bring into the knowledge base aborts the "
    "import before anything is written (exit 1)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE.bib", help="the BibTeX file to import")
    parser.add_argument("--dry-run", action="store_true", help="report what would be added; write nothing")
    parser.add_argument("--with-abstract", action="store_true",
                        help="keep the entries' abstracts (by default left out: the group writes its own)")
    add_quiet_argument(parser)
    add_root_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kbgen.app.importing import ImportUsageError, read_bib_candidates

    progress = progress_for(args)
    try:
        candidates, diags = read_bib_candidates(args.file, with_abstract=args.with_abstract, progress=progress)
    except ImportUsageError as exc:
        progress.done()
        raise UsageError(str(exc)) from None
    if any(d.is_error for d in diags):
        progress.done()
        return print_abort(diags)
    return run_import(args.root, candidates, header=f"imported from {args.file.name} by kbgen import-bib",
                      dry_run=args.dry_run, source_warnings=diags, progress=progress)
