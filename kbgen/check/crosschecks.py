"""Checks across entries, after every file is read: references, duplicates, cycles, unsafe text, order.

Each check is a function of the validation builder (:class:`kbgen.check.validate.Builder`)
that appends diagnostics to it.
"""

from __future__ import annotations

from typing import Any, Iterable

from kbgen.check.unsafe import find_unsafe, iter_unsafe
from kbgen.core.diagnostics import error, suggest, warning
from kbgen.core.kinds import KINDS
from kbgen.parse.sources import PageSource


def check_refs(b) -> None:
    """Unknown ids in every reference field, read from the raw data so that
    entities that failed their schema are checked too."""
    entity_ids = set(b.entities) | b.attempted
    paper_ids = {i for i, (k, _, _) in b.entities.items() if k == "paper"}
    paper_like = paper_ids | (b.attempted - set(b.entities))
    topic_ids = set(b.topics) | b.attempted_topics
    pools = {"paper": sorted(paper_like), "topic": sorted(topic_ids), "entity": sorted(entity_ids)}
    known = {"paper": paper_like, "topic": topic_ids, "entity": entity_ids}
    # A path's items are labelled "reading path" in messages; the kinds table names it "path".
    fields = {("reading path" if k.name == "path" else k.name): k.references for k in KINDS.values()}
    for item in b.items:
        for field_name, what in fields.get(item.kind, ()):
            value = item.data.get(field_name)
            refs = [((field_name,), value)] if isinstance(value, str) else (
                [((field_name, j), v) for j, v in enumerate(value) if isinstance(v, str)]
                if isinstance(value, list) else [])
            if what in b.skipped:
                continue  # its namespace lost a file that could not be read
            for path, ref in refs:
                if ref not in known[what]:
                    file, line, col = item.locate(path)
                    b.diags.append(error(file, line, col, "KB004",
                                            f"unknown {what} id {ref!r}{suggest(ref, pools[what])}"))


def check_self_refs(b) -> None:
    for kind, model, item in b.entities.values():
        for field_name in ("prerequisites", "cites") if kind == "paper" else ("prerequisites",):
            values = getattr(model, field_name)
            if model.id in values:
                file, line, col = item.locate((field_name, values.index(model.id)))
                b.diags.append(error(file, line, col, "KB019" if field_name == "prerequisites" else "KB004",
                                        f"{model.id!r} lists itself in '{field_name}'; remove it"))


def check_duplicate_papers(b) -> None:
    from kbgen.core.identifiers import normalise_arxiv, normalise_doi, normalise_title

    seen: dict[tuple[str, str], str] = {}
    for entity_id, (kind, paper, item) in b.entities.items():
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
            first_item = b.entities[first][2]
            ffile, fline, _ = first_item.locate(("id",))
            file, line, col = item.locate((field_name,))
            make = error if space != "title" else warning
            code = "KB017" if space != "title" else "KB018"
            b.diags.append(make(file, line, col, code,
                                   f"paper {entity_id!r} has the same {label} as {first!r} ({ffile}:{fline}); "
                                   "keep one entry and merge their fields"))


def check_versions(b) -> None:
    """One paper entered once as a preprint and once at its venue (the same title, years one
    apart: KB035), and a year before the paper's arXiv id was issued (KB032). Both warnings."""
    from kbgen.core.identifiers import arxiv_year, normalise_title

    by_title: dict[str, list[tuple[int, str]]] = {}
    for entity_id, (kind, paper, item) in sorted(b.entities.items()):
        if kind != "paper" or paper.year is None:
            continue
        issued = arxiv_year(paper.arxiv)
        if issued is not None and paper.year < issued:
            file, line, col = item.locate(("year",))
            b.diags.append(warning(file, line, col, "KB032",
                                   f"year {paper.year} is before arXiv id {paper.arxiv} was issued ({issued}); "
                                   "'year' is the first public version: fix the year or the arXiv id"))
        title = normalise_title(paper.title)
        if title:
            by_title.setdefault(title, []).append((paper.year, entity_id))
    for versions in by_title.values():
        versions.sort()
        for (year, first), (later_year, later) in zip(versions, versions[1:]):
            if later_year - year != 1:
                continue
            ffile, fline, _ = b.entities[first][2].locate(("id",))
            file, line, col = b.entities[later][2].locate(("title",))
            b.diags.append(warning(file, line, col, "KB035",
                                   f"paper {later!r} ({later_year}) has the title of {first!r} ({year}, "
                                   f"{ffile}:{fline}): probably one paper as preprint and at its venue; keep one "
                                   "entry, with the first public year as 'year' and the venue as 'venue'"))


def check_prerequisite_cycles(b) -> None:
    edges = [(pre, entity_id) for entity_id, (_, model, _) in b.entities.items()
             for pre in model.prerequisites if pre in b.entities and pre != entity_id]
    if _acyclic(edges):
        return  # the usual case, without importing networkx (a tenth of the import's check)
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_edges_from(edges)
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        start = min(component)
        cycle = [u for u, _ in nx.find_cycle(graph.subgraph(component), source=start)]
        members = []
        for member in cycle:
            file, line, _ = b.entities[member][2].locate(("prerequisites",))
            members.append(f"{member} ({file}:{line})")
        file, line, col = b.entities[start][2].locate(("prerequisites",))
        b.diags.append(error(file, line, col, "KB019",
                                "prerequisite cycle: " + " -> ".join(members + [cycle[0]])
                                + "; remove one of these prerequisites"))


def _acyclic(edges: list[tuple[str, str]]) -> bool:
    """Whether the directed graph of ``edges`` has no cycle (Kahn: every node can be peeled off)."""
    successors: dict[str, list[str]] = {}
    indegree: dict[str, int] = {}
    for source, target in edges:
        successors.setdefault(source, []).append(target)
        indegree.setdefault(source, 0)
        indegree[target] = indegree.get(target, 0) + 1
    ready = [node for node, count in indegree.items() if count == 0]
    peeled = 0
    while ready:
        node = ready.pop()
        peeled += 1
        for target in successors.get(node, ()):
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    return peeled == len(indegree)


def check_unsafe_metadata(b) -> None:
    items = [(m, it) for _, m, it in b.entities.values()]
    items += list(b.summaries.values()) + list(b.topics.values()) + list(b.paths.values())
    for model, item in items:
        for name, value in model.__dict__.items():  # the fields: extra="forbid" leaves no extras
            if name == "body" or not value:
                continue
            for path, text in _suspect_strings(name, value):
                reason = find_unsafe(text)
                if reason:
                    file, line, col = item.locate(path)
                    b.diags.append(error(file, line, col, "KB020",
                                            f"{'.'.join(map(str, path))}: {reason[1]}; remove it"))


def _suspect_strings(name: str, value: Any) -> Iterable[tuple[tuple, str]]:
    """What :func:`iter_strings` yields that :func:`find_unsafe` could object to (it needs a "<" or a
    ":"): the generator's pass over every string of every entry was most of this check at 10,000 papers."""
    if isinstance(value, str):
        return [((name,), value)] if "<" in value or ":" in value else ()
    if isinstance(value, list):
        return [((name, i), text) for i, text in enumerate(value)
                if isinstance(text, str) and ("<" in text or ":" in text)]
    return ()


def check_unsafe_body(b, page: PageSource) -> None:
    for offset, message in iter_unsafe(page.body):
        line = page.body_line + page.body.count("\n", 0, offset)
        col = offset - (page.body.rfind("\n", 0, offset) + 1) + 1
        b.diags.append(error(page.file, line, col, "KB020", message + "; remove it"))
