"""The knowledge base: every validated entity by id, and where each came from.

A :class:`KnowledgeBase` is built once by :mod:`kbgen.validate` and never
changes afterwards; the graph, paths and pages are pure functions of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator, Mapping

from kbgen.core.models import Concept, Paper, ReadingPath, Resource, Story, Summary, Topic

Entity = Paper | Concept | Story | Resource


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an entity was defined: file and 1-based line."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class KnowledgeBase:
    """Validated entities, each namespace a mapping from id to model.

    ``origins`` is keyed by ``"<kind>:<id>"`` (``"paper:vit"``,
    ``"summary:vit"``, ``"topic:transformers"``).
    """

    papers: Mapping[str, Paper] = field(default_factory=dict)
    concepts: Mapping[str, Concept] = field(default_factory=dict)
    stories: Mapping[str, Story] = field(default_factory=dict)
    resources: Mapping[str, Resource] = field(default_factory=dict)
    summaries: Mapping[str, Summary] = field(default_factory=dict)
    topics: Mapping[str, Topic] = field(default_factory=dict)
    paths: Mapping[str, ReadingPath] = field(default_factory=dict)
    origins: Mapping[str, Origin] = field(default_factory=dict)

    def entity(self, entity_id: str) -> Entity | None:
        """The paper, concept, story or resource with this id (one namespace)."""
        for table in (self.papers, self.concepts, self.stories, self.resources):
            found = table.get(entity_id)
            if found is not None:
                return found
        return None

    def kind_of(self, entity_id: str) -> str | None:
        """``"paper"``, ``"concept"``, ``"story"``, ``"resource"`` or ``None``."""
        for kind, table in self._entity_tables():
            if entity_id in table:
                return kind
        return None

    def _entity_tables(self) -> Iterator[tuple[str, Mapping[str, Entity]]]:
        yield "paper", self.papers
        yield "concept", self.concepts
        yield "story", self.stories
        yield "resource", self.resources

    def iter_entities(self) -> Iterator[tuple[str, Entity]]:
        """``(kind, entity)`` for every paper, concept, story and resource, in id order per kind."""
        for kind, table in self._entity_tables():
            for entity_id in sorted(table):
                yield kind, table[entity_id]

    def entity_ids(self) -> set[str]:
        """Every id of the shared namespace."""
        ids: set[str] = set()
        for _, table in self._entity_tables():
            ids.update(table)
        return ids

    def summaries_of(self, paper_id: str) -> list[Summary]:
        """Summaries of one paper, by id."""
        return list(self._summaries_by_paper.get(paper_id, ()))

    @cached_property
    def _summaries_by_paper(self) -> dict[str, list[Summary]]:
        # Built once: sorting every summary on each call made a site build
        # quadratic (10,000 papers: 42 of 114 profiled s of rendering).
        index: dict[str, list[Summary]] = {}
        for _, summary in sorted(self.summaries.items()):
            index.setdefault(summary.paper, []).append(summary)
        return index

    def origin(self, kind: str, entity_id: str) -> Origin | None:
        return self.origins.get(f"{kind}:{entity_id}")

    def title_of(self, entity_id: str) -> str:
        """Title of an entity, or its id when unknown."""
        found = self.entity(entity_id)
        return found.title if found is not None else entity_id

    def year_of(self, entity_id: str) -> int | None:
        found = self.papers.get(entity_id)
        return found.year if found is not None else None
