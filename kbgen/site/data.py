"""Data files for the browser scripts: the graph explorer's overview, neighbourhoods and names, topic lineages.

A page fetches only what it shows, so its download stays bounded however
large the knowledge base grows (the whole graph stays available as
``kb.json`` for tools):

==============================  =================================================================
``graph/overview.js``           the :attr:`Limits.overview` most important entities, their edges,
                                precomputed positions, the topics and the kinds table
``graph/nodes/<id>.js``         one entity's neighbourhood (only when the overview is not the
                                whole graph)
``graph/names/<xx>.js``         every id, short name, alias and title whose normalised form starts
                                with ``xx`` (same condition)
``topics/<id>/lineage.js``      the topic's most important dated papers and their edges
==============================  =================================================================

Each file is a classic script, ``kbgenData("<key>", <JSON>);``, not a JSON
file: a page opened from disk (``file://``, an unzipped offline site) may
load scripts but not fetch files, so the same files serve both. The payload
is JSON made by :func:`json.dumps`, so contributor text stays inside string
literals; the browser places it with ``textContent`` only.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

import networkx as nx
import numpy as np

from kbgen.core.kb import KnowledgeBase
from kbgen.core.kinds import ENTITY_KINDS, kinds_json
from kbgen.site.urls import page_url


@dataclass(frozen=True)
class Limits:
    """What bounds each data file, whatever the size of the knowledge base."""

    #: Entities in the graph overview; up to this many, the overview is the whole graph.
    overview: int = 1000
    #: Dated papers drawn in a topic's lineage (the most important of the topic).
    lineage: int = 150
    #: Neighbours listed in one neighbourhood file (the most important).
    neighbours: int = 200
    #: Names in one names file, unless they share a prefix of NAME_PREFIX_MAX characters.
    names: int = 400


#: Characters of a normalised name that choose its names file: at least, and at most.
NAME_PREFIX = 2
NAME_PREFIX_MAX = 24
#: Closest two overview nodes may be, in pixels at zoom 1.
MIN_GAP = 40
#: Labels fall back to the title cut to about this many characters.
LABEL_CHARS = 22
EDGE_KINDS = ("prerequisite", "cites")
OVERVIEW_KEY = "graph/overview"
_NAME_FIELDS = ("id", "short", "alias", "title")


def data_script(key: str, payload: Any) -> str:
    """The text of one data file: a call that hands ``payload`` to the page.

    U+2028 and U+2029 are escaped: they end a line in JavaScript engines
    older than ES2019.

    >>> data_script("graph/overview", {"a": "x\\u2028y"})
    'kbgenData("graph/overview",{"a":"x\\\\u2028y"});\\n'
    """
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"kbgenData({json.dumps(key)},{text});\n"


def data_uri(key: str) -> str:
    """The docs-dir URI of a data file (``graph/overview`` -> ``graph/overview.js``)."""
    return f"{key}.js"


def normalise_name(text: str) -> str:
    """A name as the entry box compares it: accents, case, spaces and punctuation aside.

    The browser (``js/names.js``) computes the same form.

    >>> normalise_name("Vision Transformer"), normalise_name("GPT-3"), normalise_name("Schölkopf's SVM")
    ('visiontransformer', 'gpt3', 'scholkopfssvm')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.lower() if c.isalnum() and not unicodedata.combining(c))


def name_shard(key: str, length: int = 2) -> str:
    """The first ``length`` characters of a normalised name, ``_`` for anything not ASCII or missing.

    Names files are named by these prefixes (:func:`name_files`).

    >>> name_shard("vit"), name_shard("a"), name_shard("αβγ"), name_shard("uber", 3)
    ('vi', 'a_', '__', 'ube')
    """
    head = (key + "_" * length)[:length]
    return "".join(c if c.isascii() and c.isalnum() else "_" for c in head)


def short_label(title: str, short: str | None = None, limit: int = LABEL_CHARS) -> str:
    """The label of a node where space is short: its short name, else a shortened title.

    A title's part before a colon is used when short enough ("BERT: Pre-training…" is
    BERT); otherwise whole words up to ``limit`` characters and an ellipsis.

    >>> short_label("An Image is Worth 16x16 Words", "ViT")
    'ViT'
    >>> short_label("BERT: Pre-training of Deep Bidirectional Transformers")
    'BERT'
    >>> short_label("Deep Residual Learning for Image Recognition")
    'Deep Residual Learning…'
    """
    if short:
        return short
    text = " ".join(title.split())
    head = text.split(":", 1)[0].strip()
    if head != text and 0 < len(head) <= limit:
        return head
    if len(text) <= limit:
        return text
    words, out = text.split(" "), ""
    for word in words:
        if out and len(out) + 1 + len(word) > limit:
            break
        out = f"{out} {word}" if out else word
    return (out[:limit]).rstrip(" ,;.-") + "…"


def paper_weights(ordering: nx.DiGraph) -> dict[str, float]:
    """Importance among the papers: how many papers of the knowledge base build on each, the top 1.0.

    Counted over the papers' own edges (citations and prerequisites), with
    PageRank as a small tie-break; concepts and resources are left out, so a
    cheat sheet many papers list as a prerequisite does not outweigh the papers
    (the graph's node size). Direct counts rather than PageRank alone, because
    PageRank piles weight on the oldest foundations and leaves a paper such as
    ViT, which a dozen later papers build on, among the small dots.
    """
    papers = [n for n, d in ordering.nodes(data=True) if d.get("kind") == "paper"]
    sub = ordering.subgraph(papers)
    if sub.number_of_edges() == 0:
        return {p: 0.0 for p in papers}
    ranks = nx.pagerank(sub.reverse(copy=False))
    top_rank = max(ranks.values()) or 1.0
    raw = {p: sub.out_degree(p) + 0.5 * ranks[p] / top_rank for p in papers}
    top = max(raw.values()) or 1.0
    return {p: round(raw[p] / top, 4) for p in papers}


def layout_positions(count: int, edges: Iterable[tuple[int, int]], iterations: int = 40) -> np.ndarray:
    """Force-directed positions (Fruchterman-Reingold, seeded) of ``count`` nodes, in pixels at zoom 1.

    Computed once at build time, so the browser draws a 1,000-node overview at
    once and every reader sees the same picture.
    """
    pos = np.random.default_rng(1).random((count, 2), dtype=np.float32)
    if count < 2:
        return pos * 0
    adjacency = np.zeros((count, count), dtype=np.float32)
    pairs = np.asarray(list(edges), dtype=np.int64).reshape(-1, 2)
    adjacency[pairs[:, 0], pairs[:, 1]] = 1
    adjacency[pairs[:, 1], pairs[:, 0]] = 1
    k = np.float32(math.sqrt(1.0 / count))
    step = np.float32(0.1)
    cool = step / np.float32(iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta ** 2).sum(-1))
        np.clip(dist, 0.01, None, out=dist)
        force = k * k / dist ** 2 - adjacency * dist / k
        disp = (delta * force[:, :, None]).sum(1)
        length = np.sqrt((disp ** 2).sum(-1))
        np.clip(length, 0.01, None, out=length)
        pos += disp * (step / length)[:, None]
        step -= cool
    # Citation graphs have a dense core: spread it (radius r -> r ** 0.6), then push apart
    # nodes closer than MIN_GAP pixels.
    pos -= pos.mean(0)
    radius = np.sqrt((pos ** 2).sum(-1, keepdims=True))
    top = float(radius.max()) or 1.0
    pos *= np.where(radius > 0, (radius / top) ** 0.6 * top / np.maximum(radius, 1e-9), 1)
    pos *= np.float32(36 * math.sqrt(count) / (float(np.abs(pos).max()) or 1.0))
    for _ in range(20):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta ** 2).sum(-1))
        np.fill_diagonal(dist, np.inf)
        push = np.clip(MIN_GAP - dist, 0, None) / np.maximum(dist, 0.5) / 2
        if not push.any():
            break
        pos += (delta * push[:, :, None]).sum(1)
    return pos


class _Graph:
    """The entities and their ordering edges, as the data files need them."""

    def __init__(self, kb: KnowledgeBase, graph: Any):
        self.kb = kb
        g = graph.graph
        self.kinds = {k.name for k in ENTITY_KINDS}
        self.attrs = {n: d for n, d in g.nodes(data=True) if d["kind"] in self.kinds}
        importance = graph.importance
        self.weights = paper_weights(graph.ordering)
        self.order = sorted(self.attrs, key=lambda n: (-importance.get(n, 0.0), n))
        self.position = {n: i for i, n in enumerate(self.order)}
        #: ``out[u][v]``: the kind (index in EDGE_KINDS) of the edge u -> v; ``around``: both directions.
        self.out: dict[str, dict[str, int]] = {n: {} for n in self.attrs}
        self.around: dict[str, set[str]] = {n: set() for n in self.attrs}
        for u, v, d in g.edges(data=True):
            if d["kind"] in EDGE_KINDS and u in self.attrs and v in self.attrs and u != v:
                self.out[u][v] = EDGE_KINDS.index(d["kind"])
                self.around[u].add(v)
                self.around[v].add(u)

    def record(self, node: str) -> dict:
        """What the browser knows of one entity (empty fields left out)."""
        d = self.attrs[node]
        rec = {"id": node, "kind": d["kind"], "title": d["title"], "label": short_label(d["title"], d.get("short")),
               "url": page_url(d["kind"], node)}
        optional = {"short": d.get("short"), "aliases": list(d.get("aliases") or []), "year": d.get("year"),
                    "weight": self.weights.get(node), "topics": list(dict.fromkeys(d.get("topics") or []))}
        rec.update({k: v for k, v in optional.items() if v not in (None, [])})
        return rec

    def subgraph(self, nodes: list[str]) -> dict:
        """Records of ``nodes`` and the edges between them as ``[source, target, kind]`` indexes."""
        index = {n: i for i, n in enumerate(nodes)}
        edges = sorted([i, index[v], k] for i, u in enumerate(nodes) for v, k in self.out[u].items() if v in index)
        return {"nodes": [self.record(n) for n in nodes], "edges": edges}

    def names(self, node: str) -> Iterable[tuple[str, int]]:
        """``(normalised name, field)`` of an entity: its id, short name, aliases and title."""
        d = self.attrs[node]
        values = [(node, 0), (d.get("short") or "", 1)] + [(a, 2) for a in d.get("aliases") or ()] + [(d["title"], 3)]
        seen = set()
        for value, field in values:
            key = normalise_name(value)
            if key and key not in seen:
                seen.add(key)
                yield key, field


def overview(graph: _Graph, kb: KnowledgeBase, limit: int) -> dict:
    """The graph page's first download: the ``limit`` most important entities, placed, with their edges."""
    nodes = graph.order[:limit]
    data = graph.subgraph(nodes)
    linked = sorted({i for e in data["edges"] for i in e[:2]})
    if linked:
        where = {n: i for i, n in enumerate(linked)}
        positions = layout_positions(len(linked), ((where[a], where[b]) for a, b, _ in data["edges"]))
        for i, (x, y) in zip(linked, positions.tolist()):
            data["nodes"][i]["x"], data["nodes"][i]["y"] = round(x), round(y)
    counts: dict[str, int] = {}
    for node in graph.order:
        counts[graph.attrs[node]["kind"]] = counts.get(graph.attrs[node]["kind"], 0) + 1
    table = kinds_json()
    data.update({
        "version": 1,
        "complete": len(nodes) == len(graph.order),
        "total": len(graph.order),
        "counts": counts,
        "kinds": [{"name": k.name, "label": table[k.name]["label"], "plural": table[k.name]["plural"]}
                  for k in ENTITY_KINDS],
        "edgeKinds": list(EDGE_KINDS),
        "topics": [{"id": t.id, "title": t.name, **({"parent": t.parent} if t.parent in kb.topics else {})}
                   for t in sorted(kb.topics.values(), key=lambda t: t.id)],
    })
    return data


def neighbourhood(graph: _Graph, node: str, limit: int) -> dict:
    """One entity and its ``limit`` most important neighbours over prerequisite and citation edges."""
    around = sorted(graph.around[node], key=graph.position.__getitem__)
    data = graph.subgraph([node] + around[:limit])
    data.update({"id": node, "more": max(0, len(around) - limit)})
    return data


def name_files(graph: _Graph, limit: int) -> dict[str, dict]:
    """The entry box's look-up: every normalised name, in files by prefix.

    A prefix with more than ``limit`` names is split by one
    more character, so no file grows with the knowledge base; the overview
    lists the files, and the browser reads the one of the longest listed
    prefix of what the reader typed.
    """
    entries = sorted([key, field, node, short_label(graph.attrs[node]["title"], graph.attrs[node].get("short")),
                      graph.attrs[node]["title"]] for node in graph.order for key, field in graph.names(node))
    files: dict[str, dict] = {}
    todo = [(NAME_PREFIX, entries)]
    while todo:
        length, group = todo.pop()
        parts: dict[str, list] = {}
        for entry in group:
            parts.setdefault(name_shard(entry[0], length), []).append(entry)
        for prefix, part in parts.items():
            if len(part) > limit and length < NAME_PREFIX_MAX:
                todo.append((length + 1, part))
            else:
                files[prefix] = {"fields": list(_NAME_FIELDS), "entries": part}
    return files


def topic_members(kb: KnowledgeBase) -> dict[str, set[str]]:
    """Papers of each topic, subtopics included."""
    parents = {t.id: t.parent for t in kb.topics.values() if t.parent in kb.topics and t.parent != t.id}
    members: dict[str, set[str]] = {t: set() for t in kb.topics}
    for paper in kb.papers.values():
        for topic in paper.topics:
            seen = set()
            while topic in members and topic not in seen:
                seen.add(topic)
                members[topic].add(paper.id)
                topic = parents.get(topic)
    return members


def lineage(graph: _Graph, kb: KnowledgeBase, topic: str, papers: set[str], limit: int) -> dict:
    """A topic's lineage: its ``limit`` most important dated papers on a year axis, and their edges."""
    dated = [p for p in papers if p in graph.attrs and graph.attrs[p].get("year") is not None]
    dated.sort(key=lambda p: (-graph.weights.get(p, 0.0), graph.position[p]))
    data = graph.subgraph(sorted(dated[:limit], key=graph.position.__getitem__))
    data.update({"topic": topic, "title": kb.topics[topic].name, "total": len(papers),
                 "dated": len(dated)})
    return data


def render_data_files(kb: KnowledgeBase, graph: Any, limits: Limits = Limits()) -> dict[str, str]:
    """Every data file the browser scripts read, ``{docs-dir uri: text}`` (see the module docs).

    ``graph`` is the :class:`kbgen.graph.KBGraph` of ``kb``.
    """
    g = _Graph(kb, graph)
    data = overview(g, kb, limits.overview)
    files = {}
    if not data["complete"]:
        for node in g.order:
            key = f"graph/nodes/{node}"
            files[data_uri(key)] = data_script(key, neighbourhood(g, node, limits.neighbours))
        names = name_files(g, limits.names)
        for shard, payload in names.items():
            key = f"graph/names/{shard}"
            files[data_uri(key)] = data_script(key, payload)
        data["nameFiles"] = sorted(names)
    files[data_uri(OVERVIEW_KEY)] = data_script(OVERVIEW_KEY, data)
    for topic, papers in topic_members(kb).items():
        key = f"topics/{topic}/lineage"
        files[data_uri(key)] = data_script(key, lineage(g, kb, topic, papers, limits.lineage))
    return files
