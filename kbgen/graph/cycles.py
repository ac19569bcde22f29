"""Citation cycles: breaking them so the ordering graph is a DAG, and the warnings that say so."""

from __future__ import annotations

import networkx as nx

from kbgen.core.diagnostics import Diagnostic, warning
from kbgen.core.kb import KnowledgeBase
from kbgen.graph.kbgraph import UNDATED


def _year_key(ordering: nx.DiGraph, node: str) -> tuple[int, str]:
    year = ordering.nodes[node].get("year")
    return (year if year is not None else UNDATED, node)


def break_cycles(ordering: nx.DiGraph, kb: KnowledgeBase) -> list[Diagnostic]:
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
