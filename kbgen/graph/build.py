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

import gc
import heapq
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable, Iterator

import networkx as nx

from kbgen.core.diagnostics import Diagnostic, warning
from kbgen.core.identifiers import external_link
from kbgen.core.kb import KnowledgeBase
from kbgen.core.kinds import NODE_KINDS, node_id

#: Every edge kind of ``graph``, strongest first (wins when two facts join one pair).
EDGE_KINDS = ("prerequisite", "cites", "in_topic", "subtopic", "summarizes", "about", "step")
_UNDATED = 10**6


@dataclass(frozen=True, eq=False)
class KBGraph:
    """A knowledge base with its typed graph and its (acyclic) ordering graph.

    Built by :func:`build_graph`; treat it and its graphs as read-only.
    """

    kb: KnowledgeBase
    graph: nx.DiGraph
    ordering: nx.DiGraph
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @cached_property
    def sort_keys(self) -> dict[str, tuple[int, str]]:
        """:meth:`sort_key` of every entity as a dict, filled on first use of each key.

        Its ``__getitem__`` is the fast key function for sorting.
        """
        return _SortKeys(self.ordering)

    @cached_property
    def reason_memo(self) -> dict:
        """Per-graph memo of the step reasons built from ordering edges (see :mod:`kbgen.paths`)."""
        return {}

    def sort_key(self, entity_id: str) -> tuple[int, str]:
        """Tie-break key of an entity: (year, oldest first), then id.

        An undated entry (a concept, a resource, a paper without year) sorts
        as the earliest year among the entries that depend on it, so that a
        cheat-sheet needed by a 1951 paper comes with that paper rather than
        after everything dated; it sorts last when nothing dated depends on it.
        """
        if entity_id not in self.ordering:
            return (_UNDATED, entity_id)
        return self.sort_keys[entity_id]

    @cached_property
    def rank(self) -> dict[str, int]:
        """Position of every entity in one global topological order of ``ordering``."""
        order = order_topologically(self.ordering.nodes, self.pred, self.succ,
                                    self.sort_keys.__getitem__)
        return {node: i for i, node in enumerate(order)}

    @cached_property
    def importance(self) -> dict[str, float]:
        """PageRank over ``ordering`` reversed, scaled so the top entity has 1.0."""
        if self.ordering.number_of_nodes() == 0:
            return {}
        if self.ordering.number_of_edges() == 0:
            return {node: 1.0 for node in self.ordering}
        scores = nx.pagerank(self.ordering.reverse(copy=False))
        top = max(scores.values()) or 1.0
        return {node: round(score / top, 6) for node, score in sorted(scores.items())}

    @property
    def pred(self) -> dict[str, dict[str, dict]]:
        """``ordering``'s predecessor dict-of-dicts (node -> parent -> edge attrs); read-only.

        networkx's own storage: iterating it is several times faster than
        through ``ordering.pred``'s views, which matters on 10^5 nodes.
        """
        return self.ordering._pred

    @property
    def succ(self) -> dict[str, dict[str, dict]]:
        """``ordering``'s successor dict-of-dicts (node -> child -> edge attrs); read-only."""
        return self.ordering._succ

    def has_entity(self, entity_id: str) -> bool:
        return entity_id in self.ordering

    def entity_ids(self) -> list[str]:
        """Every entity id, sorted."""
        return sorted(self.ordering)


class _SortKeys(dict):
    """Entity id -> (effective year, id), computed when first asked for."""

    def __init__(self, ordering: nx.DiGraph) -> None:
        super().__init__()
        self._nodes, self._succ = ordering._node, ordering._succ
        self._effective: dict[str, int] = {}

    def __missing__(self, node: str) -> tuple[int, str]:
        key = (self._year_of(node), node)
        self[node] = key
        return key

    def _year_of(self, node: str) -> int:
        # Only undated entries recurse, and only through undated children.
        nodes, succ, effective = self._nodes, self._succ, self._effective
        year = nodes[node].get("year")
        if year is not None:
            return year
        if node in effective:
            return effective[node]
        stack = [(node, iter(succ[node]), _UNDATED)]
        while stack:
            current, children, best = stack[-1]
            for child in children:
                child_year = nodes[child].get("year")
                if child_year is None:
                    child_year = effective.get(child)
                if child_year is None:
                    stack.append((child, iter(succ[child]), _UNDATED))
                    break
                best = min(best, child_year)
                stack[-1] = (current, children, best)
            else:
                stack.pop()
                effective[current] = best
                if stack:
                    parent, siblings, parent_best = stack[-1]
                    stack[-1] = (parent, siblings, min(parent_best, best))
        return effective[node]


def order_topologically(nodes: Iterable[str], pred, succ,
                        key: Callable[[str], tuple]) -> list[str]:
    """Kahn's algorithm on the subgraph induced by ``nodes``, smallest ``key`` first.

    ``pred``/``succ`` map a node to its neighbours (e.g. ``G.pred``); only
    neighbours inside ``nodes`` count. Equivalent to networkx's
    ``lexicographical_topological_sort`` on that subgraph, without building it.

    >>> g = nx.DiGraph([("a", "c"), ("b", "c")])
    >>> order_topologically(["c", "b", "a"], g.pred, g.succ, key=lambda n: (0, n))
    ['a', 'b', 'c']
    """
    members = set(nodes)
    # Rank the members by key once; the heap then compares small ints, not tuples.
    by_key = sorted(members, key=key)
    priority = {node: i for i, node in enumerate(by_key)}
    indegree: dict[str, int] = {}
    heap: list[int] = []
    for node in by_key:
        count = len(members.intersection(pred[node]))
        indegree[node] = count
        if not count:
            heap.append(priority[node])
    heapq.heapify(heap)
    order: list[str] = []
    push, pop = heapq.heappush, heapq.heappop
    while heap:
        node = by_key[pop(heap)]
        order.append(node)
        for child in succ[node]:
            if child in members:
                left = indegree[child] - 1
                indegree[child] = left
                if not left:
                    push(heap, priority[child])
    if len(order) != len(members):
        raise nx.NetworkXUnfeasible("the subgraph has a cycle")
    return order


def _entity_attrs(kind: str, entity) -> dict:
    return {
        "link": external_link(entity),
        "kind": kind,
        "title": entity.title,
        "year": getattr(entity, "year", None),
        "topics": list(entity.topics),
        "difficulty": entity.difficulty,
        "reading_time": entity.reading_time,
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


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while building many acyclic objects.

    Bulk construction allocates millions of objects and no reference cycles;
    without this, CPython runs full collections over the whole heap again and
    again (a third of build_graph's time at 100,000 papers, and seconds of
    jitter in the first path query).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    diagnostics = _break_cycles(ordering, kb)
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


def _year_key(ordering: nx.DiGraph, node: str) -> tuple[int, str]:
    year = ordering.nodes[node].get("year")
    return (year if year is not None else _UNDATED, node)


def _break_cycles(ordering: nx.DiGraph, kb: KnowledgeBase) -> list[Diagnostic]:
    """Drop edges until ``ordering`` is a DAG; return a warning per dropped soft edge."""
    # Cheap on the common (acyclic) case; find_cycle without a source is quadratic.
    if nx.is_directed_acyclic_graph(ordering):
        return []
    diagnostics: list[Diagnostic] = []
    components = sorted((c for c in nx.strongly_connected_components(ordering) if len(c) > 1), key=min)
    for first in components:
        # Components are independent; what is left of one is finished before the next.
        work = [first]
        while work:
            component = work.pop()
            sub = ordering.subgraph(component)
            u, v = _edge_to_drop(ordering, sub)
            data = dict(ordering.edges[u, v])
            # A cycle through the dropped edge, to name it in the warning.
            back = nx.shortest_path(sub, v, u)
            ordering.remove_edge(u, v)
            diagnostics.extend(_cycle_warning(kb, u, v, data, back))
            rest = [c for c in nx.strongly_connected_components(ordering.subgraph(component)) if len(c) > 1]
            work.extend(sorted(rest, key=min, reverse=True))
    return diagnostics


def _edge_to_drop(ordering: nx.DiGraph, sub: nx.DiGraph) -> tuple[str, str]:
    def tier(data: dict) -> int:
        if data["kind"] == "cites":
            return 0
        return 1 if data.get("via") else 2

    edges = list(sub.edges(data=True))
    best_tier = min(tier(d) for _, _, d in edges)
    candidates = [(u, v) for u, v, d in edges if tier(d) == best_tier]

    def key(edge: tuple[str, str]) -> tuple:
        u, v = edge
        ku, kv = _year_key(ordering, u), _year_key(ordering, v)
        return (ku > kv, ku, kv)

    return max(candidates, key=key)


def _cycle_warning(kb: KnowledgeBase, u: str, v: str, data: dict, back: list[str]) -> list[Diagnostic]:
    def label(node: str) -> str:
        year = kb.year_of(node)
        return f"'{node}' ({year})" if year else f"'{node}'"

    if data["kind"] == "cites":
        # back is v -> ... -> u in reading order; as citations: v cites u, u cites ..., ... cites v.
        chain = [v] + back[::-1]
        text = " cites ".join(label(n) for n in chain)
        origin = kb.origin(kb.kind_of(v) or "paper", v)
        file, line, col = (origin.file, origin.line, origin.column) if origin else ("", 0, 0)
        return [warning(file, line, col, "KB024",
                        f"citation cycle: {text}; reading paths ignore that '{v}' cites '{u}' "
                        f"(the edge from the newer entry to the older one); remove the citation if it is wrong")]
    via = data.get("via")
    if via:
        summary_id = via.split(":", 1)[1]
        origin = kb.origin("summary", summary_id)
        file, line, col = (origin.file, origin.line, origin.column) if origin else ("", 0, 0)
        chain = " -> ".join(back + [v])
        return [warning(file, line, col, "KB019",
                        f"the summary '{summary_id}' lists '{u}' as a prerequisite of '{v}', but '{u}' "
                        f"needs '{v}' first ({chain}); reading paths ignore it; remove it from the summary")]
    return []  # a plain prerequisite cycle is already a KB019 error from validation


def iter_nodes(g: KBGraph, kinds: set[str] | None = None) -> Iterator[tuple[str, dict]]:
    """``(node, attrs)`` of ``graph`` in export order: by kind, then id."""
    order = {kind: i for i, kind in enumerate(NODE_KINDS)}
    nodes = [(n, d) for n, d in g.graph.nodes(data=True) if kinds is None or d["kind"] in kinds]
    nodes.sort(key=lambda item: (order[item[1]["kind"]], item[0]))
    return iter(nodes)


def iter_edges(g: KBGraph, keep: set[str] | None = None) -> Iterator[tuple[str, str, dict]]:
    """``(u, v, attrs)`` of ``graph`` between kept nodes, sorted by kind, source, target."""
    order = {kind: i for i, kind in enumerate(EDGE_KINDS)}
    edges = [(u, v, d) for u, v, d in g.graph.edges(data=True)
             if keep is None or (u in keep and v in keep)]
    edges.sort(key=lambda e: (order[e[2]["kind"]], e[0], e[1]))
    return iter(edges)


def graph_to_json(g: KBGraph, kinds: set[str] | None = None,
                  url_of: Callable[[str, str], str] | None = None) -> dict:
    """The node-link form of ``kb.json`` (``kbgen/site/assets/kb.schema.json``).

    ``kinds`` keeps only nodes of those kinds and the edges between them.
    Node ``importance`` is set for entities, ``None`` for the prefixed kinds.
    ``url_of(kind, id)`` gives each node's page URL (:func:`kbgen.site.urls.page_url`).

    >>> from kbgen.core.kb import KnowledgeBase
    >>> from kbgen.core.models import Paper
    >>> data = graph_to_json(build_graph(KnowledgeBase(papers={"a": Paper(id="a", title="A")})),
    ...                      url_of=lambda kind, ident: f"{kind}s/{ident}/")
    >>> data["nodes"][0]["url"], data["edges"]
    ('papers/a/', [])
    """
    importance = g.importance
    nodes = []
    for node, attrs in iter_nodes(g, kinds):
        nodes.append({
            "id": node,
            "kind": attrs["kind"],
            "title": attrs["title"],
            "year": attrs.get("year"),
            "topics": list(dict.fromkeys(attrs.get("topics") or [])),
            "url": url_of(attrs["kind"], node.split(":", 1)[1] if ":" in node else node) if url_of else None,
            "difficulty": attrs.get("difficulty"),
            "reading_time": attrs.get("reading_time"),
            "importance": importance.get(node),
        })
    keep = {n["id"] for n in nodes} if kinds is not None else None
    edges = [{"source": u, "target": v, "kind": d["kind"], "reason": d.get("reason")}
             for u, v, d in iter_edges(g, keep)]
    return {"version": 1, "nodes": nodes, "edges": edges}


def graph_for_export(g: KBGraph, kinds: set[str] | None = None,
                     url_of: Callable[[str, str], str] | None = None) -> nx.DiGraph:
    """A copy of ``graph`` with scalar attributes only, for GraphML.

    GraphML holds neither lists nor None: topics become a comma-separated
    string and a missing value is left out, so numbers keep their types.
    """
    data = graph_to_json(g, kinds, url_of)
    out = nx.DiGraph()
    for node in data["nodes"]:
        out.add_node(node["id"], **{k: _scalar(v) for k, v in node.items() if k != "id" and v is not None})
    for edge in data["edges"]:
        out.add_edge(edge["source"], edge["target"],
                     **{k: v for k, v in edge.items() if k in ("kind", "reason") and v is not None})
    return out


def _scalar(value):
    return ",".join(value) if isinstance(value, list) else value


def _dot_quote(value: str) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_dot(g: KBGraph, kinds: set[str] | None = None) -> str:
    """The graph in Graphviz DOT, every id and label quoted.

    >>> from kbgen.core.kb import KnowledgeBase
    >>> from kbgen.core.models import Paper
    >>> print(render_dot(build_graph(KnowledgeBase(papers={"a": Paper(id="a", title='Say "hi"')}))), end="")
    digraph kbgen {
      "a" [label="Say \\"hi\\"", kind="paper"];
    }
    """
    data = graph_to_json(g, kinds)
    lines = ["digraph kbgen {"]
    for node in data["nodes"]:
        lines.append(f"  {_dot_quote(node['id'])} [label={_dot_quote(node['title'])}, kind={_dot_quote(node['kind'])}];")
    for edge in data["edges"]:
        lines.append(f"  {_dot_quote(edge['source'])} -> {_dot_quote(edge['target'])} "
                     f"[kind={_dot_quote(edge['kind'])}, label={_dot_quote(edge['kind'])}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
