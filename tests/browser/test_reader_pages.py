"""The example site as a reader meets it (issue 13): Connections, links out, orientation, the file:// build.

Uses the session's built example site (conftest) and builds one more copy
with ``kbgen build --offline`` for the file:// tests. Screenshots of the ViT
page, a path page and the graph at 1280 and 390 px go to test-artifacts/.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, OPEN_SHADOW_ROOTS, PageProblems, copy_example, open_page
from .test_accessibility import serious_violations

#: Papers whose Connections are long enough to need "Show all".
WELL_CONNECTED = ["vit", "resnet", "attention-is-all-you-need", "bert", "alexnet"]
#: Entity pages, the tab that must be marked, and the breadcrumb's section link.
ORIENTATION = [
    ("papers/vit/", "Papers"),
    ("summaries/vit/", "Summaries"),
    ("concepts/self-attention/", "Concepts"),
    ("resources/matrix-cookbook/", "Resources"),
    ("topics/transformers/", "Topics"),
    ("topics/deep-learning/path/", "Topics"),
    ("paths/classic-cnns/", "Reading paths"),
]
CHANGED_PAGES = ["papers/vit/", "paths/classic-cnns/", "topics/deep-learning/path/", "topics/computer-vision/",
                 "papers/", "concepts/self-attention/"]


def connection_links(page) -> list[str]:
    """The hrefs of every entry under the Connections heading, "Show all" included."""
    return page.evaluate("""() => {
        const out = [];
        let node = document.getElementById('connections').nextElementSibling;
        while (node && !/^H[12]$/.test(node.tagName)) {
            node.querySelectorAll('li > a[href]').forEach(a => out.push(a.getAttribute('href')));
            node = node.nextElementSibling;
        }
        return out;
    }""")


@pytest.mark.parametrize("paper_id", WELL_CONNECTED)
def test_connections_list_every_entry_once(page, base_url, paper_id: str) -> None:
    page.goto(base_url + f"papers/{paper_id}/")
    links = connection_links(page)
    assert links and len(links) == len(set(links)), links
    more = page.locator("details.kb-more")
    if more.count():
        hidden = more.locator("li > a").first
        expect(hidden).not_to_be_visible()
        more.locator("summary").click()
        expect(hidden).to_be_visible()
        expect(more.locator("summary")).to_contain_text(f"Show all {len(links)} connections")


def test_every_paper_page_links_out(browser, base_url) -> None:
    # Markup only: without scripts each of the ~100 pages loads in a few milliseconds.
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "kb.json")
        papers = [n["id"] for n in json.loads(page.inner_text("body"))["nodes"] if n["kind"] == "paper"]
        assert len(papers) > 50
        missing = []
        for paper_id in papers:
            page.goto(base_url + f"papers/{paper_id}/", wait_until="domcontentloaded")
            if not page.locator(".kb-meta__links a[href^='https://']").count():
                missing.append(paper_id)
        assert not missing
    finally:
        context.close()


@pytest.mark.parametrize("path, section", ORIENTATION, ids=[p for p, _ in ORIENTATION])
def test_breadcrumb_and_active_tab(page, base_url, path: str, section: str) -> None:
    page.goto(base_url + path)
    expect(page.locator(".md-tabs__item--active")).to_have_count(1)
    expect(page.locator(".md-tabs__item--active")).to_have_text(section)
    crumb = page.locator("article nav.kb-breadcrumb")
    expect(crumb).to_be_visible()
    expect(crumb.locator("a").first).to_have_text(section)
    expect(crumb.locator("[aria-current=page]")).to_have_count(1)
    crumb.locator("a").first.click()
    expect(page.locator("h1").first).to_contain_text(section)


def test_paper_page_names_its_paths_and_cites_near_the_top(page, base_url) -> None:
    page.goto(base_url + "papers/vit/")
    expect(page.locator("#in-reading-paths + ul")).to_contain_text("step")
    cite = page.locator("details.kb-cite")
    expect(cite.locator("summary")).to_be_visible()
    cite.locator("summary").click()
    expect(cite.locator("pre code")).to_contain_text("@inproceedings{vit")
    top = page.evaluate("document.querySelector('details.kb-cite').getBoundingClientRect().top")
    assert top < page.evaluate("document.getElementById('connections').getBoundingClientRect().top")


def test_diagram_nodes_link_to_their_pages(page, base_url) -> None:
    page.goto(base_url + "papers/vit/")
    svg = page.locator(".mermaid svg").first
    expect(svg).to_be_visible(timeout=15_000)
    expect(svg).to_contain_text("ResNet (2015)")
    expect(svg.locator("a[href$='../resnet/'], a[*|href$='../resnet/']").first).to_be_attached()


# -- the site opened from disk --------------------------------------------------------


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory, example_site) -> Path:
    """The example built with ``kbgen build --offline`` (example_site first: it checks for Chromium)."""
    root = copy_example(tmp_path_factory.mktemp("offline") / "kb")
    proc = subprocess.run([sys.executable, "-m", "kbgen", "build", "--root", str(root), "--offline", "--strict"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root / "site"


def open_file_page(browser, problems: PageProblems):
    """A context in which only file:// (and data:/blob:) may be requested."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(OPEN_SHADOW_ROOTS)

    def route(route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            problems.foreign.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: problems.errors.append(f"console.{msg.type}: {msg.text}")
            if msg.type == "error" else None)
    return context, page


def test_offline_site_opens_from_disk(browser, problems, offline_site: Path) -> None:
    context, page = open_file_page(browser, problems)
    try:
        page.goto((offline_site / "index.html").as_uri())
        page.locator("a.md-tabs__link", has_text="Papers").click()
        expect(page).to_have_url(re.compile(r"/papers/index\.html$"))
        expect(page.locator("h1").first).to_contain_text("Papers")
        page.locator("article a", has_text="ResNet — Deep Residual Learning").first.click()
        expect(page).to_have_url(re.compile(r"/papers/resnet\.html$"))
        expect(page.locator("h1").first).to_contain_text("Deep Residual Learning")
        page.locator("article nav.kb-breadcrumb a").first.click()
        expect(page).to_have_url(re.compile(r"/papers/index\.html$"))
        # Search works without a server (the index is inlined, the worker runs in an iframe).
        page.locator("label.md-search__icon, .md-search__input").first.click()
        page.locator("input.md-search__input").press_sequentially("residual", delay=40)
        result = page.locator(".md-search-result__item a[href*='papers/resnet.html']").first
        expect(result).to_be_visible(timeout=15_000)
        result.click()
        expect(page).to_have_url(re.compile(r"/papers/resnet\.html(\?h=[^#]*)?(#.*)?$"))
    finally:
        context.close()
    problems.assert_clean()


# -- accessibility and pictures ----------------------------------------------------------


@pytest.mark.parametrize("path", CHANGED_PAGES)
def test_changed_pages_have_no_serious_accessibility_findings(browser, problems, base_url, path: str) -> None:
    schemes = ["light", "dark"] if path in ("papers/vit/", "paths/classic-cnns/") else ["light"]
    for scheme in schemes:
        context, page = open_page(browser, problems, color_scheme=scheme)
        try:
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            for summary in page.locator("article details > summary").all():
                summary.click()  # the hidden parts too: "Show all", "Cite"
            assert serious_violations(page) == [], (path, scheme)
        finally:
            context.close()
    problems.assert_clean()


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_vit_page_a_path_and_the_graph(browser, problems, base_url, width: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = open_page(browser, problems)
    try:
        page.set_viewport_size({"width": width, "height": 900})
        for path, name in (("papers/vit/", "reader-vit"), ("paths/classic-cnns/", "reader-path"),
                           ("graph/", "reader-graph")):
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            if path == "graph/":
                page.wait_for_function("window.kbgenGraph && window.kbgenGraph.visibleCount() > 0",
                                       timeout=20_000)
            else:
                expect(page.locator(".mermaid svg").first).to_be_visible(timeout=15_000)
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
            assert (ARTIFACTS / f"{name}-{width}.png").stat().st_size > 10_000
    finally:
        context.close()
    problems.assert_clean()
