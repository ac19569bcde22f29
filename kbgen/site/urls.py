"""Where every page of the site lives, in one place: docs-dir URIs, site URLs, relative links.

Pages are Markdown files in MkDocs' docs dir (``papers/vit.md``); with
``use_directory_urls`` each is served at a folder URL (``papers/vit/``).

=================================  ==========================
source URI                         URL
=================================  ==========================
``<section>/<id>.md``              ``/<section>/<id>/`` (section: papers, concepts, ..., topics, paths)
``<section>/index.md``             ``/<section>/``
``topics/<id>/path.md``            ``/topics/<id>/path/`` (the topic's generated reading path)
``paths/<id>.bib``, ``.ics``       downloads of a curated path
``topics/<id>/path.bib``, ``.ics`` downloads of a topic path
=================================  ==========================

A topic's path lives under the topic, not under ``/paths/``, so a curated
path may take any id without clashing with a generated one.

With ``use_directory_urls: false`` (the offline build) the same page is
``papers/vit.html``; functions that return URLs take ``directory_urls``.

>>> page_uri("paper", "vit"), page_url("topic", "transformers"), page_uri("topic-path", "x")
('papers/vit.md', 'topics/transformers/', 'topics/x/path.md')
>>> page_url("paper", "vit", directory_urls=False)
'papers/vit.html'
>>> relative_link("papers/vit.md", "topics/transformers.md")
'../topics/transformers.md'
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import quote

from kbgen.core.addresses import GRAPH_URI, HOME_URI, index_uri, page_uri  # noqa: F401  (the site's names for them)

KB_JSON_URI = "kb.json"
REFERENCES_URI = "references.bib"
FEED_URI = "feed.xml"
#: Where kbgen's CSS, scripts and vendored libraries live on the site.
ASSETS_URI = "assets/kbgen"
#: Where a paper with no arXiv id, DOI, URL or PDF is looked up by its title (a search, labelled as one).
PAPER_SEARCH_URL = "https://www.semanticscholar.org/search?q={query}"
#: The button of that link: it says that it is a search, not the paper.
PAPER_SEARCH_LABEL = "Search for it on Semantic Scholar"


def page_url(kind: str, entity_id: str, directory_urls: bool = True) -> str:
    """The site URL, relative to the site's root, of an entry's page."""
    return uri_to_url(page_uri(kind, entity_id), directory_urls)


@lru_cache(maxsize=1 << 14)  # every link of every page asks for its target's URL
def uri_to_url(uri: str, directory_urls: bool = True) -> str:
    """The site URL of a docs-dir URI (``papers/index.md`` -> ``papers/``, ``index.md`` -> ``""``).

    >>> uri_to_url("papers/index.md"), uri_to_url("graph.md"), uri_to_url("kb.json")
    ('papers/', 'graph/', 'kb.json')
    >>> uri_to_url("papers/index.md", False), uri_to_url("graph.md", False)
    ('papers/index.html', 'graph.html')
    """
    if not uri.endswith(".md"):
        return uri
    stem = uri[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def url_between(from_uri: str, to_uri: str, directory_urls: bool = True, from_source: bool = False) -> str:
    """The relative URL from one page to another, as a browser resolves it (not a ``.md`` link).

    For text MkDocs does not rewrite, such as a Mermaid ``click`` line.
    ``from_source``: relative to the page's source folder instead, for an engine
    that rewrites relative links in raw HTML as it does Markdown links (Zensical
    turns ``../x/`` on ``summaries/vit.md`` into ``../../x/``).

    >>> url_between("papers/vit.md", "papers/resnet.md"), url_between("papers/vit.md", "papers/resnet.md", False)
    ('../resnet/', 'resnet.html')
    >>> url_between("topics/x/path.md", "concepts/adam.md"), url_between("summaries/vit.md", "papers/vit.md", from_source=True)
    ('../../../concepts/adam/', '../papers/vit/')
    """
    here = uri_to_url(from_uri, directory_urls)
    base = posixpath.dirname(from_uri) if from_source else here if here.endswith("/") or not here else posixpath.dirname(here)
    target = uri_to_url(to_uri, directory_urls)
    start, dest = base.rstrip("/") or ".", target or "."
    if (dest == "." or _PLAIN_URI.match(dest.rstrip("/"))) and (start == "." or _PLAIN_URI.match(start)):
        # relpath's result without its abspath calls (each a getcwd): every link of every page comes here.
        from_parts = start.split("/") if start != "." else []
        to_parts = dest.rstrip("/").split("/") if dest != "." else []
        common = 0
        while common < min(len(from_parts), len(to_parts)) and from_parts[common] == to_parts[common]:
            common += 1
        link = "/".join([".."] * (len(from_parts) - common) + to_parts[common:]) or "."
    else:
        link = posixpath.relpath(dest, start)
    if target.endswith("/") and not link.endswith("/"):
        link += "/"
    return link if _URL_SAFE.match(link) else quote(link, safe="/.-_~")


def site_root(uri: str, directory_urls: bool = True) -> str:
    """The relative URL of the site's root from a page (``data-site-root`` of the scripts).

    >>> site_root("topics/ml.md"), site_root("topics/ml.md", False), site_root("graph.md", False)
    ('../../', '../', '')
    """
    return "../" * uri_to_url(uri, directory_urls).count("/")


def section_index_uri(uri: str) -> str | None:
    """The index page of the section a page belongs to, or None (the home page, top-level pages).

    >>> section_index_uri("papers/vit.md"), section_index_uri("topics/ml/path.md"), section_index_uri("graph.md")
    ('papers/index.md', 'topics/index.md', None)
    """
    section, sep, _ = uri.partition("/")
    return f"{section}/index.md" if sep else None


def paper_search_url(title: str) -> str:
    """The search link of a paper that has no link of its own: its title, as a query.

    >>> paper_search_url("Attention & more")
    'https://www.semanticscholar.org/search?q=Attention%20%26%20more'
    """
    return PAPER_SEARCH_URL.format(query=quote(" ".join(title.split()), safe=""))


def relative_link(from_uri: str, to_uri: str) -> str:
    """A relative link from one docs-dir URI to another.

    >>> relative_link("topics/x/path.md", "papers/vit.md")
    '../../papers/vit.md'
    """
    start = from_uri.rpartition("/")[0]
    if _PLAIN_URI.match(to_uri) and (not start or _PLAIN_URI.match(start)):
        # posixpath.relpath's result without its two abspath calls (each a
        # getcwd): 11 of 87 profiled s of rendering 10,000 papers.
        base, target = start.split("/") if start else [], to_uri.split("/")
        common = 0
        while common < min(len(base), len(target)) and base[common] == target[common]:
            common += 1
        return "/".join([".."] * (len(base) - common) + target[common:]) or "."
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


# Relative, no empty, "." or ".." segment: where the string version equals relpath's.
_PLAIN_URI = re.compile(r"(?!\.\.?(?:/|$))[^/]+(?:/(?!\.\.?(?:/|$))[^/]+)*\Z")
# What quote(link, safe="/.-_~") leaves as it is.
_URL_SAFE = re.compile(r"[A-Za-z0-9/._~-]*\Z")
