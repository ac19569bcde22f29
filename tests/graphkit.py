"""Tiny literal knowledge bases for the graph, paths and related tests (no files)."""

from __future__ import annotations

from kbgen.core.kb import KnowledgeBase, Origin
from kbgen.core.models import Concept, Paper, ReadingPath, Resource, Story, Summary, Topic
from kbgen.graph import KBGraph, build_graph


def make_kb(papers=(), concepts=(), stories=(), resources=(), summaries=(), topics=(), paths=()) -> KnowledgeBase:
    """A knowledge base from model keyword dicts; each entity gets a fake origin line."""
    tables = {}
    origins = {}
    line = 1
    for kind, model, items in (("paper", Paper, papers), ("concept", Concept, concepts),
                               ("story", Story, stories), ("resource", Resource, resources),
                               ("summary", Summary, summaries), ("topic", Topic, topics),
                               ("path", ReadingPath, paths)):
        table = {}
        for fields in items:
            if kind == "paper":
                fields = {"title": fields["id"].upper(), **fields}
            elif kind in ("concept", "story", "resource", "summary"):
                fields = {"title": fields["id"].title(), **fields}
            elif kind == "topic":
                fields = {"name": fields["id"].title(), **fields}
            elif kind == "path":
                fields = {"title": fields["id"].title(), **fields}
            entity = model(**fields)
            table[entity.id] = entity
            file = "papers.yaml" if kind == "paper" else f"content/{kind}/{entity.id}"
            origins[f"{kind}:{entity.id}"] = Origin(file, line, 5)
            line += 1
        tables[kind] = table
    return KnowledgeBase(papers=tables["paper"], concepts=tables["concept"], stories=tables["story"],
                         resources=tables["resource"], summaries=tables["summary"], topics=tables["topic"],
                         paths=tables["path"], origins=origins)


def graph_of(edges, years=None, kind="prerequisite", **extra) -> KBGraph:
    """A graph of papers from ``u -> v`` edges ("read u before v"), networkx style.

    ``years`` maps ids to years (default: none); ``kind`` is the edge kind
    (``prerequisite`` or ``cites``), or give ``(u, v, kind)`` triples.
    """
    years = years or {}
    ids = set(years)
    pre: dict[str, list[str]] = {}
    cites: dict[str, list[str]] = {}
    for edge in edges:
        u, v, k = edge if len(edge) == 3 else (*edge, kind)
        ids.update((u, v))
        (pre if k == "prerequisite" else cites).setdefault(v, []).append(u)
    papers = [{"id": i, "year": years.get(i), "prerequisites": pre.get(i, []), "cites": cites.get(i, []),
               **extra.get(i, {})} for i in sorted(ids)]
    return build_graph(make_kb(papers=papers))
