"""The entities of a knowledge base, as strict pydantic models.

Field names equal the YAML keys (docs/design.md, section 2), so a validation
error's location maps straight back to the file. ``extra="forbid"`` turns a
misspelt key into an error instead of silently dropping it.

>>> Paper(id="vit", title="An Image is Worth 16x16 Words", year=2020).id
'vit'
"""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from kbgen.core.identifiers import check_arxiv, check_doi, check_id, check_url

MIN_YEAR = 1800

Difficulty = Literal["intro", "intermediate", "advanced"]
ResourceKind = Literal["cheat-sheet", "tool", "course", "book", "video", "article", "dataset", "other"]


def max_year() -> int:
    """The latest acceptable year: next year (preprints dated ahead are fine)."""
    return _dt.date.today().year + 1


def _check_year(value: int) -> int:
    top = max_year()
    if not MIN_YEAR <= value <= top:
        raise ValueError(f"year {value} is outside {MIN_YEAR}..{top}; check the publication year")
    return value


Id = Annotated[str, AfterValidator(check_id)]
Year = Annotated[int, AfterValidator(_check_year)]
ArxivId = Annotated[str, AfterValidator(check_arxiv)]
Doi = Annotated[str, AfterValidator(check_doi)]
Url = Annotated[str, AfterValidator(check_url)]
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


# Keys the loader adds; never valid in a file.
DERIVED_KEYS = frozenset({"id", "body"})


def model_keys(model: type[BaseModel]) -> list[str]:
    """The keys a file may use for ``model`` (used for "did you mean" hints)."""
    return [name for name in model.model_fields if model is Paper or name not in DERIVED_KEYS]
