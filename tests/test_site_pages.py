"""The reader's side of the pages (issue 13): short names, one Connections list, links out, paths, diagrams.

Small literal knowledge bases rendered in memory; the built example site is
checked in test_site.py and in Chromium (tests/browser/test_reader_pages.py).
"""

from __future__ import annotations

import datetime as dt
import re

import networkx as nx
import pytest

from kbgen.app.sitebuild import read_templates
from kbgen.core.kb import KnowledgeBase
from kbgen.core.models import Concept, Paper, ReadingPath, Summary, Topic
from kbgen.graph import build_graph
from kbgen.output.mermaid import iter_labels, mermaid_id, path_chart
from kbgen.output.planformats import format_mermaid
from kbgen.reading.paths import plan_path
from kbgen.site.renderer import SiteOptions, SiteRenderer, default_session_start
from kbgen.site.urls import PAPER_SEARCH_LABEL, url_between

START = dt.date(2026, 1, 5)


def make_kb() -> KnowledgeBase:
    return KnowledgeBase(
        papers={
            "tf": Paper(id="tf", title="Attention Is All You Need", year=2017, short="Transformer",
                        arxiv="1706.03762", prerequisites=["attn"], topics=["t"]),
            "resnet": Paper(id="resnet", title="Deep Residual Learning for Image Recognition", year=2015,
                            short="ResNet", doi="10.1109/CVPR.2016.90", topics=["v"]),
            "vit": Paper(id="vit", title="An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
                         year=2020, short="ViT", aliases=["Vision Transformer"], url="https://example.org/vit",
                         cites=["tf", "resnet"], prerequisites=["tf", "resnet", "attn"], topics=["v", "t"]),
            "deit": Paper(id="deit", title="Training data-efficient image transformers", year=2020, short="DeiT",
                          cites=["vit", "resnet"], prerequisites=["vit"], topics=["v"]),
            "swin": Paper(id="swin", title="Swin Transformer: Hierarchical Vision Transformer", year=2021,
                          short="Swin", cites=["vit"], topics=["v"]),
            "old": Paper(id="old", title="A paper with no link at all", year=1990),
        },
        concepts={"attn": Concept(id="attn", title="Self-attention", short="SA", topics=["t"])},
        summaries={"vit": Summary(id="vit", title="Summary: ViT", paper="vit", date=dt.date(2026, 3, 4))},
        topics={"t": Topic(id="t", name="Transformers"), "v": Topic(id="v", name="Vision", parent="t")},
        paths={"to-vit": ReadingPath(id="to-vit", title="To ViT", steps=["attn", "tf", "resnet", "vit"])},
    )


@pytest.fixture(scope="module")
def renderer() -> SiteRenderer:
    kb = make_kb()
    return SiteRenderer(kb, build_graph(kb), SiteOptions(session_start=START), templates=read_templates())


@pytest.fixture(scope="module")
def site(renderer) -> dict[str, str]:
    return renderer.render_site()


@pytest.fixture(scope="module")
def pages(renderer) -> dict[str, str]:
    """Every generated page's HTML, as the plugin hands it to MkDocs."""
    return {uri: renderer.render_page(uri).body for uri, (is_page, _, _) in renderer.site_files().items() if is_page}


def section(page: str, anchor: str) -> str:
    """The HTML of one ``<h2 ... id="anchor">`` section, up to the next ``<h2``."""
    start = page.index(f'id="{anchor}">')
    end = page.find("<h2", start)
    return page[start: end if end >= 0 else len(page)]


#: A list item: its link's href, its text and what follows the link.
ITEM = re.compile(r'^<li><a href="([^"]*)">([^<]*)</a>(.*)</li>$', re.M)


# -- the paper page ---------------------------------------------------------------


def test_connections_list_every_entry_once_with_all_its_relations(pages):
    block = section(pages["papers/vit.md"], "connections")
    targets = [href for href, _, _ in ITEM.findall(block)]
    assert len(targets) == len(set(targets)) == 5  # tf, resnet, attn, deit, swin
    rows = {href: re.search(r"— <em>([^<]*)</em>$", rest).group(1) for href, _, rest in ITEM.findall(block)}
    assert rows["../resnet/"] == "read first, cited here"
    assert rows["../deit/"] == "cites this, builds on this"
    assert rows["../swin/"] == "cites this"
    assert rows["../../concepts/attn/"] == "read first"
    # What to read first comes first, then what builds on the paper.
    assert targets.index("../deit/") > max(targets.index(t) for t in ("../tf/", "../resnet/", "../../concepts/attn/"))
    assert targets.index("../deit/") < targets.index("../swin/")


def test_long_connection_lists_show_the_first_few_and_the_rest_behind_details(renderer, monkeypatch):
    import kbgen.site.paper_pages as paper_pages

    monkeypatch.setattr(paper_pages, "CONNECTIONS_SHOWN", 2)
    block = section(renderer.render_page("papers/vit.md").body, "connections")
    shown, _, hidden = block.partition('<details class="kb-more">')
    assert len(ITEM.findall(shown)) == 2
    assert "<summary>Show all 5 connections (3 more)</summary>" in hidden
    assert len(ITEM.findall(hidden)) == 3


def test_there_are_no_separate_cites_and_cited_by_lists(site):
    page = site["papers/vit.md"]
    for gone in ("#cites ", "#cited-by ", "#builds-on-this ", "#read-first "):
        assert gone not in page


def test_short_names_label_lists_and_the_page_title(site, pages):
    assert site["papers/vit.md"].startswith('---\ntitle: "ViT — An Image is Worth 16x16 Words')
    page = pages["papers/vit.md"]
    assert '<a href="../resnet/">ResNet — Deep Residual Learning for Image Recognition</a>' in page
    # A title that names the short name already is not prefixed again.
    assert '<a href="../swin/">Swin Transformer: Hierarchical Vision Transformer</a>' in page
    assert "Known as <strong>ViT</strong>; also Vision Transformer" in page
    assert ">ViT — An Image is Worth 16x16 Words: Transformers" in pages["papers/index.md"]


def test_every_paper_links_out_and_one_without_a_link_gets_a_labelled_search(pages):
    for paper_id in make_kb().papers:
        links = re.search(r'^<p class="kb-meta__links"[^>]*>(.*)</p>$', pages[f"papers/{paper_id}.md"], re.M)
        assert links and 'href="https://' in links.group(1), paper_id
    old = pages["papers/old.md"]
    assert ('<a class="md-button" href="https://www.semanticscholar.org/search?q=A%20paper%20with%20no%20link%20at%20all">'
            f"{PAPER_SEARCH_LABEL}</a>") in old
    assert PAPER_SEARCH_LABEL not in pages["papers/vit.md"]


def test_cite_near_the_top_holds_the_bibtex(pages):
    page = pages["papers/vit.md"]
    cite = page.index('<details class="kb-cite"')
    assert cite < page.index('id="connections"')
    assert "<summary>Cite this paper (BibTeX)</summary>" in page
    # Highlighted as Python-Markdown's code fence did (Material's copy button finds the <code>).
    assert '<div class="highlight"><pre><span></span><code><span class="nc">@' in page[cite:]


def test_in_reading_paths_names_curated_and_topic_paths_with_the_step(pages):
    block = section(pages["papers/vit.md"], "in-reading-paths")
    assert '<li><a href="../../paths/to-vit/">To ViT</a> — step 4 of 4</li>' in block
    assert '<a href="../../topics/t/path/">Reading path: Transformers</a> — step' in block
    assert '<a href="../../topics/v/path/">Reading path: Vision</a> — step' in block
    assert block.index("To ViT") < block.index("Reading path:")  # curated first
    # Concepts say it too, in their footer.
    assert '<a href="../../paths/to-vit/">To ViT</a> — step 1 of 4' in site_renderer_footer(make_kb(), "attn")


def site_renderer_footer(kb, concept_id: str) -> str:
    renderer = SiteRenderer(kb, build_graph(kb), SiteOptions(session_start=START), templates=read_templates())
    return renderer.decorate(f"concepts/{concept_id}.md", "# Self-attention\n\nText.\n")


def test_related_shows_titles_not_ids(pages):
    block = section(pages["papers/vit.md"], "related")
    assert ITEM.findall(block)
    for _, text, _ in ITEM.findall(block):
        assert text not in make_kb().papers  # a title, never the id


# -- breadcrumbs ----------------------------------------------------------------------


@pytest.mark.parametrize("uri, crumbs", [
    ("papers/vit.md", ['<a href="../">Papers</a>', ">ViT<"]),
    ("topics/v.md", ['<a href="../">Topics</a>', '<a href="../t/">Transformers</a>', ">Vision<"]),
    ("topics/v/path.md", ['<a href="../../">Topics</a>', '<a href="../../t/">Transformers</a>', '<a href="../">Vision</a>',
                          ">Reading path<"]),
    ("paths/to-vit.md", ['<a href="../">Reading paths</a>', ">To ViT<"]),
])
def test_generated_pages_have_a_breadcrumb(pages, uri, crumbs):
    nav = re.search(r'<nav aria-label="Breadcrumb" class="kb-breadcrumb"[^>]*>(.*?)</nav>', pages[uri], re.S).group(1)
    positions = [nav.index(c) for c in crumbs]
    assert positions == sorted(positions)
    assert nav.count('aria-current="page"') == 1


@pytest.mark.parametrize("kind, entity_id, section_link", [
    ("summary", "vit", '<a href="../">Summaries</a>'), ("concept", "attn", '<a href="../">Concepts</a>')])
def test_contributed_pages_have_a_breadcrumb_below_the_title(renderer, kind, entity_id, section_link):
    section_dir = {"summary": "summaries", "concept": "concepts"}[kind]
    page = renderer.decorate(f"{section_dir}/{entity_id}.md", "# Its title\n\nText.\n")
    # Below, not above: what comes before the h1 would be the page's own (empty) search entry.
    assert page.startswith("# Its title\n") and page.index(section_link) < page.index("Text.")


@pytest.mark.parametrize("uri", ["papers/vit.md", "topics/v.md", "topics/v/path.md", "paths/to-vit.md"])
def test_generated_pages_start_with_their_title(site, uri):
    body = site[uri].split("\n---\n", 1)[1].lstrip("\n")
    assert body.startswith("# ")


# -- diagrams -------------------------------------------------------------------------


def test_path_chart_is_format_mermaid_by_default():
    kb = make_kb()
    g = build_graph(kb)
    for target in kb.papers:
        for hard in (False, True):
            plan = plan_path(g, [target], hard_only=hard)
            assert path_chart(plan, g) == format_mermaid(plan, g)


def mermaid(page: str) -> str:
    """The text of a page's Mermaid diagram, as Mermaid reads it."""
    import html

    return html.unescape(page.split('<pre class="mermaid"><code>', 1)[1].split("</code></pre>", 1)[0])


def test_path_page_diagram_is_the_transitive_reduction_with_short_linked_nodes(pages, renderer):
    chart = mermaid(pages["paths/to-vit.md"])
    edges = set(re.findall(r"^\s+(n_\w+) -\.?-> (n_\w+)$", chart, re.M))
    plan = renderer.curated_plans["to-vit"]
    ids = [s.id for s in plan.steps]
    dag = nx.DiGraph([(u, v) for u in ids for v in renderer.graph.ordering.succ[u] if v in ids])
    assert edges == {(mermaid_id(u), mermaid_id(v)) for u, v in nx.transitive_reduction(dag).edges}
    assert ("n_tf", "n_vit") in edges and ("n_attn", "n_vit") not in edges  # attn -> tf -> vit says it
    assert list(iter_labels(chart)) == ["1. SA", "2. Transformer", "3. ResNet", "4. ViT"]
    assert 'click n_vit href "../../papers/vit/"' in chart
    assert 'click n_attn href "../../concepts/attn/"' in chart


def test_neighbourhood_diagram_uses_short_names_and_links(pages):
    chart = mermaid(pages["papers/vit.md"])
    labels = list(iter_labels(chart))
    assert labels[0] == "ViT (2020)" and "ResNet (2015)" in labels and "DeiT (2020)" in labels
    assert 'click n_resnet href "../resnet/"' in chart
    assert "n_vit --> n_deit" in chart and "n_resnet --> n_vit" in chart and "n_vit -.-> n_swin" in chart


def test_offline_urls_are_html_files():
    kb = make_kb()
    offline = SiteRenderer(kb, build_graph(kb), SiteOptions(session_start=START, directory_urls=False),
                           templates=read_templates()).render_site()
    assert 'click n_resnet href "resnet.html"' in offline["papers/vit.md"]
    assert '"url":"papers/vit.html"' in offline["kb.json"]
    assert '<div class="kb-lineage" data-topic="v"></div>' in offline["topics/v.md"]  # the script finds the site root itself
    assert url_between("topics/v/path.md", "papers/vit.md", False) == "../../papers/vit.html"


# -- path pages and calendars -----------------------------------------------------------


def test_path_steps_read_short_name_then_shortened_title(pages):
    page = pages["paths/to-vit.md"]
    assert '<a href="../../papers/vit/" title="An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale">' \
           "ViT — An Image is Worth 16x16 Words…</a>" in page
    assert 'read first for <a href="../../papers/vit/">ViT</a>' in page


def test_calendars_do_not_depend_on_the_build_date():
    kb = make_kb()
    # The newest date in the knowledge base is the summary's, 2026-03-04 (a Wednesday).
    assert default_session_start(kb) == dt.date(2026, 3, 9)
    assert SiteOptions().sessions_start(kb) == dt.date(2026, 3, 9)
    first = SiteRenderer(kb, build_graph(kb), SiteOptions(), templates=read_templates()).render_site()
    again = SiteRenderer(make_kb(), build_graph(make_kb()), SiteOptions(), templates=read_templates()).render_site()
    assert first["paths/to-vit.ics"] == again["paths/to-vit.ics"]
    assert "DTSTART;VALUE=DATE:20260309" in first["paths/to-vit.ics"]


def test_default_start_is_a_monday_after_every_date(renderer):
    for days in range(0, 30):
        newest = dt.date(2026, 1, 1) + dt.timedelta(days=days)
        kb = KnowledgeBase(summaries={"s": Summary(id="s", title="S", paper="p", date=newest)})
        start = default_session_start(kb)
        assert start.weekday() == 0 and 0 < (start - newest).days <= 7


def test_topic_pages_and_paths_show_the_topic_plan(renderer, site):
    plan = renderer.topic_plans["v"]
    assert f"A generated path through this topic: {len(plan.steps)} step" in site["topics/v.md"]
    steps = re.findall(r'<li class="kb-step" data-id="([^"]*)"', site["topics/v/path.md"])
    assert steps == [s.id for s in plan.steps]


def test_the_printed_advice_fits_the_kind_of_site(tmp_path):
    from kbgen.cli.commands.build import advice

    assert advice(tmp_path, offline=True).startswith(f"open {tmp_path / 'index.html'}")
    served = advice(tmp_path, offline=False)
    assert "kbgen serve" in served and "--offline" in served and "open " not in served.split(";")[0]
