"""Importing papers into papers.yaml (``kbgen import-bib`` and ``kbgen add``): plan, check, append.

The plan (:mod:`kbgen.app.import_plan`) decides what is new; this use case
checks that the new entries bring no error into the knowledge base and then
appends them atomically, keeping every existing byte. The caller prints the
:class:`ImportOutcome`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from kbgen.app.import_plan import AppendError, Candidate, ImportPlan, new_errors, plan_import
from kbgen.app.load import load_sources
from kbgen.app.progress import NO_PROGRESS, Progress
from kbgen.check.validate import build_knowledge_base
from kbgen.core.collector import paused_gc
from kbgen.core.diagnostics import Diagnostic
from kbgen.core.identifiers import make_paper_id
from kbgen.core.kinds import PAPERS_FILE
from kbgen.io.atomic import FileChangedError, append_papers, write_atomic
from kbgen.io.files import UnreadableFile, UnreadableRoot, is_directory, read_named_file, read_papers_text
from kbgen.io.lock import locked
from kbgen.parse.bibfields import record_to_paper
from kbgen.parse.bibtex import parse_bibtex
from kbgen.parse.located import MAX_SCALAR_CHARS, LocatedDoc, parse_yaml
from kbgen.parse.sources import Sources, decode_text


class ImportUsageError(Exception):
    """An input or papers.yaml cannot be read or written (bad usage: exit 2)."""


@dataclass
class ImportOutcome:
    """What an import did: ``failed`` is one line when nothing could be written."""

    plan: ImportPlan | None = None
    #: Errors that stopped the import (of the input, or brought into the knowledge base).
    errors: list[Diagnostic] = field(default_factory=list)
    failed: str | None = None
    written: bool = False


def read_bib_candidates(path: Path, with_abstract: bool = False,
                        progress: Progress = NO_PROGRESS) -> tuple[list[Candidate], list[Diagnostic]]:
    """The papers of a .bib file named on the command line, and its diagnostics.

    The authors' abstracts are dropped unless ``with_abstract``: papers.yaml
    holds the group's own paraphrase. ``progress`` is told the stages (reading, decoding).
    """
    with paused_gc():
        return _read_bib_candidates(path, with_abstract, progress)




def _read_bib_candidates(path: Path, with_abstract: bool, progress: Progress) -> tuple[list[Candidate], list[Diagnostic]]:
    name = str(path)
    progress.stage(f"reading {name}")
    try:
        data = read_named_file(path)
    except UnreadableFile as exc:
        raise ImportUsageError(f"cannot read {name}: {exc.reason}") from None
    text, diags = decode_text(data, name)
    if text is None:
        return [], diags
    records, bib_diags = parse_bibtex(text, name)
    progress.advance(len(records))
    return bib_candidates(records, name, with_abstract, progress=progress), bib_diags


def bib_candidates(records: list, name: str, with_abstract: bool = False,
                   progress: Progress = NO_PROGRESS) -> list[Candidate]:
    """Candidates of BibTeX records, with readable ids: ``hochreiter1997long``, not the exporter's
    ``DBLP:journals/neco/HochreiterS97`` (kept as ``bibtex_key``); unique within the file, and made
    unique against the knowledge base by the plan."""
    taken: set[str] = set()
    candidates = []
    progress.stage("decoding entries", total=len(records))
    for rec in records:
        paper = record_to_paper(rec)
        if not with_abstract:
            paper.pop("abstract", None)
        paper["id"] = make_paper_id(paper, taken)
        taken.add(paper["id"])
        candidates.append(Candidate(paper, name, rec.line, f"entry '{rec.key}'", generated_id=True))
        progress.advance()
    return candidates


def import_candidates(root: Path, candidates: list[Candidate], *, header: str, dry_run: bool,
                      source_warnings: list[Diagnostic] | None = None,
                      progress: Progress = NO_PROGRESS) -> ImportOutcome:
    """Plan, check and (unless ``dry_run``) append the new candidates to ``root/papers.yaml``.

    The whole of it holds the knowledge base's lock and reads papers.yaml under
    it, so two imports at once add every entry exactly once. ``progress`` is
    told the stages; the caller calls its ``done()``.
    """
    if not is_directory(root):
        raise ImportUsageError(f"{root}: not a directory")
    with locked(root), paused_gc():
        return _import_locked(root, candidates, header=header, dry_run=dry_run, source_warnings=source_warnings,
                              progress=progress)


def _import_locked(root: Path, candidates: list[Candidate], *, header: str, dry_run: bool,
                   source_warnings: list[Diagnostic] | None, progress: Progress) -> ImportOutcome:
    progress.stage("reading the knowledge base")
    try:
        sources = load_sources(root)
    except UnreadableRoot:
        sources = Sources(root)  # an empty directory: the import starts papers.yaml
    kb, before = build_knowledge_base(sources)
    try:
        old_text = read_papers_text(root)
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportUsageError(f"cannot read {PAPERS_FILE}: {exc}") from None
    progress.stage("planning", total=len(candidates))
    try:
        plan = plan_import(kb, old_text, candidates, header=header)
    except AppendError as exc:
        return ImportOutcome(failed=str(exc))
    progress.advance(len(candidates))
    plan.diagnostics = (source_warnings or []) + plan.diagnostics
    outcome = ImportOutcome(plan)
    if plan.errors:
        outcome.errors = plan.errors
        return outcome
    if plan.text:
        progress.stage("checking the new entries", total=len(plan.added))
        introduced, warned = _introduced(sources, before, new_papers_doc(sources.papers, old_text, plan))
        if introduced:
            outcome.errors = introduced
            outcome.failed = (f"the new entries would bring {len(introduced)} error(s) into the knowledge base "
                              f"(lines of {PAPERS_FILE} as it would be)")
            return outcome
        plan.diagnostics += warned
    if dry_run or not plan.text:
        return outcome
    progress.stage(f"writing {PAPERS_FILE}")
    try:
        write_papers(root, old_text, plan)
    except FileChangedError as exc:
        outcome.failed = str(exc)
        return outcome
    except OSError as exc:
        raise ImportUsageError(f"cannot write {PAPERS_FILE}: {exc.strerror or exc}; nothing written") from None
    outcome.written = True
    return outcome


def new_papers_text(old_text: str | None, plan: ImportPlan) -> str:
    """papers.yaml as the plan would leave it."""
    return (plan.prefix if plan.prefix is not None else old_text or "") + plan.text


def write_papers(root: Path, old_text: str | None, plan: ImportPlan) -> None:
    """The one place an import writes papers.yaml: an atomic append that keeps every byte, or
    (for ``papers: []`` only) an atomic rewrite; either refuses when the file changed meanwhile."""
    if plan.prefix is None:
        append_papers(root, plan.text, expected=old_text or "")
        return
    # Under the import's lock: compare, then write atomically.
    if read_papers_text(root) != old_text:
        raise FileChangedError(f"{PAPERS_FILE} changed while kbgen was working; run the command again")
    write_atomic(root / PAPERS_FILE, new_papers_text(old_text, plan))


def new_papers_doc(old_doc: LocatedDoc | None, old_text: str | None, plan: ImportPlan) -> LocatedDoc:
    """papers.yaml as the plan would leave it, parsed with locations.

    Parsing the new text again took a fifth of a 10,000-entry import, so when the
    file already holds a block list of papers the new entries are added to the
    parsed old file instead: their values are the plan's (the entry writer is
    proven to read back as them) and their locations are the writer's
    (``tests/test_importer.py`` checks both against a parse). Any other shape —
    a new file, ``papers: []``, CR or Unicode line breaks, a value too long to
    read — is parsed.
    """
    new_text = new_papers_text(old_text, plan)
    old_list = old_doc.value.get("papers") if old_doc is not None and isinstance(old_doc.value, dict) else None
    if (plan.prefix is not None or old_doc is None or old_doc.diagnostics or not old_text
            or not isinstance(old_list, list) or not old_list or len(plan.located) != len(plan.added)
            or any(char in old_text for char in "\r\x85\u2028\u2029")
            or any(_longest(paper) > MAX_SCALAR_CHARS for paper in plan.added)):
        return parse_yaml(new_text, PAPERS_FILE)
    base = old_text.count("\n") + 1
    marks = dict(old_doc.marks)
    for n, (paper_start, paper_marks) in enumerate(plan.located, start=len(old_list)):
        at = base + paper_start
        for path, (line, column) in paper_marks.items():
            marks[("papers", n, *path)] = (at + line, column)
    return LocatedDoc(PAPERS_FILE, {**old_doc.value, "papers": old_list + plan.added}, marks, [])


def _longest(value) -> int:
    if type(value) is dict:
        # A paper: mostly strings and numbers at the top, so no call per field for those.
        longest = 0
        for item in value.values():
            size = len(item) if type(item) is str else 0 if type(item) in (int, bool) else _longest(item)
            longest = max(longest, size)
        return longest
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        value = list(value.values())
    return max((_longest(item) for item in value), default=0) if isinstance(value, list) else 0


def _introduced(sources: Sources, before: list[Diagnostic],
                papers_doc: LocatedDoc) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Errors and warnings the knowledge base would have with ``papers_doc`` as papers.yaml that it has not now."""
    trial = dataclasses.replace(
        sources, papers=papers_doc,
        diagnostics=[d for d in sources.diagnostics if d.file != PAPERS_FILE] + papers_doc.diagnostics)
    _, after = build_knowledge_base(trial)
    old = {(d.code, d.message) for d in before if not d.is_error}
    warned = [d for d in after if not d.is_error and (d.code, d.message) not in old]
    return new_errors(before, after), warned
