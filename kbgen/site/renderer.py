"""Render a knowledge base as site pages: pure functions from data to text.

:meth:`SiteRenderer.site_files` lists every generated page and file (paper,
topic, path and index pages; ``kb.json``, ``references.bib``, ``feed.xml``,
each path's ``.bib`` and ``.ics``, the browser scripts' data) without
rendering any; :meth:`SiteRenderer.render_page` renders one page,
:meth:`SiteRenderer.render_file` one other file. URIs are paths relative to
the docs dir (:mod:`kbgen.site.urls`).

A page is rendered as HTML (:class:`kbgen.site.pagewriter.RenderedPage`: the
body, its table of contents, its metadata), which the MkDocs plugin hands to
MkDocs as the page's content, so Python-Markdown never parses it; or, with
``markdown=True``, as a Markdown file whose headings are Markdown and whose
body is raw HTML (``kbgen export``, :meth:`render_site`), which Python-Markdown
and Zensical build into the same page. Links are final relative URLs either
way (:meth:`SiteRenderer.href`, which follows ``use_directory_urls``), and each
page records the URIs it links to so that the plugin checks them. The pages of
each kind are methods of a mixin of their own (:mod:`kbgen.site.paper_pages`,
``topic_pages``, ``path_pages``, ``contributed``).

Everything taken from the knowledge base is escaped by the templates'
filters (:mod:`kbgen.site.escaping`); see ``templates/*.html.j2``.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from markupsafe import Markup

from kbgen.core.kb import KnowledgeBase
from kbgen.core.kinds import KINDS
from kbgen.output.feed import render_feed
from kbgen.output.mermaid import shorten
from kbgen.site.contributed import ContributedPages
from kbgen.site.crossrefs import CrossRefs
from kbgen.site.data import render_data_files
from kbgen.site.environment import build_environment
from kbgen.site.escaping import escape_html
from kbgen.site.links import Link
from kbgen.site.pagewriter import PageWriter, RenderedPage
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
    #: Relative links from the page's source folder, not its URL: for Zensical, which rewrites
    #: relative links in raw HTML as Markdown links (``kbgen build --engine zensical``).
    links_from_source: bool = False

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
        self._writer: PageWriter | None = None  # the page being rendered

    # -- one page at a time ------------------------------------------------------------------------

    def site_files(self) -> dict[str, tuple[bool, Callable[..., Any], tuple]]:
        """``{uri: (is_page, render, args)}`` of every generated page and file, in site order; nothing rendered."""
        files: dict[str, tuple[bool, Callable[..., Any], tuple]] = {}
        files[index_uri("paper")] = (True, self.render_papers_index, ())
        for paper_id in self.kb.papers:
            files[page_uri("paper", paper_id)] = (True, self.render_paper, (paper_id,))
        files[index_uri("topic")] = (True, self.render_topics_index, ())
        for topic_id in self.kb.topics:
            files[page_uri("topic", topic_id)] = (True, self.render_topic, (topic_id,))
        for kind in SECTION_INDEX_ORDER:
            files[index_uri(kind)] = (True, self.render_section_index, (kind, KINDS[kind].label_plural))
        if self.graph is not None:
            files.update(self.path_files())
            files[GRAPH_URI] = (True, self.render_graph, ())
            files[KB_JSON_URI] = (False, self.render_kb_json, ())
            for uri in self.data_files:
                files[uri] = (False, self.data_files.__getitem__, (uri,))
        files[REFERENCES_URI] = (False, self.render_references, ())
        files[FEED_URI] = (False, render_feed, (self.kb, self.options.site_url, self.page_url, FEED_URI))
        return files

    @cached_property
    def data_files(self) -> dict[str, str]:
        """The browser scripts' data files (:func:`kbgen.site.data.render_data_files`), by URI."""
        return render_data_files(self.kb, self.graph) if self.graph is not None else {}

    def render_page(self, uri: str, *, markdown: bool = False) -> RenderedPage:
        """One generated page, as HTML (or as Markdown with raw HTML, ``markdown=True``)."""
        is_page, render, args = self.site_files_cached[uri]
        if not is_page:
            raise KeyError(uri)
        return self.writing(uri, markdown, render, *args)

    def render_file(self, uri: str) -> str:
        """One generated file that is not a page (``kb.json``, a ``.bib``, a data file...)."""
        _, render, args = self.site_files_cached[uri]
        return render(*args)

    @cached_property
    def site_files_cached(self) -> dict[str, tuple[bool, Callable[..., Any], tuple]]:
        return self.site_files()

    def writing(self, uri: str, markdown: bool, render: Callable[..., str], *args: Any) -> RenderedPage:
        """Run ``render(*args)`` as the page ``uri``: its headings and links are recorded."""
        outer, self._writer = self._writer, PageWriter(uri, self.options.directory_urls, markdown,
                                                  self.options.links_from_source)
        if uri in self.site_files_cached:
            self._writer.meta = self.page_head(uri)[0]
        try:
            body = render(*args)
            return self._writer.finish(body, extra_ids=self._page_ids(uri))
        finally:
            self._writer = outer

    @staticmethod
    def _page_ids(uri: str) -> tuple[str, ...]:
        return ("kb-graph-app",) if uri == GRAPH_URI else ()

    def page_head(self, uri: str) -> tuple[dict[str, Any], str | None]:
        """A generated page's metadata and the text of its h1, known without rendering the page.

        The metadata's title is HTML-escaped: Material prints it into ``<title>`` as it is.
        """
        _, render, args = self.site_files_cached[uri]
        name = render.__name__
        if name == "render_paper":
            return {"title": str(escape_html(self.link(uri, args[0]).label)), "search": {"boost": 2}}, \
                self.kb.papers[args[0]].title
        if name == "render_topic":
            topic = self.kb.topics[args[0]].name
            return {"title": str(escape_html(topic))}, topic
        if name == "render_path_page":
            title = self.path_spec(*args)[1]
            return {"title": str(escape_html(title))}, title
        if name == "render_graph":
            return {"hide": ["toc"]}, "Graph"
        if name == "render_section_index":
            return {}, args[1]
        return {}, {"render_papers_index": "Papers", "render_topics_index": "Topics",
                    "render_paths_index": "Reading paths"}[name]

    def href(self, from_uri: str, to_uri: str, fragment: str = "") -> str:
        """The final relative URL from one page to a docs-dir URI; recorded when ``from_uri`` is being rendered."""
        if self._writer is not None and self._writer.uri == from_uri:
            return self._writer.href(to_uri, fragment)
        url = "" if to_uri == from_uri and fragment else url_between(from_uri, to_uri, self.options.directory_urls,
                                                                          self.options.links_from_source)
        return f"{url}#{fragment}" if fragment else url

    def render_site(self) -> dict[str, str]:
        """``{uri: text}`` of every generated page and file, pages as Markdown files (``kbgen export``)."""
        return dict(self.iter_site())

    def iter_site(self) -> Iterator[tuple[str, str]]:
        """:meth:`render_site` one file at a time."""
        for uri, (is_page, render, args) in self.site_files_cached.items():
            yield uri, (self.writing(uri, True, render, *args).text() if is_page else render(*args))

    # -- pieces ----------------------------------------------------------------------------------

    def link(self, from_uri: str, entity_id: str, note: str = "") -> Link:
        kind = self.kb.kind_of(entity_id) or "paper"
        return Link(entity_id, self.kb.title_of(entity_id), self.href(from_uri, page_uri(kind, entity_id)),
                    kind, self.kb.year_of(entity_id), note, self.short_of(entity_id))

    def brief_name(self, kind: str, entity_id: str) -> str:
        """An entry's name where space is short (a breadcrumb): its short name, or its title cut short."""
        entry = self.kb.table(kind).get(entity_id)
        title = getattr(entry, "title", None) or getattr(entry, "name", None) or entity_id
        return getattr(entry, "short", None) or shorten(title, BREADCRUMB_LIMIT)

    def breadcrumb(self, uri: str, kind: str, trail: Sequence[tuple[str, str | None]]) -> Markup:
        """Section › ... › page below a page's title; ``trail`` is ``(text, href or None)`` after the section."""
        crumbs = [(KINDS[kind].label_plural, self.href(uri, index_uri(kind))), *trail]
        return Markup(self.render_template("breadcrumb.html.j2", crumbs=crumbs).rstrip("\n"))

    def short_of(self, entity_id: str) -> str | None:
        """The short name of a paper or concept (``ViT``), or None."""
        return getattr(self.kb.entity(entity_id), "short", None) or None

    def url_to(self, from_uri: str, kind: str, entity_id: str) -> str:
        """A browser URL from one page to an entry's page, for Mermaid links (recorded like any link).

        Always from the page's URL: no engine rewrites the text of a diagram.
        """
        url = self.href(from_uri, page_uri(kind, entity_id))
        if not self.options.links_from_source:
            return url
        return url_between(from_uri, page_uri(kind, entity_id), self.options.directory_urls)

    def links(self, from_uri: str, ids: Iterable[str]) -> list[Link]:
        return [self.link(from_uri, i) for i in ids if self.kb.kind_of(i)]

    def topic_links(self, from_uri: str, topic_ids: Iterable[str]) -> list[Link]:
        return [Link(t, self.kb.topics[t].name, self.href(from_uri, page_uri("topic", t)), "topic")
                for t in topic_ids if t in self.kb.topics]

    def render_template(self, name: str, **context: Any) -> str:
        writer = self._writer if self._writer is not None else PageWriter("", markdown=True)
        return self.env.get_template(name).render(heading=writer.heading, **context)

    @cached_property
    def related(self) -> Mapping[str, list]:
        if self.graph is None:
            return {}
        from kbgen.reading.related import compute_related

        return compute_related(self.graph, k=self.options.related_k)

    def render_graph(self) -> str:
        uri = GRAPH_URI
        return self.render_template("graph.html.j2", kb_json_href=self.href(uri, KB_JSON_URI),
                                    papers_href=self.href(uri, index_uri("paper")),
                                    topics_href=self.href(uri, index_uri("topic")))

    def page_url(self, kind: str, entity_id: str) -> str:
        """An entry's URL relative to the site's root, as this site's URLs are made."""
        return page_url(kind, entity_id, self.options.directory_urls)

    def render_kb_json(self) -> str:
        from kbgen.graph import graph_to_json

        return json.dumps(graph_to_json(self.graph, url_of=self.page_url), ensure_ascii=False,
                          separators=(",", ":")) + "\n"


def render_site(kb: KnowledgeBase, graph: Any = None, options: SiteOptions | None = None, *,
                templates: Mapping[str, str]) -> dict[str, str]:
    """Every generated page and file of the site, ``{uri: text}`` (pages as Markdown files)."""
    return SiteRenderer(kb, graph, options, templates=templates).render_site()
