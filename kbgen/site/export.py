"""The exported tree (``kbgen export``): the site as plain Markdown plus an mkdocs.yml without kbgen.

Pure: the caller reads the content files and ``mkdocs.yml`` and writes the result.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping

from kbgen.parse.sources import split_front_matter
from kbgen.site.layout import SOURCE_SUFFIXES, default_nav, extra_css, extra_javascript
from kbgen.site.markdown_sanitizer import sanitize_page
from kbgen.site.renderer import SiteRenderer
from kbgen.site.urls import ASSETS_URI, HOME_URI

CONFIG_FILE = "mkdocs.yml"
PLUGIN_NAME = "kbgen"
DOCS_DIR = "docs"
#: kbgen's vendored copy of the worker shim that search needs over file:// (MIT, iframe-worker).
OFFLINE_SHIM = f"{ASSETS_URI}/vendor/iframe-worker/shim.js"
#: How mkdocs.yml may name the plugin that makes a site work from disk.
OFFLINE_NAMES = ("offline", "material/offline")


def export_files(renderer: SiteRenderer, content: Mapping[str, str | bytes],
                 generated: Mapping[str, str | bytes], config_text: str,
                 offline: bool = False) -> dict[str, str | bytes]:
    """The exported tree as ``{path: content}``: ``docs/...`` and ``mkdocs.yml``.

    ``content`` is the docs dir's files (Markdown as text), ``generated`` what
    kbgen adds (:func:`kbgen.app.sitebuild.generated_files`); a contributor's
    own page wins over a generated one of the same name, never over kbgen's assets.
    ``offline``: see :func:`render_export_config` (the renderer must then use file URLs).
    """
    # The exported tree is built by plain MkDocs or Zensical, without kbgen's plugin and its
    # sanitiser: so every page is made safe here, in its Markdown.
    math = "arithmatex" in config_text
    tree: dict[str, str | bytes] = {}
    for rel, data in content.items():
        if rel.endswith(SOURCE_SUFFIXES):
            continue
        if rel.endswith(".md") and isinstance(data, str):
            data = sanitize_page(decorate_file(renderer, rel, data), math=math)
        tree[f"{DOCS_DIR}/{rel}"] = data
    for uri, data in generated.items():
        if uri.startswith(ASSETS_URI + "/"):
            tree[f"{DOCS_DIR}/{uri}"] = data  # kbgen's own scripts are never replaced by content
        elif f"{DOCS_DIR}/{uri}" not in tree:
            if uri.endswith(".md") and isinstance(data, str):
                data = sanitize_page(data, generated=True, math=math)
            tree[f"{DOCS_DIR}/{uri}"] = data
    tree[CONFIG_FILE] = render_export_config(config_text, offline=offline)
    return tree


def decorate_file(renderer: SiteRenderer, rel: str, text: str) -> str:
    """A content file as the plugin would hand it to MkDocs (home additions, header, footer)."""
    front, _, body, body_line = split_front_matter(text)
    if rel == HOME_URI:
        new_body = renderer.render_home(body)
    else:
        new_body = renderer.decorate(rel, body)
    if new_body is None:
        return text
    head = text[: len(text) - len(body)] if front is not None and body_line > 0 else ""
    return head + new_body


def render_export_config(config_text: str, offline: bool = False) -> str:
    """mkdocs.yml for the exported tree: docs_dir docs/, no kbgen plugin, kbgen's assets listed.

    ``offline`` adds the ``offline`` plugin (Material's and Zensical's name
    for it) unless the config lists it: pages become ``papers/vit.html``.
    """
    import yaml
    from mkdocs.utils.yaml import yaml_load

    data: dict[str, Any] = copy.deepcopy(yaml_load(config_text) or {})
    css, js = extra_css(), extra_javascript()
    data["docs_dir"] = DOCS_DIR
    data["site_dir"] = "site"
    data.setdefault("nav", default_nav())
    plugins = data.get("plugins", ["search"])
    if isinstance(plugins, dict):
        plugins = [{k: v} if v else k for k, v in plugins.items()]
    data["plugins"] = [p for p in plugins
                       if p != PLUGIN_NAME and not (isinstance(p, dict) and PLUGIN_NAME in p)]
    if offline and not any(_plugin_name(p) in OFFLINE_NAMES for p in data["plugins"]):
        data["plugins"].append("offline")
    if offline or any(_plugin_name(p) in OFFLINE_NAMES for p in data["plugins"]):
        # The offline plugin would add its file:// worker shim from a CDN; the site ships its own copy.
        extra = data.setdefault("extra", {})
        polyfills = [p for p in extra.get("polyfills") or [] if "iframe-worker" not in str(p)]
        extra["polyfills"] = polyfills + [OFFLINE_SHIM]
    data["extra_css"] = css + [c for c in data.get("extra_css", []) if c not in css]
    data["extra_javascript"] = js + [j for j in data.get("extra_javascript", []) if j not in js]
    header = ("# Exported by `kbgen export`: the knowledge base's site as plain Markdown.\n"
              "# Build it with `mkdocs build` (Material for MkDocs and pymdown-extensions needed).\n")
    return header + yaml.dump(data, Dumper=yaml.Dumper, sort_keys=False, allow_unicode=True)


def _plugin_name(entry: Any) -> str:
    return next(iter(entry)) if isinstance(entry, dict) and entry else str(entry)
