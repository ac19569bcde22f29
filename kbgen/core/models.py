"""The entities of a knowledge base, as strict pydantic models.

Field names equal the YAML keys (DESIGN.md section 2), so a validation
error's location maps straight back to the file. ``extra="forbid"`` turns a
misspelt key into an error instead of silently dropping it.

>>> Paper(id="vit", title="An Image is Worth 16x16 Words", year=2020).id
'vit'
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)
# New-style (1706.03762) and old-style (cs/0112017, math.GT/0309136) arXiv ids; a version
# suffix (v2) is accepted, and ignored when papers are compared.
ARXIV_RE = re.compile(r"^(\d{4}\.\d{4,5}|[a-z][a-z.-]*(\.[A-Z]{2})?/\d{7})(v\d+)?$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
MIN_YEAR = 1800

Difficulty = Literal["intro", "intermediate", "advanced"]
ResourceKind = Literal["cheat-sheet", "tool", "course", "book", "video", "article", "dataset", "other"]


def max_year() -> int:
    """The latest acceptable year: next year (preprints dated ahead are fine)."""
    return _dt.date.today().year + 1


def _check_id(value: str) -> str:
    if len(value) > 80:
        raise ValueError("id is longer than 80 characters; shorten it")
    if not ID_RE.match(value):
        raise ValueError(
            f"id {value!r} is not a lowercase slug; use letters a-z, digits and single hyphens, "
            f"e.g. {_slug_hint(value)!r}"
        )
    return value


def _slug_hint(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "my-id"


def _check_year(value: int) -> int:
    top = max_year()
    if not MIN_YEAR <= value <= top:
        raise ValueError(f"year {value} is outside {MIN_YEAR}..{top}; check the publication year")
    return value


def _check_arxiv(value: str) -> str:
    if not ARXIV_RE.match(value):
        raise ValueError(
            f"malformed arXiv id {value!r}; write it like '1706.03762' (no 'arXiv:' prefix, no URL)"
        )
    return value


def _check_doi(value: str) -> str:
    if not DOI_RE.match(value):
        raise ValueError(f"malformed DOI {value!r}; write it like '10.1109/CVPR.2016.90' (no URL prefix)")
    return value


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise ValueError(f"URL {value!r} is not an http(s) URL; only http:// and https:// links are allowed")
    return value


Id = Annotated[str, AfterValidator(_check_id)]
Year = Annotated[int, AfterValidator(_check_year)]
ArxivId = Annotated[str, AfterValidator(_check_arxiv)]
Doi = Annotated[str, AfterValidator(_check_doi)]
Url = Annotated[str, AfterValidator(_check_url)]
Minutes = Annotated[int, Field(ge=1, le=10_000)]
NonEmpty = Annotated[str, Field(min_length=1)]
#: The name the field uses for a paper or concept (ViT, ResNet, Adam), or another spelling of it.
ShortName = Annotated[str, Field(min_length=1, max_length=60)]


class Strict(BaseModel):
    """Base: unknown keys are errors, values are immutable once validated."""

    # defer_build: validators are built on first validation, so a query served
    # from the content cache (which validates nothing) does not pay for them.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Paper(Strict):
    id: Id
    title: NonEmpty
    authors: list[NonEmpty] = []
    year: Year | None = None
    venue: str | None = None
    arxiv: ArxivId | None = None
    doi: Doi | None = None
    url: Url | None = None
    pdf: Url | None = None
    code: Url | None = None
    abstract: str | None = None
    topics: list[Id] = []
    cites: list[Id] = []
    prerequisites: list[Id] = []
    difficulty: Difficulty | None = None
    reading_time: Minutes | None = None
    bibtex_key: str | None = None
    short: ShortName | None = None
    aliases: list[ShortName] = []


class _Page(Strict):
    """Front matter shared by every Markdown entity."""

    title: NonEmpty
    topics: list[Id] = []
    prerequisites: list[Id] = []
    reading_time: Minutes | None = None
    difficulty: Difficulty | None = None
    contributors: list[NonEmpty] = []
    date: _dt.date | None = None
    source: Url | None = None
    # Not front matter: filled from the file name and body by the loader.
    id: Id
    body: str = ""


class Concept(_Page):
    short: ShortName | None = None
    aliases: list[ShortName] = []


class Story(_Page):
    paper: Id | None = None


class Resource(_Page):
    url: Url
    kind: ResourceKind = "other"


class Summary(_Page):
    paper: Id


class Topic(Strict):
    id: Id
    name: NonEmpty
    parent: Id | None = None
    description: str | None = None


class ReadingPath(Strict):
    id: Id
    title: NonEmpty
    description: str | None = None
    steps: list[Id] = Field(min_length=1)
    assumes: list[Id] = []


#: Models of the entities a reading path can contain (one id namespace).
ENTITY_MODELS: dict[str, type[Strict]] = {
    "paper": Paper,
    "concept": Concept,
    "story": Story,
    "resource": Resource,
}
#: Markdown folders under content/ and the kind each holds.
PAGE_FOLDERS: dict[str, str] = {
    "summaries": "summary",
    "concepts": "concept",
    "stories": "story",
    "resources": "resource",
}
PAGE_MODELS: dict[str, type[_Page]] = {
    "summary": Summary,
    "concept": Concept,
    "story": Story,
    "resource": Resource,
}
# Keys the loader adds; never valid in a file.
DERIVED_KEYS = frozenset({"id", "body"})


def model_keys(model: type[BaseModel]) -> list[str]:
    """The keys a file may use for ``model`` (used for "did you mean" hints)."""
    return [name for name in model.model_fields if model is Paper or name not in DERIVED_KEYS]
