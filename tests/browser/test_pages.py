"""The example site in a real browser: search, paper, path, graph and topic pages."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import screenshot

TRANSFORMER = "Attention Is All You Need"
VIT = "An Image is Worth 16x16 Words"


def search(page, query: str):
    """Type into Material's search key by key (it listens to key events, not to fill())."""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    expect(box).to_be_visible()
    box.press_sequentially(query, delay=40)
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible(timeout=15_000)
    return page.locator(".md-search-result__list")


def test_home_page(page, base_url) -> None:
    page.goto(base_url)
    expect(page.locator("h1").first).to_be_visible()
    screenshot(page, "home")


def test_search_finds_the_transformer(page, base_url) -> None:
    page.goto(base_url)
    expect(search(page, "attention")).to_contain_text(TRANSFORMER)


def test_search_finds_vit(page, base_url) -> None:
    page.goto(base_url)
    expect(search(page, "vision transformer")).to_contain_text(VIT)


def test_search_from_a_page_with_a_diagram(page, base_url) -> None:
    page.goto(base_url + "papers/vit/")
    expect(page.locator(".mermaid svg").first).to_be_visible(timeout=15_000)
    expect(search(page, "attention")).to_contain_text(TRANSFORMER)


def test_paper_page(page, base_url) -> None:
    page.goto(base_url + "papers/vit/")
    expect(page.locator("h1")).to_contain_text(VIT)
    # Material's copy button on the BibTeX block in the "Cite" box (its class changed across Material versions).
    page.locator("details.kb-cite > summary").click()
    expect(page.get_by_role("button", name="Copy to clipboard").first).to_be_attached()
    expect(page.locator("pre code").filter(has_text="@")).not_to_have_count(0)
    screenshot(page, "paper")
    # Connections link to the right pages.
    link = page.locator("#connections ~ ul a", has_text=TRANSFORMER).first
    link.click()
    expect(page).to_have_url(re.compile(r"/papers/attention-is-all-you-need/$"))
    expect(page.locator("h1")).to_contain_text(TRANSFORMER)


def test_mark_as_read_on_a_paper_page(page, base_url) -> None:
    page.goto(base_url + "papers/resnet/")
    button = page.locator("button.kb-known")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator("button.kb-known")).to_have_attribute("aria-pressed", "true")


def test_path_page_checklist(page, base_url) -> None:
    page.goto(base_url + "paths/attention-to-vit/")
    expect(page.locator(".mermaid svg").first).to_be_visible(timeout=15_000)
    steps = page.locator("li.kb-step")
    total = steps.count()
    assert total >= 3
    progress = page.locator("[data-kb-progress]")
    expect(progress).to_contain_text(f"0 / {total}")
    first_next = page.locator("li.kb-step.kb-next")
    expect(first_next).to_have_count(1)
    next_id = first_next.get_attribute("data-id")
    screenshot(page, "path")

    page.locator(f"li.kb-step[data-id='{next_id}'] input.kb-tick").check()
    expect(progress).to_contain_text(f"1 / {total}")
    page.reload()
    expect(page.locator(f"li.kb-step[data-id='{next_id}'] input.kb-tick")).to_be_checked()
    expect(page.locator("[data-kb-progress]")).to_contain_text(f"1 / {total}")
    # The "next readable" marker moved on.
    expect(page.locator("li.kb-step.kb-next")).to_have_count(1)
    assert page.locator("li.kb-step.kb-next").get_attribute("data-id") != next_id


def test_ticks_are_shared_across_pages(page, base_url) -> None:
    page.goto(base_url + "papers/bahdanau-attention/")
    page.locator("button.kb-known").click()
    page.goto(base_url + "paths/attention-to-vit/")
    expect(page.locator("li.kb-step[data-id='bahdanau-attention'] input.kb-tick")).to_be_checked()


def test_graph_page(page, base_url) -> None:
    page.goto(base_url + "graph/")
    page.wait_for_function("window.kbgenGraph && window.kbgenGraph.visibleCount() > 0", timeout=20_000)
    before = page.evaluate("window.kbgenGraph.visibleCount()")
    assert before > 5
    screenshot(page, "graph")
    # Filtering by kind changes the number of visible nodes.
    page.locator("#kb-graph-app input[type=checkbox][value='paper']").first.uncheck()
    page.wait_for_function(f"window.kbgenGraph.visibleCount() !== {before}")
    assert page.evaluate("window.kbgenGraph.visibleCount()") < before
    page.locator("#kb-graph-app input[type=checkbox][value='paper']").first.check()
    page.wait_for_function(f"window.kbgenGraph.visibleCount() === {before}")


def test_graph_click_opens_the_page(page, base_url) -> None:
    page.goto(base_url + "graph/")
    page.wait_for_function("window.kbgenGraph && window.kbgenGraph.visibleCount() > 0", timeout=20_000)
    page.wait_for_timeout(500)  # let the layout settle
    box = page.evaluate("""() => {
        const cy = window.kbgenGraph.cy;
        const node = cy.getElementById('vit');
        const rect = cy.container().getBoundingClientRect();
        const pos = node.renderedPosition();
        return {x: rect.left + pos.x, y: rect.top + pos.y};
    }""")
    page.mouse.click(box["x"], box["y"])
    expect(page).to_have_url(re.compile(r"/papers/vit/$"), timeout=10_000)


def test_topic_page_lineage(page, base_url) -> None:
    page.goto(base_url + "topics/transformers/")
    lineage = page.locator(".kb-lineage svg.kb-lineage__svg")
    expect(lineage).to_be_visible(timeout=10_000)
    expect(lineage).to_contain_text("2017")
    screenshot(page, "topic")


def test_math_is_rendered_with_the_vendored_katex(page, base_url) -> None:
    page.goto(base_url + "summaries/attention-is-all-you-need/")
    math = page.locator(".arithmatex .katex").first
    expect(math).to_be_visible(timeout=10_000)
    # The formula is typeset (MathML for screen readers included), not left as \( ... \) text.
    expect(page.locator(".arithmatex .katex-mathml").first).to_be_attached()
    assert "\\(" not in page.locator("article").inner_text()
    page.locator(".arithmatex .katex").first.scroll_into_view_if_needed()
    screenshot(page, "summary-math")


def test_pages_without_math_do_not_load_katex(page, base_url) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(base_url + "papers/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if "katex" in url]
