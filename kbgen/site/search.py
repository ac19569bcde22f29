"""What the site's search indexes: one record per page, with an entity's names weighted first.

Pure (no I/O): :mod:`kbgen.app.search_index` reads the built pages and hands
the records to Pagefind (:mod:`kbgen.io.pagefind`).

A record is the page's ``<article>`` (Material's content column; the header,
nav, sidebars and footer are left out), its ``data-search-exclude`` parts
dropped by Pagefind (:data:`EXCLUDE_SELECTORS`), and, on an entity's own page,
a names block first: its short name, aliases, id and arXiv id at Pagefind's
highest weight, so the page ranks first for a name a reader types. The names
also go into the record's metadata (``names``, normalised as
:func:`kbgen.site.data.normalise_name` does), which the search worker
(``assets/search-worker.js``) uses to put an exact name match first.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kbgen.core.kb import KnowledgeBase
from kbgen.site.data import normalise_name
from kbgen.site.links import full_label
from kbgen.site.urls import page_url

#: Pagefind's highest content weight (h1 is 7): names outrank every heading.
NAME_WEIGHT = 10
#: What Pagefind leaves out of a record: kbgen's lists and boilerplate (the same parts
#: lunr leaves out), the heading permalinks, and Material's "edit this page" buttons.
EXCLUDE_SELECTORS = ("[data-search-exclude]", ".headerlink", ".md-content__button", "nav.kb-breadcrumb")
#: Built pages that are not for readers to find.
SKIPPED_PAGES = frozenset({"404.html"})
#: Folders of the built site that hold no pages to find (kbgen's assets, Pagefind's own bundle).
SKIPPED_DIRS = ("assets/", "pagefind/", "search/")
#: Separator of the normalised names in a record's ``names`` metadata.
NAMES_SEPARATOR = " "

_ARTICLE_RE = re.compile(r"<article\b[^>]*>(.*)</article>", re.S)
_TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)


@dataclass(frozen=True)
class Names:
    """What a reader may type to find one entity's page, and what its result is called."""

    title: str
    label: str  # the result's heading: "ViT — An Image is Worth 16x16 Words: …"
    names: tuple[str, ...]  # short name, aliases, id, arXiv id, title (in that order, no repeats)
    spoken: tuple[str, ...] = ()  # the short name and aliases only

    def normalised(self) -> list[str]:
        """The names as the worker compares them (letters and digits, lower case), without repeats."""
        seen: dict[str, None] = {}
        for name in self.names:
            key = normalise_name(name)
            if key:
                seen.setdefault(key)
        return list(seen)


def _unique(values: list[str | None]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value.strip():
            seen.setdefault(value.strip())
    return tuple(seen)


def entity_names(kb: KnowledgeBase, directory_urls: bool = True) -> dict[str, Names]:
    """The names of every page an entity owns, keyed by the page's site URL (``papers/vit/``).

    Summaries are named by their title only: a summary's id is its paper's,
    and the paper's page is the one a reader means by that name.

    >>> from kbgen.core.models import Paper
    >>> kb = KnowledgeBase(papers={"vit": Paper(id="vit", title="An Image is Worth 16x16 Words", short="ViT",
    ...                                          aliases=["Vision Transformer"], arxiv="2010.11929")})
    >>> entity_names(kb)["papers/vit/"].names
    ('ViT', 'Vision Transformer', 'vit', '2010.11929', 'An Image is Worth 16x16 Words')
    """
    out: dict[str, Names] = {}

    def put(kind: str, entity_id: str, title: str, short: str | None, names: list[str | None],
            spoken: tuple[str, ...] = ()) -> None:
        out[page_url(kind, entity_id, directory_urls)] = Names(title, full_label(short, title), _unique(names),
                                                               spoken)

    for pid, p in kb.papers.items():
        put("paper", pid, p.title, p.short, [p.short, *p.aliases, pid, p.arxiv, p.title],
            _unique([p.short, *p.aliases]))
    for cid, c in kb.concepts.items():
        put("concept", cid, c.title, c.short, [c.short, *c.aliases, cid, c.title], _unique([c.short, *c.aliases]))
    for table, kind in ((kb.stories, "story"), (kb.resources, "resource")):
        for eid, e in table.items():
            put(kind, eid, e.title, None, [eid, e.title])
    for sid, s in kb.summaries.items():
        put("summary", sid, s.title, None, [s.title])
    for tid, t in kb.topics.items():
        put("topic", tid, t.name, None, [tid, t.name])
    for rid, r in kb.paths.items():
        put("path", rid, r.title, None, [rid, r.title])
    return out


def page_url_of(rel_path: str, directory_urls: bool = True) -> str:
    """The site URL of a built page from its path in the site (``papers/vit/index.html`` -> ``papers/vit/``).

    >>> page_url_of("papers/vit/index.html"), page_url_of("index.html"), page_url_of("papers/vit.html", False)
    ('papers/vit/', '', 'papers/vit.html')
    """
    if directory_urls and (rel_path == "index.html" or rel_path.endswith("/index.html")):
        return rel_path[: -len("index.html")]
    return rel_path


def is_searchable(rel_path: str) -> bool:
    """Whether a built file is a page readers should find (not the 404 page, assets or bundles).

    >>> is_searchable("papers/vit/index.html"), is_searchable("404.html"), is_searchable("assets/kbgen/x.html")
    (True, False, False)
    """
    return (rel_path.endswith(".html") and rel_path not in SKIPPED_PAGES
            and not rel_path.startswith(SKIPPED_DIRS))


def page_title(page_html: str) -> str:
    """The page's ``<title>`` without the site name Material appends (" - Site name")."""
    found = _TITLE_RE.search(page_html)
    if not found:
        return ""
    title = html.unescape(found.group(1)).strip()
    return title.rsplit(" - ", 1)[0] if " - " in title else title


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def record_html(page_html: str, names: Names | None = None) -> str | None:
    """The HTML Pagefind indexes for one built page, or None when the page has no content column.

    The record keeps the page's article (headings with ids give Pagefind its
    sub-results) and puts the names block first. Its ``title`` metadata is the
    entity's label, else the page's ``<title>``; Pagefind escapes nothing in
    metadata, so the worker escapes every value before Material shows it.
    """
    found = _ARTICLE_RE.search(page_html)
    if not found:
        return None
    body = found.group(1)
    title = names.label if names else page_title(page_html)
    meta = f'<meta data-pagefind-meta="title[content]" content="{_attr(title)}">' if title else ""
    head = ""
    if names:
        keys = NAMES_SEPARATOR.join(names.normalised())
        meta += f'<meta data-pagefind-meta="names[content]" content="{_attr(keys)}">'
        spoken = " · ".join(n for n in names.names if n != names.title)
        head = f'<p data-pagefind-weight="{NAME_WEIGHT}">{html.escape(spoken)}</p>'
    return f'<html lang="en"><head>{meta}</head><body>{head}{body}</body></html>'


def records(pages: Iterator[tuple[str, str]], kb: KnowledgeBase, directory_urls: bool = True
            ) -> Iterator[tuple[str, str]]:
    """``(url, record html)`` for every searchable page of ``(path in the site, html)``.

    URLs start with ``/`` (the site's root), as Pagefind's own crawl gives them.
    """
    named = entity_names(kb, directory_urls)
    for rel, text in pages:
        if not is_searchable(rel):
            continue
        url = page_url_of(rel, directory_urls)
        record = record_html(text, named.get(url))
        if record is not None:
            yield "/" + url, record


def name_lunr_index(index: dict, kb: KnowledgeBase, directory_urls: bool = True) -> dict:
    """Material's lunr index with an entity's names where lunr weighs them most.

    For sites that keep lunr (``--offline``, ``serve``): an entity's own entry
    gets its label as title ("ViT — An Image is Worth…", title weighs 1,000)
    and its short name and aliases as tags (weigh 1,000,000; Material shows
    them as chips under the result). Section entries (``#anchor``) are left as
    they are.

    >>> from kbgen.core.models import Paper
    >>> kb = KnowledgeBase(papers={"vit": Paper(id="vit", title="An Image", short="ViT", aliases=["V T"])})
    >>> name_lunr_index({"docs": [{"location": "papers/vit/", "title": "An Image", "text": ""}]}, kb)["docs"][0]
    {'location': 'papers/vit/', 'title': 'ViT — An Image', 'text': '', 'tags': ['ViT', 'V T']}
    """
    named = entity_names(kb, directory_urls)
    docs = []
    for doc in index.get("docs", []):
        names = named.get(doc.get("location", "")) if isinstance(doc, dict) else None
        if names is not None:
            tags = [n for n in names.spoken if normalise_name(n) != normalise_name(names.title)]
            doc = {**doc, "title": html.escape(names.label, quote=False)}
            if tags:
                doc["tags"] = list(dict.fromkeys([*doc.get("tags", []), *tags]))
        docs.append(doc)
    return {**index, "docs": docs}

