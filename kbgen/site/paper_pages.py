"""Paper pages and the papers index."""

from __future__ import annotations

from typing import Any, Iterable

from markupsafe import Markup

from kbgen.output.mermaid import neighbourhood_chart, node_text
from kbgen.site.connections import BUILDS_ON_THIS, READ_FIRST, Connection, paper_connections
from kbgen.site.crossrefs import _sort_key
from kbgen.site.links import Link
from kbgen.site.urls import index_uri, page_uri

#: How many neighbours the small diagram on a paper page shows at most, per direction.
DIAGRAM_LIMIT = 6
#: Connections listed before "Show all".
CONNECTIONS_SHOWN = 8


class PaperPages:
    """Methods of :class:`kbgen.site.renderer.SiteRenderer` for these pages."""

    def render_paper(self, paper_id: str) -> str:
        uri = page_uri("paper", paper_id)
        paper = self.kb.papers[paper_id]
        rows = paper_connections(self.kb, self.refs, paper_id, self.graph.importance if self.graph else None)
        connections = [self.link(uri, row.id, ", ".join(row.relations)) for row in rows]
        return self.render_template(
            "paper.html.j2",
            paper=paper,
            breadcrumb=self.breadcrumb(uri, "paper", [(self.brief_name("paper", paper_id), None)]),
            header=Markup(self.render_header("paper", paper_id, uri)),
            summaries=[Link(s.id, s.title, self.href(uri, page_uri("summary", s.id)), "summary")
                       for s in self.kb.summaries_of(paper_id)],
            stories=self.links(uri, self.refs.stories_of.get(paper_id, ())),
            in_paths=self.paths_including(uri, paper_id),
            shown=connections[:CONNECTIONS_SHOWN],
            more=connections[CONNECTIONS_SHOWN:],
            related=self.related_links(uri, paper_id),
            diagram=self.render_neighbourhood(uri, paper_id, rows),
        )

    def related_links(self, from_uri: str, paper_id: str) -> list[Link]:
        out = []
        for item in self.related.get(paper_id, ()):
            if self.kb.kind_of(item.id):
                reasons = "; ".join(str(r) for r in (item.reasons or ()))
                out.append(self.link(from_uri, item.id, reasons))
        return out

    def node_text(self, entity_id: str) -> str:
        """What a diagram node says for an entry: its short name (or shortened title), and year."""
        year = self.kb.year_of(entity_id)
        text = node_text(self.short_of(entity_id), self.kb.title_of(entity_id))
        return f"{text} ({year})" if year else text

    def render_neighbourhood(self, uri: str, paper_id: str, rows: list[Connection] | None = None) -> str:
        """A small Mermaid flowchart: the most relevant entries before this paper and after it."""
        if rows is None:
            rows = paper_connections(self.kb, self.refs, paper_id, self.graph.importance if self.graph else None)
        before = [(r.id, self.node_text(r.id), "prerequisite" if READ_FIRST in r.relations else "cites")
                  for r in rows if r.before][:DIAGRAM_LIMIT]
        after = [(r.id, self.node_text(r.id), "prerequisite" if BUILDS_ON_THIS in r.relations else "cites")
                 for r in rows if not r.before][:DIAGRAM_LIMIT]
        if not before and not after:
            return ""

        def href(entity_id: str) -> str:
            return self.url_to(uri, self.kb.kind_of(entity_id) or "paper", entity_id)

        return neighbourhood_chart((paper_id, self.node_text(paper_id)), before, after, href=href).rstrip("\n")

    def render_bibtex(self, paper_ids: Iterable[str]) -> str:
        from kbgen.output.bibtex import format_bibtex

        return format_bibtex([self.kb.papers[i].model_dump() for i in paper_ids if i in self.kb.papers])

    def render_references(self) -> str:
        return self.render_bibtex(sorted(self.kb.papers))

    def render_papers_index(self) -> str:
        uri = index_uri("paper")
        by_year: dict[Any, list[Link]] = {}
        for paper_id in sorted(self.kb.papers, key=lambda i: (-(self.kb.year_of(i) or 0), i)):
            by_year.setdefault(self.kb.year_of(paper_id) or "Undated", []).append(self.link(uri, paper_id))
        by_topic = []
        for topic in sorted(self.kb.topics.values(), key=lambda t: t.name.lower()):
            ids = self.refs.members.get(topic.id, {}).get("paper", [])
            if ids:
                by_topic.append((self.topic_links(uri, [topic.id])[0],
                                 self.links(uri, sorted(ids, key=lambda i: _sort_key(self.kb, i)))))
        return self.render_template("papers_index.html.j2", count=len(self.kb.papers),
                                    by_year=list(by_year.items()), by_topic=by_topic,
                                    by_topic_href=self.href(uri, uri, "by-topic"))
