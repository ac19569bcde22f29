"""kbgen.reading.frontier (kbgen next): candidates, closeness to what was read and to a goal, ties and reasons."""

from __future__ import annotations

import doctest

import pytest

import kbgen.reading.frontier
from kbgen.graph import build_graph
from kbgen.reading.frontier import candidates, closeness_to_read, latest, plan_next, reader_weights
from kbgen.reading.paths import UnknownIds, plan_path

from .graphkit import graph_of, make_kb


def test_doctests() -> None:
    assert doctest.testmod(kbgen.reading.frontier).failed == 0


def transformer_kb():
    """Recurrent nets to the Transformer and its two children, next to an unrelated vision line."""
    return build_graph(make_kb(papers=[
        {"id": "rnn", "year": 1990},
        {"id": "seq2seq", "year": 2014, "prerequisites": ["rnn"], "cites": ["rnn"]},
        {"id": "attn", "year": 2014, "prerequisites": ["seq2seq"], "cites": ["seq2seq", "rnn"]},
        {"id": "luong", "year": 2015, "prerequisites": ["attn"], "cites": ["attn", "seq2seq"]},
        {"id": "adam", "year": 2014},
        {"id": "transformer", "year": 2017, "prerequisites": ["attn"], "cites": ["attn", "luong", "adam"]},
        {"id": "gpt", "year": 2018, "prerequisites": ["transformer"], "cites": ["transformer"]},
        {"id": "bert", "year": 2018, "prerequisites": ["transformer"], "cites": ["transformer", "gpt"]},
        {"id": "imagenet", "year": 2009},
        {"id": "alexnet", "year": 2012, "cites": ["imagenet"]},
        {"id": "vgg", "year": 2014, "prerequisites": ["alexnet"], "cites": ["alexnet", "imagenet"]},
        {"id": "resnet", "year": 2015, "prerequisites": ["vgg"], "cites": ["vgg", "alexnet", "imagenet"]},
    ]))


def test_after_the_transformer_gpt_and_bert_come_first() -> None:
    g = transformer_kb()
    shown = plan_next(g, ["rnn", "seq2seq", "attn", "transformer"], limit=3)
    assert {s.id for s in shown[:3]} & {"gpt", "bert"}
    # GPT builds on the Transformer alone, read: it is ready. BERT builds on it and on GPT, unread.
    assert [(s.id, s.score) for s in shown[:2]] == [("gpt", 1.0), ("bert", 0.86)]
    assert shown[0].reason == "builds on transformer, where you have got to; unlocks 1 entry, e.g. bert"
    assert shown[1].reason == "builds on transformer, where you have got to; cites 1 you have not read (gpt)"
    # Background the reader skipped (luong, cited by the Transformer) comes after what follows it.
    ranked = [s.id for s in plan_next(g, ["rnn", "seq2seq", "attn", "transformer"], limit=None)]
    assert ranked.index("luong") > ranked.index("bert")


def test_closeness_is_the_share_of_what_an_entry_builds_on_that_is_read() -> None:
    # After a and b (b builds on a): c builds on b and on nothing else; d on b and three unread
    # papers; e, a survey, on a, b and six unread ones. Only direct references count.
    g = graph_of([("a", "b"), ("b", "c"), ("b", "d"), ("x1", "d"), ("x2", "d"), ("x3", "d"), ("a", "e"),
                  ("b", "e")] + [(f"y{i}", "e") for i in range(6)] + [("c", "f"), ("d", "f")], kind="cites")
    weights = reader_weights(g, ["a", "b"])
    assert weights == {"a": 0.25, "b": 0.75}  # half on everything read, half on where the reader has got to
    close = closeness_to_read(g, ["c", "d", "e", "f"], weights)
    # b's weight over (1 reference + UNSEEN 2) for c; over (4 + 2) for d; (a + b) over (8 + 2) for e.
    assert close == {"c": 0.25, "d": 0.125, "e": 0.1, "f": 0.0}
    assert [s.id for s in plan_next(g, ["a", "b"], limit=3)] == ["c", "d", "e"]


def test_on_the_example_after_the_transformer(example_graph) -> None:
    read = [s.id for s in plan_path(example_graph, ["attention-is-all-you-need"], hard_only=True).steps]
    top = [s.id for s in plan_next(example_graph, read, limit=3)]
    assert {"gpt", "bert"} & set(top), top


@pytest.fixture(scope="module")
def example_graph():
    from tests.kbload import load_kb as load_knowledge_base

    from .conftest import REPO

    kb, _ = load_knowledge_base(REPO)
    return build_graph(kb)


def test_the_printed_figure_is_the_sort_key_then_what_it_unlocks() -> None:
    # b and c both build on a alone: equal closeness; c unlocks two entries, b none.
    g = graph_of([("a", "b"), ("a", "c"), ("c", "d"), ("d", "e")], kind="cites")
    shown = plan_next(g, ["a"], limit=None)
    assert [(s.id, s.score, s.unlocks) for s in shown][:2] == [("c", 1.0, 2), ("b", 1.0, 0)]
    scores = [s.score for s in shown]
    assert scores == sorted(scores, reverse=True) and all(s == round(s, 2) for s in scores)
    assert [s.id for s in plan_next(g, ["a"], limit=1)] == ["c"]


def test_candidates_need_prerequisites_read_not_citations() -> None:
    g = graph_of([("a", "b", "prerequisite"), ("c", "b", "cites"), ("a", "d", "cites")])
    assert candidates(g, {"a"}) == ["b", "c", "d"]
    assert candidates(g, set()) == ["a", "c", "d"]
    assert candidates(g, {"a"}, goal="b") == ["b", "c"]


def test_goal_keeps_what_leads_to_it() -> None:
    g = transformer_kb()
    shown = plan_next(g, ["rnn", "seq2seq", "attn", "imagenet"], goal="transformer", limit=None)
    assert {s.id for s in shown} == {"luong", "adam", "transformer"}
    assert all("leads to transformer" in s.reason or "your goal" in s.reason for s in shown)
    # With nothing read, the goal alone ranks: what it builds on most directly.
    alone = plan_next(g, [], goal="resnet", limit=None)
    assert [s.id for s in alone] == ["imagenet", "alexnet"]


def test_nothing_read_and_no_goal_ranks_by_importance() -> None:
    g = transformer_kb()
    shown = plan_next(g, [], limit=3)
    assert [s.score for s in shown] == sorted((s.score for s in shown), reverse=True)
    assert [s.id for s in shown] == ["rnn", "imagenet", "alexnet"]
    assert shown[0].reason == "needs nothing first; unlocks 6 entries, e.g. attn, seq2seq"
    assert "you have read" not in shown[2].reason


def test_latest_and_unknown_ids() -> None:
    g = transformer_kb()
    assert latest(g, {"rnn", "seq2seq", "alexnet"}) == ["alexnet", "seq2seq"]
    with pytest.raises(UnknownIds, match="did you mean 'seq2seq'"):
        plan_next(g, ["sequ2seq"])
    with pytest.raises(UnknownIds):
        plan_next(g, [], goal="nope")
    assert plan_next(build_graph(make_kb()), []) == []
