"""Related papers: citation links and text similarity, each relation with its reasons in words.

For every paper, computed once per graph (docs/design.md, section 5), four signals
in [0, 1]:

- *direct*: 1 when one of the two papers cites the other (either way);
- *co-citation*: how many papers cite both, normalised by
  ``sqrt(cited_by(a) * cited_by(b))``;
- *bibliographic coupling*: how many papers both cite, normalised by
  ``sqrt(refs(a) * refs(b))``;
- *text*: cosine similarity of tf-idf vectors (scikit-learn
  ``TfidfVectorizer``: English and :data:`DOMAIN_STOP_WORDS` stop words,
  sublinear tf, words and pairs of adjacent words, hyphenated words kept
  whole, inline ``$maths$`` left out) over the title (twice), the short name
  and aliases, the abstract, and the title and body of every summary of the
  paper. A term found in one paper only is dropped: it can never be shared,
  and it would only dilute a long summary's vector (and the pairs of words
  it makes would double the vocabulary).

``score = 0.2 * direct + 0.2 * co-citation + 0.2 * coupling + 0.4 * text``,
times :data:`REFERENCE_FACTOR` (1/2) when the paper is one this paper cites:
what a paper builds on is its reading path (``kbgen path``) and is listed on
its page already, so its related papers point sideways and forward (for ViT:
DeiT, Swin and MAE before BERT and the Transformer). Rounded to 4 decimals;
ties go to the smaller id; a score below :data:`MIN_SCORE` is no relation. The reasons name papers by short name or
title and terms as words, never by id. Similarities are computed by blocks of
rows from sparse matrices and only each row's best candidates are kept, so
memory stays linear in the number of papers (no dense N x N matrix).

>>> from kbgen.graph import build_graph
>>> from kbgen.core.kb import KnowledgeBase
>>> from kbgen.core.models import Paper
>>> kb = KnowledgeBase(papers={
...     "a": Paper(id="a", title="Attention for translation", abstract="attention aligns words"),
...     "b": Paper(id="b", title="Attention is all you need", abstract="self-attention for translation",
...                cites=["a"]),
...     "c": Paper(id="c", title="Residual networks", abstract="deep image recognition")})
>>> [(r.id, r.reasons) for r in compute_related(build_graph(kb))["a"]]
[('b', ('cites this paper', 'shared terms: “attention”, “translation”'))]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from kbgen.graph import KBGraph

DIRECT_WEIGHT, COCITE_WEIGHT, COUPLING_WEIGHT, TEXT_WEIGHT = 0.2, 0.2, 0.2, 0.4
#: Factor of the score of a paper that the paper asked about cites.
REFERENCE_FACTOR = 0.5
MIN_SCORE = 0.02
_NAMES = 2  # papers named in one reason
_TERMS = 3  # terms named in one reason


@dataclass(frozen=True)
class Related:
    id: str
    score: float
    reasons: tuple[str, ...]


def paper_text(g: KBGraph, paper_id: str) -> str:
    """The text a paper is compared by: title, short name, aliases, abstract, its summaries."""
    paper = g.kb.papers[paper_id]
    # The title twice: it is the densest statement of what a paper is about.
    parts = [paper.title, paper.title, paper.short or "", *paper.aliases, paper.abstract or ""]
    for summary in g.kb.summaries_of(paper_id):
        parts += [summary.title, summary.body]
    return "\n".join(p for p in parts if p)


def display_name(g: KBGraph, paper_id: str) -> str:
    """How a reason names a paper: its short name, else its title."""
    paper = g.kb.papers.get(paper_id)
    if paper is None:
        return g.kb.title_of(paper_id)
    return paper.short or paper.title


# Words every paper and summary uses; they would make everything "related".
DOMAIN_STOP_WORDS = frozenset("""
    paper papers summary summaries author authors work works propose proposed proposes show shows shown
    result results use uses used using new approach method methods example examples way ways idea ideas
    read reading section figure table et al arxiv http https www com org html pdf
""".split())
# Words of at least two characters, starting with a letter; a hyphenated word stays one
# term ("pre-training", "self-attention"), so no reason shows a fragment such as "pre".
_TOKEN = r"(?u)\b[^\W\d_][^\W_]+(?:-[^\W_]+)*\b"
_MATH = re.compile(r"\$[^$]*\$")


def _tfidf(texts: list[str]):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    stop_words = sorted(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS)
    vectorizer = TfidfVectorizer(stop_words=stop_words, sublinear_tf=True, ngram_range=(1, 2), min_df=2,
                                 max_df=0.5 if len(texts) > 20 else 1.0, token_pattern=_TOKEN,
                                 preprocessor=_preprocess, dtype=np.float64)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # empty vocabulary: no text to compare
        return None, []
    return matrix.tocsr(), vectorizer.get_feature_names_out()


def _preprocess(text: str) -> str:
    # Inline maths ($P \times P$) would give terms such as "times".
    return _MATH.sub(" ", text).lower()


def _citation_graph(g: KBGraph, ids: list[str]):
    """Sparse blended citation signal, and per paper the sets of papers it cites and that cite it."""
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
    direct = ((cites + cites.T) > 0).astype(np.float64)  # [a, b]: one cites the other
    signal = (DIRECT_WEIGHT * direct + COCITE_WEIGHT * cocited + COUPLING_WEIGHT * coupled).tocsr()
    signal.setdiag(0)
    signal.eliminate_zeros()
    return signal, cites, refs, citers


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
    signal, cites, refs, citers = _citation_graph(g, ids)
    why = _Why(g, ids, matrix, terms, refs, citers)
    transposed = matrix.T.tocsr() if matrix is not None else None

    result: dict[str, list[Related]] = {}
    # A block of dense rows at a time: memory is block x n, never n x n.
    block_rows = max(16, min(512, 2_000_000 // n))
    for start in range(0, len(wanted), block_rows):
        block = np.asarray(wanted[start:start + block_rows])
        scores = signal[block].toarray()
        if transposed is not None:
            scores += TEXT_WEIGHT * (matrix[block] @ transposed).toarray()
        scores[cites[block].toarray() > 0] *= REFERENCE_FACTOR
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

    def __init__(self, g, ids, matrix, terms, refs, citers):
        self.g, self.ids, self.terms, self.refs, self.citers = g, ids, terms, refs, citers
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

    def _titles(self, indices) -> str:
        names = sorted(display_name(self.g, self.ids[i]) for i in indices)
        return join_names(names, _NAMES)

    def reasons(self, a: int, b: int) -> tuple[str, ...]:
        """Why ``b`` is related to ``a``, strongest kind of evidence first."""
        out = []
        if a in self.refs[b]:
            out.append("cites this paper")
        if b in self.refs[a]:
            out.append("cited by this paper")
        both = self.citers[a] & self.citers[b]
        if both:
            out.append(f"cited with it by {len(both)} paper{'s' * (len(both) != 1)}: " + self._titles(both))
        common = self.refs[a] & self.refs[b]
        if common:
            out.append("both cite " + self._titles(common))
        if self.indptr is not None:
            terms = self._shared_terms(a, b)
            if terms:
                out.append("shared terms: " + ", ".join(f"“{t}”" for t in terms))
        return tuple(out)

    def _shared_terms(self, a: int, b: int) -> list[str]:
        weights_a = self._row(a)
        lo, hi = self.indptr[b], self.indptr[b + 1]
        shared = sorted((-weights_a[t] * w, self.terms[t]) for t, w in zip(self.indices[lo:hi], self.data[lo:hi])
                        if t in weights_a)
        pairs = [term for _, term in shared if " " in term]
        chosen: list[str] = []
        for _, term in shared:
            # A word inside a shared pair is named by the pair; a pair around a word named says nothing new.
            if " " not in term and any(term in p.split(" ") for p in pairs):
                continue
            if any(c in term.split(" ") for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == _TERMS:
                break
        return chosen


def join_names(names: list[str], limit: int) -> str:
    """``a``, ``a and b``, ``a, b and c``, or ``a, b and 3 more`` past ``limit`` names.

    >>> join_names(["A"], 2), join_names(["A", "B"], 2), join_names(["A", "B", "C", "D"], 2)
    ('A', 'A and B', 'A, B and 2 more')
    """
    more = len(names) - limit
    if more > 0:
        return ", ".join(names[:limit]) + f" and {more} more"
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
