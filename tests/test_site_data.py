"""kbgen.site.data: the browser's data files are bounded, complete where they claim to be, and valid scripts."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess

import pytest

from kbgen.graph import build_graph
from kbgen.site.data import (
    MIN_GAP,
    NAME_PREFIX,
    NAME_PREFIX_MAX,
    Limits,
    data_script,
    name_shard,
    normalise_name,
    paper_weights,
    render_data_files,
    short_label,
)
from tests.kbload import load_kb
from tests.synthetic import synthetic_kb

from .conftest import REPO

KEY_RE = re.compile(r"^[a-z0-9_-]+(?:/[a-z0-9_-]+)*$")  # js/data.js loads only such keys
SMALL = Limits(overview=25, lineage=8, neighbours=6, names=12)


def payloads(files: dict[str, str]) -> dict[str, object]:
    """What each data file hands to the page, by key (read as the browser would: run it)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = """
const vm = require("vm");
const files = JSON.parse(require("fs").readFileSync(0, "utf8"));
const got = {};
for (const [uri, text] of Object.entries(files)) {
  const calls = [];
  vm.runInNewContext(text, { kbgenData: (key, payload) => calls.push([key, payload]) });
  if (calls.length !== 1 || calls[0][0] + ".js" !== uri) throw new Error("bad data file " + uri);
  got[calls[0][0]] = calls[0][1];
}
process.stdout.write(JSON.stringify(got));
"""
    result = subprocess.run([node, "-e", script], input=json.dumps(files), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def example():
    kb, _ = load_kb(REPO)
    graph = build_graph(kb)
    return kb, graph, payloads(render_data_files(kb, graph))


@pytest.fixture(scope="module")
def large():
    kb = synthetic_kb()
    graph = build_graph(kb)
    files = render_data_files(kb, graph, SMALL)
    return kb, graph, files, payloads(files)


def entity_edges(graph) -> set[tuple[str, str, str]]:
    kinds = {"paper", "concept", "story", "resource"}
    nodes = graph.graph.nodes
    return {(u, v, d["kind"]) for u, v, d in graph.graph.edges(data=True)
            if d["kind"] in ("prerequisite", "cites") and nodes[u]["kind"] in kinds and nodes[v]["kind"] in kinds}


def edges_of(payload: dict) -> set[tuple[str, str, str]]:
    ids = [n["id"] for n in payload["nodes"]]
    return {(ids[a], ids[b], payload["edgeKinds"][k] if "edgeKinds" in payload else ("prerequisite", "cites")[k])
            for a, b, k in payload["edges"]}


def test_example_overview_is_the_whole_graph(example) -> None:
    kb, graph, data = example
    overview = data["graph/overview"]
    assert overview["complete"] is True and "nameFiles" not in overview
    assert {n["id"] for n in overview["nodes"]} == kb.entity_ids() and overview["total"] == len(kb.entity_ids())
    assert edges_of(overview) == entity_edges(graph)
    assert [k["name"] for k in overview["kinds"]] == ["paper", "concept", "story", "resource"]
    vit = next(n for n in overview["nodes"] if n["id"] == "vit")
    assert vit["label"] == "ViT" and vit["url"] == "papers/vit/" and "Vision Transformer" in vit["aliases"]
    # Small sites need no other graph file.
    assert set(data) == {"graph/overview"} | {f"topics/{t}/lineage" for t in kb.topics}


def test_overview_positions_keep_linked_nodes_apart(example) -> None:
    _, _, data = example
    overview = data["graph/overview"]
    linked = {i for a, b, _ in overview["edges"] for i in (a, b)}
    placed = [n for n in overview["nodes"] if "x" in n]
    assert {i for i, n in enumerate(overview["nodes"]) if "x" in n} == linked
    closest = min(math.dist((a["x"], a["y"]), (b["x"], b["y"])) for i, a in enumerate(placed) for b in placed[i + 1:])
    assert closest >= MIN_GAP * 0.8


def test_paper_weights_rank_papers_among_papers() -> None:
    kb = synthetic_kb(30)
    graph = build_graph(kb)
    weights = paper_weights(graph.ordering)
    assert set(weights) == set(kb.papers)  # the cheat sheet every paper needs gets no size from it
    assert max(weights.values()) == 1.0
    cited = {p: sum(p in q.cites for q in kb.papers.values()) for p in kb.papers}
    assert cited[max(weights, key=weights.get)] >= sorted(cited.values())[-3]
    assert graph.importance["cheat-sheet"] == 1.0  # ...whereas the graph's own importance puts it first


def test_a_large_graph_gets_a_bounded_overview_and_every_neighbourhood(large) -> None:
    kb, graph, _, data = large
    overview = data["graph/overview"]
    order = sorted(kb.entity_ids(), key=lambda n: (-graph.importance.get(n, 0.0), n))
    assert overview["complete"] is False and overview["total"] == len(order)
    assert [n["id"] for n in overview["nodes"]] == order[:SMALL.overview]
    every = entity_edges(graph)
    for node in order:
        hood = data[f"graph/nodes/{node}"]
        around = {v for u, v, _ in every if u == node} | {u for u, v, _ in every if v == node}
        ids = [n["id"] for n in hood["nodes"]]
        assert ids[0] == node and set(ids[1:]) <= around and len(ids) - 1 == min(len(around), SMALL.neighbours)
        assert hood["more"] == len(around) - (len(ids) - 1)
        assert edges_of(hood) == {e for e in every if e[0] in ids and e[1] in ids}


def lookup(data: dict, files: list[str], text: str) -> set[str]:
    """The browser's look-up (js/names.js): the names file of the longest listed prefix, exact matches."""
    key = normalise_name(text)
    for length in range(max(map(len, files)), 0, -1):
        if name_shard(key, length) in files:
            return {row[2] for row in data[f"graph/names/{name_shard(key, length)}"]["entries"] if row[0] == key}
    return set()


def test_every_name_of_every_entity_is_found(large) -> None:
    kb, _, _, data = large
    files = data["graph/overview"]["nameFiles"]
    for kind, entity in kb.iter_entities():
        names = [entity.id, entity.title, getattr(entity, "short", None) or entity.id, *getattr(entity, "aliases", [])]
        for name in names:
            assert entity.id in lookup(data, files, name.upper() + "!"), (kind, entity.id, name)
    assert lookup(data, files, "no such paper at all") == set()
    for prefix in files:
        entries = data[f"graph/names/{prefix}"]["entries"]
        assert len(entries) <= SMALL.names or len(prefix) == NAME_PREFIX_MAX
        assert NAME_PREFIX <= len(prefix) and all(name_shard(row[0], len(prefix)) == prefix for row in entries)


def test_lineages_hold_the_topic_s_most_important_dated_papers(large) -> None:
    kb, graph, _, data = large
    weights = paper_weights(graph.ordering)
    members = {"cnn": {p for p, x in kb.papers.items() if "cnn" in x.topics}}
    members["vision"] = {p for p, x in kb.papers.items() if "vision" in x.topics} | members["cnn"]
    members["nlp"] = {p for p, x in kb.papers.items() if "nlp" in x.topics}
    for topic, papers in members.items():
        lineage = data[f"topics/{topic}/lineage"]
        dated = sorted((p for p in papers if kb.papers[p].year is not None), key=lambda p: -weights[p])
        ids = {n["id"] for n in lineage["nodes"]}
        assert lineage["total"] == len(papers) and lineage["dated"] == len(dated)
        assert len(ids) == min(SMALL.lineage, len(dated)) and ids <= set(dated)
        assert min(weights[p] for p in ids) >= weights[dated[len(ids) - 1]]
        assert all(n["year"] for n in lineage["nodes"])


def test_data_files_have_keys_the_browser_loads(large, example) -> None:
    _, _, files, _ = large
    assert all(KEY_RE.match(uri[: -len(".js")]) and uri.endswith(".js") for uri in files)


def test_data_scripts_keep_hostile_text_inside_strings() -> None:
    hostile = '"); alert(1); ("</script>\u2028\u2029'
    got = payloads({"graph/overview.js": data_script("graph/overview", {"title": hostile})})
    assert got == {"graph/overview": {"title": hostile}}
    assert "\u2028" not in data_script("k", {"t": hostile})


def test_labels_fall_back_to_a_shortened_title() -> None:
    assert short_label("A" * 40) == "A" * 22 + "…"  # at most LABEL_CHARS and the ellipsis
    assert len(short_label("Learning Transferable Visual Models From Natural Language Supervision")) <= 23
    assert short_label("GPT-4 Technical Report", "GPT-4") == "GPT-4"
