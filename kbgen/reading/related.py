"""Related papers: text similarity blended with citation proximity, each with its "why".

For every paper, computed once per graph (docs/design.md, section 5):

- *text*: tf-idf (scikit-learn ``TfidfVectorizer``, English and
  :data:`DOMAIN_STOP_WORDS` stop words, sublinear tf) over the title (twice),
  the abstract and the title and body of every summary of the paper; cosine
  similarity of the l2-normalised rows;
- *co-citation*: how many papers cite both, normalised by
  ``sqrt(cited_by(a) * cited_by(b))``;
- *bibliographic coupling*: how many papers both cite, normalised by
  ``sqrt(refs(a) * refs(b))``.

``score = 0.5 * text + 0.25 * co-citation + 0.25 * coupling``, rounded to
4 decimals; ties go to the smaller id; a score below :data:`MIN_SCORE` is no
relation. Similarities are computed by blocks of rows from sparse matrices and
only each row's best candidates are kept, so memory stays linear in the number
of papers (no dense N x N matrix).

>>> from kbgen.graph import build_graph
>>> from kbgen.core.kb import KnowledgeBase
>>> from kbgen.core.models import Paper
>>> kb = KnowledgeBase(papers={
...     "a": Paper(id="a", title="Attention for translation", abstract="attention aligns words"),
...     "b": Paper(id="b", title="Attention is all you need", abstract="self attention for translation"),
...     "c": Paper(id="c", title="Residual networks", abstract="deep image recognition")})
>>> [(r.id, r.reasons[0]) for r in compute_related(build_graph(kb))["a"]]
[('b', 'shared terms: attention, translation')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from kbgen.graph import KBGraph

TEXT_WEIGHT, COCITE_WEIGHT, COUPLING_WEIGHT = 0.5, 0.25, 0.25
MIN_SCORE = 0.02
_NAMES = 3  # ids or terms named in one reason


@dataclass(frozen=True)
class Related:
    id: str
    score: float
    reasons: tuple[str, ...]


def paper_text(g: KBGraph, paper_id: str) -> str:
    """The text a paper is compared by: title, abstract, its summaries' titles and bodies."""
    paper = g.kb.papers[paper_id]
    # The title twice: it is the densest statement of what a paper is about.
    parts = [paper.title, paper.title, paper.abstract or ""]
    for summary in g.kb.summaries_of(paper_id):
        parts += [summary.title, summary.body]
    return "\n".join(p for p in parts if p)


# Words every paper and summary uses; they would make everything "related".
DOMAIN_STOP_WORDS = frozenset("""
    paper papers summary summaries author authors work works propose proposed proposes show shows shown
    result results use uses used using new approach method methods example examples way ways idea ideas
    read reading section figure table et al arxiv http https www com org html pdf
""".split())


def _tfidf(texts: list[str]):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    stop_words = sorted(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS)
    vectorizer = TfidfVectorizer(stop_words=stop_words, sublinear_tf=True, max_df=0.5 if len(texts) > 20 else 1.0,
                                 token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9]+\b", dtype=np.float64)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # empty vocabulary: no text to compare
        return None, []
    return matrix.tocsr(), vectorizer.get_feature_names_out()


def _citation_graph(g: KBGraph, ids: list[str]):
    """Sparse blended graph signal, and per paper the sets of papers it cites and that cite it."""
    from scipy import sparse

    index = {pid: i for i, pid in enumerate(ids)}
    n = len(ids)
    refs: list[set[int]] = [set() for _ in range(n)]
    citers: list[set[int]] = [set() for _ in range(n)]
    rows, cols = [], []
    for i, pid in enumerate(ids):
        for cited in dict.fromkeys(g.kb.papers[pid].cites):
            j = index.get(cited)
            if j is not None and j != i:
                rows.append(i)
                cols.append(j)
                refs[i].add(j)
                citers[j].add(i)
    cites = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    inv_citers = sparse.diags(_inverse_sqrt(np.array([len(c) for c in citers], dtype=float)))
    inv_refs = sparse.diags(_inverse_sqrt(np.array([len(r) for r in refs], dtype=float)))
    cocited = inv_citers @ (cites.T @ cites) @ inv_citers  # [a, b]: papers citing both, normalised
    coupled = inv_refs @ (cites @ cites.T) @ inv_refs  # [a, b]: papers both cite, normalised
    signal = (COCITE_WEIGHT * cocited + COUPLING_WEIGHT * coupled).tocsr()
    signal.setdiag(0)
    signal.eliminate_zeros()
    return signal, refs, citers


def _inverse_sqrt(counts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(counts))
    nonzero = counts > 0
    out[nonzero] = 1.0 / np.sqrt(counts[nonzero])
    return out


def compute_related(g: KBGraph, k: int = 5, only: Iterable[str] | None = None) -> dict[str, list[Related]]:
    """Up to ``k`` related papers for every paper (or only the papers in ``only``)."""
    ids = sorted(g.kb.papers)
    if not ids:
        return {}
    n = len(ids)
    index = {pid: i for i, pid in enumerate(ids)}
    wanted = [index[p] for p in (sorted(set(only)) if only is not None else ids) if p in index]
    matrix, terms = _tfidf([paper_text(g, pid) for pid in ids])
    signal, refs, citers = _citation_graph(g, ids)
    why = _Why(ids, matrix, terms, refs, citers)
    transposed = matrix.T.tocsr() if matrix is not None else None

    result: dict[str, list[Related]] = {}
    # A block of dense rows at a time: memory is block x n, never n x n.
    block_rows = max(16, min(512, 2_000_000 // n))
    for start in range(0, len(wanted), block_rows):
        block = np.asarray(wanted[start:start + block_rows])
        scores = signal[block].toarray()
        if transposed is not None:
            scores += TEXT_WEIGHT * (matrix[block] @ transposed).toarray()
        scores[np.arange(len(block)), block] = -1.0  # never related to itself
        kth = np.partition(scores, n - k, axis=1)[:, n - k] if n - 1 > k else np.full(len(block), MIN_SCORE)
        for offset, row in enumerate(block.tolist()):
            line = scores[offset]
            floor = max(MIN_SCORE, float(kth[offset]))
            # Rounded scores decide, so that float noise never changes the order across machines.
            cand = np.nonzero(line >= floor - 1e-4)[0]
            rounded = np.round(line[cand], 4)
            keep = rounded >= MIN_SCORE
            cand, rounded = cand[keep], rounded[keep]
            order = np.lexsort((cand, -rounded))[:k]  # best score first, ties by id
            result[ids[row]] = [Related(ids[col], float(score), why.reasons(row, col))
                                for col, score in zip(cand[order].tolist(), rounded[order].tolist())]
    return result


class _Why:
    """The reasons of one relation, from plain Python lists (fast for a few lookups per row)."""

    def __init__(self, ids, matrix, terms, refs, citers):
        self.ids, self.terms, self.refs, self.citers = ids, terms, refs, citers
        if matrix is not None:
            self.indptr = matrix.indptr.tolist()
            self.indices = matrix.indices.tolist()
            self.data = matrix.data.tolist()
        else:
            self.indptr = None
        self._row_cache: tuple[int, dict[int, float]] | None = None

    def _row(self, a: int) -> dict[int, float]:
        if self._row_cache is None or self._row_cache[0] != a:
            lo, hi = self.indptr[a], self.indptr[a + 1]
            self._row_cache = (a, dict(zip(self.indices[lo:hi], self.data[lo:hi])))
        return self._row_cache[1]

    def reasons(self, a: int, b: int) -> tuple[str, ...]:
        out = []
        if self.indptr is not None:
            weights_a = self._row(a)
            lo, hi = self.indptr[b], self.indptr[b + 1]
            shared = [(-weights_a[t] * w, self.terms[t]) for t, w in zip(self.indices[lo:hi], self.data[lo:hi])
                      if t in weights_a]
            if shared:
                shared.sort()
                out.append("shared terms: " + ", ".join(term for _, term in shared[:_NAMES]))
        both = sorted(self.ids[i] for i in self.citers[a] & self.citers[b])
        if both:
            out.append(f"co-cited by {len(both)} paper{'s' * (len(both) != 1)}: " + _names(both))
        common = sorted(self.ids[i] for i in self.refs[a] & self.refs[b])
        if common:
            out.append("both cite: " + _names(common))
        return tuple(out)


def _names(names: list[str]) -> str:
    more = len(names) - _NAMES
    return ", ".join(names[:_NAMES]) + (f" and {more} more" if more > 0 else "")
