"""Where each page lives in the docs dir: the one rule that validation and the site share.

A page is a Markdown file under MkDocs' docs dir. An entry's page is
``<section>/<id>.md`` (the section of each kind is in :mod:`kbgen.core.kinds`),
a topic's generated reading path is ``topics/<id>/path.md``, every section has
``<section>/index.md``, and the graph explorer is ``graph.md``. The site turns
these into URLs (:mod:`kbgen.site.urls`); ``kbgen validate`` checks links
against them (:mod:`kbgen.check.links`).

>>> page_uri("paper", "vit"), page_uri("topic-path", "x"), index_uri("concept")
('papers/vit.md', 'topics/x/path.md', 'concepts/index.md')
"""

from __future__ import annotations

from kbgen.core.kinds import KINDS

HOME_URI = "index.md"
GRAPH_URI = "graph.md"
#: The pseudo-kind of a topic's generated reading path page.
TOPIC_PATH = "topic-path"


def page_uri(kind: str, entity_id: str) -> str:
    """The docs-dir URI of an entry's page (``kind`` may be ``topic-path``)."""
    if kind == TOPIC_PATH:
        return f"{KINDS['topic'].section}/{entity_id}/path.md"
    return f"{KINDS[kind].section}/{entity_id}.md"


def index_uri(kind: str) -> str:
    """The docs-dir URI of the index page of a kind's section (``papers/index.md``)."""
    return f"{KINDS[kind].section}/index.md"
