"""The Atom feed: newest first, escaped, well-formed, stable."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

from kbgen.core.kb import KnowledgeBase
from kbgen.core.models import Paper, Story, Summary, Topic
from kbgen.output.feed import first_paragraph
from kbgen.output.feed import render_feed as _render_feed
from kbgen.site.urls import FEED_URI, page_url


def render_feed(kb, site_url):
    return _render_feed(kb, site_url, page_url, FEED_URI)


A = "{http://www.w3.org/2005/Atom}"


def _kb() -> KnowledgeBase:
    paper = Paper(id="vit", title="An Image is Worth 16x16 Words", year=2020)
    summaries = {
        "vit": Summary(id="vit", title="ViT <script>alert(1)</script> & \"friends\"", paper="vit",
                       date=datetime.date(2026, 3, 1), contributors=["Ada"], topics=["vision"],
                       body="## The problem\n\n<!-- hint -->\n\nPatches\x01 are *tokens*.\n"),
        "old": Summary(id="old", title="Old one", paper="vit", date=datetime.date(2025, 1, 1)),
        "undated": Summary(id="undated", title="No date", paper="vit"),
    }
    stories = {"hinton": Story(id="hinton", title="Hinton's story", date=datetime.date(2026, 3, 1))}
    return KnowledgeBase(papers={"vit": paper}, summaries=summaries, stories=stories,
                         topics={"vision": Topic(id="vision", name="Vision & images")})


def _parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def test_entries_newest_first_and_undated_left_out():
    root = _parse(render_feed(_kb(), "https://group.example.org/kb/"))
    ids = [e.find(f"{A}id").text for e in root.findall(f"{A}entry")]
    assert ids == ["https://group.example.org/kb/stories/hinton/",
                   "https://group.example.org/kb/summaries/vit/",
                   "https://group.example.org/kb/summaries/old/"]
    assert root.find(f"{A}updated").text == "2026-03-01T00:00:00Z"
    self_link = [link for link in root.findall(f"{A}link") if link.get("rel") == "self"][0]
    assert self_link.get("href") == "https://group.example.org/kb/feed.xml"


def test_text_is_escaped_and_invalid_characters_dropped():
    text = render_feed(_kb(), None)
    assert "<script>" not in text and "&lt;script&gt;" in text
    root = _parse(text)
    vit = [e for e in root.findall(f"{A}entry") if e.find(f"{A}id").text == "urn:kbgen:summaries:vit"][0]
    assert vit.find(f"{A}title").text == "ViT <script>alert(1)</script> & \"friends\""
    assert vit.find(f"{A}summary").text == "About: An Image is Worth 16x16 Words. Patches are tokens."
    assert vit.find(f"{A}author/{A}name").text == "Ada"
    assert vit.find(f"{A}category").get("label") == "Vision & images"
    assert vit.find(f"{A}link").get("href") == "summaries/vit/"  # relative to feed.xml: works under a sub-path


def test_empty_knowledge_base_gives_a_valid_feed_and_output_is_stable():
    root = _parse(render_feed(KnowledgeBase(), None))
    assert root.tag == f"{A}feed" and root.findall(f"{A}entry") == []
    assert render_feed(_kb(), None) == render_feed(_kb(), None)


def test_first_paragraph_skips_headings_comments_and_markup():
    assert first_paragraph("# T\n\n```\ncode\n```\n\nSee [the paper](https://x) and `f(x)`.") == \
        "See the paper and f(x)."
    assert first_paragraph("") == ""
    assert first_paragraph("word " * 200, limit=20).endswith("…")


def test_docstring_examples_of_the_module():
    import doctest

    import kbgen.output.feed

    result = doctest.testmod(kbgen.output.feed)
    assert result.failed == 0 and result.attempted > 0
