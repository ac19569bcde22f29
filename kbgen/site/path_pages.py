"""Reading-path pages (curated and per topic), their downloads, the paths index, and who is in which path."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Iterable

from kbgen.output.mermaid import node_text, path_chart
from kbgen.site.links import Link
from kbgen.site.urls import index_uri, page_uri

#: Paths longer than this get no diagram (it would be unreadable).
PATH_DIAGRAM_LIMIT = 60
#: How a topic's generated path introduces itself (it fits any way the path is planned).
TOPIC_PATH_DESCRIPTION = ("A reading path through {topic}, generated from the knowledge base's graph: what to "
                          "read first comes first, and each step says which later step needs it.")
#: The words of a step's reasons, by the kind of edge to the later step.
REASON_VERBS = {"prerequisite": "read first for", "cites": "cited by"}


class PathPages:
    """Methods of :class:`kbgen.site.renderer.SiteRenderer` for these pages."""

    @cached_property
    def curated_plans(self) -> dict[str, Any]:
        """Every curated path as a plan: its steps in its order (ids the graph lacks left out)."""
        return {path.id: self.curated_plan(path.steps) for path in self.kb.paths.values()}

    @cached_property
    def path_memberships(self) -> dict[str, list[tuple[str, str, str, int, int]]]:
        """``{entity id: [(kind, path or topic id, title, step number, steps)]}``: curated paths first."""
        if self.graph is None:
            return {}
        found: dict[str, list[tuple[str, str, str, int, int]]] = {}
        curated = sorted(self.curated_plans.items(), key=lambda item: self.kb.paths[item[0]].title.lower())
        topics = sorted(self.topic_plans.items(), key=lambda item: self.kb.topics[item[0]].name.lower())
        for kind, ident, title, plan in ([("path", i, self.kb.paths[i].title, plan) for i, plan in curated]
                                         + [("topic-path", i, f"Reading path: {self.kb.topics[i].name}", plan)
                                            for i, plan in topics]):
            for number, step in enumerate(plan.steps, 1):
                found.setdefault(step.id, []).append((kind, ident, title, number, len(plan.steps)))
        return found

    def paths_including(self, from_uri: str, entity_id: str) -> list[Link]:
        """Links to the curated and topic paths that include an entry, each saying at which step."""
        return [Link(ident, title, self.href(from_uri, page_uri(kind, ident)), "path",
                     note=f"step {number} of {total}")
                for kind, ident, title, number, total in self.path_memberships.get(entity_id, ())]

    def path_files(self) -> dict[str, tuple[bool, Any, tuple]]:
        """:meth:`site_files` entries of every curated path and topic path (page, .bib, .ics) and the paths index."""
        files: dict[str, tuple[bool, Any, tuple]] = {}
        for kind, ident in [("path", p) for p in self.kb.paths] + [("topic-path", t) for t in self.topic_plans]:
            uri = page_uri(kind, ident)
            base = uri[: -len(".md")]
            files[uri] = (True, self.render_path_page, (kind, ident))
            files[f"{base}.bib"] = (False, self.render_path_download, (kind, ident, "bib"))
            files[f"{base}.ics"] = (False, self.render_path_download, (kind, ident, "ics"))
        files[index_uri("path")] = (True, self.render_paths_index, ())
        return files

    def render_paths(self) -> dict[str, str]:
        """Pages (as Markdown files) and downloads of every curated path and every topic's generated path."""
        return {uri: (self.writing(uri, True, render, *args).text() if is_page else render(*args))
                for uri, (is_page, render, args) in self.path_files().items()}

    def path_spec(self, kind: str, ident: str) -> tuple[str, str, str | None, Any, Any]:
        """``(uri, title, description, plan, topic or None)`` of a curated path or a topic path."""
        uri = page_uri(kind, ident)
        if kind == "path":
            path = self.kb.paths[ident]
            return uri, path.title, path.description, self.curated_plans[ident], None
        topic = self.kb.topics[ident]
        return (uri, f"Reading path: {topic.name}", TOPIC_PATH_DESCRIPTION.format(topic=topic.name),
                self.topic_plans[ident], topic)

    def render_paths_index(self) -> str:
        index = index_uri("path")
        curated = [(Link(p.id, p.title, self.href(index, page_uri("path", p.id)), "path", note=p.description or ""),
                    self.curated_plans[p.id]) for p in self.kb.paths.values()]
        topics = [(Link(t, self.kb.topics[t].name, self.href(index, page_uri("topic-path", t)), "topic"), plan)
                  for t, plan in self.topic_plans.items()]
        return self.render_template("paths_index.html.j2", curated=curated, topics=topics)

    def render_path_download(self, kind: str, ident: str, ext: str) -> str:
        """A path's BibTeX (``bib``) or calendar (``ics``)."""
        from kbgen.output.planformats import format_bib, format_ics
        from kbgen.reading.paths import plan_sessions

        _, title, _, plan, _ = self.path_spec(kind, ident)
        if ext == "bib":
            return format_bib(plan, self.graph)
        sessions = plan_sessions(plan, self.options.session_minutes, self.options.sessions_start(self.kb))
        return format_ics(sessions, self.graph, name=title)

    def curated_plan(self, step_ids: Iterable[str], targets: Iterable[str] | None = None):
        """Steps in the given order as a plan, each step's reasons (later steps needing it) from the graph."""
        from kbgen.reading.paths import ReadingPlan, Reason, make_step

        ids = [i for i in dict.fromkeys(step_ids) if self.graph.has_entity(i)]
        position = {node: i for i, node in enumerate(ids)}
        succ = self.graph.ordering.succ
        steps = []
        for node in ids:
            later = sorted((c for c in succ[node] if position.get(c, -1) > position[node]),
                           key=position.__getitem__)
            reasons = tuple(Reason(succ[node][c]["kind"], c, "") for c in later)
            steps.append(make_step(self.graph, node, reasons))
        return ReadingPlan(targets=tuple(ids[-1:] if targets is None else targets), known=(), steps=tuple(steps),
                           total_minutes=sum(s.minutes for s in steps))

    def step_reasons(self, uri: str, step) -> list[tuple[str, list[Link] | str]]:
        """A step's reasons as ``(verb, links)`` by edge kind, read-first first; reasons without a later step as text."""
        grouped: dict[str, list[Link]] = {}
        texts: list[str] = []
        for reason in step.reasons:
            if reason.kind == "target":
                continue
            if reason.needed_by is None or not self.kb.kind_of(reason.needed_by):
                if reason.text:
                    texts.append(reason.text)
                continue
            verb = REASON_VERBS.get(reason.kind, reason.kind.replace("_", " ") + " of")
            links = grouped.setdefault(verb, [])
            if all(link.id != reason.needed_by for link in links):
                links.append(self.link(uri, reason.needed_by))
        ordered: list[tuple[str, list[Link] | str]] = sorted(grouped.items(),
                                                              key=lambda item: item[0] != REASON_VERBS["prerequisite"])
        return ordered + [("", text) for text in dict.fromkeys(texts)]

    def render_path_page(self, kind: str, ident: str) -> str:
        from kbgen.reading.paths import path_prereqs, plan_sessions

        uri, title, description, plan, topic = self.path_spec(kind, ident)
        if topic is None:
            breadcrumb = self.breadcrumb(uri, "path", [(title, None)])
        else:
            breadcrumb = self.breadcrumb(uri, "topic", [*self.topic_trail(uri, ident), ("Reading path", None)])
        base = uri[: -len(".md")]
        prereqs = path_prereqs(plan, self.graph)
        steps = [{
            "step": step,
            "link": self.link(uri, step.id),
            "prereqs": " ".join(prereqs.get(step.id, ())),
            "reasons": self.step_reasons(uri, step),
            "target": any(r.kind == "target" for r in step.reasons),
        } for step in plan.steps]
        optional = [self.link(uri, item.id, "; ".join(r.text for r in item.reasons if r.kind == "optional"))
                    for item in plan.optional if self.kb.kind_of(item.id)]
        sessions = plan_sessions(plan, self.options.session_minutes, self.options.sessions_start(self.kb))
        return self.render_template(
            "path.html.j2", title=title, description=description, plan=plan, steps=steps,
            curated=topic is None, bib_href=self.href(uri, f"{base}.bib"), ics_href=self.href(uri, f"{base}.ics"),
            sessions=len(sessions), session_minutes=self.options.session_minutes,
            topic_link=self.topic_links(uri, [topic.id])[0] if topic is not None else None,
            diagram=self.render_path_diagram(uri, plan), breadcrumb=breadcrumb, optional=optional,
        )

    def render_path_diagram(self, uri: str, plan) -> str:
        """The path's Mermaid chart (:func:`kbgen.output.mermaid.path_chart`): numbered short names, linked."""
        if len(plan.steps) > PATH_DIAGRAM_LIMIT or not plan.steps:
            return ""
        number = {step.id: i for i, step in enumerate(plan.steps, 1)}

        def label(step) -> str:
            return f"{number[step.id]}. {node_text(self.short_of(step.id), step.title)}"

        def href(entity_id: str) -> str:
            return self.url_to(uri, self.kb.kind_of(entity_id) or "paper", entity_id)

        return path_chart(plan, self.graph, label=label, href=href).rstrip("\n")
