"""Accessibility: axe-core on the home, paper, path, topic and graph pages, light and dark, and in use.

No serious or critical violation may remain. Material's own defaults failed
a few rules (unnamed search dialog, faint tab labels and footer, links told
apart by colour only, light code names, dark-scheme outline buttons); kbgen's
CSS and JavaScript fix them, so no exception list is needed.
"""

from __future__ import annotations

import pytest

from .conftest import open_page, wait_for_graph

PAGES = ["", "papers/vit/", "paths/attention-to-vit/", "paths/classic-cnns/", "topics/transformers/",
         "topics/computer-vision/", "graph/", "summaries/attention-is-all-you-need/"]


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {' '.join(map(str, node['target']))} — {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_no_serious_violations(browser, problems, base_url, path: str, scheme: str) -> None:
    context, page = open_page(browser, problems, color_scheme=scheme)
    try:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        if path == "graph/":
            wait_for_graph(page)
        if path.startswith("summaries/"):
            page.locator(".arithmatex .katex").first.wait_for()
        # Diagrams and timelines drawn (a wide diagram's box scrolls and must take focus).
        page.wait_for_function("() => !document.querySelector('pre.mermaid') && "
                               "[...document.querySelectorAll('.kb-lineage')].every(d => d.querySelector('svg'))")
        page.wait_for_timeout(200)
        assert serious_violations(page) == []
    finally:
        context.close()
    problems.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_graph_around_one_entry_and_a_failed_look_up(browser, problems, base_url, scheme: str) -> None:
    context, page = open_page(browser, problems, color_scheme=scheme, width=390)
    try:
        page.goto(base_url + "graph/")
        wait_for_graph(page)
        box = page.locator("input[data-kb-focus]")
        box.fill("ViT")
        box.press("Enter")
        page.wait_for_function("window.kbgenGraph.cy.nodes('.kb-center').length === 1")
        page.locator("details.kb-graph__list summary").click()
        assert serious_violations(page) == []
        box.fill("nothing by that name")
        box.press("Enter")
        page.wait_for_selector("input[data-kb-focus][aria-invalid=true]")
        assert serious_violations(page) == []
    finally:
        context.close()
    problems.assert_clean()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_checklist_with_keyboard_focus(browser, problems, base_url, scheme: str) -> None:
    context, page = open_page(browser, problems, color_scheme=scheme, width=390)
    try:
        page.goto(base_url + "paths/classic-cnns/")
        page.wait_for_selector("ol.kb-checklist[data-kb-keys]")
        page.locator("li.kb-step input.kb-tick").first.focus()
        page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")
        assert serious_violations(page) == []
    finally:
        context.close()
    problems.assert_clean()
