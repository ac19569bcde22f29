"""Accessibility: axe-core on the home, paper, path, topic and graph pages, light and dark.

No serious or critical violation may remain. Material's own defaults failed
a few rules (unnamed search dialog, faint tab labels and footer, links told
apart by colour only, light code names, dark-scheme outline buttons); kbgen's
CSS and JavaScript fix them, so no exception list is needed.
"""

from __future__ import annotations

import pytest

from .conftest import open_page

PAGES = ["", "papers/vit/", "paths/attention-to-vit/", "topics/transformers/", "graph/",
         "summaries/attention-is-all-you-need/"]


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
            page.wait_for_function("window.kbgenGraph && window.kbgenGraph.visibleCount() > 0", timeout=20_000)
        if path.startswith("summaries/"):
            page.locator(".arithmatex .katex").first.wait_for()
        assert serious_violations(page) == []
    finally:
        context.close()
    problems.assert_clean()
