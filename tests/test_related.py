"""kbgen.reading.related: text similarity, co-citation and bibliographic coupling, each with its reason."""

from __future__ import annotations

import doctest
import random
import time

import kbgen.reading.related
from kbgen.graph import build_graph
from kbgen.reading.related import compute_related

from .graphkit import make_kb


def test_doctests() -> None:
    assert doctest.testmod(kbgen.reading.related).failed == 0


def test_text_similarity_with_shared_terms() -> None:
    g = build_graph(make_kb(papers=[
        {"id": "a", "title": "Triplet loss for face embeddings", "abstract": "anchor positive negative margin"},
        {"id": "b", "title": "In defense of the triplet loss", "abstract": "hard negative mining with a margin"},
        {"id": "c", "title": "Residual learning", "abstract": "shortcut connections for very deep networks"},
    ]))
    related = compute_related(g)
    assert [r.id for r in related["a"]] == ["b"]
    assert related["a"][0].reasons[0].startswith("shared terms: ")
    assert set(related["a"][0].reasons[0].removeprefix("shared terms: ").split(", ")) <= {"triplet", "loss", "margin", "negative"}
    assert related["c"] == []


def test_summary_bodies_count_as_text() -> None:
    g = build_graph(make_kb(
        papers=[{"id": "a", "title": "Alpha"}, {"id": "b", "title": "Beta"}],
        summaries=[{"id": "a", "paper": "a", "body": "contrastive augmentation views"},
                   {"id": "b", "paper": "b", "body": "contrastive augmentation pairs"}]))
    [rel] = compute_related(g)["a"]
    assert rel.id == "b" and "contrastive" in rel.reasons[0]


def test_co_citation() -> None:
    g = build_graph(make_kb(papers=[
        {"id": "x", "title": "Xylophones"}, {"id": "y", "title": "Yodelling"},
        {"id": "c1", "title": "Quartz", "cites": ["x", "y"]}, {"id": "c2", "title": "Jade", "cites": ["x", "y"]},
    ]))
    rel = compute_related(g)["x"]
    assert rel[0].id == "y"
    assert "co-cited by 2 papers: c1, c2" in rel[0].reasons


def test_bibliographic_coupling() -> None:
    g = build_graph(make_kb(papers=[
        {"id": "base", "title": "Foundations"}, {"id": "p", "title": "Pumpkins", "cites": ["base"]},
        {"id": "q", "title": "Quinces", "cites": ["base"]},
    ]))
    rel = compute_related(g)["p"]
    assert rel[0].id == "q" and "both cite: base" in rel[0].reasons
    assert rel[0].score == 0.25


def test_k_limit_no_self_and_deterministic_order() -> None:
    papers = [{"id": f"p{i}", "title": "attention transformer model", "abstract": f"variant {i}"} for i in range(8)]
    g = build_graph(make_kb(papers=papers))
    result = compute_related(g, k=3)
    for pid, rels in result.items():
        assert len(rels) == 3 and pid not in [r.id for r in rels]
        assert [r.score for r in rels] == sorted((r.score for r in rels), reverse=True)
    assert result == compute_related(g, k=3)
    assert compute_related(g, k=3, only=["p2"]) == {"p2": result["p2"]}


def test_empty_and_textless() -> None:
    assert compute_related(build_graph(make_kb())) == {}
    g = build_graph(make_kb(papers=[{"id": "a", "title": "The"}, {"id": "b", "title": "A"}]))
    assert compute_related(g) == {"a": [], "b": []}


def test_scales_without_a_dense_matrix() -> None:
    rng = random.Random(7)
    words = [f"w{i}" for i in range(3000)]
    papers = []
    for i in range(3000):
        cites = sorted({f"p{rng.randrange(i)}" for _ in range(5)}) if i > 5 else []
        papers.append({"id": f"p{i}", "title": " ".join(rng.sample(words, 6)),
                       "abstract": " ".join(rng.choices(words, k=40)), "cites": cites})
    g = build_graph(make_kb(papers=papers))
    start = time.perf_counter()
    result = compute_related(g, k=5)
    assert time.perf_counter() - start < 30
    assert len(result) == 3000 and all(len(r) <= 5 for r in result.values())
