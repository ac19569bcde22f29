"""The example built by both engines, MkDocs + Material and Zensical, in Chromium: the same smoke test on each.

Search finds a paper by its name, the graph explorer draws nodes, a reading
path's tick survives a reload, and no request leaves the site's origin (the
``page`` fixture fails a test on any such request, a page error or a console
error). A hostile knowledge base built with Zensical runs no script, search
results included.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import _require_browser, copy_example, open_page, serve, wait_for_graph

ENGINES = ("mkdocs", "zensical")


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory) -> Path:
    _require_browser()
    work = tmp_path_factory.mktemp("zensical")
    root = copy_example(work / "kb")
    proc = subprocess.run([sys.executable, "-m", "kbgen", "build", "--root", str(root), "--site-dir",
                           str(work / "site"), "--strict", "--engine", "zensical"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return work / "site"


@pytest.fixture(scope="module", params=ENGINES)
def site(request) -> tuple[str, str]:
    """``(engine, base URL)`` of the example built by that engine and served on 127.0.0.1."""
    directory = request.getfixturevalue("example_site" if request.param == "mkdocs" else "zensical_site")
    url, server = serve(directory)
    yield request.param, url
    server.shutdown()


def search(page, engine: str, query: str):
    """Type ``query`` into the engine's search box key by key; returns the result links."""
    if engine == "mkdocs":
        page.locator("label.md-search__icon, .md-search__input").first.click()
        page.locator("input.md-search__input").press_sequentially(query, delay=40)
        results = page.locator(".md-search-result__item a[href]")
    else:
        # Zensical's search is a dialog in a shadow root (opened by conftest's init script).
        page.locator(".md-search__button").click()
        page.locator("dialog[aria-label='Search'] input[role=combobox]").press_sequentially(query, delay=40)
        results = page.locator("dialog[aria-label='Search'] a[role=option]")
    expect(results.first).to_be_visible(timeout=15_000)
    page.wait_for_timeout(300)  # results settle as the last keys arrive
    return results


@pytest.mark.parametrize("query, paper", [("ResNet", "papers/resnet/"), ("Adam", "papers/adam/")])
def test_search_finds_a_paper_by_its_name(page, site, query: str, paper: str) -> None:
    engine, url = site
    page.goto(url)
    results = search(page, engine, query)
    hrefs = results.evaluate_all("links => links.slice(0, 3).map(a => new URL(a.href, location.href).pathname)")
    assert any(h.rstrip("/").endswith(paper.rstrip("/")) for h in hrefs), (engine, hrefs)
    results.and_(page.locator(f"a[href*='{paper}']")).first.click()
    page.wait_for_url(f"**/{paper}**")
    expect(page).to_have_title(re.compile(re.escape(query)))  # "ResNet — Deep Residual Learning ..."


def test_graph_explorer_draws_nodes(page, site) -> None:
    _, url = site
    page.goto(url + "graph/")
    wait_for_graph(page)
    assert page.evaluate("window.kbgenGraph.visibleCount()") >= 10


def test_a_checklist_tick_survives_a_reload(page, site) -> None:
    _, url = site
    page.goto(url + "paths/attention-to-vit/")
    page.wait_for_selector("ol.kb-checklist[data-kb-keys] li.kb-step.kb-next")
    second = page.locator("li.kb-step input.kb-tick").nth(1)
    second.check()
    page.reload()
    page.wait_for_selector("ol.kb-checklist[data-kb-keys] li.kb-step")
    expect(page.locator("li.kb-step input.kb-tick").nth(1)).to_be_checked()
    expect(page.locator("li.kb-step input.kb-tick").first).not_to_be_checked()


@pytest.mark.parametrize("path", ["", "papers/vit/", "topics/transformers/", "paths/attention-to-vit/", "graph/",
                                  "summaries/vit/"])
def test_no_request_leaves_the_site(page, site, path: str) -> None:
    engine, url = site
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url + path)
    page.wait_for_load_state("networkidle")
    if path == "":
        search(page, engine, "attention")  # the search index and its worker load from the site too
        page.wait_for_load_state("networkidle")
    assert requested and all(r.startswith(url) or r.startswith(("data:", "blob:")) for r in requested), requested
    # The page fixture also fails the test on any request that left 127.0.0.1 (blocked and recorded).


@pytest.fixture(scope="module")
def hostile_zensical(tmp_path_factory, browser) -> str:
    from kbgen.app.load import Loaded
    from kbgen.app.zensical_build import build_with_zensical

    from .test_xss import _hostile_root, hostile_kb

    root = _hostile_root(tmp_path_factory, generic=True)
    kb = hostile_kb()  # around the validator: only the export's sanitiser stands between it and the page
    site_dir = tmp_path_factory.mktemp("hostile-zensical") / "site"
    build_with_zensical(root, site_dir, loaded=Loaded(root.resolve(), [], [], lambda: kb))
    url, server = serve(site_dir)
    yield url
    server.shutdown()


@pytest.mark.parametrize("path", ["", "contributing/", "papers/evil/", "summaries/evil/", "topics/evil-topic/",
                                  "paths/evil-path/", "graph/"])
def test_no_payload_runs_in_the_zensical_build(browser, problems, hostile_zensical: str, path: str) -> None:
    from .test_xss import _check_page

    _check_page(browser, problems, hostile_zensical, path)


@pytest.mark.parametrize("query", ["Evil", "Summary", "Topic", "Path"])
def test_no_payload_runs_from_zensical_search_results(browser, problems, hostile_zensical: str, query: str) -> None:
    context, page = open_page(browser, problems)
    try:
        page.goto(hostile_zensical)
        results = search(page, "zensical", query)
        assert results.count() >= 1
        page.wait_for_timeout(500)
        results.first.hover()
        assert page.evaluate("window.__xss") is None
        text = page.locator("dialog[aria-label='Search']").inner_text()
        assert "<" in text or query in text  # payloads show as text
    finally:
        context.close()
    problems.errors = [e for e in problems.errors if "Failed to load resource" not in e]
    problems.assert_clean()
