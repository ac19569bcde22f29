"""From parsed sources to a :class:`KnowledgeBase` plus every diagnostic, in one pass.

Validation never stops at the first problem. An entity that fails its schema
is left out of the knowledge base, and references to it are not reported a
second time as unknown ids.

>>> from kbgen.parse.sources import parse_sources
>>> kb, diags = build_knowledge_base(parse_sources(".", [("papers.yaml", b"papers:\\n  - id: a\\n")]))
>>> len(kb.papers), [d.code for d in diags]
(0, ['KB007'])
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Callable, Iterable

from pydantic import BaseModel, ValidationError

from kbgen.core.diagnostics import Diagnostic, error, sort_diagnostics, suggest, warning
from kbgen.core.kb import KnowledgeBase, Origin
from kbgen.parse.located import LocatedDoc
from kbgen.core.kinds import ENTITY_KINDS, KINDS
from kbgen.core.models import Paper, ReadingPath, Topic, model_keys
from kbgen.parse.sources import PageSource, Sources

# Fields whose custom validator failures get a code of their own.
_FIELD_CODES = {"id": "KB009", "year": "KB010", "arxiv": "KB011", "doi": "KB012",
                "url": "KB013", "pdf": "KB013", "code": "KB013", "source": "KB013"}


@dataclass
class _Located:
    """A raw mapping plus a function giving the location of one of its fields."""

    kind: str
    data: dict
    locate: Callable[[tuple], tuple[str, int, int]]
    key_locate: Callable[[tuple], tuple[str, int, int]]


def _yaml_locator(doc: LocatedDoc, base: tuple) -> tuple[Callable, Callable]:
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


def _schema_diagnostics(item: _Located, model: type[BaseModel], exc: ValidationError) -> list[Diagnostic]:
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


def _validate(item: _Located, model: type[BaseModel], diags: list[Diagnostic], extra: dict | None = None) -> Any:
    data = dict(item.data)
    if extra:
        data.update(extra)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        diags.extend(_schema_diagnostics(item, model, exc))
        return None


class _Builder:
    def __init__(self, sources: Sources):
        self.sources = sources
        self.diags: list[Diagnostic] = list(sources.diagnostics)
        self.entities: dict[str, tuple[str, Any, _Located]] = {}  # id -> (kind, model, located)
        self.attempted: set[str] = set()  # ids declared, valid or not: no cascading "unknown id"
        self.summaries: dict[str, tuple[Any, _Located]] = {}
        self.topics: dict[str, tuple[Topic, _Located]] = {}
        self.paths: dict[str, tuple[ReadingPath, _Located]] = {}
        self.attempted_topics: set[str] = set()
        self.items: list[_Located] = []  # every mapping read, valid or not, for reference checks

    # -- reading ---------------------------------------------------------
    def list_under(self, doc: LocatedDoc | None, key: str) -> list[tuple[int, Any]]:
        if doc is None or doc.value is None:
            return []  # unreadable: its parse error is already reported
        value = doc.value
        if not isinstance(value, dict) or key not in value:
            line, col = doc.mark(())
            self.diags.append(error(doc.file, line, col, "KB008",
                                    f"{doc.file} must be a mapping with the key '{key}:' holding a list"))
            return []
        extra = sorted(set(value) - {key})
        for other in extra:
            line, col = doc.key_mark((other,))
            self.diags.append(error(doc.file, line, col, "KB006",
                                    f"unknown top-level key {other!r}; only '{key}:' is allowed"
                                    f"{suggest(str(other), [key])}"))
        items = value[key]
        if items is None:
            return []
        if not isinstance(items, list):
            line, col = doc.mark((key,))
            self.diags.append(error(doc.file, line, col, "KB008", f"'{key}' must be a list of entries"))
            return []
        return list(enumerate(items))

    def mapping_item(self, doc: LocatedDoc, base: tuple, raw: Any, kind: str) -> _Located | None:
        if not isinstance(raw, dict):
            line, col = doc.mark(base)
            self.diags.append(error(doc.file, line, col, "KB008",
                                    f"each {kind} must be a mapping of fields (e.g. 'id: ...'), got {type(raw).__name__}"))
            return None
        locate, key_locate = _yaml_locator(doc, base)
        item = _Located(kind, raw, locate, key_locate)
        self.items.append(item)
        return item

    def read_papers(self) -> None:
        doc = self.sources.papers
        yaml_items: list[_Located] = []
        for i, raw in self.list_under(doc, "papers"):
            item = self.mapping_item(doc, ("papers", i), raw, "paper")
            if item is not None:
                yaml_items.append(item)
        merged = self.merge_bib(yaml_items)
        for item in merged:
            self.attempt_id(item)
            paper = _validate(item, Paper, self.diags)
            if paper is not None:
                self.add_entity("paper", paper, item)

    def merge_bib(self, yaml_items: list[_Located]) -> list[_Located]:
        """Merge BibTeX entries into YAML entries with the same id or key; YAML wins per field."""
        if not self.sources.bibs:
            return yaml_items
        from kbgen.parse.bibfields import record_to_paper

        by_ref: dict[str, _Located] = {}
        for item in yaml_items:
            for ref in (item.data.get("id"), item.data.get("bibtex_key")):
                if isinstance(ref, str):
                    by_ref.setdefault(ref, item)
        result = list(yaml_items)
        for bib in self.sources.bibs:
            for rec in bib.records:
                fields = record_to_paper(rec)
                target = by_ref.get(fields.get("id", "")) or by_ref.get(rec.key)
                bib_locate = _bib_locator(bib.file, rec)
                if target is None:
                    item = _Located("paper", fields, bib_locate, bib_locate)
                    self.items.append(item)
                    result.append(item)
                    continue
                yaml_data = target.data
                combined = {**fields, **yaml_data}
                target.data = combined
                target.locate = _merged_locator(yaml_data, target.locate, bib_locate)
                target.key_locate = _merged_locator(yaml_data, target.key_locate, bib_locate)
        return result

    def attempt_id(self, item: _Located) -> None:
        value = item.data.get("id")
        if isinstance(value, str):
            self.attempted.add(value)

    def add_entity(self, kind: str, model: Any, item: _Located) -> None:
        previous = self.entities.get(model.id)
        if previous is not None:
            prev_file, prev_line, _ = previous[2].locate(("id",))
            file, line, col = item.locate(("id",))
            self.diags.append(error(file, line, col, "KB014",
                                    f"id {model.id!r} is already used by the {previous[0]} at "
                                    f"{prev_file}:{prev_line}; papers, concepts, stories and resources "
                                    "share one namespace, so rename one"))
            return
        self.entities[model.id] = (kind, model, item)

    def read_pages(self) -> None:
        for page in self.sources.pages:
            self.check_unsafe_body(page)
            if page.kind == "page" or not page.has_front_matter:
                continue
            front = page.front.value
            if front is None:
                continue
            item = self.mapping_item(page.front, (), front, page.kind)
            if item is None:
                continue
            for derived in ("id", "body"):
                if derived in front:
                    file, line, col = item.key_locate((derived,))
                    self.diags.append(error(file, line, col, "KB006",
                                            f"'{derived}' is not a front-matter key: the {derived} comes from the "
                                            "file " + ("name" if derived == "id" else "text") + "; remove it"))
            item.data = {k: v for k, v in front.items() if k not in ("id", "body")}
            model = KINDS[page.kind].model
            item.locate = _page_locator(page, item.locate)
            if page.kind == "summary":
                validated = _validate(item, model, self.diags, {"id": page.id, "body": page.body})
                if validated is not None:
                    if page.id in self.summaries:
                        self.dup_namespace("summary", page.id, item, self.summaries[page.id][1])
                    else:
                        self.summaries[page.id] = (validated, item)
                continue
            self.attempted.add(page.id)
            validated = _validate(item, model, self.diags, {"id": page.id, "body": page.body})
            if validated is not None:
                self.add_entity(page.kind, validated, item)

    def dup_namespace(self, kind: str, ident: str, item: _Located, previous: _Located) -> None:
        prev_file, prev_line, _ = previous.locate(("id",))
        file, line, col = item.locate(("id",))
        self.diags.append(error(file, line, col, "KB014",
                                f"{kind} id {ident!r} is already used at {prev_file}:{prev_line}; rename one"))

    def read_topics(self) -> None:
        doc = self.sources.topics
        for i, raw in self.list_under(doc, "topics"):
            item = self.mapping_item(doc, ("topics", i), raw, "topic")
            if item is None:
                continue
            if isinstance(raw.get("id"), str):
                self.attempted_topics.add(raw["id"])
            topic = _validate(item, Topic, self.diags)
            if topic is None:
                continue
            if topic.id in self.topics:
                self.dup_namespace("topic", topic.id, item, self.topics[topic.id][1])
            else:
                self.topics[topic.id] = (topic, item)

    def read_paths(self) -> None:
        for doc in self.sources.paths:
            path_id = PurePosixPath(doc.file).stem
            item = self.mapping_item(doc, (), doc.value, "reading path")
            if item is None:
                continue
            if "id" in item.data:
                file, line, col = item.key_locate(("id",))
                self.diags.append(error(file, line, col, "KB006",
                                        "'id' is not a key of a path file: the id is the file name; remove it"))
                item.data = {k: v for k, v in item.data.items() if k != "id"}
            path = _validate(item, ReadingPath, self.diags, {"id": path_id})
            if path is not None:
                self.paths[path.id] = (path, item)

    # -- cross-checks ----------------------------------------------------
    def check_refs(self) -> None:
        """Unknown ids in every reference field, read from the raw data so that
        entities that failed their schema are checked too."""
        entity_ids = set(self.entities) | self.attempted
        paper_ids = {i for i, (k, _, _) in self.entities.items() if k == "paper"}
        paper_like = paper_ids | (self.attempted - set(self.entities))
        topic_ids = set(self.topics) | self.attempted_topics
        pools = {"paper": sorted(paper_like), "topic": sorted(topic_ids), "entity": sorted(entity_ids)}
        known = {"paper": paper_like, "topic": topic_ids, "entity": entity_ids}
        # A path's items are labelled "reading path" in messages; the kinds table names it "path".
        fields = {("reading path" if k.name == "path" else k.name): k.references for k in KINDS.values()}
        for item in self.items:
            for field_name, what in fields.get(item.kind, ()):
                value = item.data.get(field_name)
                refs = [((field_name,), value)] if isinstance(value, str) else (
                    [((field_name, j), v) for j, v in enumerate(value) if isinstance(v, str)]
                    if isinstance(value, list) else [])
                for path, ref in refs:
                    if ref not in known[what]:
                        file, line, col = item.locate(path)
                        self.diags.append(error(file, line, col, "KB004",
                                                f"unknown {what} id {ref!r}{suggest(ref, pools[what])}"))

    def check_self_refs(self) -> None:
        for kind, model, item in self.entities.values():
            for field_name in ("prerequisites", "cites") if kind == "paper" else ("prerequisites",):
                values = getattr(model, field_name)
                if model.id in values:
                    file, line, col = item.locate((field_name, values.index(model.id)))
                    self.diags.append(error(file, line, col, "KB019" if field_name == "prerequisites" else "KB004",
                                            f"{model.id!r} lists itself in '{field_name}'; remove it"))

    def check_duplicate_papers(self) -> None:
        from kbgen.core.identifiers import normalise_arxiv, normalise_doi, normalise_title

        seen: dict[tuple[str, str], str] = {}
        for entity_id, (kind, paper, item) in self.entities.items():
            if kind != "paper":
                continue
            keys = []
            if paper.arxiv:
                keys.append(("arxiv", normalise_arxiv(paper.arxiv), "arXiv id", "arxiv"))
            if paper.doi:
                keys.append(("doi", normalise_doi(paper.doi), "DOI", "doi"))
            title = normalise_title(paper.title) if paper.year else ""
            if title:
                keys.append(("title", f"{title}|{paper.year}", "title and year", "title"))
            for space, value, label, field_name in keys:
                first = seen.setdefault((space, value), entity_id)
                if first == entity_id:
                    continue
                first_item = self.entities[first][2]
                ffile, fline, _ = first_item.locate(("id",))
                file, line, col = item.locate((field_name,))
                make = error if space != "title" else warning
                code = "KB017" if space != "title" else "KB018"
                self.diags.append(make(file, line, col, code,
                                       f"paper {entity_id!r} has the same {label} as {first!r} ({ffile}:{fline}); "
                                       "keep one entry and merge their fields"))

    def check_prerequisite_cycles(self) -> None:
        import networkx as nx

        graph = nx.DiGraph()
        for entity_id, (_, model, _) in self.entities.items():
            for pre in model.prerequisites:
                if pre in self.entities and pre != entity_id:
                    graph.add_edge(pre, entity_id)
        if nx.is_directed_acyclic_graph(graph):
            return
        for component in nx.strongly_connected_components(graph):
            if len(component) < 2:
                continue
            start = min(component)
            cycle = [u for u, _ in nx.find_cycle(graph.subgraph(component), source=start)]
            members = []
            for member in cycle:
                file, line, _ = self.entities[member][2].locate(("prerequisites",))
                members.append(f"{member} ({file}:{line})")
            file, line, col = self.entities[start][2].locate(("prerequisites",))
            self.diags.append(error(file, line, col, "KB019",
                                    "prerequisite cycle: " + " -> ".join(members + [cycle[0]])
                                    + "; remove one of these prerequisites"))

    def check_unsafe_metadata(self) -> None:
        items = [(m, it) for _, m, it in self.entities.values()]
        items += list(self.summaries.values()) + list(self.topics.values()) + list(self.paths.values())
        for model, item in items:
            for name, value in model.__dict__.items():  # the fields: extra="forbid" leaves no extras
                if name == "body" or not value:
                    continue
                for path, text in _iter_strings(name, value):
                    reason = find_unsafe(text)
                    if reason:
                        file, line, col = item.locate(path)
                        self.diags.append(error(file, line, col, "KB020",
                                                f"{'.'.join(map(str, path))}: {reason[1]}; remove it"))

    def check_unsafe_body(self, page: PageSource) -> None:
        for offset, message in iter_unsafe(page.body):
            line = page.body_line + page.body.count("\n", 0, offset)
            col = offset - (page.body.rfind("\n", 0, offset) + 1) + 1
            self.diags.append(error(page.file, line, col, "KB020", message + "; remove it"))

    def check_path_order(self) -> None:
        """A curated step placed before one of its (transitive) prerequisites is a warning."""
        prereqs = {i: set(m.prerequisites) for i, (_, m, _) in self.entities.items()}
        for path, item in self.paths.values():
            position = {step: i for i, step in enumerate(path.steps)}
            earlier = _steps_among_ancestors(path.steps, prereqs)
            for i, step in enumerate(path.steps):
                ancestors = earlier[step] if earlier is not None else _ancestors(step, prereqs)
                for pre in sorted(ancestors):
                    if position.get(pre, -1) > i:
                        file, line, col = item.locate(("steps", position[pre]))
                        self.diags.append(warning(file, line, col, "KB025",
                                                  f"step {pre!r} comes after {step!r}, which needs it first; "
                                                  f"move {pre!r} before {step!r}"))

    def knowledge_base(self) -> KnowledgeBase:
        tables: dict[str, dict] = {kind.name: {} for kind in ENTITY_KINDS}
        origins: dict[str, Origin] = {}
        for entity_id, (kind, model, item) in sorted(self.entities.items()):
            tables[kind][entity_id] = model
            origins[f"{kind}:{entity_id}"] = Origin(*item.locate(("id",)))
        for group, kind in ((self.summaries, "summary"), (self.topics, "topic"), (self.paths, "path")):
            for ident, (_, item) in group.items():
                origins[f"{kind}:{ident}"] = Origin(*item.locate(("id",)))
        return KnowledgeBase(
            **{KINDS[name].section: table for name, table in tables.items()},
            summaries={k: v[0] for k, v in sorted(self.summaries.items())},
            topics={k: v[0] for k, v in sorted(self.topics.items())},
            paths={k: v[0] for k, v in sorted(self.paths.items())},
            origins=origins,
        )


def _steps_among_ancestors(steps: list[str], prereqs: dict[str, set[str]]) -> dict[str, set[str]] | None:
    """For each step, the other steps among its transitive prerequisites; ``None`` on a cycle.

    One memoised walk of the prerequisites for the whole path, where calling
    :func:`_ancestors` per step walks the same ancestry once per step (at
    10,000 papers a paper has thousands of ancestors).

    >>> _steps_among_ancestors(["a", "c", "b"], {"b": {"x"}, "x": {"a"}, "c": set()})
    {'a': set(), 'c': set(), 'b': {'a'}}
    """
    wanted = set(steps)
    memo: dict[str, frozenset[str]] = {}
    active: set[str] = set()
    for start in steps:
        if start in memo:
            continue
        active.add(start)
        stack = [(start, iter(prereqs.get(start, ())))]
        while stack:  # iterative post-order: chains of prerequisites can be thousands long
            node, pending = stack[-1]
            for pre in pending:
                if pre in memo:
                    continue
                if pre in active:
                    return None  # a cycle (already an error): let the caller walk it plainly
                active.add(pre)
                stack.append((pre, iter(prereqs.get(pre, ()))))
                break
            else:
                stack.pop()
                active.discard(node)
                found: set[str] = set()
                for pre in prereqs.get(node, ()):
                    found |= memo[pre]
                    if pre in wanted:
                        found.add(pre)
                memo[node] = frozenset(found)
    return {step: set(memo[step]) - {step} for step in steps}


def _ancestors(node: str, prereqs: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(prereqs.get(node, ()))
    while stack:
        current = stack.pop()
        if current in seen or current == node:
            continue
        seen.add(current)
        stack.extend(prereqs.get(current, ()))
    return seen


# Which BibTeX fields a paper field is read from, to point errors at the right line.
_BIB_FIELDS = {
    "title": ("title",), "authors": ("author",), "year": ("year", "date"),
    "venue": ("booktitle", "journal", "publisher", "howpublished"),
    "arxiv": ("eprint", "volume", "journal", "url", "note"), "doi": ("doi", "url"),
    "url": ("url",), "pdf": ("pdf",), "abstract": ("abstract",),
}


def _bib_locator(file: str, rec: Any) -> Callable[[tuple], tuple[str, int, int]]:
    def locate(path: tuple) -> tuple[str, int, int]:
        name = path[0] if path else ""
        for bib_field in _BIB_FIELDS.get(name, ()):
            if bib_field in rec.field_lines:
                return file, rec.field_lines[bib_field], 1
        return file, rec.line, 1

    return locate


def _merged_locator(yaml_data: dict, yaml_locate: Callable, bib_locate: Callable) -> Callable:
    def locate(path: tuple) -> tuple[str, int, int]:
        if not path or path[0] in yaml_data:
            return yaml_locate(path)
        return bib_locate(path)

    return locate


def _page_locator(page: PageSource, locate: Callable) -> Callable:
    def located(path: tuple) -> tuple[str, int, int]:
        if path and path[0] in ("id", "body"):
            return page.file, 1, 1
        return locate(path)

    return located


def _iter_strings(name: str, value: Any) -> Iterable[tuple[tuple, str]]:
    if isinstance(value, str):
        yield (name,), value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield (name, i), item


# Bounded repetition keeps these linear on multi-megabyte text.
_UNSAFE = [
    (re.compile(r"<\s*(script|iframe|object|embed|frame|frameset|base|meta)\b", re.I),
     "raw <{0}> element"),
    # Browsers split attributes on '/' and after a closing quote too: <svg/onload=...>, <img src="x"onerror=...>.
    (re.compile(r"<[a-z][^<>]{0,4000}?[\s/\"'](on[a-z]{3,30})\s*=", re.I), "event-handler attribute '{0}='"),
    (re.compile(r"(?:\]\(\s*<?|\]:\s*<?|\b(?:href|src|action|formaction)\s*=\s*[\"']?\s*|<)"
                r"\s*((?:java|vb)script|data)\s*:", re.I), "'{0}:' URL"),
]
_CODE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$|`[^`\n]{0,4000}`", re.M | re.S)


def iter_unsafe(text: str) -> Iterable[tuple[int, str]]:
    """Offsets and messages of unsafe HTML or URLs in Markdown, outside code.

    >>> [m for _, m in iter_unsafe("ok `<script>` then <script>x</script>")]
    ['raw <script> element']
    """
    if "<" not in text and (":" not in text or ("]" not in text and "=" not in text)):
        return  # each pattern needs a "<", or a ":" and one of "]" or "="
    masked = _CODE.sub(lambda m: " " * len(m.group(0)), text) if "`" in text or "~~~" in text else text
    for pattern, message in _UNSAFE:
        for match in pattern.finditer(masked):
            yield match.start(), message.format(match.group(1).lower())


def find_unsafe(text: str) -> tuple[int, str] | None:
    """The first unsafe construct in a metadata string, or None."""
    if "<" not in text and ":" not in text:
        return None
    lowered = text.lower()
    if re.search(r"^\s*(?:java|vb)script\s*:", lowered) or re.search(r"^\s*data\s*:[a-z]+/", lowered):
        return 0, "a javascript:/data: URL is not allowed"
    return next(iter(iter_unsafe(text)), None)


def build_knowledge_base(sources: Sources) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Validate parsed sources; return the knowledge base and every diagnostic, sorted."""
    # Every object made here lives until the end (no garbage to find), and
    # the collector's passes over them cost a third of the time at 10,000
    # papers (2.8 -> 1.85 CPU s): pause it.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_knowledge_base(sources)
    finally:
        if enabled:
            gc.enable()


def _build_knowledge_base(sources: Sources) -> tuple[KnowledgeBase, list[Diagnostic]]:
    builder = _Builder(sources)
    builder.read_topics()
    builder.read_papers()
    builder.read_pages()
    builder.read_paths()
    builder.check_refs()
    builder.check_self_refs()
    builder.check_duplicate_papers()
    builder.check_prerequisite_cycles()
    builder.check_unsafe_metadata()
    builder.check_path_order()
    return builder.knowledge_base(), sort_diagnostics(builder.diags)
