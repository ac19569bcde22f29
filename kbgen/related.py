"""Related papers: text similarity blended with citation proximity, each with its "why".

For every paper, computed once per graph (DESIGN.md section 5):

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
>>> from kbgen.kb import KnowledgeBase
>>> from kbgen.models import Paper
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

from .graph import KBGraph

TEXT_WEIGHT, COCITE_WEIGHT, COUPLING_WEIGHT = 0.5, 0.25, 0.25
MIN_SCORE = 0.02
_BLOCK = 256  # rows per block of the similarity product
_CANDIDATES = 50  # text candidates kept per row before blending
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


def _citation_matrices(g: KBGraph, ids: list[str]):
    from scipy import sparse

    index = {pid: i for i, pid in enumerate(ids)}
    rows, cols = [], []
    for pid in ids:
        for cited in dict.fromkeys(g.kb.papers[pid].cites):
            if cited in index and cited != pid:
                rows.append(index[pid])
                cols.append(index[cited])
    n = len(ids)
    cites = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    cocited = (cites.T @ cites).tocsr()  # [a, b]: papers citing both a and b
    coupled = (cites @ cites.T).tocsr()  # [a, b]: papers both a and b cite
    cocited.setdiag(0)
    coupled.setdiag(0)
    cocited.eliminate_zeros()
    coupled.eliminate_zeros()
    return cites.tocsc(), cites, cocited, coupled


def compute_related(g: KBGraph, k: int = 5, only: Iterable[str] | None = None) -> dict[str, list[Related]]:
    """Up to ``k`` related papers for every paper (or only the papers in ``only``)."""
    ids = sorted(g.kb.papers)
    if not ids:
        return {}
    index = {pid: i for i, pid in enumerate(ids)}
    wanted = [index[p] for p in (sorted(set(only)) if only is not None else ids) if p in index]
    matrix, terms = _tfidf([paper_text(g, pid) for pid in ids])
    cited_by_col, cites, cocited, coupled = _citation_matrices(g, ids)
    n_cited_by = np.asarray(cited_by_col.sum(axis=0)).ravel()
    n_refs = np.asarray(cites.sum(axis=1)).ravel()

    result: dict[str, list[Related]] = {}
    for start in range(0, len(wanted), _BLOCK):
        block = wanted[start:start + _BLOCK]
        text_rows = (matrix[block] @ matrix.T).tocsr() if matrix is not None else None
        for offset, row in enumerate(block):
            scores: dict[int, list[float]] = {}
            if text_rows is not None:
                lo, hi = text_rows.indptr[offset], text_rows.indptr[offset + 1]
                cols, vals = text_rows.indices[lo:hi], text_rows.data[lo:hi]
                if len(cols) > _CANDIDATES:
                    keep = np.argpartition(-vals, _CANDIDATES)[:_CANDIDATES]
                    cols, vals = cols[keep], vals[keep]
                for col, val in zip(cols.tolist(), vals.tolist()):
                    if col != row:
                        scores.setdefault(col, [0.0, 0.0, 0.0])[0] = val
            for slot, mat, counts in ((1, cocited, n_cited_by), (2, coupled, n_refs)):
                lo, hi = mat.indptr[row], mat.indptr[row + 1]
                for col, val in zip(mat.indices[lo:hi].tolist(), mat.data[lo:hi].tolist()):
                    norm = float(np.sqrt(counts[row] * counts[col])) or 1.0
                    scores.setdefault(col, [0.0, 0.0, 0.0])[slot] = val / norm
            ranked = []
            for col, (text, cocite, couple) in scores.items():
                score = round(TEXT_WEIGHT * text + COCITE_WEIGHT * cocite + COUPLING_WEIGHT * couple, 4)
                if score >= MIN_SCORE:
                    ranked.append((-score, ids[col], col))
            ranked.sort()
            result[ids[row]] = [
                Related(pid, -neg, _reasons(ids, row, col, matrix, terms, cites, cited_by_col))
                for neg, pid, col in ranked[:k]
            ]
    return result


def _reasons(ids, a: int, b: int, matrix, terms, cites, cited_by_col) -> tuple[str, ...]:
    reasons = []
    if matrix is not None:
        shared = matrix[a].multiply(matrix[b]).tocsr()
        if shared.nnz:
            top = sorted(zip(shared.data.tolist(), shared.indices.tolist()), key=lambda x: (-x[0], terms[x[1]]))
            reasons.append("shared terms: " + ", ".join(terms[i] for _, i in top[:_NAMES]))
    citers_a = set(cited_by_col.indices[cited_by_col.indptr[a]:cited_by_col.indptr[a + 1]].tolist())
    citers_b = set(cited_by_col.indices[cited_by_col.indptr[b]:cited_by_col.indptr[b + 1]].tolist())
    both = sorted(ids[i] for i in citers_a & citers_b)
    if both:
        reasons.append(f"co-cited by {len(both)} paper{'s' * (len(both) != 1)}: " + _names(both))
    refs_a = set(cites.indices[cites.indptr[a]:cites.indptr[a + 1]].tolist())
    refs_b = set(cites.indices[cites.indptr[b]:cites.indptr[b + 1]].tolist())
    common = sorted(ids[i] for i in refs_a & refs_b)
    if common:
        reasons.append("both cite: " + _names(common))
    return tuple(reasons)


def _names(names: list[str]) -> str:
    more = len(names) - _NAMES
    return ", ".join(names[:_NAMES]) + (f" and {more} more" if more > 0 else "")
