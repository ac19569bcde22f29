"""kbgen.graph.build on tiny literal knowledge bases: node and edge kinds, cycle breaking, rank, exports."""

from __future__ import annotations

import doctest
import functools
import json
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kbgen.graph.build
import kbgen.graph.cycles
import kbgen.graph.export
from kbgen.graph import build_graph, graph_for_export, graph_to_json, order_topologically, render_dot
from kbgen.site.urls import page_url

from .graphkit import graph_of, make_kb

SCHEMA = Path(kbgen.graph.build.__file__).parents[1] / "site" / "assets" / "kb.schema.json"


def test_doctests() -> None:
    assert doctest.testmod(kbgen.graph.build).failed == 0


def full_kb():
    return make_kb(
        papers=[
            {"id": "rnn", "year": 1990, "topics": ["seq"]},
            {"id": "attn", "year": 2014, "cites": ["rnn"], "prerequisites": ["rnn"], "topics": ["seq"]},
            {"id": "tf", "year": 2017, "cites": ["attn"], "prerequisites": ["self-attention"], "topics": ["tfm"],
             "arxiv": "1706.03762"},
        ],
        concepts=[{"id": "self-attention", "prerequisites": ["attn"]}],
        stories=[{"id": "tale", "paper": "tf"}],
        resources=[{"id": "sheet", "url": "https://example.org/sheet"}],
        summaries=[{"id": "tf", "paper": "tf", "prerequisites": ["sheet"], "topics": ["tfm"]}],
        topics=[{"id": "dl"}, {"id": "seq", "parent": "dl"}, {"id": "tfm", "parent": "dl"}],
        paths=[{"id": "start", "steps": ["attn", "tf"]}],
    )


def test_nodes_are_typed_and_prefixed() -> None:
    g = build_graph(full_kb())
    kinds = {n: d["kind"] for n, d in g.graph.nodes(data=True)}
    assert kinds == {
        "rnn": "paper", "attn": "paper", "tf": "paper", "self-attention": "concept", "tale": "story",
        "sheet": "resource", "summary:tf": "summary", "topic:dl": "topic", "topic:seq": "topic",
        "topic:tfm": "topic", "path:start": "path",
    }
    assert set(g.ordering) == {"rnn", "attn", "tf", "self-attention", "tale", "sheet"}
    urls = {n["id"]: n["url"] for n in graph_to_json(g, url_of=page_url)["nodes"]}
    assert urls["tf"] == "papers/tf/" and urls["summary:tf"] == "summaries/tf/"


def test_edge_kinds() -> None:
    g = build_graph(full_kb())
    edges = {(u, v): d["kind"] for u, v, d in g.graph.edges(data=True)}
    assert edges[("rnn", "attn")] == "prerequisite"  # prerequisite wins over cites on one pair
    assert edges[("attn", "tf")] == "cites"
    assert edges[("attn", "topic:seq")] == "in_topic"
    assert edges[("topic:dl", "topic:seq")] == "subtopic"
    assert edges[("summary:tf", "tf")] == "summarizes"
    assert edges[("summary:tf", "topic:tfm")] == "in_topic"
    assert edges[("sheet", "summary:tf")] == "prerequisite"
    assert edges[("tale", "tf")] == "about"
    assert edges[("path:start", "attn")] == "step"
    assert all(d["reason"] for _, _, d in g.graph.edges(data=True))


def test_ordering_holds_only_ordering_edges_and_summary_prerequisites_order_the_paper() -> None:
    g = build_graph(full_kb())
    assert sorted(g.ordering.edges(data="kind")) == [
        ("attn", "self-attention", "prerequisite"),
        ("attn", "tf", "cites"),
        ("rnn", "attn", "prerequisite"),
        ("self-attention", "tf", "prerequisite"),
        ("sheet", "tf", "prerequisite"),
    ]
    assert g.ordering.edges["sheet", "tf"]["via"] == "summary:tf"


def test_two_paper_citation_cycle_drops_the_older_papers_citation_of_the_newer() -> None:
    # a (2017) cites b (2018) and b cites a: "a cites b" points from newer b to older a.
    g = graph_of([("b", "a", "cites"), ("a", "b", "cites")], years={"a": 2017, "b": 2018})
    assert list(g.ordering.edges) == [("a", "b")]
    assert g.graph.has_edge("b", "a")  # the full graph keeps every fact
    [diag] = g.diagnostics
    assert (diag.code, diag.severity, diag.file, diag.line) == ("KB024", "warning", "papers.yaml", 1)
    assert "'a' (2017) cites 'b' (2018) cites 'a' (2017)" in diag.message
    assert "ignore that 'a' cites 'b'" in diag.message


def test_citation_cycle_same_year_breaks_by_id() -> None:
    g = graph_of([("x", "y", "cites"), ("y", "z", "cites"), ("z", "x", "cites")],
                 years={"x": 2020, "y": 2020, "z": 2020})
    # z -> x points from the larger id to the smaller: dropped.
    assert sorted(g.ordering.edges) == [("x", "y"), ("y", "z")]
    assert [d.code for d in g.diagnostics] == ["KB024"]
    assert nx.is_directed_acyclic_graph(g.ordering)


def test_cycle_prefers_dropping_a_citation_over_a_prerequisite() -> None:
    # b needs a (hard); a cites b (soft) although a is newer: the citation goes.
    g = graph_of([("a", "b", "prerequisite"), ("b", "a", "cites")], years={"a": 2020, "b": 2010})
    assert list(g.ordering.edges) == [("a", "b")]
    assert g.diagnostics[0].code == "KB024"


def test_summary_prerequisite_closing_a_cycle_is_dropped_with_a_warning() -> None:
    kb = make_kb(papers=[{"id": "p", "year": 2020}, {"id": "q", "year": 2021, "prerequisites": ["p"]}],
                 summaries=[{"id": "p", "paper": "p", "prerequisites": ["q"]}])
    g = build_graph(kb)
    assert list(g.ordering.edges) == [("p", "q")]
    [diag] = g.diagnostics
    assert diag.code == "KB019" and diag.severity == "warning" and diag.file == "content/summary/p"


def test_prerequisite_cycle_from_an_invalid_kb_never_hangs() -> None:
    g = graph_of([("a", "b"), ("b", "c"), ("c", "a")])
    assert nx.is_directed_acyclic_graph(g.ordering)
    assert g.diagnostics == []  # validation already reports KB019 errors


def test_many_cycles_all_broken() -> None:
    edges = [(f"n{i}", f"n{(i + 1) % 6}", "cites") for i in range(6)] + [("n3", "n0", "cites"), ("n5", "n2", "cites")]
    g = graph_of(edges, years={f"n{i}": 2000 + i % 3 for i in range(6)})
    assert nx.is_directed_acyclic_graph(g.ordering)
    assert all(d.code == "KB024" for d in g.diagnostics)
    assert len(g.diagnostics) == g.graph.number_of_edges() - g.ordering.number_of_edges()


def test_rank_ties_by_year_then_id() -> None:
    g = graph_of([("a", "d")], years={"a": 2010, "b": 2000, "c": 2000, "d": 1990})
    order = sorted(g.rank, key=g.rank.get)
    assert order == ["b", "c", "a", "d"]


def test_undated_entry_sorts_with_the_earliest_entry_needing_it() -> None:
    kb = make_kb(papers=[{"id": "old", "year": 1951, "prerequisites": ["sheet"]}, {"id": "mid", "year": 2000}],
                 resources=[{"id": "sheet", "url": "https://example.org"}, {"id": "alone", "url": "https://example.org"}])
    g = build_graph(kb)
    assert sorted(g.rank, key=g.rank.get) == ["sheet", "old", "mid", "alone"]


def test_importance_scaled_and_foundations_rank_high() -> None:
    g = graph_of([("root", "a"), ("root", "b"), ("root", "c"), ("a", "leaf")])
    assert max(g.importance.values()) == 1.0
    assert g.importance["root"] == 1.0
    assert all(0 <= v <= 1 for v in g.importance.values())


def test_disconnected_and_empty() -> None:
    g = build_graph(make_kb())
    assert g.rank == {} and g.importance == {}
    assert graph_to_json(g) == {"version": 1, "nodes": [], "edges": []}
    g = graph_of([("a", "b")], years={"z": 1999})
    assert set(g.rank) == {"a", "b", "z"}


def test_order_topologically_is_lexicographic_on_the_subset() -> None:
    g = nx.DiGraph([("m", "n"), ("x", "y")])
    g.add_node("o")
    key = {"m": 2020, "n": 1990, "o": 2000, "x": 1, "y": 2}
    assert order_topologically(["n", "o"], g.pred, g.succ, lambda v: (key[v], v)) == ["n", "o"]
    assert order_topologically(g.nodes, g.pred, g.succ, lambda v: (key[v], v)) == ["x", "y", "o", "m", "n"]
    g.add_edge("n", "m")
    with pytest.raises(nx.NetworkXUnfeasible):
        order_topologically(g.nodes, g.pred, g.succ, lambda v: (key[v], v))


def test_graph_json_matches_the_schema_and_is_sorted() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = graph_to_json(build_graph(full_kb()), url_of=page_url)
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    assert [n["id"] for n in data["nodes"]][:3] == ["attn", "rnn", "tf"]
    node = {n["id"]: n for n in data["nodes"]}
    assert node["tf"]["year"] == 2017 and node["topic:seq"]["importance"] is None
    assert {e["kind"] for e in data["edges"]} == {"prerequisite", "cites", "in_topic", "subtopic", "summarizes",
                                                  "about", "step"}


def test_graph_json_kinds_filter_keeps_edges_between_kept_nodes() -> None:
    data = graph_to_json(build_graph(full_kb()), kinds={"paper", "concept"}, url_of=page_url)
    assert {n["kind"] for n in data["nodes"]} == {"paper", "concept"}
    assert {e["kind"] for e in data["edges"]} == {"prerequisite", "cites"}


def test_graphml_and_dot_exports() -> None:
    g = build_graph(full_kb())
    text = "\n".join(nx.generate_graphml(graph_for_export(g)))
    assert 'key="d' in text and "topic:seq" in text
    kb = make_kb(papers=[{"id": "q", "title": 'A "quoted" {title}\\ with\nnewline'}])
    dot = render_dot(build_graph(kb))
    assert '"q" [label="A \\"quoted\\" {title}\\\\ with\\nnewline", kind="paper"];' in dot


def test_build_is_deterministic_regardless_of_list_order() -> None:
    a = graph_of([("a", "c", "cites"), ("b", "c", "cites"), ("c", "a", "cites")], years={"a": 2001, "b": 2001, "c": 2001})
    b = graph_of([("b", "c", "cites"), ("c", "a", "cites"), ("a", "c", "cites")], years={"a": 2001, "b": 2001, "c": 2001})
    assert graph_to_json(a) == graph_to_json(b)
    assert [d.message for d in a.diagnostics] == [d.message for d in b.diagnostics]


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_effective_year_of_undated_entries(data) -> None:
    n = data.draw(st.integers(1, 10))
    names = [f"p{i}" for i in range(n)]
    edges = [(names[i], names[j]) for j in range(n) for i in range(j) if data.draw(st.booleans())]
    years = {name: data.draw(st.one_of(st.none(), st.integers(1990, 1999))) for name in names}
    g = graph_of(edges, years={k: v for k, v in years.items()}, extra={})
    succ = {name: [v for u, v in edges if u == name] for name in names}

    @functools.lru_cache(maxsize=None)
    def effective(name: str) -> int:
        if years[name] is not None:
            return years[name]
        return min((effective(c) for c in succ[name]), default=10**6)

    for name in names:
        assert g.sort_key(name) == (effective(name), name)


def test_graph_diagnostics_matches_the_built_graph() -> None:
    from kbgen.graph import graph_diagnostics

    acyclic = make_kb(papers=[{"id": "a", "year": 2000}, {"id": "b", "year": 2001, "cites": ["a"]}])
    assert graph_diagnostics(acyclic) == []
    cyclic = make_kb(papers=[{"id": "a", "year": 2017, "cites": ["b"]}, {"id": "b", "year": 2018, "cites": ["a"]}])
    assert graph_diagnostics(cyclic) == build_graph(cyclic).diagnostics != []
    summary_cycle = make_kb(papers=[{"id": "p", "year": 2020}, {"id": "q", "year": 2021, "prerequisites": ["p"]}],
                            summaries=[{"id": "p", "paper": "p", "prerequisites": ["q"]}])
    assert [d.code for d in graph_diagnostics(summary_cycle)] == ["KB019"]
