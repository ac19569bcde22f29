"""Mermaid diagrams: the one place that writes Mermaid, for the CLI and the site alike.

Two charts: :func:`path_chart`, the transitive reduction of a reading path's
ordering edges (``kbgen path --format mermaid`` and the path pages), and
:func:`neighbourhood_chart`, what comes before and after one entry (paper
pages). Node ids come from entity ids (:func:`mermaid_id`), so a chart reads
the same from one build to the next; a node may carry a link
(``click <id> href "<url>"``).

Labels are entity-coded (Mermaid reads ``#35;``-style codes in quoted
labels), so quotes, brackets and angle brackets in a title cannot break out
of a label.

>>> print(neighbourhood_chart(("vit", "ViT"), [("resnet", "ResNet", "prerequisite")], [],
...                           href={"resnet": "../resnet/"}.get), end="")
flowchart LR
  n_vit["ViT"]
  n_resnet["ResNet"]
  n_resnet --> n_vit
  click n_resnet href "../resnet/"
  classDef kbself stroke-width:3px;
  class n_vit kbself;
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Sequence

import networkx as nx

from kbgen.graph import KBGraph
from kbgen.reading.paths import ReadingPlan, Step

#: Longest title a node shows when the entry has no short name, in characters.
NODE_TITLE_LIMIT = 32

_MERMAID_SAFE = set(" .,:;!?'/+=-()")
#: Characters a ``click`` URL may keep; anything else is percent-encoded (a quote cannot end it).
_URL_SAFE = re.compile(r"[^A-Za-z0-9/._~#%-]")


def mermaid_id(entity_id: str) -> str:
    """A Mermaid node id for an entity: prefixed (so ``end`` is no keyword), ``-`` as ``_``.

    >>> mermaid_id("end"), mermaid_id("attention-is-all-you-need")
    ('n_end', 'n_attention_is_all_you_need')
    """
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", entity_id)


def escape_mermaid(text: str) -> str:
    """Entity-code every character that could end or alter a quoted Mermaid label.

    >>> escape_mermaid('Say "hi" [now] <b> & #1')
    'Say #34;hi#34; #91;now#93; #60;b#62; #38; #35;1'
    """
    return "".join(ch if ch.isalnum() or ch in _MERMAID_SAFE else f"#{ord(ch)};" for ch in text)


def mermaid_label(title: str, year: int | None = None, limit: int = 48) -> str:
    """A Mermaid node label: shortened, with every special character as an entity code.

    >>> mermaid_label('Say "hi" <b>', 2020)
    'Say #34;hi#34; #60;b#62; (2020)'
    """
    text = " ".join(title.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    if year:
        text = f"{text} ({year})"
    return escape_mermaid(text)


def node_text(short: str | None, title: str, limit: int = NODE_TITLE_LIMIT) -> str:
    """What a node says (unescaped): the short name, or the title cut at a word.

    >>> node_text("ViT", "An Image is Worth 16x16 Words"), node_text(None, "Deep Residual Learning for Image Recognition")
    ('ViT', 'Deep Residual Learning for…')
    """
    return short or shorten(title, limit)


def shorten(text: str, limit: int) -> str:
    """``text`` cut at the last word boundary before ``limit`` characters, with an ellipsis.

    >>> shorten("Deep Residual Learning for Image Recognition", 24), shorten("Short", 24)
    ('Deep Residual Learning…', 'Short')
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" :;,.-—") + "…"


def _click(node: str, url: str | None) -> list[str]:
    return [f'  click {node} href "{_URL_SAFE.sub(lambda m: f"%{ord(m.group()):02X}", url)}"'] if url else []


def _arrow(kind: str) -> str:
    return "-->" if kind == "prerequisite" else "-.->"


def path_chart(plan: ReadingPlan, g: KBGraph, *, label: Callable[[Step], str] | None = None,
               href: Callable[[str], str | None] | None = None) -> str:
    """A flowchart of the path's transitive reduction: only the edges that show the order.

    Prerequisites are solid arrows, citations dotted; targets are drawn bold.
    ``label(step)`` is a node's text (default: title and year); ``href(id)``
    a node's link (default: none).
    """
    position = {s.id: i for i, s in enumerate(plan.steps)}
    hard_only = getattr(plan, "hard_only", False)
    dag = nx.DiGraph()
    dag.add_nodes_from(position)
    for u in position:
        for v, data in g.ordering.succ[u].items():
            if v in position and (not hard_only or data["kind"] == "prerequisite"):
                dag.add_edge(u, v)
    reduced = nx.transitive_reduction(dag) if dag.number_of_edges() else dag
    lines = ["flowchart TD"]
    for step in plan.steps:
        text = label(step) if label is not None else step.title + (f" ({step.year})" if step.year else "")
        lines.append(f'  {mermaid_id(step.id)}["{escape_mermaid(text)}"]')
    for u, v in sorted(reduced.edges, key=lambda e: (position[e[1]], position[e[0]])):
        lines.append(f"  {mermaid_id(u)} {_arrow(g.ordering.edges[u, v]['kind'])} {mermaid_id(v)}")
    if href is not None:
        for step in plan.steps:
            lines += _click(mermaid_id(step.id), href(step.id))
    targets = [t for t in plan.targets if t in position]
    if targets:
        lines.append("  classDef target stroke-width:3px;")
        lines.append(f"  class {','.join(mermaid_id(t) for t in targets)} target;")
    return "\n".join(lines) + "\n"


def neighbourhood_chart(centre: tuple[str, str], before: Sequence[tuple[str, str, str]],
                        after: Sequence[tuple[str, str, str]], *,
                        href: Callable[[str], str | None] | None = None) -> str:
    """A left-to-right flowchart: ``before`` entries point at ``centre``, which points at ``after``.

    ``centre`` is ``(id, text)``; ``before`` and ``after`` are ``(id, text,
    edge kind)``, in the order to draw them. An id in both is drawn once,
    before. As in :func:`path_chart`, a prerequisite is a solid arrow and a
    citation a dotted one: unlabelled edges keep the chart narrow enough to read.
    """
    centre_id = mermaid_id(centre[0])
    lines = ["flowchart LR", f'  {centre_id}["{escape_mermaid(centre[1])}"]']
    seen = {centre[0]}
    edges: list[str] = []
    drawn: list[str] = []

    def node(entity_id: str, text: str) -> bool:
        if entity_id in seen:
            return False
        seen.add(entity_id)
        drawn.append(entity_id)
        lines.append(f'  {mermaid_id(entity_id)}["{escape_mermaid(text)}"]')
        return True

    for entity_id, text, kind in before:
        if node(entity_id, text):
            edges.append(f"  {mermaid_id(entity_id)} {_arrow(kind)} {centre_id}")
    for entity_id, text, kind in after:
        if node(entity_id, text):
            edges.append(f"  {centre_id} {_arrow(kind)} {mermaid_id(entity_id)}")
    lines += edges
    if href is not None:
        for entity_id in drawn:
            lines += _click(mermaid_id(entity_id), href(entity_id))
    lines += ["  classDef kbself stroke-width:3px;", f"  class {centre_id} kbself;"]
    return "\n".join(lines) + "\n"


def iter_labels(chart: str) -> Iterable[str]:
    """The node labels of a chart this module wrote, decoded (for tests and checks).

    >>> list(iter_labels('flowchart TD\\n  n_a["Say #34;hi#34;"]\\n'))
    ['Say "hi"']
    """
    for match in re.finditer(r'^\s+n_\w+\["([^"]*)"\]', chart, re.M):
        yield re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), match.group(1))
