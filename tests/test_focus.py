"""kbgen.reading.focus: scores, the threshold and the budget on tiny literal graphs, and properties on random DAGs."""

from __future__ import annotations

import doctest
import math
import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kbgen.reading.focus
import kbgen.reading.relevance
from kbgen.graph import build_graph
from kbgen.output.planformats import format_text
from kbgen.reading.focus import hard_steps, parse_duration, plan_focused, score_ancestors
from kbgen.reading.paths import UnknownIds, plan_path
from kbgen.reading.relevance import title_words

from .graphkit import graph_of, make_kb


def ids(plan) -> list[str]:
    return [s.id for s in plan.steps]


def test_doctests() -> None:
    assert doctest.testmod(kbgen.reading.focus).failed == 0
    assert doctest.testmod(kbgen.reading.relevance).failed == 0


def scores(g, targets, known=()) -> dict[str, float]:
    return {k: v.score for k, v in score_ancestors(g, targets, known).items()}


# --- the score: a reader's walk down the references (kbgen.reading.relevance) --------

def test_the_walk_shares_an_entrys_weight_among_its_references() -> None:
    # t cites a and b; a and b both cite c; a alone cites d. Titles share no word, no authors.
    g = graph_of([("a", "t"), ("b", "t"), ("c", "a"), ("c", "b"), ("d", "a")], kind="cites")
    found = score_ancestors(g, ["t"])
    # t passes 1/2 of its weight, split over its 2 references plus UNSEEN = 2: 1/8 each.
    # a passes 1/2 of 1/8 over 2 + 2: 1/64 to c and to d; b over 1 + 2: 1/48 to c.
    # Divided by the best (1/8): c = (1/64 + 1/48) * 8 = 7/24, d = 1/8.
    assert {k: (v.score, v.distance) for k, v in found.items()} == {
        "a": (1.0, 1), "b": (1.0, 1), "c": (round(7 / 24, 4), 2), "d": (0.125, 2)}
    assert found["c"].citers == ("b", "a")  # b passes more (it cites fewer papers)


def test_co_citation_within_the_lineage_ranks_a_foundation_first() -> None:
    # t cites a, b, c and d; a cites b, c, d; b cites c, d; c cites d: d is what everything builds on.
    g = graph_of([("a", "t"), ("b", "t"), ("c", "t"), ("d", "t"), ("b", "a"), ("c", "a"), ("d", "a"),
                  ("c", "b"), ("d", "b"), ("d", "c")], kind="cites")
    ranked = sorted(scores(g, ["t"]).items(), key=lambda kv: -kv[1])
    assert [k for k, _ in ranked] == ["d", "c", "b", "a"] and ranked[0][1] == 1.0


def test_a_paper_with_one_known_reference_does_not_hand_it_all_its_weight() -> None:
    # UNSEEN: b is a's only known reference, but gets 1/(1 + 2) of what a passes on.
    g = graph_of([("a", "t"), ("b", "a")], kind="cites")
    assert scores(g, ["t"]) == {"a": 1.0, "b": round(0.5 / 3, 4)}


def test_shared_authors_weigh_three_times() -> None:
    kb = make_kb(papers=[{"id": "t", "authors": ["Ann Lee", "Bo Chen"], "cites": ["a", "b"]},
                         {"id": "a", "authors": ["bo  CHEN"]}, {"id": "b", "authors": ["Cy Wu"]}])
    found = score_ancestors(build_graph(kb), ["t"])
    assert found["a"].score == 1.0 and found["b"].score == round(1 / 3, 4)
    assert found["a"].authors_of == ("t",) and found["b"].authors_of == ()


def test_similar_titles_weigh_more() -> None:
    kb = make_kb(papers=[{"id": "t", "title": "Residual image recognition", "cites": ["a", "b"]},
                         {"id": "a", "title": "Deep image recognition"},
                         {"id": "b", "title": "Stochastic optimization"}])
    # idf over the three titles: 1 + ln(4/3) for image and recognition (in two), 1 + ln 2 otherwise.
    shared, alone = (1 + math.log(4 / 3)) ** 2, (1 + math.log(2)) ** 2
    similarity = 2 * shared / (alone + 2 * shared)
    assert scores(build_graph(kb), ["t"]) == {"a": 1.0, "b": round(1 / (1 + 2 * similarity), 4)}
    assert title_words("Transformers for Image Recognition at Scale") == {"transformer", "image", "recognition",
                                                                          "scale"}


def test_what_the_later_literature_reads_with_the_target_weighs_more() -> None:
    # l1 and l2 build on t; l1 also builds on a: a's weight times 1 + 1/2.
    g = graph_of([("a", "t"), ("b", "t"), ("t", "l1"), ("t", "l2"), ("a", "l1")], kind="cites")
    assert scores(g, ["t"]) == {"a": 1.0, "b": round(1 / 1.5, 4)}


def test_citations_of_a_curated_entry_count_half() -> None:
    # a has curated prerequisites (p), so its citation of q counts half; a target's never does.
    g = graph_of([("a", "t", "cites"), ("p", "a", "prerequisite"), ("q", "a", "cites"), ("r", "t", "cites"),
                  ("s", "t", "prerequisite")])
    found = scores(g, ["t"])
    assert found["a"] == found["r"] == found["s"] == 1.0 and found["q"] == round(found["p"] / 2, 4)


# --- the cut, the bundle, the budget ---------------------------------------------

def test_threshold_keeps_what_reaches_a_fifth_of_the_best() -> None:
    g = graph_of([("a", "t"), ("b", "t"), ("c", "a"), ("c", "b"), ("d", "a")], kind="cites")
    plan = plan_focused(g, ["t"])
    assert set(ids(plan)) == {"a", "b", "c", "t"}  # c has 0.29 of the best; d (0.125) does not reach 0.2
    assert [(s.id, s.score) for s in plan.optional] == [("d", 0.125)]
    assert set(ids(plan_focused(g, ["t"], threshold=0.1))) == {"a", "b", "c", "d", "t"}
    assert set(ids(plan_focused(g, ["t"], threshold=0.3))) == {"a", "b", "t"}


def test_a_chain_reached_once_stays_out() -> None:
    # Robbins-Monro under momentum under Adam under the Transformer: never a step of BERT's path.
    g = graph_of([("rm", "mom"), ("mom", "adam"), ("adam", "tf"), ("tf", "bert"), ("attn", "tf"),
                  ("attn", "bert")], kind="cites", years={"rm": 1951, "mom": 2013, "adam": 2014, "attn": 2014,
                                                          "tf": 2017, "bert": 2018})
    plan = plan_focused(g, ["bert"])
    assert ids(plan) == ["attn", "tf", "bert"]
    assert [(s.id, s.score) for s in plan.optional] == [("adam", 0.1111)]
    assert scores(g, ["bert"])["rm"] < 0.01


def test_hard_steps_always_and_a_soft_step_brings_its_prerequisites() -> None:
    # t needs p (needs pp); t cites s (needs sp), x (needs x1, x2, x3) and a; a is what the path
    # builds on and what the later l reads with t, so s and x weigh about half as much.
    g = graph_of([("p", "t", "prerequisite"), ("pp", "p", "prerequisite"), ("s", "t", "cites"),
                  ("sp", "s", "prerequisite"), ("x", "t", "cites"), ("x1", "x", "prerequisite"),
                  ("x2", "x1", "prerequisite"), ("x3", "x2", "prerequisite"), ("a", "t", "cites"),
                  ("a", "p", "cites"), ("a", "pp", "cites"), ("a", "s", "cites"), ("a", "x", "cites"),
                  ("t", "l", "cites"), ("a", "l", "cites")])
    assert hard_steps(g, ["t"]) == {"t", "p", "pp"}
    found = scores(g, ["t"])
    assert found["a"] == 1.0 and found["s"] == found["x"] and 0.2 < found["s"] < 0.5
    plan = plan_focused(g, ["t"])
    # s (and sp) are worth it on average; x with x1, x2 and x3 is not: its bundle's mean is below 0.2.
    assert set(ids(plan)) == {"t", "p", "pp", "a", "s", "sp"}
    notes = {s.id: s.reasons[-1].text for s in plan.optional}
    assert notes["x"].startswith("would bring x1, x2 and x3 with it: mean relevance 0.") and \
        notes["x"].endswith(", below 0.2")
    sp = next(s for s in plan.steps if s.id == "sp")
    assert [r.text for r in sp.reasons] == ["prerequisite of s"]
    # With a lower threshold x comes with its prerequisites, which are then required.
    assert {"x", "x1", "x2", "x3"} <= set(ids(plan_focused(g, ["t"], threshold=0.05)))


def test_budget_keeps_the_best_soft_steps_that_fit() -> None:
    kb = make_kb(papers=[
        {"id": "t", "year": 2020, "reading_time": 60, "prerequisites": ["h"], "cites": ["a", "b", "c"]},
        {"id": "h", "year": 2010, "reading_time": 30},
        {"id": "a", "year": 2011, "reading_time": 50, "cites": ["c"]},
        {"id": "b", "year": 2012, "reading_time": 20},
        {"id": "c", "year": 2005, "reading_time": 40},
    ])
    g = build_graph(kb)
    # c is cited by t and by a: the best; h, a and b share t's weight alike.
    assert [(s.id, s.score) for s in plan_focused(g, ["t"]).steps] == [
        ("c", 1.0), ("h", 0.8571), ("a", 0.8571), ("b", 0.8571), ("t", None)]
    # 110 minutes: 90 required, then c (40 min) does not fit, a (50) neither, b (20) does.
    plan = plan_focused(g, ["t"], budget=110)
    assert ids(plan) == ["h", "b", "t"] and plan.total_minutes == 110 and plan.budget_minutes == 110
    assert [(s.id, s.reasons[-1].text) for s in plan.optional] == [("c", "over the budget"), ("a", "over the budget")]
    # 130 minutes: c (40) fits, then a (50) no longer does, b (20) neither; 150: c and b, not a.
    assert ids(plan_focused(g, ["t"], budget=130)) == ["c", "h", "t"]
    assert ids(plan_focused(g, ["t"], budget=150)) == ["c", "h", "b", "t"]
    # Over budget with the required steps alone: they stay, nothing else comes.
    tight = plan_focused(g, ["t"], budget=30)
    assert ids(tight) == ["h", "t"]
    assert "the required steps alone take 1 h 30 min" in format_text(tight)


def test_soft_steps_hang_from_the_path() -> None:
    # x is cited by eight papers under h and read with t later (l1): above the threshold 0.1,
    # while none of the eight is; nothing on the path builds on x, so it is no step, nor optional.
    edges = [("h", "t")] + [(f"c{i}", "h") for i in range(8)] + [("x", f"c{i}") for i in range(8)]
    g = graph_of(edges + [("t", "l1"), ("x", "l1")], kind="cites")
    found = scores(g, ["t"])
    assert found["x"] > 0.1 > found["c0"]
    plan = plan_focused(g, ["t"], threshold=0.1)
    assert ids(plan) == ["h", "t"] and "x" not in [s.id for s in plan.optional]


def test_order_respects_ancestry_through_left_out_entries() -> None:
    # a -> m -> b with m left out (1/2): a (2015) still comes before b (2010).
    g = graph_of([("a", "m"), ("m", "b"), ("a", "t"), ("b", "t"), ("a", "b2"), ("b2", "t")], kind="cites",
                 years={"a": 2015, "m": 2016, "b": 2010, "b2": 2011, "t": 2020})
    plan = plan_focused(g, ["t"])
    assert "m" not in ids(plan) and ids(plan).index("a") < ids(plan).index("b")


def test_reasons_in_words_and_known_entries() -> None:
    g = graph_of([("gpt", "bert"), ("gpt", "vit"), ("bert", "vit"), ("tf", "gpt"), ("tf", "bert"), ("tf", "vit")],
                 kind="cites", years={"tf": 2017, "gpt": 2018, "bert": 2018, "vit": 2020})
    text = format_text(plan_focused(g, ["vit"]))
    assert "why: cited by bert and vit (relevance 0.86)" in text
    plan = plan_focused(g, ["vit"], known=["tf", "bert"])
    assert ids(plan) == ["gpt", "vit"] and plan.known == ("tf", "bert")
    assert ids(plan_focused(g, ["vit"], known=["vit"])) == []
    with pytest.raises(UnknownIds, match="did you mean 'vit'"):
        plan_focused(g, ["vitt"])


def test_parse_duration() -> None:
    assert [parse_duration(t) for t in ("10h", "90m", "90 min", "1h30m", "1.5h", " 2H ")] == [600, 90, 90, 90, 90, 120]
    for bad in ("10", "", "h", "-1h", "0m", "ten hours"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_on_the_example_vit_is_focused() -> None:
    from tests.kbload import load_kb as load_knowledge_base

    from .conftest import REPO

    kb, _ = load_knowledge_base(REPO)
    g = build_graph(kb)
    plan = plan_focused(g, ["vit"])
    steps = set(ids(plan))
    assert len(steps) <= 20 and plan.total_minutes <= 14 * 60
    assert {"attention-is-all-you-need", "resnet", "bert"} <= steps
    assert not steps & {"robbins-monro", "probability-cheat-sheet", "word2vec", "zfnet"}
    assert steps < set(ids(plan_path(g, ["vit"])))


# --- properties on random DAGs -------------------------------------------------

@st.composite
def cases(draw):
    n = draw(st.integers(1, 12))
    names = [f"p{i}" for i in range(n)]
    edges = []
    for j in range(n):
        for i in range(j):
            kind = draw(st.sampled_from([None, None, "prerequisite", "cites", "cites"]))
            if kind:
                edges.append((names[i], names[j], kind))
    years = {name: draw(st.one_of(st.none(), st.integers(1990, 1995))) for name in names}
    minutes = {name: draw(st.one_of(st.none(), st.integers(5, 90))) for name in names}
    targets = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
    known = draw(st.lists(st.sampled_from(names), max_size=3))
    # Budgets and thresholds of the size that makes the budget bind often.
    budget = draw(st.one_of(st.none(), st.integers(1, 250), st.integers(1, 250)))
    threshold = draw(st.sampled_from([0.25, 0.25, 0.5, 1.0, 1.5]))
    return names, edges, years, minutes, targets, known, budget, threshold, draw(st.integers(0, 1000))


def kb_of(names, edges, years, minutes, shuffle_seed=None):
    pre, cites = {}, {}
    for u, v, k in edges:
        (pre if k == "prerequisite" else cites).setdefault(v, []).append(u)
    papers = [{"id": n, "year": years[n], "reading_time": minutes[n], "prerequisites": pre.get(n, []),
               "cites": cites.get(n, [])} for n in names]
    if shuffle_seed is not None:
        rng = random.Random(shuffle_seed)
        rng.shuffle(papers)
        for p in papers:
            rng.shuffle(p["prerequisites"])
            rng.shuffle(p["cites"])
    return make_kb(papers=papers)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_focused_plan_properties(case) -> None:
    names, edges, years, minutes, targets, known, budget, threshold, seed = case
    g = build_graph(kb_of(names, edges, years, minutes))
    plan = plan_focused(g, targets, known, budget=budget, threshold=threshold)
    order = ids(plan)
    position = {s: i for i, s in enumerate(order)}
    assert len(order) == len(position) and not set(order) & set(known)
    hard = hard_steps(g, targets, known)

    # Hard prerequisites are always included, and so are the prerequisites of every step.
    assert hard <= set(order)
    for u, v, k in edges:
        if k == "prerequisite" and v in position and u not in known:
            assert u in position
    # Every step is a target or needed by a later step; a step that is not required earned its place.
    for step in plan.steps:
        if step.id not in targets:
            assert any(position.get(r.needed_by, -1) > position[step.id] for r in step.reasons)
        if step.id not in hard and not any(r.kind == "prerequisite" for r in step.reasons):
            assert step.score >= threshold
    # Order: every step after its ancestors among the steps (through left-out entries too).
    graph = nx.DiGraph()
    graph.add_nodes_from(names)
    graph.add_edges_from((u, v) for u, v, _ in edges)
    for step in order:
        for anc in nx.ancestors(graph, step):
            if anc in position:
                assert position[anc] < position[step]
    # The budget holds, hard steps aside.
    if budget is not None:
        hard_minutes = sum(s.minutes for s in plan.steps if s.id in hard)
        assert plan.total_minutes - hard_minutes <= max(0, budget - hard_minutes)
    # Relevance is a fraction of the best ancestor's: in [0, 1], and 1 for the best.
    found = score_ancestors(g, targets, known)
    assert all(0 <= r.score <= 1 for r in found.values())
    assert not found or max(r.score for r in found.values()) == 1.0
    # Focused is between hard-only and complete.
    assert set(order) <= set(ids(plan_path(g, targets, known)))
    assert not set(order) & {s.id for s in plan.optional}
    # Deterministic: the same plan again, and with every list shuffled.
    assert plan_focused(g, targets, known, budget=budget, threshold=threshold) == plan
    shuffled = build_graph(kb_of(names, edges, years, minutes, shuffle_seed=seed))
    assert plan_focused(shuffled, targets, known, budget=budget, threshold=threshold) == plan
