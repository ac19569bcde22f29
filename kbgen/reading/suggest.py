"""Prerequisites the knowledge base lacks, proposed from its citations (``kbgen suggest``).

A citation says what a paper builds on; a curated prerequisite says what a
newcomer must read first. A cited paper is proposed as a prerequisite of the
citing paper ``P`` when the evidence says it is a foundation rather than a
passing reference: other papers that ``P`` cites build on it too. The score
counts ``P``'s citation as 1 and each of ``P``'s references that cites it or
lists it as :data:`REFERENCE_WEIGHT` (1/2), and a proposal needs at least one
such reference (score 1.5 or more). Nothing is proposed that is already a prerequisite of
``P``, directly or through other prerequisites. Proposals are ranked by score,
then by the importance of the prerequisite (what the knowledge base builds
on), then by ids.

>>> from kbgen.graph import build_graph
>>> from kbgen.core.kb import KnowledgeBase
>>> from kbgen.core.models import Paper
>>> kb = KnowledgeBase(papers={
...     "tf": Paper(id="tf", title="Transformer", year=2017),
...     "gpt": Paper(id="gpt", title="GPT", year=2018, cites=["tf"]),
...     "bert": Paper(id="bert", title="BERT", year=2018, cites=["tf", "gpt"])})
>>> [(s.entity, s.prerequisite, s.score) for s in suggest_prerequisites(build_graph(kb))]
[('bert', 'tf', 1.5)]
>>> print(format_yaml(suggest_prerequisites(build_graph(kb))), end="")  # doctest: +ELLIPSIS
# kbgen suggest: prerequisites the knowledge base lacks, with their evidence.
# Paste each list under that entry's prerequisites: (papers.yaml or the page's front matter).
bert:
  - tf  # bert cites it, and gpt, which bert builds on, builds on it too; a foundation ...; score 1.5
"""

from __future__ import annotations

from dataclasses import dataclass

from kbgen.graph import KBGraph
from kbgen.reading.focus import hard_steps

#: Weight of each of the citing paper's references that builds on the proposed prerequisite too.
REFERENCE_WEIGHT = 0.5
#: Score a proposal needs: the citing paper's own citation and one of its references'.
MIN_SCORE = 1.0 + REFERENCE_WEIGHT
_NAMES = 3


@dataclass(frozen=True)
class ProposedPrerequisite:
    """``prerequisite`` should be listed in ``entity``'s ``prerequisites``."""

    entity: str
    prerequisite: str
    score: float
    evidence: tuple[str, ...]


def _names(ids: list[str]) -> str:
    more = len(ids) - _NAMES
    if more > 0:
        return ", ".join(ids[:_NAMES]) + f" and {more} more"
    return ", ".join(ids[:-1]) + " and " + ids[-1] if len(ids) > 1 else ids[0]


def suggest_prerequisites(g: KBGraph, limit: int | None = None) -> list[ProposedPrerequisite]:
    """Every proposal of the module docs, best first (at most ``limit``)."""
    pred = g.pred
    importance = g.importance
    found = []
    for entity in sorted(g.ordering):
        parents = pred[entity]
        cited = [p for p, data in parents.items() if data["kind"] == "cites"]
        if not cited:
            continue
        curated = hard_steps(g, [entity]) - {entity}
        for candidate in sorted(cited):
            if candidate in curated:
                continue
            also = sorted(r for r in parents if r != candidate and candidate in pred[r])
            score = 1.0 + REFERENCE_WEIGHT * len(also)
            if score < MIN_SCORE:
                continue
            found.append((entity, candidate, score, also))
    found.sort(key=lambda f: (-f[2], -importance.get(f[1], 0.0), f[0], f[1]))
    if limit is not None:
        found = found[:limit]
    out = []
    for entity, candidate, score, also in found:
        evidence = [f"{entity} cites it, and {_names(also)}, which {entity} builds on, "
                    f"build{'s' * (len(also) == 1)} on it too"]
        below = sum(1 for _ in g.succ[candidate])
        if importance.get(candidate, 0.0) >= 0.5:
            evidence.append(f"a foundation of the knowledge base: importance {importance[candidate]:.2f}, "
                            f"{below} entr{'y' if below == 1 else 'ies'} build on it directly")
        out.append(ProposedPrerequisite(entity, candidate, round(score, 6), tuple(evidence)))
    return out


def format_text(found: list[ProposedPrerequisite]) -> str:
    """Numbered proposals with their evidence."""
    if not found:
        return "No prerequisite to propose: every well-supported citation is a prerequisite already.\n"
    lines = [f"{len(found)} proposed prerequisite{'s' * (len(found) != 1)} "
             "('--format yaml' writes lists to paste under each entry's prerequisites:):"]
    width = len(str(len(found)))
    for i, item in enumerate(found, 1):
        lines.append(f"{i:>{width}}. {item.prerequisite} before {item.entity} [score {item.score:g}]")
        lines.extend(f"{' ' * width}  {e}" for e in item.evidence)
    return "\n".join(lines) + "\n"


def format_yaml(found: list[ProposedPrerequisite]) -> str:
    """A YAML mapping entity -> list of proposed prerequisites, each with its evidence as a comment.

    Each list can be pasted under the entity's ``prerequisites:``; the whole
    text is valid YAML too (ids are slugs and need no quoting).
    """
    lines = ["# kbgen suggest: prerequisites the knowledge base lacks, with their evidence.",
             "# Paste each list under that entry's prerequisites: (papers.yaml or the page's front matter)."]
    groups: dict[str, list[ProposedPrerequisite]] = {}
    for item in found:
        groups.setdefault(item.entity, []).append(item)
    for entity, items in groups.items():
        lines.append(f"{entity}:")
        for item in items:
            # A comment holds any text except a line break.
            note = "; ".join(item.evidence).replace("\n", " ")
            lines.append(f"  - {item.prerequisite}  # {note}; score {item.score:g}")
    return "\n".join(lines) + "\n"


__all__ = ["REFERENCE_WEIGHT", "MIN_SCORE", "ProposedPrerequisite", "suggest_prerequisites", "format_text", "format_yaml"]
