"""kbgen.reading.suggest: proposed prerequisites with evidence, and YAML that pastes under prerequisites:."""

from __future__ import annotations

import doctest

import yaml

import kbgen.reading.suggest
from kbgen.graph import build_graph
from kbgen.reading.suggest import format_text, format_yaml, suggest_prerequisites

from .graphkit import graph_of, make_kb


def test_doctests() -> None:
    assert doctest.testmod(kbgen.reading.suggest).failed == 0


def vision():
    return graph_of([("imagenet", "alexnet", "cites"), ("alexnet", "vgg", "prerequisite"),
                     ("imagenet", "vgg", "cites"), ("alexnet", "resnet", "cites"), ("vgg", "resnet", "cites"),
                     ("imagenet", "resnet", "cites"), ("lonely", "resnet", "cites")],
                    years={"imagenet": 2009, "alexnet": 2012, "vgg": 2014, "resnet": 2015, "lonely": 2001})


def test_proposals_need_a_reference_that_builds_on_it_too() -> None:
    found = suggest_prerequisites(vision())
    pairs = [(s.entity, s.prerequisite, s.score) for s in found]
    # imagenet under resnet: resnet cites it and so do alexnet and vgg (2). alexnet under
    # resnet: vgg lists it (1). lonely: nobody else builds on it. alexnet under vgg: curated already.
    # Equal scores: the more important prerequisite first.
    assert pairs == [("resnet", "imagenet", 2.0), ("vgg", "imagenet", 1.5), ("resnet", "alexnet", 1.5)]
    assert found[0].evidence[0] == "resnet cites it, and alexnet and vgg, which resnet builds on, build on it too"
    assert [s.prerequisite for s in suggest_prerequisites(vision(), limit=1)] == ["imagenet"]


def test_nothing_that_is_a_prerequisite_already_even_through_others() -> None:
    g = graph_of([("a", "b", "prerequisite"), ("b", "c", "prerequisite"), ("a", "c", "cites"), ("a", "x", "cites"),
                  ("x", "c", "cites")])
    assert [(s.entity, s.prerequisite) for s in suggest_prerequisites(g)] == []
    assert format_text([]).startswith("No prerequisite to propose")


def test_yaml_pastes_under_prerequisites(tmp_path) -> None:
    from tests.kbload import load_kb as load_knowledge_base

    found = suggest_prerequisites(vision())
    text = format_yaml(found)
    proposed = yaml.safe_load(text)
    assert proposed == {"resnet": ["imagenet", "alexnet"], "vgg": ["imagenet"]}
    assert "  - imagenet  # resnet cites it, and alexnet and vgg, which resnet builds on" in text
    # Paste each list under the entry's prerequisites: the knowledge base validates and they are hard now.
    entries = []
    for paper in sorted(vision().kb.papers.values(), key=lambda p: p.id):
        lines = [f"  - id: {paper.id}", f"    title: {paper.title}", f"    year: {paper.year}"]
        if paper.cites:
            lines.append(f"    cites: [{', '.join(paper.cites)}]")
        pasted = [line for line in text.split(f"{paper.id}:\n", 1)[-1].splitlines()
                  if line.startswith("  - ")] if f"\n{paper.id}:\n" in text else []
        if paper.prerequisites or pasted:
            lines.append("    prerequisites:")
            lines += [f"      - {p}" for p in paper.prerequisites]
            lines += [f"    {line}" for line in pasted]
        entries.append("\n".join(lines))
    (tmp_path / "papers.yaml").write_text("papers:\n" + "\n".join(entries) + "\n")
    kb, diags = load_knowledge_base(tmp_path)
    assert not [d for d in diags if d.is_error], diags
    assert set(kb.papers["resnet"].prerequisites) == {"imagenet", "alexnet"}
    assert suggest_prerequisites(build_graph(kb)) == []


def test_concepts_and_known_prerequisites_are_left_alone() -> None:
    kb = make_kb(papers=[{"id": "a"}, {"id": "b", "cites": ["a"]}, {"id": "c", "cites": ["a", "b"],
                                                                         "prerequisites": ["idea"]}],
                 concepts=[{"id": "idea"}])
    found = suggest_prerequisites(build_graph(kb))
    assert [(s.entity, s.prerequisite) for s in found] == [("c", "a")]
