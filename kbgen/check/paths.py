"""A curated path that leaves out a prerequisite of one of its own steps (warning KB031).

For each step of a curated path, the prerequisites it needs, transitively,
must each be an earlier step or assumed: listed in the path's ``assumes:``, or
needed by something assumed (a reader who knows an entry knows what it
needs). A paper's prerequisites are its own and those of its summaries, as
for reading paths. The walk stops at earlier steps (their own needs are
checked at them), at assumed entries and at later steps (a step placed too
late is KB025's warning, not this one). Each missing entry is reported once,
at the first step that needs it, in one warning per step.

``check_curated_paths(kb)`` is pure: it reads the knowledge base only. The
knowledge base keeps where each path is but not where each of its steps is,
so the warning is located at the path (its file and first line) unless a
``locate(path_id, index)`` function gives a step's ``(file, line, column)``.

>>> from kbgen.core.kb import KnowledgeBase, Origin
>>> from kbgen.core.models import Paper, ReadingPath
>>> kb = KnowledgeBase(
...     papers={"a": Paper(id="a", title="A"), "b": Paper(id="b", title="B", prerequisites=["a"]),
...             "c": Paper(id="c", title="C", prerequisites=["b"])},
...     paths={"p": ReadingPath(id="p", title="P", steps=["c"])},
...     origins={"path:p": Origin("content/paths/p.yaml", 2)})
>>> print(check_curated_paths(kb)[0].message)  # doctest: +NORMALIZE_WHITESPACE
step 'c' needs 'b' and, through it, 'a' first, which are neither earlier steps nor assumed;
add them before 'c' or list them under the path's assumes:
>>> check_curated_paths(kb.__class__(**{**kb.__dict__, "paths": {"p": ReadingPath(
...     id="p", title="P", steps=["c"], assumes=["b"])}}))
[]
"""

from __future__ import annotations

from typing import Callable

from kbgen.core.diagnostics import Diagnostic, warning
from kbgen.core.kb import KnowledgeBase

CODE = "KB031"

Locate = Callable[[str, int], tuple[str, int, int]]


def _prerequisites(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Each entity's prerequisites (a paper's with its summaries'), known ids only, in file order."""
    ids = kb.entity_ids()
    needs: dict[str, list[str]] = {}
    for _, entity in kb.iter_entities():
        needs[entity.id] = [p for p in entity.prerequisites if p in ids and p != entity.id]
    for summary in kb.summaries.values():
        if summary.paper in needs:
            extra = [p for p in summary.prerequisites if p in ids and p != summary.paper]
            needs[summary.paper] = list(dict.fromkeys(needs[summary.paper] + extra))
    return needs


def _closure(starts, needs: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(starts)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(needs.get(node, ()))
    return seen


def _quote(ids: list[str]) -> str:
    quoted = [repr(i) for i in ids]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1] if len(quoted) > 1 else quoted[0]


def check_curated_paths(kb: KnowledgeBase, locate: Locate | None = None) -> list[Diagnostic]:
    """A KB031 warning for each curated-path step that needs an entry neither earlier nor assumed."""
    needs = _prerequisites(kb)
    out: list[Diagnostic] = []
    for path_id, path in sorted(kb.paths.items()):
        assumed = _closure(path.assumes, needs)
        steps = list(path.steps)
        position = {step: i for i, step in reversed(list(enumerate(steps)))}
        reported: set[str] = set()
        for index, step in enumerate(steps):
            if position.get(step) != index or step not in needs:
                continue  # a repeated step, or an unknown id (KB004 already)
            direct: list[str] = []
            through: list[str] = []
            seen = {step}
            stack = [(p, True) for p in reversed(needs[step])]
            while stack:
                node, first = stack.pop()
                if node in seen:
                    continue
                seen.add(node)
                if node in position or node in assumed or node in reported:
                    continue  # an earlier step, a later one (KB025), assumed, or reported already
                (direct if first else through).append(node)
                stack.extend((p, False) for p in reversed(needs.get(node, ())))
            if not direct and not through:
                continue
            reported.update(direct, through)
            missing = direct + through
            text = _quote(direct) if direct else ""
            if through:
                text += (" and, through " + ("it" if len(direct) == 1 else "them") + ", " if direct else "") \
                    + _quote(through)
            verb = "is" if len(missing) == 1 else "are"
            what = ("an earlier step" if len(missing) == 1 else "earlier steps")
            them = "it" if len(missing) == 1 else "them"
            message = (f"step {step!r} needs {text} first, which {verb} neither {what} nor assumed; "
                       f"add {them} before {step!r} or list {them} under the path's assumes:")
            file, line, column = _where(kb, path_id, index, locate)
            out.append(warning(file, line, column, CODE, message))
    return out


def _where(kb: KnowledgeBase, path_id: str, index: int, locate: Locate | None) -> tuple[str, int, int]:
    if locate is not None:
        return locate(path_id, index)
    origin = kb.origin("path", path_id)
    return (origin.file, origin.line, origin.column) if origin else (f"content/paths/{path_id}.yaml", 0, 0)


__all__ = ["CODE", "check_curated_paths"]
