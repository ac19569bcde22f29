"""The site's search index: Pagefind's bundle, built from the written pages, for any engine.

:func:`index_site` runs after the site's HTML is written (the MkDocs plugin's
``on_post_build``; ``kbgen build --engine zensical`` after Zensical). It reads
each page once, makes its record (:mod:`kbgen.site.search`: the content
column, an entity's names weighted first) and streams it to Pagefind
(:mod:`kbgen.io.pagefind`), which writes ``pagefind/`` into the site.

On a Material for MkDocs site it then hands Material's search to Pagefind
(:func:`use_pagefind_in_material`): the lunr index becomes a stub without
documents, and Material's search worker a stand-in that loads
``assets/kbgen/search-worker.js``. Sites for ``file://`` (``--offline``) are
not indexed: Pagefind needs fetch and WebAssembly, which pages opened from
disk cannot use, so they keep Material's lunr search, with the entities'
names put where lunr weighs them most (:func:`name_lunr`).
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import Path

from kbgen.core.kb import KnowledgeBase
from kbgen.io.files import is_regular_file, read_text
from kbgen.io.pagefind import (
    IndexStats,
    PagefindError,
    build_index,
    iter_site_pages,
    material_search_files,
    write_site_file,
)
from kbgen.site.search import EXCLUDE_SELECTORS, name_lunr_index, records
from kbgen.site.urls import ASSETS_URI

__all__ = ["PagefindError", "SearchIndex", "index_site", "name_lunr", "use_pagefind_in_material"]

#: Where Pagefind's bundle goes in the site.
BUNDLE_DIR = "pagefind"
WORKER_FILE = "search-worker.js"


@dataclass(frozen=True)
class SearchIndex:
    stats: IndexStats
    material: bool  # Material's search now asks Pagefind


def pagefind_config() -> dict:
    """Pagefind's indexing options: one English index, kbgen's boilerplate left out."""
    return {"exclude_selectors": list(EXCLUDE_SELECTORS), "force_language": "en"}


def index_site(site_dir: Path | str, kb: KnowledgeBase, directory_urls: bool = True) -> SearchIndex:
    """Build the Pagefind bundle of a written site and point Material's search at it.

    Raises :class:`PagefindError` (a message for the reader, no traceback) when
    Pagefind cannot run or fails.
    """
    site = Path(site_dir)
    stats = build_index(site, records(iter(iter_site_pages(site)), kb, directory_urls), pagefind_config(),
                        output=BUNDLE_DIR)
    return SearchIndex(stats, use_pagefind_in_material(site))


def use_pagefind_in_material(site_dir: Path | str) -> bool:
    """Make Material's search ask Pagefind; False when the site has no Material search."""
    found = material_search_files(site_dir)
    if found is None:
        return False
    index, worker = found
    site = Path(site_dir)
    try:
        config = json.loads(read_text(index)).get("config", {})
    except (OSError, ValueError) as exc:
        raise PagefindError(f"cannot read Material's search index {index}: {exc}") from None
    # Material fetches the index on every page view: keep its settings, drop the documents.
    write_site_file(index, json.dumps({"config": config, "docs": []}, separators=(",", ":")) + "\n")
    here = worker.parent.relative_to(site).as_posix()
    ours = posixpath.relpath(f"{ASSETS_URI}/{WORKER_FILE}", here)
    bundle = posixpath.relpath(f"{BUNDLE_DIR}/pagefind.js", here)
    write_site_file(worker, "// kbgen: Material's search, answered by Pagefind (assets/kbgen/search-worker.js).\n"
                            f"self.kbgenPagefind = {json.dumps(bundle)};\n"
                            f"importScripts({json.dumps(ours)});\n")
    return True


def name_lunr(site_dir: Path | str, kb: KnowledgeBase, directory_urls: bool = True) -> bool:
    """Put the entities' names into Material's lunr index (and its file:// copy); False without one."""
    site = Path(site_dir)
    found = material_search_files(site)
    if found is None:
        return False
    index = found[0]
    try:
        data = json.loads(read_text(index))
    except (OSError, ValueError) as exc:
        raise PagefindError(f"cannot read Material's search index {index}: {exc}") from None
    text = json.dumps(name_lunr_index(data, kb, directory_urls), ensure_ascii=False, separators=(",", ":"))
    write_site_file(index, text)
    inlined = index.with_suffix(".js")  # Material's offline plugin: the same index as a script
    if is_regular_file(inlined):
        write_site_file(inlined, f"var __index = {text}")
    return True
