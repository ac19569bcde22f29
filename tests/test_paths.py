"""kbgen.reading.paths on tiny literal graphs, plus property tests on random DAGs."""

from __future__ import annotations

import doctest
import random
from datetime import date

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kbgen.reading.paths
from kbgen.graph import build_graph
from kbgen.reading.paths import (
    ReadingPlan,
    Step,
    UnknownIds,
    iter_downstream,
    path_prereqs,
    plan_path,
    plan_sessions,
    topic_targets,
)

from .graphkit import graph_of, make_kb


def ids(plan: ReadingPlan) -> list[str]:
    return [s.id for s in plan.steps]


def test_doctests() -> None:
    assert doctest.testmod(kbgen.reading.paths).failed == 0


def test_chain() -> None:
    g = graph_of([("a", "b"), ("b", "c")])
    plan = plan_path(g, ["c"])
    assert ids(plan) == ["a", "b", "c"]
    assert plan.targets == ("c",) and plan.known == ()
    assert [r.text for r in plan.steps[0].reasons] == ["prerequisite of b"]
    assert plan.steps[2].reasons[0].kind == "target"


def test_diamond_each_ancestor_once_with_every_reason() -> None:
    g = graph_of([("top", "left"), ("top", "right"), ("left", "bottom"), ("right", "bottom")],
                 years={"top": 2000, "left": 2005, "right": 2003, "bottom": 2010})
    plan = plan_path(g, ["bottom"])
    assert ids(plan) == ["top", "right", "left", "bottom"]
    assert [r.needed_by for r in plan.steps[0].reasons] == ["right", "left"]


def test_ties_by_year_then_id() -> None:
    g = graph_of([("b", "t"), ("a", "t"), ("c", "t")], years={"a": 2010, "b": 2001, "c": 2001, "t": 2020})
    assert ids(plan_path(g, ["t"])) == ["b", "c", "a", "t"]


def test_ties_are_local_to_the_path_not_global() -> None:
    # Globally n waits for m (2020); with m known, n (1990) is free and comes before o (2000).
    g = graph_of([("m", "n")], years={"m": 2020, "n": 1990, "o": 2000})
    assert ids(plan_path(g, ["n", "o"], known=["m"])) == ["n", "o"]


def test_disconnected_targets() -> None:
    g = graph_of([("a", "b"), ("x", "y")], years={"a": 2005, "b": 2006, "x": 2000, "y": 2001})
    assert ids(plan_path(g, ["b", "y"])) == ["x", "y", "a", "b"]


def test_known_set_cuts_the_graph() -> None:
    # a -> k -> t and a -> t2 -> t: knowing k removes only what is reached through k alone.
    g = graph_of([("a", "k"), ("k", "t"), ("z", "k"), ("a", "t2"), ("t2", "t")])
    plan = plan_path(g, ["t"], known=["k"])
    assert ids(plan) == ["a", "t2", "t"]
    assert "z" not in ids(plan)
    assert plan.known == ("k",)


def test_known_target_is_left_out() -> None:
    g = graph_of([("a", "b")])
    assert ids(plan_path(g, ["b"], known=["b"])) == []


def test_hard_only_ignores_citations() -> None:
    g = graph_of([("a", "b", "prerequisite"), ("c", "b", "cites"), ("d", "a", "cites")])
    assert ids(plan_path(g, ["b"])) == ["c", "d", "a", "b"]
    plan = plan_path(g, ["b"], hard_only=True)
    assert ids(plan) == ["a", "b"] and plan.hard_only


def test_cites_reason_and_summary_reason() -> None:
    kb = make_kb(papers=[{"id": "old", "year": 2000}, {"id": "new", "year": 2010, "cites": ["old"]}],
                 concepts=[{"id": "idea"}], summaries=[{"id": "new", "paper": "new", "prerequisites": ["idea"]}])
    plan = plan_path(build_graph(kb), ["new"])
    reasons = {s.id: [r.text for r in s.reasons] for s in plan.steps}
    assert reasons == {"old": ["cited by new"], "idea": ["prerequisite of new (its summary)"], "new": ["target"]}


def test_reading_time_total_uses_estimates() -> None:
    kb = make_kb(papers=[{"id": "a", "reading_time": 20}, {"id": "b", "prerequisites": ["a", "c"]}],
                 concepts=[{"id": "c"}])
    plan = plan_path(build_graph(kb), ["b"])
    steps = {s.id: s for s in plan.steps}
    assert steps["b"].reading_time is None and steps["b"].estimated and steps["b"].minutes == 45
    assert plan.total_minutes == 20 + 45 + 15


def test_step_url_prefers_arxiv_then_doi_then_url() -> None:
    kb = make_kb(papers=[{"id": "a", "arxiv": "1706.03762", "doi": "10.1234/x"}, {"id": "b", "doi": "10.1234/x"},
                         {"id": "c", "url": "https://example.org/c"}, {"id": "d"}])
    urls = {s.id: s.url for s in plan_path(build_graph(kb), ["a", "b", "c", "d"]).steps}
    assert urls == {"a": "https://arxiv.org/abs/1706.03762", "b": "https://doi.org/10.1234/x",
                    "c": "https://example.org/c", "d": None}


def test_unknown_ids_suggest() -> None:
    g = graph_of([("resnet", "vit")])
    with pytest.raises(UnknownIds) as info:
        plan_path(g, ["vit-2020"], known=["resnt"])
    assert info.value.ids == ["vit-2020", "resnt"]
    assert "did you mean 'vit'" in str(info.value) and "did you mean 'resnet'" in str(info.value)


def test_topic_targets_include_subtopics() -> None:
    kb = make_kb(papers=[{"id": "a", "topics": ["vision"]}, {"id": "b", "topics": ["cnn"]}, {"id": "c", "topics": ["nlp"]}],
                 topics=[{"id": "vision"}, {"id": "cnn", "parent": "vision"}, {"id": "nlp"}])
    g = build_graph(kb)
    assert topic_targets(g, "vision") == ["a", "b"]
    assert topic_targets(g, "topic:cnn") == ["b"]
    with pytest.raises(UnknownIds, match="unknown topic 'visoin'; did you mean 'vision'"):
        topic_targets(g, "visoin")


def test_sessions_never_split_and_keep_order() -> None:
    steps = tuple(Step(f"s{i}", "paper", "T", 2000, m, ()) for i, m in enumerate([30, 20, 90, 10, 10]))
    plan = ReadingPlan(("s4",), (), steps, 160)
    sessions = plan_sessions(plan, 60, date(2026, 1, 5), 7)
    assert [[s.id for s in x.steps] for x in sessions] == [["s0", "s1"], ["s2"], ["s3", "s4"]]
    assert [x.date for x in sessions] == [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)]
    assert [x.minutes for x in sessions] == [50, 90, 20]
    assert [x.number for x in sessions] == [1, 2, 3]
    with pytest.raises(ValueError):
        plan_sessions(plan, 0, date(2026, 1, 5), 7)


def test_downstream_nearest_first() -> None:
    g = graph_of([("a", "b"), ("b", "c"), ("a", "d"), ("d", "c"), ("x", "y")], years={"b": 2001, "d": 2000})
    assert iter_downstream(g, "a") == [("d", 1), ("b", 1), ("c", 2)]
    assert iter_downstream(g, "c") == []
    with pytest.raises(UnknownIds):
        iter_downstream(g, "nope")


def test_path_prereqs_are_in_path_direct_predecessors() -> None:
    g = graph_of([("a", "b"), ("b", "c"), ("a", "c"), ("k", "c")])
    plan = plan_path(g, ["c"], known=["k"])
    assert path_prereqs(plan, g) == {"a": [], "b": ["a"], "c": ["a", "b"]}


# --- properties on random DAGs -------------------------------------------------

@st.composite
def dags(draw):
    n = draw(st.integers(1, 12))
    names = [f"p{i}" for i in range(n)]
    edges = []
    for j in range(n):
        for i in range(j):
            kind = draw(st.sampled_from([None, None, "prerequisite", "cites"]))
            if kind:
                edges.append((names[i], names[j], kind))
    years = {name: draw(st.one_of(st.none(), st.integers(1990, 1995))) for name in names}
    targets = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
    known = draw(st.lists(st.sampled_from(names), max_size=4))
    hard = draw(st.booleans())
    seed = draw(st.integers(0, 1000))
    return names, edges, years, targets, known, hard, seed


def kb_from(names, edges, years, shuffle_seed=None):
    pre, cites = {}, {}
    for u, v, k in edges:
        (pre if k == "prerequisite" else cites).setdefault(v, []).append(u)
    papers = [{"id": n, "year": years[n], "prerequisites": pre.get(n, []), "cites": cites.get(n, [])} for n in names]
    if shuffle_seed is not None:
        rng = random.Random(shuffle_seed)
        rng.shuffle(papers)
        for p in papers:
            rng.shuffle(p["prerequisites"])
            rng.shuffle(p["cites"])
    return make_kb(papers=papers)


@settings(max_examples=200, deadline=None)
@given(dags())
def test_random_dag_properties(case) -> None:
    names, edges, years, targets, known, hard, seed = case
    g = build_graph(kb_from(names, edges, years))
    plan = plan_path(g, targets, known, hard_only=hard)
    order = ids(plan)
    position = {s: i for i, s in enumerate(order)}
    assert len(order) == len(position)

    used = nx.DiGraph()
    used.add_nodes_from(names)
    used.add_edges_from((u, v) for u, v, k in edges if not hard or k == "prerequisite")
    # Every step after all its in-path ancestors.
    for step in order:
        for anc in nx.ancestors(used, step):
            if anc in position:
                assert position[anc] < position[step]
    # No known entity appears.
    assert not set(order) & set(known)
    # Exactly the targets and their ancestors, cut at known entities.
    cut = used.copy()
    cut.remove_nodes_from(known)
    expected = set()
    for t in targets:
        if t in cut:
            expected |= {t} | nx.ancestors(cut, t)
    assert set(order) == expected
    # Deterministic: same plan again, and with every list shuffled.
    assert plan_path(g, targets, known, hard_only=hard) == plan
    shuffled = build_graph(kb_from(names, edges, years, shuffle_seed=seed))
    assert plan_path(shuffled, targets, known, hard_only=hard) == plan
    # Sessions keep the order and never split an entry.
    sessions = plan_sessions(plan, 60, date(2026, 1, 1), 7)
    assert [s.id for x in sessions for s in x.steps] == order


@settings(max_examples=100, deadline=None)
@given(dags())
def test_random_dag_ties_follow_year_then_id(case) -> None:
    names, edges, years, targets, known, hard, _ = case
    g = build_graph(kb_from(names, edges, years))
    order = ids(plan_path(g, targets, known, hard_only=hard))
    used = nx.DiGraph()
    used.add_nodes_from(names)
    used.add_edges_from((u, v) for u, v, k in edges if not hard or k == "prerequisite")
    # The partial order among the steps is ancestry in the whole graph (also through known entries).
    sub = nx.transitive_closure_dag(used).subgraph(order)
    assert order == list(nx.lexicographical_topological_sort(sub, key=lambda n: g.sort_key(n)))
