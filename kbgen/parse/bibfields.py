r"""BibTeX records to kbgen paper fields: names, arXiv ids and DOIs wherever exporters put them.

>>> from kbgen.parse.bibtex import parse_bibtex
>>> records, _ = parse_bibtex('@article{Vaswani2017, title={Attention Is All You {N}eed},'
...                           ' author={Vaswani, Ashish and Kaiser, {\\L}ukasz}, year=2017}', "x.bib")
>>> paper = record_to_paper(records[0])
>>> paper["id"], paper["title"], paper["authors"], paper["year"]
('vaswani2017', 'Attention Is All You Need', ['Ashish Vaswani', 'Łukasz Kaiser'], 2017)
"""

from __future__ import annotations

import functools
import re
from typing import Any, Mapping

from kbgen.core.identifiers import (
    ARXIV_IN_TEXT_RE,
    DOI_RE,
    bare_doi,
    normalise_arxiv,
    slugify,
)
from kbgen.parse.bibtex import BibRecord
from kbgen.parse.latex import decode_latex

__all__ = ["extract_arxiv", "record_to_paper", "short_venue", "split_names"]

_WS_RE = re.compile(r"\s+")
_NAME_SEP_RE = re.compile(r"\s+and\s+", re.IGNORECASE)
_HTTP_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)


def record_to_paper(rec: BibRecord) -> dict:
    """The kbgen paper fields (docs/design.md, section 2) a BibTeX record provides; absent ones omitted.

    >>> rec = BibRecord("DBLP:journals/corr/abs-1810-04805", "article",
    ...     {"title": "BERT", "journal": "CoRR", "volume": "abs/1810.04805", "year": "2018"}, 1, {}, "")
    >>> record_to_paper(rec)  # doctest: +NORMALIZE_WHITESPACE
    {'id': 'dblp-journals-corr-abs-1810-04805', 'title': 'BERT', 'year': 2018, 'venue': 'arXiv',
     'arxiv': '1810.04805', 'bibtex_key': 'DBLP:journals/corr/abs-1810-04805'}
    """
    f = rec.fields
    paper: dict[str, Any] = {"id": slugify(rec.key)}
    if f.get("title"):
        paper["title"] = f["title"]
    authors = split_names(rec.raw_fields.get("author", f.get("author", "")))
    if authors:
        paper["authors"] = authors
    if f.get("year"):
        year = f["year"]
        # A year is a few digits; a longer run stays text for the model to refuse (int() of
        # 4,300 digits or more raises).
        paper["year"] = int(year) if year.isascii() and year.isdigit() and len(year) <= 6 else year
    arxiv = extract_arxiv(f)
    venue = _venue(f, arxiv)
    if venue:
        paper["venue"] = venue
    if arxiv:
        paper["arxiv"] = arxiv
    doi = bare_doi(f.get("doi")) or bare_doi(f.get("url")) or _doi_key(rec.key)
    if doi:
        paper["doi"] = doi
    for name in ("url", "pdf"):
        if _HTTP_RE.match(f.get(name, "")):
            paper[name] = f[name]
    if f.get("abstract"):
        paper["abstract"] = f["abstract"]
    paper["bibtex_key"] = rec.key
    return paper


def _doi_key(key: str) -> str | None:
    """Springer's export has no doi field but uses the DOI as the citation key."""
    return key if DOI_RE.match(key) else None


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
        name = _display_name(part)
        if name:
            names.append(name)
    return names


@functools.lru_cache(maxsize=16_384)
def _display_name(part: str) -> str:
    """One BibTeX name as ``First Last``, decoded; cached because authors recur across a bibliography."""
    return _WS_RE.sub(" ", decode_latex(_reorder_name(part))).strip(" ,")


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
        m = ARXIV_IN_TEXT_RE.search(f.get(name, ""))
        if m:
            return m.group(1)
    for name in ("url", "pdf", "note", "howpublished", "doi"):
        found = normalise_arxiv(f.get(name)) if f.get(name) else None
        if found:
            return found
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


# Conferences known by their acronym, found by a phrase of their long name (checked in order).
_CONFERENCES = (
    ("neural information processing systems", "NeurIPS"),
    ("computer vision and pattern recognition", "CVPR"),
    ("international conference on computer vision", "ICCV"),
    ("european conference on computer vision", "ECCV"),
    ("international conference on machine learning", "ICML"),
    ("international conference on learning representations", "ICLR"),
    ("north american chapter of the association for computational linguistics", "NAACL"),
    ("empirical methods in natural language processing", "EMNLP"),
    ("annual meeting of the association for computational linguistics", "ACL"),
    ("artificial intelligence and statistics", "AISTATS"),
    ("aaai conference on artificial intelligence", "AAAI"),
    ("international joint conference on artificial intelligence", "IJCAI"),
    ("knowledge discovery and data mining", "KDD"),
)
# An acronym (two capitals or more, hyphenated parts allowed) and a year: "ICLR 2021", "NAACL-HLT 2019".
_ACRONYM_YEAR_RE = re.compile(r"(?<![\w-])([A-Z][A-Za-z]*[A-Z](?:-[A-Z][A-Za-z]*)*)\s+((?:19|20)[0-9]{2})\b")
# "(CVPR)" names a conference only in a conference's title; a journal's "(JMLR)" is left alone.
_ACRONYM_RE = re.compile(r"\(([A-Z][A-Za-z]*[A-Z](?:-[A-Z][A-Za-z]*)*)\)")
_MEETING_RE = re.compile(r"\b(?:conference|proceedings|symposium|workshop|meeting)\b", re.IGNORECASE)
_YEAR_RE = re.compile(r"\b(?:19|20)[0-9]{2}\b")
_PROCEEDINGS_RE = re.compile(r"^(?:Proceedings of the\s+)?(?:[0-9]+(?:st|nd|rd|th)|[0-9]{4})\s+", re.IGNORECASE)
_VOLUME_RE = re.compile(r"\s*\((?:[^()]*\b(?:Volume|Papers|Proceedings)\b[^()]*)\)", re.IGNORECASE)


def short_venue(venue: str, year: object = None) -> str:
    """A venue as the knowledge base writes it: ``ACRONYM YEAR`` for a conference, one line.

    DBLP, ACL Anthology and Scholar give whole proceedings titles; a reader
    wants "NAACL-HLT 2019". Journals and unknown venues keep their name,
    without "Proceedings of the 54th" or "(Volume 1: Long Papers)".

    >>> short_venue("Proceedings of the 2019 Conference of the North American Chapter of the Association for "
    ...             "Computational Linguistics: Human Language Technologies, NAACL-HLT 2019, Minneapolis, MN, "
    ...             "USA, June 2-7, 2019, Volume 1 (Long and Short Papers)")
    'NAACL-HLT 2019'
    >>> short_venue("Proceedings of the 54th Annual Meeting of the Association for Computational Linguistics", 2016)
    'ACL 2016'
    >>> short_venue("Advances in Neural Information Processing Systems 30", 2017), short_venue("Neural Comput.")
    ('NIPS 2017', 'Neural Comput.')
    """
    text = _WS_RE.sub(" ", venue).strip()
    workshop = " (workshop)" if "workshop" in text.lower() else ""
    found = _ACRONYM_YEAR_RE.search(text)
    if found:
        return f"{found.group(1)} {found.group(2)}{workshop}"
    in_text = _YEAR_RE.findall(text)
    when = in_text[0] if in_text else (str(year) if isinstance(year, int) else "")
    acronym = next((short for phrase, short in _CONFERENCES if phrase in text.lower()), None)
    if acronym is None and _MEETING_RE.search(text):
        found = _ACRONYM_RE.search(text)
        acronym = found.group(1) if found else None
    if acronym == "NeurIPS" and when and int(when) < 2018:
        acronym = "NIPS"  # the conference's name until 2018
    if acronym:
        return f"{acronym} {when}".strip() + workshop
    text = _VOLUME_RE.sub("", _PROCEEDINGS_RE.sub("", text)).strip(" ,")
    if len(text) > 60 and ", " in text:
        text = text.split(", ", 1)[0]  # the rest is the place and the dates
    return text


# -- the name a title gives a paper ---------------------------------------------------------------

#: An acronym in brackets: "Big Transfer (BiT): ...", "... Networks (CNN)".
_BRACKETED = re.compile(r"\(([A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)\)")
#: Words a title may open with before a colon that are not the paper's name.
_NOT_NAMES = frozenset("""introduction review survey overview tutorial editorial erratum correction comment
    perspective abstract preface foreword chapter part appendix keynote invited position""".split())
#: Longest name taken from before a title's colon, in characters and in words.
NAME_CHARS, NAME_WORDS = 24, 3


def _marked(word: str) -> bool:
    """A word that reads as a name: a capital after the first letter, or a digit (ViT, GPT-3, R-CNN, word2vec)."""
    return any(ch.isupper() for ch in word[1:]) or any(ch.isdigit() for ch in word)


def short_from_title(title: object) -> str | None:
    """The short name a title carries, or ``None``: a bracketed acronym, else a name before the colon.

    Conservative on purpose: a proposal the group has to delete is worse than none.

    >>> [short_from_title(t) for t in ["BERT: Pre-training of Deep Bidirectional Transformers",
    ...     "Big Transfer (BiT): General Visual Representation Learning", "Adam: A Method for Stochastic Optimization",
    ...     "Deep Residual Learning for Image Recognition", "Deep Learning: A Review", "Mask R-CNN: Instance Segmentation",
    ...     "Survey: Transformers", "Part (II): Results"]]
    ['BERT', 'BiT', 'Adam', None, None, 'Mask R-CNN', None, None]
    """
    if not isinstance(title, str):
        return None
    for m in _BRACKETED.finditer(title):
        name = m.group(1)
        capitals = sum(ch.isupper() for ch in name)
        roman = set(name) <= set("IVXLCDM")
        if 2 <= len(name) <= 16 and not roman and (capitals >= 2 or (capitals and any(c.isdigit() for c in name))):
            return name
    head, colon, _ = title.partition(":")
    head = " ".join(head.split())
    words = head.split()
    if not colon or not 1 <= len(words) <= NAME_WORDS or len(head) > NAME_CHARS:
        return None
    if words[0].lower() in _NOT_NAMES or not (words[0][0].isupper() or _marked(words[0])):
        return None
    if len(words) > 1 and not any(_marked(w) for w in words):
        return None  # "Deep Learning: ...", "Swin Transformer: ...": a phrase, not surely a name
    return head
