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

>>> page_uri("paper", "vit"), page_url("topic", "transformers"), page_uri("topic-path", "x")
('papers/vit.md', 'topics/transformers/', 'topics/x/path.md')
>>> relative_link("papers/vit.md", "topics/transformers.md")
'../topics/transformers.md'
"""

from __future__ import annotations

import posixpath
import re

from kbgen.core.kinds import KINDS

HOME_URI = "index.md"
GRAPH_URI = "graph.md"
KB_JSON_URI = "kb.json"
REFERENCES_URI = "references.bib"
FEED_URI = "feed.xml"
#: Where kbgen's CSS, scripts and vendored libraries live on the site.
ASSETS_URI = "assets/kbgen"


def page_uri(kind: str, entity_id: str) -> str:
    """The docs-dir URI of an entry's page (``kind`` may be ``topic-path``)."""
    if kind == "topic-path":
        return f"{KINDS['topic'].section}/{entity_id}/path.md"
    return f"{KINDS[kind].section}/{entity_id}.md"


def page_url(kind: str, entity_id: str) -> str:
    """The site URL, relative to the site's root, of an entry's page."""
    return page_uri(kind, entity_id)[: -len(".md")] + "/"


def index_uri(kind: str) -> str:
    """The docs-dir URI of the index page of a kind's section (``papers/index.md``)."""
    return f"{KINDS[kind].section}/index.md"


def uri_to_url(uri: str) -> str:
    """The site URL of a docs-dir URI (``papers/index.md`` -> ``papers/``, ``index.md`` -> ``""``).

    >>> uri_to_url("papers/index.md"), uri_to_url("graph.md"), uri_to_url("kb.json")
    ('papers/', 'graph/', 'kb.json')
    """
    if not uri.endswith(".md"):
        return uri
    stem = uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


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
