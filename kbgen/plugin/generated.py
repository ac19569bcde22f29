"""kbgen's generated files and pages inside MkDocs: rendered when read, never held, never parsed as Markdown.

- :class:`GeneratedFile` is a ``File`` whose content is rendered each time
  MkDocs reads it (``copy_file`` of ``kb.json``, ``content_string`` of a
  page) and not stored, so the build never holds every rendered file.
- :class:`GeneratedPage` is the class the plugin gives the ``Page`` of a
  generated file on ``on_pre_page`` (an instance-level class change: MkDocs
  creates the pages in ``get_navigation``, before any plugin event sees
  them, and has no hook to render a page another way). Its ``read_source``
  takes the metadata from kbgen without rendering, and its ``render`` sets
  no content: Python-Markdown never sees the page. The plugin renders the
  HTML on ``on_page_context``, just before the theme writes the page, and
  drops it on ``on_post_page``, so at most one generated page's HTML is
  held at a time (Material's search plugin keeps its own text of each page).
  The title (from the metadata or the page's h1) is known up front; the
  page's anchors (``present_anchor_ids``, which MkDocs checks links to
  anchors against) are rendered only if a link to one of them is checked.
- Dirty builds (``kbgen serve``): a generated file is modified when what it
  renders to now differs from what was last written (a digest per URI, kept
  by the plugin across rebuilds: :class:`Digests`); a page kbgen decorates
  when its source changed or its decoration did. So after an edit only the
  pages whose output it changes are written again.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any, Callable

from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from kbgen.io.files import exists

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

    from kbgen.site.pagewriter import RenderedPage
    from kbgen.site.renderer import SiteRenderer

log = logging.getLogger("mkdocs.plugins.kbgen")


#: What a digest of a written file is made from.
Digests = dict  # {uri: hex digest}; the plugin keeps one across serve's rebuilds


def digest(*parts: Any) -> str:
    """A short digest of a rendered file (text, bytes, or the repr of a page's parts)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def page_digest(page: RenderedPage) -> str:
    """The digest of a rendered page: everything MkDocs gets from it."""
    return digest(repr(page.meta), page.body, repr(page.toc))


class GeneratedFile(File):
    """A file kbgen generates; its content is rendered whenever it is read."""

    renderer: SiteRenderer | None = None
    is_page: bool = False
    digests: Digests | None = None
    _stored: str | bytes | None = None  # set only if another plugin assigns content
    _modified: bool | None = None  # is_modified's answer, once per build

    @classmethod
    def of(cls, config: MkDocsConfig, uri: str, renderer: SiteRenderer, is_page: bool,
           inclusion: InclusionLevel, digests: Digests | None = None) -> GeneratedFile:
        """The file ``uri`` of ``renderer``'s site; ``digests`` records what is written (for dirty builds)."""
        f = cls.generated(config, uri, content="", inclusion=inclusion)
        assert isinstance(f, GeneratedFile)
        f._stored, f.renderer, f.is_page, f.digests = None, renderer, is_page, digests
        return f

    def current_digest(self) -> str:
        assert self.renderer is not None
        if self.is_page:
            return page_digest(self.renderer.render_page(self.src_uri))
        return digest(self.renderer.render_file(self.src_uri))

    def is_modified(self) -> bool:
        """Whether its output differs from the one last written (always, without a record of it)."""
        if self._modified is None:
            if self.digests is None or self._stored is not None or not exists(self.abs_dest_path):
                self._modified = True
            else:
                self._modified = self.digests.get(self.src_uri) != self.current_digest()
        return self._modified


    @property  # type: ignore[override]
    def _content(self) -> str | bytes | None:
        if self._stored is not None or self.renderer is None:
            return self._stored
        if self.is_page:
            return self.renderer.render_page(self.src_uri, markdown=True).text()
        content = self.renderer.render_file(self.src_uri)
        if self.digests is not None:
            # Read to be written (copy_file): what a dirty rebuild compares with.
            self.digests[self.src_uri] = digest(content)
        return content

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:
        self._stored = value if value != "" else None


class DecoratedFile(File):
    """A contributor's page kbgen decorates (header, footer, home additions): modified when either changes."""

    renderer: SiteRenderer | None = None
    digests: Digests | None = None

    def decoration_digest(self) -> str:
        from mkdocs.utils.meta import get_data

        assert self.renderer is not None
        body = get_data(self.content_string)[0]
        page = (self.renderer.home_page(body) if self.src_uri == "index.md"
                else self.renderer.decorate_page(self.src_uri, body))
        return digest(page.body if page is not None else "")

    def is_modified(self) -> bool:
        if super().is_modified() or self.digests is None or self.renderer is None:
            return True
        return self.digests.get(decorated_digest_key(self.src_uri)) != self.decoration_digest()


def decorated_digest_key(uri: str) -> str:
    """Where :class:`DecoratedFile` finds the digest of a page's decoration."""
    return f"decorated:{uri}"


class LazyAnchors:
    """A page's ids, rendered the first time a link to one of them is checked."""

    def __init__(self, render: Callable[[], set[str]]):
        self._render = render
        self._ids: set[str] | None = None

    def __contains__(self, anchor: object) -> bool:
        if self._ids is None:
            self._ids = self._render()
        return anchor in self._ids


class GeneratedPage(Page):
    """The page of a :class:`GeneratedFile`: metadata from kbgen, HTML set by the plugin (see the module)."""

    def read_source(self, config: MkDocsConfig) -> None:
        file = self.file
        assert isinstance(file, GeneratedFile) and file.renderer is not None
        meta, h1 = file.renderer.page_head(file.src_uri)
        self.markdown = ""  # there is no Markdown: kbgen writes the HTML
        self.meta = dict(meta)
        self._kbgen_h1 = h1

    def render(self, config: MkDocsConfig, files: Files) -> None:
        file = self.file
        assert isinstance(file, GeneratedFile) and file.renderer is not None
        renderer = file.renderer
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = getattr(self, "_kbgen_h1", None)
        self.present_anchor_ids = LazyAnchors(lambda: renderer.render_page(file.src_uri).ids)  # type: ignore[assignment]
        self.links_to_anchors = None
        self._kbgen_files = files  # for the link check when the page is filled

    def fill(self, sanitize: Callable[[str], str]) -> None:
        """Render the HTML and the table of contents (just before the theme writes the page), links checked."""
        file = self.file
        assert isinstance(file, GeneratedFile) and file.renderer is not None
        rendered = file.renderer.render_page(file.src_uri)
        if file.digests is not None:
            file.digests[file.src_uri] = page_digest(rendered)
        check_links(rendered, self._kbgen_files)
        self.content = sanitize(rendered.body)
        self.toc = get_toc(rendered.toc)

    def release(self) -> None:
        """Drop the HTML once the page is written."""
        self.content = ""
        self.toc = get_toc([])


def check_links(page: RenderedPage, files: Files) -> int:
    """Warn (``--strict`` counts it) about every link of a rendered page whose target does not exist.

    Returns the number of broken links. Anchors are checked on the page
    itself and on other generated pages.
    """
    broken = 0
    for uri, fragment in dict.fromkeys(page.targets):
        target = files.get_file_from_path(uri)
        problem = None
        if target is None:
            problem = f"the target '{uri}' is not found among documentation files"
        elif fragment:
            ids: Any = page.ids if uri == page.uri else getattr(target.page, "present_anchor_ids", None)
            if ids is not None and fragment not in ids:
                problem = f"the doc '{uri}' does not contain an anchor '#{fragment}'"
        if problem is not None:
            broken += 1
            link = uri + (f"#{fragment}" if fragment else "")
            log.warning(f"kbgen: page '{page.uri}' links to '{link}', but {problem}.")
    return broken
