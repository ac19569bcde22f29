"""``kbgen graph``: export the knowledge base's typed graph."""

from __future__ import annotations

import argparse
import json
import sys

from kbgen.cli.common import EXIT_OK, add_root_argument, load_checked

NAME = "graph"
ORDER = 23
HELP = "export the graph as JSON (kb.json's node-link shape), GraphML or Graphviz DOT"
DESCRIPTION = (
    "Write the whole typed graph to standard output: nodes are papers, concepts, stories, "
    "resources, summaries, topics and paths; edges are prerequisite, cites, in_topic, subtopic, "
    "summarizes, about and step. --kinds keeps only some node kinds and the edges between them."
)


def _kinds(value: str) -> set[str]:
    from kbgen.core.kinds import NODE_KINDS

    kinds = {k.strip() for k in value.split(",") if k.strip()}
    wrong = sorted(kinds - set(NODE_KINDS))
    if wrong or not kinds:
        raise argparse.ArgumentTypeError(
            f"unknown kind{'s' * (len(wrong) > 1)} {', '.join(wrong) or '(none given)'}; "
            f"choose from {','.join(NODE_KINDS)}")
    return kinds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["json", "graphml", "dot"], default="json",
                        help="json (default; the kb.json shape), graphml or dot")
    parser.add_argument("--kinds", type=_kinds, metavar="KIND,...",
                        help="node kinds to keep, e.g. paper,concept (default: all)")
    add_root_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kbgen.graph import graph_for_export, graph_to_json, render_dot
    from kbgen.site.urls import page_url

    g = load_checked(args).graph
    if args.format == "json":
        text = json.dumps(graph_to_json(g, args.kinds, page_url), indent=1, ensure_ascii=False) + "\n"
    elif args.format == "dot":
        text = render_dot(g, args.kinds)
    else:
        import networkx as nx

        text = "\n".join(nx.generate_graphml(graph_for_export(g, args.kinds, page_url))) + "\n"
    sys.stdout.write(text)
    return EXIT_OK
