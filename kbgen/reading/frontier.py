"""What to read next (``kbgen next``): ranked by how close each entry is to what this reader has read.

The *candidates* are the unread entries whose curated prerequisites are all
read (citations are not obligations: an unread cited paper is named in the
reason, it does not hide the entry). With ``goal``, only the goal and its
unread ancestors are candidates.

**Closeness to what was read.** Each read entry carries a weight: half of the
total is spread over every read entry, half over the read entries that no
other read entry builds on (:func:`latest`: where the reader has got to), so
that what follows the latest reading comes before background the reader
skipped. The closeness of a candidate ``x`` is the weight of the read entries
``x`` builds on directly (cites or lists as prerequisites), each counted with
the reference weight of :mod:`kbgen.reading.relevance` (shared authors,
similar titles), over the weight of all of ``x``'s references plus
:data:`kbgen.reading.relevance.UNSEEN`. So an entry is close when it builds on
the latest reading and most of what it builds on is read: after the
Transformer, GPT (which builds on it) comes before a 2015 survey that cites
ten papers, two of them read; a paper that builds on many unread ones waits.
Only direct references count: an entry never gathers closeness through the
unread entries between it and the reading.

**Closeness to the goal** (``goal``): the relevance of the candidate to the
goal, as for the goal's focused path (:func:`kbgen.reading.relevance.score_relevance`,
the read entries known); the goal itself has 1.

Each closeness is scaled so that the best candidate has 1; the score is their
mean when both are given, else the one given; with nothing read and no goal
it is the global importance (:attr:`kbgen.graph.KBGraph.importance`: where to
start). Candidates are sorted by the score rounded to two decimals (the
figure ``kbgen next`` prints), then by how many unread entries transitively
depend on them (what they unlock), then by year and id.

>>> from kbgen.graph import build_graph
>>> from kbgen.core.kb import KnowledgeBase
>>> from kbgen.core.models import Paper
>>> kb = KnowledgeBase(papers={
...     "rnn": Paper(id="rnn", title="RNN", year=1990),
...     "cnn": Paper(id="cnn", title="CNN", year=1998),
...     "attn": Paper(id="attn", title="Attention", year=2014, cites=["rnn"]),
...     "gan": Paper(id="gan", title="GAN", year=2014, cites=["cnn"])})
>>> [(s.id, s.score) for s in plan_next(build_graph(kb), ["rnn"])]
[('attn', 1.0), ('cnn', 0.0), ('gan', 0.0)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from kbgen.graph import KBGraph
from kbgen.reading.paths import check_ids
from kbgen.reading.relevance import UNSEEN, TitleIndex, author_set, reference_weights, score_relevance

#: Share of the reader's weight on where they have got to (the rest is spread over everything read).
LATEST = 0.5
_NAMES = 3  # ids named in one reason


@dataclass(frozen=True)
class Suggestion:
    """One entry to read next."""

    id: str
    kind: str
    title: str
    year: int | None
    score: float  # the sort key, rounded to 2 decimals (see the module docs)
    unlocks: int  # unread entities that transitively depend on it
    importance: float
    reason: str


def candidates(g: KBGraph, read: set[str], goal: str | None = None) -> list[str]:
    """Unread entries whose curated prerequisites are all read (within the goal's ancestry)."""
    pred = g.pred
    pool = g.ordering if goal is None else _upward(g, goal)
    return sorted(n for n in pool if n not in read and all(
        p in read for p, data in pred[n].items() if data["kind"] == "prerequisite"))


def _upward(g: KBGraph, goal: str) -> set[str]:
    seen = {goal}
    stack = [goal]
    while stack:
        for parent in g.pred[stack.pop()]:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def latest(g: KBGraph, read: set[str]) -> list[str]:
    """The read entries that no other read entry builds on: where the reader has got to.

    >>> from kbgen.graph import build_graph
    >>> from kbgen.core.kb import KnowledgeBase
    >>> from kbgen.core.models import Paper
    >>> g = build_graph(KnowledgeBase(papers={"a": Paper(id="a", title="A"),
    ...                                       "b": Paper(id="b", title="B", cites=["a"])}))
    >>> latest(g, {"a", "b"})
    ['b']
    """
    above: set[str] = set()
    stack = [p for n in read for p in g.pred[n]]
    while stack:
        node = stack.pop()
        if node not in above:
            above.add(node)
            stack.extend(g.pred[node])
    return sorted(read - above)


def reader_weights(g: KBGraph, read: list[str]) -> dict[str, float]:
    """The weight of each read entry: :data:`LATEST` on where the reader has got to, the rest on all."""
    front = latest(g, set(read))
    weights = {n: (1.0 - LATEST) / len(read) for n in read}
    for n in front:
        weights[n] += LATEST / len(front)
    return weights


def closeness_to_read(g: KBGraph, pool: list[str], weights: dict[str, float]) -> dict[str, float]:
    """Unscaled closeness of each candidate to the reading (module docs); 0 when it builds on nothing read."""
    pred = g.pred
    near = [n for n in pool if any(p in weights for p in pred[n])]
    members = set(near) | {p for n in near for p in pred[n]}
    titles = TitleIndex(g, members)
    authors = {n: author_set(g, n) for n in members}
    out = dict.fromkeys(pool, 0.0)
    for node in near:
        refs = sorted(pred[node])
        ws = reference_weights(g, node, refs, titles, authors)
        total = sum(ws) + UNSEEN
        out[node] = sum(w * weights[r] for r, w in zip(refs, ws) if r in weights) / total
    return out


def _scaled(values: dict[str, float], pool: list[str]) -> dict[str, float]:
    top = max((values.get(n, 0.0) for n in pool), default=0.0)
    return {n: (values.get(n, 0.0) / top if top else 0.0) for n in pool}


def plan_next(g: KBGraph, read: Iterable[str], goal: str | None = None,
              limit: int | None = 10) -> list[Suggestion]:
    """The candidates of the module docs, best first, at most ``limit`` of them.

    Raises :class:`kbgen.paths.UnknownIds` for an id that is not an entity.
    """
    read = list(dict.fromkeys(read))
    check_ids(g, read + ([goal] if goal else []))
    read_set = set(read)
    pool = candidates(g, read_set, goal)
    parts = []
    if read:
        parts.append(_scaled(closeness_to_read(g, pool, reader_weights(g, read)), pool))
    if goal:
        relevance = {n: r.score for n, r in score_relevance(g, [goal], read).items()}
        relevance[goal] = 1.0
        parts.append(_scaled(relevance, pool))
    if parts:
        score = {n: round(sum(p[n] for p in parts) / len(parts), 2) for n in pool}
    else:
        score = {n: round(g.importance.get(n, 0.0), 2) for n in pool}
    key = g.sort_key
    pool.sort(key=lambda n: (-score[n], key(n)))
    if limit is not None and len(pool) > limit:
        # What an entry unlocks only breaks ties of the rounded score: count it where it can matter.
        floor = score[pool[limit - 1]]
        pool = [n for n in pool if score[n] >= floor]
    unlocks = {n: _descendants(g.succ, n, read_set) for n in pool}
    pool.sort(key=lambda n: (-score[n], -len(unlocks[n]), key(n)))
    if limit is not None:
        pool = pool[:limit]
    front = set(latest(g, read_set)) if read else set()
    out = []
    for node in pool:
        attrs = g.ordering.nodes[node]
        out.append(Suggestion(id=node, kind=attrs["kind"], title=attrs["title"], year=attrs.get("year"),
                              score=score[node], unlocks=len(unlocks[node]),
                              importance=g.importance.get(node, 0.0),
                              reason=_why(g, node, read_set, front, goal, unlocks[node])))
    return out


def _names(ids: list[str]) -> str:
    more = len(ids) - _NAMES
    shown = ids[:_NAMES]
    if more > 0:
        return ", ".join(shown) + f" and {more} more"
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]


def _why(g: KBGraph, node: str, read: set[str], front: set[str], goal: str | None, below: set[str]) -> str:
    key = g.sort_key
    parents = sorted(g.pred[node], key=key)
    done = [p for p in parents if p in read]
    unread = [p for p in parents if p not in read]
    parts = []
    if done:
        # Where the reader has got to first: it is what makes an entry close.
        ahead = [p for p in done if p in front] if len(front) < len(read) else []
        behind = [p for p in done if p not in ahead]
        if ahead and behind:
            parts.append(f"builds on {_names(ahead)} (where you have got to) and on {_names(behind)}, "
                         "which you have read")
        elif ahead:
            parts.append(f"builds on {_names(ahead)}, where you have got to")
        else:
            parts.append(f"builds on {_names(behind)}, which you have read")
    elif not parents:
        parts.append("needs nothing first")
    elif read:
        parts.append("builds on nothing you have read")
    if unread:
        parts.append(f"cites {len(unread)} you have not read ({_names(unread)})")
    if goal == node:
        parts.append("your goal")
    elif goal:
        parts.append(f"leads to {goal}")
    if below:
        nearest = sorted((c for c in g.succ[node] if c not in read), key=key)
        parts.append(f"unlocks {len(below)} entr{'y' if len(below) == 1 else 'ies'}"
                     + (f", e.g. {', '.join(nearest[:_NAMES])}" if nearest else ""))
    return "; ".join(parts)


def _descendants(succ, node: str, skip: set[str]) -> set[str]:
    seen: set[str] = set()
    stack = [node]
    while stack:
        for child in succ[stack.pop()]:
            if child not in seen and child not in skip:
                seen.add(child)
                stack.append(child)
    return seen


__all__ = ["LATEST", "Suggestion", "candidates", "latest", "reader_weights", "closeness_to_read", "plan_next"]
