"""Topic pages, the topic index, and each topic's generated reading path.

A topic's path is planned at one call site, :meth:`TopicPages.topic_plan`,
with :func:`kbgen.reading.topicpath.plan_topic_path` (a focused path to the
topic's key entries).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from kbgen.core.kinds import KINDS
from kbgen.site.crossrefs import _sort_key
from kbgen.site.layout import TOPIC_GROUP_ORDER
from kbgen.site.links import Link
from kbgen.site.urls import index_uri, page_uri

#: Steps of the topic's path listed on the topic page itself.
TOPIC_PAGE_STEPS = 10


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

        return self.render_template("topics_index.html.j2", tree=[tree(t) for t in roots])

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
                items = [Link(s, self.kb.summaries[s].title, self.href(uri, page_uri("summary", s)), "summary")
                         for s in sorted(ids)]
            else:
                items = self.links(uri, sorted(ids, key=lambda i: _sort_key(self.kb, i)))
            if items:
                groups.append((title, items))
        parent = self.topic_links(uri, [topic.parent]) if topic.parent in self.kb.topics else []
        plan = self.topic_plans.get(topic_id)
        first_steps = [self.link(uri, step.id) for step in plan.steps[:TOPIC_PAGE_STEPS]] if plan else []
        return self.render_template(
            "topic.html.j2", topic=topic, parent=parent[0] if parent else None,
            breadcrumb=self.breadcrumb(uri, "topic", self.topic_trail(uri, topic_id, current=True)),
            subtopics=self.topic_links(uri, sorted(self.refs.children.get(topic_id, ()))),
            groups=groups, plan=plan, first_steps=first_steps,
            path_href=self.href(uri, page_uri("topic-path", topic_id)) if plan else "",
        )

    def topic_trail(self, uri: str, topic_id: str, current: bool = False) -> list[tuple[str, str | None]]:
        """The topic's ancestors and the topic as breadcrumbs (the topic unlinked when it is the page)."""
        chain, seen = [topic_id], {topic_id}
        while (parent := self.kb.topics[chain[-1]].parent) in self.kb.topics and parent not in seen:
            chain.append(parent)
            seen.add(parent)
        trail = [(self.kb.topics[t].name, self.href(uri, page_uri("topic", t))) for t in reversed(chain)]
        if current:
            trail[-1] = (trail[-1][0], None)
        return trail

    @cached_property
    def topic_plans(self) -> dict[str, Any]:
        """Every topic's generated reading path (topics with nothing to read have none)."""
        plans = {}
        for topic_id in self.kb.topics:
            plan = self.topic_plan(topic_id)
            if plan is not None and plan.steps:
                plans[topic_id] = plan
        return plans

    def topic_plan(self, topic_id: str):
        """The generated reading path of a topic, or None (no graph): the focused path to its key entries.

        :func:`kbgen.reading.topicpath.plan_topic_path`: the topic's most
        important entries and what they build on when it earns a place, never
        the whole topic sorted by year (docs/paths.md).
        """
        if self.graph is None:
            return None
        from kbgen.reading.topicpath import plan_topic_path

        return plan_topic_path(self.graph, topic_id)
