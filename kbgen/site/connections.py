"""A paper's connections, once each: every entry it is joined to, with every way it is joined.

A paper page used to list "read first", "cites", "cited by" and "builds on
this" apart, so an entry the paper both cites and needs appeared twice and
a well-cited paper's lists overlapped almost entirely. Here each connected
entry is one :class:`Connection` carrying all its relations, ordered by
relevance: the relations' weights summed (what to read first weighs most,
then what builds on the paper), then the entry's importance in the graph,
then year and id.

>>> from kbgen.core.kb import KnowledgeBase
>>> from kbgen.core.models import Paper
>>> from kbgen.site.crossrefs import CrossRefs
>>> kb = KnowledgeBase(papers={
...     "a": Paper(id="a", title="A", year=2000),
...     "b": Paper(id="b", title="B", year=2001, cites=["a"], prerequisites=["a"]),
...     "c": Paper(id="c", title="C", year=2002, cites=["b"])})
>>> [(c.id, c.relations) for c in paper_connections(kb, CrossRefs.build(kb), "b")]
[('a', ('read first', 'cited here')), ('c', ('cites this',))]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from kbgen.core.kb import KnowledgeBase
from kbgen.site.crossrefs import CrossRefs

READ_FIRST = "read first"  # the paper lists it in prerequisites
CITED_HERE = "cited here"  # the paper cites it
CITES_THIS = "cites this"  # it cites the paper
BUILDS_ON_THIS = "builds on this"  # it lists the paper in its prerequisites
#: Relations in the order a row names them, with their weight in the ordering.
WEIGHTS = {READ_FIRST: 3, CITED_HERE: 1, CITES_THIS: 1, BUILDS_ON_THIS: 2}
#: Relations that put an entry before the paper in reading order.
BEFORE = frozenset({READ_FIRST, CITED_HERE})


@dataclass(frozen=True)
class Connection:
    """An entry joined to a paper, and every way it is joined (in :data:`WEIGHTS` order)."""

    id: str
    relations: tuple[str, ...]

    @property
    def weight(self) -> int:
        return sum(WEIGHTS[r] for r in self.relations)

    @property
    def before(self) -> bool:
        """Whether the entry is read before the paper (it is needed or cited by it)."""
        return not BEFORE.isdisjoint(self.relations)


def paper_connections(kb: KnowledgeBase, refs: CrossRefs, paper_id: str,
                      importance: Mapping[str, float] | None = None) -> list[Connection]:
    """Every entry joined to ``paper_id`` once, most relevant first."""
    paper = kb.papers[paper_id]
    found: dict[str, set[str]] = {}
    for relation, ids in ((READ_FIRST, paper.prerequisites), (CITED_HERE, paper.cites),
                          (CITES_THIS, refs.cited_by.get(paper_id, ())),
                          (BUILDS_ON_THIS, refs.needed_by.get(paper_id, ()))):
        for other in ids:
            if other != paper_id and kb.kind_of(other):
                found.setdefault(other, set()).add(relation)
    rows = [Connection(other, tuple(r for r in WEIGHTS if r in relations)) for other, relations in found.items()]
    importance = importance or {}

    def key(row: Connection) -> tuple:
        year = kb.year_of(row.id)
        return (-row.weight, -importance.get(row.id, 0.0), year if year is not None else 9999, row.id)

    return sorted(rows, key=key)
