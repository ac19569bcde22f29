"""BibTeX in: pure functions from text to records and diagnostics.

Parsing is layered on bibtexparser 2.x's splitter (``parse_string`` with an
empty parse stack), which is fault tolerant and keeps line numbers. Everything
BibTeX itself would do to a value happens here, because bibtexparser's
middlewares do not cover it: ``@string`` macros with ``#`` concatenation, the
month macros, ``crossref`` inheritance, then LaTeX to Unicode with
:func:`kbgen.latex.decode_latex` (bibtexparser's own LaTeX middleware is ~20x
slower, see docs/design.md, section 8).

>>> records, diags = parse_bibtex('@article{Vaswani2017, title={Attention Is All You {N}eed},'
...                               ' author={Vaswani, Ashish and Kaiser, {\\\\L}ukasz}, year=2017}', "x.bib")
>>> records[0].key, records[0].fields["title"], records[0].fields["author"]
('Vaswani2017', 'Attention Is All You Need', 'Vaswani, Ashish and Kaiser, Łukasz')

Turning a record into paper fields is :mod:`kbgen.parse.bibfields`; writing
BibTeX is :mod:`kbgen.output.bibtex`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from kbgen.core.diagnostics import Diagnostic, error, suggest, warning
from kbgen.core.identifiers import slugify
from kbgen.parse.bibvalues import MAX_VALUE_CHARS, ValueTooLong, evaluate_value
from kbgen.parse.latex import decode_latex

__all__ = ["BibRecord", "ValueTooLong", "evaluate_value", "parse_bibtex"]

#: A year longer than this is not a year (and Python refuses int() past 4,300 digits).
_MAX_YEAR_CHARS = 20

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
    target are not returned. What bibtexparser raises becomes a KB001
    diagnostic; anything else is a bug of kbgen's and is not hidden.
    """
    from bibtexparser.exceptions import ParsingException

    diags: list[Diagnostic] = []
    try:
        pending, referenced = _collect_entries(text, file, diags)
    except ParsingException as exc:
        return [], diags + [error(file, 1, 1, "KB001",
                                  f"bibtexparser cannot read this file ({exc}); "
                                  "check it with `bibtex` or a BibTeX linter")]
    memo: dict[tuple[str, str], str] = {}  # venues, years, publishers and names repeat across entries
    records = [_to_record(p, memo) for p in pending if p.key.lower() not in referenced
               or p.entry_type not in CONTAINER_TYPES]
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
    try:
        value, undefined = evaluate_value(block.value, macros)
    except ValueTooLong:
        diags.append(_too_long(file, line, _column_of(lines, line, "@"), f"@string '{block.key.strip()}'"))
        macros[block.key.strip().lower()] = ""
        return
    for name in undefined:
        diags.append(_undefined_macro(file, line, _column_of(lines, line, name), name))
    macros[block.key.strip().lower()] = value


def _too_long(file: str, line: int, column: int, what: str) -> Diagnostic:
    return error(file, line, column, "KB042",
                 f"{what} expands to more than {MAX_VALUE_CHARS:,} characters (self-referencing "
                 "@string concatenation?); shorten it (the value is not used)")


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
        # The field's column is only needed for a diagnostic: looked up then, not for every field.
        try:
            value, undefined = evaluate_value(fld.value, macros)
        except ValueTooLong:
            diags.append(_too_long(file, fline, _column_of(lines, fline, fld.key.strip()), f"field '{name}'"))
            continue
        for macro in undefined:
            diags.append(_undefined_macro(file, fline, _column_of(lines, fline, fld.key.strip()), macro))
        if name == "year" and len(value.strip()) > _MAX_YEAR_CHARS:
            diags.append(error(file, fline, _column_of(lines, fline, fld.key.strip()), "KB010",
                               f"year of {len(value.strip()):,} characters is not a year; write it as e.g. 2017"))
            continue
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
    if not slugify(entry.key):
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


def _to_record(entry: _Pending, memo: dict[tuple[str, str], str]) -> BibRecord:
    """Decode every value of a resolved entry into a :class:`BibRecord` (``memo``: values decoded before)."""
    fields = {}
    for name, value in entry.values.items():
        key = (name, value)
        cleaned = memo.get(key)
        if cleaned is None:
            cleaned = memo[key] = _clean_value(name, value)
        fields[name] = cleaned
    return BibRecord(entry.key, entry.entry_type, fields, entry.line, dict(entry.lines),
                     entry.raw, dict(entry.values))


_WS_RE = re.compile(r"\s+")
_VERBATIM_ESCAPE_RE = re.compile(r"\\([_%&#$~])")


def _clean_value(name: str, value: str) -> str:
    """LaTeX-decoded, whitespace-collapsed text; identifiers only lose escapes and braces."""
    if name in VERBATIM_FIELDS:
        value = _VERBATIM_ESCAPE_RE.sub(r"\1", value).replace("{", "").replace("}", "")
        if name == "doi" and "%" in value:
            # kbgen's writer percent-encodes what would break BibTeX (kbgen.output.bibtex).
            value = value.replace("%5C", "\\").replace("%7B", "{").replace("%7D", "}")
        return _collapse(value)
    return _collapse(decode_latex(value))


def _collapse(text: str) -> str:
    """Runs of whitespace as one space, stripped. Every character ``\\s`` matches but the space is
    unprintable, so printable text without a double space has nothing to collapse (most values)."""
    if text.isprintable() and "  " not in text:
        return text.strip()
    return _WS_RE.sub(" ", text).strip()
