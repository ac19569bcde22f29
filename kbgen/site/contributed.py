"""Contributed pages (summaries, concepts, stories, resources): header, footer, section index; and the home page."""

from __future__ import annotations

from kbgen.core.kinds import KINDS
from kbgen.site.escaping import escape_markdown, highlight_code
from kbgen.site.layout import HOME_COUNT_ORDER, HOME_MARKER, contributed_kinds
from kbgen.site.links import Link, split_title
from kbgen.site.pagewriter import RenderedPage
from kbgen.site.urls import (
    FEED_URI,
    GRAPH_URI,
    HOME_URI,
    PAPER_SEARCH_LABEL,
    REFERENCES_URI,
    index_uri,
    page_uri,
    paper_search_url,
)


class ContributedPages:
    """Methods of :class:`kbgen.site.renderer.SiteRenderer` for these pages."""

    def render_section_index(self, kind: str, title: str) -> str:
        uri = index_uri(kind)
        if kind == "summary":
            items = [Link(s.id, s.title, self.href(uri, page_uri("summary", s.id)), "summary",
                          note=self.kb.title_of(s.paper))
                     for s in sorted(self.kb.summaries.values(), key=lambda s: s.title.lower())]
        else:
            table = self.kb.table(kind)
            items = [self.link(uri, i) for i in sorted(table, key=lambda i: table[i].title.lower())]
        return self.render_template("section_index.html.j2", kind=kind, title=title, items=items)

    def render_header(self, kind: str, entity_id: str, uri: str) -> str:
        """The metadata card at the top of a paper or contributed page."""
        if kind == "summary":
            entity = self.kb.summaries[entity_id]
            paper = self.kb.papers.get(entity.paper)
        else:
            entity = self.kb.entity(entity_id)
            paper = self.kb.papers.get(getattr(entity, "paper", None) or "") if kind == "story" else None
        return self.render_template(
            "header.html.j2", kind=kind, entity=entity, paper=paper,
            paper_link=self.link(uri, paper.id) if paper is not None and kind != "paper" else None,
            topics=self.topic_links(uri, entity.topics),
            read_id=paper.id if kind == "summary" and paper is not None else entity_id,
            bibtex=highlight_code(self.render_bibtex([entity_id]).rstrip(), "bibtex") if kind == "paper" else "",
            search_label=PAPER_SEARCH_LABEL,
            search_href=paper_search_url(entity.title) if kind == "paper" else "",
        )

    def render_footer(self, kind: str, entity_id: str, uri: str) -> str:
        """"Read first" / "read next" (and the paper, for a summary) below a contributed page."""
        entity = self.kb.summaries[entity_id] if kind == "summary" else self.kb.entity(entity_id)
        read_next = [] if kind == "summary" else self.links(uri, self.refs.needed_by.get(entity_id, ()))
        paper = getattr(entity, "paper", None)
        return self.render_template(
            "footer.html.j2",
            read_first=self.links(uri, entity.prerequisites),
            read_next=read_next,
            paper=self.link(uri, paper) if paper and paper in self.kb.papers else None,
            in_paths=[] if kind == "summary" else self.paths_including(uri, entity_id),
        )

    def contributed_entry(self, uri: str) -> tuple[str, str] | None:
        """``(kind, id)`` when ``uri`` is a contributed page kbgen decorates, else None."""
        section, _, name = uri.partition("/")
        kind = next((k.name for k in contributed_kinds() if k.section == section), None)
        if kind is None or "/" in name or not name.endswith(".md"):
            return None
        entity_id = name[: -len(".md")]
        return (kind, entity_id) if entity_id in self.kb.table(kind) else None

    def decorate(self, uri: str, markdown: str) -> str | None:
        """A contributed page's Markdown with its header and footer, or None when not one."""
        page = self.decorate_page(uri, markdown)
        return page.body if page is not None else None

    def decorate_page(self, uri: str, markdown: str) -> RenderedPage | None:
        """:meth:`decorate` with the links the additions make (for the plugin's link check)."""
        entry = self.contributed_entry(uri)
        if entry is None:
            return None
        return self.writing(uri, True, self._decorated, uri, *entry, markdown)

    def _decorated(self, uri: str, kind: str, entity_id: str, markdown: str) -> str:
        title, body = split_title(markdown)
        heading = f"# {title}" if title is not None else f"# {escape_markdown(self.kb.table(kind)[entity_id].title)}"
        crumb = self.breadcrumb(uri, kind, [(self.brief_name(kind, entity_id), None)])
        return (f"{heading}\n\n{crumb}\n\n{self.render_header(kind, entity_id, uri)}\n{body.lstrip()}"
                f"\n\n{self.render_footer(kind, entity_id, uri)}")

    def render_home(self, markdown: str) -> str:
        """content/index.md with the home additions at its marker (or at its end)."""
        return self.home_page(markdown).body

    def home_page(self, markdown: str) -> RenderedPage:
        """:meth:`render_home` with the links the additions make (for the plugin's link check)."""
        return self.writing(HOME_URI, True, self._home, markdown)

    def _home(self, markdown: str) -> str:
        uri = HOME_URI
        summaries = sorted(self.kb.summaries.values(), key=lambda s: (s.date is not None, s.date, s.id),
                           reverse=True)[: self.options.home_items]
        newest = [Link(s.id, s.title, self.href(uri, page_uri("summary", s.id)), "summary",
                       note=s.date.isoformat() if s.date else "") for s in summaries]
        paths = [Link(p.id, p.title, self.href(uri, page_uri("path", p.id)), "path", note=p.description or "")
                 for p in list(self.kb.paths.values())[: self.options.home_items]] if self.graph is not None else []
        # Paths are pages only with a graph (they are planned from it).
        counts = [(len(self.kb.table(k)), KINDS[k].label_plural.lower(),
                   self.href(uri, index_uri(k)) if k != "path" or self.graph is not None else "")
                  for k in HOME_COUNT_ORDER]
        addition = self.render_template("home.html.j2", counts=counts, newest=newest, paths=paths,
                                        feed_href=self.href(uri, FEED_URI), graph_href=self.href(uri, GRAPH_URI),
                                        bib_href=self.href(uri, REFERENCES_URI))
        if HOME_MARKER in markdown:
            return markdown.replace(HOME_MARKER, addition, 1)
        # No marker: after the introduction, before the first section.
        at = markdown.find("\n## ")
        if at < 0:
            return markdown.rstrip() + "\n\n" + addition
        return markdown[: at + 1] + addition + "\n" + markdown[at + 1:]
