"""An Atom feed (``feed.xml``) of summaries and stories, newest first.

Built with :mod:`xml.etree.ElementTree`, which escapes every text and
attribute; characters XML 1.0 cannot carry at all (most control characters)
are dropped first. Only entries with a ``date`` are listed: a feed reader
orders by it. The output depends only on the knowledge base (the feed's
``updated`` is the newest entry's date), so builds are reproducible.

>>> from kbgen.core.kb import KnowledgeBase
>>> print(render_feed(KnowledgeBase(), None, lambda kind, ident: f"{kind}/{ident}/").splitlines()[1])
<feed xmlns="http://www.w3.org/2005/Atom">
"""

from __future__ import annotations

import datetime as _dt
import re
import xml.etree.ElementTree as ET
from typing import Callable, Iterable

from kbgen.core.kb import KnowledgeBase
from kbgen.core.kinds import KINDS
from kbgen.core.models import Story, Summary
from kbgen.graph.export import xml_safe

ATOM_NS = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 50
_EPOCH = "1970-01-01T00:00:00Z"
_MARKUP = re.compile(r"<!--.*?-->|<[^>]{0,2000}>|[*_`#>]+|!?\[([^\]]*)\]\([^)]*\)", re.S)


def _clean(text: str) -> str:
    return xml_safe(text)


def _timestamp(day: _dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def first_paragraph(body: str, limit: int = 400) -> str:
    """The first prose paragraph of a Markdown body, as plain text, for the entry's summary.

    >>> first_paragraph("## The problem\\n\\n<!-- hint -->\\n\\nRNNs are *slow* to [train](x).\\n")
    'RNNs are slow to train.'
    """
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if not block or block.startswith(("#", "<!--", "```", "|", "---")):
            continue
        text = _MARKUP.sub(lambda m: m.group(1) or "", block)
        text = " ".join(text.split())
        if text:
            return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return ""


#: The kinds whose dated entries are news.
FEED_KINDS = ("summary", "story")


def iter_feed_items(kb: KnowledgeBase) -> Iterable[tuple[str, Summary | Story]]:
    """``(kind, entry)`` for dated summaries and stories, newest first, then by section and id."""
    items: list[tuple[str, Summary | Story]] = []
    for kind in FEED_KINDS:
        items += [(kind, s) for s in kb.table(kind).values() if s.date]
    items.sort(key=lambda item: (-item[1].date.toordinal(), KINDS[item[0]].section, item[1].id))
    return items


def _url(site_url: str | None, rel: str) -> str:
    if site_url:
        return site_url.rstrip("/") + "/" + rel
    # Relative to feed.xml at the site root, so a site served under a sub-path
    # (GitHub Pages project sites) still links right.
    return rel or "./"


def render_feed(kb: KnowledgeBase, site_url: str | None, url_of: Callable[[str, str], str],
                feed_uri: str = "feed.xml") -> str:
    """The Atom XML of the feed published at ``feed_uri`` (at the site's root).

    Without ``site_url``, links are relative to the feed and ids are URNs.
    ``url_of(kind, id)`` is the page URL of an entry (:func:`kbgen.site.urls.page_url`).
    """
    feed = ET.Element("feed", xmlns=ATOM_NS)
    items = list(iter_feed_items(kb))[:MAX_ENTRIES]
    ET.SubElement(feed, "title").text = "Reading group: new summaries and stories"
    ET.SubElement(feed, "id").text = _url(site_url, "") if site_url else "urn:kbgen:feed"
    ET.SubElement(feed, "updated").text = _timestamp(items[0][1].date) if items else _EPOCH
    ET.SubElement(feed, "link", rel="self", href=_url(site_url, feed_uri), type="application/atom+xml")
    ET.SubElement(feed, "link", rel="alternate", href=_url(site_url, ""), type="text/html")
    ET.SubElement(feed, "generator").text = "kbgen"
    for kind, item in items:
        feed.append(_entry(kb, kind, item, site_url, url_of(kind, item.id)))
    ET.indent(feed)
    return "<?xml version='1.0' encoding='utf-8'?>\n" + ET.tostring(feed, encoding="unicode") + "\n"


def _entry(kb: KnowledgeBase, kind: str, item: Summary | Story, site_url: str | None, rel: str) -> ET.Element:
    entry = ET.Element("entry")
    section = KINDS[kind].section
    ET.SubElement(entry, "title").text = _clean(item.title)
    ET.SubElement(entry, "id").text = _url(site_url, rel) if site_url else f"urn:kbgen:{section}:{item.id}"
    ET.SubElement(entry, "link", rel="alternate", href=_url(site_url, rel), type="text/html")
    ET.SubElement(entry, "updated").text = _timestamp(item.date)
    ET.SubElement(entry, "published").text = _timestamp(item.date)
    for name in item.contributors or ["the reading group"]:
        ET.SubElement(ET.SubElement(entry, "author"), "name").text = _clean(name)
    for topic in item.topics:
        label = kb.topics[topic].name if topic in kb.topics else topic
        ET.SubElement(entry, "category", term=_clean(topic), label=_clean(label))
    text = first_paragraph(item.body)
    if item.paper and item.paper in kb.papers:
        about = f"About: {kb.papers[item.paper].title}."
        text = f"{about} {text}".strip()
    if text:
        ET.SubElement(entry, "summary").text = _clean(text)
    return entry
