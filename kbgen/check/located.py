"""Raw entries with their locations, and pydantic's errors as located diagnostics.

Each mapping read from a file becomes a :class:`Located`: its raw data plus
functions that give the file:line:col of any field, so an error points at
the key or value it is about (a missing key points at its mapping).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from kbgen.core.diagnostics import Diagnostic, error, suggest
from kbgen.core.models import model_keys
from kbgen.parse.located import LocatedDoc
from kbgen.parse.sources import PageSource

# Fields whose custom validator failures get a code of their own.
_FIELD_CODES = {"id": "KB009", "year": "KB010", "arxiv": "KB011", "doi": "KB012",
                "url": "KB013", "pdf": "KB013", "code": "KB013", "source": "KB013"}


@dataclass
class Located:
    """A raw mapping plus a function giving the location of one of its fields."""

    kind: str
    data: dict
    locate: Callable[[tuple], tuple[str, int, int]]
    key_locate: Callable[[tuple], tuple[str, int, int]]


def yaml_locator(doc: LocatedDoc, base: tuple) -> tuple[Callable, Callable]:
    def locate(path: tuple) -> tuple[str, int, int]:
        return (doc.file, *doc.mark(base + tuple(path)))

    def key_locate(path: tuple) -> tuple[str, int, int]:
        return (doc.file, *doc.key_mark(base + tuple(path)))

    return locate, key_locate


def _describe(err: dict) -> str:
    kind = err["type"]
    if kind == "missing":
        return "missing"
    if kind in ("value_error", "assertion_error"):
        return str(err.get("ctx", {}).get("error", err["msg"]))
    if kind in ("list_type",):
        return "expected a list, e.g. [a, b] or one '- item' per line"
    if kind in ("string_type",):
        return f"expected text, got {type(err.get('input')).__name__}; quote the value"
    if kind.startswith("int_"):
        return "expected a whole number"
    if kind == "literal_error":
        return f"{err['msg'].lower()}; got {err.get('input')!r}"
    if kind == "dict_type":
        return "expected a mapping of keys to values"
    if kind == "too_short":
        return "must not be empty"
    if kind.startswith("greater_than") or kind.startswith("less_than"):
        return err["msg"].lower()
    return err["msg"]


def schema_diagnostics(item: Located, model: type[BaseModel], exc: ValidationError) -> list[Diagnostic]:
    diags = []
    keys = model_keys(model)
    for err in exc.errors():
        loc = tuple(err["loc"])
        field_name = str(loc[0]) if loc else ""
        if err["type"] == "extra_forbidden":
            file, line, col = item.key_locate(loc)
            hint = suggest(field_name, keys) or f"; valid keys are {', '.join(keys)}"
            diags.append(error(file, line, col, "KB006", f"unknown key {field_name!r}{hint}"))
        elif err["type"] == "missing":
            file, line, col = item.locate(loc[:-1])
            diags.append(error(file, line, col, "KB007",
                               f"missing required field {field_name!r} in this {item.kind}; add '{field_name}: ...'"))
        else:
            file, line, col = item.locate(loc)
            code = _FIELD_CODES.get(field_name, "KB008")
            if field_name == "year" and err["type"] != "value_error":
                code = "KB008"
            where = ".".join(str(p) for p in loc)
            diags.append(error(file, line, col, code, f"{where}: {_describe(err)}"))
    return diags


def _empty_lists(model: type[BaseModel]) -> dict[str, list]:
    """The model's list fields that default to ``[]``, each given ``[]``."""
    found = _LIST_DEFAULTS.get(model)
    if found is None:
        found = _LIST_DEFAULTS[model] = {name: [] for name, info in model.model_fields.items() if info.default == []}
    return found


_LIST_DEFAULTS: dict[type, dict[str, list]] = {}


def validate_item(item: Located, model: type[BaseModel], diags: list[Diagnostic], extra: dict | None = None) -> Any:
    # Empty lists given, not defaulted: pydantic deep-copies a mutable default on every
    # validation (a sixth of validating 10,000 papers). Validation copies them, so sharing is safe.
    data = {**_empty_lists(model), **item.data}
    if extra:
        data.update(extra)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        diags.extend(schema_diagnostics(item, model, exc))
        return None


# Which BibTeX fields a paper field is read from, to point errors at the right line.
_BIB_FIELDS = {
    "title": ("title",), "authors": ("author",), "year": ("year", "date"),
    "venue": ("booktitle", "journal", "publisher", "howpublished"),
    "arxiv": ("eprint", "volume", "journal", "url", "note"), "doi": ("doi", "url"),
    "url": ("url",), "pdf": ("pdf",), "abstract": ("abstract",),
}


def bib_locator(file: str, rec: Any) -> Callable[[tuple], tuple[str, int, int]]:
    def locate(path: tuple) -> tuple[str, int, int]:
        name = path[0] if path else ""
        for bib_field in _BIB_FIELDS.get(name, ()):
            if bib_field in rec.field_lines:
                return file, rec.field_lines[bib_field], 1
        return file, rec.line, 1

    return locate


def merged_locator(yaml_data: dict, yaml_locate: Callable, bib_locate: Callable) -> Callable:
    def locate(path: tuple) -> tuple[str, int, int]:
        if not path or path[0] in yaml_data:
            return yaml_locate(path)
        return bib_locate(path)

    return locate


def page_locator(page: PageSource, locate: Callable) -> Callable:
    def located(path: tuple) -> tuple[str, int, int]:
        if path and path[0] in ("id", "body"):
            return page.file, 1, 1
        return locate(path)

    return located
