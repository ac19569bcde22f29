"""How relevant each ancestor of the targets is to them: a reader's walk down the references.

A citation says what a paper builds on, not what a newcomer must read first;
the relevance below ranks the ancestors of the targets (minus what is known)
for :mod:`kbgen.reading.focus`. It uses what even a knowledge base imported
from BibTeX has: the ordering edges (citations and prerequisites), titles,
authors.

**The walk.** A reader starts at each target with weight 1 and, at every
entry, goes on with probability :data:`DAMPING` to one of the entry's
references (the entries it cites or lists as prerequisites, inside the
targets' ancestry), or stops. The relevance of an ancestor is how much of the
reader's weight reaches it, summed over every way down. So an ancestor that
many entries on the way build on collects from each of them (co-citation
within the lineage), a reference of a paper that cites thirty others gets a
thirtieth of that paper's share, and what is several steps down gets little:
Robbins-Monro under momentum under Adam under the Transformer has about
``(1/2)^4`` of a reading that a target cites alone. At an entry ``c`` the
reader picks reference ``a`` with weight::

    w(c, a) = (1 + AUTHORS if c and a share an author else 1)
              * (1 + TITLES * similarity of the titles of c and a)
              * (CURATED_CITES if c has curated prerequisites and a is only cited)

divided by the sum of ``w`` over ``c``'s references plus :data:`UNSEEN`, the
weight of the references ``c`` has outside the knowledge base (so a paper with
one known reference does not hand it all of its weight). The same authors
building on their own work, and a title that shares rare words with the
citing title, mark a paper's own line rather than a tool it used; the title
similarity is a tf-idf cosine of the title words (stop words out, plurals
folded), idf over the titles of the ancestry.

**The later literature.** When other entries build on a target, an ancestor
that they build on too is read with the target; the walk's weight is
multiplied by ``1 + LATER * share``, ``share`` being the part of the entries
that build on the targets that also build on the ancestor.

**Scale.** Scores are divided by the best ancestor's, so the most relevant
reading has 1 and a threshold is a fraction of it; rounded to 4 decimals.
The order of every addition is fixed (entries in topological order, then ids),
so the scores are the same on every machine and for any order of the input.

>>> from kbgen.graph import build_graph
>>> from kbgen.core.kb import KnowledgeBase
>>> from kbgen.core.models import Paper
>>> kb = KnowledgeBase(papers={
...     "sgd": Paper(id="sgd", title="Stochastic approximation", year=1951),
...     "adam": Paper(id="adam", title="Adam: stochastic optimization", year=2014, cites=["sgd"]),
...     "attn": Paper(id="attn", title="Neural machine translation with attention", year=2014),
...     "tf": Paper(id="tf", title="Attention is all you need", year=2017, cites=["attn", "adam"]),
...     "bert": Paper(id="bert", title="BERT: pre-training of deep transformers", year=2018, cites=["tf", "attn"])})
>>> {a: r.score for a, r in sorted(score_relevance(build_graph(kb), ["bert"]).items())}
{'adam': 0.0944, 'attn': 1.0, 'sgd': 0.0211, 'tf': 0.8555}

BERT passes on half of its weight, split over its two references and the
two of :data:`UNSEEN` (references outside the knowledge base): an eighth each
to the Transformer and to the attention paper. The Transformer passes on half
of its own, the larger share to the attention paper ("attention" is in both
titles), which so collects the most and ends with 1; Adam, cited once two
steps down, gets under a tenth of that, and SGD under it a fiftieth.
"""

from __future__ import annotations

import math
import re
from collections import deque
from dataclasses import dataclass
from typing import Iterable

from kbgen.graph import KBGraph, order_topologically

#: Probability that the reader goes on from an entry to one of its references.
DAMPING = 0.5
#: Weight of the references an entry has outside the knowledge base, next to its known ones (1 each).
UNSEEN = 2.0
#: Extra weight of a reference that shares an author with the citing paper (x3 in all).
AUTHORS = 2.0
#: Extra weight per unit of title similarity (cosine in [0, 1]) between citing and cited entry.
TITLES = 2.0
#: Weight, next to 1, of the share of the entries building on the targets that build on an ancestor too.
LATER = 1.0
#: Weight of a citation made by a (non-target) entry that has curated prerequisites.
CURATED_CITES = 0.5

# Function words, and words every paper title uses, which say nothing about a lineage.
_STOP = frozenset("""
    a about above after again against all an and any are as at be been before being below between both
    but by can could did do does doing down during each few for from further had has have having here how
    if in into is it its itself just more most no nor not of off on once only or other our out over own same
    should so some such than that the their them then there these they this those through to too under until
    up very via was we were what when where which while who whom why will with would you your towards toward
    using use based new approach approaches method methods paper study
""".split())
_WORD = re.compile(r"[a-z][a-z0-9]+")


@dataclass(frozen=True)
class Relevance:
    """How relevant one ancestor is to the targets (see the module docs)."""

    id: str
    score: float  # the walk's weight, divided by the best ancestor's: in (0, 1]
    distance: int  # fewest ordering edges down to a target
    citers: tuple[str, ...]  # the entries on the way that pass it weight, heaviest first, then by id
    authors_of: tuple[str, ...] = ()  # the citers it shares an author with


def closure(g: KBGraph, targets: Iterable[str], known: set[str]) -> dict[str, int]:
    """Distance of every ancestor of the targets (and the targets, 0), not passing known entries."""
    distance = {t: 0 for t in targets if t not in known}
    queue = deque(distance)
    pred = g.pred
    while queue:
        node = queue.popleft()
        for parent in pred[node]:
            if parent not in distance and parent not in known:
                distance[parent] = distance[node] + 1
                queue.append(parent)
    return distance


def title_words(title: str) -> frozenset[str]:
    """The words of a title that can mark a lineage: lower case, no stop words, plurals folded.

    >>> sorted(title_words("Transformers for Image Recognition at Scale"))
    ['image', 'recognition', 'scale', 'transformer']
    """
    words = set()
    for word in _WORD.findall(title.lower()):
        if word in _STOP:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


class TitleIndex:
    """Title similarity inside one ancestry: binary tf, idf over the ancestry's titles, cosine."""

    def __init__(self, g: KBGraph, members: Iterable[str]) -> None:
        nodes = g.ordering._node
        self.words = {n: title_words(nodes[n].get("title") or "") for n in members}
        frequency: dict[str, int] = {}
        for words in self.words.values():
            for word in words:
                frequency[word] = frequency.get(word, 0) + 1
        total = len(self.words)
        self.idf = {w: math.log((1 + total) / (1 + f)) + 1.0 for w, f in frequency.items()}
        self.square = {w: v * v for w, v in self.idf.items()}
        self.norm = {n: math.sqrt(sum(self.square[w] for w in words)) for n, words in self.words.items()}

    def similarity(self, a: str, b: str) -> float:
        """Cosine of the two titles' idf vectors (0 when they share no word)."""
        words_a, words_b = self.words[a], self.words[b]
        if words_a.isdisjoint(words_b):
            return 0.0
        square = self.square
        # Sorted: a fixed order of addition, the same float on every machine.
        return sum(square[w] for w in sorted(words_a & words_b)) / (self.norm[a] * self.norm[b])


def author_set(g: KBGraph, node: str) -> frozenset[str]:
    """A paper's authors, case and spacing folded (empty for other entries)."""
    paper = g.kb.papers.get(node)
    if paper is None:
        return frozenset()
    return frozenset(" ".join(a.lower().split()) for a in paper.authors)


def reference_weights(g: KBGraph, node: str, refs: list[str], titles: TitleIndex,
                      authors: dict[str, frozenset[str]], halve: bool = True) -> list[float]:
    """``w(node, ref)`` of the module docs for each of ``refs`` (ordering parents of ``node``).

    ``halve``: apply :data:`CURATED_CITES` when ``node`` has curated prerequisites.
    """
    edges = g.pred[node]
    curated = halve and any(d["kind"] == "prerequisite" for d in edges.values())
    mine = authors.get(node) or frozenset()
    out = []
    for ref in refs:
        w = 1.0
        if mine and mine & authors.get(ref, frozenset()):
            w *= 1.0 + AUTHORS
        w *= 1.0 + TITLES * titles.similarity(node, ref)
        if curated and edges[ref]["kind"] == "cites":
            w *= CURATED_CITES
        out.append(w)
    return out


def score_relevance(g: KBGraph, targets: Iterable[str], known: Iterable[str] = ()) -> dict[str, Relevance]:
    """The :class:`Relevance` of every ancestor of ``targets`` (not the targets), minus known entries.

    Ids must be entities (see :func:`kbgen.reading.paths.check_ids`).
    """
    targets = tuple(dict.fromkeys(targets))
    known_set = set(known)
    distance = closure(g, targets, known_set)
    return relevance_in(g, targets, distance)


def relevance_in(g: KBGraph, targets: tuple[str, ...], distance: dict[str, int]) -> dict[str, Relevance]:
    """:func:`score_relevance` over a given :func:`closure` (its keys are the ancestry)."""
    pred, succ = g.pred, g.succ
    target_set = set(targets)
    members = set(distance)
    titles = TitleIndex(g, members)
    authors = {n: author_set(g, n) for n in members}
    weight = {n: (1.0 if n in target_set else 0.0) for n in members}
    given: dict[str, list[tuple[float, str]]] = {n: [] for n in members}  # (-share, citer)
    shared: dict[str, list[str]] = {n: [] for n in members}
    order = order_topologically(members, pred, succ, g.sort_keys.__getitem__)
    for node in reversed(order):  # every entry after all the entries on the way that build on it
        mass = weight[node]
        if not mass:
            continue
        edges = pred[node]
        refs = sorted(r for r in edges if r in members)
        if not refs:
            continue
        ws = reference_weights(g, node, refs, titles, authors, node not in target_set)
        if authors[node]:
            shared_refs = (r for r in refs if authors[node] & authors[r])
            for ref in shared_refs:
                shared[ref].append(node)
        total = math.fsum(ws) + UNSEEN
        for ref, w in zip(refs, ws):
            share = DAMPING * mass * w / total
            weight[ref] += share
            given[ref].append((-share, node))
    later = sorted({d for t in targets for d in succ[t] if d not in members})
    raw: dict[str, float] = {}
    for node in members - target_set:
        value = weight[node]
        if later and LATER:
            value *= 1.0 + LATER * sum(1 for d in later if node in pred[d]) / len(later)
        raw[node] = value
    best = max(raw.values(), default=0.0)
    out = {}
    for node, value in raw.items():
        citers = tuple(c for _, c in sorted(given[node]))
        out[node] = Relevance(node, round(value / best, 4) if best else 0.0, distance[node], citers,
                              tuple(sorted(shared[node])))
    return out


__all__ = ["DAMPING", "UNSEEN", "AUTHORS", "TITLES", "LATER", "CURATED_CITES", "Relevance", "TitleIndex", "closure",
           "title_words", "author_set", "reference_weights", "score_relevance", "relevance_in"]
