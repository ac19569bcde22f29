"""Links between pages: a relative link in a Markdown body must name a page the site will have.

``kbgen validate`` is the pre-commit hook and the pull-request check, so a
broken link is reported here, at its file:line:col with a suggestion, rather
than by MkDocs at build time without either.

The pages a site has are the Markdown files under content/ plus the pages
kbgen generates: ``<section>/<id>.md`` for papers, topics and paths (the
section of each kind is in :mod:`kbgen.core.kinds`), ``topics/<id>/path.md``,
``<section>/index.md`` for every kind, and ``graph.md`` (the rule is
:mod:`kbgen.core.addresses`, which the site uses too). Only links to
``.md`` files are checked: MkDocs resolves the rest (images, downloads).

>>> [(line, col, target) for line, col, target in iter_links("See [ViT](../papers/vit.md#results).\\n"
...                                                            "`[not](a.md)` and [ref]: ../x.md\\n")]
[(1, 11, '../papers/vit.md#results')]
"""

from __future__ import annotations

import posixpath
import re
from typing import Iterator
from urllib.parse import unquote

from kbgen.core.addresses import GRAPH_URI, TOPIC_PATH, index_uri, page_uri
from kbgen.core.diagnostics import error, suggest
from kbgen.core.kinds import CONTENT_DIR, KINDS

# Code and HTML comments never render as links.
_HIDDEN = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$|`[^`\n]{0,4000}`|<!--.*?-->", re.M | re.S)
_INLINE = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)\n]{0,400})?\)")
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]\n]{1,400}\]:[ \t]*<?([^\s>]+)>?", re.M)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def hide_code(body: str) -> str:
    """``body`` with code and HTML comments blanked out, every other character where it was.

    >>> hide_code("a `b` c <!-- d -->")
    'a     c         '
    """
    if "`" not in body and "~~~" not in body and "<!--" not in body:
        return body
    return _HIDDEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)


def iter_links(body: str) -> Iterator[tuple[int, int, str]]:
    """``(line, column, target)`` of every inline or reference link in ``body``, outside code,
    with 1-based positions relative to the body. A reference definition must start its line."""
    if "](" not in body and "]:" not in body:
        return
    masked = hide_code(body)
    found = [(m.start(1), m.group(1)) for m in _INLINE.finditer(masked)]
    found += [(m.start(1), m.group(1)) for m in _REFERENCE.finditer(masked)]
    for offset, target in sorted(found):
        line = body.count("\n", 0, offset) + 1
        yield line, offset - (body.rfind("\n", 0, offset) + 1) + 1, target


def page_target(page_uri: str, target: str) -> str | None:
    """The docs-dir URI a link from ``page_uri`` names, when it names a Markdown page.

    ``None`` for external, absolute, in-page and non-Markdown links; ``""`` when the
    link leaves the docs dir.

    >>> page_target("summaries/vit.md", "../papers/vit.md#how"), page_target("index.md", "https://x.org/a.md")
    ('papers/vit.md', None)
    """
    if _SCHEME.match(target) or target.startswith(("#", "/")):
        return None
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not path.endswith(".md"):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), path))
    return "" if joined.startswith("../") or joined == ".." else joined


class SitePages:
    """The docs-dir URIs of every page the site will have, from the validation builder."""

    def __init__(self, b) -> None:
        prefix = CONTENT_DIR + "/"
        self.uris = {rel[len(prefix):] for rel in [*b.sources.hashes, *b.unreadable]
                     if rel.startswith(prefix) and rel.endswith(".md")}
        self.uris |= {index_uri(kind) for kind in KINDS} | {GRAPH_URI}
        #: section -> the ids with a page there (attempted ones too: their error is reported already).
        self.ids: dict[str, set[str]] = {kind.section: set() for kind in KINDS.values()}
        for entity_id, (kind, _, _) in b.entities.items():
            self.ids[KINDS[kind].section].add(entity_id)
        papers = self.ids[KINDS["paper"].section]
        papers |= b.attempted - set(b.entities)
        self.ids[KINDS["topic"].section] |= set(b.topics) | b.attempted_topics
        self.ids[KINDS["path"].section] |= set(b.paths) | {doc.file.rpartition("/")[2].rsplit(".", 1)[0]
                                                           for doc in b.sources.paths}
        self.ids[KINDS["summary"].section] |= set(b.summaries)
        for kind in ("paper", "topic", "path"):
            self.uris |= {page_uri(kind, ident) for ident in self.ids[KINDS[kind].section]}
        self.uris |= {page_uri(TOPIC_PATH, t) for t in self.ids[KINDS["topic"].section]}
        #: Sections whose ids are not all known (a file that would fill them could not be read).
        self.open_sections = {KINDS[k].section for k in ("paper", "topic") if k in b.skipped}
        self.kind_of = {entity_id: kind for entity_id, (kind, _, _) in b.entities.items()}

    def problem(self, uri: str, from_uri: str) -> str | None:
        """Why no page has ``uri`` (with a suggestion for a link from ``from_uri``), or ``None``."""
        if uri in self.uris:
            return None
        folder, _, name = uri.rpartition("/")
        stem = name[: -len(".md")]
        if folder in self.open_sections and "/" not in folder:
            return None
        section = next((k for k in KINDS.values() if k.section == folder), None)
        if section is not None:
            other = self.kind_of.get(stem)
            if other is not None and other != section.name:
                there = posixpath.relpath(page_uri(other, stem), posixpath.dirname(from_uri) or ".")
                return (f"there is no {section.label.lower()} {stem!r}: it is a {KINDS[other].label.lower()}, "
                        f"so link to {there!r}")
            return f"there is no {section.label.lower()} {stem!r}{suggest(stem, sorted(self.ids[folder]))}"
        siblings = sorted(u.rpartition("/")[2][:-3] for u in self.uris if u.rpartition("/")[0] == folder)
        return f"there is no page {uri!r}{suggest(stem, siblings)}"


def check_links(b) -> None:
    """KB033 for every relative link to a Markdown page the site will not have."""
    pages: SitePages | None = None
    prefix = CONTENT_DIR + "/"
    for page in b.sources.pages:
        if not page.file.startswith(prefix):
            continue
        uri = page.file[len(prefix):]
        for line, col, target in iter_links(page.body):
            resolved = page_target(uri, target)
            if resolved is None:
                continue
            if pages is None:
                pages = SitePages(b)
            reason = ("it points outside the site's pages" if resolved == "" else pages.problem(resolved, uri))
            if reason:
                b.diags.append(error(page.file, page.body_line + line - 1, col, "KB033",
                                     f"link {target!r} leads to no page: {reason}"))

