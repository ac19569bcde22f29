"""The typed graph of a knowledge base, and the ordering graph reading paths use.

Two networkx graphs are built once per knowledge base:

``graph``
    Everything: entities by id, and prefixed nodes ``topic:<id>``,
    ``summary:<id>`` and ``path:<id>``. Every edge carries ``kind`` and a
    human ``reason``. Edge kinds (u -> v):

    - ``prerequisite``: v lists u in ``prerequisites`` (for a summary's own
      prerequisites the edge points at ``summary:<id>``);
    - ``cites``: v cites u;
    - ``in_topic``: entity (or summary) -> ``topic:T``;
    - ``subtopic``: ``topic:parent`` -> ``topic:child``;
    - ``summarizes``: ``summary:S`` -> its paper;
    - ``about``: a story -> its paper;
    - ``step``: ``path:P`` -> each of its steps.

    A DiGraph holds one edge per pair; when two facts connect the same pair,
    the first of prerequisite, cites, then the rest wins.

``ordering``
    Entities only (papers, concepts, stories, resources); an edge u -> v
    means "read u before v", of kind ``prerequisite`` or ``cites``.

    *Summaries* are read together with their paper, so a summary's
    prerequisites are ordered as prerequisites of its paper (edge kind
    ``prerequisite``, attribute ``via="summary:<id>"``).

    *Cycles* are broken so that ``ordering`` is always a DAG. Inside each
    strongly connected component, one edge is dropped at a time until none
    is left: a ``cites`` edge when the component has one, else a summary's
    prerequisite, else (only in a knowledge base that already fails
    validation with KB019) a plain prerequisite. Among the candidates the
    edge pointing from the newer entry to the older one is dropped (entries
    compared by year, then id; an entry without a year counts as newest);
    when several do, the one whose newer end is newest goes first. Each
    dropped citation is a KB024 warning at the citing entry, each dropped
    summary prerequisite a KB019 warning at the summary. The full ``graph``
    keeps every edge.

``rank`` is one deterministic topological order of ``ordering`` (ties: year,
oldest first, then id; an undated entry counts as the earliest year of the
entries that depend on it, see :meth:`KBGraph.sort_key`) and ``importance``
is PageRank over ``ordering`` with edges reversed (so what many entries build
on scores high), scaled to [0, 1]. Both are computed lazily, once.

>>> from kbgen.core.kb import KnowledgeBase
>>> from kbgen.core.models import Paper
>>> kb = KnowledgeBase(papers={
...     "a": Paper(id="a", title="A", year=2014),
...     "b": Paper(id="b", title="B", year=2017, cites=["a"])})
>>> g = build_graph(kb)
>>> sorted(g.ordering.edges(data="kind"))
[('a', 'b', 'cites')]
>>> g.rank
{'a': 0, 'b': 1}
"""

from __future__ import annotations

import networkx as nx

from kbgen.core.collector import paused_gc
from kbgen.core.diagnostics import Diagnostic
from kbgen.core.identifiers import external_link
from kbgen.core.kb import KnowledgeBase
from kbgen.core.kinds import node_id
from kbgen.graph.cycles import break_cycles
from kbgen.graph.kbgraph import KBGraph

#: Every edge kind of ``graph``, strongest first (wins when two facts join one pair).
EDGE_KINDS = ("prerequisite", "cites", "in_topic", "subtopic", "summarizes", "about", "step")


def _entity_attrs(kind: str, entity) -> dict:
    return {
        "link": external_link(entity),
        "kind": kind,
        "title": entity.title,
        "year": getattr(entity, "year", None),
        "topics": list(entity.topics),
        "difficulty": entity.difficulty,
        "reading_time": entity.reading_time,
        "short": getattr(entity, "short", None),
        "aliases": list(getattr(entity, "aliases", ())),
    }


_KIND_RANK = {kind: i for i, kind in enumerate(EDGE_KINDS)}


class _EdgeSet:
    """Edges collected in plain dicts, then handed to networkx in one bulk call.

    One edge per pair: a stronger kind (earlier in :data:`EDGE_KINDS`) wins.
    """

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], dict] = {}

    def add(self, u: str, v: str, kind: str, reason: str, **extra) -> None:
        current = self.data.get((u, v))
        if current is not None and _KIND_RANK[current["kind"]] <= _KIND_RANK[kind]:
            return
        self.data[u, v] = {"kind": kind, "reason": reason, **extra}

    def bulk(self):
        return ((u, v, d) for (u, v), d in self.data.items())




def build_graph(kb: KnowledgeBase) -> KBGraph:
    """Build the typed graph and the ordering graph of ``kb`` (see the module docs)."""
    with paused_gc():
        return _build_graph(kb)


def _build_graph(kb: KnowledgeBase) -> KBGraph:
    entities = list(kb.iter_entities())
    ids = {entity.id for _, entity in entities}
    entity_nodes = [(entity.id, _entity_attrs(kind, entity)) for kind, entity in entities]
    other_nodes = []
    for summary_id, summary in sorted(kb.summaries.items()):
        other_nodes.append((node_id("summary", summary_id), dict(
            kind="summary", title=summary.title, year=None, topics=list(summary.topics),
            difficulty=summary.difficulty, reading_time=summary.reading_time)))
    for topic_id, topic in sorted(kb.topics.items()):
        other_nodes.append((node_id("topic", topic_id), dict(
            kind="topic", title=topic.name, year=None, topics=[],
            difficulty=None, reading_time=None)))
    for path_id, path in sorted(kb.paths.items()):
        other_nodes.append((node_id("path", path_id), dict(
            kind="path", title=path.title, year=None, topics=[],
            difficulty=None, reading_time=None)))

    full, order = _EdgeSet(), _EdgeSet()
    # Ordering edges first, so that they win a pair over membership kinds.
    for _, entity in entities:
        for pre in entity.prerequisites:
            if pre in ids and pre != entity.id:
                reason = f"{entity.id} lists {pre} as a prerequisite"
                full.add(pre, entity.id, "prerequisite", reason)
                order.add(pre, entity.id, "prerequisite", reason)
    for _, entity in entities:
        for cited in getattr(entity, "cites", ()):
            if cited in ids and cited != entity.id:
                reason = f"{entity.id} cites {cited}"
                full.add(cited, entity.id, "cites", reason)
                order.add(cited, entity.id, "cites", reason)
    for summary_id, summary in sorted(kb.summaries.items()):
        snode = node_id("summary", summary_id)
        for pre in summary.prerequisites:
            if pre not in ids:
                continue
            full.add(pre, snode, "prerequisite", f"the summary {summary_id} lists {pre} as a prerequisite")
            if summary.paper in ids and pre != summary.paper:
                order.add(pre, summary.paper, "prerequisite",
                          f"the summary {summary_id} of {summary.paper} lists {pre} as a prerequisite", via=snode)
    for kind, entity in entities:
        for topic in entity.topics:
            if topic in kb.topics:
                full.add(entity.id, node_id("topic", topic), "in_topic", f"{entity.id} is in topic {topic}")
        if kind == "story" and entity.paper and entity.paper in ids:
            full.add(entity.id, entity.paper, "about", f"the story {entity.id} is about {entity.paper}")
    for summary_id, summary in sorted(kb.summaries.items()):
        snode = node_id("summary", summary_id)
        for topic in summary.topics:
            if topic in kb.topics:
                full.add(snode, node_id("topic", topic), "in_topic", f"the summary {summary_id} is in topic {topic}")
        if summary.paper in ids:
            full.add(snode, summary.paper, "summarizes", f"{summary_id} summarises {summary.paper}")
    for topic_id, topic in sorted(kb.topics.items()):
        if topic.parent and topic.parent in kb.topics and topic.parent != topic_id:
            full.add(node_id("topic", topic.parent), node_id("topic", topic_id), "subtopic",
                     f"{topic_id} is a subtopic of {topic.parent}")
    for path_id, path in sorted(kb.paths.items()):
        for number, step in enumerate(path.steps, 1):
            if step in ids:
                full.add(node_id("path", path_id), step, "step", f"step {number} of the path {path_id}")

    graph = nx.DiGraph()
    graph.add_nodes_from(entity_nodes)
    graph.add_nodes_from(other_nodes)
    graph.add_edges_from(full.bulk())
    ordering = nx.DiGraph()
    ordering.add_nodes_from((node, dict(attrs)) for node, attrs in entity_nodes)
    ordering.add_edges_from(order.bulk())
    diagnostics = break_cycles(ordering, kb)
    return KBGraph(kb=kb, graph=graph, ordering=ordering, diagnostics=diagnostics)


def graph_diagnostics(kb: KnowledgeBase) -> list[Diagnostic]:
    """The graph's warnings (:attr:`KBGraph.diagnostics`), cheaply when there are none.

    For ``kbgen validate``: a plain-dict acyclicity check of the ordering
    edges first (a fraction of a second at 100,000 papers), and the full
    :func:`build_graph` only when there is a cycle to break and report.
    """
    ids = kb.entity_ids()
    children: dict[str, list[str]] = {}
    indegree: dict[str, int] = dict.fromkeys(ids, 0)
    pairs = set()
    for _, entity in kb.iter_entities():
        for parent in [*entity.prerequisites, *getattr(entity, "cites", ())]:
            if parent in ids and parent != entity.id:
                pairs.add((parent, entity.id))
    for summary in kb.summaries.values():
        if summary.paper in ids:
            pairs.update((pre, summary.paper) for pre in summary.prerequisites
                         if pre in ids and pre != summary.paper)
    for parent, child in pairs:
        children.setdefault(parent, []).append(child)
        indegree[child] += 1
    ready = [node for node, count in indegree.items() if not count]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for child in children.get(node, ()):
            indegree[child] -= 1
            if not indegree[child]:
                ready.append(child)
    return [] if seen == len(indegree) else list(build_graph(kb).diagnostics)
