"""Paper pages and the papers index."""

from __future__ import annotations

from typing import Any, Iterable

from markupsafe import Markup

from kbgen.output.mermaid import mermaid_label
from kbgen.site.crossrefs import _sort_key
from kbgen.site.links import Link
from kbgen.site.urls import index_uri, page_uri, relative_link

#: How many neighbours the small diagram on a paper page shows at most, per direction.
DIAGRAM_LIMIT = 6


class PaperPages:
    """Methods of :class:`kbgen.site.renderer.SiteRenderer` for these pages."""

    def render_paper(self, paper_id: str) -> str:
        uri = page_uri("paper", paper_id)
        paper = self.kb.papers[paper_id]
        return self.render_template(
            "paper.md.j2",
            paper=paper,
            header=Markup(self.render_header("paper", paper_id, uri)),
            bibtex=self.render_bibtex([paper_id]).rstrip(),
            summaries=[Link(s.id, s.title, relative_link(uri, page_uri("summary", s.id)), "summary")
                       for s in self.kb.summaries_of(paper_id)],
            stories=self.links(uri, self.refs.stories_of.get(paper_id, ())),
            read_first=self.links(uri, paper.prerequisites),
            cites=self.links(uri, sorted(paper.cites, key=lambda i: _sort_key(self.kb, i))),
            cited_by=self.links(uri, self.refs.cited_by.get(paper_id, ())),
            builds_on=self.links(uri, self.refs.needed_by.get(paper_id, ())),
            related=self.related_links(uri, paper_id),
            diagram=self.render_neighbourhood(paper_id),
        )

    def related_links(self, from_uri: str, paper_id: str) -> list[Link]:
        out = []
        for item in self.related.get(paper_id, ()):
            if self.kb.kind_of(item.id):
                reasons = "; ".join(str(r) for r in (item.reasons or ()))
                out.append(self.link(from_uri, item.id, reasons))
        return out

    def render_neighbourhood(self, paper_id: str) -> str:
        """A small Mermaid flowchart: what to read before this paper and what builds on it."""
        paper = self.kb.papers[paper_id]
        before = list(dict.fromkeys([*paper.prerequisites, *paper.cites]))[:DIAGRAM_LIMIT]
        after = list(dict.fromkeys([*self.refs.needed_by.get(paper_id, ()),
                                    *self.refs.cited_by.get(paper_id, ())]))[:DIAGRAM_LIMIT]
        if not before and not after:
            return ""
        names = {paper_id: "n0"}
        lines = ["flowchart LR"]

        def node(entity_id: str) -> str:
            if entity_id not in names:
                names[entity_id] = f"n{len(names)}"
                label = mermaid_label(self.kb.title_of(entity_id), self.kb.year_of(entity_id))
                lines.append(f"  {names[entity_id]}[\"{label}\"]")
            return names[entity_id]

        lines.append(f"  n0[\"{mermaid_label(paper.title, paper.year)}\"]:::kbself")
        for other in before:
            kind = "prerequisite" if other in paper.prerequisites else "cites"
            lines.append(f"  {node(other)} -->|{'read first' if kind == 'prerequisite' else 'cited'}| n0")
        for other in after:
            entity = self.kb.entity(other)
            kind = "read first" if paper_id in entity.prerequisites else "cited"
            lines.append(f"  n0 -->|{kind}| {node(other)}")
        lines.append("  classDef kbself stroke-width:3px")
        return "\n".join(lines)

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
        return self.render_template("papers_index.md.j2", count=len(self.kb.papers),
                                    by_year=list(by_year.items()), by_topic=by_topic)
