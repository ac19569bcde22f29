"""A deterministic topological order: Kahn's algorithm with a priority key."""

from __future__ import annotations

import heapq
from typing import Callable, Iterable

import networkx as nx


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
