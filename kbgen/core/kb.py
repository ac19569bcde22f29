"""The knowledge base: every validated entity by id, and where each came from.

A :class:`KnowledgeBase` is built once by :mod:`kbgen.check` and never
changes afterwards; the graph, paths and pages are pure functions of it.
Its tables are named by :attr:`kbgen.core.kinds.Kind.section`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Iterator, Mapping

from kbgen.core.kinds import ENTITY_KINDS

if TYPE_CHECKING:  # the models need pydantic, which a warm `kbgen validate` never imports
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
        for _, table in self._entity_tables():
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

    def table(self, kind: str) -> Mapping[str, object]:
        """The table of one kind, by kind name (``"paper"`` -> :attr:`papers`)."""
        from kbgen.core.kinds import KINDS

        return getattr(self, KINDS[kind].section)

    def _entity_tables(self) -> Iterator[tuple[str, Mapping[str, Entity]]]:
        for kind in ENTITY_KINDS:
            yield kind.name, getattr(self, kind.section)

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


def _date_fields(model) -> frozenset[str]:
    """Fields of ``model`` that hold a ``datetime.date`` (stored as ISO text)."""
    import datetime as dt

    return frozenset(name for name, info in model.model_fields.items()
                     if info.annotation in (dt.date, dt.date | None))


def kb_to_data(kb: KnowledgeBase) -> dict:
    """A JSON-ready dict of ``kb`` (the content cache's format); :func:`kb_from_data` reverses it.

    >>> from kbgen.core.models import Paper
    >>> data = kb_to_data(KnowledgeBase(papers={"a": Paper(id="a", title="A")}))
    >>> kb_from_data(data).papers["a"].title
    'A'
    """
    from kbgen.core.kinds import KINDS

    tables = {kind.section: [m.model_dump(mode="json", exclude_defaults=True)
                             for m in getattr(kb, kind.section).values()] for kind in KINDS.values()}
    return {"tables": tables, "origins": {key: [o.file, o.line, o.column] for key, o in kb.origins.items()}}


def kb_from_data(data: dict) -> KnowledgeBase:
    """The knowledge base :func:`kb_to_data` stored; its values were validated when stored.

    Models are rebuilt with ``model_construct`` (no validation: ten times faster).
    """
    import datetime as dt

    from kbgen.core.kinds import KINDS

    tables: dict[str, dict] = {}
    for kind in KINDS.values():
        dates = _date_fields(kind.model)
        table = {}
        for fields in data["tables"][kind.section]:
            for name in dates & fields.keys():
                fields[name] = dt.date.fromisoformat(fields[name])
            table[fields["id"]] = kind.model.model_construct(**fields)
        tables[kind.section] = table
    origins = {key: Origin(*loc) for key, loc in data["origins"].items()}
    return KnowledgeBase(**tables, origins=origins)
