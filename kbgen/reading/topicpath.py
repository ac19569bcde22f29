"""A topic's reading path: the focused path to the topic's key entries.

A topic's *key entries* are its :data:`KEY_ENTRIES` most important entities
(with its subtopics'): PageRank over the ordering graph restricted to the
topic, with edges reversed, so that what the topic's other entries build on
scores high; ties go to the global importance, then year and id. The path is
:func:`kbgen.focus.plan_focused` to them, so it also brings what they build on
from other topics when it earns a place, and it is never the whole topic
sorted by year.

A path never starts with something no later step needs: when the first step
is a key entry that no later step builds on, that entry is dropped from the
targets and the path is planned again (a topic of unrelated entries gets a
path of one).

>>> from kbgen.graph import build_graph
>>> from kbgen.core.kb import KnowledgeBase
>>> from kbgen.core.models import Paper, Topic
>>> kb = KnowledgeBase(topics={"t": Topic(id="t", name="T")}, papers={
...     "old": Paper(id="old", title="Old", year=1950, topics=["t"]),
...     "a": Paper(id="a", title="A", year=2000, topics=["t"]),
...     "b": Paper(id="b", title="B", year=2001, topics=["t"], cites=["a"])})
>>> g = build_graph(kb)
>>> topic_key_entries(g, "t", limit=2)
['a', 'old']
>>> [s.id for s in plan_topic_path(g, "t", key_entries=3).steps]
['a', 'b']
"""

from __future__ import annotations

from typing import Iterable

import networkx as nx

from kbgen.graph import KBGraph
from kbgen.reading.focus import THRESHOLD, plan_focused
from kbgen.reading.paths import ReadingPlan, topic_targets

#: How many of a topic's most important entries its path leads to.
KEY_ENTRIES = 5


def topic_key_entries(g: KBGraph, topic_id: str, limit: int = KEY_ENTRIES) -> list[str]:
    """The ``limit`` most important entities of a topic (see the module docs), most important first.

    Raises :class:`kbgen.paths.UnknownIds` for an unknown topic.
    """
    members = topic_targets(g, topic_id)
    if not members:
        return []
    sub = g.ordering.subgraph(members)
    if sub.number_of_edges():
        rank = nx.pagerank(sub.reverse(copy=False))
    else:
        rank = dict.fromkeys(members, 0.0)
    importance = g.importance
    # Rounded, so that float noise never reorders entries PageRank scores alike.
    ordered = sorted(members, key=lambda n: (-round(rank[n], 9), -importance.get(n, 0.0), g.sort_key(n)))
    return ordered[:limit]


def plan_topic_path(g: KBGraph, topic_id: str, known: Iterable[str] = (), budget: int | None = None,
                    key_entries: int = KEY_ENTRIES) -> ReadingPlan:
    """The focused reading path of a topic (``topic_id`` with or without ``topic:``).

    ``known`` and ``budget`` (minutes) are those of :func:`kbgen.focus.plan_focused`.
    Raises :class:`kbgen.paths.UnknownIds` for an unknown topic or known id.
    """
    return plan_entries_path(g, topic_key_entries(g, topic_id, key_entries), known, budget)


def plan_entries_path(g: KBGraph, entries: Iterable[str], known: Iterable[str] = (),
                      budget: int | None = None, threshold: float = THRESHOLD) -> ReadingPlan:
    """The focused path to ``entries``, without a first step that no later step needs (module docs)."""
    targets = list(dict.fromkeys(entries))
    known = list(known)
    plan = plan_focused(g, targets, known, budget=budget, threshold=threshold)
    while len(plan.steps) > 1:
        first = plan.steps[0]
        if any(r.needed_by for r in first.reasons) or first.id not in targets:
            break
        targets.remove(first.id)
        plan = plan_focused(g, targets, known, budget=budget, threshold=threshold)
    return plan


__all__ = ["KEY_ENTRIES", "topic_key_entries", "plan_topic_path", "plan_entries_path"]
