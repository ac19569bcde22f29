"""The ``kbgen`` MkDocs plugin: a thin adapter from MkDocs events to :mod:`kbgen.app`.

- ``on_startup`` makes MkDocs keep one plugin instance across ``mkdocs serve``
  rebuilds; the instance keeps nothing from one build to the next
  (``on_post_build`` and ``on_build_error`` drop the build's knowledge base).
- ``on_config`` loads the knowledge base (:func:`kbgen.app.load.load`);
  errors abort the build with every located diagnostic, warnings go to the
  ``mkdocs.plugins.kbgen`` logger (so ``mkdocs build --strict`` counts
  them). It also adds kbgen's stylesheet and scripts, and a nav of index
  pages when ``mkdocs.yml`` has none.
- ``on_files`` adds every generated page and file as a
  :class:`kbgen.plugin.generated.GeneratedFile`, rendered when MkDocs reads
  it and never stored, and drops the YAML/BibTeX sources from the site.
- ``on_pre_page`` makes the page of a generated file a
  :class:`~kbgen.plugin.generated.GeneratedPage`: Python-Markdown never
  parses it; kbgen's own HTML and table of contents are set on
  ``on_page_context`` (links checked, HTML through the sanitiser) and
  dropped on ``on_post_page``, so one generated page is held at a time.
- ``on_page_markdown`` decorates contributed pages (header and footer) and
  adds the home page's counts, newest summaries and featured paths; the
  links the additions make are checked as a generated page's are.
- ``on_page_content`` passes the HTML of every contributor-written page
  through the allowlist sanitiser (:mod:`kbgen.site.sanitize`).
- ``on_page_context`` also marks the tab of the section a page belongs to (a paper
  page is under Papers) while the page is rendered, since pages reached from
  the index pages are not in the nav and so would mark no tab;
  ``on_post_page`` clears the mark.
- ``on_serve`` watches ``papers.yaml`` (the content is MkDocs' docs_dir).
- ``on_post_build`` indexes the written site with Pagefind
  (:func:`kbgen.app.search_index.index_site`), except for ``serve`` and sites
  for file://, which keep Material's lunr search with the names boosted
  (:func:`kbgen.app.search_index.name_lunr`).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from kbgen.app.progress import NO_PROGRESS, Progress
from kbgen.check.coverage import skip_note
from kbgen.core.diagnostics import format_text
from kbgen.plugin.generated import (
    DecoratedFile,
    Digests,
    GeneratedFile,
    GeneratedPage,
    check_links,
    decorated_digest_key,
    digest,
)
from kbgen.site.escaping import escape_meta
from kbgen.site.layout import SOURCE_SUFFIXES, default_nav, extra_css, extra_javascript, nav_uris
from kbgen.site.renderer import SiteOptions
from kbgen.site.sanitize import sanitize_html
from kbgen.site.urls import ASSETS_URI, HOME_URI, section_index_uri

#: The vendored shim that lets search run its worker over file:// (Material's offline plugin needs one).
OFFLINE_SHIM = f"{ASSETS_URI}/vendor/iframe-worker/shim.js"

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from kbgen.app.load import Loaded
    from kbgen.site.renderer import SiteRenderer

log = logging.getLogger("mkdocs.plugins.kbgen")


def wants_pagefind(config: MkDocsConfig, command: str) -> bool:
    """Whether a build gets Pagefind's search: Material's search is on, for a web server, not a preview.

    Sites for file:// (Material's offline plugin) keep lunr, which works from disk; ``mkdocs
    serve`` keeps it too, so a save does not wait for the whole site to be indexed again.
    """
    plugins = config.plugins
    offline = "material/offline" in plugins or "offline" in plugins
    return command != "serve" and not offline and ("material/search" in plugins or "search" in plugins)


class KbgenConfig(base.Config):
    """Options of the plugin in mkdocs.yml (``plugins: [kbgen: {...}]``)."""

    #: The knowledge base (papers.yaml and content/); default: the folder of mkdocs.yml.
    root = opt.Optional(opt.Dir(exists=True))
    #: How many related papers a paper page lists.
    related_k = opt.Type(int, default=5)
    #: Minutes per reading session in the paths' .ics calendars.
    session_minutes = opt.Type(int, default=90)
    #: First session date of the paths' calendars (YYYY-MM-DD). Unset: a date taken from the
    #: knowledge base, never from the clock, so the same input builds the same calendars: the Monday
    #: after the newest ``date`` of a summary, concept, story or resource, else the Monday after
    #: 1 January of the year after the newest paper (:func:`kbgen.site.renderer.default_session_start`).
    session_start = opt.Optional(opt.Type((str, dt.date)))
    #: Files under the docs dir that may be published although kbgen does not know their type
    #: (glob patterns relative to the docs dir, e.g. ``downloads/*.pdf``); see docs/security.md.
    static_files = opt.ListOfItems(opt.Type(str), default=[])


class KbgenPlugin(BasePlugin[KbgenConfig]):
    """Adds the generated pages of a kbgen knowledge base to a MkDocs site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.renderer: SiteRenderer | None = None
        self.input_files: list[Path] = []
        self._preloaded: Loaded | None = None
        self._stand_in: Page | None = None  # the nav page marked active for the page being rendered
        #: on_startup's command: ``serve`` keeps Material's lunr search (no indexing per save). MkDocs
        #: keeps this instance for the whole process, so ``kbgen build`` sets it again for each build.
        self.command = "build"
        # What each generated file and decorated page was last written as, so that serve's dirty
        # rebuilds write only what changed: a digest per URI (no page, no knowledge base).
        self._digests: Digests = {}
        #: Told the pages written and the search index (``kbgen build`` sets it; nobody watches otherwise).
        self.progress: Progress = NO_PROGRESS

    def preload(self, loaded: Loaded) -> None:
        """Use ``loaded`` for the next build instead of loading the root again (``kbgen build``)."""
        self._preloaded = loaded

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that MkDocs keeps this instance across ``serve`` rebuilds."""
        self.command = command

    # After the other plugins' on_config: Material's offline plugin turns off
    # directory URLs there, and the pages' own URLs (kb.json, diagram links) follow.
    @event_priority(-50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        from kbgen.app.load import UnreadableRoot, load
        from kbgen.app.sitebuild import make_renderer

        root = Path(self.config.root or Path(config.config_file_path or ".").parent).resolve()
        loaded, self._preloaded = self._preloaded, None
        if loaded is None or loaded.root.resolve() != root:
            try:
                loaded = load(root)
            except (OSError, UnreadableRoot) as exc:
                raise PluginError(f"kbgen: cannot read the knowledge base at {root}: {exc}") from None
        if loaded.errors:
            note = skip_note(loaded.errors)  # as the CLI's summary says: what could not be read, and why
            raise PluginError("kbgen: the knowledge base has errors; fix them and build again:\n"
                              + format_text(loaded.errors, summary=True).rstrip() + (f"\n{note}" if note else ""))
        for diag in loaded.diagnostics:
            log.warning(format_text([diag]).rstrip())
        self.input_files = loaded.input_paths()
        self.renderer = make_renderer(loaded, self.site_options(config))
        config.extra_css[:0] = extra_css()
        config.extra_javascript[:0] = extra_javascript()
        if config.nav is None:
            config.nav = default_nav()
        polyfills = config.extra.get("polyfills")
        if polyfills:
            # The offline plugin adds its file:// worker shim from a CDN; the site uses its own copy.
            config.extra["polyfills"] = [OFFLINE_SHIM if "iframe-worker" in str(p) and "://" in str(p) else p
                                         for p in polyfills]
        return config

    def site_options(self, config: MkDocsConfig) -> SiteOptions:
        """The rendering choices of this plugin's options and of mkdocs.yml."""
        start = self.config.session_start
        if isinstance(start, dt.datetime):
            start = start.date()
        elif isinstance(start, str):
            try:
                start = dt.date.fromisoformat(start.strip())
            except ValueError:
                raise PluginError(f"kbgen: session_start {self.config.session_start!r} is not a date "
                                  "like 2026-01-05") from None
        return SiteOptions(site_url=config.site_url, related_k=self.config.related_k,
                           session_minutes=self.config.session_minutes, session_start=start or None,
                           directory_urls=bool(config.use_directory_urls))

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        from kbgen.app.sitebuild import read_assets

        assert self.renderer is not None
        for file in list(files):
            if file.src_uri.endswith(SOURCE_SUFFIXES):
                files.remove(file)
        listed = nav_uris()
        for uri, (is_page, _, _) in self.renderer.site_files_cached.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                # The contributor's own page wins over a generated one (e.g. their own papers/index.md).
                log.info("kbgen: %s exists in the docs dir; not generating it", uri)
                continue
            # Generated pages are reached through the index pages, never the nav: no "not in nav" notice.
            inclusion = InclusionLevel.UNDEFINED if uri in listed else InclusionLevel.NOT_IN_NAV
            files.append(GeneratedFile.of(config, uri, self.renderer, is_page, inclusion, self._digests))
        for file in files.documentation_pages():
            uri = file.src_uri
            if type(file) is File and (uri == HOME_URI or self.renderer.contributed_entry(uri) is not None):
                file.__class__ = DecoratedFile  # modified also when its header or footer changes (dirty builds)
                file.renderer, file.digests = self.renderer, self._digests  # type: ignore[attr-defined]
        for name, data in read_assets().items():
            uri = f"{ASSETS_URI}/{name}"
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, content=data))
        self.progress.stage("writing pages", total=len(files.documentation_pages()))
        return files

    # First, so that no other plugin sees a generated page as a Markdown one.
    @event_priority(100)
    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> Page | None:
        if isinstance(page.file, GeneratedFile) and page.file.is_page and page.file.renderer is self.renderer:
            page.__class__ = GeneratedPage
        return page

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        assert self.renderer is not None
        if page.file.generated_by is not None:
            return None
        # Material prints title, description and author unescaped, and a list-valued title reaches the nav.
        escaped = escape_meta(page.meta)
        page.meta.clear()
        page.meta.update(escaped)
        uri = page.file.src_uri
        decorated = self.renderer.home_page(markdown) if uri == HOME_URI else self.renderer.decorate_page(uri, markdown)
        if decorated is None:
            return None
        check_links(decorated, files)
        self._digests[decorated_digest_key(uri)] = digest(decorated.body)
        return decorated.body

    def on_page_content(self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if isinstance(page, GeneratedPage):
            return None  # its HTML is set (and sanitised) on on_page_context
        # Every page's HTML passes the allowlist; kbgen's own pages keep kbgen's markup.
        return sanitize_html(html_text, kbgen_scripts=page.file.generated_by is not None)

    # First, so that the theme and the other plugins (search) see the generated page's HTML.
    @event_priority(100)
    def on_page_context(self, context: dict, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
        if isinstance(page, GeneratedPage):
            page.fill(lambda body: sanitize_html(body, kbgen_scripts=True))
        if page.parent is None and page not in nav.pages:
            # Not in the nav (a paper page): its section's index page stands in, so its tab is marked.
            wanted = section_index_uri(page.file.src_uri)
            index = next((p for p in nav.pages if p.file.src_uri == wanted), None) if wanted else None
            if index is not None and index is not page:
                index.active = True
                self._stand_in = index
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        self.progress.advance()
        if isinstance(page, GeneratedPage):
            page.release()
        if self._stand_in is not None:
            self._stand_in.active = False
            self._stand_in = None
        return None

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        docs_dir = Path(config.docs_dir).resolve()
        for path in self.input_files:
            if docs_dir not in path.resolve().parents:
                server.watch(str(path))
        return server

    # After Material's search plugin has written its index, which this replaces by a stub.
    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        renderer, self.renderer = self.renderer, None  # nothing of this build outlives it (serve keeps the instance)
        progress, self.progress = self.progress, NO_PROGRESS
        if renderer is None:
            return
        from kbgen.app.search_index import PagefindError, index_site, name_lunr

        directory_urls = bool(config.use_directory_urls)
        try:
            if not wants_pagefind(config, self.command):
                name_lunr(config.site_dir, renderer.kb, directory_urls)
                return
            progress.stage("indexing search")
            done = index_site(config.site_dir, renderer.kb, directory_urls=directory_urls)
        except PagefindError as exc:
            raise PluginError(f"kbgen: search index: {exc}") from None
        log.info("kbgen: search index of %d pages written to %s (%.1f s)", done.stats.pages,
                 done.stats.output, done.stats.seconds)

    def on_build_error(self, *, error: Exception) -> None:
        self.renderer = None
        self.progress = NO_PROGRESS
        self._digests.clear()  # what was written is no longer known
