"""BibTeX out: kbgen papers as entries that BibTeX (and :mod:`kbgen.parse.bibtex`) read back unchanged.

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

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from kbgen.core.identifiers import normalise_arxiv, slugify

__all__ = ["escape_bibtex", "format_bibtex"]

_NAME_SEP_RE = re.compile(r"\s+and\s+", re.IGNORECASE)
_JOURNAL_RE = re.compile(
    r"\b(journal|transactions|letters|review|magazine|annals|nature|science|"
    r"jmlr|tpami|tacl|neural computation|proceedings of the ieee|communications of the)\b",
    re.IGNORECASE,
)
_KEY_OK_RE = re.compile(r"^[^\s,{}()\"'#%~\\=]+$")
# Braces become macros, never ``\{``: BibTeX counts every brace, backslash or not, so a
# lone ``\}`` in a title closed the field early and broke the whole file.
_TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "&": r"\&", "%": r"\%",
    "_": r"\_", "#": r"\#", "$": r"\$", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_TEX_SPECIALS_RE = re.compile(r"[\\{}&%_#$~^]|-(?=-)")


def escape_bibtex(text: str) -> str:
    """Escape ``text`` so BibTeX (and :func:`kbgen.parse.bibtex.parse_bibtex`) reads it back unchanged.

    >>> print(escape_bibtex("R&D at 100% -- C# {x}"))
    R\\&D at 100\\% -{}- C\\# \\textbraceleft{}x\\textbraceright{}
    """
    return _TEX_SPECIALS_RE.sub(lambda m: _TEX_SPECIALS.get(m.group(0), "-{}"), text)


def format_bibtex(papers: Iterable[Mapping[str, Any]]) -> str:
    """BibTeX entries for kbgen papers, readable back by :func:`kbgen.parse.bibtex.parse_bibtex` to the same values."""
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
            key = slugify(key) or "paper"
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
    """URLs and DOIs: what would break the BibTeX syntax is percent-encoded (``%5C``, ``%7B``, ``%7D``).

    A backslash too: ``{10.1/x\\}`` ends the value for BibTeX but escapes the
    brace for bibtexparser. :mod:`kbgen.parse.bibtex` decodes the three in a DOI.

    >>> _escape_verbatim("10.1/x" + chr(92))
    '10.1/x%5C'
    """
    return text.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
