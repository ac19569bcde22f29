"""Topic pages, the topic index, and each topic's generated reading path."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from kbgen.core.kinds import KINDS
from kbgen.site.crossrefs import _sort_key
from kbgen.site.layout import TOPIC_GROUP_ORDER
from kbgen.site.links import Link
from kbgen.site.urls import index_uri, page_uri, relative_link

#: A topic's generated path lists at most this many entries (the most important).
TOPIC_PATH_LIMIT = 100


class TopicPages:
    """Methods of :class:`kbgen.site.renderer.SiteRenderer` for these pages."""

    def render_topics_index(self) -> str:
        uri = index_uri("topic")
        roots = sorted((t for t in self.kb.topics.values() if not t.parent or t.parent not in self.kb.topics),
                       key=lambda t: t.name.lower())

        def tree(topic) -> dict:
            children = sorted((self.kb.topics[c] for c in self.refs.children.get(topic.id, ())),
                              key=lambda t: t.name.lower())
            return {"link": self.topic_links(uri, [topic.id])[0], "topic": topic,
                    "count": sum(len(v) for v in self.refs.members.get(topic.id, {}).values()),
                    "children": [tree(c) for c in children]}

        return self.render_template("topics_index.md.j2", tree=[tree(t) for t in roots])

    def render_topic(self, topic_id: str) -> str:
        uri = page_uri("topic", topic_id)
        topic = self.kb.topics[topic_id]
        subtopics = self.refs.subtopics(topic_id)
        groups = []
        for kind in TOPIC_GROUP_ORDER:
            title = KINDS[kind].label_plural
            ids: set[str] = set()
            for t in [topic_id, *subtopics]:
                ids.update(self.refs.members.get(t, {}).get(kind, ()))
            if kind == "summary":
                items = [Link(s, self.kb.summaries[s].title, relative_link(uri, page_uri("summary", s)), "summary")
                         for s in sorted(ids)]
            else:
                items = self.links(uri, sorted(ids, key=lambda i: _sort_key(self.kb, i)))
            if items:
                groups.append((title, items))
        parent = self.topic_links(uri, [topic.parent]) if topic.parent else []
        plan = self.topic_plans.get(topic_id)
        return self.render_template(
            "topic.md.j2", topic=topic, parent=parent[0] if parent else None,
            subtopics=self.topic_links(uri, sorted(self.refs.children.get(topic_id, ()))),
            groups=groups, plan=plan,
            path_href=relative_link(uri, page_uri("topic-path", topic_id)) if plan else "",
        )

    @cached_property
    def topic_plans(self) -> dict[str, Any]:
        """Every topic's generated reading path (topics with nothing to read have none)."""
        plans = {}
        for topic_id in self.kb.topics:
            plan = self.topic_plan(topic_id)
            if plan is not None:
                plans[topic_id] = plan
        return plans

    def topic_plan(self, topic_id: str):
        """The generated reading path of a topic, or None (no graph, or nothing to read).

        The path holds the topic's own entities (with its subtopics'), at most
        :data:`TOPIC_PATH_LIMIT` of them (the most important), in the graph's
        global reading order, so every prerequisite among them comes first.
        It does not pull in what they build on from other topics: with those,
        every topic's path would grow with the whole knowledge base (pages and
        downloads of size topics x papers); each step's page lists them.
        """
        if self.graph is None:
            return None
        from kbgen.reading.paths import topic_targets

        targets = topic_targets(self.graph, topic_id)
        if not targets:
            return None
        if len(targets) > TOPIC_PATH_LIMIT:
            importance = self.graph.importance
            targets = sorted(targets, key=lambda i: (-importance.get(i, 0.0), self.graph.sort_key(i)))
            targets = targets[:TOPIC_PATH_LIMIT]
        rank = self.graph.rank
        return self.curated_plan(sorted(targets, key=rank.__getitem__), targets=targets)
