"""Rendered pages: golden Markdown of a small fixture, escaping, links and page contracts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from kbgen.app.sitebuild import read_templates
from kbgen.core.kb import KnowledgeBase
from kbgen.core.models import Concept, Paper, ReadingPath, Summary, Topic
from kbgen.graph import build_graph
from kbgen.output.mermaid import mermaid_label
from kbgen.site.escaping import escape_code_block, escape_markdown, escape_url, safe_url
from kbgen.site.links import split_title
from kbgen.site.renderer import SiteOptions, SiteRenderer
from kbgen.site.urls import page_uri, relative_link
from tests.kbload import load_kb

from .conftest import GOLDEN, check_golden

FIXTURE = Path(__file__).parent / "fixtures" / "site-kb"
OPTIONS = SiteOptions(session_start=dt.date(2026, 1, 5))
EVIL = "<script>alert(1)</script> *b* [l](javascript:x) | `c` {: .x } # h & <img src=x>"


@pytest.fixture(scope="module")
def fixture_renderer() -> SiteRenderer:
    kb, diags = load_kb(FIXTURE)
    assert not [d for d in diags if d.is_error], diags
    return SiteRenderer(kb, build_graph(kb), OPTIONS, templates=read_templates())


@pytest.fixture(scope="module")
def fixture_site(fixture_renderer) -> dict[str, str]:
    return fixture_renderer.render_site()


@pytest.fixture(scope="module")
def evil_site() -> dict[str, str]:
    """A knowledge base that skipped validation: every value is hostile."""
    kb = KnowledgeBase(
        papers={
            "p1": Paper(id="p1", title=EVIL, authors=[EVIL], venue=EVIL, abstract=EVIL, year=2020,
                        topics=["t"], url="https://example.org/a(b)"),
            "p2": Paper(id="p2", title="Second " + EVIL, year=2021, cites=["p1"], prerequisites=["p1", "c"],
                        topics=["t"]),
        },
        concepts={"c": Concept(id="c", title=EVIL, topics=["t"], contributors=[EVIL])},
        summaries={"p1": Summary(id="p1", title=EVIL, paper="p1")},
        topics={"t": Topic(id="t", name=EVIL, description=EVIL)},
        paths={"evil": ReadingPath(id="evil", title=EVIL, description=EVIL, steps=["p1", "c", "p2"])},
    )
    return SiteRenderer(kb, build_graph(kb), OPTIONS, templates=read_templates()).render_site()


# -- golden pages --------------------------------------------------------------


@pytest.mark.parametrize("uri, golden", [
    ("papers/alpha.md", "paper-alpha.md"),
    ("topics/vision.md", "topic-vision.md"),
    ("paths/basics.md", "path-basics.md"),
    ("topics/ml/path.md", "topic-path-ml.md"),
    ("papers/index.md", "papers-index.md"),
])
def test_golden_pages(fixture_site, uri, golden):
    check_golden(GOLDEN / "pages" / golden, fixture_site[uri])


def test_golden_decorated_summary(fixture_renderer):
    body = "No heading in this one: the generated header adds the title.\n"
    check_golden(GOLDEN / "pages" / "summary-beta.md", fixture_renderer.decorate("summaries/beta.md", body))


def test_every_generated_page_and_file_is_there(fixture_site):
    expected = {"papers/index.md", "topics/index.md", "paths/index.md", "graph.md", "kb.json",
                "references.bib", "concepts/index.md", "stories/index.md", "resources/index.md",
                "summaries/index.md", "paths/basics.md", "paths/basics.bib", "paths/basics.ics"}
    expected |= {f"papers/{p}.md" for p in ("alpha", "beta", "gamma", "delta")}
    expected |= {"topics/ml.md", "topics/vision.md", "topics/ml/path.md", "topics/ml/path.bib",
                 "topics/ml/path.ics", "topics/vision/path.md"}
    assert expected <= set(fixture_site)


# -- contracts with kbgen.js ---------------------------------------------------


def test_path_page_has_the_checklist_markup(fixture_site):
    page = fixture_site["paths/basics.md"]
    assert '<div class="kb-progress" data-kb-progress=""></div>' in page
    assert '<ol class="kb-checklist">' in page
    steps = re.findall(r'<li class="kb-step" data-id="([^"]*)" data-minutes="(\d+)" data-prereqs="([^"]*)"', page)
    assert [s[0] for s in steps] == ["alpha", "beta", "conc", "gamma"]
    prereqs = {s[0]: s[2].split() for s in steps}
    assert prereqs["beta"] == ["alpha"] and prereqs["gamma"] == ["beta", "conc"]
    assert page.count('<input type="checkbox" class="kb-tick" aria-label="Mark ') == 4


def test_graph_and_lineage_markup(fixture_site):
    assert '<div id="kb-graph-app"' in fixture_site["graph.md"] and "cytoscape" not in fixture_site["graph.md"]
    assert '<div class="kb-lineage" data-topic="ml"></div>' in fixture_site["topics/ml.md"]


def test_mark_as_read_button_on_paper_and_contributed_pages(fixture_site, fixture_renderer):
    assert 'class="kb-known md-button" data-id="alpha" type="button"' in fixture_site["papers/alpha.md"]
    decorated = fixture_renderer.decorate("concepts/conc.md", "# A concept\n\nText.\n")
    assert 'class="kb-known md-button" data-id="conc" type="button"' in decorated
    assert decorated.index("# A concept") < decorated.index("kb-meta") < decorated.index("Text.")
    assert "## Read first" in decorated and '<a href="../../papers/beta/">Beta builds on Alpha</a>' in decorated


def test_paper_pages_are_boosted_and_boilerplate_left_out_of_search(fixture_site, fixture_renderer):
    page = fixture_site["papers/beta.md"]
    assert page.startswith("---\ntitle: ") and "search:\n  boost: 2\n" in page
    for heading in ("In reading paths", "Connections", "Related"):
        assert re.search(rf"^## {heading} \{{ #[a-z-]+ data-search-exclude=\"\" \}}$", page, re.M), heading
    assert '<details class="kb-cite" data-search-exclude="">' in page  # the BibTeX
    html = fixture_renderer.render_page("papers/beta.md")  # as the plugin hands it to MkDocs
    assert html.meta == {"title": "Beta builds on Alpha", "search": {"boost": 2}}
    for heading in ("In reading paths", "Connections", "Related"):
        assert re.search(rf'<h2 data-search-exclude="" id="[a-z-]+">{heading}<a class="headerlink"', html.body)
    assert "Connections" in [t["name"] for t in html.toc[0]["children"]]


def test_kb_json_is_the_graph(fixture_site, fixture_renderer):
    data = json.loads(fixture_site["kb.json"])
    assert {n["id"] for n in data["nodes"]} == set(fixture_renderer.graph.graph.nodes)


def test_undecorated_pages_are_left_alone(fixture_renderer):
    assert fixture_renderer.decorate("contributing.md", "# Hi\n") is None
    assert fixture_renderer.decorate("concepts/unknown.md", "# Hi\n") is None
    assert fixture_renderer.decorate("concepts/sub/conc.md", "# Hi\n") is None


def test_home_additions_go_to_the_marker(fixture_renderer):
    home = fixture_renderer.render_home("# Home\n\nWelcome.\n\n<!-- kbgen:home -->\n\n## More\n")
    assert "<!-- kbgen:home -->" not in home
    assert home.index("Welcome.") < home.index("## In this knowledge base") < home.index("## More")
    assert '<a href="papers/"><strong>4</strong> papers</a>' in home
    assert '<a href="summaries/beta/">Summary: Beta</a>' in home and '<a href="paths/basics/">The basics</a>' in home
    # Without a marker: before the first section.
    home = fixture_renderer.render_home("# Home\n\nWelcome.\n\n## More\n")
    assert home.index("Welcome.") < home.index("## In this knowledge base") < home.index("## More")


# -- escaping -------------------------------------------------------------------


def test_hostile_values_never_reach_a_page_as_markup(evil_site):
    for uri, text in evil_site.items():
        if not uri.endswith(".md"):
            continue
        body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text  # front matter is YAML text
        outside_code = re.sub(r'<div class="highlight"><pre>.*?</pre></div>', "", body, flags=re.S)
        outside_code = outside_code.replace(
            '<script src="../assets/kbgen/vendor/cytoscape/cytoscape.min.js"></script>', "")  # our own
        assert "<script" not in outside_code, uri
        assert "<img" not in outside_code, uri
        assert "javascript:" not in outside_code.replace("&#40;javascript:x&#41;", ""), uri
        assert "{: .x }" not in outside_code, uri


def test_only_http_links_are_emitted():
    assert safe_url("https://a.org/x") == "https://a.org/x"
    for bad in ("javascript:alert(1)", "data:text/html,x", "ftp://a.org", " vbscript:x", "//evil.org", ""):
        assert safe_url(bad) is None
        assert str(escape_url(bad)) == ""
    assert str(escape_url('https://a.org/x")onclick="y')) == "https://a.org/x%22%29onclick=%22y"


@pytest.mark.parametrize("text", [EVIL, "1. list", "- item", "+ plus", "> quote", "a\n\n# heading", "x|y", "$x$"])
def test_escaped_markdown_renders_as_the_same_text(text):
    import html

    import markdown

    rendered = markdown.markdown(str(escape_markdown(text)), extensions=["tables", "attr_list"])
    plain = html.unescape(re.sub(r"</?p>", "", rendered))
    assert plain == " ".join(text.split())


def test_code_blocks_cannot_be_closed_early():
    assert "\n```" not in escape_code_block("a\n```\nb")


def test_mermaid_labels_cannot_break_out():
    label = mermaid_label('a"] --> x["b <script>', 2020)
    assert '"' not in label and "<" not in label and "]" not in label


def test_links_between_pages_are_relative_md_links():
    assert page_uri("topic-path", "ml") == "topics/ml/path.md"
    assert relative_link("topics/ml/path.md", "papers/a.md") == "../../papers/a.md"
    assert split_title("# T\nbody") == ("T", "body")


def test_doctests():
    import doctest

    import kbgen.site.escaping
    import kbgen.site.renderer

    for module in (kbgen.site.renderer, kbgen.site.escaping):
        assert doctest.testmod(module).failed == 0


def test_topic_paths_are_the_focused_paths_to_their_key_entries(fixture_renderer):
    from kbgen.reading.topicpath import plan_topic_path

    for topic_id in ("ml", "vision"):
        plan = fixture_renderer.topic_plan(topic_id)
        assert plan == plan_topic_path(fixture_renderer.graph, topic_id)
        rank = fixture_renderer.graph.rank
        assert [rank[s.id] for s in plan.steps] == sorted(rank[s.id] for s in plan.steps)
