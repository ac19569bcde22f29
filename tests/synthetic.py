"""A synthetic knowledge base for the data-file and graph-explorer tests and benchmarks (no files)."""

from __future__ import annotations

import random

from kbgen.core.kb import KnowledgeBase
from kbgen.core.models import Concept, Paper, Resource, Topic


def synthetic_kb(papers: int = 80, seed: int = 3) -> KnowledgeBase:
    """Papers citing older ones, a cheat sheet every paper lists, two topics with a subtopic."""
    rng = random.Random(seed)
    words = ["deep", "learning", "graph", "vision", "language", "residual", "attention", "sparse"]
    table = {}
    for i in range(papers):
        older = [f"p{j}" for j in range(i)]
        table[f"p{i}"] = Paper(
            id=f"p{i}", title=" ".join(rng.choice(words) for _ in range(5)).title() + f" {i}",
            year=None if i % 9 == 4 else 1950 + (i * 75) // papers, short=f"Net{i}" if i % 4 == 0 else None,
            aliases=[f"Alias Net {i}"] if i % 8 == 0 else [], cites=rng.sample(older, min(len(older), 3)),
            prerequisites=["cheat-sheet"], topics=["vision" if i % 2 else "nlp", "cnn"] if i % 5 == 0 else
            ["vision" if i % 2 else "nlp"])
    return KnowledgeBase(
        papers=table,
        concepts={"attention": Concept(id="attention", title="Attention", topics=["nlp"])},
        resources={"cheat-sheet": Resource(id="cheat-sheet", title="Calculus cheat sheet", url="https://example.org/c")},
        topics={"vision": Topic(id="vision", name="Vision"), "nlp": Topic(id="nlp", name="NLP"),
                "cnn": Topic(id="cnn", name="CNNs", parent="vision")})
