"""Reading-path pages (curated and per topic), their downloads, the paths index, and who is in which path."""

from __future__ import annotations

import posixpath
from functools import cached_property
from typing import Any, Iterable

from kbgen.output.mermaid import node_text, path_chart
from kbgen.site.links import Link
from kbgen.site.urls import index_uri, page_uri, relative_link

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
        return [Link(ident, title, relative_link(from_uri, page_uri(kind, ident)), "path",
                     note=f"step {number} of {total}")
                for kind, ident, title, number, total in self.path_memberships.get(entity_id, ())]

    def render_paths(self) -> dict[str, str]:
        """Pages and downloads of every curated path and every topic's generated path."""
        files: dict[str, str] = {}
        listed = []
        for path in self.kb.paths.values():
            uri = page_uri("path", path.id)
            plan = self.curated_plans[path.id]
            crumbs = self.breadcrumb(uri, "path", [(path.title, None)])
            files.update(self.render_path_files(uri, path.title, path.description, plan, curated=True,
                                                breadcrumb=crumbs))
            listed.append(("curated", Link(path.id, path.title, relative_link(index_uri("path"), uri), "path",
                                           note=path.description or ""), plan))
        for topic_id, plan in self.topic_plans.items():
            topic = self.kb.topics[topic_id]
            uri = page_uri("topic-path", topic_id)
            crumbs = self.breadcrumb(uri, "topic", [*self.topic_trail(uri, topic_id), ("Reading path", None)])
            files.update(self.render_path_files(uri, f"Reading path: {topic.name}",
                                                TOPIC_PATH_DESCRIPTION.format(topic=topic.name), plan,
                                                curated=False, topic=topic, breadcrumb=crumbs))
            listed.append(("topic", Link(topic_id, topic.name, relative_link(index_uri("path"), uri), "topic"),
                           plan))
        files[index_uri("path")] = self.render_template(
            "paths_index.md.j2",
            curated=[(link, plan) for which, link, plan in listed if which == "curated"],
            topics=[(link, plan) for which, link, plan in listed if which == "topic"],
        )
        return files

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

    def render_path_files(self, uri: str, title: str, description: str | None, plan, *, curated: bool,
                          topic=None, breadcrumb: str = "") -> dict[str, str]:
        from kbgen.output.planformats import format_bib, format_ics
        from kbgen.reading.paths import path_prereqs, plan_sessions

        base = uri[: -len(".md")]
        name = posixpath.basename(base)
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
        return {
            uri: self.render_template(
                "path.md.j2", title=title, description=description, plan=plan, steps=steps,
                curated=curated, bib_href=f"{name}.bib", ics_href=f"{name}.ics",
                sessions=len(sessions), session_minutes=self.options.session_minutes,
                topic_link=self.topic_links(uri, [topic.id])[0] if topic is not None else None,
                diagram=self.render_path_diagram(uri, plan), breadcrumb=breadcrumb, optional=optional,
            ),
            f"{base}.bib": format_bib(plan, self.graph),
            f"{base}.ics": format_ics(sessions, self.graph, name=title),
        }

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
