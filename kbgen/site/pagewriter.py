"""One page being rendered: its headings (and table of contents), the URLs it links to, its metadata.

Generated pages are HTML that kbgen writes itself, so MkDocs need not pass
them through Python-Markdown. What Python-Markdown's ``toc`` extension did
for them is done here: a heading gets an id (the given anchor, or the slug of
its text made unique as ``toc`` makes it) and a permalink, and goes into the
page's table of contents. Every link goes through :meth:`PageWriter.href`,
which makes the final relative URL (following ``use_directory_urls``) and
records the target, so the caller can check that every target exists: the
check MkDocs' ``--strict`` made of the old ``.md`` links.

The same page can be written for a Markdown renderer instead
(``markdown=True``: ``kbgen export``, and the header and footer kbgen adds
to contributed pages): headings are then Markdown headings, which that
renderer's ``toc`` turns into the same HTML, and the rest stays raw HTML,
which Python-Markdown passes through.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from kbgen.site.urls import url_between

_TAG = re.compile(r"<[^>]*>")
_AUTO_ID = "\ue001{}\ue001"
_AUTO_ID_RE = re.compile("\ue001([0-9]+)\ue001")


def slugify(text: str) -> str:
    """Python-Markdown's ``toc`` slug of a heading's (HTML) text.

    >>> slugify("Reading path: Trans&#42;formers &amp; more")
    'reading-path-transformers-more'
    """
    from markdown.extensions.toc import slugify as toc_slugify

    return toc_slugify(html.unescape(_TAG.sub("", text)), "-")


def unique(slug: str, used: set[str]) -> str:
    """``slug`` made unique among ``used`` as ``toc`` makes it (``slug_1``...); added to ``used``.

    >>> unique("papers", {"papers"})
    'papers_1'
    """
    from markdown.extensions.toc import unique as toc_unique

    return toc_unique(slug, used)


@dataclass
class RenderedPage:
    """A generated page as MkDocs needs it."""

    uri: str
    meta: dict[str, Any]
    #: HTML (or, written for a Markdown renderer, Markdown with raw HTML), without front matter.
    body: str
    #: Python-Markdown's ``toc_tokens`` shape, nested (``mkdocs.structure.toc.get_toc`` reads it).
    toc: list[dict[str, Any]]
    #: The text of the first h1 (MkDocs' title of a page without a ``title`` in its metadata).
    title: str | None
    #: Every id of the page (anchors other pages may link to).
    ids: set[str]
    #: ``(docs-dir uri, fragment)`` of every internal link.
    targets: list[tuple[str, str]]

    def front_matter(self) -> str:
        """The metadata as YAML front matter (empty without metadata)."""
        return front_matter(self.meta)

    def text(self) -> str:
        """Front matter and body: the page as a Markdown file."""
        return self.front_matter() + self.body


def front_matter(meta: dict[str, Any]) -> str:
    """YAML front matter for the few shapes generated pages use.

    >>> print(front_matter({"title": 'A "b"', "search": {"boost": 2}, "hide": ["toc"]}), end="")
    ---
    title: "A \\"b\\""
    search:
      boost: 2
    hide:
      - toc
    ---
    <BLANKLINE>
    """
    import json

    if not meta:
        return ""
    lines = ["---"]
    for key, value in meta.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {k}: {json.dumps(v, ensure_ascii=False)}" for k, v in value.items())
        elif isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"  - {v}" for v in value)
        else:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n---\n\n"


@dataclass
class PageWriter:
    """Records what one page's templates write: headings, links, metadata."""

    uri: str
    directory_urls: bool = True
    markdown: bool = False
    from_source: bool = False  # links relative to the source folder (SiteOptions.links_from_source)
    meta: dict[str, Any] = field(default_factory=dict)
    _headings: list[list[Any]] = field(default_factory=list)  # [level, text, id or None, exclude]
    _targets: list[tuple[str, str]] = field(default_factory=list)

    def href(self, to_uri: str, fragment: str = "") -> str:
        """The URL of a docs-dir URI from this page (``#fragment`` appended), recorded for the link check."""
        self._targets.append((to_uri, fragment))
        if to_uri == self.uri and fragment:
            return f"#{fragment}"
        url = url_between(self.uri, to_uri, self.directory_urls, self.from_source)
        return f"{url}#{fragment}" if fragment else url

    def heading(self, level: int, text: Any, anchor: str | None = None, exclude: bool = False) -> Markup:
        """A heading: ``text`` is already escaped; ``anchor`` its id (default: the slug of its text).

        ``exclude`` marks it ``data-search-exclude`` (Material's search skips its section).
        """
        text = Markup(text) if isinstance(text, Markup) else Markup.escape(str(text))
        if self.markdown:
            attrs = " ".join(([f"#{anchor}"] if anchor else []) + (['data-search-exclude=""'] if exclude else []))
            return Markup(f"{'#' * level} {text}" + (f" {{ {attrs} }}" if attrs else ""))
        index = len(self._headings)
        self._headings.append([level, str(text), anchor, exclude])
        ident = anchor or _AUTO_ID.format(index)
        excluded = ' data-search-exclude=""' if exclude else ""
        return Markup(f'<h{level}{excluded} id="{ident}">{text}<a class="headerlink" href="#{ident}" '
                      f'title="Permanent link">&para;</a></h{level}>')

    def finish(self, body: str, extra_ids: tuple[str, ...] = ()) -> RenderedPage:
        """The page: automatic heading ids resolved as ``toc`` resolves them, and its table of contents."""
        from markdown.extensions.toc import nest_toc_tokens

        used = {h[2] for h in self._headings if h[2]} | set(extra_ids)
        for heading in self._headings:
            if not heading[2]:
                heading[2] = unique(slugify(heading[1]), used)
        if not self.markdown and self._headings:
            body = _AUTO_ID_RE.sub(lambda m: self._headings[int(m.group(1))][2], body)
        tokens = [{"level": level, "id": ident, "name": text, "html": text, "data-toc-label": "", "children": []}
                  for level, text, ident, _ in self._headings]
        first_h1 = next((html.unescape(_TAG.sub("", h[1])) for h in self._headings if h[0] == 1), None)
        return RenderedPage(self.uri, self.meta, body, nest_toc_tokens(tokens), first_h1,
                            {h[2] for h in self._headings} | set(extra_ids), self._targets)
