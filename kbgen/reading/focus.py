"""Focused reading paths: the required steps, plus the cited ancestors that earn a place.

A citation says what a paper builds on, not what a newcomer must read first,
so the default path (``kbgen path TARGET``) takes:

- **hard steps**: the targets and their curated prerequisites, transitively,
  minus what is known (the ``--hard-only`` path);
- **soft steps**: the other ancestors whose *relevance* to the targets
  (:mod:`kbgen.reading.relevance`: a reader's walk down the references, which
  the most relevant ancestor ends with 1) reaches :data:`THRESHOLD`, a fifth
  of the best, and that hang from the path (each is needed by a step already
  on it).

The cut is relative to the best ancestor, so it adapts to the target: a paper
that cites three others keeps the ones its lineage vouches for, and one that
cites forty does not keep forty. A reference that the target cites in passing
gets a share of the target's weight that every other reference gets too; it
stays a step only when it is no less than a fifth of the reading the lineage
builds on most (for ViT, the Transformer).

A soft step brings its own curated prerequisites (transitively) that are
not in the path yet, which are then hard steps too; it is taken only when the
mean relevance of what it brings, itself included, reaches the threshold
(Adam cited by a target does not bring gradient descent and momentum with
it). ``budget`` (minutes) keeps the best soft steps, by relevance, that fit
(with the prerequisites they bring) once the hard steps are counted, growing
the path from the hard steps so that every soft step stays needed by a step
already chosen. The next best ancestors (:data:`OPTIONAL_LIMIT` of them) are
returned apart as optional background.

>>> from kbgen.graph import build_graph
>>> from kbgen.core.kb import KnowledgeBase
>>> from kbgen.core.models import Paper
>>> kb = KnowledgeBase(papers={
...     "sgd": Paper(id="sgd", title="SGD", year=1951),
...     "adam": Paper(id="adam", title="Adam", year=2014, cites=["sgd"]),
...     "attn": Paper(id="attn", title="Attention", year=2014),
...     "tf": Paper(id="tf", title="Transformer", year=2017, cites=["attn", "adam"]),
...     "bert": Paper(id="bert", title="BERT", year=2018, cites=["tf", "attn"])})
>>> plan = plan_focused(build_graph(kb), ["bert"])
>>> [(s.id, s.score) for s in plan.steps]
[('attn', 1.0), ('tf', 0.8889), ('bert', None)]
>>> [(s.id, s.score) for s in plan.optional]
[('adam', 0.1111)]
"""

from __future__ import annotations

import heapq
import re
from collections import deque
from dataclasses import replace
from typing import Iterable

from kbgen.graph import KBGraph, order_topologically, paused_gc
from kbgen.reading.paths import ReadingPlan, Reason, Step, check_ids, make_step, ordering_constraints
from kbgen.reading.relevance import Relevance, closure, relevance_in, score_relevance

#: Relevance (a fraction of the best ancestor's) a cited ancestor needs to become a soft step.
THRESHOLD = 0.2
#: How many of the next best ancestors a focused plan lists as optional background.
OPTIONAL_LIMIT = 5

_TARGET = Reason("target", None, "target")


def score_ancestors(g: KBGraph, targets: Iterable[str], known: Iterable[str] = ()) -> dict[str, Relevance]:
    """The :class:`Relevance` of every ancestor of ``targets``, minus known entries (:mod:`kbgen.reading.relevance`).

    Raises :class:`kbgen.paths.UnknownIds` for an id that is not an entity.
    """
    targets = tuple(dict.fromkeys(targets))
    known = tuple(dict.fromkeys(known))
    check_ids(g, targets + known)
    return score_relevance(g, targets, known)


def plan_focused(g: KBGraph, targets: Iterable[str], known: Iterable[str] = (),
                 budget: int | None = None, threshold: float = THRESHOLD,
                 optional: int = OPTIONAL_LIMIT) -> ReadingPlan:
    """The focused reading plan to ``targets`` (see the module docs).

    ``budget`` is in minutes: soft steps are kept only while they fit after
    the hard steps (which are always kept, even past the budget). Raises
    :class:`kbgen.paths.UnknownIds` for an id that is not an entity.
    """
    with paused_gc():
        return _plan_focused(g, tuple(dict.fromkeys(targets)), tuple(dict.fromkeys(known)),
                             budget, threshold, optional)


def hard_steps(g: KBGraph, targets: Iterable[str], known: Iterable[str] = ()) -> set[str]:
    """The targets and their curated prerequisites, transitively, minus known entries."""
    return _prerequisite_closure(g, targets, set(known), set())


def _prerequisite_closure(g: KBGraph, targets: Iterable[str], known: set[str], chosen: set[str]) -> set[str]:
    """``targets`` and their prerequisites, transitively, that are neither known nor ``chosen``."""
    members = {t for t in targets if t not in known and t not in chosen}
    queue = deque(members)
    pred = g.pred
    while queue:
        node = queue.popleft()
        for parent, data in pred[node].items():
            if (data["kind"] == "prerequisite" and parent not in members and parent not in known
                    and parent not in chosen):
                members.add(parent)
                queue.append(parent)
    return members


def _plan_focused(g: KBGraph, targets: tuple[str, ...], known: tuple[str, ...], budget: int | None,
                  threshold: float, optional: int) -> ReadingPlan:
    check_ids(g, targets + known)
    known_set = set(known)
    relevance = relevance_in(g, targets, closure(g, targets, known_set))
    chosen = hard_steps(g, targets, known)
    left = None if budget is None else budget - sum(_minutes(g, n) for n in chosen)

    # Grow from the chosen steps: a candidate is eligible once a chosen step builds on it.
    key = g.sort_keys.__getitem__
    heap: list[tuple[float, tuple, str]] = []
    queued: set[str] = set()

    def offer(node: str) -> None:
        for parent in g.pred[node]:
            info = relevance.get(parent)
            if info is not None and parent not in chosen and parent not in queued:
                queued.add(parent)
                heapq.heappush(heap, (-info.score, key(parent), parent))

    for node in sorted(chosen):
        offer(node)
    background: list[str] = []
    notes: dict[str, str] = {}  # why an ancestor above the threshold is only optional
    while heap:
        negative, _, node = heapq.heappop(heap)
        # A soft step brings its own curated prerequisites; together they must earn their place.
        bundle = _prerequisite_closure(g, [node], known_set, chosen) if -negative >= threshold else set()
        worth = sum(relevance[n].score for n in bundle) >= threshold * len(bundle)
        cost = sum(_minutes(g, n) for n in bundle)
        if bundle and worth and (left is None or cost <= left):
            chosen |= bundle
            if left is not None:
                left -= cost
            for added in sorted(bundle):
                offer(added)
            continue
        background.append(node)
        brings = sorted(bundle - {node}, key=key)
        if bundle and not worth:
            mean = sum(relevance[n].score for n in bundle) / len(bundle)
            notes[node] = f"would bring {_join(brings)} with it: mean relevance {mean:.2f}, below {threshold:g}"
        elif bundle:
            notes[node] = "over the budget" + (f" with {_join(brings)}" if brings else "")
    # A candidate passed over may have come in since, as a prerequisite another step brought.
    background = sorted((n for n in background if n not in chosen),
                        key=lambda n: (-relevance[n].score, key(n)))[:optional]

    order = order_topologically(chosen, *ordering_constraints(g, chosen), key)
    position = {node: i for i, node in enumerate(order)}
    steps = tuple(_step(g, node, position, relevance, targets) for node in order)
    extra = tuple(_step(g, node, position, relevance, targets, notes.get(node)) for node in background)
    return ReadingPlan(targets=targets, known=known, steps=steps, total_minutes=sum(s.minutes for s in steps),
                       focused=True, optional=extra, budget_minutes=budget)


def _minutes(g: KBGraph, node: str) -> int:
    return make_step(g, node).minutes


def _join(ids: list[str]) -> str:
    return ", ".join(ids[:-1]) + " and " + ids[-1] if len(ids) > 1 else "".join(ids)


def _step(g: KBGraph, node: str, position: dict[str, int], relevance: dict[str, Relevance],
          targets: tuple[str, ...], note: str | None = None) -> Step:
    """A step (or an optional entry) with a reason per path step that builds on it directly.

    An optional entry above the threshold gets a last reason of kind ``optional``
    saying why it is not a step.
    """
    reasons = [_TARGET] if node in targets else []
    succ = g.succ[node]
    for child in sorted((c for c in succ if c in position), key=position.__getitem__):
        data = succ[child]
        kind = data["kind"]
        if kind == "cites":
            text = f"cited by {child}"
        elif data.get("via"):
            text = f"prerequisite of {child} (its summary)"
        else:
            text = f"prerequisite of {child}"
        reasons.append(Reason(kind, child, text))
    if note:
        reasons.append(Reason("optional", None, note))
    step = make_step(g, node, tuple(reasons))
    info = relevance.get(node)
    if info is None:
        return step
    return replace(step, score=info.score)


_DURATION = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+)\s*(?:m|min))?\s*$", re.IGNORECASE)


def parse_duration(text: str) -> int:
    """Minutes in ``10h``, ``90m``, ``1h30m`` or ``1.5h``; :class:`ValueError` otherwise.

    >>> parse_duration("10h"), parse_duration("90m"), parse_duration("1h30m"), parse_duration("1.5h")
    (600, 90, 90, 90)
    """
    match = _DURATION.match(text)
    if not match or not any(match.groups()):
        raise ValueError(f"expected a duration such as 10h, 90m or 1h30m, got {text!r}")
    hours, minutes = match.groups()
    total = round(float(hours or 0) * 60) + int(minutes or 0)
    if total < 1:
        raise ValueError(f"the budget must be at least one minute, got {text!r}")
    return total


__all__ = ["THRESHOLD", "OPTIONAL_LIMIT", "Relevance", "score_ancestors",
           "hard_steps", "plan_focused", "parse_duration"]
