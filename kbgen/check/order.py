"""Curated paths in order: a step may not come before one of its prerequisites (KB025).

The check is linear in the size of the steps' ancestry, per path: one pass
up the prerequisites finds every ancestor of a step, and one pass down them,
in reverse topological order, finds for each step the earliest step that
needs it. A step placed after that one gets one warning, so a reversed
1,500-step path gives 1,499 warnings (of which :func:`kbgen.core.diagnostics.sort_diagnostics`
shows a hundred), not the 1.1 million pairs it used to, and a 20,000-step
path no longer holds every step's ancestors in memory at once.
"""

from __future__ import annotations

from collections import deque
from typing import Iterable

from kbgen.core.diagnostics import warning

_NONE = -1


def earliest_dependents(steps: list[str], prereqs: dict[str, Iterable[str]]) -> dict[str, int]:
    """For each step, the position of the earliest step that needs it (transitively); absent when none.

    Positions are indices into ``steps`` (a step listed twice counts at its
    last place, as before). Entries on a prerequisite cycle (already a KB019
    error) are left out of the ordering.

    >>> earliest_dependents(["b", "a", "c"], {"b": {"x"}, "x": {"a"}, "c": {"a"}})
    {'a': 0}
    """
    position = {step: i for i, step in enumerate(steps)}
    # Up: every ancestor of a step, and the "needed by" edges among them.
    needed_by: dict[str, list[str]] = {}
    waiting: dict[str, int] = {}  # prerequisites not yet ordered, per node
    seen = set(position)
    queue = deque(position)
    while queue:
        node = queue.popleft()
        pres = [p for p in prereqs.get(node, ()) if p != node]
        waiting[node] = len(pres)
        for pre in pres:
            needed_by.setdefault(pre, []).append(node)
            if pre not in seen:
                seen.add(pre)
                queue.append(pre)
    # Kahn's order from the roots; reversed, every node comes after all that need it.
    order = [node for node, n in waiting.items() if n == 0]
    for node in order:
        for child in needed_by.get(node, ()):
            waiting[child] -= 1
            if waiting[child] == 0:
                order.append(child)
    # Down: the earliest step among each node's dependents.
    earliest: dict[str, int] = {}
    for node in reversed(order):
        best = _NONE
        for child in needed_by.get(node, ()):
            for candidate in (position.get(child, _NONE), earliest.get(child, _NONE)):
                if candidate != _NONE and (best == _NONE or candidate < best):
                    best = candidate
        if best != _NONE:
            earliest[node] = best
    return {step: earliest[step] for step in steps if step in earliest}


def check_path_order(b) -> None:
    """A curated step placed after a step that needs it (transitively) is a warning, one per late step."""
    prereqs = {i: m.prerequisites for i, (_, m, _) in b.entities.items()}
    for path, item in b.paths.values():
        earliest = earliest_dependents(path.steps, prereqs)
        position = {step: i for i, step in enumerate(path.steps)}
        for pre, first in sorted(earliest.items(), key=lambda kv: position[kv[0]]):
            if first < position[pre]:
                step = path.steps[first]
                file, line, col = item.locate(("steps", position[pre]))
                b.diags.append(warning(file, line, col, "KB025",
                                       f"step {pre!r} comes after {step!r}, which needs it first; "
                                       f"move {pre!r} before {step!r}"))
