"""``kbgen build --engine zensical``: the same pages built by Zensical, swapped in atomically on success.

Zensical reads ``mkdocs.yml`` but runs no MkDocs plugin, so everything the
kbgen plugin adds at build time comes from the exported tree
(:func:`kbgen.app.export.exported_files`): the generated pages and data
files, kbgen's stylesheets and scripts, the nav, the home page's additions,
the contributed pages' header and footer, and sanitised Markdown in place of
the plugin's HTML sanitiser. docs/engines.md lists what still differs.

The steps and their guarantees are those of :func:`kbgen.app.build.build_site`:
the knowledge base is validated first (by the caller), the tree is written
into a temporary directory beside the target, Zensical builds it there (its
``site_dir`` must lie inside the project), and the built folder, which
Zensical creates with ordinary permissions, is swapped in only when Zensical
succeeded. On any failure the temporary directory is removed and the previous
site is untouched.
"""

from __future__ import annotations

import time
from pathlib import Path

from kbgen.app.build import BuildResult, site_target
from kbgen.app.export import exported_files
from kbgen.app.load import Loaded, load
from kbgen.app.mkdocs_config import SiteError
from kbgen.app.progress import NO_PROGRESS, Progress
from kbgen.io.atomic import make_temp_dir, remove_tree, replace_directory, write_tree
from kbgen.io.engine import EngineError, run_zensical
from kbgen.io.files import is_regular_file

#: The folder of the temporary directory that holds the exported project.
PROJECT_DIR = "project"


def build_with_zensical(root: Path, site_dir: Path | None = None, strict: bool = False,
                        loaded: Loaded | None = None, offline: bool = False,
                        timeout: float | None = None, progress: Progress = NO_PROGRESS) -> BuildResult:
    """Build the site of ``root`` with Zensical into ``site_dir`` (default: mkdocs.yml's), atomically.

    ``loaded`` is the knowledge base the caller already loaded and checked
    (loaded here otherwise). ``strict`` passes ``--strict`` to Zensical, which
    then aborts on a broken link or anchor. Raises :class:`SiteError` when the
    knowledge base has errors, Zensical is missing or fails; the previous site
    is then untouched. ``BuildResult.warnings`` holds what Zensical reported.
    ``progress`` is told the stages (rendering, writing the tree, Zensical, swapping in).
    """
    started = time.perf_counter()
    _, target = site_target(root, site_dir)
    if loaded is None:
        loaded = load(root)
    progress.stage("rendering pages")
    tree = exported_files(loaded, offline=offline, for_zensical=True)  # before any folder is made: errors leave nothing behind
    temp = make_temp_dir(target, "building")
    project = temp / PROJECT_DIR
    try:
        progress.stage("writing the tree", total=len(tree))
        write_tree(project, tree)
        progress.advance(len(tree))
        del tree
        progress.stage("building with Zensical")
        try:
            run = run_zensical(project, strict=strict, timeout=timeout)
        except EngineError as exc:
            raise SiteError(f"Zensical: {exc}") from None
        built = project / "site"  # made by Zensical, with ordinary permissions (temp itself is 0700)
        if not is_regular_file(built / "index.html"):
            raise SiteError(f"Zensical reported success but wrote no {built / 'index.html'}:\n{run.output}")
        progress.stage("swapping in the new site")
        replace_directory(built, target)
    finally:
        remove_tree(temp)
    return BuildResult(target, time.perf_counter() - started, offline, warnings=run.output if run.warnings else "")
