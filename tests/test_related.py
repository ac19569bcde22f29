"""kbgen.reading.related: text similarity, co-citation and bibliographic coupling, each with its reason."""

from __future__ import annotations

import doctest
import random
import time

import pytest

import kbgen.reading.related
from kbgen.graph import build_graph
from kbgen.reading.related import compute_related

from .graphkit import make_kb


@pytest.fixture(scope="module")
def example_graph():
    from tests.kbload import load_kb as load_knowledge_base

    from .conftest import REPO

    kb, _ = load_knowledge_base(REPO)
    return build_graph(kb)


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
    terms = related["a"][0].reasons[0].removeprefix("shared terms: ").split(", ")
    # Words and pairs of words, quoted; a word inside a pair already named is not repeated.
    assert terms[0] == "“triplet loss”"
    assert set(terms) <= {"“triplet loss”", "“margin”", "“negative”"}
    assert related["c"] == []


def test_summary_bodies_count_as_text() -> None:
    g = build_graph(make_kb(
        papers=[{"id": "a", "title": "Alpha"}, {"id": "b", "title": "Beta"}],
        summaries=[{"id": "a", "paper": "a", "body": "contrastive augmentation views"},
                   {"id": "b", "paper": "b", "body": "contrastive augmentation pairs"}]))
    [rel] = compute_related(g)["a"]
    assert rel.id == "b" and "“contrastive augmentation”" in rel.reasons[0]


def test_co_citation() -> None:
    g = build_graph(make_kb(papers=[
        {"id": "x", "title": "Xylophones"}, {"id": "y", "title": "Yodelling"},
        {"id": "c1", "title": "Quartz", "cites": ["x", "y"]}, {"id": "c2", "title": "Jade", "cites": ["x", "y"]},
    ]))
    rel = {r.id: r for r in compute_related(g)["x"]}
    assert rel["y"].reasons == ("cited with it by 2 papers: Jade and Quartz",)
    assert rel["c1"].reasons == ("cites this paper",) and rel["y"].score == rel["c1"].score == 0.2


def test_bibliographic_coupling() -> None:
    g = build_graph(make_kb(papers=[
        {"id": "base", "title": "Foundations"}, {"id": "p", "title": "Pumpkins", "cites": ["base"]},
        {"id": "q", "title": "Quinces", "cites": ["base"]},
    ]))
    rel = compute_related(g)["p"]
    assert rel[0].id == "q" and "both cite Foundations" in rel[0].reasons
    assert rel[0].score == 0.2


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


def test_direct_links_count_both_ways_and_a_reference_counts_half() -> None:
    g = build_graph(make_kb(papers=[
        {"id": "old", "title": "Quartz"}, {"id": "mid", "title": "Jade", "cites": ["old"]},
        {"id": "new", "title": "Opal", "cites": ["mid"]}]))
    related = compute_related(g)
    # Each side names the link from its own point of view.
    assert related["mid"][0].reasons == ("cites this paper",) and related["mid"][0].id == "new"
    assert related["new"][0].reasons == ("cited by this paper",)
    # "new" cites "mid": from new's side mid is a reference and counts half.
    assert related["mid"][0].score == 0.2 and related["new"][0].score == 0.1
    assert [r.id for r in related["mid"]] == ["new", "old"]


def test_reasons_use_short_names_and_titles_never_ids_or_fragments() -> None:
    g = build_graph(make_kb(papers=[
        {"id": "bert", "title": "BERT: Pre-training of Deep Bidirectional Transformers", "short": "BERT",
         "abstract": "pre-training a transformer encoder with self-attention"},
        {"id": "gpt", "title": "Improving Language Understanding by Generative Pre-Training",
         "abstract": "generative pre-training of a transformer decoder with self-attention", "cites": ["bert"]},
        {"id": "vit", "title": "An Image is Worth 16x16 Words", "aliases": ["Vision Transformer"],
         "abstract": "pre-training a transformer on image patches", "cites": ["bert", "gpt"]}]))
    text = " | ".join(r for rels in compute_related(g).values() for rel in rels for r in rel.reasons)
    assert "both cite BERT" in text or "cited with it by 1 paper: An Image is Worth 16x16 Words" in text
    for fragment in ("“pre”", "“training”", "“self”", "gpt", "bert,"):
        assert fragment not in text
    assert "pre-training" in text and "“self-attention”" in text


def test_inline_maths_is_not_text() -> None:
    g = build_graph(make_kb(papers=[], summaries=[]))
    assert kbgen.reading.related._preprocess("A $P \\times P$ grid") == "a   grid"
    assert compute_related(g) == {}


def test_vit_relatives_on_the_example(example_graph) -> None:
    top = [r.id for r in compute_related(example_graph, k=6, only=["vit"])["vit"]]
    assert len({"deit", "swin", "dino", "mae", "clip"} & set(top)) >= 4, top
    reasons = [reason for r in compute_related(example_graph, k=6, only=["vit"])["vit"] for reason in r.reasons]
    assert any(r.startswith("both cite ") for r in reasons) and "cites this paper" in reasons
    ids = set(example_graph.kb.papers) - {"dino", "clip", "swin"}  # words of titles too
    for reason in reasons:
        names = reason.split(": ", 1)[-1].removeprefix("both cite ")
        assert not ids & set(names.replace(",", " ").split()), reason
