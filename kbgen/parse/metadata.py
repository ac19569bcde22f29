"""Paper metadata from an arXiv API Atom feed or a Crossref work: pure parsers of the responses.

Results are plain paper-field dicts (``title``, ``authors``, ``year``,
``venue``, ``arxiv``, ``doi``, ``url``, ``abstract``); choosing an ``id`` is
the caller's job (:func:`kbgen.core.identifiers.make_paper_id`). A response
that is not what the service promises raises :class:`MalformedResponse`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kbgen.core.identifiers import DOI_RE

#: Deepest JSON nesting and longest integer read from Crossref (its works nest six levels,
#: years have four digits); Python itself refuses int() past 4,300 digits.
MAX_JSON_DEPTH = 64
MAX_INT_DIGITS = 20

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_ABS_URL = re.compile(r"arxiv\.org/abs/(.+?)(v\d+)?$")
# Controls and lone surrogates (JSON's "\ud800"): never written into papers.yaml.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _plain(text: str) -> str:
    """One line of text from a response: controls and lone surrogates dropped, whitespace collapsed."""
    return " ".join(_UNWRITABLE.sub("", text).split())


class MalformedResponse(ValueError):
    """The response cannot be read as the service's format; ``str()`` is one line."""


def parse_arxiv_atom(data: bytes, url: str = "arXiv API") -> dict[str, dict]:
    """Paper fields by bare arXiv id from an arXiv API Atom document."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise MalformedResponse(f"arXiv API: refused unsafe XML from {url} ({type(exc).__name__})") from None
    except ParseError as exc:  # the text is not XML
        raise MalformedResponse(f"arXiv API: malformed XML from {url}: {exc}") from None
    if root.tag != f"{_ATOM}feed":
        raise MalformedResponse(f"arXiv API: expected an Atom feed from {url}, got <{root.tag}>")
    papers: dict[str, dict] = {}
    for entry in root.findall(f"{_ATOM}entry"):
        entry_id = _text(entry, f"{_ATOM}id")
        if "api/errors" in entry_id:  # the API reports a bad query as an entry titled "Error"
            summary = _text(entry, f"{_ATOM}summary") or "error"
            raise MalformedResponse(f"arXiv API: {summary} ({url})")
        match = _ABS_URL.search(entry_id)
        if not match:
            raise MalformedResponse(f"arXiv API: an entry without an arXiv id in {url}")
        paper = _arxiv_entry(entry, match.group(1))
        papers[match.group(1)] = paper
    return papers


def _text(element: Any, path: str) -> str:
    found = element.find(path)
    return _plain(found.text or "") if found is not None else ""


def _arxiv_entry(entry: Any, arxiv_id: str) -> dict:
    title = _text(entry, f"{_ATOM}title")
    if not title:
        raise MalformedResponse(f"arXiv API: entry {arxiv_id} has no title")
    authors = [_text(a, f"{_ATOM}name") for a in entry.findall(f"{_ATOM}author")]
    paper: dict[str, Any] = {"title": title, "authors": [a for a in authors if a]}
    published = _text(entry, f"{_ATOM}published")
    if re.match(r"^\d{4}-", published):
        paper["year"] = int(published[:4])
    journal = _text(entry, f"{_ARXIV}journal_ref")
    if journal:
        paper["venue"] = journal
    paper["arxiv"] = arxiv_id
    doi = _text(entry, f"{_ARXIV}doi")
    if doi and DOI_RE.match(doi):
        paper["doi"] = doi
    paper["url"] = f"https://arxiv.org/abs/{arxiv_id}"
    paper["pdf"] = f"https://arxiv.org/pdf/{arxiv_id}"
    abstract = _text(entry, f"{_ATOM}summary")
    if abstract:
        paper["abstract"] = abstract
    return paper


def parse_crossref_work(data: bytes, doi: str, url: str = "Crossref") -> dict:
    """Paper fields from a Crossref work response."""
    payload = read_json(data, "Crossref", url)
    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, dict):
        raise MalformedResponse(f"Crossref: the response from {url} has no 'message' object")
    titles = message.get("title")
    title = titles[0] if isinstance(titles, list) and titles and isinstance(titles[0], str) else ""
    title = _plain(title)
    if not title:
        raise MalformedResponse(f"Crossref: work {doi} has no title ({url})")
    paper: dict[str, Any] = {"title": title, "authors": _crossref_authors(message.get("author"))}
    year = _crossref_year(message)
    if year:
        paper["year"] = year
    venue = _first_string(message.get("container-title")) or _first_string(message.get("event", {}).get("name")
                                                                             if isinstance(message.get("event"), dict)
                                                                             else None)
    if venue:
        paper["venue"] = venue
    found_doi = _plain(message["DOI"]) if isinstance(message.get("DOI"), str) else doi
    paper["doi"] = found_doi if DOI_RE.match(found_doi) else doi
    link = message.get("URL")
    if isinstance(link, str) and link.startswith(("http://", "https://")):
        paper["url"] = link
    abstract = message.get("abstract")
    if isinstance(abstract, str):
        text = _plain(re.sub(r"<[^>]{0,200}>", " ", abstract))
        if text:
            paper["abstract"] = text
    return paper


def _bounded_int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {len(digits):,} digits")
    return int(text)


def read_json(data: bytes, service: str, url: str) -> Any:
    """``data`` as JSON, with integers of at most :data:`MAX_INT_DIGITS` digits and :data:`MAX_JSON_DEPTH` levels.

    >>> read_json(b'{"a": [1, 2]}', "Crossref", "u")
    {'a': [1, 2]}
    >>> read_json(b"[" * 100 + b"]" * 100, "Crossref", "u")
    Traceback (most recent call last):
    ...
    kbgen.parse.metadata.MalformedResponse: Crossref: malformed JSON from u: nested deeper than 64 levels
    """
    try:
        payload = json.loads(data.decode("utf-8"), parse_int=_bounded_int)
    except RecursionError:
        raise MalformedResponse(f"{service}: malformed JSON from {url}: nested deeper than {MAX_JSON_DEPTH} levels") from None
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise MalformedResponse(f"{service}: malformed JSON from {url}: {reason}") from None
    stack = [(payload, 1)]
    while stack:  # iterative: the value may be as deep as json's own recursion allowed
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise MalformedResponse(f"{service}: malformed JSON from {url}: nested deeper than "
                                        f"{MAX_JSON_DEPTH} levels")
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return payload


def _first_string(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return _plain(value) if isinstance(value, str) else ""


def _crossref_authors(value: Any) -> list[str]:
    names = []
    for person in value if isinstance(value, list) else []:
        if not isinstance(person, dict):
            continue
        parts = [person.get("given"), person.get("family")]
        name = _plain(" ".join(p for p in parts if isinstance(p, str)))
        name = name or (_plain(person["name"]) if isinstance(person.get("name"), str) else "")
        if name:
            names.append(name)
    return names


def _crossref_year(message: dict) -> int | None:
    for key in ("published-print", "published-online", "issued", "created"):
        parts = message.get(key, {}).get("date-parts") if isinstance(message.get(key), dict) else None
        try:
            year = parts[0][0]
        except (TypeError, IndexError, KeyError):
            continue
        if isinstance(year, int):
            return year
    return None
