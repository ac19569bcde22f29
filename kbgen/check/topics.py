"""The topic tree: no topic is its own ancestor, and the tree is at most :data:`MAX_TOPIC_DEPTH` deep (KB046).

A parent cycle used to make its topics vanish from the topics index (no
root leads to them); a 300-level chain of parents ended the site build in a
RecursionError although validation accepted it. Both are errors now, found
by following parents iteratively.

>>> from kbgen.core.models import Topic
>>> def where(ident):
...     return ("content/topics.yaml", 1, 1)
>>> [d.message.split(";")[0] for d in topic_tree_problems(
...     {"a": Topic(id="a", name="A", parent="b"), "b": Topic(id="b", name="B", parent="a")}, where)]
['topic parent cycle: a -> b -> a']
"""

from __future__ import annotations

from typing import Callable, Mapping

from kbgen.core.diagnostics import Diagnostic, error
from kbgen.core.models import Topic

#: Deepest topic tree (a root is level 1); real taxonomies have three to five levels.
MAX_TOPIC_DEPTH = 16

Locate = Callable[[str], tuple[str, int, int]]


def check_topics(b) -> list[Diagnostic]:
    """KB046 for the topics of the validation builder ``b`` (``b.topics``: id -> (Topic, Located))."""
    topics = {ident: topic for ident, (topic, _) in b.topics.items()}

    def where(ident: str) -> tuple[str, int, int]:
        return b.topics[ident][1].locate(("parent",))

    return topic_tree_problems(topics, where)


def topic_tree_problems(topics: Mapping[str, Topic], where: Locate) -> list[Diagnostic]:
    """Cycles (one error per cycle, at its smallest id) and topics below :data:`MAX_TOPIC_DEPTH`."""
    depth: dict[str, int] = {}
    on_cycle: set[str] = set()
    found: list[Diagnostic] = []
    for start in sorted(topics):
        chain: list[str] = []
        index: dict[str, int] = {}
        node: str | None = start
        while node is not None and node in topics and node not in depth and node not in on_cycle:
            if node in index:  # back on this walk: the chain from there is a cycle
                cycle = chain[index[node]:]
                on_cycle.update(cycle)
                first = cycle.index(min(cycle))
                ordered = cycle[first:] + cycle[:first]
                file, line, col = where(ordered[0])
                found.append(error(file, line, col, "KB046",
                                   "topic parent cycle: " + " -> ".join(ordered + [ordered[0]])
                                   + "; a topic cannot be its own ancestor (remove one of these parents)"))
                chain = chain[:index[node]]
                break
            index[node] = len(chain)
            chain.append(node)
            node = topics[node].parent
        # Unknown parents are KB004 elsewhere; a node on a cycle has no depth.
        base = 0 if node is None or node not in topics else depth.get(node, 0)
        if node in on_cycle:
            on_cycle.update(chain)  # below a cycle: no depth either, and no second error
            continue
        for offset, ident in enumerate(reversed(chain), start=1):
            depth[ident] = base + offset
            if depth[ident] == MAX_TOPIC_DEPTH + 1:
                file, line, col = where(ident)
                found.append(error(file, line, col, "KB046",
                                   f"topic {ident!r} is {MAX_TOPIC_DEPTH + 1} levels below its root; topic trees "
                                   f"are at most {MAX_TOPIC_DEPTH} deep (attach it higher up)"))
    return found
