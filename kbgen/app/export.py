"""``kbgen export DIR``: the site's Markdown tree and an mkdocs.yml that builds it without kbgen."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kbgen.app.load import Loaded
from kbgen.app.mkdocs_config import SiteError, SiteUsageError, config_path, load_mkdocs_config
from kbgen.app.progress import NO_PROGRESS, Progress
from kbgen.app.sitebuild import generated_files, make_renderer
from kbgen.core.diagnostics import format_text
from kbgen.io.atomic import output_problem, write_tree
from kbgen.io.files import read_content_files, read_text
from kbgen.site.export import PLUGIN_NAME, export_files
from kbgen.site.renderer import SiteOptions


def export_tree(loaded: Loaded, out_dir: Path, progress: Progress = NO_PROGRESS) -> int:
    """Write the site's Markdown tree and an mkdocs.yml without the kbgen plugin to ``out_dir``.

    Returns the number of files written. ``out_dir/mkdocs.yml`` builds with
    plain ``mkdocs build`` into ``out_dir/site``. ``progress`` is told the
    stages (rendering, writing).
    """
    problem = output_problem(out_dir, loaded.root, "export")
    if problem is not None:
        raise SiteUsageError(problem)
    progress.stage("rendering pages")
    tree = exported_files(loaded)
    progress.stage("writing files", total=len(tree))
    write_tree(out_dir, tree)
    progress.advance(len(tree))
    return len(tree)


def exported_files(loaded: Loaded, offline: bool = False, for_zensical: bool = False) -> dict[str, str | bytes]:
    """The exported tree of ``loaded`` as ``{path: content}`` (sanitised; see :mod:`kbgen.site.export`).

    ``offline``: pages as ``papers/vit.html`` and the ``offline`` plugin in
    the exported mkdocs.yml. Raises :class:`SiteError` when the knowledge
    base has errors or mkdocs.yml is invalid. ``for_zensical``: links in
    kbgen's HTML relative to each page's source folder, since Zensical
    rewrites them as it does Markdown links (plain MkDocs leaves raw HTML as is).
    """
    if loaded.errors:
        raise SiteError("the knowledge base has errors:\n" + format_text(loaded.errors, summary=True).rstrip())
    config_file = config_path(loaded.root)
    config = load_mkdocs_config(config_file)
    plugin = config.plugins.get(PLUGIN_NAME)
    options = plugin.site_options(config) if plugin is not None else SiteOptions(site_url=config.site_url)
    if offline:
        options = dataclasses.replace(options, directory_urls=False)
    if for_zensical:
        options = dataclasses.replace(options, links_from_source=True)
    renderer = make_renderer(loaded, options)
    return export_files(renderer, read_content_files(Path(config.docs_dir)), generated_files(renderer),
                        read_text(config_file), offline=offline)
