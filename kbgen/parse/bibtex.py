"""BibTeX in and out: pure functions from text to records and diagnostics, and back.

Parsing is layered on bibtexparser 2.x's splitter (``parse_string`` with an
empty parse stack), which is fault tolerant and keeps line numbers. Everything
BibTeX itself would do to a value happens here, because bibtexparser's
middlewares do not cover it: ``@string`` macros with ``#`` concatenation, the
month macros, ``crossref`` inheritance, then LaTeX to Unicode with
:func:`kbgen.latex.decode_latex` (bibtexparser's own LaTeX middleware is ~20x
slower, see PERFORMANCE-NOTES.md).

>>> records, diags = parse_bibtex('@article{Vaswani2017, title={Attention Is All You {N}eed},'
...                               ' author={Vaswani, Ashish and Kaiser, {\\\\L}ukasz}, year=2017}', "x.bib")
>>> paper = record_to_paper(records[0])
>>> paper["id"], paper["title"], paper["authors"], paper["year"]
('vaswani2017', 'Attention Is All You Need', ['Ashish Vaswani', 'Łukasz Kaiser'], 2017)
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from kbgen.core.diagnostics import Diagnostic, error, suggest, warning
from kbgen.parse.latex import decode_latex

__all__ = [
    "BibRecord",
    "format_bibtex",
    "normalise_arxiv",
    "normalise_doi",
    "normalise_title",
    "parse_bibtex",
    "record_to_paper",
    "slugify_key",
]

# bibtexparser logs every syntax error it recovers from; we report them as
# diagnostics instead, so keep its records off stderr unless the application
# configures logging itself.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

#: BibTeX's predefined month macros (plain.bst spells them out in full).
MONTHS: dict[str, str] = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April",
    "may": "May", "jun": "June", "jul": "July", "aug": "August",
    "sep": "September", "oct": "October", "nov": "November", "dec": "December",
}

#: Fields whose value is an identifier or a path, not text: no LaTeX decoding.
VERBATIM_FIELDS = frozenset(
    {"url", "doi", "eprint", "file", "pdf", "biburl", "bibsource", "timestamp",
     "urldate", "isbn", "issn", "crossref", "ids", "eprinttype", "archiveprefix"}
)

#: Fields a child entry inherits from its ``crossref`` target when it lacks them.
#: Identifiers (url, doi, isbn, ...) describe the target, not the child.
INHERITED_FIELDS = (
    "booktitle", "journal", "journaltitle", "year", "month", "publisher", "editor",
    "address", "location", "series", "volume", "number", "organization",
    "institution", "school", "eventtitle",
)

#: Entry types that hold other works; referenced by a crossref they are not papers.
CONTAINER_TYPES = frozenset(
    {"proceedings", "mvproceedings", "book", "mvbook", "collection",
     "mvcollection", "periodical", "reference", "mvreference"}
)


@dataclass(frozen=True)
class BibRecord:
    """One BibTeX entry, with every value resolved to plain Unicode text.

    ``raw_fields`` holds the same fields with macros resolved and crossref
    inherited but LaTeX and braces untouched: names are split on it, because a
    corporate author such as ``{Barnes and Noble}`` is only told apart from two
    people by its braces.
    """

    key: str
    entry_type: str
    fields: dict[str, str]
    line: int
    field_lines: dict[str, int]
    raw: str
    raw_fields: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


# --------------------------------------------------------------------------
# parsing


@dataclass
class _Pending:
    """An entry between splitting and decoding (crossref needs all entries first)."""

    key: str
    entry_type: str
    line: int
    column: int
    raw: str
    values: dict[str, str]
    lines: dict[str, int]


def parse_bibtex(text: str, file: str) -> tuple[list[BibRecord], list[Diagnostic]]:
    """Parse BibTeX ``text`` (read from ``file``, used only in diagnostics).

    Returns the papers in file order and every problem found; a block with a
    syntax error is reported (KB001) and skipped, the rest still loads.
    ``@comment``, ``@preamble`` and entries that only serve as a ``crossref``
    target are not returned. Never raises.
    """
    diags: list[Diagnostic] = []
    try:
        pending, referenced = _collect_entries(text, file, diags)
        records = [_to_record(p) for p in pending if p.key.lower() not in referenced
                   or p.entry_type not in CONTAINER_TYPES]
    except Exception as exc:  # a parser bug must be a diagnostic, never a traceback
        return [], diags + [error(file, 1, 1, "KB001",
                                  f"the BibTeX parser failed on this file ({exc!r}); "
                                  "check it with `bibtex` or a BibTeX linter")]
    return records, diags


def _collect_entries(text: str, file: str, diags: list[Diagnostic]) -> tuple[list[_Pending], set[str]]:
    """Split ``text`` and resolve macros and crossrefs; return entries and crossref targets."""
    import bibtexparser  # deferred: commands that never read BibTeX need not pay for it
    from bibtexparser import model

    library = bibtexparser.parse_string(text, parse_stack=[])
    lines = text.splitlines()
    macros = dict(MONTHS)
    pending: list[_Pending] = []
    first_line: dict[str, int] = {}
    for block in library.blocks:
        if isinstance(block, model.DuplicateBlockKeyBlock):
            block = block.ignore_error_block  # duplicates are detected below, case-insensitively
        if isinstance(block, model.DuplicateFieldKeyBlock):
            _report_duplicate_fields(block, file, lines, diags)
            block = block.ignore_error_block
        if isinstance(block, model.ParsingFailedBlock):
            diags.append(_syntax_error(block, file, lines))
        elif isinstance(block, model.String):
            _define_macro(block, macros, file, lines, diags)
        elif isinstance(block, model.Entry):
            entry = _read_entry(block, macros, file, lines, diags)
            if entry is not None and _check_key(entry, first_line, file, diags):
                pending.append(entry)
    referenced = _inherit_crossrefs(pending, file, lines, diags)
    return pending, referenced


def _line_of(block: Any) -> int:
    """1-based start line of a bibtexparser block (the splitter counts from 0)."""
    return (block.start_line or 0) + 1


def _column_of(lines: list[str], line: int, needle: str) -> int:
    """1-based column of ``needle`` on ``line``, or 1 when it is not there."""
    if 1 <= line <= len(lines):
        col = lines[line - 1].find(needle)
        if col >= 0:
            return col + 1
    return 1


def _syntax_error(block: Any, file: str, lines: list[str]) -> Diagnostic:
    """KB001 for a block the splitter could not parse, at the block's start."""
    line = _line_of(block)
    reason = getattr(block.error, "abort_reason", None) or str(block.error) or "syntax error"
    head = (block.raw or "").split("{", 1)[0].split("(", 1)[0].strip() or "@"
    return error(
        file, line, _column_of(lines, line, "@"), "KB001",
        f"cannot parse the {head} block: {reason.strip()}; check for an unbalanced brace "
        "or quote, or a missing comma between fields (this entry is skipped)",
    )


def _report_duplicate_fields(block: Any, file: str, lines: list[str], diags: list[Diagnostic]) -> None:
    """BibTeX warns about a repeated field and keeps the first value; so do we."""
    line = _line_of(block)
    names = ", ".join(sorted(block.duplicate_keys))
    diags.append(warning(file, line, _column_of(lines, line, "@"), "KB030",
                         f"field {names} appears more than once in this entry; "
                         "the first value is used, remove the others"))


def _define_macro(block: Any, macros: dict[str, str], file: str, lines: list[str],
                  diags: list[Diagnostic]) -> None:
    """Evaluate an ``@string`` definition with the macros defined before it."""
    line = _line_of(block)
    value, undefined = evaluate_value(block.value, macros)
    for name in undefined:
        diags.append(_undefined_macro(file, line, _column_of(lines, line, name), name))
    macros[block.key.strip().lower()] = value


def _undefined_macro(file: str, line: int, column: int, name: str) -> Diagnostic:
    return warning(file, line, column, "KB029",
                   f"undefined @string macro '{name}' (kept as text); define it with "
                   f"@string{{{name} = {{...}}}} before use, or put the value in braces")


def _read_entry(block: Any, macros: dict[str, str], file: str, lines: list[str],
                diags: list[Diagnostic]) -> _Pending | None:
    """Resolve one entry's values; ``None`` (with a diagnostic) when it cannot be a paper."""
    line = _line_of(block)
    column = _column_of(lines, line, "@")
    key = (block.key or "").strip()
    entry_type = (block.entry_type or "").strip().lower()
    if not entry_type:
        diags.append(error(file, line, column, "KB001",
                           "entry without a type; write it as @article{key, ...} or similar"))
        return None
    if not key:
        diags.append(error(file, line, column, "KB015",
                           f"@{entry_type} entry with an empty key; add a citation key "
                           "after the opening brace, e.g. @article{vaswani2017attention, ...}"))
        return None
    values: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    for fld in block.fields:
        name = fld.key.strip().lower()
        if name in values or not name:
            continue  # a repeated field was reported already; BibTeX keeps the first
        fline = (fld.start_line + 1) if fld.start_line is not None else line
        value, undefined = evaluate_value(fld.value, macros)
        for macro in undefined:
            diags.append(_undefined_macro(file, fline, _column_of(lines, fline, fld.key.strip()), macro))
        values[name] = value
        field_lines[name] = fline
    return _Pending(key, entry_type, line, column, block.raw or "", values, field_lines)


def _check_key(entry: _Pending, first_line: dict[str, int], file: str,
               diags: list[Diagnostic]) -> bool:
    """KB016 for a key seen before in this file (BibTeX compares keys case-insensitively)."""
    folded = entry.key.lower()
    if folded in first_line:
        diags.append(error(file, entry.line, entry.column, "KB016",
                           f"duplicate BibTeX key '{entry.key}': already used on line "
                           f"{first_line[folded]}; rename or remove one of the two entries"))
        return False
    if not slugify_key(entry.key):
        diags.append(error(file, entry.line, entry.column, "KB009",
                           f"key '{entry.key}' has no letter or digit to make an id from; "
                           "use a key such as vaswani2017attention"))
        return False
    first_line[folded] = entry.line
    return True


def _inherit_crossrefs(pending: list[_Pending], file: str, lines: list[str],
                       diags: list[Diagnostic]) -> set[str]:
    """Copy missing fields from each crossref target; return the (lowercased) targets' keys."""
    by_key = {p.key.lower(): p for p in pending}
    referenced: set[str] = set()
    for entry in pending:
        target_key = entry.values.get("crossref", "").strip()
        if not target_key:
            continue
        target = by_key.get(target_key.lower())
        if target is None or target is entry:
            line = entry.lines.get("crossref", entry.line)
            diags.append(warning(
                file, line, _column_of(lines, line, "crossref"), "KB004",
                f"crossref to '{target_key}', which is not an entry of this file; "
                f"its fields are not inherited{suggest(target_key, [p.key for p in pending])}"))
            continue
        referenced.add(target.key.lower())
        _inherit(entry, target)
    return referenced


def _inherit(child: _Pending, target: _Pending) -> None:
    """BibTeX's crossref rule, plus biblatex's: the target's title is the child's booktitle."""
    inherited_line = child.lines.get("crossref", child.line)
    if "booktitle" not in child.values and "booktitle" not in target.values and "title" in target.values:
        child.values["booktitle"] = target.values["title"]
        child.lines["booktitle"] = inherited_line
    for name in INHERITED_FIELDS:
        if name not in child.values and name in target.values:
            child.values[name] = target.values[name]
            child.lines[name] = inherited_line


def _to_record(entry: _Pending) -> BibRecord:
    """Decode every value of a resolved entry into a :class:`BibRecord`."""
    fields = {name: _clean_value(name, value) for name, value in entry.values.items()}
    return BibRecord(entry.key, entry.entry_type, fields, entry.line, dict(entry.lines),
                     entry.raw, dict(entry.values))


_WS_RE = re.compile(r"\s+")
_VERBATIM_ESCAPE_RE = re.compile(r"\\([_%&#$~])")


def _clean_value(name: str, value: str) -> str:
    """LaTeX-decoded, whitespace-collapsed text; identifiers only lose escapes and braces."""
    if name in VERBATIM_FIELDS:
        value = _VERBATIM_ESCAPE_RE.sub(r"\1", value).replace("{", "").replace("}", "")
        return _WS_RE.sub(" ", value).strip()
    return _WS_RE.sub(" ", decode_latex(value)).strip()


# --------------------------------------------------------------------------
# values: macros and concatenation

_BRACE_RE = re.compile(r"(?<!\\)[{}]")
_QUOTE_OR_BRACE_RE = re.compile(r'(?<!\\)[{}"]')
_WORD_RE = re.compile(r'[^\s#{}"]+')


def evaluate_value(raw: str, macros: Mapping[str, str]) -> tuple[str, list[str]]:
    """Evaluate a raw BibTeX value: braces, quotes, numbers, macros and ``#``.

    Returns the value (inner braces kept, for LaTeX decoding) and the names of
    undefined macros, which are kept as text.

    >>> evaluate_value('acl # " 2019" # {, {ACL}}', {"acl": "Proc. of ACL"})
    ('Proc. of ACL 2019, {ACL}', [])
    >>> evaluate_value("jun", {"jun": "June"})
    ('June', [])
    """
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == "{" and raw[-1] == "}" and _encloses_all(raw):
        return raw[1:-1], []  # by far the most common form: one braced value
    parts: list[str] = []
    undefined: list[str] = []
    pos, n = 0, len(raw)
    while pos < n:
        ch = raw[pos]
        if ch.isspace() or ch == "#":
            pos += 1
        elif ch == "{":
            end = _closing_brace(raw, pos)
            parts.append(raw[pos + 1:end])
            pos = end + 1
        elif ch == '"':
            end = _closing_quote(raw, pos)
            parts.append(raw[pos + 1:end])
            pos = end + 1
        else:
            m = _WORD_RE.match(raw, pos)
            word = m.group(0) if m else raw[pos]
            pos += len(word)
            parts.append(_expand(word, macros, undefined))
    return "".join(parts), undefined


def _expand(word: str, macros: Mapping[str, str], undefined: list[str]) -> str:
    """A bare word in a value is a number or a macro name."""
    if word.isdigit():
        return word
    value = macros.get(word.lower())
    if value is None:
        undefined.append(word)
        return word
    return value


def _encloses_all(value: str) -> bool:
    """Whether the brace at ``value[0]`` is closed by the one at ``value[-1]``."""
    inner = value[1:-1]
    if "{" not in inner and "}" not in inner:
        return True
    return _closing_brace(value, 0) == len(value) - 1


def _closing_brace(text: str, start: int) -> int:
    """Index of the brace closing the one at ``start`` (the end of text if unbalanced)."""
    depth = 0
    for m in _BRACE_RE.finditer(text, start):
        depth += 1 if m.group(0) == "{" else -1
        if depth == 0:
            return m.start()
    return len(text)


def _closing_quote(text: str, start: int) -> int:
    """Index of the ``"`` closing the one at ``start``; quotes inside braces do not count."""
    depth = 0
    for m in _QUOTE_OR_BRACE_RE.finditer(text, start + 1):
        ch = m.group(0)
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            return m.start()
    return len(text)


# --------------------------------------------------------------------------
# ids and normalisation

_SLUG_RUN_RE = re.compile(r"[^a-z0-9]+")


def slugify_key(key: str) -> str:
    """The kbgen id of a citation key (DESIGN.md section 2).

    Lowercase; accents are dropped first (``Müller`` -> ``muller``, not
    ``m-ller``); runs of other characters become ``-``; at most 80 characters.

    >>> slugify_key("Vaswani2017Attention")
    'vaswani2017attention'
    >>> slugify_key("DBLP:journals/corr/VaswaniSPUJGKP17")
    'dblp-journals-corr-vaswanispujgkp17'
    """
    text = _strip_accents(key).lower()
    slug = _SLUG_RUN_RE.sub("-", text).strip("-")
    return slug[:80].rstrip("-")


def _strip_accents(text: str) -> str:
    """``Łukasz Müller`` -> ``Lukasz Muller``; letters without a decomposition kept."""
    if text.isascii():
        return text  # nothing to strip; most titles and keys (a per-character pass costs ~20 us each)
    text = text.translate(_LETTERS_WITHOUT_DECOMPOSITION)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
     "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "TH", "ð": "d"}
)
_TITLE_PUNCT_RE = re.compile(r"[\W_]+")


def normalise_title(title: str) -> str:
    """A title reduced for duplicate detection: no case, accents, LaTeX or punctuation.

    >>> normalise_title("{BERT}: Pre-training of Deep Bidirectional Transformers!")
    'bert pre training of deep bidirectional transformers'
    """
    text = _strip_accents(decode_latex(title)).casefold()
    return _TITLE_PUNCT_RE.sub(" ", text).strip()


_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z-]*(?:\.[A-Za-z]{2})?/\d{7}"
_ARXIV_ID_RE = re.compile(rf"^(?:arxiv:\s*)?({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?$", re.IGNORECASE)
_ARXIV_URL_RE = re.compile(
    rf"arxiv\.org/(?:abs|pdf|html)/({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?", re.IGNORECASE)
_ARXIV_IN_TEXT_RE = re.compile(rf"\barxiv[:\s]\s*({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?", re.IGNORECASE)
_ARXIV_DOI_RE = re.compile(rf"^10\.48550/arxiv\.({_ARXIV_NEW}|{_ARXIV_OLD})$", re.IGNORECASE)


def normalise_arxiv(value: str | None) -> str | None:
    """The bare arXiv id (no ``arXiv:`` prefix, URL or version), or ``None`` if there is none.

    >>> normalise_arxiv("arXiv:1706.03762v5"), normalise_arxiv("https://arxiv.org/pdf/cs/0112017v1")
    ('1706.03762', 'cs/0112017')
    """
    if not value:
        return None
    text = str(value).strip()
    m = _ARXIV_ID_RE.match(text) or _ARXIV_URL_RE.search(text)
    if m is None:
        doi = normalise_doi(text)
        m = _ARXIV_DOI_RE.match(doi) if doi else None
    return m.group(1) if m else None


_DOI_PREFIX_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_IN_URL_RE = re.compile(r"doi\.org/(10\.\d{4,9}/\S+)", re.IGNORECASE)


def normalise_doi(value: str | None) -> str | None:
    """A DOI lowercased without ``https://doi.org/`` or ``doi:``, or ``None`` if it is not one.

    >>> normalise_doi("https://doi.org/10.18653/v1/N19-1423")
    '10.18653/v1/n19-1423'
    """
    doi = _bare_doi(value)
    return doi.lower() if doi else None


def _bare_doi(value: str | None) -> str | None:
    """The DOI in ``value`` with its case kept (``10.1109/CVPR.2016.90``)."""
    if not value:
        return None
    text = _DOI_PREFIX_RE.sub("", str(value).strip())
    if text.startswith("10.") and "/" in text:
        return text
    m = _DOI_IN_URL_RE.search(str(value))
    return m.group(1) if m else None


# --------------------------------------------------------------------------
# records to kbgen papers

_NAME_SEP_RE = re.compile(r"\s+and\s+", re.IGNORECASE)
_HTTP_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)


def record_to_paper(rec: BibRecord) -> dict:
    """The kbgen paper fields (DESIGN.md section 2) a BibTeX record provides; absent ones omitted.

    >>> rec = BibRecord("DBLP:journals/corr/abs-1810-04805", "article",
    ...     {"title": "BERT", "journal": "CoRR", "volume": "abs/1810.04805", "year": "2018"}, 1, {}, "")
    >>> record_to_paper(rec)
    {'id': 'dblp-journals-corr-abs-1810-04805', 'title': 'BERT', 'year': 2018, 'venue': 'arXiv', 'arxiv': '1810.04805', 'bibtex_key': 'DBLP:journals/corr/abs-1810-04805'}
    """
    f = rec.fields
    paper: dict[str, Any] = {"id": slugify_key(rec.key)}
    if f.get("title"):
        paper["title"] = f["title"]
    authors = split_names(rec.raw_fields.get("author", f.get("author", "")))
    if authors:
        paper["authors"] = authors
    if f.get("year"):
        paper["year"] = int(f["year"]) if f["year"].isascii() and f["year"].isdigit() else f["year"]
    arxiv = extract_arxiv(f)
    venue = _venue(f, arxiv)
    if venue:
        paper["venue"] = venue
    if arxiv:
        paper["arxiv"] = arxiv
    doi = _bare_doi(f.get("doi")) or _bare_doi(f.get("url")) or _doi_key(rec.key)
    if doi:
        paper["doi"] = doi
    for name in ("url", "pdf"):
        if _HTTP_RE.match(f.get(name, "")):
            paper[name] = f[name]
    if f.get("abstract"):
        paper["abstract"] = f["abstract"]
    paper["bibtex_key"] = rec.key
    return paper


_DOI_KEY_RE = re.compile(r"^10\.\d{4,9}/\S+$")


def _doi_key(key: str) -> str | None:
    """Springer's export has no doi field but uses the DOI as the citation key."""
    return key if _DOI_KEY_RE.match(key) else None


def split_names(raw: str) -> list[str]:
    """BibTeX name list -> ``["First Last", ...]``; ``others`` dropped, ``{Corporate Names}`` kept.

    >>> split_names(r"Kaiser, {\\L}ukasz and {Google Brain Team} and J{\\'e}gou, Herv{\\'e} and others")
    ['Łukasz Kaiser', 'Google Brain Team', 'Hervé Jégou']
    """
    names = []
    for part in _split_top_level(raw.strip(), _AND_SPLIT_RE):
        part = part.strip()
        if not part or part.lower() == "others":
            continue
        name = _WS_RE.sub(" ", decode_latex(_reorder_name(part))).strip(" ,")
        if name:
            names.append(name)
    return names


def _reorder_name(name: str) -> str:
    """``von Last, First`` -> ``First von Last``; ``von Last, Jr, First`` -> ``First von Last, Jr``."""
    if "," not in name:
        return name
    parts = [p.strip() for p in _split_top_level(name, _COMMA_SPLIT_RE)]
    if len(parts) == 2 and parts[1]:
        return f"{parts[1]} {parts[0]}"
    if len(parts) >= 3:
        return f"{parts[2]} {parts[0]}, {parts[1]}" if parts[1] else f"{parts[2]} {parts[0]}"
    return parts[0]


# Separators are captured so that pieces split inside braces can be glued back.
_AND_SPLIT_RE = re.compile(r"(\s+and\s+)", re.IGNORECASE)
_COMMA_SPLIT_RE = re.compile(r"(,)")


def _split_top_level(text: str, sep: re.Pattern[str]) -> list[str]:
    """Split ``text`` on ``sep`` where it is outside braces (``{Barnes and Noble}`` is one name).

    Splitting everywhere and re-joining the pieces that end inside braces keeps
    the scan in C (``re.split``, ``str.count``); this runs for every author list.
    """
    parts = sep.split(text)
    if len(parts) == 1 or "{" not in text:
        return parts[::2]
    pieces = []
    current = parts[0]
    depth = current.count("{") - current.count("}")
    for i in range(1, len(parts), 2):
        separator, following = parts[i], parts[i + 1]
        balance = following.count("{") - following.count("}")
        if depth > 0:
            current += separator + following
            depth += balance
        else:
            pieces.append(current)
            current, depth = following, balance
    pieces.append(current)
    return pieces


def extract_arxiv(f: Mapping[str, str]) -> str | None:
    """The arXiv id wherever an exporter put it (arXiv, DBLP, Scholar, Zotero, ACL styles).

    >>> extract_arxiv({"journal": "arXiv preprint arXiv:1412.6980"})
    '1412.6980'
    """
    prefix = (f.get("archiveprefix") or f.get("eprinttype") or "").strip().lower()
    eprint = f.get("eprint", "")
    if eprint and (prefix == "arxiv" or not prefix):
        found = normalise_arxiv(eprint)
        if found:
            return found
    if (f.get("journal") or "").strip().lower() == "corr":
        found = normalise_arxiv(re.sub(r"^abs/", "", f.get("volume", "").strip()))
        if found:
            return found
    for name in ("journal", "booktitle", "note", "howpublished", "publisher"):
        m = _ARXIV_IN_TEXT_RE.search(f.get(name, ""))
        if m:
            return m.group(1)
    for name in ("url", "pdf", "note", "howpublished", "doi"):
        found = normalise_arxiv(f.get(name)) if f.get(name) else None
        if found:
            return found
        m = _ARXIV_URL_RE.search(f.get(name, ""))
        if m:
            return m.group(1)
    return None


_ARXIV_VENUE_RE = re.compile(r"^(?:corr|arxiv\b.*|arxiv e-prints)$", re.IGNORECASE)


def _venue(f: Mapping[str, str], arxiv: str | None) -> str | None:
    """booktitle, journal, then publisher or howpublished; CoRR and arXiv preprints are "arXiv"."""
    for name in ("booktitle", "journal", "journaltitle", "publisher", "howpublished"):
        value = (f.get(name) or "").strip()
        if value and "://" not in value:
            return "arXiv" if _ARXIV_VENUE_RE.match(value) else value
    if arxiv and (f.get("archiveprefix") or f.get("eprinttype") or "").strip().lower() == "arxiv":
        return "arXiv"
    return None


# --------------------------------------------------------------------------
# writing

_JOURNAL_RE = re.compile(
    r"\b(journal|transactions|letters|review|magazine|annals|nature|science|"
    r"jmlr|tpami|tacl|neural computation|proceedings of the ieee|communications of the)\b",
    re.IGNORECASE,
)
_KEY_OK_RE = re.compile(r"^[^\s,{}()\"'#%~\\=]+$")
_TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
    "_": r"\_", "#": r"\#", "$": r"\$", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_TEX_SPECIALS_RE = re.compile(r"[\\{}&%_#$~^]|-(?=-)")


def escape_bibtex(text: str) -> str:
    """Escape ``text`` so BibTeX (and :func:`parse_bibtex`) reads it back unchanged.

    >>> escape_bibtex("R&D at 100% -- C# {x}")
    'R\\\\&D at 100\\\\% -{}- C\\\\# \\\\{x\\\\}'
    """
    return _TEX_SPECIALS_RE.sub(lambda m: _TEX_SPECIALS.get(m.group(0), "-{}"), text)


def format_bibtex(papers: Iterable[Mapping[str, Any]]) -> str:
    """BibTeX entries for kbgen papers, readable back by :func:`parse_bibtex` to the same values.

    >>> print(format_bibtex([{"id": "adam", "title": "Adam", "authors": ["Diederik P. Kingma"],
    ...                       "year": 2014, "venue": "arXiv", "arxiv": "1412.6980"}]), end="")
    @misc{adam,
      title = {{Adam}},
      author = {Diederik P. Kingma},
      year = {2014},
      eprint = {1412.6980},
      archiveprefix = {arXiv},
      url = {https://arxiv.org/abs/1412.6980}
    }
    """
    import bibtexparser
    from bibtexparser.library import Library
    from bibtexparser.middlewares import AddEnclosingMiddleware
    from bibtexparser.writer import BibtexFormat

    used: set[str] = set()
    library = Library()
    for paper in papers:
        library.add(_paper_entry(paper, used))
    fmt = BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"
    stack = [AddEnclosingMiddleware(reuse_previous_enclosing=False, enclose_integers=True,
                                    default_enclosing="{", allow_inplace_modification=True)]
    return bibtexparser.write_string(library, unparse_stack=stack, bibtex_format=fmt)


def _paper_entry(paper: Mapping[str, Any], used: set[str]) -> Any:
    """One bibtexparser Entry for a paper; ``used`` keeps keys unique (case-insensitively)."""
    from bibtexparser.model import Entry, Field

    key = _entry_key(paper, used)
    venue = str(paper.get("venue") or "")
    arxiv = normalise_arxiv(paper.get("arxiv"))
    entry_type, venue_field = _entry_type(venue, arxiv)
    fields: list[tuple[str, str]] = []
    if paper.get("title"):
        fields.append(("title", "{" + escape_bibtex(str(paper["title"])) + "}"))
    authors = [str(a) for a in paper.get("authors") or [] if str(a).strip()]
    if authors:
        fields.append(("author", " and ".join(_format_name(a) for a in authors)))
    if paper.get("year") not in (None, ""):
        fields.append(("year", escape_bibtex(str(paper["year"]))))
    if venue_field:
        fields.append((venue_field, escape_bibtex(venue)))
    if paper.get("doi"):
        fields.append(("doi", _escape_verbatim(str(paper["doi"]))))
    if arxiv:
        fields.append(("eprint", arxiv))
        fields.append(("archiveprefix", "arXiv"))
    url = paper.get("url") or (f"https://arxiv.org/abs/{arxiv}" if arxiv else None)
    if url:
        fields.append(("url", _escape_verbatim(str(url))))
    return Entry(entry_type, key, [Field(k, v) for k, v in fields])


def _entry_key(paper: Mapping[str, Any], used: set[str]) -> str:
    """``bibtex_key`` when BibTeX can read it, else the id; suffixed when already used."""
    key = str(paper.get("bibtex_key") or "")
    if not _KEY_OK_RE.match(key):
        key = str(paper.get("id") or "") or "paper"
        if not _KEY_OK_RE.match(key):
            key = slugify_key(key) or "paper"
    base, n = key, 2
    while key.lower() in used:
        key, n = f"{base}-{n}", n + 1
    used.add(key.lower())
    return key


def _entry_type(venue: str, arxiv: str | None) -> tuple[str, str | None]:
    """``(@type, venue field)``: journals are articles, arXiv-only papers misc."""
    if not venue or venue.lower() == "arxiv":
        return "misc", ("howpublished" if venue and not arxiv else None)
    if _JOURNAL_RE.search(venue):
        return "article", "journal"
    return "inproceedings", "booktitle"


def _format_name(name: str) -> str:
    """A name BibTeX would misread (a comma, or `and` inside) is protected by braces."""
    escaped = escape_bibtex(name.strip())
    if "," in name or _NAME_SEP_RE.search(name):
        return "{" + escaped + "}"
    return escaped


def _escape_verbatim(text: str) -> str:
    """URLs and DOIs: only what would break the BibTeX syntax is escaped."""
    return text.replace("{", "%7B").replace("}", "%7D")
