"""What the site is made of, for the plugin and ``kbgen export``: the renderer and every generated file.

Reads kbgen's templates and assets (through :mod:`kbgen.io.files`) and
hands them to the pure site layer. Nothing here renders the whole site at
once: :func:`generated_files` renders each file when it is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Iterator

from kbgen.core.kinds import kinds_json
from kbgen.io.files import read_package_files
from kbgen.site.renderer import SiteOptions, SiteRenderer
from kbgen.site.urls import ASSETS_URI

#: Files of the assets folder that are documentation or schemas, not part of the site.
_NOT_PUBLISHED = ("README.md", ".schema.json")
KINDS_JSON = "kinds.json"


@lru_cache(maxsize=1)
def read_templates() -> dict[str, str]:
    """kbgen's page templates, by file name (read once per process: they ship with kbgen)."""
    return {name: data.decode("utf-8") for name, data in read_package_files("kbgen.site", "templates").items()}


def read_assets() -> dict[str, bytes]:
    """kbgen's CSS, scripts and vendored libraries (with their licences), by path under the assets URI.

    Also the kinds table as ``kinds.json``, generated for the browser scripts.
    """
    assets = {name: data for name, data in read_package_files("kbgen.site", "assets").items()
              if not name.endswith(_NOT_PUBLISHED)}
    assets[KINDS_JSON] = (json.dumps(kinds_json(), sort_keys=True, separators=(",", ":")) + "\n").encode()
    return assets


def make_renderer(loaded: Any, options: SiteOptions | None = None) -> SiteRenderer:
    """The renderer of a :class:`kbgen.app.load.Loaded` knowledge base."""
    return SiteRenderer(loaded.kb, loaded.graph, options, templates=read_templates())


class GeneratedFiles(Mapping):
    """Every file kbgen adds to the docs dir, ``{uri: text or bytes}``, each rendered when it is read.

    Pages are Markdown files (front matter, Markdown headings, raw HTML), as
    ``kbgen export`` writes them; nothing is kept once handed out.
    """

    def __init__(self, renderer: SiteRenderer):
        self.renderer = renderer
        self.assets = {f"{ASSETS_URI}/{name}": data for name, data in read_assets().items()}

    def __getitem__(self, uri: str) -> str | bytes:
        if uri in self.assets:
            return self.assets[uri]
        is_page, render, args = self.renderer.site_files_cached[uri]
        return self.renderer.render_page(uri, markdown=True).text() if is_page else render(*args)

    def __iter__(self) -> Iterator[str]:
        yield from self.renderer.site_files_cached
        yield from self.assets

    def __len__(self) -> int:
        return len(self.renderer.site_files_cached) + len(self.assets)


def generated_files(renderer: SiteRenderer) -> GeneratedFiles:
    """Every file kbgen adds to the docs dir: the rendered pages and data, and its assets (rendered lazily)."""
    return GeneratedFiles(renderer)
