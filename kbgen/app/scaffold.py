"""The text of a new contribution: complete front matter and a section skeleton per kind.

Pure: the caller (``kbgen new``) decides where the text goes and checks that
no file is overwritten. Every field a scaffold writes is valid, and every
place a contributor must write is a placeholder line
(:data:`kbgen.check.scaffolds.PLACEHOLDER`) that ``kbgen validate`` reports,
with its line, until it is replaced: an untouched skeleton is never published.
A resource's ``url`` is left out unless given, for validation to ask for it,
rather than a made-up address that would validate.

>>> import datetime
>>> text = render_scaffold("concept", "self-attention", today=datetime.date(2026, 1, 2))
>>> print(text.splitlines()[1])
title: Self Attention
>>> text.split("## Intuition")[1].split()[:3]
['TODO(kbgen):', 'A', 'picture']
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import yaml

from kbgen.check.scaffolds import PLACEHOLDER
from kbgen.core.kinds import PAGE_KINDS, PATHS_DIR

#: Kinds ``kbgen new`` can create, and the folder each goes to.
KIND_FOLDERS: dict[str, str] = {**{kind.name: kind.folder for kind in PAGE_KINDS}, "path": PATHS_DIR}

# Section skeletons: under each heading, a placeholder line saying what to write there.
_SECTIONS: dict[str, list[tuple[str, str]]] = {
    "summary": [
        ("The problem", "What problem does the paper tackle, and why was it hard before?"),
        ("The key idea", "The one idea to remember, in two or three sentences."),
        ("How it works", "The method, step by step; a figure or an equation if it helps."),
        ("Results", "What they measured, against what, and how much better it was."),
        ("Why it matters", "What changed because of this paper; what builds on it."),
        ("Questions for the group", "Open questions to discuss at the session, one per bullet."),
    ],
    "concept": [
        ("In one sentence", "The concept in plain words."),
        ("Intuition", "A picture or an analogy that makes it click."),
        ("The maths", "The definition, with the symbols explained."),
        ("Where it is used", "Papers of this knowledge base that rely on it (link them by id)."),
        ("Further reading", "Resources, concepts or papers to read next."),
    ],
    "story": [
        ("The story", "What happened, who was involved, and when."),
        ("Why it matters", "What the field learnt from it."),
        ("Sources", "Where this story is told first-hand (talks, interviews, papers)."),
    ],
    "resource": [
        ("What it is", "A cheat-sheet, tool, course, book, video, article or dataset: what is inside."),
        ("When to use it", "Which questions it answers quickly."),
        ("How we use it", "Tips from the group."),
    ],
}

_OPTIONAL_HINTS: dict[str, list[str]] = {
    "summary": ["prerequisites: []  # ids to read first (papers, concepts, stories, resources)",
                "source: https://...  # where this text first appeared, if elsewhere"],
    "concept": ["prerequisites: []  # ids to read first",
                "difficulty: intro  # intro | intermediate | advanced"],
    "story": ["paper: <paper id>  # the paper this story is about, if any",
              "source: https://...  # where the story first appeared"],
    "resource": ["prerequisites: []  # ids to read first"],
}

#: ``$schema`` of each scaffold, relative to the file, for YAML-aware editors.
SCHEMA_OF_PATH_FILE = "../../schemas/path.schema.json"


@dataclass
class ScaffoldInput:
    """What ``kbgen new`` knows about the new entry (all optional but the kind and id)."""

    kind: str
    id: str
    title: str | None = None
    contributors: list[str] = field(default_factory=list)
    paper: dict[str, Any] | None = None  # for a summary or story: the paper's fields
    url: str | None = None  # resource
    resource_kind: str | None = None  # resource
    steps: list[str] = field(default_factory=list)  # path
    description: str | None = None  # path


def title_from_id(entity_id: str) -> str:
    """A readable default title from an id.

    >>> title_from_id("triplet-loss")
    'Triplet Loss'
    """
    return " ".join(word.capitalize() for word in entity_id.split("-"))


def relative_path(kind: str, entity_id: str) -> str:
    """Where the new file goes, relative to the knowledge base root.

    >>> relative_path("summary", "vit")
    'content/summaries/vit.md'
    >>> relative_path("path", "transformers-101")
    'content/paths/transformers-101.yaml'
    """
    suffix = ".yaml" if kind == "path" else ".md"
    return f"{KIND_FOLDERS[kind]}/{entity_id}{suffix}"


def _dump(fields: dict[str, Any]) -> str:
    # Flow style for short lists (topics: [a, b]); yaml quotes whatever needs quoting.
    return yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)


def build_front_matter(spec: ScaffoldInput, today: _dt.date) -> dict[str, Any]:
    """The front matter fields of a Markdown scaffold, in the order they are written."""
    paper = spec.paper or {}
    fields: dict[str, Any] = {}
    if spec.kind == "summary":
        fields["title"] = spec.title or (f"{paper.get('title')}: summary" if paper.get("title") else
                                         title_from_id(spec.id))
        fields["paper"] = paper.get("id", spec.id)
    else:
        fields["title"] = spec.title or title_from_id(spec.id)
    if spec.kind == "story" and paper.get("id"):
        fields["paper"] = paper["id"]
    if spec.kind == "resource":
        if spec.url:
            fields["url"] = spec.url
        fields["kind"] = spec.resource_kind or "other"
    fields["contributors"] = list(spec.contributors)
    fields["date"] = today
    fields["topics"] = list(paper.get("topics") or [])
    if spec.kind == "summary" and paper.get("difficulty"):
        fields["difficulty"] = paper["difficulty"]
    fields["reading_time"] = 10
    return fields


def render_scaffold(kind: str, entity_id: str, *, today: _dt.date | None = None, **options: Any) -> str:
    """The complete text of a new file of ``kind``; see :class:`ScaffoldInput` for options."""
    spec = ScaffoldInput(kind=kind, id=entity_id, **options)
    today = today or _dt.date.today()
    if kind == "path":
        return render_path(spec)
    if kind not in _SECTIONS:
        raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KIND_FOLDERS)}")
    lines = ["---", _dump(build_front_matter(spec, today)).rstrip("\n")]
    if kind == "resource" and not spec.url:
        lines.append("# url: https://...  # required: the resource's address")
    lines += [f"# {hint}" for hint in _OPTIONAL_HINTS.get(kind, [])]
    lines.append("---")
    lines.append("")
    for heading, hint in _SECTIONS[kind]:
        lines += [f"## {heading}", "", f"{PLACEHOLDER}: {hint}", ""]
    return "\n".join(lines)


def render_path(spec: ScaffoldInput) -> str:
    """A reading-path file: title, description, steps (ids in reading order)."""
    fields = {
        "title": spec.title or title_from_id(spec.id),
        "description": spec.description or f"{PLACEHOLDER}: who this path is for and what they can do after it.",
        "steps": list(spec.steps),
    }
    body = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    return (f"# yaml-language-server: $schema={SCHEMA_OF_PATH_FILE}\n"
            "# steps: ids of papers, concepts, stories and resources, in reading order.\n"
            + body)
