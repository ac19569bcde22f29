"""XSS: hostile titles, abstracts, URLs and summary text never run in the browser.

The validator already rejects these payloads (KB020, KB013). This test goes
around it on purpose: it builds the knowledge base with ``model_construct``
(no validation) and feeds it to the real plugin and renderer in a real MkDocs
build, so it proves the render layer and the sanitiser hold on their own.
"""

from __future__ import annotations

import textwrap

import pytest

from kbgen.core.kb import KnowledgeBase
from kbgen.core.models import Paper, ReadingPath, Summary, Topic

from .conftest import REPO, open_page, serve

JS = "window.__xss = (window.__xss || 0) + 1; alert('{0}')"
PAYLOADS = {
    "title": "<script>" + JS.format("title") + "</script>",
    "img": '<img src="missing.png" onerror="' + JS.format("img") + '">',
    "svg": "<svg/onload=\"" + JS.format("svg") + "\">",
    "quote": '"><img src="missing.png" onerror="' + JS.format("quote") + '">',
    "md_link": "[click](javascript:alert('md'))",
}
HOSTILE = " ".join(PAYLOADS.values())


def hostile_kb() -> KnowledgeBase:
    paper = Paper.model_construct(
        id="evil", title="Evil " + PAYLOADS["title"], authors=[PAYLOADS["img"], "Ada"], year=2020,
        venue=PAYLOADS["quote"], abstract=HOSTILE, url="javascript:alert('url')",
        pdf="data:text/html,<script>alert('pdf')</script>", code="https://example.org/code",
        topics=["evil-topic"], cites=["good"], prerequisites=["good"], difficulty="intro", reading_time=10,
        arxiv=None, doi=None, bibtex_key=None)
    good = Paper(id="good", title="A good paper", year=2019, topics=["evil-topic"], reading_time=5)
    summary = Summary.model_construct(
        id="evil", title="Summary " + PAYLOADS["svg"], paper="evil", topics=[], prerequisites=[],
        contributors=[PAYLOADS["img"]], reading_time=None, difficulty=None, date=None,
        source="javascript:alert('source')", body="")
    topic = Topic.model_construct(id="evil-topic", name="Topic " + PAYLOADS["title"], parent=None,
                                  description=HOSTILE)
    path = ReadingPath.model_construct(id="evil-path", title="Path " + PAYLOADS["quote"], description=HOSTILE,
                                       steps=["good", "evil"])
    return KnowledgeBase(papers={"evil": paper, "good": good}, summaries={"evil": summary},
                         topics={"evil-topic": topic}, paths={"evil-path": path})


SUMMARY_BODY = textwrap.dedent("""\
    ---
    title: "Summary <img src=missing.png onerror=alert('fm')>"
    paper: evil
    ---
    Intro.

    <script>window.__xss = 1; alert('body')</script>

    <img src="missing.png" onerror="window.__xss = 1; alert('body-img')">

    [click me](javascript:alert('body-link')) and <a href="&#106;avascript:alert('enc')">encoded</a>
    and <a href="java\tscript:alert('tab')">tab</a>.
    """)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, browser) -> str:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from kbgen.app.load import Loaded

    root = tmp_path_factory.mktemp("hostile")
    (root / "content" / "summaries").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Hostile\n")
    (root / "content" / "summaries" / "evil.md").write_text(SUMMARY_BODY)
    config_text = (REPO / "mkdocs.yml").read_text().replace("site_name:", "site_name: Hostile #", 1)
    (root / "mkdocs.yml").write_text(config_text)
    kb = hostile_kb()

    # Around the validator: the plugin renders this knowledge base as it is.
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    config.plugins["kbgen"].preload(Loaded(root.resolve(), [], [], lambda: kb))
    build(config)
    url, server = serve(root / "site")
    yield url
    server.shutdown()


PAGES = ["", "papers/", "papers/evil/", "papers/good/", "summaries/evil/", "topics/evil-topic/",
         "paths/evil-path/", "graph/"]


@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_no_payload_runs(browser, problems, hostile_site: str, path: str) -> None:
    context, page = open_page(browser, problems)
    try:
        page.goto(hostile_site + path)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__xss") is None
        # What the browser resolves every link and source to: only http(s) (and mailto) may remain.
        protocols = page.evaluate("""() => [
            ...[...document.querySelectorAll('[href]')].map(e => new URL(e.getAttribute('href'), location.href).protocol),
            ...[...document.querySelectorAll('[src]')].map(e => new URL(e.getAttribute('src'), location.href).protocol),
        ]""")
        assert set(protocols) <= {"http:", "https:", "mailto:"}
        text = page.locator("article").inner_text()
        if path in ("papers/evil/", "summaries/evil/"):
            assert "<script>" in text or "<svg/onload" in text  # shown as text, not run
    finally:
        context.close()
    # Missing images (src kept, onerror dropped) are expected 404s in the console.
    problems.errors = [e for e in problems.errors if "Failed to load resource" not in e]
    problems.assert_clean()
