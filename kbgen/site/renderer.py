"""Render a knowledge base as site pages: pure functions from data to text.

:func:`render_site` returns ``{uri: text}`` for every generated page and file
(paper, topic, path and index pages as Markdown; ``kb.json``,
``references.bib`` and each path's ``.bib`` and ``.ics``). URIs are paths
relative to the docs dir, so the MkDocs plugin turns each into a
``File.generated`` and ``kbgen export`` writes them to disk unchanged.

Pages link to each other with relative ``.md`` links, which MkDocs resolves,
rewrites and validates (a broken one fails ``--strict``) and which any other
Markdown site builder understands too.

Where each kind of page lives (``use_directory_urls``):

=================================  ==========================
source URI                         URL
=================================  ==========================
``papers/<id>.md``                 ``/papers/<id>/``
``topics/<id>.md``                 ``/topics/<id>/``
``topics/<id>/path.md``            ``/topics/<id>/path/`` (the topic's generated reading path)
``paths/<id>.md``                  ``/paths/<id>/`` (a curated path)
``paths/<id>.bib``, ``.ics``       downloads of a curated path
``topics/<id>/path.bib``, ``.ics`` downloads of a topic path
=================================  ==========================

A topic's path lives under the topic, not under ``/paths/``, so a curated
path may take any id without clashing with a generated one.

Everything taken from the knowledge base is escaped by the templates'
filters (:mod:`kbgen.render.escaping`); see ``templates/*.md.j2``.
"""

from __future__ import annotations

import datetime as _dt
import json
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Mapping

import jinja2
from markupsafe import Markup

from kbgen.core.kb import KnowledgeBase
try:  # the Atom feed of new summaries and stories is its own module (issue 9)
    from kbgen.output.feed import FEED_PATH as FEED_URI, render_feed
except ImportError:  # not part of this installation: the site simply has no feed.xml
    FEED_URI, render_feed = "feed.xml", None
from kbgen.site.escaping import escape_code_block, escape_html, escape_markdown, escape_url, safe_url

#: Folder (URL section) of each kind of page.
SECTIONS: dict[str, str] = {
    "paper": "papers",
    "concept": "concepts",
    "story": "stories",
    "resource": "resources",
    "summary": "summaries",
    "topic": "topics",
    "path": "paths",
}
#: Kinds of contributed Markdown pages that get a generated header and footer.
CONTRIBUTED_KINDS = ("summary", "concept", "story", "resource")
#: Section index pages generated for contributed pages (unless the content has its own).
SECTION_INDEX_TITLES = {
    "concept": "Concepts",
    "story": "Stories",
    "resource": "Resources",
    "summary": "Summaries",
}
#: Marker in content/index.md where the home additions go (appended when absent).
HOME_MARKER = "<!-- kbgen:home -->"
#: Lists longer than this are kept out of the search index (boilerplate).
SEARCH_LIST_LIMIT = 0
#: How many neighbours the small diagram on a paper page shows at most, per direction.
DIAGRAM_LIMIT = 6
#: A topic's generated path lists at most this many entries (the most important).
TOPIC_PATH_LIMIT = 100
#: Paths longer than this get no diagram (it would be unreadable).
PATH_DIAGRAM_LIMIT = 60


@dataclass(frozen=True)
class SiteOptions:
    """Choices that change the rendered site."""

    site_url: str | None = None
    related_k: int = 5
    #: Newest summaries and featured paths on the home page.
    home_items: int = 5
    #: Length of one reading session in a path's .ics calendar, in minutes.
    session_minutes: int = 90
    #: First session of a path's calendar; ``None``: the Monday after the build.
    session_start: _dt.date | None = None

    def sessions_start(self) -> _dt.date:
        if self.session_start is not None:
            return self.session_start
        today = _dt.date.today()
        return today + _dt.timedelta(days=7 - today.weekday())


@dataclass(frozen=True)
class Link:
    """A link from one page to another entity's page, with optional context."""

    id: str
    title: str
    href: str
    kind: str = "paper"
    year: int | None = None
    note: str = ""


def page_uri(kind: str, entity_id: str) -> str:
    """The docs-dir URI of an entity's page.

    >>> page_uri("paper", "vit"), page_uri("topic-path", "transformers")
    ('papers/vit.md', 'topics/transformers/path.md')
    """
    if kind == "topic-path":
        return f"topics/{entity_id}/path.md"
    return f"{SECTIONS[kind]}/{entity_id}.md"


def page_url(kind: str, entity_id: str) -> str:
    """The site URL (relative to the root) of an entity's page, as MkDocs builds it.

    >>> page_url("concept", "self-attention")
    'concepts/self-attention/'
    """
    return page_uri(kind, entity_id)[: -len(".md")] + "/"


def relative_link(from_uri: str, to_uri: str) -> str:
    """A relative link from one docs-dir URI to another.

    >>> relative_link("papers/vit.md", "topics/transformers.md")
    '../topics/transformers.md'
    >>> relative_link("topics/x/path.md", "papers/vit.md")
    '../../papers/vit.md'
    """
    start = from_uri.rpartition("/")[0]
    if _PLAIN_URI.match(to_uri) and (not start or _PLAIN_URI.match(start)):
        # posixpath.relpath's result without its two abspath calls (each a
        # getcwd): 11 of 87 profiled s of rendering 10,000 papers.
        base, target = start.split("/") if start else [], to_uri.split("/")
        common = 0
        while common < min(len(base), len(target)) and base[common] == target[common]:
            common += 1
        return "/".join([".."] * (len(base) - common) + target[common:]) or "."
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


# Relative, no empty, "." or ".." segment: where the string version equals relpath's.
_PLAIN_URI = re.compile(r"(?!\.\.?(?:/|$))[^/]+(?:/(?!\.\.?(?:/|$))[^/]+)*\Z")


# --------------------------------------------------------------------------
# Cross references computed once per knowledge base
# --------------------------------------------------------------------------


@dataclass
class CrossRefs:
    """Reverse links of a knowledge base: who cites, needs, summarises what."""

    kb: KnowledgeBase
    cited_by: dict[str, list[str]] = field(default_factory=dict)
    needed_by: dict[str, list[str]] = field(default_factory=dict)
    stories_of: dict[str, list[str]] = field(default_factory=dict)
    members: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> "CrossRefs":
        refs = cls(kb)
        for kind, entity in kb.iter_entities():
            for cited in getattr(entity, "cites", ()):
                refs.cited_by.setdefault(cited, []).append(entity.id)
            for pre in entity.prerequisites:
                refs.needed_by.setdefault(pre, []).append(entity.id)
            for topic in entity.topics:
                refs.members.setdefault(topic, {}).setdefault(kind, []).append(entity.id)
            if kind == "story" and entity.paper:
                refs.stories_of.setdefault(entity.paper, []).append(entity.id)
        for summary in kb.summaries.values():
            for pre in summary.prerequisites:
                refs.needed_by.setdefault(pre, [])
            for topic in summary.topics:
                refs.members.setdefault(topic, {}).setdefault("summary", []).append(summary.id)
        for topic in kb.topics.values():
            if topic.parent:
                refs.children.setdefault(topic.parent, []).append(topic.id)
        for table in (refs.cited_by, refs.needed_by, refs.stories_of, refs.children):
            for key, ids in table.items():
                table[key] = sorted(set(ids), key=lambda i: _sort_key(kb, i))
        return refs

    def subtopics(self, topic_id: str) -> list[str]:
        """Every descendant topic, depth first, in name order per level."""
        out: list[str] = []
        stack = sorted(self.children.get(topic_id, ()), reverse=True)
        seen = {topic_id}
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            out.append(current)
            stack.extend(sorted(self.children.get(current, ()), reverse=True))
        return out


def _sort_key(kb: KnowledgeBase, entity_id: str) -> tuple:
    year = kb.year_of(entity_id)
    return (year if year is not None else 9999, entity_id)


# --------------------------------------------------------------------------
# The renderer
# --------------------------------------------------------------------------


def build_environment() -> jinja2.Environment:
    """The Jinja2 environment of the page templates.

    Autoescaping is on, so a value printed without a filter is HTML-escaped;
    ``md`` escapes a value for Markdown text, ``url`` keeps only http(s)
    URLs, ``code`` makes text safe inside a fenced block.
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kbgen.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_markdown
    env.filters["attr"] = escape_html
    env.filters["url"] = escape_url
    env.filters["code"] = lambda text: Markup(escape_code_block(text))
    env.filters["minutes"] = format_minutes
    # Material prints a page's front-matter title into <title> and the header
    # without escaping: give it HTML-escaped text, as a JSON (= YAML) string.
    env.filters["meta_title"] = lambda text: Markup(json.dumps(str(escape_html(text)), ensure_ascii=False))
    return env


def format_minutes(minutes: int | None) -> str:
    """A reading time for people.

    >>> format_minutes(45), format_minutes(150), format_minutes(None)
    ('45 min', '2 h 30 min', '')
    """
    if not minutes:
        return ""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


class SiteRenderer:
    """Renders every page of one knowledge base (and its graph, when given).

    ``graph`` is a :class:`kbgen.graph.KBGraph`; without it, pages that need
    it (reading paths, related papers, ``kb.json``) are left out, which
    keeps the metadata pages testable on their own.
    """

    def __init__(self, kb: KnowledgeBase, graph: Any = None, options: SiteOptions | None = None):
        self.kb = kb
        self.graph = graph
        self.options = options or SiteOptions()
        self.refs = CrossRefs.build(kb)
        self.env = build_environment()

    # -- helpers used by the views ------------------------------------------

    def link(self, from_uri: str, entity_id: str, note: str = "") -> Link:
        kind = self.kb.kind_of(entity_id) or "paper"
        return Link(entity_id, self.kb.title_of(entity_id), relative_link(from_uri, page_uri(kind, entity_id)),
                    kind, self.kb.year_of(entity_id), note)

    def links(self, from_uri: str, ids: Iterable[str]) -> list[Link]:
        return [self.link(from_uri, i) for i in ids if self.kb.kind_of(i)]

    def topic_links(self, from_uri: str, topic_ids: Iterable[str]) -> list[Link]:
        return [Link(t, self.kb.topics[t].name, relative_link(from_uri, page_uri("topic", t)), "topic")
                for t in topic_ids if t in self.kb.topics]

    def render_template(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    @cached_property
    def related(self) -> Mapping[str, list]:
        if self.graph is None:
            return {}
        from kbgen.reading.related import compute_related

        return compute_related(self.graph, k=self.options.related_k)

    # -- the whole site ------------------------------------------------------

    def render_site(self) -> dict[str, str]:
        """``{uri: text}`` of every generated page and file."""
        files: dict[str, str] = {}
        files["papers/index.md"] = self.render_papers_index()
        for paper_id in self.kb.papers:
            files[page_uri("paper", paper_id)] = self.render_paper(paper_id)
        files["topics/index.md"] = self.render_topics_index()
        for topic_id in self.kb.topics:
            files[page_uri("topic", topic_id)] = self.render_topic(topic_id)
        for kind, title in SECTION_INDEX_TITLES.items():
            files[f"{SECTIONS[kind]}/index.md"] = self.render_section_index(kind, title)
        if self.graph is not None:
            files.update(self.render_paths())
            files["graph.md"] = self.render_template("graph.md.j2")
            files["kb.json"] = self.render_kb_json()
        files["references.bib"] = self.render_references()
        if render_feed is not None:
            files[FEED_URI] = render_feed(self.kb, self.options.site_url)
        return files

    # -- papers ----------------------------------------------------------------

    def render_paper(self, paper_id: str) -> str:
        uri = page_uri("paper", paper_id)
        paper = self.kb.papers[paper_id]
        return self.render_template(
            "paper.md.j2",
            paper=paper,
            header=Markup(self.render_header("paper", paper_id, uri)),
            bibtex=self.render_bibtex([paper_id]).rstrip(),
            summaries=[Link(s.id, s.title, relative_link(uri, page_uri("summary", s.id)), "summary")
                       for s in self.kb.summaries_of(paper_id)],
            stories=self.links(uri, self.refs.stories_of.get(paper_id, ())),
            read_first=self.links(uri, paper.prerequisites),
            cites=self.links(uri, sorted(paper.cites, key=lambda i: _sort_key(self.kb, i))),
            cited_by=self.links(uri, self.refs.cited_by.get(paper_id, ())),
            builds_on=self.links(uri, self.refs.needed_by.get(paper_id, ())),
            related=self.related_links(uri, paper_id),
            diagram=self.render_neighbourhood(paper_id),
        )

    def related_links(self, from_uri: str, paper_id: str) -> list[Link]:
        out = []
        for item in self.related.get(paper_id, ()):
            if self.kb.kind_of(item.id):
                reasons = "; ".join(str(r) for r in (item.reasons or ()))
                out.append(self.link(from_uri, item.id, reasons))
        return out

    def render_neighbourhood(self, paper_id: str) -> str:
        """A small Mermaid flowchart: what to read before this paper and what builds on it."""
        paper = self.kb.papers[paper_id]
        before = list(dict.fromkeys([*paper.prerequisites, *paper.cites]))[:DIAGRAM_LIMIT]
        after = list(dict.fromkeys([*self.refs.needed_by.get(paper_id, ()),
                                    *self.refs.cited_by.get(paper_id, ())]))[:DIAGRAM_LIMIT]
        if not before and not after:
            return ""
        names = {paper_id: "n0"}
        lines = ["flowchart LR"]

        def node(entity_id: str) -> str:
            if entity_id not in names:
                names[entity_id] = f"n{len(names)}"
                label = mermaid_label(self.kb.title_of(entity_id), self.kb.year_of(entity_id))
                lines.append(f"  {names[entity_id]}[\"{label}\"]")
            return names[entity_id]

        lines.append(f"  n0[\"{mermaid_label(paper.title, paper.year)}\"]:::kbself")
        for other in before:
            kind = "prerequisite" if other in paper.prerequisites else "cites"
            lines.append(f"  {node(other)} -->|{'read first' if kind == 'prerequisite' else 'cited'}| n0")
        for other in after:
            entity = self.kb.entity(other)
            kind = "read first" if paper_id in entity.prerequisites else "cited"
            lines.append(f"  n0 -->|{kind}| {node(other)}")
        lines.append("  classDef kbself stroke-width:3px")
        return "\n".join(lines)

    def render_bibtex(self, paper_ids: Iterable[str]) -> str:
        from kbgen.parse.bibtex import format_bibtex

        return format_bibtex([self.kb.papers[i].model_dump() for i in paper_ids if i in self.kb.papers])

    def render_references(self) -> str:
        return self.render_bibtex(sorted(self.kb.papers))

    def render_papers_index(self) -> str:
        uri = "papers/index.md"
        by_year: dict[Any, list[Link]] = {}
        for paper_id in sorted(self.kb.papers, key=lambda i: (-(self.kb.year_of(i) or 0), i)):
            by_year.setdefault(self.kb.year_of(paper_id) or "Undated", []).append(self.link(uri, paper_id))
        by_topic = []
        for topic in sorted(self.kb.topics.values(), key=lambda t: t.name.lower()):
            ids = self.refs.members.get(topic.id, {}).get("paper", [])
            if ids:
                by_topic.append((self.topic_links(uri, [topic.id])[0],
                                 self.links(uri, sorted(ids, key=lambda i: _sort_key(self.kb, i)))))
        return self.render_template("papers_index.md.j2", count=len(self.kb.papers),
                                    by_year=list(by_year.items()), by_topic=by_topic)

    # -- topics ----------------------------------------------------------------

    def render_topics_index(self) -> str:
        uri = "topics/index.md"
        roots = sorted((t for t in self.kb.topics.values() if not t.parent or t.parent not in self.kb.topics),
                       key=lambda t: t.name.lower())

        def tree(topic) -> dict:
            children = sorted((self.kb.topics[c] for c in self.refs.children.get(topic.id, ())),
                              key=lambda t: t.name.lower())
            return {"link": self.topic_links(uri, [topic.id])[0], "topic": topic,
                    "count": sum(len(v) for v in self.refs.members.get(topic.id, {}).values()),
                    "children": [tree(c) for c in children]}

        return self.render_template("topics_index.md.j2", tree=[tree(t) for t in roots])

    def render_topic(self, topic_id: str) -> str:
        uri = page_uri("topic", topic_id)
        topic = self.kb.topics[topic_id]
        subtopics = self.refs.subtopics(topic_id)
        groups = []
        for kind, title in (("paper", "Papers"), ("concept", "Concepts"), ("summary", "Summaries"),
                            ("story", "Stories"), ("resource", "Resources")):
            ids: set[str] = set()
            for t in [topic_id, *subtopics]:
                ids.update(self.refs.members.get(t, {}).get(kind, ()))
            if kind == "summary":
                items = [Link(s, self.kb.summaries[s].title, relative_link(uri, page_uri("summary", s)), "summary")
                         for s in sorted(ids)]
            else:
                items = self.links(uri, sorted(ids, key=lambda i: _sort_key(self.kb, i)))
            if items:
                groups.append((title, items))
        parent = self.topic_links(uri, [topic.parent]) if topic.parent else []
        plan = self.topic_plans.get(topic_id)
        return self.render_template(
            "topic.md.j2", topic=topic, parent=parent[0] if parent else None,
            subtopics=self.topic_links(uri, sorted(self.refs.children.get(topic_id, ()))),
            groups=groups, plan=plan,
            path_href=relative_link(uri, page_uri("topic-path", topic_id)) if plan else "",
        )

    # -- reading paths -------------------------------------------------------

    @cached_property
    def topic_plans(self) -> dict[str, Any]:
        """Every topic's generated reading path (topics with nothing to read have none)."""
        plans = {}
        for topic_id in self.kb.topics:
            plan = self.topic_plan(topic_id)
            if plan is not None:
                plans[topic_id] = plan
        return plans

    def topic_plan(self, topic_id: str):
        """The generated reading path of a topic, or None (no graph, or nothing to read).

        The path holds the topic's own entities (with its subtopics'), at most
        :data:`TOPIC_PATH_LIMIT` of them (the most important), in the graph's
        global reading order, so every prerequisite among them comes first.
        It does not pull in what they build on from other topics: with those,
        every topic's path would grow with the whole knowledge base (pages and
        downloads of size topics x papers); each step's page lists them.
        """
        if self.graph is None:
            return None
        from kbgen.reading.paths import topic_targets

        targets = topic_targets(self.graph, topic_id)
        if not targets:
            return None
        if len(targets) > TOPIC_PATH_LIMIT:
            importance = self.graph.importance
            targets = sorted(targets, key=lambda i: (-importance.get(i, 0.0), self.graph.sort_key(i)))
            targets = targets[:TOPIC_PATH_LIMIT]
        rank = self.graph.rank
        return self.curated_plan(sorted(targets, key=rank.__getitem__), targets=targets)

    def render_paths(self) -> dict[str, str]:
        """Pages and downloads of every curated path and every topic's generated path."""
        files: dict[str, str] = {}
        listed = []
        for path in self.kb.paths.values():
            uri = page_uri("path", path.id)
            plan = self.curated_plan(path.steps)
            files.update(self.render_path_files(uri, path.title, path.description, plan, curated=True))
            listed.append(("curated", Link(path.id, path.title, relative_link("paths/index.md", uri), "path",
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
            listed.append(("topic", Link(topic_id, topic.name, relative_link("paths/index.md", uri), "topic"),
                           plan))
        files["paths/index.md"] = self.render_template(
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

    def render_kb_json(self) -> str:
        from kbgen.graph.build import graph_to_json

        return json.dumps(graph_to_json(self.graph), ensure_ascii=False, separators=(",", ":")) + "\n"

    # -- contributed pages ---------------------------------------------------

    def render_section_index(self, kind: str, title: str) -> str:
        uri = f"{SECTIONS[kind]}/index.md"
        if kind == "summary":
            items = [Link(s.id, s.title, relative_link(uri, page_uri("summary", s.id)), "summary",
                          note=self.kb.title_of(s.paper))
                     for s in sorted(self.kb.summaries.values(), key=lambda s: s.title.lower())]
        else:
            table = {"concept": self.kb.concepts, "story": self.kb.stories, "resource": self.kb.resources}[kind]
            items = [self.link(uri, i) for i in sorted(table, key=lambda i: table[i].title.lower())]
        return self.render_template("section_index.md.j2", kind=kind, title=title, items=items)

    def render_header(self, kind: str, entity_id: str, uri: str) -> str:
        """The metadata card at the top of a paper or contributed page."""
        if kind == "summary":
            entity = self.kb.summaries[entity_id]
            paper = self.kb.papers.get(entity.paper)
        else:
            entity = self.kb.entity(entity_id)
            paper = self.kb.papers.get(getattr(entity, "paper", None) or "") if kind == "story" else None
        return self.render_template(
            "header.md.j2", kind=kind, entity=entity, paper=paper,
            paper_link=self.link(uri, paper.id) if paper is not None and kind != "paper" else None,
            topics=self.topic_links(uri, entity.topics),
            read_id=paper.id if kind == "summary" and paper is not None else entity_id,
        )

    def render_footer(self, kind: str, entity_id: str, uri: str) -> str:
        """"Read first" / "read next" (and the paper, for a summary) below a contributed page."""
        entity = self.kb.summaries[entity_id] if kind == "summary" else self.kb.entity(entity_id)
        read_next = [] if kind == "summary" else self.links(uri, self.refs.needed_by.get(entity_id, ()))
        paper = getattr(entity, "paper", None)
        return self.render_template(
            "footer.md.j2",
            read_first=self.links(uri, entity.prerequisites),
            read_next=read_next,
            paper=self.link(uri, paper) if paper and paper in self.kb.papers else None,
        )

    def decorate(self, uri: str, markdown: str) -> str | None:
        """A contributed page's Markdown with its header and footer, or None when not one."""
        section, _, name = uri.partition("/")
        kind = next((k for k in CONTRIBUTED_KINDS if SECTIONS[k] == section), None)
        if kind is None or "/" in name or not name.endswith(".md"):
            return None
        entity_id = name[: -len(".md")]
        known = self.kb.summaries if kind == "summary" else {
            "concept": self.kb.concepts, "story": self.kb.stories, "resource": self.kb.resources}[kind]
        if entity_id not in known:
            return None
        title, body = split_title(markdown)
        heading = f"# {title}" if title is not None else f"# {escape_markdown(known[entity_id].title)}"
        return (f"{heading}\n\n{self.render_header(kind, entity_id, uri)}\n{body.lstrip()}"
                f"\n\n{self.render_footer(kind, entity_id, uri)}")

    def render_home(self, markdown: str) -> str:
        """content/index.md with the home additions at its marker (or at its end)."""
        uri = "index.md"
        summaries = sorted(self.kb.summaries.values(), key=lambda s: (s.date is not None, s.date, s.id),
                           reverse=True)[: self.options.home_items]
        newest = [Link(s.id, s.title, relative_link(uri, page_uri("summary", s.id)), "summary",
                       note=s.date.isoformat() if s.date else "") for s in summaries]
        paths = [Link(p.id, p.title, relative_link(uri, page_uri("path", p.id)), "path", note=p.description or "")
                 for p in list(self.kb.paths.values())[: self.options.home_items]] if self.graph is not None else []
        counts = [(len(self.kb.papers), "papers", "papers/index.md"),
                  (len(self.kb.summaries), "summaries", "summaries/index.md"),
                  (len(self.kb.concepts), "concepts", "concepts/index.md"),
                  (len(self.kb.stories), "stories", "stories/index.md"),
                  (len(self.kb.resources), "resources", "resources/index.md"),
                  (len(self.kb.topics), "topics", "topics/index.md"),
                  (len(self.kb.paths), "reading paths", "paths/index.md" if self.graph is not None else "")]
        addition = self.render_template("home.md.j2", counts=counts, newest=newest, paths=paths,
                                        feed_href=FEED_URI if render_feed is not None else "")
        if HOME_MARKER in markdown:
            return markdown.replace(HOME_MARKER, addition, 1)
        # No marker: after the introduction, before the first section.
        at = markdown.find("\n## ")
        if at < 0:
            return markdown.rstrip() + "\n\n" + addition
        return markdown[: at + 1] + addition + "\n" + markdown[at + 1:]


def split_title(markdown: str) -> tuple[str | None, str]:
    """Split off a leading ``# Title`` line (after blank lines), if any.

    >>> split_title("\\n# Self-attention\\n\\nText")
    ('Self-attention', '\\nText')
    >>> split_title("Text")
    (None, 'Text')
    """
    stripped = markdown.lstrip("\n")
    first, _, rest = stripped.partition("\n")
    if first.startswith("# "):
        return first[2:].strip(), rest
    return None, markdown


def mermaid_label(title: str, year: int | None = None, limit: int = 48) -> str:
    """A Mermaid node label: shortened, with every special character as an entity code.

    Mermaid reads ``#35;``-style codes in quoted labels, so quotes, brackets
    and angle brackets in a title cannot break out of the label.

    >>> mermaid_label('Say "hi" <b>', 2020)
    'Say #34;hi#34; #60;b#62; #40;2020#41;'
    """
    text = " ".join(title.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    if year:
        text = f"{text} ({year})"
    return "".join(c if c.isalnum() or c in " .,:;-?!'…" else f"#{ord(c)};" for c in text)


def render_site(kb: KnowledgeBase, graph: Any = None, options: SiteOptions | None = None) -> dict[str, str]:
    """Every generated page and file of the site, ``{uri: text}``."""
    return SiteRenderer(kb, graph, options).render_site()
