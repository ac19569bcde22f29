"""``kbgen build``: the site built by MkDocs into a temporary directory and swapped in on success."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from kbgen.app.load import Loaded
from kbgen.app.mkdocs_config import SiteError, config_path, load_mkdocs_config
from kbgen.io.atomic import make_temp_dir, remove_tree, replace_directory
from kbgen.site.export import PLUGIN_NAME


@dataclass
class BuildResult:
    site_dir: Path
    seconds: float


def build_site(root: Path, site_dir: Path | None = None, strict: bool = False,
               loaded: Loaded | None = None) -> BuildResult:
    """Build the site of ``root`` into ``site_dir`` (default: mkdocs.yml's), atomically.

    ``loaded`` is the knowledge base the caller already loaded (and checked);
    the plugin then renders it instead of loading it again. Raises
    :class:`SiteError` when MkDocs aborts (a broken link under ``strict``, a
    knowledge-base error); the previous site is then untouched.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    started = time.perf_counter()
    config_file = config_path(root)
    probe = load_mkdocs_config(config_file, site_dir=str(site_dir) if site_dir else None)
    target = Path(probe.site_dir).resolve()
    if target == Path(probe.docs_dir).resolve() or target in Path(probe.docs_dir).resolve().parents:
        raise SiteError(f"site_dir {target} would contain the docs dir; choose another --site-dir")
    temp = make_temp_dir(target, "building")
    try:
        config = load_mkdocs_config(config_file, site_dir=str(temp), strict=strict)
        plugin = config.plugins.get(PLUGIN_NAME)
        if plugin is not None and loaded is not None:
            plugin.preload(loaded)
        build(config)
    except MkDocsException as exc:
        remove_tree(temp)
        raise SiteError(str(exc).strip() or "MkDocs aborted the build") from None
    except BaseException:
        remove_tree(temp)
        raise
    replace_directory(temp, target)
    return BuildResult(target, time.perf_counter() - started)
