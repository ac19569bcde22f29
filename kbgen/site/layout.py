"""How the site is laid out: the nav, the order of sections on shared pages, kbgen's assets.

The kinds table (:mod:`kbgen.core.kinds`) says what each kind is called and
where its pages live; this module says in which order the site shows them.
"""

from __future__ import annotations

from kbgen.core.kinds import KINDS, Kind
from kbgen.site.urls import ASSETS_URI, GRAPH_URI, HOME_URI, index_uri

#: Marker in content/index.md where the home additions go (appended when absent).
HOME_MARKER = "<!-- kbgen:home -->"
STYLESHEETS = ("kbgen.css",)
#: One classic script: it loads only the features (``js/*.js``) and libraries a page uses, and
#: defines a stand-in ``window.mermaid`` at once, so Material never fetches Mermaid from a CDN
#: and only pages with a diagram download it (see ``assets/README.md``).
SCRIPTS = ("kbgen.js",)
#: Sources that are inputs of the knowledge base, not pages: never copied to the site.
SOURCE_SUFFIXES = (".yaml", ".yml", ".bib")

#: Sections in the nav, after Home and before Graph.
NAV_ORDER = ("paper", "topic", "path", "summary", "concept", "story", "resource")
#: What the home page counts, in order.
HOME_COUNT_ORDER = ("paper", "summary", "concept", "story", "resource", "topic", "path")
#: Groups of a topic page, in order.
TOPIC_GROUP_ORDER = ("paper", "concept", "summary", "story", "resource")


def contributed_kinds() -> list[Kind]:
    """Kinds whose Markdown pages get a generated header, footer and section index."""
    return [kind for kind in KINDS.values() if kind.contributed]


def default_nav() -> list[dict[str, str]]:
    """The nav used when mkdocs.yml sets none: sections and index pages only.

    One entry per paper would make MkDocs builds quadratic in the number of pages.

    >>> [next(iter(entry)) for entry in default_nav()][:4]
    ['Home', 'Papers', 'Topics', 'Reading paths']
    """
    return ([{"Home": HOME_URI}] + [{KINDS[k].label_plural: index_uri(k)} for k in NAV_ORDER]
            + [{"Graph": GRAPH_URI}])


def nav_uris() -> frozenset[str]:
    """The docs-dir URIs the default nav lists."""
    return frozenset(uri for entry in default_nav() for uri in entry.values())


def asset_uris(names: tuple[str, ...]) -> list[str]:
    """Site URIs of kbgen's assets (``assets/kbgen/<name>``)."""
    return [f"{ASSETS_URI}/{name}" for name in names]


def extra_css() -> list[str]:
    """What kbgen puts first in MkDocs' ``extra_css`` (the plugin and the exported mkdocs.yml)."""
    return asset_uris(STYLESHEETS)


def extra_javascript() -> list:
    """What kbgen puts first in MkDocs' ``extra_javascript``: paths, or ``{path, type}`` mappings."""
    return asset_uris(SCRIPTS)
