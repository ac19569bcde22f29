"""JSON Schemas for editors, generated from the pydantic models.

``model_json_schema()`` gives the shape (types, enums, required keys,
``additionalProperties: false``); the checks that live in Python validators
(id slugs, arXiv ids, DOIs, http(s) URLs) are added here as ``pattern``s so
an editor flags them while you type. ``kbgen validate`` stays the authority:
a schema cannot know which ids exist.

>>> schemas = build_schemas()
>>> sorted(schemas)[:3]
['concept.schema.json', 'papers.schema.json', 'path.schema.json']
>>> schemas["papers.schema.json"]["properties"]["papers"]["items"]["properties"]["id"]["pattern"]
'^[a-z0-9]+(-[a-z0-9]+)*$'
"""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import BaseModel

from kbgen.core.identifiers import ARXIV_PATTERN, DOI_PATTERN, ID_MAX_LENGTH, ID_PATTERN, URL_PATTERN
from kbgen.core.kinds import PAGE_KINDS
from kbgen.core.models import DERIVED_KEYS, MIN_YEAR, Paper, ReadingPath, Topic

DRAFT = "https://json-schema.org/draft/2020-12/schema"

_ID_FIELDS = {"id", "paper", "parent"}
_ID_LIST_FIELDS = {"topics", "cites", "prerequisites", "steps", "assumes"}
_URL_FIELDS = {"url", "pdf", "code", "source"}

#: Hover text in editors; the same words as docs/design.md, section 2.
DESCRIPTIONS: dict[str, str] = {
    "id": "lowercase slug (a-z, 0-9, single hyphens), at most 80 characters; unique across "
          "papers, concepts, stories and resources",
    "title": "the title (of a paper: as published)",
    "authors": "author names, 'First Last', in the paper's order",
    "year": "the year the paper first became public (usually its arXiv version)",
    "venue": "where it was published, e.g. 'NeurIPS 2017'",
    "arxiv": "arXiv id without prefix or version, e.g. '1706.03762' (quote it)",
    "doi": "DOI without the https://doi.org/ prefix, e.g. '10.18653/v1/N19-1423'",
    "url": "an http(s) link",
    "pdf": "an http(s) link to the PDF",
    "code": "an http(s) link to the code",
    "abstract": "a short paraphrase of the paper in your own words",
    "topics": "topic ids from content/topics.yaml",
    "cites": "ids of papers of this knowledge base that this paper cites",
    "prerequisites": "ids of papers, concepts, stories or resources to read first",
    "difficulty": "intro | intermediate | advanced",
    "reading_time": "minutes a group member needs to read it",
    "bibtex_key": "the original BibTeX key (kept by 'kbgen import-bib')",
    "contributors": "names or handles of the people who wrote this",
    "date": "date of writing, YYYY-MM-DD (orders the feed)",
    "source": "where the text first appeared, e.g. a thread's URL",
    "paper": "id of the paper this is about",
    "kind": "what sort of resource this is",
    "name": "the topic's display name",
    "parent": "id of the parent topic",
    "description": "one or two sentences",
    "steps": "ids of papers, concepts, stories and resources, in reading order",
    "short": "the short name the field uses, e.g. 'ViT', 'ResNet', 'Adam' (shown where space is short, found by search)",
    "aliases": "other names and spellings readers search for, e.g. 'Vision Transformer'",
    "assumes": "ids the path's readers already know: their prerequisites may be left out of the steps",
}


def _string_branches(prop: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``{"type": "string"}`` sub-schemas of a property (directly or in ``anyOf``)."""
    branches = [prop] + list(prop.get("anyOf", []))
    return [b for b in branches if b.get("type") == "string"]


def _refine(properties: dict[str, Any]) -> None:
    for name, prop in properties.items():
        prop.pop("title", None)
        if name in DESCRIPTIONS:
            prop["description"] = DESCRIPTIONS[name]
        for branch in _string_branches(prop):
            if name in _ID_FIELDS:
                branch.update(pattern=ID_PATTERN, maxLength=ID_MAX_LENGTH)
            elif name == "arxiv":
                branch["pattern"] = ARXIV_PATTERN
            elif name == "doi":
                branch["pattern"] = DOI_PATTERN
            elif name in _URL_FIELDS:
                branch["pattern"] = URL_PATTERN
        if name in _ID_LIST_FIELDS and prop.get("type") == "array":
            prop["items"].update(type="string", pattern=ID_PATTERN, maxLength=ID_MAX_LENGTH)
        if name == "year":
            for branch in [prop] + list(prop.get("anyOf", [])):
                if branch.get("type") == "integer":
                    branch["minimum"] = MIN_YEAR


def model_schema(model: type[BaseModel], drop: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The JSON Schema of one model, refined, without the keys in ``drop``."""
    schema = copy.deepcopy(model.model_json_schema())
    for key in drop:
        schema["properties"].pop(key, None)
    if "required" in schema:
        schema["required"] = [k for k in schema["required"] if k not in drop]
        if not schema["required"]:
            del schema["required"]
    _refine(schema["properties"])
    return schema


def _document(title: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DRAFT, "title": title, "description": description, **body}


def _list_file(key: str, item: dict[str, Any]) -> dict[str, Any]:
    item.pop("title", None)
    return {"type": "object", "additionalProperties": False, "required": [key],
            "properties": {key: {"type": ["array", "null"], "items": item}}}


def build_schemas() -> dict[str, dict[str, Any]]:
    """Every schema, keyed by its file name under ``schemas/``."""
    paper = model_schema(Paper)
    # An entry may only add fields to a BibTeX entry of content/*.bib (merged by id or key),
    # so only 'id' is required here; 'kbgen validate' checks the merged entry has a title.
    paper["required"] = ["id"]
    out: dict[str, dict[str, Any]] = {
        "papers.schema.json": _document(
            "kbgen papers.yaml", "Curated papers: a mapping with the key 'papers' holding a list.",
            _list_file("papers", paper)),
        "topics.schema.json": _document(
            "kbgen content/topics.yaml", "The topic taxonomy: a mapping with the key 'topics'.",
            _list_file("topics", model_schema(Topic))),
    }
    path = model_schema(ReadingPath, frozenset({"id"}))
    path.pop("title", None)
    out["path.schema.json"] = _document(
        "kbgen reading path (content/paths/<id>.yaml)",
        "A curated reading path; its id is the file name.", path)
    for kind in PAGE_KINDS:
        front = model_schema(kind.model, DERIVED_KEYS)
        front.pop("title", None)
        if kind.name == "summary":  # validate requires it (kbgen.check.scaffolds); editors should say so too
            front["required"] = sorted({*front.get("required", []), "contributors"})
            front["properties"]["contributors"]["minItems"] = 1
        out[f"{kind.name}.schema.json"] = _document(
            f"kbgen {kind.name} front matter",
            f"Front matter of a {kind.name} page ({kind.folder}/<id>.md); its id is the file name.",
            front)
    return dict(sorted(out.items()))


def render_schema(schema: dict[str, Any]) -> str:
    """Stable JSON text of a schema (committed, so diffs stay small)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def render_schemas() -> dict[str, str]:
    """File name -> text of every schema."""
    return {name: render_schema(schema) for name, schema in build_schemas().items()}
