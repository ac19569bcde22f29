"""``kbgen build``: the site built by MkDocs into a temporary directory and swapped in on success.

MkDocs builds into a fresh folder *inside* the temporary directory, which it
creates itself, so the site's folders and files get the usual permissions
(0755 and 0644 under the common umask 022) rather than the temporary
directory's private 0700, which a web server running as another user could
not read.

``offline`` adds Material's ``offline`` plugin: directory URLs are turned off
(``papers/vit.html``) and the search index is inlined as a script, so the
site works opened from disk (``file://``) and can be zipped for readers with
no server.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from kbgen.app.load import Loaded
from kbgen.app.mkdocs_config import SiteError, SiteUsageError, config_path, load_mkdocs_config
from kbgen.app.progress import NO_PROGRESS, Progress
from kbgen.io.atomic import make_temp_dir, output_problem, remove_tree, replace_directory
from kbgen.site.export import PLUGIN_NAME

#: Material for MkDocs' plugin that makes a site work from disk.
OFFLINE_PLUGIN = "material/offline"


@dataclass
class BuildResult:
    site_dir: Path
    seconds: float
    offline: bool = False
    #: What the engine reported without failing (Zensical's warnings), cleaned for a terminal.
    warnings: str = ""


def build_site(root: Path, site_dir: Path | None = None, strict: bool = False,
               loaded: Loaded | None = None, offline: bool = False,
               progress: Progress = NO_PROGRESS) -> BuildResult:
    """Build the site of ``root`` into ``site_dir`` (default: mkdocs.yml's), atomically.

    ``loaded`` is the knowledge base the caller already loaded (and checked);
    the plugin then renders it instead of loading it again. Raises
    :class:`SiteError` when MkDocs aborts (a broken link under ``strict``, a
    knowledge-base error); the previous site is then untouched. ``progress``
    is told the stages: MkDocs starting, the pages written (counted by the
    plugin), the search index.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    started = time.perf_counter()
    config_file, target = site_target(root, site_dir)
    temp = make_temp_dir(target, "building")
    built = temp / "site"  # made by MkDocs, with ordinary permissions (temp itself is 0700)
    try:
        config = load_mkdocs_config(config_file, site_dir=str(built), strict=strict)
        if offline:
            add_offline_plugin(config)
        plugin = config.plugins.get(PLUGIN_NAME)
        if plugin is not None:
            if loaded is not None:
                plugin.preload(loaded)
            plugin.progress = progress
            plugin.command = "build"  # the process may have served before: MkDocs keeps the instance
        progress.stage("starting MkDocs")
        build(config)
    except MkDocsException as exc:
        remove_tree(temp)
        raise SiteError(str(exc).strip() or "MkDocs aborted the build") from None
    except BaseException:
        remove_tree(temp)
        raise
    progress.stage("swapping in the new site")
    try:
        replace_directory(built, target)
    finally:
        remove_tree(temp)
    return BuildResult(target, time.perf_counter() - started, offline or OFFLINE_PLUGIN in config.plugins
                       or "offline" in config.plugins)


def site_target(root: Path, site_dir: Path | None = None) -> tuple[Path, Path]:
    """``root``'s mkdocs.yml and the folder its site goes to (``site_dir``, else mkdocs.yml's).

    Raises :class:`SiteUsageError` when that folder must not receive a site
    (:func:`kbgen.io.atomic.output_problem`), for every engine alike.
    """
    config_file = config_path(root)
    probe = load_mkdocs_config(config_file, site_dir=str(site_dir) if site_dir else None)
    target = Path(probe.site_dir).resolve()
    problem = output_problem(target, root, "site", probe.docs_dir)
    if problem is not None:
        raise SiteUsageError(f"site_dir {problem}")
    return config_file, target


def add_offline_plugin(config) -> None:
    """Add Material's offline plugin to a loaded config, unless mkdocs.yml lists it already."""
    if OFFLINE_PLUGIN in config.plugins or "offline" in config.plugins:
        return
    from material.plugins.offline.plugin import OfflinePlugin

    plugin = OfflinePlugin()
    errors, warnings = plugin.load_config({})
    if errors:
        raise SiteError(f"the offline plugin's configuration: {errors}")
    config.plugins[OFFLINE_PLUGIN] = plugin
