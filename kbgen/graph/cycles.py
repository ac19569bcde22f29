"""Citation cycles: breaking them so the ordering graph is a DAG, and the warnings that say so.

The rule, per strongly connected component of the ordering graph, softest
edges first (citations, then a summary's prerequisites, then plain
prerequisites, which validation already reports as KB019 errors):

1. order the component's entries by the harder edges (a topological order,
   ties by year, then id) or, where those are cyclic too, by year and id;
2. drop every edge of the current tier that goes backward in that order, that
   is, from the newer entry to the older one;
3. put back each dropped edge that agrees with a topological order of what
   is left (it cannot close a cycle), and go on with any component left.

Every step is linear in the component (plus a sort), so a citation clique of
120 papers is broken in a fraction of a second where dropping one edge and
recomputing the components took 115 s. A warning names a cycle through the
dropped edge for the first :data:`NAMED_CYCLES` edges of a component; the
others say how large the component is, since finding a cycle per edge is
what made large components quadratic.
"""

from __future__ import annotations

from collections import deque
from typing import Callable

import networkx as nx

from kbgen.core.diagnostics import Diagnostic, warning
from kbgen.core.kb import KnowledgeBase
from kbgen.graph.kbgraph import UNDATED

#: Dropped edges per component whose warning names a whole cycle.
NAMED_CYCLES = 20


def _year_key(ordering: nx.DiGraph, node: str) -> tuple[int, str]:
    year = ordering.nodes[node].get("year")
    return (year if year is not None else UNDATED, node)


def _tier(data: dict) -> int:
    if data["kind"] == "cites":
        return 0
    return 1 if data.get("via") else 2


def break_cycles(ordering: nx.DiGraph, kb: KnowledgeBase) -> list[Diagnostic]:
    """Drop edges until ``ordering`` is a DAG; return a warning per dropped soft edge."""
    # Cheap on the common (acyclic) case; find_cycle without a source is quadratic.
    if nx.is_directed_acyclic_graph(ordering):
        return []
    diagnostics: list[Diagnostic] = []
    for component in sorted(_cyclic_components(ordering), key=min):
        sub = ordering.subgraph(component).copy()  # the component as it was, to name cycles in
        work = [set(component)]
        named = 0
        for tier in (0, 1, 2):
            left = []
            for nodes in work:
                dropped = _drop_backward(ordering, nodes, tier)
                for u, v, data in dropped:
                    back = _path(sub, v, u) if named < NAMED_CYCLES else None
                    named += back is not None
                    diagnostics.extend(_cycle_warning(kb, u, v, data, back, len(component)))
                left += _cyclic_components(ordering.subgraph(nodes))
            work = left
            if not work:
                break
    return diagnostics


def _cyclic_components(graph: nx.DiGraph) -> list[set[str]]:
    return [c for c in nx.strongly_connected_components(graph) if len(c) > 1]


def _drop_backward(ordering: nx.DiGraph, nodes: set[str], tier: int) -> list[tuple[str, str, dict]]:
    """Remove the tier's edges among ``nodes`` that go backward (see the module docs); return them."""
    sub = ordering.subgraph(nodes)
    key: Callable[[str], tuple[int, str]] = lambda n: _year_key(ordering, n)  # noqa: E731
    harder = nx.DiGraph()
    harder.add_nodes_from(nodes)
    harder.add_edges_from((u, v) for u, v, d in sub.edges(data=True) if _tier(d) > tier)
    position = _positions(harder, key)
    backward = [(u, v, dict(d)) for u, v, d in sub.edges(data=True)
                if _tier(d) == tier and position[u] > position[v]]
    if not backward:
        return []
    ordering.remove_edges_from((u, v) for u, v, _ in backward)
    # Put back what a topological order of the rest agrees with: those edges close no cycle.
    rest = ordering.subgraph(nodes)
    if nx.is_directed_acyclic_graph(rest):
        after = {n: i for i, n in enumerate(nx.lexicographical_topological_sort(rest, key=key))}
        kept = [(u, v, d) for u, v, d in backward if after[u] < after[v]]
        ordering.add_edges_from(kept)
        backward = [(u, v, d) for u, v, d in backward if after[u] >= after[v]]
    backward.sort(key=lambda e: (key(e[0]), key(e[1])), reverse=True)
    return backward


def _positions(harder: nx.DiGraph, key: Callable[[str], tuple[int, str]]) -> dict[str, int]:
    """A total order of the nodes: topological over ``harder`` (by its components where it is cyclic), ties by key."""
    condensed = nx.condensation(harder)
    members = condensed.graph["mapping"]  # node -> component index
    groups: dict[int, list[str]] = {}
    for node, index in members.items():
        groups.setdefault(index, []).append(node)
    for group in groups.values():
        group.sort(key=key)
    order = nx.lexicographical_topological_sort(condensed, key=lambda c: key(groups[c][0]))
    position: dict[str, int] = {}
    for index in order:
        for node in groups[index]:
            position[node] = len(position)
    return position


def _path(graph: nx.DiGraph, source: str, target: str) -> list[str] | None:
    """A shortest path ``source`` -> ``target`` (breadth first), or ``None``."""
    parent: dict[str, str | None] = {source: None}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        if node == target:
            path = [node]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for nxt in graph.successors(node):
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return None


def _cycle_warning(kb: KnowledgeBase, u: str, v: str, data: dict, back: list[str] | None,
                   size: int) -> list[Diagnostic]:
    def label(node: str) -> str:
        year = kb.year_of(node)
        return f"'{node}' ({year})" if year else f"'{node}'"

    if data["kind"] == "cites":
        origin = kb.origin(kb.kind_of(v) or "paper", v)
        file, line, col = (origin.file, origin.line, origin.column) if origin else ("", 0, 0)
        if back is None:
            text = f"{label(v)} cites {label(u)}, in a citation cycle among {size} entries"
        else:
            # back is v -> ... -> u in reading order; as citations: v cites u, u cites ..., ... cites v.
            text = " cites ".join(label(n) for n in [v] + back[::-1])
        return [warning(file, line, col, "KB024",
                        f"citation cycle: {text}; reading paths ignore that '{v}' cites '{u}' "
                        f"(the edge from the newer entry to the older one); remove the citation if it is wrong")]
    via = data.get("via")
    if via:
        summary_id = via.split(":", 1)[1]
        origin = kb.origin("summary", summary_id)
        file, line, col = (origin.file, origin.line, origin.column) if origin else ("", 0, 0)
        chain = " -> ".join(back + [v]) if back is not None else f"a cycle among {size} entries"
        return [warning(file, line, col, "KB019",
                        f"the summary '{summary_id}' lists '{u}' as a prerequisite of '{v}', but '{u}' "
                        f"needs '{v}' first ({chain}); reading paths ignore it; remove it from the summary")]
    return []  # a plain prerequisite cycle is already a KB019 error from validation
