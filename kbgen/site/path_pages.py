"""Reading-path pages (curated and per topic), their downloads and the paths index."""

from __future__ import annotations

import posixpath
from typing import Iterable, Mapping

from kbgen.output.mermaid import mermaid_label
from kbgen.site.links import Link
from kbgen.site.topic_pages import TOPIC_PATH_LIMIT
from kbgen.site.urls import index_uri, page_uri, relative_link

#: Paths longer than this get no diagram (it would be unreadable).
PATH_DIAGRAM_LIMIT = 60


class PathPages:
    """Methods of :class:`kbgen.site.renderer.SiteRenderer` for these pages."""

    def render_paths(self) -> dict[str, str]:
        """Pages and downloads of every curated path and every topic's generated path."""
        files: dict[str, str] = {}
        listed = []
        for path in self.kb.paths.values():
            uri = page_uri("path", path.id)
            plan = self.curated_plan(path.steps)
            files.update(self.render_path_files(uri, path.title, path.description, plan, curated=True))
            listed.append(("curated", Link(path.id, path.title, relative_link(index_uri("path"), uri), "path",
                                           note=path.description or ""), plan))
        for topic_id, plan in self.topic_plans.items():
            topic = self.kb.topics[topic_id]
            uri = page_uri("topic-path", topic_id)
            description = (f"The entries of the topic {topic.name} and its subtopics in reading order, "
                           "generated from the graph; what they build on from other topics is listed "
                           "on each entry's page.")
            if len(plan.steps) == TOPIC_PATH_LIMIT:
                description += f" Only the {TOPIC_PATH_LIMIT} most important entries are listed."
            files.update(self.render_path_files(uri, f"Reading path: {topic.name}", description, plan,
                                                curated=False, topic=topic))
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
        from kbgen.reading.paths import Reason, ReadingPlan, make_step

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

    def render_path_files(self, uri: str, title: str, description: str | None, plan, *, curated: bool,
                          topic=None) -> dict[str, str]:
        from kbgen.output.planformats import format_bib, format_ics
        from kbgen.reading.paths import path_prereqs, plan_sessions

        base = uri[: -len(".md")]
        name = posixpath.basename(base)
        prereqs = path_prereqs(plan, self.graph)
        steps = []
        for step in plan.steps:
            grouped: dict[str, list[Link]] = {}
            for reason in step.reasons:
                if reason.needed_by is None:
                    continue
                verb = "read first for" if reason.kind == "prerequisite" else "cited by"
                grouped.setdefault(verb, []).append(self.link(uri, reason.needed_by))
            reasons = sorted(grouped.items(), key=lambda item: item[0] != "read first for")
            steps.append({
                "step": step,
                "link": self.link(uri, step.id),
                "prereqs": " ".join(prereqs.get(step.id, ())),
                "reasons": reasons,
                "target": any(r.kind == "target" for r in step.reasons),
            })
        sessions = plan_sessions(plan, self.options.session_minutes, self.options.sessions_start())
        return {
            uri: self.render_template(
                "path.md.j2", title=title, description=description, plan=plan, steps=steps,
                curated=curated, bib_href=f"{name}.bib", ics_href=f"{name}.ics",
                sessions=len(sessions), session_minutes=self.options.session_minutes,
                topic_link=self.topic_links(uri, [topic.id])[0] if topic is not None else None,
                diagram=self.render_path_diagram(plan, prereqs),
            ),
            f"{base}.bib": format_bib(plan, self.graph),
            f"{base}.ics": format_ics(sessions, self.graph, name=title),
        }

    def render_path_diagram(self, plan, prereqs: Mapping[str, list[str]]) -> str:
        """A top-down Mermaid flowchart of a path's steps and the edges between them."""
        if len(plan.steps) > PATH_DIAGRAM_LIMIT:
            return ""
        names = {step.id: f"s{i}" for i, step in enumerate(plan.steps)}
        lines = ["flowchart TD"]
        for i, step in enumerate(plan.steps, 1):
            lines.append(f"  {names[step.id]}[\"{i}. {mermaid_label(step.title, step.year)}\"]")
        for step in plan.steps:
            for before in prereqs.get(step.id, ()):
                lines.append(f"  {names[before]} --> {names[step.id]}")
        return "\n".join(lines)
