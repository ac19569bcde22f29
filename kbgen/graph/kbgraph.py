"""The graph of a knowledge base as one object: both graphs, the global reading order, importance.

Made by :func:`kbgen.graph.build.build_graph`; treat it and its graphs as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from kbgen.core.diagnostics import Diagnostic
from kbgen.core.kb import KnowledgeBase
from kbgen.graph.order import order_topologically

#: Sort key of an entry without a year, and of one nothing dated depends on.
UNDATED = 10**6


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
            return (UNDATED, entity_id)
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
        stack = [(node, iter(succ[node]), UNDATED)]
        while stack:
            current, children, best = stack[-1]
            for child in children:
                child_year = nodes[child].get("year")
                if child_year is None:
                    child_year = effective.get(child)
                if child_year is None:
                    stack.append((child, iter(succ[child]), UNDATED))
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
