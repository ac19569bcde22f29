"""Building the site: load once, render, and hand the pages to MkDocs or to disk.

- :func:`load_site_inputs` is what the plugin runs on config: the knowledge
  base, its graph, every diagnostic, and the input files to watch.
- :func:`build_site` runs MkDocs (with the kbgen plugin from mkdocs.yml) into
  a temporary directory next to the target and swaps it in only when the
  build succeeded, so a failed build leaves the previous site untouched.
- :func:`export_tree` is the plugin's output as files: every generated page,
  the decorated content, kbgen's assets and an mkdocs.yml without the plugin,
  so plain ``mkdocs build`` (or another MkDocs-compatible builder) produces
  the same pages.

All file access goes through :mod:`kbgen.sources`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kbgen.parse import sources
from kbgen.site.renderer import SiteOptions, SiteRenderer

CONFIG_FILE = "mkdocs.yml"
PLUGIN_NAME = "kbgen"
ASSETS_FOLDER = "assets"


class SiteError(Exception):
    """The site could not be built; the message says why (printed without a traceback)."""


def load_site_inputs(root: Path):
    """``(kb, graph, diagnostics, input files)`` of the knowledge base at ``root``."""
    from kbgen.graph.build import build_graph

    try:
        from kbgen.io.cache import load_cached as load
    except ImportError:  # the cache is optional
        from kbgen.check.validate import load_knowledge_base as load
    kb, diagnostics = load(root)
    graph = build_graph(kb)
    diagnostics = list(diagnostics) + list(graph.diagnostics)
    inputs = [root / rel for rel in sources.iter_input_files(root)]
    return kb, graph, diagnostics, inputs


def read_package_assets() -> dict[str, bytes]:
    """kbgen's CSS, JavaScript and vendored libraries (with their licences), by relative path."""
    return {name: data for name, data in sources.read_package_files("kbgen.site", ASSETS_FOLDER).items()
            if not name.endswith(".schema.json")}


def config_path(root: Path) -> Path:
    path = Path(root) / CONFIG_FILE
    if not path.is_file():
        raise SiteError(f"{path}: no such file; a knowledge base's site needs an mkdocs.yml "
                        "(see the example at the repository's root)")
    return path


@dataclass
class BuildResult:
    site_dir: Path
    seconds: float


def build_site(root: Path, site_dir: Path | None = None, strict: bool = False) -> BuildResult:
    """Build the site of ``root`` into ``site_dir`` (default: mkdocs.yml's), atomically.

    Raises :class:`SiteError` when MkDocs aborts (a broken link under
    ``strict``, a knowledge-base error); the previous site is then untouched.
    """
    import time

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    started = time.perf_counter()
    config_file = config_path(root)
    probe = _load_config(load_config, config_file, site_dir=str(site_dir) if site_dir else None)
    target = Path(probe.site_dir).resolve()
    if target == Path(probe.docs_dir).resolve() or target in Path(probe.docs_dir).resolve().parents:
        raise SiteError(f"site_dir {target} would contain the docs dir; choose another --site-dir")
    temp = sources.make_temp_dir(target, "building")
    try:
        config = _load_config(load_config, config_file, site_dir=str(temp), strict=strict)
        build(config)
    except MkDocsException as exc:
        sources.remove_tree(temp)
        raise SiteError(str(exc).strip() or "MkDocs aborted the build") from None
    except BaseException:
        sources.remove_tree(temp)
        raise
    sources.replace_directory(temp, target)
    return BuildResult(target, time.perf_counter() - started)


def _load_config(load_config, config_file: Path, **overrides):
    from mkdocs.exceptions import MkDocsException

    try:
        return load_config(config_file=str(config_file), **{k: v for k, v in overrides.items() if v is not None})
    except MkDocsException as exc:
        raise SiteError(f"{config_file}: {str(exc).strip()}") from None


def export_tree(root: Path, out_dir: Path) -> int:
    """Write the site's Markdown tree and an mkdocs.yml without the kbgen plugin to ``out_dir``.

    Returns the number of files written. ``out_dir/mkdocs.yml`` builds with
    plain ``mkdocs build`` into ``out_dir/site``.
    """
    from mkdocs.config import load_config

    config_file = config_path(root)
    config = _load_config(load_config, config_file)
    kb, graph, diagnostics, _ = load_site_inputs(Path(root))
    errors = [d for d in diagnostics if d.is_error]
    if errors:
        from kbgen.core.diagnostics import format_text

        raise SiteError("the knowledge base has errors:\n" + format_text(errors, summary=True).rstrip())
    plugin = config.plugins.get(PLUGIN_NAME)
    options = plugin.site_options(config) if plugin is not None else SiteOptions(site_url=config.site_url)
    renderer = SiteRenderer(kb, graph, options)
    tree = export_files(renderer, config_file, Path(config.docs_dir))
    sources.write_tree(out_dir, tree)
    return len(tree)


def export_files(renderer: SiteRenderer, config_file: Path, docs_dir: Path) -> dict[str, str | bytes]:
    """The exported tree as ``{path: content}``: ``docs/...`` and ``mkdocs.yml``."""
    from kbgen.plugin.plugin import ASSETS_URI, DEFAULT_NAV, SCRIPTS, STYLESHEETS

    tree: dict[str, str | bytes] = {}
    for rel, data in sources.read_content_files(docs_dir).items():
        if rel.endswith((".yaml", ".yml", ".bib")):
            continue
        if rel.endswith(".md") and isinstance(data, str):
            data = _decorate_file(renderer, rel, data)
        tree[f"docs/{rel}"] = data
    for uri, text in renderer.render_site().items():
        tree.setdefault(f"docs/{uri}", text)
    for name, data in read_package_assets().items():
        tree[f"docs/{ASSETS_URI}/{name}"] = data
    tree[CONFIG_FILE] = render_export_config(config_file, [f"{ASSETS_URI}/{n}" for n in STYLESHEETS],
                                             [f"{ASSETS_URI}/{n}" for n in SCRIPTS], DEFAULT_NAV)
    return tree


def _decorate_file(renderer: SiteRenderer, rel: str, text: str) -> str:
    front, _, body, body_line = sources.split_front_matter(text)
    if rel == "index.md":
        new_body = renderer.render_home(body)
    else:
        new_body = renderer.decorate(rel, body)
    if new_body is None:
        return text
    head = text[: len(text) - len(body)] if front is not None and body_line > 0 else ""
    return head + new_body


def render_export_config(config_file: Path, css: list[str], js: list[str], default_nav: list) -> str:
    """mkdocs.yml for the exported tree: docs_dir docs/, no kbgen plugin, kbgen's assets listed."""
    import yaml
    from mkdocs.utils.yaml import yaml_load

    data: dict[str, Any] = copy.deepcopy(yaml_load(sources.read_text(config_file)) or {})
    data["docs_dir"] = "docs"
    data["site_dir"] = "site"
    data.setdefault("nav", default_nav)
    plugins = data.get("plugins", ["search"])
    if isinstance(plugins, dict):
        plugins = [{k: v} if v else k for k, v in plugins.items()]
    data["plugins"] = [p for p in plugins
                       if p != PLUGIN_NAME and not (isinstance(p, dict) and PLUGIN_NAME in p)]
    data["extra_css"] = css + [c for c in data.get("extra_css", []) if c not in css]
    data["extra_javascript"] = js + [j for j in data.get("extra_javascript", []) if j not in js]
    header = ("# Exported by `kbgen export`: the knowledge base's site as plain Markdown.\n"
              "# Build it with `mkdocs build` (Material for MkDocs and pymdown-extensions needed).\n")
    return header + yaml.dump(data, Dumper=yaml.Dumper, sort_keys=False, allow_unicode=True)
