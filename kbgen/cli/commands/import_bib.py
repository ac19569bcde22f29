"""``kbgen import-bib FILE.bib``: append a BibTeX file's new entries to papers.yaml."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from kbgen.cli.main import EXIT_ERRORS, EXIT_OK, UsageError, add_root_argument

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
    add_root_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kbgen.parse.bibtex import parse_bibtex, record_to_paper
    from kbgen.app.import_plan import Candidate
    from kbgen.parse.sources import UnreadableFile, decode_text, read_named_file

    name = str(args.file)
    try:
        data = read_named_file(args.file)
    except UnreadableFile as exc:
        raise UsageError(f"cannot read {name}: {exc.reason}") from None
    text, diags = decode_text(data, name)
    if text is None:
        return _abort(diags)
    records, bib_diags = parse_bibtex(text, name)
    if any(d.is_error for d in bib_diags):
        return _abort(bib_diags)
    candidates = []
    for rec in records:
        paper = record_to_paper(rec)
        if not args.with_abstract:
            paper.pop("abstract", None)  # the authors' text; papers.yaml holds the group's paraphrase
        candidates.append(Candidate(paper, name, rec.line, f"entry '{rec.key}'"))
    return apply_import(args.root, candidates, header=f"imported from {args.file.name} by kbgen import-bib",
                        dry_run=args.dry_run, source_warnings=bib_diags)


def apply_import(root: Path, candidates: list, *, header: str, dry_run: bool,
                 source_warnings: list | None = None, out=None) -> int:
    """Plan, check and append (shared by ``import-bib`` and ``add``); returns the exit code."""
    from kbgen.core.diagnostics import format_text
    from kbgen.app.import_plan import AppendError, new_errors, plan_import
    from kbgen.parse.located import parse_yaml
    from kbgen.parse.sources import (PAPERS_FILE, FileChangedError, Sources, UnreadableRoot, append_papers,
                           load_sources, read_papers_text)
    from kbgen.check.validate import build_knowledge_base

    out = out or sys.stdout
    if not root.is_dir():
        raise UsageError(f"{root}: not a directory")
    try:
        sources = load_sources(root)
    except UnreadableRoot:
        sources = Sources(root)  # an empty directory: the import starts papers.yaml
    kb, before = build_knowledge_base(sources)
    try:
        old_text = read_papers_text(root)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {PAPERS_FILE}: {exc}") from None
    try:
        plan = plan_import(kb, old_text, candidates, header=header)
    except AppendError as exc:
        print(f"kbgen: {exc}; nothing written", file=sys.stderr)
        return EXIT_ERRORS
    plan.diagnostics = (source_warnings or []) + plan.diagnostics
    if plan.errors:
        return _abort(plan.errors)
    if plan.text:
        new_text = (old_text or "") + plan.text
        papers_doc = parse_yaml(new_text, PAPERS_FILE)
        trial = dataclasses.replace(
            sources, papers=papers_doc,
            diagnostics=[d for d in sources.diagnostics if d.file != PAPERS_FILE] + papers_doc.diagnostics)
        _, after = build_knowledge_base(trial)
        introduced = new_errors(before, after)
        if introduced:
            sys.stderr.write(format_text(introduced))
            print(f"kbgen: the new entries would bring {len(introduced)} error(s) into the knowledge base "
                  f"(lines of {PAPERS_FILE} as it would be); nothing written", file=sys.stderr)
            return EXIT_ERRORS
    for dup in plan.duplicates:
        print(f"skipped {dup.describe()}", file=out)
    for warn in plan.warnings:
        print(format_text([warn]), end="", file=out)
    if dry_run:
        if plan.text:
            print(f"dry run: would append to {PAPERS_FILE}:\n{plan.text}", file=out)
        print(f"dry run: {plan.summary()} (nothing written)", file=out)
        return EXIT_OK
    if plan.text:
        try:
            append_papers(root, plan.text, expected=old_text or "")
        except FileChangedError as exc:
            print(f"kbgen: {exc}; nothing written", file=sys.stderr)
            return EXIT_ERRORS
        except OSError as exc:
            raise UsageError(f"cannot write {PAPERS_FILE}: {exc.strerror or exc}; nothing written") from None
    for paper in plan.added:
        print(f"added {paper['id']}: {paper.get('title', '')}", file=out)
    print(plan.summary(), file=out)
    return EXIT_OK


def _abort(diags: list) -> int:
    from kbgen.core.diagnostics import format_text

    sys.stderr.write(format_text([d for d in diags if d.is_error] or diags))
    print("kbgen: nothing written; fix the errors above and run the import again", file=sys.stderr)
    return EXIT_ERRORS
