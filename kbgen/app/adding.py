"""Fetching paper metadata for ``kbgen add``: the arXiv API and Crossref, through :mod:`kbgen.io.http`.

The base URLs come from the options, else the environment variables
``KBGEN_ARXIV_API`` and ``KBGEN_CROSSREF_API``, else the public services, so
tests run this very client against a local server. Every failure raises
:class:`RemoteError` with one line.
"""

from __future__ import annotations

import os
import urllib.parse

from kbgen.app.progress import NO_PROGRESS, Progress
from kbgen.io.http import DEFAULT_TIMEOUT, RemoteError, check_base_url, fetch_bytes
from kbgen.parse.metadata import MalformedResponse, parse_arxiv_atom, parse_crossref_work

__all__ = ["RemoteError", "arxiv_base", "crossref_base", "fetch_arxiv", "fetch_crossref", "fetch_papers"]

ARXIV_API = "https://export.arxiv.org/api"
CROSSREF_API = "https://api.crossref.org"
ARXIV_ENV = "KBGEN_ARXIV_API"
CROSSREF_ENV = "KBGEN_CROSSREF_API"


def arxiv_base(option: str | None = None) -> str:
    """The arXiv API base URL: the option, else ``$KBGEN_ARXIV_API``, else the public API."""
    return (option or os.environ.get(ARXIV_ENV) or ARXIV_API).rstrip("/")


def crossref_base(option: str | None = None) -> str:
    """The Crossref API base URL: the option, else ``$KBGEN_CROSSREF_API``, else the public API."""
    return (option or os.environ.get(CROSSREF_ENV) or CROSSREF_API).rstrip("/")


def fetch_arxiv(ids: list[str], *, base: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> list[dict]:
    """Paper fields for arXiv ids (bare, no version), in the order asked, in one request."""
    if not ids:
        return []
    root = arxiv_base(base)
    check_base_url(root, "arXiv API")
    query = urllib.parse.urlencode({"id_list": ",".join(ids), "max_results": str(len(ids))})
    url = f"{root}/query?{query}"
    data = fetch_bytes(url, service="arXiv API", timeout=timeout, accept="application/atom+xml")
    try:
        found = parse_arxiv_atom(data, url)
    except MalformedResponse as exc:
        raise RemoteError(str(exc)) from None
    missing = [i for i in ids if i not in found]
    if missing:
        raise RemoteError(f"arXiv API: no paper with id {', '.join(missing)} ({url})")
    return [found[i] for i in ids]


def fetch_crossref(doi: str, *, base: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Paper fields for one DOI from Crossref's ``/works/{doi}``."""
    root = crossref_base(base)
    check_base_url(root, "Crossref")
    url = f"{root}/works/{urllib.parse.quote(doi, safe='/')}"
    data = fetch_bytes(url, service="Crossref", timeout=timeout, accept="application/json")
    try:
        return parse_crossref_work(data, doi, url)
    except MalformedResponse as exc:
        raise RemoteError(str(exc)) from None


def fetch_papers(refs: list[tuple[str, str]], *, arxiv_api: str | None = None, crossref_api: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, progress: Progress = NO_PROGRESS) -> list[tuple[str, dict]]:
    """``(label, fields)`` of each ``("arxiv", id)`` or ``("doi", doi)`` in order: the arXiv ids in one
    request, then one Crossref request per DOI; ``progress`` counts the papers fetched."""
    progress.stage("fetching metadata", total=len(refs))
    arxiv_ids = [value for scheme, value in refs if scheme == "arxiv"]
    by_arxiv = dict(zip(arxiv_ids, fetch_arxiv(arxiv_ids, base=arxiv_api, timeout=timeout)))
    progress.advance(len(arxiv_ids))
    fetched = []
    for scheme, value in refs:
        if scheme == "arxiv":
            fetched.append((f"arxiv:{value}", by_arxiv[value]))
        else:
            fetched.append((f"doi:{value}", fetch_crossref(value, base=crossref_api, timeout=timeout)))
            progress.advance()
    return fetched
