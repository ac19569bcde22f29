"""Reading paths: what to read, in which order, and why (docs/design.md, section 5).

``plan_path(g, targets, known)`` removes the known entities from the ordering
graph, takes every ancestor of the targets in what remains plus the targets,
and orders them topologically, breaking ties by year (oldest first), then id;
an undated entry (a concept, a cheat-sheet) counts as the earliest year of the
entries that depend on it (:meth:`kbgen.graph.KBGraph.sort_key`). The order is
the lexicographic topological order of the steps under ancestry in the whole
ordering graph: a step comes after every step it descends from, also when the
chain between them runs through a known entry; unrelated parts of the
knowledge base never move a step. A target that is also known is
left out. ``hard_only`` follows prerequisite edges only (citations neither
pull entries in nor order them). This is the ``--complete`` (and
``--hard-only``) mode of ``kbgen path``; the default, focused mode keeps only
the cited ancestors that earn a place (:mod:`kbgen.focus`).

Every step says why it is there: each later step that needs it, and by which
edge kind. Entries without a ``reading_time`` count with an estimate by kind
(:data:`DEFAULT_MINUTES`) in ``total_minutes`` and in sessions; their
``reading_time`` stays ``None``.

>>> from kbgen.graph import build_graph
>>> from kbgen.core.kb import KnowledgeBase
>>> from kbgen.core.models import Paper
>>> kb = KnowledgeBase(papers={
...     "rnn": Paper(id="rnn", title="RNN", year=1990, reading_time=30),
...     "attn": Paper(id="attn", title="Attention", year=2014, cites=["rnn"], reading_time=40),
...     "tf": Paper(id="tf", title="Transformer", year=2017, prerequisites=["attn"], reading_time=50)})
>>> plan = plan_path(build_graph(kb), ["tf"])
>>> [s.id for s in plan.steps], plan.total_minutes
(['rnn', 'attn', 'tf'], 120)
>>> plan.steps[0].reasons[0].text
'cited by attn'
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from kbgen.core.diagnostics import suggest
from kbgen.graph import KBGraph, order_topologically, paused_gc

#: Minutes assumed for an entry without ``reading_time``, by kind.
DEFAULT_MINUTES = {"paper": 45, "concept": 15, "story": 10, "resource": 15}


@dataclass(frozen=True)
class Reason:
    """Why a step is on the path: ``kind`` is ``prerequisite``, ``cites`` or ``target``."""

    kind: str
    needed_by: str | None
    text: str


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    title: str
    year: int | None
    reading_time: int | None
    reasons: tuple[Reason, ...]
    url: str | None = None  # best external link: arXiv abstract, DOI, or the entry's URL
    estimated: bool = False  # reading_time was missing; minutes is an estimate
    score: float | None = None  # relevance to the targets (focused plans only, see kbgen.focus)

    @property
    def minutes(self) -> int:
        """Reading time, or the estimate for its kind when none is given."""
        return self.reading_time if self.reading_time is not None else DEFAULT_MINUTES.get(self.kind, 15)


@dataclass(frozen=True)
class ReadingPlan:
    targets: tuple[str, ...]
    known: tuple[str, ...]
    steps: tuple[Step, ...]
    total_minutes: int
    hard_only: bool = False
    focused: bool = False  # made by kbgen.focus.plan_focused
    optional: tuple[Step, ...] = ()  # focused: the next best ancestors, not steps
    budget_minutes: int | None = None  # focused: the --budget asked for

    @property
    def mode(self) -> str:
        """``focused``, ``hard-only`` or ``complete``."""
        return "focused" if self.focused else "hard-only" if self.hard_only else "complete"


@dataclass(frozen=True)
class Session:
    number: int
    date: date
    steps: tuple[Step, ...]
    minutes: int


_TARGET = Reason("target", None, "target")


class UnknownIds(ValueError):
    """Ids that are not entities of the knowledge base; the message suggests close ones."""

    def __init__(self, ids: Iterable[str], candidates: Iterable[str], what: str = "id"):
        self.ids = list(ids)
        pool = list(candidates)
        self.suggestions = {i: suggest(i, pool) for i in self.ids}
        parts = [f"unknown {what} {i!r}{self.suggestions[i]}" for i in self.ids]
        super().__init__("; ".join(parts))


def check_ids(g: KBGraph, ids: Iterable[str]) -> None:
    """Raise :class:`UnknownIds` for every id that is not an entity."""
    missing = [i for i in dict.fromkeys(ids) if i not in g.ordering]
    if missing:
        raise UnknownIds(missing, g.ordering.nodes)


def external_url(g: KBGraph, entity_id: str) -> str | None:
    """The best external link of an entity: arXiv abstract, then DOI, then its URL."""
    attrs = g.ordering.nodes.get(entity_id)
    return attrs.get("link") if attrs is not None else None


def _edge_ok(data: dict, hard_only: bool) -> bool:
    return not hard_only or data["kind"] == "prerequisite"


def _reason_text(kind: str, needed_by: str, data: dict) -> str:
    if kind == "cites":
        return f"cited by {needed_by}"
    if data.get("via"):
        return f"prerequisite of {needed_by} (its summary)"
    return f"prerequisite of {needed_by}"


def plan_path(g: KBGraph, targets: Iterable[str], known: Iterable[str] = (),
              hard_only: bool = False) -> ReadingPlan:
    """The ordered steps to read the targets, starting from what is known (see module docs).

    Raises :class:`UnknownIds` when a target or known id is not an entity.
    """
    with paused_gc():  # tens of thousands of small acyclic objects on a big heap
        return _plan_path(g, targets, known, hard_only)


def _plan_path(g: KBGraph, targets: Iterable[str], known: Iterable[str], hard_only: bool) -> ReadingPlan:
    targets = tuple(dict.fromkeys(targets))
    known = tuple(dict.fromkeys(known))
    check_ids(g, targets + known)
    known_set = set(known)
    pred, succ = g.pred, g.succ

    members: set[str] = set()
    queue = deque(t for t in targets if t not in known_set)
    members.update(queue)
    while queue:
        node = queue.popleft()
        for parent, data in pred[node].items():
            if parent not in members and parent not in known_set and _edge_ok(data, hard_only):
                members.add(parent)
                queue.append(parent)

    order = order_topologically(members, *ordering_constraints(g, members, hard_only), g.sort_keys.__getitem__)
    position = {node: i for i, node in enumerate(order)}
    target_set = set(targets)
    memo = g.reason_memo  # Reason objects are immutable: one per edge and graph

    steps = []
    for node in order:
        reasons = [_TARGET] if node in target_set else []
        children = succ[node]
        later = sorted((c for c, d in children.items() if c in position and _edge_ok(d, hard_only)),
                       key=position.__getitem__)
        for child in later:
            reason = memo.get((node, child))
            if reason is None:
                data = children[child]
                reason = memo[node, child] = Reason(data["kind"], child, _reason_text(data["kind"], child, data))
            reasons.append(reason)
        steps.append(make_step(g, node, tuple(reasons)))
    return ReadingPlan(targets=targets, known=known, steps=tuple(steps),
                       total_minutes=sum(s.minutes for s in steps), hard_only=hard_only)


def ordering_constraints(g: KBGraph, members: set[str], hard_only: bool = False):
    """Predecessor and successor maps that order ``members`` (for :func:`order_topologically`).

    Direct edges, plus an edge a -> b whenever a member a is an ancestor of a
    member b only through entries outside the path (known or left out): leaving
    an entry out never lets the path reverse an order the graph implies.
    """
    pred = g.pred
    outside: list[str] = []
    seen: set[str] = set()
    for node in members:
        for parent, data in pred[node].items():
            if parent not in members and parent not in seen and _edge_ok(data, hard_only):
                seen.add(parent)
                outside.append(parent)
    if not outside and not hard_only:
        return pred, g.succ  # the common case: no known entity in the way
    # Every entry outside the path above a member, then, parents first, the
    # members each one is reached from.
    stack = list(outside)
    while stack:
        node = stack.pop()
        for parent, data in pred[node].items():
            if parent not in members and parent not in seen and _edge_ok(data, hard_only):
                seen.add(parent)
                stack.append(parent)
    above: dict[str, frozenset[str]] = {}
    for node in order_topologically(seen, pred, g.succ, _identity):
        found: set[str] = set()
        for parent, data in pred[node].items():
            if _edge_ok(data, hard_only):
                if parent in members:
                    found.add(parent)
                else:
                    found |= above[parent]
        above[node] = frozenset(found)
    new_pred: dict[str, list[str]] = {}
    new_succ: dict[str, list[str]] = {node: [] for node in members}
    for node in members:
        parents: list[str] = []
        indirect = False
        for parent, data in pred[node].items():
            if not hard_only or data["kind"] == "prerequisite":
                if parent in members:
                    parents.append(parent)
                else:
                    parents.extend(above[parent])
                    indirect = True
        if indirect:
            parents = list(dict.fromkeys(parents))
        new_pred[node] = parents
        for parent in parents:
            new_succ[parent].append(node)
    return new_pred, new_succ


def _identity(node: str) -> str:
    return node


def make_step(g: KBGraph, node: str, reasons: tuple[Reason, ...] = ()) -> Step:
    attrs = g.ordering._node[node]
    return Step(id=node, kind=attrs["kind"], title=attrs["title"], year=attrs.get("year"),
                reading_time=attrs.get("reading_time"), reasons=reasons, url=attrs.get("link"),
                estimated=attrs.get("reading_time") is None)


def topic_targets(g: KBGraph, topic_id: str) -> list[str]:
    """Every entity in topic ``topic_id`` (with or without ``topic:``) or its subtopics, sorted.

    Raises :class:`UnknownIds` for an unknown topic.
    """
    topic_id = topic_id.removeprefix("topic:")
    topics = g.kb.topics
    if topic_id not in topics:
        raise UnknownIds([topic_id], topics, what="topic")
    children: dict[str, list[str]] = {}
    for tid, topic in topics.items():
        if topic.parent:
            children.setdefault(topic.parent, []).append(tid)
    wanted, stack = set(), [topic_id]
    while stack:
        current = stack.pop()
        if current not in wanted:
            wanted.add(current)
            stack.extend(children.get(current, ()))
    return sorted(n for n, d in g.ordering.nodes(data=True) if wanted.intersection(d.get("topics") or ()))


def plan_sessions(plan: ReadingPlan, minutes_per_session: int, start: date,
                  every_days: int = 7) -> list[Session]:
    """Split the ordered steps into sessions of at most ``minutes_per_session``.

    Sessions take consecutive steps, so no entry is split and none lands
    before one of its prerequisites; an entry longer than a session gets a
    session of its own. Session ``n`` is on ``start + (n - 1) * every_days``.

    >>> s = [Step(str(i), "paper", "T", 2000, 30, ()) for i in range(5)]
    >>> plan = ReadingPlan(("4",), (), tuple(s), 150)
    >>> [len(x.steps) for x in plan_sessions(plan, 60, date(2026, 1, 5), 7)]
    [2, 2, 1]
    """
    if minutes_per_session < 1:
        raise ValueError("minutes per session must be at least 1")
    if every_days < 1:
        raise ValueError("days between sessions must be at least 1")
    groups: list[list[Step]] = []
    current: list[Step] = []
    used = 0
    for step in plan.steps:
        if current and used + step.minutes > minutes_per_session:
            groups.append(current)
            current, used = [], 0
        current.append(step)
        used += step.minutes
    if current:
        groups.append(current)
    try:
        return [Session(number=i, date=start + timedelta(days=(i - 1) * every_days), steps=tuple(group),
                        minutes=sum(s.minutes for s in group))
                for i, group in enumerate(groups, 1)]
    except OverflowError:
        raise ValueError("the sessions would run past the year 9999; choose an earlier start or fewer days "
                         "between sessions") from None


def iter_downstream(g: KBGraph, entity_id: str) -> list[tuple[str, int]]:
    """Entities that depend on ``entity_id`` (ordering descendants), nearest first.

    Distance is the fewest ordering edges from ``entity_id``; ties by year, then id.
    """
    check_ids(g, [entity_id])
    succ = g.succ
    distance = {entity_id: 0}
    queue = deque([entity_id])
    while queue:
        node = queue.popleft()
        for child in succ[node]:
            if child not in distance:
                distance[child] = distance[node] + 1
                queue.append(child)
    del distance[entity_id]
    return sorted(distance.items(), key=lambda item: (item[1], g.sort_key(item[0])))


def path_prereqs(plan: ReadingPlan, g: KBGraph) -> dict[str, list[str]]:
    """For each step, the earlier steps joined to it by an ordering edge, in path order."""
    position = {s.id: i for i, s in enumerate(plan.steps)}
    pred = g.pred
    return {
        step.id: sorted((p for p, d in pred[step.id].items()
                         if p in position and _edge_ok(d, plan.hard_only)), key=position.__getitem__)
        for step in plan.steps
    }


__all__ = [
    "DEFAULT_MINUTES", "Reason", "Step", "ReadingPlan", "Session", "UnknownIds",
    "check_ids", "external_url", "plan_path", "ordering_constraints", "make_step", "topic_targets",
    "plan_sessions", "iter_downstream", "path_prereqs",
]
