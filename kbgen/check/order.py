"""Ancestry over prerequisites, for the checks of curated paths' order."""

from __future__ import annotations


def steps_among_ancestors(steps: list[str], prereqs: dict[str, set[str]]) -> dict[str, set[str]] | None:
    """For each step, the other steps among its transitive prerequisites; ``None`` on a cycle.

    One memoised walk of the prerequisites for the whole path, where calling
    :func:`ancestors` per step walks the same ancestry once per step (at
    10,000 papers a paper has thousands of ancestors).

    >>> steps_among_ancestors(["a", "c", "b"], {"b": {"x"}, "x": {"a"}, "c": set()})
    {'a': set(), 'c': set(), 'b': {'a'}}
    """
    wanted = set(steps)
    memo: dict[str, frozenset[str]] = {}
    active: set[str] = set()
    for start in steps:
        if start in memo:
            continue
        active.add(start)
        stack = [(start, iter(prereqs.get(start, ())))]
        while stack:  # iterative post-order: chains of prerequisites can be thousands long
            node, pending = stack[-1]
            for pre in pending:
                if pre in memo:
                    continue
                if pre in active:
                    return None  # a cycle (already an error): let the caller walk it plainly
                active.add(pre)
                stack.append((pre, iter(prereqs.get(pre, ()))))
                break
            else:
                stack.pop()
                active.discard(node)
                found: set[str] = set()
                for pre in prereqs.get(node, ()):
                    found |= memo[pre]
                    if pre in wanted:
                        found.add(pre)
                memo[node] = frozenset(found)
    return {step: set(memo[step]) - {step} for step in steps}


def ancestors(node: str, prereqs: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(prereqs.get(node, ()))
    while stack:
        current = stack.pop()
        if current in seen or current == node:
            continue
        seen.add(current)
        stack.extend(prereqs.get(current, ()))
    return seen
