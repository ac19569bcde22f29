"""Curated paths in order: a step may not come before one of its prerequisites (KB025)."""

from __future__ import annotations

from kbgen.core.diagnostics import warning


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


def check_path_order(b) -> None:
    """A curated step placed before one of its (transitive) prerequisites is a warning."""
    prereqs = {i: set(m.prerequisites) for i, (_, m, _) in b.entities.items()}
    for path, item in b.paths.values():
        position = {step: i for i, step in enumerate(path.steps)}
        earlier = steps_among_ancestors(path.steps, prereqs)
        for i, step in enumerate(path.steps):
            above = earlier[step] if earlier is not None else ancestors(step, prereqs)
            for pre in sorted(above):
                if position.get(pre, -1) > i:
                    file, line, col = item.locate(("steps", position[pre]))
                    b.diags.append(warning(file, line, col, "KB025",
                                              f"step {pre!r} comes after {step!r}, which needs it first; "
                                              f"move {pre!r} before {step!r}"))
