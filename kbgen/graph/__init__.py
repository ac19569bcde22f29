"""The typed graph of a knowledge base: build it, break its cycles, order it, export it."""

from kbgen.graph.build import EDGE_KINDS, build_graph, graph_diagnostics, paused_gc
from kbgen.graph.export import graph_for_export, graph_to_json, render_dot
from kbgen.graph.kbgraph import KBGraph
from kbgen.graph.order import order_topologically

__all__ = ["EDGE_KINDS", "KBGraph", "build_graph", "graph_diagnostics", "graph_for_export", "graph_to_json",
           "order_topologically", "paused_gc", "render_dot"]
