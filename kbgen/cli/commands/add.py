"""``kbgen add arxiv:ID doi:DOI ...``: fetch metadata and append new papers to papers.yaml."""

from __future__ import annotations

import argparse
import sys

from kbgen.cli.common import EXIT_ERRORS, UsageError, add_quiet_argument, add_root_argument, progress_for

NAME = "add"
ORDER = 61
HELP = "add papers by arXiv id or DOI, with metadata from the arXiv API and Crossref"
DESCRIPTION = (
    "Fetch each paper's metadata from the arXiv API (arxiv:1706.03762) or Crossref "
    "(doi:10.18653/v1/N19-1423), give it an id (first author's last name + year + first title "
    "word, e.g. vaswani2017attention) and append it to papers.yaml exactly as 'kbgen import-bib' "
    "does: duplicates are skipped and reported, existing bytes are kept, the write is atomic. "
    "Any network failure, timeout, HTTP error or malformed response is one error line, exit 1, "
    "and nothing is written. Base URLs: --arxiv-api / $KBGEN_ARXIV_API, --crossref-api / "
    "$KBGEN_CROSSREF_API."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("refs", nargs="+", metavar="arxiv:ID|doi:DOI",
                        help="papers to add, e.g. arxiv:1706.03762 doi:10.18653/v1/N19-1423")
    parser.add_argument("--dry-run", action="store_true", help="report what would be added; write nothing")
    parser.add_argument("--with-abstract", action="store_true",
                        help="keep the authors' abstract (by default left out: write your own paraphrase)")
    parser.add_argument("--arxiv-api", metavar="URL", help="arXiv API base URL (default: $KBGEN_ARXIV_API "
                        "or https://export.arxiv.org/api)")
    parser.add_argument("--crossref-api", metavar="URL", help="Crossref API base URL (default: "
                        "$KBGEN_CROSSREF_API or https://api.crossref.org)")
    parser.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS",
                        help="give up on a request after this long (default: 20)")
    add_quiet_argument(parser)
    add_root_argument(parser)


def parse_refs(refs: list[str]) -> list[tuple[str, str]]:
    """``[("arxiv", "1706.03762"), ("doi", "10.18653/v1/N19-1423")]``; :class:`UsageError` otherwise."""
    from kbgen.core.identifiers import parse_arxiv_id, parse_doi

    parsed = []
    for ref in refs:
        scheme, sep, value = ref.partition(":")
        scheme = scheme.lower()
        try:
            if sep and scheme == "arxiv":
                parsed.append(("arxiv", parse_arxiv_id(value)))
            elif sep and scheme == "doi":
                parsed.append(("doi", parse_doi(value)))
            else:
                raise ValueError(f"{ref!r}: write arxiv:ID or doi:DOI, e.g. arxiv:1706.03762")
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    return parsed


def run(args: argparse.Namespace) -> int:
    from kbgen.app.adding import RemoteError, fetch_papers
    from kbgen.app.import_plan import Candidate
    from kbgen.cli.import_report import run_import
    from kbgen.core.identifiers import make_paper_id
    from kbgen.io.files import is_directory

    refs = parse_refs(args.refs)
    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if not is_directory(args.root):
        raise UsageError(f"{args.root}: not a directory")
    progress = progress_for(args)
    try:
        fetched = fetch_papers(refs, arxiv_api=args.arxiv_api, crossref_api=args.crossref_api,
                               timeout=args.timeout, progress=progress)
    except RemoteError as exc:
        progress.done()
        print(f"kbgen add: {exc}; nothing written", file=sys.stderr)
        return EXIT_ERRORS
    taken: set[str] = set()  # ids of this batch; plan_import makes them unique against the KB
    candidates = []
    for label, paper in fetched:
        if not args.with_abstract:
            paper.pop("abstract", None)
        paper = {"id": make_paper_id(paper, taken), **paper}
        taken.add(paper["id"])
        source = "arXiv API" if label.startswith("arxiv:") else "Crossref"
        candidates.append(Candidate(paper, source, 0, label, generated_id=True))
    return run_import(args.root, candidates, header="added by kbgen add", dry_run=args.dry_run, progress=progress)

