"""Planning an import into papers.yaml: which entries are new, which are duplicates, what text to append.

Pure: given the knowledge base, the current text of ``papers.yaml`` and the
candidate papers (from a .bib file or from the arXiv/Crossref APIs), decide
and render; :mod:`kbgen.sources` does the (atomic, append-only) write.

A candidate duplicates a paper — of the knowledge base, or an earlier
candidate of the same import — when they share the arXiv id (without
version), the DOI (ignoring case), the normalised title and year, the
normalised title with years one apart (a preprint and its venue version:
DBLP gives the venue's year), or the BibTeX key. Duplicates are skipped and
reported with the entry they duplicate, so importing the same file twice
adds nothing.

New entries are written as YAML by :mod:`kbgen.output.yaml_entry`, indented
like the existing list, one line per value (never wrapped), with venues shortened
(:func:`kbgen.parse.bibfields.short_venue`), and a short name proposed from the
title when it carries one (:func:`kbgen.parse.bibfields.short_from_title`). Existing bytes are never
touched, except an empty flow list ``papers: []``, which becomes a block list
(:attr:`ImportPlan.prefix`).

>>> from kbgen.core.kb import KnowledgeBase
>>> plan = plan_import(KnowledgeBase(), "papers:\\n", [
...     Candidate({"id": "a", "title": "Attention", "year": 2017}, "x.bib", 1, "entry 'a'"),
...     Candidate({"id": "b", "title": "attention!", "year": 2017}, "x.bib", 5, "entry 'b'")])
>>> [p["id"] for p in plan.added], plan.duplicates[0].of, plan.text
(['a'], 'a', '\\n  - id: a\\n    title: Attention\\n    year: 2017\\n')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from pydantic import ValidationError

from kbgen.core.diagnostics import Diagnostic, error, warning
from kbgen.core.kb import KnowledgeBase
from kbgen.core.models import Paper
from kbgen.parse.bibfields import short_from_title
from kbgen.parse.located import parse_yaml

PAPERS_FILE = "papers.yaml"
SCHEMA_LINE = "# yaml-language-server: $schema=./schemas/papers.schema.json"
_LIST_FIELDS = [name for name, info in Paper.model_fields.items() if info.default == []]
_FIELD_CODES = {"id": "KB009", "year": "KB010", "arxiv": "KB011", "doi": "KB012",
                "url": "KB013", "pdf": "KB013", "code": "KB013"}


@dataclass(frozen=True)
class Candidate:
    """A paper to import and where it came from (for diagnostics and reports)."""

    paper: dict[str, Any]
    file: str
    line: int
    label: str  # e.g. "entry 'Vaswani2017'" or "arxiv:1706.03762"
    generated_id: bool = False  # made up by kbgen (kbgen add): a clash is renamed silently


@dataclass(frozen=True)
class Duplicate:
    """A skipped candidate and the entry it duplicates."""

    candidate: Candidate
    of: str  # id of the entry it duplicates
    where: str  # "papers.yaml:18" or "refs.bib:12"
    reason: str  # "same arXiv id 1706.03762"

    def describe(self) -> str:
        where = f"{self.candidate.file}:{self.candidate.line}: " if self.candidate.line else ""
        return (f"{where}{self.candidate.label} duplicates "
                f"'{self.of}' ({self.where}): {self.reason}")


@dataclass
class ImportPlan:
    """What an import would do; ``text`` is appended to papers.yaml as it is."""

    added: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    text: str = ""
    #: When set, papers.yaml becomes ``prefix + text`` instead of its old text + ``text``
    #: (an empty ``papers: []`` rewritten as a block list); ``notes`` says so.
    prefix: str | None = None
    notes: list[str] = field(default_factory=list)
    #: For each added paper: the line of ``text`` (from 0) its item starts on, and where its nodes are
    #: (:func:`kbgen.output.yaml_entry.render_located`), so the import's check need not parse ``text``.
    located: list[tuple[int, dict]] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    def summary(self) -> str:
        """``added N, skipped M duplicates, K warnings``."""
        n, m, k = len(self.added), len(self.duplicates), len(self.warnings)
        return (f"added {n}, skipped {m} duplicate{'s' * (m != 1)}, "
                f"{k} warning{'s' * (k != 1)}")


def dedup_keys(paper: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(space, value, description)`` under which two entries are the same paper.

    >>> [k[:2] for k in dedup_keys({"title": "BERT!", "year": 2019, "doi": "10.1000/ABC"})]
    [('doi', '10.1000/abc'), ('title', 'bert|2019')]
    """
    from kbgen.core.identifiers import normalise_arxiv, normalise_doi, normalise_title

    keys = []
    arxiv = normalise_arxiv(paper.get("arxiv")) if isinstance(paper.get("arxiv"), str) else None
    if arxiv:
        keys.append(("arxiv", arxiv, f"same arXiv id {arxiv}"))
    doi = normalise_doi(paper.get("doi")) if isinstance(paper.get("doi"), str) else None
    if doi:
        keys.append(("doi", doi, f"same DOI {doi}"))
    title = normalise_title(paper["title"]) if isinstance(paper.get("title"), str) else ""
    if title and paper.get("year"):
        keys.append(("title", f"{title}|{paper['year']}", f"same title and year ({paper['year']})"))
    key = paper.get("bibtex_key")
    if isinstance(key, str) and key:
        keys.append(("key", key, f"same BibTeX key {key!r}"))
    return keys


def check_candidate(cand: Candidate) -> list[Diagnostic]:
    """Schema errors of one candidate, located at its source."""
    try:
        # Empty lists given, not defaulted: pydantic deep-copies a mutable default on every
        # validation, a tenth of planning a 10,000-entry import.
        Paper.model_validate({**{name: [] for name in _LIST_FIELDS}, **cand.paper})
    except ValidationError as exc:
        diags = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            name = str(err["loc"][0]) if err["loc"] else ""
            message = err.get("ctx", {}).get("error", err["msg"]) if err["type"] == "value_error" else err["msg"]
            diags.append(error(cand.file, cand.line, 1, _FIELD_CODES.get(name, "KB008"),
                               f"{cand.label}: {loc}: {str(message).lower() if err['type'] == 'missing' else message}"))
        return diags
    return []


def plan_import(kb: KnowledgeBase, papers_text: str | None, candidates: Iterable[Candidate],
                header: str | None = None) -> ImportPlan:
    """Decide what to add and render the text to append (see the module docstring)."""
    plan = ImportPlan()
    index: dict[tuple[str, str], tuple[str, str]] = {}  # (space, value) -> (id, where)
    titles: dict[str, str] = {}  # id -> normalised title, for id clashes
    for paper_id, paper in kb.papers.items():
        origin = kb.origin("paper", paper_id)
        data = paper.model_dump(exclude_none=True)
        for space, value, _ in dedup_keys(data):
            index.setdefault((space, value), (paper_id, str(origin) if origin else PAPERS_FILE))
        titles[paper_id] = _title_key(data)
    by_title: dict[str, list[tuple[str, str, Any]]] = {}  # title -> [(id, where, year)]
    for pid, title in sorted(titles.items()):
        if title:
            by_title.setdefault(title, []).append((pid, _where(kb, pid), kb.papers[pid].year))
    taken = set(kb.entity_ids())
    # Short names and aliases in use, case folded: a short name proposed from a title never clashes with one.
    names = {n.casefold() for e in [*kb.papers.values(), *kb.concepts.values()] for n in [e.short, *e.aliases] if n}
    for cand in candidates:
        diags = check_candidate(cand)
        if diags:
            plan.diagnostics.extend(diags)
            continue
        paper = _ordered(cand.paper)
        keys, title_key = dedup_keys(paper), _title_key(paper)  # neither depends on the id
        found = next(((index[(space, value)], reason) for space, value, reason in keys
                      if (space, value) in index), None)
        if found is None and paper["id"] in titles and titles[paper["id"]] == title_key:
            found = ((paper["id"], _where(kb, paper["id"])), "same id and title")
        same_title = by_title.get(title_key, [])
        if found is None:
            found = _version_of(paper, same_title)
        if found is not None:
            (of, where), reason = found
            plan.duplicates.append(Duplicate(cand, of, where, reason))
            continue
        if same_title:
            plan.diagnostics.append(warning(cand.file, cand.line, 1, "KB018",
                                            f"{cand.label}: same title as '{same_title[0][0]}' ({same_title[0][1]}) "
                                            "but another year; if it is the same paper, delete the new entry"))
        if paper["id"] in taken and cand.generated_id:
            paper["id"] = _unique(paper["id"], taken)
        elif paper["id"] in taken:
            new_id = _unique(paper["id"], taken)
            kind = kb.kind_of(paper["id"]) or "new entry"
            plan.diagnostics.append(warning(cand.file, cand.line, 1, "KB014",
                                            f"{cand.label}: id {paper['id']!r} is already used by a {kind}; "
                                            f"imported as {new_id!r} (rename it if you like)"))
            paper["id"] = new_id
        taken.add(paper["id"])
        if "short" not in paper:
            short = short_from_title(paper.get("title"))
            if short and short.casefold() not in names:
                paper = _ordered({**paper, "short": short})  # proposed from the title, in the model's order
        names.update(n.casefold() for n in [paper.get("short"), *(paper.get("aliases") or [])] if isinstance(n, str))
        titles[paper["id"]] = title_key
        if title_key:
            by_title.setdefault(title_key, []).append((paper["id"], f"{cand.file}:{cand.line}", paper.get("year")))
        for space, value, _ in keys:
            index.setdefault((space, value), (paper["id"], f"{cand.file}:{cand.line}"))
        plan.added.append(paper)
    if plan.added and not plan.errors:
        plan.prefix, note = unflow_empty_list(papers_text)
        if note:
            plan.notes.append(note)
        plan.text = render_append(plan.prefix if plan.prefix is not None else papers_text, plan.added, header,
                                  cleaned=True, located=plan.located)
    return plan


def _version_of(paper: dict[str, Any], same_title: list[tuple[str, str, Any]]):
    """``((id, where), reason)`` of an entry with the same title and a year one apart, or ``None``."""
    year = paper.get("year")
    for other, where, other_year in same_title:
        if isinstance(year, int) and isinstance(other_year, int) and abs(year - other_year) == 1:
            return (other, where), (f"same title, {other_year} vs {year} (a preprint and its venue version; "
                                    "keep the first public year)")
    return None


def _title_key(paper: dict[str, Any]) -> str:
    from kbgen.core.identifiers import normalise_title

    return normalise_title(paper["title"]) if isinstance(paper.get("title"), str) else ""


def _where(kb: KnowledgeBase, paper_id: str) -> str:
    origin = kb.origin("paper", paper_id)
    return str(origin) if origin else PAPERS_FILE


def _unique(base: str, taken: set[str]) -> str:
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _ordered(paper: dict[str, Any]) -> dict[str, Any]:
    """The paper's non-empty fields in the model's order (id, title, authors, year, ...), cleaned,
    with a short venue ("NAACL-HLT 2019", not the proceedings' whole title)."""
    from kbgen.parse.bibfields import short_venue

    fields = {name: clean_value(paper[name]) for name in Paper.model_fields if paper.get(name) not in (None, "", [])}
    if isinstance(fields.get("venue"), str):
        year = fields.get("year")
        # A bibliography names a few venues thousands of times: shorten each (venue, year) once.
        short = (_short_venue(fields["venue"], year) if type(year) in (int, str, type(None))
                 else short_venue(fields["venue"], year))
        fields["venue"] = short or fields["venue"]
    return fields


@functools.lru_cache(maxsize=4096)
def _short_venue(venue: str, year: Any) -> str:
    from kbgen.parse.bibfields import short_venue

    return short_venue(venue, year)


# Control characters, line/paragraph separators, lone surrogates (from a JSON answer's
# "\\ud800") and U+FFFE/U+FFFF: none belongs in bibliographic metadata, and the last two
# cannot be written as YAML at all (libyaml rejects them even in a comment).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def clean_value(value: Any) -> Any:
    """Strings with control characters replaced by spaces (lists cleaned item by item).

    >>> clean_value(["a\x85b", 3])
    ['a b', 3]
    """
    if isinstance(value, str):
        return _CONTROL.sub(" ", value) if _CONTROL.search(value) else value
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    return value


class AppendError(ValueError):
    """papers.yaml has a shape that new entries cannot be appended to."""


def list_indent(papers_text: str | None) -> tuple[int, bool]:
    """Column of the ``-`` of the existing ``papers`` list and whether ``papers:`` must be written.

    >>> list_indent("papers:\\n- id: a\\n"), list_indent("papers:\\n    - id: a\\n"), list_indent("# x\\n")
    ((0, False), (4, False), (2, True))
    """
    if papers_text is None or not papers_text.strip():
        return 2, True
    doc = parse_yaml(papers_text, PAPERS_FILE)
    if doc.diagnostics:
        raise AppendError(f"{PAPERS_FILE} cannot be read; run 'kbgen validate' and fix it first")
    value = doc.value
    if value is None:
        return 2, True
    if not isinstance(value, dict) or "papers" not in value:
        raise AppendError(f"{PAPERS_FILE} must be a mapping with the key 'papers:'")
    items = value["papers"]
    if items is None:
        return 2, False
    line, col = doc.mark(("papers",))
    source_line = papers_text.splitlines()[line - 1] if line >= 1 else ""
    if not isinstance(items, list) or source_line[col - 1:col] == "[":
        raise AppendError(f"{PAPERS_FILE}:{line}: 'papers' is written as a [flow] list; write it as "
                          "'papers:' with one '- id: ...' block per paper so entries can be appended")
    return col - 1, False


_EMPTY_FLOW_RE = re.compile(r"\[\s*\]")


def unflow_empty_list(papers_text: str | None) -> tuple[str | None, str | None]:
    """``papers_text`` without the ``[]`` of an empty ``papers: []``, and a note saying so; else ``(None, None)``.

    Only those two characters (and the spaces before them) go: comments and every other byte stay.

    >>> unflow_empty_list("# mine\\npapers: []  # none yet\\n")
    ('# mine\\npapers:  # none yet\\n', "papers.yaml:2: 'papers: []' rewritten as a block list")
    """
    if not papers_text or "[" not in papers_text:
        return None, None
    doc = parse_yaml(papers_text, PAPERS_FILE)
    if doc.diagnostics or not isinstance(doc.value, dict) or doc.value.get("papers") != []:
        return None, None
    line, col = doc.mark(("papers",))
    lines = papers_text.splitlines(keepends=True)
    start = sum(len(text) for text in lines[:line - 1]) + col - 1
    found = _EMPTY_FLOW_RE.match(papers_text, start)
    if found is None:
        return None, None
    before = papers_text[:start].rstrip(" \t")
    return before + papers_text[found.end():], f"{PAPERS_FILE}:{line}: 'papers: []' rewritten as a block list"


def render_entry(paper: dict[str, Any], indent: int) -> str:
    """One paper as a YAML list item, indented by ``indent`` spaces, one line per value
    (:mod:`kbgen.output.yaml_entry`: PyYAML's pure-Python emitter was half of a large import).

    >>> print(render_entry({"id": "x", "title": "A: B", "arxiv": "1706.03762"}, 2), end="")
      - id: x
        title: 'A: B'
        arxiv: '1706.03762'
    """
    from kbgen.output.yaml_entry import render_entry as render

    return render({k: clean_value(v) for k, v in paper.items()}, indent)


def render_append(papers_text: str | None, papers: list[dict[str, Any]], header: str | None = None,
                  cleaned: bool = False, located: list | None = None) -> str:
    """The exact text to append to ``papers_text`` (``None``: the file does not exist yet).

    ``cleaned``: the papers' values already went through :func:`clean_value` (the plan's do).
    ``located``: a list that receives each paper's ``(first line in the text, marks)``.
    """
    from kbgen.output.yaml_entry import render_located

    indent, needs_key = list_indent(papers_text)
    parts = []
    if papers_text is None or not papers_text.strip():
        parts.append(f"{SCHEMA_LINE}\n" if papers_text is None else "")
    elif not papers_text.endswith(("\n", "\r")):
        parts.append("\n")
    if needs_key:
        parts.append("papers:\n")
    lines = sum(part.count("\n") for part in parts)
    for i, paper in enumerate(papers):
        parts.append("\n")
        comment = " ".join(clean_value(header or "").split())
        if i == 0 and comment:
            parts.append(" " * indent + "# " + comment + "\n")
        lines += 1 + (i == 0 and bool(comment))
        if not cleaned:
            paper = {k: clean_value(v) for k, v in paper.items()}
        text, marks = render_located(paper, indent)
        if located is not None:
            located.append((lines, marks))
        parts.append(text)
        lines += text.count("\n")
    return "".join(parts)


def new_errors(before: list[Diagnostic], after: list[Diagnostic]) -> list[Diagnostic]:
    """Errors of the would-be knowledge base that it did not have before the append."""
    old = {(d.file, d.line, d.column, d.code, d.message) for d in before if d.is_error}
    return [d for d in after if d.is_error and (d.file, d.line, d.column, d.code, d.message) not in old]
