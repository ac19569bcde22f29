"""The front end as a reader meets it: readable diagrams, a usable graph, keyboard checklists, small pages, file://.

Every page is opened through the conftest's ``page``/``open_page``, so a
request that leaves 127.0.0.1, a page error or a console error fails the test.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kbgen.graph import build_graph
from kbgen.site.data import render_data_files
from tests.synthetic import synthetic_kb

from .conftest import REPO, build_site, open_page, screenshot, serve, wait_for_graph

MIN_TEXT_PX = 11
VIT_TITLE = "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale"
DIAGRAM_PAGES = ["papers/vit/", "paths/classic-cnns/", "paths/attention-to-vit/", "topics/computer-vision/",
                 "topics/deep-learning/"]

# The on-screen size of every piece of text in Mermaid diagrams (inside their shadow roots, which the
# conftest opens) and in lineage timelines: font size times the scale the SVG is drawn at.
TEXT_SIZES = """() => {
  const out = [];
  function scale(el) {
    const g = el.closest("foreignObject") || (el instanceof SVGGraphicsElement ? el : el.closest("svg"));
    const m = g && g.getScreenCTM ? g.getScreenCTM() : null;
    return m ? Math.hypot(m.a, m.b) : 1;
  }
  function visit(root, where) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const el = t.parentElement;
      if (!t.nodeValue.trim() || !el || el.closest("style, title, desc")) continue;
      const box = el.getBoundingClientRect();
      if (!box.width || !box.height) continue;
      out.push({where, text: t.nodeValue.trim().slice(0, 40), px: parseFloat(getComputedStyle(el).fontSize) * scale(el)});
    }
  }
  document.querySelectorAll("div.mermaid").forEach((d, i) => d.shadowRoot && visit(d.shadowRoot, "diagram " + i));
  document.querySelectorAll("svg.kb-lineage__svg").forEach((s, i) => visit(s, "timeline " + i));
  return out;
}"""


def wait_for_pictures(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("""() => [...document.querySelectorAll('pre.mermaid')].length === 0 &&
        [...document.querySelectorAll('.kb-lineage')].every(d => d.querySelector('svg'))""", timeout=20_000)
    page.wait_for_timeout(200)


# --- what a reader sees ----------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path, name", [("papers/vit/", "vit"), ("paths/classic-cnns/", "path"),
                                        ("topics/computer-vision/", "topic"), ("graph/", "graph")])
def test_screenshots_of_reader_pages(browser, problems, base_url, path: str, name: str, width: int) -> None:
    context, page = open_page(browser, problems, width=width)
    try:
        page.goto(base_url + path)
        wait_for_pictures(page)
        if name == "graph":
            wait_for_graph(page)
        screenshot(page, f"page-{name}-{width}", full_page=True)
    finally:
        context.close()
    problems.assert_clean()


# --- diagrams ------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", DIAGRAM_PAGES)
def test_diagram_and_timeline_text_is_at_least_11px(browser, problems, base_url, path: str, width: int) -> None:
    context, page = open_page(browser, problems, width=width)
    try:
        page.goto(base_url + path)
        wait_for_pictures(page)
        sizes = page.evaluate(TEXT_SIZES)
        assert sizes, "no diagram or timeline text found"
        small = [s for s in sizes if s["px"] < MIN_TEXT_PX - 0.05]
        assert not small, f"text below {MIN_TEXT_PX} px on {path} at {width} px: {small[:5]}"
        if width == 390:
            screenshot(page, f"diagram-{path.strip('/').replace('/', '-')}-390")
    finally:
        context.close()
    problems.assert_clean()


def test_wide_diagrams_scroll_inside_their_box_and_take_a_tab_stop(browser, problems, base_url) -> None:
    context, page = open_page(browser, problems, width=390)
    try:
        page.goto(base_url + "paths/classic-cnns/")
        wait_for_pictures(page)
        box = page.locator("div.mermaid").first
        expect(box).to_have_attribute("tabindex", "0")
        sizes = box.evaluate("b => [b.scrollWidth, b.clientWidth, document.documentElement.scrollWidth]")
        assert sizes[0] > sizes[1] and sizes[2] <= 390, sizes  # the box scrolls, not the page
        start = box.evaluate("b => b.scrollLeft")
        box.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => document.querySelector('div.mermaid').scrollLeft > {start}")
    finally:
        context.close()
    problems.assert_clean()


@pytest.fixture(scope="module", params=[True, False], ids=["directory-urls", "html-urls"])
def linked_diagram_site(tmp_path_factory, request) -> str:
    """A small knowledge base whose concept page has a Mermaid diagram with `click ... href` links.

    The link is written for directory URLs; without them (an offline copy) the script rewrites it.
    """
    root = tmp_path_factory.mktemp("diagram-links")
    (root / "content" / "concepts").mkdir(parents=True)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    # The example's nav lists pages this site does not have; the plugin's default nav fits it.
    config = re.sub(r"^nav:\n(?:  .*\n)+", "", config, flags=re.M)
    config = config.replace("use_directory_urls: true", f"use_directory_urls: {str(request.param).lower()}")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (root / "papers.yaml").write_text("papers:\n  - id: alpha\n    title: Alpha\n    year: 2020\n")
    (root / "content" / "index.md").write_text("# Home\n")
    (root / "content" / "concepts" / "beta.md").write_text(
        "---\ntitle: Beta\n---\n\n```mermaid\nflowchart LR\n  a[\"Alpha\"] --> b[\"Beta\"]\n"
        "  click a href \"../../papers/alpha/\" \"Open Alpha\"\n```\n")
    build_site(root, root / "site")
    url, server = serve(root / "site")
    yield url, request.param
    server.shutdown()


def test_diagram_nodes_link_to_their_pages(page, linked_diagram_site) -> None:
    url, directory_urls = linked_diagram_site
    page.goto(url + ("concepts/beta/" if directory_urls else "concepts/beta.html"))
    page.wait_for_function("() => document.querySelector('div.mermaid')?.shadowRoot?.querySelector('a')")
    link = page.locator("div.mermaid a").first
    link.click()
    expect(page).to_have_url(re.compile(r"/papers/alpha/$" if directory_urls else r"/papers/alpha\.html$"))
    expect(page.locator("h1")).to_contain_text("Alpha")


def test_every_diagram_link_on_the_example_opens_a_page(page, base_url) -> None:
    for path in ("papers/vit/", "paths/attention-to-vit/"):
        page.goto(base_url + path)
        wait_for_pictures(page)
        hrefs = page.evaluate("""() => [...document.querySelectorAll('div.mermaid')].flatMap(d =>
            [...d.shadowRoot.querySelectorAll('a')].map(a => new URL(a.getAttribute('href') ||
            a.getAttribute('xlink:href'), location.href).href))""")
        for href in hrefs:
            assert page.request.get(href).status == 200, href


# --- the graph explorer ------------------------------------------------------------


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of labels whose text overlaps (cytoscape's boxes carry about 6.5 px of outline a side;
    outlines may touch, text may not: 3 px a side count as outline here)."""
    found = []
    m = 3 + 1
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["x1"] + m < b["x2"] - m and b["x1"] + m < a["x2"] - m and a["y1"] + m < b["y2"] - m \
                    and b["y1"] + m < a["y2"] - m:
                found.append((a["label"], b["label"]))
    return found


@pytest.mark.parametrize("width", [1280, 390])
def test_graph_labels_are_short_names_that_do_not_overlap(browser, problems, base_url, width: int) -> None:
    context, page = open_page(browser, problems, width=width)
    try:
        page.goto(base_url + "graph/")
        wait_for_graph(page)
        boxes = page.evaluate("window.kbgenGraph.labelBoxes()")
        assert len(boxes) >= (20 if width == 1280 else 8)
        assert overlaps(boxes) == []
        shorts = page.evaluate("""() => Object.fromEntries([...window.kbgenGraph.model.byId.values()]
            .filter(n => n.short).map(n => [n.id, n.short]))""")
        assert all(b["label"] == shorts[b["id"]] for b in boxes if b["id"] in shorts)
        assert {"ViT", "BERT", "ResNet"} <= {b["label"] for b in boxes} or width == 390
        screenshot(page, f"graph-{width}")
        # Zooming in shows more names, still without overlap.
        page.evaluate("window.kbgenGraph.cy.zoom({level: window.kbgenGraph.cy.zoom() * 2.5, "
                      "renderedPosition: {x: 300, y: 300}})")
        page.wait_for_timeout(400)
        zoomed = page.evaluate("window.kbgenGraph.labelBoxes()")
        assert overlaps(zoomed) == []
        assert page.evaluate("window.kbgenGraph.cy.nodes('.kb-labelled').length") > 0
    finally:
        context.close()
    problems.assert_clean()


def test_graph_sizes_papers_by_importance_among_papers(page, base_url) -> None:
    page.goto(base_url + "graph/")
    wait_for_graph(page)
    sizes = page.evaluate("""() => Object.fromEntries(window.kbgenGraph.cy.nodes().map(n =>
        [n.id(), [n.data('kind'), n.data('size')]]))""")
    papers = sorted((s for k, s in sizes.values() if k == "paper"), reverse=True)
    assert sizes["calculus-cheat-sheet"][1] < papers[len(papers) // 2]  # no longer the second-largest
    assert sizes["resnet"][1] == papers[0]  # the paper most papers of the knowledge base build on


def test_graph_keeps_isolated_nodes_out_of_the_way(page, base_url) -> None:
    page.goto(base_url + "graph/")
    wait_for_graph(page)
    placed = page.evaluate("""() => { const cy = window.kbgenGraph.cy;
        const linked = cy.nodes().filter(n => n.degree() > 0), alone = cy.nodes().filter(n => n.degree() === 0);
        return {bottom: linked.boundingBox({includeLabels: false}).y2, alone: alone.map(n => n.position('y'))}; }""")
    assert placed["alone"] and min(placed["alone"]) > placed["bottom"]


@pytest.mark.parametrize("typed", ["vit", "ViT", "vision transformer", VIT_TITLE, VIT_TITLE.upper() + "!",
                                   "ViT \u2014 " + VIT_TITLE])
def test_graph_entry_box_finds_ids_short_names_aliases_and_titles(page, base_url, typed: str) -> None:
    page.goto(base_url + "graph/")
    wait_for_graph(page)
    box = page.locator("input[data-kb-focus]")
    box.fill(typed)
    box.press("Enter")
    page.wait_for_function("window.kbgenGraph.cy.nodes('.kb-center').map(n => n.id()).join() === 'vit'")
    expect(box).to_have_attribute("aria-invalid", "false")
    expect(page.locator(".kb-graph__status")).to_contain_text("ViT")
    assert page.evaluate("window.kbgenGraph.visibleCount()") > 5  # ViT and what surrounds it


def test_graph_entry_box_says_when_nothing_matches(page, base_url) -> None:
    page.goto(base_url + "graph/")
    wait_for_graph(page)
    before = page.evaluate("window.kbgenGraph.visibleCount()")
    box = page.locator("input[data-kb-focus]")
    box.fill("no such paper")
    box.press("Enter")
    expect(page.locator(".kb-graph__status")).to_contain_text("No entry is called")
    expect(box).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("window.kbgenGraph.visibleCount()") == before
    page.locator(".kb-graph__clear").click()
    expect(page.locator(".kb-graph__status")).to_have_text("")


def test_graph_entry_box_suggests_names(page, base_url) -> None:
    page.goto(base_url + "graph/")
    wait_for_graph(page)
    page.locator("input[data-kb-focus]").press_sequentially("resn", delay=30)
    options = page.locator("datalist option")
    expect(options.first).to_be_attached()
    assert any(v.startswith("ResNet") for v in options.evaluate_all("os => os.map(o => o.value)"))


# --- checklists ------------------------------------------------------------------


def test_checklist_takes_one_tab_stop_per_step_and_shows_focus(page, base_url) -> None:
    page.goto(base_url + "paths/attention-to-vit/")
    page.wait_for_selector("ol.kb-checklist[data-kb-keys]")
    steps = page.locator("li.kb-step").count()
    stops = page.evaluate("""() => [...document.querySelectorAll('ol.kb-checklist a[href], ol.kb-checklist input')]
        .filter(e => e.tabIndex >= 0).length""")
    assert stops == steps
    first = page.locator("li.kb-step input.kb-tick").first
    first.focus()
    page.keyboard.press("Tab")  # from step 1 straight to step 2
    assert page.evaluate("document.activeElement.closest('li.kb-step') === document.querySelectorAll('li.kb-step')[1]")
    assert page.evaluate("document.activeElement.classList.contains('kb-tick')")
    ring = page.evaluate("(() => { const s = getComputedStyle(document.activeElement); "
                         "return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
    assert ring[0] != "none" and ring[1] >= 2, ring
    page.keyboard.press("ArrowRight")  # the step's title link
    assert page.evaluate("document.activeElement.tagName") == "A"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowDown")
    third = page.locator("li.kb-step").nth(2)
    assert page.evaluate("document.activeElement.closest('li.kb-step') === document.querySelectorAll('li.kb-step')[2]")
    page.keyboard.press("Space")
    expect(third.locator("input.kb-tick")).to_be_checked()
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.closest('li.kb-step') === [...document.querySelectorAll('li.kb-step')].pop()")
    page.keyboard.press("Home")
    expect(first).to_be_focused()


# --- what pages download ------------------------------------------------------------


@pytest.mark.parametrize("path, wants, refuses", [
    ("", [], ["mermaid.min.js", "cytoscape", "kb.json", "katex", "js/graph"]),
    ("papers/vit/", ["mermaid.min.js", "js/reading.js"], ["cytoscape", "kb.json", "overview.js"]),
    ("paths/attention-to-vit/", ["mermaid.min.js", "js/reading.js"], ["cytoscape", "kb.json"]),
    ("topics/transformers/", ["topics/transformers/lineage.js", "js/lineage.js"], ["kb.json", "cytoscape", "mermaid"]),
    ("graph/", ["cytoscape.min.js", "graph/overview.js"], ["kb.json", "mermaid", "katex"]),
], ids=["home", "paper", "path", "topic", "graph"])
def test_pages_load_only_what_they_use(page, base_url, path: str, wants: list[str], refuses: list[str]) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    for name in wants:
        assert any(name in url for url in requested), f"{path} did not load {name}"
    for name in refuses:
        assert not any(name in url for url in requested), f"{path} loaded {name}"
    assert all(url.startswith(base_url) or url.startswith(("data:", "blob:")) for url in requested)


# --- from disk -------------------------------------------------------------------


def test_checklists_graph_lineage_and_diagrams_work_over_file_urls(browser, problems, example_site: Path) -> None:
    context, page = open_page(browser, problems)
    root = example_site.resolve().as_uri() + "/"
    try:
        page.goto(root + "paths/attention-to-vit/index.html")
        page.wait_for_selector("li.kb-step.kb-next")
        page.locator("li.kb-step input.kb-tick").first.check()
        page.reload()
        expect(page.locator("li.kb-step input.kb-tick").first).to_be_checked()
        page.wait_for_function("() => document.querySelector('div.mermaid')?.shadowRoot?.querySelector('svg')")
        page.goto(root + "graph/index.html")
        wait_for_graph(page)
        page.goto(root + "topics/transformers/index.html")
        expect(page.locator("svg.kb-lineage__svg")).to_be_visible(timeout=10_000)
    finally:
        context.close()
    # Material's search needs its offline plugin over file:// (not kbgen's scripts).
    problems.errors = [e for e in problems.errors if "search" not in e and "ERR_FILE_NOT_FOUND" not in e]
    problems.assert_clean()


@pytest.fixture(scope="module")
def flat_site(tmp_path_factory) -> Path:
    """The example built without directory URLs (graph.html, papers/vit.html), as an offline copy is."""
    from .conftest import copy_example

    root = copy_example(tmp_path_factory.mktemp("flat") / "kb")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("use_directory_urls: true", "use_directory_urls: false"))
    build_site(root, root / "site")
    return root / "site"


def test_links_made_by_the_scripts_work_without_directory_urls(browser, problems, flat_site: Path) -> None:
    context, page = open_page(browser, problems)
    root = flat_site.resolve().as_uri() + "/"
    try:
        page.goto(root + "graph.html")
        wait_for_graph(page)
        hrefs = page.evaluate("[...document.querySelectorAll('.kb-graph__list a')].map(a => a.href)")
        page.goto(root + "topics/transformers.html")
        page.wait_for_selector("svg.kb-lineage__svg")
        hrefs += page.evaluate("""[...document.querySelectorAll('a.kb-lineage__paper')]
            .map(a => new URL(a.getAttribute('href'), location.href).href)""")
    finally:
        context.close()
    problems.errors = [e for e in problems.errors if "search" not in e and "ERR_FILE_NOT_FOUND" not in e]
    problems.assert_clean()
    assert len(hrefs) > 100
    missing = [h for h in hrefs if not h.endswith(".html") or not Path(h[len("file://"):]).is_file()]
    assert missing == []


# --- a graph larger than its overview --------------------------------------------


@pytest.fixture(scope="module")
def large_graph_site(example_site: Path, tmp_path_factory):
    """The example site with the graph data of 1,100 synthetic papers: an overview of 1,000, the rest on demand."""
    site = tmp_path_factory.mktemp("large-graph") / "site"
    shutil.copytree(example_site, site)
    kb = synthetic_kb(1100)
    graph = build_graph(kb)
    for uri, text in render_data_files(kb, graph).items():
        if uri.startswith("graph/"):
            (site / uri).parent.mkdir(parents=True, exist_ok=True)
            (site / uri).write_text(text, encoding="utf-8")
    order = sorted(kb.entity_ids(), key=lambda n: (-graph.importance.get(n, 0.0), n))
    outside = next(n for n in order[1000:] if kb.papers[n].aliases)
    url, server = serve(site)
    yield url, outside, kb.papers[outside].aliases[0]
    server.shutdown()


def test_a_graph_larger_than_its_overview(page, large_graph_site) -> None:
    url, outside, alias = large_graph_site
    page.goto(url + "graph/")
    wait_for_graph(page)
    assert page.evaluate("window.kbgenGraph.visibleCount()") == 150
    page.select_option("select[data-kb-cap]", "all")
    page.wait_for_function("window.kbgenGraph.visibleCount() === 1000", timeout=20_000)
    assert overlaps(page.evaluate("window.kbgenGraph.labelBoxes()")) == []
    # An entry outside the overview is found by its alias, and its neighbourhood is read on demand.
    assert page.evaluate(f"window.kbgenGraph.model.byId.has('{outside}')") is False
    box = page.locator("input[data-kb-focus]")
    box.fill(alias)
    box.press("Enter")
    page.wait_for_function(f"window.kbgenGraph.cy.nodes('.kb-center').map(n => n.id()).join() === '{outside}'")
    assert page.evaluate("window.kbgenGraph.visibleCount()") > 1
    box.fill("nothing of that name")
    box.press("Enter")
    expect(page.locator(".kb-graph__status")).to_contain_text("No entry is called")
