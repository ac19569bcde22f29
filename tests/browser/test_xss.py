"""XSS: hostile titles, abstracts, URLs, summary text and page metadata never run in the browser.

The validator already rejects these payloads (KB020, KB013, KB008). This
test goes around it on purpose: it builds the knowledge base with
``model_construct`` (no validation) and feeds it to the real plugin and
renderer in a real MkDocs build, so it proves the render layer and the
sanitiser hold on their own. The same knowledge base is also exported
(``kbgen export``, its pages sanitised as the export does) and built with
plain ``mkdocs build``, where no kbgen code runs: the bypasses of issue 17
(``alt=">"`` before a handler, attr_list ``{: onclick=... }``, an
entity-encoded ``javascript:``, a list-valued title in a generic page) must
be inert there too.
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

    <img alt=">" src="missing.png" onerror="window.__xss = 1; alert('alt-quote')">

    A paragraph with a handler from attr_list.
    {: onclick="window.__xss = 1; alert('attr-list')" onmouseover="window.__xss = 1" }

    [entity link](&#106;avascript&colon;alert('md-entity')) and [tab link](java&Tab;script:alert('md-tab'))
    """)
#: A generic page (in the nav of the example's mkdocs.yml) whose front matter no model checks.
GENERIC_PAGE = textwrap.dedent("""\
    ---
    title: ["<img src=missing.png onerror=window.__xss=1;alert('nav')>"]
    description: "\\"><img src=missing.png onerror=window.__xss=1;alert('meta')>"
    author: "\\"><script>window.__xss = 1; alert('author')</script>"
    ---
    # Contributing
    """)


@pytest.fixture(scope="module", params=[False, True], ids=["plugin", "plugin-generic-meta"])
def hostile_site(request, tmp_path_factory, browser) -> str:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from kbgen.app.load import Loaded

    root = _hostile_root(tmp_path_factory, generic=request.param)
    kb = hostile_kb()

    # Around the validator: the plugin renders this knowledge base as it is.
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    config.plugins["kbgen"].preload(Loaded(root.resolve(), [], [], lambda: kb))
    build(config)
    url, server = serve(root / "site")
    yield url
    server.shutdown()


def _hostile_root(tmp_path_factory, generic: bool = True):
    root = tmp_path_factory.mktemp("hostile")
    (root / "content" / "summaries").mkdir(parents=True)
    (root / "content" / "reference").mkdir()
    (root / "content" / "index.md").write_text("# Hostile\n")
    (root / "content" / "contributing.md").write_text(GENERIC_PAGE if generic else "# Contributing\n")
    (root / "content" / "reference" / "formats.md").write_text("# Formats\n")
    (root / "content" / "summaries" / "evil.md").write_text(SUMMARY_BODY)
    config_text = (REPO / "mkdocs.yml").read_text().replace("site_name:", "site_name: Hostile #", 1)
    (root / "mkdocs.yml").write_text(config_text)
    return root


@pytest.fixture(scope="module")
def exported_site(tmp_path_factory, browser) -> str:
    """The hostile knowledge base through `kbgen export` and plain `mkdocs build` (no kbgen code at build time)."""
    import subprocess
    import sys

    from kbgen.app.export import export_tree
    from kbgen.app.load import Loaded
    from kbgen.site.markdown_sanitizer import sanitize_page

    root = _hostile_root(tmp_path_factory)
    kb = hostile_kb()
    out = tmp_path_factory.mktemp("exported")
    export_tree(Loaded(root.resolve(), [], [], lambda: kb), out)
    # What the export does to every page (site/export.py calls sanitize_page): idempotent, so
    # applying it here again is harmless once the export does it itself.
    for path in (out / "docs").rglob("*.md"):
        contributed = (root / "content" / path.relative_to(out / "docs")).exists()
        path.write_text(sanitize_page(path.read_text(), generated=not contributed, math=True))
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=out, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    url, server = serve(out / "site")
    yield url
    server.shutdown()


PAGES = ["", "contributing/", "papers/", "papers/evil/", "papers/good/", "summaries/evil/", "topics/evil-topic/",
         "paths/evil-path/", "graph/"]


@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_no_payload_runs_in_the_plugin_build(browser, problems, hostile_site: str, path: str) -> None:
    # A generic page's list-valued title and raw description reach the nav and <meta> unless the
    # plugin escapes page.meta; validate refuses such a page (KB008, KB020), this build goes around it.
    _check_page(browser, problems, hostile_site, path)


@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_no_payload_runs_in_the_exported_build(browser, problems, exported_site: str, path: str) -> None:
    _check_page(browser, problems, exported_site, path)


def _check_page(browser, problems, site: str, path: str) -> None:
    context, page = open_page(browser, problems)
    try:
        page.goto(site + path)
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
        if path == "summaries/evil/":
            page.hover("text=A paragraph with a handler")
            page.click("text=A paragraph with a handler")
            page.wait_for_timeout(100)
            assert page.evaluate("window.__xss") is None
    finally:
        context.close()
    # Missing images (src kept, onerror dropped) are expected 404s in the console.
    problems.errors = [e for e in problems.errors if "Failed to load resource" not in e]
    problems.assert_clean()
