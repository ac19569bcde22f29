"""Render a knowledge base as site pages: pure functions from data to text.

:meth:`SiteRenderer.render_site` returns ``{uri: text}`` for every generated
page and file (paper, topic, path and index pages as Markdown; ``kb.json``,
``references.bib``, ``feed.xml`` and each path's ``.bib`` and ``.ics``). URIs
are paths relative to the docs dir (:mod:`kbgen.site.urls`), so the MkDocs
plugin turns each into a ``File.generated`` and ``kbgen export`` writes them
to disk unchanged.

Pages link to each other with relative ``.md`` links, which MkDocs resolves,
rewrites and validates (a broken one fails ``--strict``) and which any other
Markdown site builder understands too. The pages of each kind are methods of
a mixin of their own (:mod:`kbgen.site.paper_pages`, ``topic_pages``,
``path_pages``, ``contributed``).

Everything taken from the knowledge base is escaped by the templates'
filters (:mod:`kbgen.site.escaping`); see ``templates/*.md.j2``.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable, Mapping, Sequence

from markupsafe import Markup

from kbgen.core.kb import KnowledgeBase
from kbgen.core.kinds import KINDS
from kbgen.output.feed import render_feed
from kbgen.output.mermaid import shorten
from kbgen.site.contributed import ContributedPages
from kbgen.site.crossrefs import CrossRefs
from kbgen.site.data import render_data_files
from kbgen.site.environment import build_environment
from kbgen.site.links import Link
from kbgen.site.paper_pages import PaperPages
from kbgen.site.path_pages import PathPages
from kbgen.site.topic_pages import TopicPages
from kbgen.site.urls import (
    FEED_URI,
    GRAPH_URI,
    KB_JSON_URI,
    REFERENCES_URI,
    index_uri,
    page_uri,
    page_url,
    relative_link,
    site_root,
    url_between,
)

#: Longest title a breadcrumb shows, in characters (a short name is shown instead when there is one).
BREADCRUMB_LIMIT = 48
#: Section index pages generated for contributed pages (unless the content has its own).
SECTION_INDEX_ORDER = ("concept", "story", "resource", "summary")


@dataclass(frozen=True)
class SiteOptions:
    """Choices that change the rendered site."""

    site_url: str | None = None
    related_k: int = 5
    #: Newest summaries and featured paths on the home page.
    home_items: int = 5
    #: Length of one reading session in a path's .ics calendar, in minutes.
    session_minutes: int = 90
    #: First session of a path's calendar; ``None``: :func:`default_session_start`.
    session_start: _dt.date | None = None
    #: MkDocs' ``use_directory_urls``: ``papers/vit/`` (True) or ``papers/vit.html`` (False, offline).
    directory_urls: bool = True

    def sessions_start(self, kb: KnowledgeBase) -> _dt.date:
        """The first session's date: ``session_start``, or one the knowledge base fixes."""
        return self.session_start if self.session_start is not None else default_session_start(kb)


#: First session when the knowledge base records no date at all (a Monday).
FALLBACK_SESSION_START = _dt.date(2000, 1, 3)


def default_session_start(kb: KnowledgeBase) -> _dt.date:
    """The first session when none is configured: a date taken from the knowledge base, never from the clock.

    The Monday after the newest ``date`` of a summary, concept, story or
    resource; without one, the Monday after 1 January of the year after the
    newest paper; without either, :data:`FALLBACK_SESSION_START`. The same
    input therefore builds the same calendars, whenever it is built.

    >>> from kbgen.core.models import Paper
    >>> default_session_start(KnowledgeBase(papers={"a": Paper(id="a", title="A", year=2020)}))
    datetime.date(2021, 1, 4)
    >>> default_session_start(KnowledgeBase())
    datetime.date(2000, 1, 3)
    """
    dates = [page.date for table in (kb.summaries, kb.concepts, kb.stories, kb.resources)
             for page in table.values() if page.date is not None]
    if dates:
        newest = max(dates)
    else:
        years = [paper.year for paper in kb.papers.values() if paper.year]
        if not years:
            return FALLBACK_SESSION_START
        newest = _dt.date(max(years) + 1, 1, 1)
    return newest + _dt.timedelta(days=7 - newest.weekday())


class SiteRenderer(PaperPages, TopicPages, PathPages, ContributedPages):
    """Renders every page of one knowledge base (and its graph, when given).

    ``graph`` is a :class:`kbgen.graph.KBGraph`; without it, pages that
    need it (reading paths, related papers, ``kb.json``) are left out, which
    keeps the metadata pages testable on their own. ``templates`` maps each
    template's file name to its text (:func:`kbgen.app.sitebuild.read_templates`).
    """

    def __init__(self, kb: KnowledgeBase, graph: Any = None, options: SiteOptions | None = None, *,
                 templates: Mapping[str, str]):
        self.kb = kb
        self.graph = graph
        self.options = options or SiteOptions()
        self.refs = CrossRefs.build(kb)
        self.env = build_environment(templates)

    def link(self, from_uri: str, entity_id: str, note: str = "") -> Link:
        kind = self.kb.kind_of(entity_id) or "paper"
        return Link(entity_id, self.kb.title_of(entity_id), relative_link(from_uri, page_uri(kind, entity_id)),
                    kind, self.kb.year_of(entity_id), note, self.short_of(entity_id))

    def brief_name(self, kind: str, entity_id: str) -> str:
        """An entry's name where space is short (a breadcrumb): its short name, or its title cut short."""
        entry = self.kb.table(kind).get(entity_id)
        title = getattr(entry, "title", None) or getattr(entry, "name", None) or entity_id
        return getattr(entry, "short", None) or shorten(title, BREADCRUMB_LIMIT)

    def breadcrumb(self, uri: str, kind: str, trail: Sequence[tuple[str, str | None]]) -> Markup:
        """Section › ... › page above a page's title; ``trail`` is ``(text, href or None)`` after the section."""
        crumbs = [(KINDS[kind].label_plural, relative_link(uri, index_uri(kind))), *trail]
        return Markup(self.render_template("breadcrumb.md.j2", crumbs=crumbs).rstrip("\n"))

    def short_of(self, entity_id: str) -> str | None:
        """The short name of a paper or concept (``ViT``), or None."""
        return getattr(self.kb.entity(entity_id), "short", None) or None

    def url_to(self, from_uri: str, kind: str, entity_id: str) -> str:
        """A browser URL (not a ``.md`` link) from one page to an entry's page, for Mermaid links."""
        return url_between(from_uri, page_uri(kind, entity_id), self.options.directory_urls)

    def links(self, from_uri: str, ids: Iterable[str]) -> list[Link]:
        return [self.link(from_uri, i) for i in ids if self.kb.kind_of(i)]

    def topic_links(self, from_uri: str, topic_ids: Iterable[str]) -> list[Link]:
        return [Link(t, self.kb.topics[t].name, relative_link(from_uri, page_uri("topic", t)), "topic")
                for t in topic_ids if t in self.kb.topics]

    def render_template(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    @cached_property
    def related(self) -> Mapping[str, list]:
        if self.graph is None:
            return {}
        from kbgen.reading.related import compute_related

        return compute_related(self.graph, k=self.options.related_k)

    def render_site(self) -> dict[str, str]:
        """``{uri: text}`` of every generated page and file."""
        files: dict[str, str] = {}
        files[index_uri("paper")] = self.render_papers_index()
        for paper_id in self.kb.papers:
            files[page_uri("paper", paper_id)] = self.render_paper(paper_id)
        files[index_uri("topic")] = self.render_topics_index()
        for topic_id in self.kb.topics:
            files[page_uri("topic", topic_id)] = self.render_topic(topic_id)
        for kind in SECTION_INDEX_ORDER:
            files[index_uri(kind)] = self.render_section_index(kind, KINDS[kind].label_plural)
        if self.graph is not None:
            files.update(self.render_paths())
            files[GRAPH_URI] = self.render_template(
                "graph.md.j2", site_root=site_root(GRAPH_URI, self.options.directory_urls))
            files[KB_JSON_URI] = self.render_kb_json()
            files.update(render_data_files(self.kb, self.graph))
        files[REFERENCES_URI] = self.render_references()
        files[FEED_URI] = render_feed(self.kb, self.options.site_url, self.page_url, FEED_URI)
        return files

    def page_url(self, kind: str, entity_id: str) -> str:
        """An entry's URL relative to the site's root, as this site's URLs are made."""
        return page_url(kind, entity_id, self.options.directory_urls)

    def render_kb_json(self) -> str:
        from kbgen.graph import graph_to_json

        return json.dumps(graph_to_json(self.graph, url_of=self.page_url), ensure_ascii=False,
                          separators=(",", ":")) + "\n"


def render_site(kb: KnowledgeBase, graph: Any = None, options: SiteOptions | None = None, *,
                templates: Mapping[str, str]) -> dict[str, str]:
    """Every generated page and file of the site, ``{uri: text}``."""
    return SiteRenderer(kb, graph, options, templates=templates).render_site()
