"""Paper metadata from the arXiv API (Atom) and Crossref (JSON): the network client.

The base URLs come from the options, else the environment variables
``KBGEN_ARXIV_API`` and ``KBGEN_CROSSREF_API``, else the public services, so
tests run this very client against a local server. Every failure (network,
timeout, HTTP status, malformed response, unknown id) raises
:class:`RemoteError` with one line that says what went wrong and where.

Results are plain paper-field dicts (``title``, ``authors``, ``year``,
``venue``, ``arxiv``, ``doi``, ``url``, ``abstract``); choosing an ``id`` is
the caller's job (:func:`make_paper_id`).

>>> make_paper_id({"authors": ["Ashish Vaswani"], "year": 2017,
...                "title": "Attention Is All You Need"}, set())
'vaswani2017attention'
"""

from __future__ import annotations

import json
import os
import re
import socket
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from kbgen import __version__

ARXIV_API = "https://export.arxiv.org/api"
CROSSREF_API = "https://api.crossref.org"
ARXIV_ENV = "KBGEN_ARXIV_API"
CROSSREF_ENV = "KBGEN_CROSSREF_API"
DEFAULT_TIMEOUT = 20.0
MAX_BYTES = 5_000_000  # a paper's metadata is a few KB; refuse to read a runaway response
USER_AGENT = f"kbgen/{__version__} (reading-group knowledge base; python-urllib)"

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z][a-z.-]*(\.[A-Z]{2})?/\d{7})(v\d+)?$")
_ABS_URL = re.compile(r"arxiv\.org/abs/(.+?)(v\d+)?$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_STOP_WORDS = frozenset("a an the on of in for to and with from towards toward is are".split())


class RemoteError(Exception):
    """A fetch failed; ``str()`` is one line for the user."""


def arxiv_base(option: str | None = None) -> str:
    """The arXiv API base URL: the option, else ``$KBGEN_ARXIV_API``, else the public API."""
    return (option or os.environ.get(ARXIV_ENV) or ARXIV_API).rstrip("/")


def crossref_base(option: str | None = None) -> str:
    """The Crossref API base URL: the option, else ``$KBGEN_CROSSREF_API``, else the public API."""
    return (option or os.environ.get(CROSSREF_ENV) or CROSSREF_API).rstrip("/")


def parse_arxiv_id(value: str) -> str:
    """An arXiv id without prefix or version; ``ValueError`` when it is not one.

    >>> parse_arxiv_id("arXiv:1706.03762v5"), parse_arxiv_id("https://arxiv.org/abs/cs/0112017")
    ('1706.03762', 'cs/0112017')
    """
    text = value.strip()
    text = re.sub(r"^(?:arxiv:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)", "", text, flags=re.I)
    text = re.sub(r"\.pdf$", "", text)
    match = _ARXIV_ID.match(text)
    if not match:
        raise ValueError(f"{value!r} is not an arXiv id; write it like 1706.03762")
    return match.group(1)


def parse_doi(value: str) -> str:
    """A bare DOI (no ``doi:`` or resolver prefix); ``ValueError`` when it is not one.

    >>> parse_doi("https://doi.org/10.18653/v1/N19-1423")
    '10.18653/v1/N19-1423'
    """
    text = re.sub(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)", "", value.strip(), flags=re.I)
    if not _DOI.match(text):
        raise ValueError(f"{value!r} is not a DOI; write it like 10.18653/v1/N19-1423")
    return text


def fetch_bytes(url: str, *, service: str, timeout: float, accept: str) -> bytes:
    """GET ``url``; every failure becomes one :class:`RemoteError` line naming ``service``."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        reason = "not found" if exc.code == 404 else (exc.reason or "error")
        raise RemoteError(f"{service}: HTTP {exc.code} ({reason}) for {url}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise RemoteError(f"{service}: no answer within {timeout:g} s from {url}") from None
        raise RemoteError(f"{service}: cannot reach {url}: {_reason(exc.reason)}") from None
    except (TimeoutError, socket.timeout):
        raise RemoteError(f"{service}: no answer within {timeout:g} s from {url}") from None
    except (OSError, ValueError) as exc:  # connection reset, bad URL, http.client errors
        raise RemoteError(f"{service}: cannot read {url}: {_reason(exc)}") from None
    if len(data) > MAX_BYTES:
        raise RemoteError(f"{service}: the response from {url} is larger than {MAX_BYTES} bytes")
    return data


def _reason(reason: Any) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__


def _url_allowed(base: str, service: str) -> None:
    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        raise RemoteError(f"{service}: base URL {base!r} must start with http:// or https://")


# -- arXiv ---------------------------------------------------------------

def fetch_arxiv(ids: list[str], *, base: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> list[dict]:
    """Paper fields for arXiv ids (bare, no version), in the order asked, in one request."""
    if not ids:
        return []
    root = arxiv_base(base)
    _url_allowed(root, "arXiv API")
    query = urllib.parse.urlencode({"id_list": ",".join(ids), "max_results": str(len(ids))})
    url = f"{root}/query?{query}"
    data = fetch_bytes(url, service="arXiv API", timeout=timeout, accept="application/atom+xml")
    found = parse_arxiv_atom(data, url)
    missing = [i for i in ids if i not in found]
    if missing:
        raise RemoteError(f"arXiv API: no paper with id {', '.join(missing)} ({url})")
    return [found[i] for i in ids]


def parse_arxiv_atom(data: bytes, url: str = "arXiv API") -> dict[str, dict]:
    """Paper fields by bare arXiv id from an arXiv API Atom document."""
    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise RemoteError(f"arXiv API: refused unsafe XML from {url} ({type(exc).__name__})") from None
    except Exception as exc:  # ParseError and friends: the text is not XML
        raise RemoteError(f"arXiv API: malformed XML from {url}: {exc}") from None
    if root.tag != f"{_ATOM}feed":
        raise RemoteError(f"arXiv API: expected an Atom feed from {url}, got <{root.tag}>")
    papers: dict[str, dict] = {}
    for entry in root.findall(f"{_ATOM}entry"):
        entry_id = _text(entry, f"{_ATOM}id")
        if "api/errors" in entry_id:  # the API reports a bad query as an entry titled "Error"
            summary = _text(entry, f"{_ATOM}summary") or "error"
            raise RemoteError(f"arXiv API: {summary} ({url})")
        match = _ABS_URL.search(entry_id)
        if not match:
            raise RemoteError(f"arXiv API: an entry without an arXiv id in {url}")
        paper = _arxiv_entry(entry, match.group(1))
        papers[match.group(1)] = paper
    return papers


def _text(element: Any, path: str) -> str:
    found = element.find(path)
    return " ".join((found.text or "").split()) if found is not None else ""


def _arxiv_entry(entry: Any, arxiv_id: str) -> dict:
    title = _text(entry, f"{_ATOM}title")
    if not title:
        raise RemoteError(f"arXiv API: entry {arxiv_id} has no title")
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
    if doi and _DOI.match(doi):
        paper["doi"] = doi
    paper["url"] = f"https://arxiv.org/abs/{arxiv_id}"
    paper["pdf"] = f"https://arxiv.org/pdf/{arxiv_id}"
    abstract = _text(entry, f"{_ATOM}summary")
    if abstract:
        paper["abstract"] = abstract
    return paper


# -- Crossref ------------------------------------------------------------

def fetch_crossref(doi: str, *, base: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Paper fields for one DOI from Crossref's ``/works/{doi}``."""
    root = crossref_base(base)
    _url_allowed(root, "Crossref")
    url = f"{root}/works/{urllib.parse.quote(doi, safe='/')}"
    data = fetch_bytes(url, service="Crossref", timeout=timeout, accept="application/json")
    return parse_crossref_work(data, doi, url)


def parse_crossref_work(data: bytes, doi: str, url: str = "Crossref") -> dict:
    """Paper fields from a Crossref work response."""
    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RemoteError(f"Crossref: malformed JSON from {url}: {exc}") from None
    message = payload.get("message") if isinstance(payload, dict) else None
    if not isinstance(message, dict):
        raise RemoteError(f"Crossref: the response from {url} has no 'message' object")
    titles = message.get("title")
    title = titles[0] if isinstance(titles, list) and titles and isinstance(titles[0], str) else ""
    title = " ".join(title.split())
    if not title:
        raise RemoteError(f"Crossref: work {doi} has no title ({url})")
    paper: dict[str, Any] = {"title": title, "authors": _crossref_authors(message.get("author"))}
    year = _crossref_year(message)
    if year:
        paper["year"] = year
    venue = _first_string(message.get("container-title")) or _first_string(message.get("event", {}).get("name")
                                                                             if isinstance(message.get("event"), dict)
                                                                             else None)
    if venue:
        paper["venue"] = venue
    found_doi = message.get("DOI") if isinstance(message.get("DOI"), str) else doi
    paper["doi"] = found_doi if _DOI.match(found_doi) else doi
    link = message.get("URL")
    if isinstance(link, str) and link.startswith(("http://", "https://")):
        paper["url"] = link
    abstract = message.get("abstract")
    if isinstance(abstract, str):
        text = " ".join(re.sub(r"<[^>]{0,200}>", " ", abstract).split())
        if text:
            paper["abstract"] = text
    return paper


def _first_string(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _crossref_authors(value: Any) -> list[str]:
    names = []
    for person in value if isinstance(value, list) else []:
        if not isinstance(person, dict):
            continue
        parts = [person.get("given"), person.get("family")]
        name = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
        name = name or (person.get("name") if isinstance(person.get("name"), str) else "")
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


# -- ids -----------------------------------------------------------------

def _ascii_word(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", text.encode("ascii", "ignore").decode().lower())


def make_paper_id(paper: dict, taken: set[str]) -> str:
    """First author's last name + year + first title word, unique against ``taken``.

    >>> make_paper_id({"authors": ["Jacob Devlin"], "year": 2019, "title": "BERT: Pre-training"}, {"devlin2019bert"})
    'devlin2019bert-2'
    """
    authors = paper.get("authors") or []
    last = _ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else ""
    words = [_ascii_word(w) for w in re.split(r"[\s\-:]+", paper.get("title", ""))]
    first = next((w for w in words if w and w not in _STOP_WORDS), "") or next((w for w in words if w), "")
    base = f"{last or 'paper'}{paper.get('year') or ''}{first}"[:70] or "paper"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
