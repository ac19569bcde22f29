"""Reverse links of a knowledge base, computed once per site: who cites, needs, summarises what."""

from __future__ import annotations

from dataclasses import dataclass, field

from kbgen.core.kb import KnowledgeBase


@dataclass
class CrossRefs:
    """Reverse links of a knowledge base: who cites, needs, summarises what."""

    kb: KnowledgeBase
    cited_by: dict[str, list[str]] = field(default_factory=dict)
    needed_by: dict[str, list[str]] = field(default_factory=dict)
    stories_of: dict[str, list[str]] = field(default_factory=dict)
    members: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> "CrossRefs":
        refs = cls(kb)
        for kind, entity in kb.iter_entities():
            for cited in getattr(entity, "cites", ()):
                refs.cited_by.setdefault(cited, []).append(entity.id)
            for pre in entity.prerequisites:
                refs.needed_by.setdefault(pre, []).append(entity.id)
            for topic in entity.topics:
                refs.members.setdefault(topic, {}).setdefault(kind, []).append(entity.id)
            if kind == "story" and entity.paper:
                refs.stories_of.setdefault(entity.paper, []).append(entity.id)
        for summary in kb.summaries.values():
            for pre in summary.prerequisites:
                refs.needed_by.setdefault(pre, [])
            for topic in summary.topics:
                refs.members.setdefault(topic, {}).setdefault("summary", []).append(summary.id)
        for topic in kb.topics.values():
            if topic.parent:
                refs.children.setdefault(topic.parent, []).append(topic.id)
        for table in (refs.cited_by, refs.needed_by, refs.stories_of, refs.children):
            for key, ids in table.items():
                table[key] = sorted(set(ids), key=lambda i: _sort_key(kb, i))
        return refs

    def subtopics(self, topic_id: str) -> list[str]:
        """Every descendant topic, depth first, in name order per level."""
        out: list[str] = []
        stack = sorted(self.children.get(topic_id, ()), reverse=True)
        seen = {topic_id}
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            out.append(current)
            stack.extend(sorted(self.children.get(current, ()), reverse=True))
        return out


def _sort_key(kb: KnowledgeBase, entity_id: str) -> tuple:
    year = kb.year_of(entity_id)
    return (year if year is not None else 9999, entity_id)
