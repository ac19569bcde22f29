"""kbgen.reading.topicpath: a topic's key entries and its focused path."""

from __future__ import annotations

import doctest

import pytest

import kbgen.reading.topicpath
from kbgen.graph import build_graph
from kbgen.reading.paths import UnknownIds
from kbgen.reading.topicpath import plan_entries_path, plan_topic_path, topic_key_entries

from .graphkit import make_kb


def test_doctests() -> None:
    assert doctest.testmod(kbgen.reading.topicpath).failed == 0


def topic_graph():
    topics = [{"id": "vision"}, {"id": "cnn", "parent": "vision"}, {"id": "nlp"}]
    papers = [
        {"id": "lenet", "year": 1998, "topics": ["cnn"]},
        {"id": "alexnet", "year": 2012, "topics": ["cnn"], "cites": ["lenet"]},
        {"id": "vgg", "year": 2014, "topics": ["cnn"], "cites": ["alexnet"]},
        {"id": "resnet", "year": 2015, "topics": ["cnn"], "cites": ["vgg", "alexnet"]},
        {"id": "vit", "year": 2020, "topics": ["vision"], "cites": ["resnet", "tf"]},
        {"id": "tf", "year": 2017, "topics": ["nlp"], "cites": ["adam"]},
        {"id": "adam", "year": 2014, "topics": ["nlp"]},
        {"id": "old-survey", "year": 1950, "topics": ["vision"]},
    ]
    return build_graph(make_kb(papers=papers, topics=topics))


def test_key_entries_are_what_the_topic_builds_on_most() -> None:
    g = topic_graph()
    # Subtopics count; inside the topic, alexnet and lenet are what most entries build on.
    assert topic_key_entries(g, "vision", limit=3) == ["lenet", "alexnet", "resnet"]
    assert topic_key_entries(g, "topic:cnn", limit=1) == ["lenet"]
    with pytest.raises(UnknownIds, match="unknown topic 'visoin'; did you mean 'vision'"):
        topic_key_entries(g, "visoin")


def test_topic_path_is_focused_and_never_starts_with_what_nothing_needs() -> None:
    g = topic_graph()
    plan = plan_topic_path(g, "vision", key_entries=6)
    steps = [s.id for s in plan.steps]
    # old-survey is a key entry (ties: importance, year) that nothing builds on: it is dropped.
    assert "old-survey" in topic_key_entries(g, "vision", limit=6) and "old-survey" not in steps
    assert steps[0] == "lenet" and any(r.needed_by for r in plan.steps[0].reasons)
    assert plan.focused and set(plan.targets) <= set(topic_key_entries(g, "vision", limit=6))
    # A topic of unrelated entries is a path of one.
    lonely = build_graph(make_kb(papers=[{"id": "a", "topics": ["t"]}, {"id": "b", "topics": ["t"]}],
                                 topics=[{"id": "t"}]))
    assert [s.id for s in plan_topic_path(lonely, "t").steps] == ["b"]
    assert plan_entries_path(lonely, []).steps == ()


def test_topic_path_known_and_budget() -> None:
    g = topic_graph()
    plan = plan_topic_path(g, "vision", known=["lenet"], budget=60)
    assert "lenet" not in [s.id for s in plan.steps] and plan.budget_minutes == 60


def test_example_topic_paths(example_graph) -> None:
    for topic in example_graph.kb.topics:
        plan = plan_topic_path(example_graph, topic)
        assert plan.steps, topic
        if len(plan.steps) > 1:
            assert any(r.needed_by for r in plan.steps[0].reasons), topic
    deep = [s.id for s in plan_topic_path(example_graph, "deep-learning").steps]
    assert "robbins-monro" not in deep


@pytest.fixture(scope="module")
def example_graph():
    from tests.kbload import load_kb as load_knowledge_base

    from .conftest import REPO

    kb, _ = load_knowledge_base(REPO)
    return build_graph(kb)
