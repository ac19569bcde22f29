"""The kinds of entry, in one table: what each is, where it lives, what it is called.

Every stage reads this table instead of spelling the kinds out: the loader
(which folder holds which kind), validation (which fields reference what),
the graph (node kinds, prefixed ids), the site (URL sections, labels, the
nav), scaffolds, the feed, ``kb.json`` and the browser script (which gets
:func:`kinds_json` as generated JSON). Adding a kind is one row here, its
model in :mod:`kbgen.core.models` and its template.

>>> KINDS["summary"].section, KINDS["summary"].folder, KINDS["paper"].entity
('summaries', 'content/summaries', True)
>>> [k.name for k in ENTITY_KINDS]
['paper', 'concept', 'story', 'resource']
>>> kind_of_file("content/stories/the-2012-imagenet-moment.md").name
'story'
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kbgen.core.models import Strict

CONTENT_DIR = "content"
PAPERS_FILE = "papers.yaml"
TOPICS_FILE = f"{CONTENT_DIR}/topics.yaml"
PATHS_DIR = f"{CONTENT_DIR}/paths"


@dataclass(frozen=True)
class Kind:
    """One kind of entry.

    ``section`` is both the attribute of :class:`kbgen.core.kb.KnowledgeBase`
    that holds the kind and the URL section of its pages (``/papers/<id>/``).
    ``folder`` is where contributors write it: a folder of Markdown files,
    or ``None`` for kinds kept in YAML (papers, topics, paths). Entities share
    one id namespace (a path step or a prerequisite names any of them); the
    other kinds have one namespace each and a graph node id ``kind:id``.
    """

    name: str
    section: str
    label: str
    label_plural: str
    #: The pydantic model's class name in :mod:`kbgen.core.models` (imported on first use:
    #: a warm ``kbgen validate`` needs the table but not pydantic).
    model_name: str
    entity: bool
    folder: str | None = None
    #: Minutes assumed for an entry without ``reading_time`` (entities only).
    default_minutes: int | None = None
    #: ``(field, what it names)``: ``entity``, ``paper`` or ``topic``.
    references: tuple[tuple[str, str], ...] = ()
    #: A contributed Markdown page that gets a generated header and footer.
    contributed: bool = False
    #: The Jinja2 template of a generated page of this kind, if kbgen writes one.
    template: str | None = None

    @property
    def model(self) -> type[Strict]:
        """The pydantic model of this kind."""
        return getattr(importlib.import_module("kbgen.core.models"), self.model_name)

    @property
    def prefixed(self) -> bool:
        """Whether graph node ids of this kind carry ``kind:`` (all but entities)."""
        return not self.entity


_TOPICS = ("topics", "topic")
_PREREQUISITES = ("prerequisites", "entity")

#: Every kind, in the order they are listed (exports, the nav, counts).
_TABLE: tuple[Kind, ...] = (
    Kind("paper", "papers", "Paper", "Papers", "Paper", entity=True, default_minutes=45,
         references=(_TOPICS, _PREREQUISITES, ("cites", "paper")), template="paper.md.j2"),
    Kind("concept", "concepts", "Concept", "Concepts", "Concept", entity=True, folder=f"{CONTENT_DIR}/concepts",
         default_minutes=15, references=(_TOPICS, _PREREQUISITES), contributed=True),
    Kind("story", "stories", "Story", "Stories", "Story", entity=True, folder=f"{CONTENT_DIR}/stories",
         default_minutes=10, references=(_TOPICS, _PREREQUISITES, ("paper", "paper")), contributed=True),
    Kind("resource", "resources", "Resource", "Resources", "Resource", entity=True,
         folder=f"{CONTENT_DIR}/resources", default_minutes=15, references=(_TOPICS, _PREREQUISITES),
         contributed=True),
    Kind("summary", "summaries", "Summary", "Summaries", "Summary", entity=False,
         folder=f"{CONTENT_DIR}/summaries", references=(_TOPICS, _PREREQUISITES, ("paper", "paper")),
         contributed=True),
    Kind("topic", "topics", "Topic", "Topics", "Topic", entity=False, references=(("parent", "topic"),),
         template="topic.md.j2"),
    Kind("path", "paths", "Reading path", "Reading paths", "ReadingPath", entity=False,
         references=(("steps", "entity"), ("assumes", "entity")), template="path.md.j2"),
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in _TABLE}
#: Kinds in the shared namespace: what a path step or a prerequisite may name.
ENTITY_KINDS: tuple[Kind, ...] = tuple(k for k in _TABLE if k.entity)
#: Kinds written as Markdown files, one folder each.
PAGE_KINDS: tuple[Kind, ...] = tuple(k for k in _TABLE if k.folder)
NODE_KINDS: tuple[str, ...] = tuple(k.name for k in _TABLE)
_BY_FOLDER = {k.folder: k for k in PAGE_KINDS}


def kind_of_file(rel: str) -> Kind | None:
    """The kind of a Markdown file by its folder (``content/<folder>/<id>.md``), or ``None``.

    Files deeper down or elsewhere under content/ are plain pages.
    """
    folder, _, name = rel.rpartition("/")
    if "/" in name or not name.endswith(".md"):
        return None
    return _BY_FOLDER.get(folder)


def node_id(kind: str, ident: str) -> str:
    """The graph node id of an entry: entities keep their id, the rest get ``kind:``.

    >>> node_id("paper", "vit"), node_id("topic", "transformers")
    ('vit', 'topic:transformers')
    """
    return f"{kind}:{ident}" if KINDS[kind].prefixed else ident


def kinds_json() -> dict:
    """The table as the browser needs it (``assets/kbgen/kinds.json``).

    >>> kinds_json()["story"]
    {'section': 'stories', 'label': 'Story', 'plural': 'Stories', 'entity': True}
    """
    return {k.name: {"section": k.section, "label": k.label, "plural": k.label_plural, "entity": k.entity}
            for k in _TABLE}
