"""KnowledgeBase: one namespace for entities, lookups by id, origins."""

from __future__ import annotations

import dataclasses

import pytest

from kbgen.core.kb import KnowledgeBase, Origin
from kbgen.core.models import Concept, Paper, Resource, Story, Summary


def small_kb() -> KnowledgeBase:
    return KnowledgeBase(
        papers={"vit": Paper(id="vit", title="ViT", year=2020), "bert": Paper(id="bert", title="BERT", year=2018)},
        concepts={"self-attention": Concept(id="self-attention", title="Self-attention")},
        stories={"imagenet-moment": Story(id="imagenet-moment", title="2012")},
        resources={"sanity": Resource(id="sanity", title="Arxiv Sanity", url="https://arxiv-sanity-lite.com")},
        summaries={"vit": Summary(id="vit", title="ViT in short", paper="vit"),
                   "vit-2": Summary(id="vit-2", title="ViT again", paper="vit")},
        origins={"paper:vit": Origin("papers.yaml", 8)},
    )


def test_entity_lookups() -> None:
    kb = small_kb()
    assert kb.entity("vit").title == "ViT" and kb.entity("nope") is None
    assert [kb.kind_of(i) for i in ("vit", "self-attention", "imagenet-moment", "sanity", "x")] == [
        "paper", "concept", "story", "resource", None]
    assert kb.entity_ids() == {"vit", "bert", "self-attention", "imagenet-moment", "sanity"}
    assert [e.id for _, e in kb.iter_entities()] == ["bert", "vit", "self-attention", "imagenet-moment", "sanity"]
    assert kb.title_of("bert") == "BERT" and kb.title_of("zzz") == "zzz"
    assert kb.year_of("vit") == 2020 and kb.year_of("self-attention") is None


def test_summaries_and_origins() -> None:
    kb = small_kb()
    assert [s.id for s in kb.summaries_of("vit")] == ["vit", "vit-2"]
    assert str(kb.origin("paper", "vit")) == "papers.yaml:8" and kb.origin("paper", "bert") is None


def test_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        small_kb().papers = {}  # type: ignore[misc]
