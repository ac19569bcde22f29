"""The ``kbgen`` MkDocs plugin: a thin adapter from MkDocs events to the pipeline.

- ``on_config`` loads and validates the knowledge base; errors abort the
  build with every located diagnostic, warnings go to the
  ``mkdocs.plugins.kbgen`` logger (so ``mkdocs build --strict`` counts them).
  It also adds kbgen's stylesheet and scripts, and a nav of index pages when
  ``mkdocs.yml`` has none (one entry per paper would make builds quadratic).
- ``on_files`` adds every generated page and file in memory with
  ``File.generated`` and drops the YAML/BibTeX sources from the site.
- ``on_page_markdown`` decorates contributed pages (header and footer) and
  adds the home page's counts, newest summaries and featured paths.
- ``on_page_content`` passes the HTML of every contributor-written page
  through an allowlist sanitiser (:mod:`kbgen.sanitizer`), behind the
  validator's own checks.
- ``on_serve`` watches ``papers.yaml`` (the content is MkDocs' docs_dir).

All logic lives in :mod:`kbgen.render`; this class only moves data.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from kbgen.core.diagnostics import format_text
from kbgen.site.renderer import HOME_MARKER, SiteOptions, SiteRenderer  # noqa: F401 (HOME_MARKER is documented API)

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.kbgen")

#: Where kbgen's CSS and JavaScript live on the site.
ASSETS_URI = "assets/kbgen"
STYLESHEETS = ("kbgen.css",)
#: Mermaid first: Material only fetches Mermaid from a CDN when ``window.mermaid`` is undefined.
SCRIPTS = ("vendor/mermaid/mermaid.min.js", "kbgen.js")
#: Sources that are inputs of the knowledge base, not pages: never copied to the site.
SOURCE_SUFFIXES = (".yaml", ".yml", ".bib")
#: The nav used when mkdocs.yml sets none: sections and index pages only.
DEFAULT_NAV = [
    {"Home": "index.md"},
    {"Papers": "papers/index.md"},
    {"Topics": "topics/index.md"},
    {"Reading paths": "paths/index.md"},
    {"Summaries": "summaries/index.md"},
    {"Concepts": "concepts/index.md"},
    {"Stories": "stories/index.md"},
    {"Resources": "resources/index.md"},
    {"Graph": "graph.md"},
]
NAV_URIS = frozenset(uri for entry in DEFAULT_NAV for uri in entry.values())


class KbgenConfig(base.Config):
    """Options of the plugin in mkdocs.yml (``plugins: [kbgen: {...}]``)."""

    #: The knowledge base (papers.yaml and content/); default: the folder of mkdocs.yml.
    root = opt.Optional(opt.Dir(exists=True))
    #: How many related papers a paper page lists.
    related_k = opt.Type(int, default=5)
    #: Minutes per reading session in the paths' .ics calendars.
    session_minutes = opt.Type(int, default=90)
    #: First session date of the paths' calendars (YYYY-MM-DD); default: the Monday after the build.
    session_start = opt.Optional(opt.Type(str))


class KbgenPlugin(BasePlugin[KbgenConfig]):
    """Adds the generated pages of a kbgen knowledge base to a MkDocs site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.renderer: SiteRenderer | None = None
        self.root: Path | None = None
        self.input_files: list[Path] = []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        from kbgen.app.site import load_site_inputs

        self.root = Path(self.config.root or Path(config.config_file_path or ".").parent).resolve()
        try:
            kb, graph, diagnostics, self.input_files = load_site_inputs(self.root)
        except OSError as exc:
            raise PluginError(f"kbgen: cannot read the knowledge base at {self.root}: {exc}") from None
        errors = [d for d in diagnostics if d.is_error]
        if errors:
            raise PluginError("kbgen: the knowledge base has errors; fix them and build again:\n"
                              + format_text(errors, summary=True).rstrip())
        for diag in diagnostics:
            log.warning(format_text([diag]).rstrip())
        self.renderer = SiteRenderer(kb, graph, self.site_options(config))
        config.extra_css[:0] = [f"{ASSETS_URI}/{name}" for name in STYLESHEETS]
        config.extra_javascript[:0] = [f"{ASSETS_URI}/{name}" for name in SCRIPTS]
        if config.nav is None:
            config.nav = [entry for entry in DEFAULT_NAV]
        return config

    def site_options(self, config: MkDocsConfig) -> SiteOptions:
        import datetime as dt

        start = None
        if self.config.session_start:
            try:
                start = dt.date.fromisoformat(self.config.session_start)
            except ValueError:
                raise PluginError(f"kbgen: session_start {self.config.session_start!r} is not a date "
                                  "like 2026-01-05") from None
        return SiteOptions(site_url=config.site_url, related_k=self.config.related_k,
                           session_minutes=self.config.session_minutes, session_start=start)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        from kbgen.app.site import read_package_assets

        assert self.renderer is not None
        for file in list(files):
            if file.src_uri.endswith(SOURCE_SUFFIXES):
                files.remove(file)
        generated: dict[str, Any] = dict(self.renderer.render_site())
        for name, data in read_package_assets().items():
            generated[f"{ASSETS_URI}/{name}"] = data
        for uri, content in generated.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                # The contributor's own page wins over a generated one (e.g. their own papers/index.md).
                log.info("kbgen: %s exists in the docs dir; not generating it", uri)
                continue
            # Generated pages are reached through the index pages, never the nav: no "not in nav" notice.
            inclusion = InclusionLevel.UNDEFINED if uri in NAV_URIS else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, uri, content=content, inclusion=inclusion))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        assert self.renderer is not None
        if page.file.generated_by is not None:
            return None
        if isinstance(page.meta.get("title"), str):
            # Material prints the front-matter title unescaped into <title> and the header.
            page.meta["title"] = html.escape(page.meta["title"], quote=False)
        uri = page.file.src_uri
        if uri == "index.md":
            return self.renderer.render_home(markdown)
        return self.renderer.decorate(uri, markdown)

    def on_page_content(self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if page.file.generated_by is not None:
            return None  # generated pages escape every value in their templates
        from kbgen.site.sanitize import sanitize_html

        return sanitize_html(html_text)

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        docs_dir = Path(config.docs_dir).resolve()
        for path in self.input_files:
            if docs_dir not in path.resolve().parents:
                server.watch(str(path))
        return server
