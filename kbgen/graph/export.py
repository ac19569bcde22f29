"""The graph exported: node-link JSON (``kb.json``), GraphML and Graphviz DOT."""

from __future__ import annotations

import re
from typing import Callable, Iterator

import networkx as nx

from kbgen.core.kinds import NODE_KINDS
from kbgen.graph.build import EDGE_KINDS
from kbgen.graph.kbgraph import KBGraph

# Code points XML 1.0 forbids even escaped (most C0 controls, lone surrogates, U+FFFE/U+FFFF).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry, even escaped (GraphML, the Atom feed).

    >>> xml_safe("Attention\x1b[2J is all\x07 you need\ttoo")
    'Attention[2J is all you need\ttoo'
    """
    return _INVALID_XML.sub("", text) if _INVALID_XML.search(text) else text


def iter_nodes(g: KBGraph, kinds: set[str] | None = None) -> Iterator[tuple[str, dict]]:
    """``(node, attrs)`` of ``graph`` in export order: by kind, then id."""
    order = {kind: i for i, kind in enumerate(NODE_KINDS)}
    nodes = [(n, d) for n, d in g.graph.nodes(data=True) if kinds is None or d["kind"] in kinds]
    nodes.sort(key=lambda item: (order[item[1]["kind"]], item[0]))
    return iter(nodes)


def iter_edges(g: KBGraph, keep: set[str] | None = None) -> Iterator[tuple[str, str, dict]]:
    """``(u, v, attrs)`` of ``graph`` between kept nodes, sorted by kind, source, target."""
    order = {kind: i for i, kind in enumerate(EDGE_KINDS)}
    edges = [(u, v, d) for u, v, d in g.graph.edges(data=True)
             if keep is None or (u in keep and v in keep)]
    edges.sort(key=lambda e: (order[e[2]["kind"]], e[0], e[1]))
    return iter(edges)


def graph_to_json(g: KBGraph, kinds: set[str] | None = None,
                  url_of: Callable[[str, str], str] | None = None) -> dict:
    """The node-link form of ``kb.json`` (``kbgen/site/assets/kb.schema.json``).

    ``kinds`` keeps only nodes of those kinds and the edges between them.
    Node ``importance`` is set for entities, ``None`` for the prefixed kinds.
    ``url_of(kind, id)`` gives each node's page URL (:func:`kbgen.site.urls.page_url`).

    >>> from kbgen.core.kb import KnowledgeBase
    >>> from kbgen.graph.build import build_graph
    >>> from kbgen.core.models import Paper
    >>> data = graph_to_json(build_graph(KnowledgeBase(papers={"a": Paper(id="a", title="A")})),
    ...                      url_of=lambda kind, ident: f"{kind}s/{ident}/")
    >>> data["nodes"][0]["url"], data["edges"]
    ('papers/a/', [])
    """
    importance = g.importance
    nodes = []
    for node, attrs in iter_nodes(g, kinds):
        nodes.append({
            "id": node,
            "kind": attrs["kind"],
            "title": attrs["title"],
            "year": attrs.get("year"),
            "topics": list(dict.fromkeys(attrs.get("topics") or [])),
            "url": url_of(attrs["kind"], node.split(":", 1)[1] if ":" in node else node) if url_of else None,
            "difficulty": attrs.get("difficulty"),
            "reading_time": attrs.get("reading_time"),
            "importance": importance.get(node),
            "short": attrs.get("short"),
            "aliases": list(attrs.get("aliases") or []),
        })
    keep = {n["id"] for n in nodes} if kinds is not None else None
    edges = [{"source": u, "target": v, "kind": d["kind"], "reason": d.get("reason")}
             for u, v, d in iter_edges(g, keep)]
    return {"version": 1, "nodes": nodes, "edges": edges}


def graph_for_export(g: KBGraph, kinds: set[str] | None = None,
                     url_of: Callable[[str, str], str] | None = None) -> nx.DiGraph:
    """A copy of ``graph`` with scalar attributes only, for GraphML.

    GraphML holds neither lists nor None: topics become a comma-separated
    string and a missing value is left out, so numbers keep their types.
    Every string is :func:`xml_safe`: a title with ESC or BEL in it made the
    GraphML file invalid XML.
    """
    data = graph_to_json(g, kinds, url_of)
    out = nx.DiGraph()
    for node in data["nodes"]:
        out.add_node(xml_safe(node["id"]),
                     **{k: _scalar(v) for k, v in node.items() if k != "id" and v is not None})
    for edge in data["edges"]:
        out.add_edge(xml_safe(edge["source"]), xml_safe(edge["target"]),
                     **{k: _scalar(v) for k, v in edge.items() if k in ("kind", "reason") and v is not None})
    return out


def _scalar(value):
    if isinstance(value, list):
        value = ",".join(value)
    return xml_safe(value) if isinstance(value, str) else value


def _dot_quote(value: str) -> str:
    text = xml_safe(str(value)).replace("\r", " ")  # Graphviz reads labels as text too
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_dot(g: KBGraph, kinds: set[str] | None = None) -> str:
    """The graph in Graphviz DOT, every id and label quoted.

    >>> from kbgen.core.kb import KnowledgeBase
    >>> from kbgen.graph.build import build_graph
    >>> from kbgen.core.models import Paper
    >>> print(render_dot(build_graph(KnowledgeBase(papers={"a": Paper(id="a", title='Say "hi"')}))), end="")
    digraph kbgen {
      "a" [label="Say \\"hi\\"", kind="paper"];
    }
    """
    data = graph_to_json(g, kinds)
    lines = ["digraph kbgen {"]
    for node in data["nodes"]:
        lines.append(f"  {_dot_quote(node['id'])} [label={_dot_quote(node['title'])}, kind={_dot_quote(node['kind'])}];")
    for edge in data["edges"]:
        lines.append(f"  {_dot_quote(edge['source'])} -> {_dot_quote(edge['target'])} "
                     f"[kind={_dot_quote(edge['kind'])}, label={_dot_quote(edge['kind'])}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
